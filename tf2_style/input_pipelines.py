"""Feeding MNIST to a model in TF2: one tf.data.Dataset, iterated in Python or in a tf.function.

Source: TF1 idioms of real codebases (the TF1 guides "Threading and queues" and "Importing
data"; the TF2 guide "tf.data: Build TensorFlow input pipelines"). The same 100 MNIST images
(bundled copy, `tf1to2.data.mnist("bundled")`), each carried with its index and mirrored by a
numpy function (`tf.numpy_function`), are read in batches of 32 in the five ways the TF1 program
read them: in order across epochs; shuffled; shuffled and repeated by one iterator; one fresh
pass per epoch; training batches interleaved with whole evaluation passes; and reduced inside a
`tf.function`. The check compares every batch (indices, labels, images) in order, and the
shuffled epoch, which TF1's shuffle_batch cannot make deterministic, as a multiset.

What changed from TF1:
- queue runners, `Coordinator` and `OutOfRangeError` loops became a `tf.data.Dataset` iterated
  by a Python `for` loop, which ends with the data;
- one-shot, initializable and feedable iterators became `iter(dataset)` and `next(iterator)`; a
  fresh `for` loop over the dataset replaced re-initialising;
- `tf.py_func` became `tf.numpy_function` (or `tf.py_function`, which passes eager tensors);
- a loop over the batches can run inside a `tf.function`.
"""
import tensorflow as tf

import numpy as np

from tf1to2 import data
from tf1to2.harness import Trace
from tf1to2.hparams import plumbing

HP = plumbing.INPUT_PIPELINES


def mirror(image):
    """The numpy step of the pipeline: flip the image left to right (runs in Python)."""
    return np.ascontiguousarray(image[:, ::-1])


def preprocess(index, image, label):
    image = tf.numpy_function(mirror, [image], tf.float32, stateful=False)
    image.set_shape([28, 28, 1])   # a numpy_function output has no static shape
    return {"index": index, "image": image, "label": label}


def make_dataset(examples):
    return tf.data.Dataset.from_tensor_slices(examples).map(lambda e: preprocess(**e))


def shuffle_and_repeat(dataset, seed, epochs):
    # Shuffle first: each epoch is a permutation of the data; repeating first mixes epochs.
    return dataset.shuffle(HP.shuffle_buffer, seed=seed).repeat(epochs)


def ordered_batches(examples, epochs):
    """No shuffling: deterministic, and (as tf.train.batch did) batches cross epochs."""
    dataset = make_dataset(examples).repeat(epochs)
    return list(dataset.batch(HP.batch_size, drop_remainder=HP.drop_remainder)
                .as_numpy_iterator())


def shuffled_batches(examples, seed):
    """One shuffled epoch; unlike tf.train.shuffle_batch, the seed fixes its order."""
    dataset = make_dataset(examples).shuffle(HP.shuffle_buffer, seed=seed)
    return list(dataset.batch(HP.batch_size, drop_remainder=HP.drop_remainder)
                .as_numpy_iterator())


def one_shot_batches(examples, seed, epochs):
    dataset = shuffle_and_repeat(make_dataset(examples), seed, epochs)
    return list(dataset.batch(HP.batch_size, drop_remainder=HP.drop_remainder)
                .as_numpy_iterator())


def epoch_batches(examples, seed, epochs):
    """One fresh pass per epoch over a freshly made dataset: a list of batches per epoch."""
    epochs_read = []
    for _ in range(epochs):
        # TF1 re-initialised its iterator, which replayed the same shuffled order every epoch.
        # A new Dataset replays it too; one Dataset iterated again would reshuffle.
        dataset = make_dataset(examples).shuffle(HP.shuffle_buffer, seed=seed)
        epochs_read.append(list(dataset.batch(HP.batch_size, drop_remainder=HP.drop_remainder)
                                .as_numpy_iterator()))
    return epochs_read


def train_and_eval_batches(train_examples, eval_examples, seed):
    """Training batches from one iterator, then a whole eval pass, twice."""
    train_dataset = shuffle_and_repeat(make_dataset(train_examples), seed, None)
    train_dataset = train_dataset.batch(HP.batch_size, drop_remainder=HP.drop_remainder)
    eval_dataset = make_dataset(eval_examples).batch(HP.eval_batch_size)
    train_iterator = train_dataset.as_numpy_iterator()
    read = {}
    for evaluation in range(HP.evaluations):
        read[f"train_{evaluation}"] = [next(train_iterator) for _ in range(HP.train_batches)]
        read[f"eval_{evaluation}"] = list(eval_dataset.as_numpy_iterator())
    return read


@tf.function
def _sum_batches(dataset):
    sums = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
    for batch in dataset:   # AutoGraph turns this loop over a dataset into a graph loop
        sums = sums.write(sums.size(), tf.reduce_sum(batch["image"]))
    return sums.stack()


def pixel_sums(examples, seed, epochs):
    """A reduction over the batches, computed in a tf.function: each batch's pixel sum, in order."""
    dataset = shuffle_and_repeat(make_dataset(examples), seed, epochs)
    return _sum_batches(dataset.batch(HP.batch_size, drop_remainder=HP.drop_remainder)).numpy()


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
    # Shuffles draw from (global seed, op seed): set both, as TF1 set the graph's seed.
    tf.random.set_seed(seed)
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
