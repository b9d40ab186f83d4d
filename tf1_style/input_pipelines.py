"""Feeding MNIST to a model in TF1: queue runners, tf.data iterators, a feedable iterator.

Source: TF1 idioms of real codebases (the TF1 guides "Threading and queues" and "Importing
data"). The same 100 MNIST images (bundled copy, `tf1to2.data.mnist("bundled")`), each carried
with its index and mirrored by a numpy function (`tf.py_func`), are read in batches of 32 five
ways: `slice_input_producer` + `tf.train.batch` and `tf.train.shuffle_batch` driven by queue
runners under a `Coordinator`; `tf.data` through `make_one_shot_iterator`; through
`make_initializable_iterator` re-initialised every epoch (the `OutOfRangeError` ends an epoch);
through a feedable iterator switching between training and evaluation by a string handle; and
reduced inside the graph. The check compares every batch (indices, labels, images) in order, and
the shuffle_batch epoch, which no seed makes deterministic, as a multiset.

What changes in TF2:
- queue runners, `Coordinator` and `OutOfRangeError` loops become a `tf.data.Dataset` iterated
  by a Python `for` loop, which ends with the data;
- one-shot, initializable and feedable iterators become `iter(dataset)` and `next(iterator)`; a
  fresh `for` loop over the dataset replaces re-initialising;
- `tf.py_func` becomes `tf.numpy_function` (or `tf.py_function`, which passes eager tensors);
- a loop over the batches can run inside a `tf.function`.
"""
import tensorflow.compat.v1 as tf

import numpy as np

from tf1to2 import data
from tf1to2.harness import Trace
from tf1to2.hparams import plumbing

HP = plumbing.INPUT_PIPELINES


def mirror(image):
    """The numpy step of the pipeline: flip the image left to right (runs in Python)."""
    return np.ascontiguousarray(image[:, ::-1])


def preprocess(index, image, label):
    image = tf.py_func(mirror, [image], tf.float32, stateful=False)
    image.set_shape([28, 28, 1])   # a py_func output has no static shape
    return {"index": index, "image": image, "label": label}


def make_dataset(examples):
    return tf.data.Dataset.from_tensor_slices(examples).map(lambda e: preprocess(**e))


def shuffle_and_repeat(dataset, seed, epochs):
    # Shuffle first: each epoch is a permutation of the data; repeating first mixes epochs.
    return dataset.shuffle(HP.shuffle_buffer, seed=seed).repeat(epochs)


def _run_until_out_of_range(sess, next_batch, feed_dict=None):
    batches = []
    try:
        while True:
            batches.append(sess.run(next_batch, feed_dict))
    except tf.errors.OutOfRangeError:   # the data is exhausted: the loop's only exit
        return batches


def _run_queues(examples, make_batch):
    """Start queue runners for the batch that ``make_batch`` builds; read until they close."""
    with tf.Graph().as_default(), tf.Session() as sess:
        next_batch = make_batch(examples)
        sess.run(tf.local_variables_initializer())   # num_epochs counts in a local variable
        coordinator = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coordinator)
        batches = _run_until_out_of_range(sess, next_batch)
        coordinator.request_stop()
        coordinator.join(threads)
    return batches


def ordered_batches(examples, epochs):
    """Queue runners, no shuffling, one thread: deterministic, and batches cross epochs."""
    def make_batch(examples):
        example = tf.train.slice_input_producer(list(examples.values()), num_epochs=epochs,
                                                shuffle=False)
        example = preprocess(*example)
        return tf.train.batch(example, HP.batch_size, num_threads=1,
                              allow_smaller_final_batch=not HP.drop_remainder)
    return _run_queues(examples, make_batch)


def shuffled_batches(examples, seed):
    """tf.train.shuffle_batch over one epoch: its order depends on thread timing, not the seed."""
    def make_batch(examples):
        example = tf.train.slice_input_producer(list(examples.values()), num_epochs=1,
                                                shuffle=False)
        example = preprocess(*example)
        return tf.train.shuffle_batch(example, HP.batch_size, capacity=HP.shuffle_buffer,
                                      min_after_dequeue=HP.shuffle_buffer // 2, seed=seed,
                                      num_threads=1,
                                      allow_smaller_final_batch=not HP.drop_remainder)
    return _run_queues(examples, make_batch)


def one_shot_batches(examples, seed, epochs):
    with tf.Graph().as_default(), tf.Session() as sess:
        # Shuffles draw from (graph seed, op seed): set both.
        tf.set_random_seed(seed)
        dataset = shuffle_and_repeat(make_dataset(examples), seed, epochs)
        dataset = dataset.batch(HP.batch_size, drop_remainder=HP.drop_remainder)
        return _run_until_out_of_range(
            sess, tf.data.make_one_shot_iterator(dataset).get_next())


