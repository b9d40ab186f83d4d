"""summaries: tf.summary ops, merge_all and FileWriter vs tf.summary under a file writer."""
import pathlib
import tempfile

import numpy as np
import pytest
import tensorflow as tf

from tf1to2 import data, events, testing
from tf1to2.errors import UserError
from tf2_style import summaries as tf2_summaries

HP = tf2_summaries.HP


def summarize_one_step_late(step, loss, kernel, images):
    """`summarize` with the step counted from 1: TensorBoard's curves shift by one step."""
    tf.summary.scalar("loss", loss, step=step + 1)
    tf.summary.histogram("kernel", kernel, step=step + 1)
    tf.summary.image("inputs", images, step=step + 1, max_outputs=HP.images_shown)


def summarize_images_in_0_255(step, loss, kernel, images):
    """TF1 code often fed 0-255 floats: TF1 rescaled each image, TF2 saturates them at 255."""
    tf.summary.scalar("loss", loss, step=step)
    tf.summary.histogram("kernel", kernel, step=step)
    tf.summary.image("inputs", 255.0 * images, step=step, max_outputs=HP.images_shown)


def _write_one_image(logdir, image, tf1):
    if tf1:
        with tf.Graph().as_default(), tf.compat.v1.Session() as sess:
            writer = tf.compat.v1.summary.FileWriter(logdir)
            writer.add_summary(sess.run(tf.compat.v1.summary.image("image", image)), 0)
            writer.close()
    else:
        writer = tf.summary.create_file_writer(logdir)
        with writer.as_default():
            tf.summary.image("image", image, step=0)
        writer.close()
    return events.read(logdir)["image"][0][1]


class SummariesTest(testing.EquivalenceTest):
    EXAMPLE = "summaries"
    QUANTITIES = ("variables", "outputs", "losses", "trajectory", "metrics")

    def test_same_tags_and_steps_on_both_sides(self):
        report = self.report(0)
        for trace in (report.tf1, report.tf2):
            tags = sorted({name.rsplit("/", 1)[0] for name in [*trace.outputs, *trace.metrics]})
            self.assertEqual(tags, ["inputs", "kernel", "loss"])
            for tag in tags:
                steps = {**trace.outputs, **trace.metrics}[f"{tag}/steps"]
                self.assertEqual(steps.tolist(), list(range(HP.steps)))

    def test_logged_loss_is_the_training_loss(self):
        report = self.report(0)
        np.testing.assert_array_equal(report.tf2.outputs["loss/values"],
                                      np.float32(report.tf2.losses))

    def test_the_two_formats_differ_on_disk(self):
        image = data.mnist("bundled").train_images[:2]
        kinds = {}
        for side in ("tf1", "tf2"):
            with tempfile.TemporaryDirectory() as logdir:
                _write_one_image(logdir, image, tf1=side == "tf1")
                path = next(pathlib.Path(logdir).glob("events.out.tfevents.*"))
                kinds[side] = sorted((value.tag, value.WhichOneof("value")) for event in
                                     tf.compat.v1.train.summary_iterator(str(path))
                                     for value in event.summary.value)
        # TF1: one PNG per image, under NAME/image/I; TF2: one string tensor under NAME.
        self.assertEqual(kinds["tf1"], [("image/image/0", "image"), ("image/image/1", "image")])
        self.assertEqual(kinds["tf2"], [("image", "tensor")])

    def test_tf1_rescales_a_dim_image_tf2_does_not(self):
        # PITFALLS #39: TF1 maps each image's maximum to 255, TF2 multiplies by 255.5.
        dim = 0.5 * data.mnist("bundled").train_images[:1]
        with tempfile.TemporaryDirectory() as tf1_dir, tempfile.TemporaryDirectory() as tf2_dir:
            self.assertEqual(_write_one_image(tf1_dir, dim, tf1=True).max(), 255)
            self.assertEqual(_write_one_image(tf2_dir, dim, tf1=False).max(), 127)  # 0.5 x 255.5

    def test_tf1_tags_are_uniquified_op_names_tf2_writes_the_tag_given(self):
        """PITFALLS #40: a TF1 histogram named `dense/kernel` next to the `dense` layer's
        variable gets the op name `dense/kernel_1`, its tag; TF2 writes `dense/kernel`."""
        with tf.Graph().as_default(), tf.compat.v1.Session() as sess:
            tf.compat.v1.layers.dense(tf.compat.v1.placeholder(tf.float32, [None, 3]), 2,
                                      name="dense")
            kernel, = [v for v in tf.compat.v1.global_variables() if v.op.name == "dense/kernel"]
            summary = tf.compat.v1.summary.histogram("dense/kernel", kernel)
            sess.run(tf.compat.v1.global_variables_initializer())
            tf1_tags = [value.tag for value in
                        tf.compat.v1.Summary.FromString(sess.run(summary)).value]
        with tempfile.TemporaryDirectory() as logdir:
            writer = tf.summary.create_file_writer(logdir)
            with writer.as_default():
                tf.summary.histogram("dense/kernel", tf.ones([3, 2]), step=0)
            writer.close()
            tf2_tags = list(events.read(logdir))
        self.assertEqual((tf1_tags, tf2_tags), (["dense/kernel_1"], ["dense/kernel"]))

    def test_reading_a_directory_without_events_is_a_user_error(self):
        with tempfile.TemporaryDirectory() as empty:
            with pytest.raises(UserError, match="no event files"):
                events.read(empty)

    def test_planted_summary_step_off_by_one_is_caught(self):
        report = self.assert_caught("outputs", summarize=summarize_one_step_late)
        self.assertEqual(report.check("outputs").max_abs_diff, 1.0)
        self.assertTrue(report.check("trajectory").ok)

    def test_planted_images_in_0_255_are_caught(self):
        # PITFALLS #39: 0-255 floats looked right in TF1 (rescaled) and saturate in TF2.
        report = self.assert_caught("metrics", summarize=summarize_images_in_0_255)
        self.assertGreater(report.check("metrics").max_abs_diff, 100)
