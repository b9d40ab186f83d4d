"""A convolutional network on MNIST, TF1 graph style.

Source: TensorFlow handbook (snowkylin), "Models and layers", `cnn/cnn.py` and `mlp/main.py` at
3e6dacb. Conv 5x5x32 (same, relu) → max-pool 2 → conv 5x5x64 → max-pool 2 → reshape to
7·7·64 → Dense(1024, relu) → Dense(10) logits, trained by Adam (lr 1e-3) on batches of 50 with
the sparse softmax cross-entropy of the logits; accuracy over the eval split.

What changes in TF2:
- placeholders, feed_dict and Session.run become plain tensors and calls;
- `tf.layers.conv2d/max_pooling2d/dense` and `tf.reshape` become layers held by a
  `keras.Model` subclass (the NHWC flatten order stays the same);
- `tf.losses.sparse_softmax_cross_entropy(logits)` becomes
  `keras.losses.SparseCategoricalCrossentropy(from_logits=True)`;
- `AdamOptimizer.minimize` becomes `GradientTape` plus `keras.optimizers.Adam`, whose epsilon
  must be set to TF1's 1e-8;
- the streaming `tf.metrics.accuracy` (value, update_op) pair on local variables becomes a
  `keras.metrics.SparseCategoricalAccuracy` object.
"""
import tensorflow.compat.v1 as tf

import random

from tf1to2 import data, hparams, mapping, tracing
from tf1to2.harness import Trace

HP = hparams.MNIST_TRAINING
MODEL = hparams.CNN


def build_model(images):
    x = tf.layers.conv2d(images, filters=MODEL.conv1_filters, kernel_size=MODEL.kernel_size,
                         padding="same", activation=tf.nn.relu)              # [N, 28, 28, 32]
    x = tf.layers.max_pooling2d(x, pool_size=MODEL.pool_size,
                                strides=MODEL.pool_strides)                   # [N, 14, 14, 32]
    x = tf.layers.conv2d(x, filters=MODEL.conv2_filters, kernel_size=MODEL.kernel_size,
                         padding="same", activation=tf.nn.relu)              # [N, 14, 14, 64]
    x = tf.layers.max_pooling2d(x, pool_size=MODEL.pool_size,
                                strides=MODEL.pool_strides)                   # [N, 7, 7, 64]
    x = tf.reshape(x, [-1, 7 * 7 * MODEL.conv2_filters])                     # [N, 3136]
    x = tf.layers.dense(x, units=MODEL.dense_units, activation=tf.nn.relu)  # [N, 1024]
    return tf.layers.dense(x, units=MODEL.classes)                           # [N, 10] logits


def compute_loss(labels, logits):
    return tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)


def build_optimizer():
    # AdamOptimizer's epsilon defaults to 1e-8 (HP.adam_epsilon).
    return tf.train.AdamOptimizer(learning_rate=HP.learning_rate)


def build_accuracy(labels, logits):
    # A streaming metric: (value, update_op) over two LOCAL variables, total and count, which
    # only re-initialising resets. The reset op is built here once, not in every evaluation.
    value, update_op = tf.metrics.accuracy(labels=labels, predictions=tf.argmax(logits, axis=-1),
                                           name="accuracy")
    return value, update_op, tf.local_variables_initializer()


def evaluate(sess, accuracy, images, labels):
    """Accuracy over a whole split, in batches: reset the metric, update it per batch, read it."""
    value, update_op, reset_op = accuracy
    sess.run(reset_op)
    for start in range(0, len(labels), HP.eval_batch_size):
        sess.run(update_op, {"images:0": images[start:start + HP.eval_batch_size],
                             "labels:0": labels[start:start + HP.eval_batch_size]})
    return sess.run(value)


def train_and_evaluate(seed, mnist, batches, initial_values=None, record_variables=True):
    """Train on ``batches`` and return a Trace: the check-batch quantities, losses, accuracies.

    The model has 3.3 million weights, so each step records the trajectory sampled by
    `mapping.trajectory_sample`: every variable whole except dense/kernel, of which every 7th
    row and column (448x147).
    """
    images, labels = next(mnist.random_batches(HP.batch_size, 1, seed))
    # tf.layers is backed by tf_keras here, whose initialisers draw their seeds from Python's
    # `random` (tf.set_random_seed does not reach them); seeding it, as keras.utils.set_random_seed
    # does on the TF2 side, makes both sides start from the same weights.
    random.seed(seed)
    with tf.Graph().as_default():
        images_ = tf.placeholder(tf.float32, [None, 28, 28, 1], name="images")
        labels_ = tf.placeholder(tf.int32, [None], name="labels")
        logits = build_model(images_)
        loss = compute_loss(labels_, logits)
        loss_confident = compute_loss(
            labels_, HP.confident_logit_scale / tf.reduce_max(tf.abs(logits)) * logits)
        variables = {v.op.name: v for v in tf.trainable_variables()}
        gradients = dict(zip(variables, tf.gradients(loss, list(variables.values()))))
        optimizer = build_optimizer()
        train_op = optimizer.minimize(loss)
        accuracy = build_accuracy(labels_, logits)

        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if initial_values is not None:
                mapping.load(sess, variables, initial_values)
            feed_dict = {images_: images, labels_: labels}
            result = Trace(variables=sess.run(variables),
                           outputs={"logits": sess.run(logits, feed_dict)},
                           loss=sess.run({"loss": loss, "loss_confident": loss_confident},
                                         feed_dict),
                           gradients=sess.run(gradients, feed_dict))
            result.metrics["eval_accuracy_initial"] = evaluate(
                sess, accuracy, mnist.eval_images, mnist.eval_labels)
            recorder = tracing.SessionRecorder(result, sess, variables, optimizer,
                                               mapping.trajectory_sample, record_variables)
            for step, (batch_images, batch_labels) in recorder.steps(batches):
                step_loss, _ = sess.run([loss, train_op],
                                        {images_: batch_images, labels_: batch_labels})
                if step == 1:  # the two Adams agree to an ulp or two only after one step
                    result.outputs.update({f"after_first_step/{name}": value
                                           for name, value in sess.run(variables).items()})
                recorder.record(step_loss)
            result.metrics["eval_accuracy"] = evaluate(
                sess, accuracy, mnist.eval_images, mnist.eval_labels)
    return result


def trace(seed=0, steps=HP.steps, initial_values=None):
    mnist = data.mnist(HP.check_data_source)
    return train_and_evaluate(seed, mnist, mnist.random_batches(HP.batch_size, steps, seed),
                              initial_values)


def main():
    mnist = data.mnist()
    result = train_and_evaluate(
        0, mnist, data.epoch_batches(mnist, HP.batch_size, HP.train_epochs, seed=0),
        record_variables=False)
    print(f"data: {mnist.source}; {len(result.losses)} batches, "
          f"final loss {result.losses[-1]:.4f}")
    print(f"eval accuracy: {result.metrics['eval_accuracy']:.4f}")


if __name__ == "__main__":
    main()