def epoch_batches(examples, seed, epochs):
    """An initializable iterator, re-initialised for every epoch: a list of batches per epoch."""
    with tf.Graph().as_default(), tf.Session() as sess:
        tf.set_random_seed(seed)
        dataset = make_dataset(examples).shuffle(HP.shuffle_buffer, seed=seed)
        iterator = tf.data.make_initializable_iterator(
            dataset.batch(HP.batch_size, drop_remainder=HP.drop_remainder))
        next_batch = iterator.get_next()
        epochs_read = []
        for _ in range(epochs):
            # Re-running the initializer restarts the data, and with the same seed the same
            # shuffled order: every epoch here is the same permutation.
            sess.run(iterator.initializer)
            epochs_read.append(_run_until_out_of_range(sess, next_batch))
        return epochs_read


def train_and_eval_batches(train_examples, eval_examples, seed):
    """A feedable iterator: training batches, then a whole eval pass, twice, by handle."""
    with tf.Graph().as_default(), tf.Session() as sess:
        tf.set_random_seed(seed)
        train_dataset = shuffle_and_repeat(make_dataset(train_examples), seed, None)
        train_dataset = train_dataset.batch(HP.batch_size, drop_remainder=HP.drop_remainder)
        eval_dataset = make_dataset(eval_examples).batch(HP.eval_batch_size)
        handle = tf.placeholder(tf.string, [])
        iterator = tf.data.Iterator.from_string_handle(
            handle, tf.data.get_output_types(train_dataset),
            tf.data.get_output_shapes(train_dataset))
        next_batch = iterator.get_next()
        train_iterator = tf.data.make_one_shot_iterator(train_dataset)
        eval_iterator = tf.data.make_initializable_iterator(eval_dataset)
        train_handle, eval_handle = sess.run([train_iterator.string_handle(),
                                              eval_iterator.string_handle()])
        read = {}
        for evaluation in range(HP.evaluations):
            read[f"train_{evaluation}"] = [sess.run(next_batch, {handle: train_handle})
                                           for _ in range(HP.train_batches)]
            sess.run(eval_iterator.initializer)
            read[f"eval_{evaluation}"] = _run_until_out_of_range(sess, next_batch,
                                                                 {handle: eval_handle})
        return read


def pixel_sums(examples, seed, epochs):
    """A reduction over the batches, computed in the graph: each batch's pixel sum, in order."""
    with tf.Graph().as_default(), tf.Session() as sess:
        tf.set_random_seed(seed)
        dataset = shuffle_and_repeat(make_dataset(examples), seed, epochs)
        batch = tf.data.make_one_shot_iterator(
            dataset.batch(HP.batch_size, drop_remainder=HP.drop_remainder)).get_next()
        return np.array(_run_until_out_of_range(sess, tf.reduce_sum(batch["image"])))


def examples():
    """The training and eval slices, each example with its index (int32) in the slice."""
    mnist = data.mnist("bundled")
    return ({"index": np.arange(HP.examples, dtype=np.int32),
             "image": mnist.train_images[:HP.examples], "label": mnist.train_labels[:HP.examples]},
            {"index": np.arange(HP.eval_examples, dtype=np.int32),
             "image": mnist.eval_images[:HP.eval_examples],
             "label": mnist.eval_labels[:HP.eval_examples]})


def trace(seed=0, steps=HP.epochs, initial_values=None):
    """Every pipeline's batches as outputs; ``steps`` is the number of epochs each reads."""
    train_examples, eval_examples = examples()
    shuffled = shuffled_batches(train_examples, seed)
    return Trace(outputs={
        "ordered": ordered_batches(train_examples, steps),
        "shuffled/index_multiset": np.sort(np.concatenate([b["index"] for b in shuffled])),
        "shuffled/batch_sizes": np.array([len(b["index"]) for b in shuffled]),
        "one_shot": one_shot_batches(train_examples, seed, steps),
        "epochs": epoch_batches(train_examples, seed, steps),
        "train_and_eval": train_and_eval_batches(train_examples, eval_examples, seed),
        "pixel_sums": pixel_sums(train_examples, seed, steps)})


def main():
    result = trace()
    for name in ("ordered", "one_shot"):
        print(name, [batch["index"][:4].tolist() for batch in result.outputs[name]])
    print("epochs", [[batch["index"][:4].tolist() for batch in epoch]
                     for epoch in result.outputs["epochs"]])


if __name__ == "__main__":
    main()
