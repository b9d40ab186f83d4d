"""TensorBoard summaries of a training loop, TF2 style: tf.summary calls under a file writer.

Source: TF1 idioms of real codebases (the TF1 guide "TensorBoard: Visualizing learning"; the TF2
guide "Migrating tf.summary usage to TF 2.x"). Softmax regression on MNIST (Flatten → Dense(10)
logits, SGD, lr 0.1, batches of 16) whose loss (`tf.summary.scalar`), kernel
(`tf.summary.histogram`) and first two input images (`tf.summary.image`) are written at every
step by the default writer. The check reads the event file back and compares tags, steps and
values with the TF1 side's, as well as the training itself.

What changed from TF1:
- summary ops collected in the graph and merged became `tf.summary.scalar/histogram/image`
  calls that write at once to the default writer, each with an explicit `step=`;
- `tf.summary.FileWriter(logdir).add_summary(summary, step)` became
  `tf.summary.create_file_writer(logdir)` and `with writer.as_default():`;
- the values are stored as tensors (`value.tensor` with a plugin name) instead of
  `simple_value`, `histo` and one PNG per image, and histograms use other buckets.
"""
import keras
import tensorflow as tf

import tempfile

import numpy as np

from tf1to2 import data, events, mapping
from tf1to2.harness import Trace
from tf1to2.hparams import plumbing

HP = plumbing.SUMMARIES


def initial_kernel(seed):
    rng = np.random.default_rng(seed)
    return (HP.kernel_stddev * rng.standard_normal((28 * 28, HP.classes))).astype(np.float32)


def build_model(images, seed):
    model = keras.Sequential([
        keras.layers.Flatten(),
        keras.layers.Dense(HP.classes, name="dense",
                           kernel_initializer=keras.initializers.Constant(initial_kernel(seed)))])
    model(images)  # Keras creates the weights on the first call.
    return model


def compute_loss(labels, logits):
    return keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits)


def summarize(step, loss, kernel, images):
    """Write the summaries of one step to the default writer, now."""
    tf.summary.scalar("loss", loss, step=step)
    tf.summary.histogram("kernel", kernel, step=step)
    tf.summary.image("inputs", images, step=step, max_outputs=HP.images_shown)


def tf1_names(model):
    dense = model.get_layer("dense")
    return {"dense/kernel": dense.kernel, "dense/bias": dense.bias}


def train(logdir, seed, batches):
    """Train on ``batches``, writing the summaries to ``logdir``; the Trace of the training."""
    batches = iter(batches)
    images, labels = next(batches)
    model = build_model(images, seed)
    variables = tf1_names(model)
    optimizer = keras.optimizers.SGD(HP.learning_rate)

    @tf.function
    def train_step(images, labels, step):
        with tf.GradientTape() as tape:
            loss = compute_loss(labels, model(images))
        # Summaries first, then the update: a tf.function runs them in this order.
        summarize(step, loss, variables["dense/kernel"], images)
        optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables),
                                      model.trainable_variables))
        return loss

    result = Trace(variables=mapping.read(variables))
    writer = tf.summary.create_file_writer(logdir)
    with writer.as_default():
        for step, (images, labels) in enumerate([(images, labels), *batches]):
            step_loss = train_step(images, labels, tf.constant(step, tf.int64))
            result.record_step(step_loss, mapping.read(variables))
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
    logdir = tempfile.mkdtemp(prefix="tf2_summaries_")
    result = train(logdir, 0, mnist.random_batches(HP.batch_size, HP.steps, 0))
    print(f"losses {np.round(result.losses, 4)}; event file in {logdir}:")
    for tag, items in events.read(logdir).items():
        print(f"  {tag}: steps {[step for step, _ in items]}")


if __name__ == "__main__":
    main()
