"""input_pipelines: queue runners and v1 iterators (tf.py_func) vs tf.data (tf.numpy_function)."""
import contextlib
import dataclasses
from unittest import mock

import numpy as np
import tensorflow as tf

from tf1to2 import testing
from tf2_style import input_pipelines as tf2_input_pipelines

HP = tf2_input_pipelines.HP


def one_iterator_for_all_epochs(examples, seed, epochs):
    """`epoch_batches` with the iterator made once: TF1's initializer run only before epoch 0."""
    dataset = tf2_input_pipelines.make_dataset(examples).shuffle(HP.shuffle_buffer, seed=seed)
    iterator = dataset.batch(HP.batch_size).as_numpy_iterator()
    return [list(iterator) for _ in range(epochs)]   # the second epoch finds it exhausted


def one_dataset_for_all_epochs(examples, seed, epochs):
    """`epoch_batches` over one Dataset: each pass reshuffles, TF1's re-initialising did not."""
    dataset = tf2_input_pipelines.make_dataset(examples).shuffle(HP.shuffle_buffer, seed=seed)
    dataset = dataset.batch(HP.batch_size)
    return [list(dataset.as_numpy_iterator()) for _ in range(epochs)]


def repeat_then_shuffle(dataset, seed, epochs):
    return dataset.repeat(epochs).shuffle(HP.shuffle_buffer, seed=seed)


@contextlib.contextmanager
def global_seed_not_set():
    """The TF2 trace without `tf.random.set_seed`, in a process seeded elsewhere before."""
    tf.random.set_seed(12345)
    with mock.patch.object(tf.random, "set_seed", lambda seed: None):
        yield


class InputPipelinesTest(testing.EquivalenceTest):
    EXAMPLE = "input_pipelines"
    QUANTITIES = ("outputs",)

    def test_every_form_reads_every_example(self):
        outputs = self.report(0).tf1.outputs
        everything = list(range(HP.examples))
        for name in ("ordered", "one_shot"):
            indices = np.concatenate([batch["index"] for batch in outputs[name]])
            self.assertEqual(sorted(indices.tolist()), sorted(everything * 2))
        for epoch in outputs["epochs"]:
            self.assertEqual(sorted(np.concatenate([b["index"] for b in epoch]).tolist()),
                             everything)
        self.assertEqual(outputs["shuffled/index_multiset"].tolist(), everything)
        self.assertEqual(outputs["shuffled/batch_sizes"].tolist(), [32, 32, 32, 4])

    def test_queue_batches_cross_the_epoch_boundary(self):
        # tf.train.batch (and .repeat().batch()) fill a batch across epochs: 100 = 3 x 32 + 4.
        fourth = self.report(0).tf1.outputs["ordered"][3]["index"]
        self.assertEqual(fourth.tolist(), [96, 97, 98, 99] + list(range(28)))

    def test_reinitialised_iterator_replays_one_order(self):
        # PITFALLS #37: TF1's iterator, re-initialised per epoch, replays the same order.
        epochs = self.report(0).tf1.outputs["epochs"]
        np.testing.assert_array_equal(epochs[0][0]["index"], epochs[1][0]["index"])

    def test_images_went_through_the_numpy_function(self):
        batch = self.report(0).tf1.outputs["ordered"][0]
        train_examples, _ = tf2_input_pipelines.examples()
        np.testing.assert_array_equal(batch["image"][1],
                                      train_examples["image"][1][:, ::-1])

    def test_py_function_gives_the_same_images_as_numpy_function(self):
        train_examples, _ = tf2_input_pipelines.examples()

        def with_py_function(index, image, label):
            # py_function hands the Python code eager tensors, not numpy arrays.
            image = tf.py_function(lambda image: tf2_input_pipelines.mirror(image.numpy()),
                                   [image], tf.float32)
            image.set_shape([28, 28, 1])
            return {"index": index, "image": image, "label": label}
        dataset = tf.data.Dataset.from_tensor_slices(train_examples)
        images = np.concatenate([b["image"] for b in dataset.map(lambda e: with_py_function(**e))
                                 .batch(HP.batch_size).as_numpy_iterator()])
        np.testing.assert_array_equal(images, np.concatenate(
            [b["image"] for b in tf2_input_pipelines.ordered_batches(train_examples, 1)]))

    def test_reshuffle_each_iteration_false_fixes_another_order(self):
        # Not a replacement for TF1's re-initialised iterator: the order is fixed across
        # epochs, but it is another permutation than the one TF1 replayed (same seeds).
        train_examples, _ = tf2_input_pipelines.examples()
        tf.random.set_seed(0)
        dataset = tf2_input_pipelines.make_dataset(train_examples).shuffle(
            HP.shuffle_buffer, seed=0, reshuffle_each_iteration=False).batch(HP.batch_size)
        first, second = (next(dataset.as_numpy_iterator())["index"] for _ in range(2))
        np.testing.assert_array_equal(first, second)
        self.assertFalse(np.array_equal(first,
                                        self.report(0).tf1.outputs["epochs"][0][0]["index"]))

    def test_planted_iterator_not_reinitialised_is_caught(self):
        report = self.assert_caught("outputs", epoch_batches=one_iterator_for_all_epochs)
        self.assertIn("TF2 lacks ['epochs/1/0/image'", report.check("outputs").detail)

    def test_planted_dataset_reshuffled_each_epoch_is_caught(self):
        # PITFALLS #37: iterating one Dataset again reshuffles; TF1's re-initialising did not.
        report = self.assert_caught("outputs", epoch_batches=one_dataset_for_all_epochs)
        self.assertEqual(report.tf2.outputs["epochs"][0][0]["index"].tolist(),
                         report.tf1.outputs["epochs"][0][0]["index"].tolist())

    def test_planted_global_seed_not_set_is_caught(self):
        # PITFALLS #38: the op seed alone does not fix a shuffle: (global seed, op seed) does.
        report = self.assert_caught("outputs", patches=[global_seed_not_set()])
        self.assertNotEqual(report.tf2.outputs["epochs"][0][0]["index"].tolist(),
                            report.tf1.outputs["epochs"][0][0]["index"].tolist())

    def test_planted_drop_remainder_is_caught(self):
        report = self.assert_caught("outputs", HP=dataclasses.replace(HP, drop_remainder=True))
        self.assertIn("TF2 lacks", report.check("outputs").detail)

    def test_planted_repeat_before_shuffle_is_caught(self):
        report = self.assert_caught("outputs", shuffle_and_repeat=repeat_then_shuffle)
        self.assertGreater(report.check("outputs").max_abs_diff, 1.0)
