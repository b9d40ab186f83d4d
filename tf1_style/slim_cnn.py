"""The handbook's MNIST CNN written with tf-slim, batch norm and dropout, TF1 graph style.

Source: the TF1 idiom of the model zoo (`tf_slim/nets/*.py`: one `net = slim.op(...)` line per
layer, shared defaults in an arg-scope function, `slim.learning.create_train_op`), applied to
the TensorFlow handbook's CNN (`cnn/cnn.py`): conv 5x5 → pool → conv 5x5 → pool → dense → dense
logits, with batch norm after each convolution, dropout before the logits, slim's weight decay,
and an `is_training` placeholder that switches batch norm and dropout.

What changes in TF2:
- `slim.arg_scope` defaults become keyword arguments per kind of layer (`cnn_arg_scope()`);
- `slim.conv2d(normalizer_fn=slim.batch_norm)` becomes `Conv2D(use_bias=False)`,
  `BatchNormalization`, relu; slim's batch norm defaults (decay 0.999, no scale) are set on
  Keras' (momentum 0.99, scale=True) (PITFALLS #15);
- `slim.l2_regularizer(s)` (s·Σw²/2) becomes `keras.regularizers.L2(s / 2)` (PITFALLS #13), and
  `tf.losses.get_total_loss()` becomes the loss plus `sum(model.losses)` (PITFALLS #14);
- the `is_training` placeholder becomes `training=` (PITFALLS #16), and
  `slim.learning.create_train_op`'s UPDATE_OPS dependency happens inside the call.
"""
import tensorflow.compat.v1 as tf

import numpy as np
import tf_slim as slim

from tf1to2 import data, mapping
from tf1to2.hparams import slim as hparams
from tf1to2.harness import Trace

MODEL = hparams.SLIM_CNN


def cnn_arg_scope(is_training):
    """The shared defaults, as a model zoo's `*_arg_scope()` function gives them."""
    with slim.arg_scope([slim.conv2d, slim.fully_connected],
                        weights_regularizer=slim.l2_regularizer(MODEL.weight_decay)):
        with slim.arg_scope([slim.conv2d], normalizer_fn=slim.batch_norm, padding="SAME"):
            with slim.arg_scope([slim.batch_norm], decay=MODEL.batch_norm_decay,
                                scale=MODEL.batch_norm_scale, epsilon=MODEL.batch_norm_epsilon,
                                is_training=is_training):
                with slim.arg_scope([slim.dropout], is_training=is_training) as scope:
                    return scope


def build_model(images, is_training, keep_prob):
    with slim.arg_scope(cnn_arg_scope(is_training)):
        net = slim.conv2d(images, MODEL.conv1_filters, MODEL.kernel_size, scope="conv1")
        net = slim.max_pool2d(net, MODEL.pool_size, scope="pool1")              # [N, 14, 14, 16]
        net = slim.conv2d(net, MODEL.conv2_filters, MODEL.kernel_size, scope="conv2")
        net = slim.max_pool2d(net, MODEL.pool_size, scope="pool2")              # [N, 7, 7, 32]
        net = slim.flatten(net)                                                  # [N, 1568]
        net = slim.fully_connected(net, MODEL.dense_units, scope="fc3")          # [N, 128]
        net = slim.dropout(net, keep_prob, scope="dropout3")
        return slim.fully_connected(net, MODEL.classes, activation_fn=None, scope="fc4")


def compute_loss(labels, logits):
    """The cross-entropy, and the total loss with slim's weight decay (the regularisation losses)."""
    cross_entropy = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
    return cross_entropy, tf.losses.get_total_loss()


def build_optimizer():
    return tf.train.GradientDescentOptimizer(learning_rate=MODEL.learning_rate)


def build_train_step(optimizer, total_loss):
    # Runs the batch-norm moving-average updates (UPDATE_OPS) before each step and returns the
    # total loss; it also creates the global step.
    return slim.learning.create_train_op(total_loss, optimizer)


def build_accuracy(labels, logits):
    return tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, axis=-1, output_type=tf.int32),
                                           labels), tf.float32))


def train_and_evaluate(seed, mnist, batches, initial_values=None, keep_prob=MODEL.keep_prob):
    check_images, check_labels = next(mnist.random_batches(MODEL.batch_size, 1, seed + 1000))
    with tf.Graph().as_default():
        tf.set_random_seed(seed)  # slim's initialisers (and dropout) take the graph seed
        images_ = tf.placeholder(tf.float32, [None, 28, 28, 1], name="images")
        labels_ = tf.placeholder(tf.int32, [None], name="labels")
        is_training_ = tf.placeholder_with_default(False, [], name="is_training")
        logits = build_model(images_, is_training_, keep_prob)
        loss, total_loss = compute_loss(labels_, logits)
        variables = {v.op.name: v for v in slim.get_model_variables()}   # with the moving averages
        trainable = tf.trainable_variables()
        gradients = dict(zip([v.op.name for v in trainable], tf.gradients(total_loss, trainable)))
        train_op = build_train_step(build_optimizer(), total_loss)
        accuracy = build_accuracy(labels_, logits)

        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if initial_values is not None:
                mapping.load(sess, variables, initial_values)
            check = {images_: check_images, labels_: check_labels}
            training = {**check, is_training_: True}
            result = Trace(variables=sess.run(variables),
                           outputs={"logits_inference": sess.run(logits, check),
                                    "logits_training": sess.run(logits, training)},
                           loss=sess.run({"loss": loss, "total_loss": total_loss}, training),
                           gradients=sess.run(gradients, training))
            for batch_images, batch_labels in batches:
                step_loss = sess.run(train_op, {images_: batch_images, labels_: batch_labels,
                                                is_training_: True})
                result.record_step(step_loss, sess.run(variables))
            result.outputs["logits_inference_trained"] = sess.run(logits, check)
            result.outputs["logits_training_trained"] = sess.run(logits, training)
            result.metrics["eval_accuracy"] = np.float32(sess.run(accuracy, {
                images_: mnist.eval_images[:MODEL.eval_images],
                labels_: mnist.eval_labels[:MODEL.eval_images]}))
    return result


def trace(seed=0, steps=MODEL.steps, initial_values=None):
    # Dropout off in the comparison: the two libraries draw their masks from different random
    # streams, so no seed makes them equal (the tests check dropout on its own).
    mnist = data.mnist(MODEL.check_data_source)
    return train_and_evaluate(seed, mnist, mnist.random_batches(MODEL.batch_size, steps, seed),
                              initial_values,
                              keep_prob=MODEL.keep_prob if MODEL.compare_dropout else 1.0)


def main():
    mnist = data.mnist()
    result = train_and_evaluate(0, mnist, data.epoch_batches(mnist, MODEL.batch_size, 1, seed=0))
    print(f"data: {mnist.source}; {len(result.losses)} batches, "
          f"final loss {result.losses[-1]:.4f}")
    print(f"eval accuracy ({MODEL.eval_images} images): {result.metrics['eval_accuracy']:.4f}")


if __name__ == "__main__":
    main()
