"""TensorBoard summaries of a training loop, TF1 style: tf.summary ops, merge_all, FileWriter.

Source: TF1 idioms of real codebases (the TF1 guide "TensorBoard: Visualizing learning").
Softmax regression on MNIST (Flatten → Dense(10) logits, SGD, lr 0.1, batches of 16) whose loss
(`tf.summary.scalar`), kernel (`tf.summary.histogram`) and first two input images
(`tf.summary.image`) are merged by `tf.summary.merge_all` and written by a `FileWriter` at
every step. The check reads the event file back and compares tags, steps and values with the
TF2 side's, as well as the training itself.

What changes in TF2:
- summary ops collected in the graph and merged become `tf.summary.scalar/histogram/image`
  calls that write at once to the default writer, each with an explicit `step=`;
- `tf.summary.FileWriter(logdir).add_summary(summary, step)` becomes
  `tf.summary.create_file_writer(logdir)` and `with writer.as_default():`;
- the values are stored as tensors (`value.tensor` with a plugin name) instead of
  `simple_value`, `histo` and one PNG per image, and histograms use other buckets.
"""
import tensorflow.compat.v1 as tf

import tempfile

import numpy as np

from tf1to2 import data, events
from tf1to2.harness import Trace
from tf1to2.hparams import plumbing

HP = plumbing.SUMMARIES


def initial_kernel(seed):
    rng = np.random.default_rng(seed)
    return (HP.kernel_stddev * rng.standard_normal((28 * 28, HP.classes))).astype(np.float32)


def build_model(images, seed):
    return tf.layers.dense(tf.layers.flatten(images), HP.classes, name="dense",
                           kernel_initializer=tf.constant_initializer(initial_kernel(seed)))


def compute_loss(labels, logits):
    return tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)


def summarize(loss, kernel, images):
    """The summary ops, gathered in the SUMMARIES collection and merged into one string op."""
    tf.summary.scalar("loss", loss)
    tf.summary.histogram("kernel", kernel)
    tf.summary.image("inputs", images, max_outputs=HP.images_shown)
    return tf.summary.merge_all()


def train(logdir, seed, batches):
    """Train on ``batches``, writing the summaries to ``logdir``; the Trace of the training."""
    with tf.Graph().as_default():
        images_ = tf.placeholder(tf.float32, [None, 28, 28, 1], name="images")
        labels_ = tf.placeholder(tf.int32, [None], name="labels")
        loss = compute_loss(labels_, build_model(images_, seed))
        variables = {v.op.name: v for v in tf.trainable_variables()}
        summary = summarize(loss, variables["dense/kernel"], images_)
        train_op = tf.train.GradientDescentOptimizer(HP.learning_rate).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            result = Trace(variables=sess.run(variables))
            writer = tf.summary.FileWriter(logdir, sess.graph)
            for step, (images, labels) in enumerate(batches):
                feed = {images_: images, labels_: labels}
                # Summaries first, then the update: fetched in one run with train_op, the
                # histogram could read the kernel before or after the update.
                writer.add_summary(sess.run(summary, feed), global_step=step)
                step_loss, _ = sess.run([loss, train_op], feed)
                result.record_step(step_loss, sess.run(variables))
            writer.close()
    return result


def trace(seed=0, steps=HP.steps, initial_values=None):
    """The training, and what the event file holds: scalars, histograms as outputs, the images
    (decoded PNGs) as metrics."""
    mnist = data.mnist("bundled")
    with tempfile.TemporaryDirectory() as logdir:
        result = train(logdir, seed, mnist.random_batches(HP.batch_size, steps, seed))
        written = events.as_arrays(events.read(logdir))
    result.metrics = {name: written.pop(name) for name in ("inputs/values",)}
    result.outputs = written
    return result


def main():
    mnist = data.mnist("bundled")
    logdir = tempfile.mkdtemp(prefix="tf1_summaries_")
    result = train(logdir, 0, mnist.random_batches(HP.batch_size, HP.steps, 0))
    print(f"losses {np.round(result.losses, 4)}; event file in {logdir}:")
    for tag, items in events.read(logdir).items():
        print(f"  {tag}: steps {[step for step, _ in items]}")


if __name__ == "__main__":
    main()
