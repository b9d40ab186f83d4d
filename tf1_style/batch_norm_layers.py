"""Batch normalisation with `tf.layers.batch_normalization` and UPDATE_OPS, TF1 graph style.

Source: the TF1 idiom of every batch-normalised model (the `tf.layers.batch_normalization`
documentation's "Note: when training, the moving_mean and moving_variance
need to be updated"). A small MNIST convnet: conv 3x3 (no bias) → batch norm → relu → max-pool
→ dense(10) logits, trained by gradient descent with an `is_training`-style placeholder.

What changes in TF2:
- the `training` placeholder fed per `Session.run` becomes the `training=` argument of the call;
- the moving-average updates, collected in `tf.GraphKeys.UPDATE_OPS` and tied to the train op by
  `tf.control_dependencies`, become part of `BatchNormalization.call(training=True)`;
- `fused=True/False` (the fused kernel or the composite ops) has no Keras 3 counterpart: both
  give Keras 3's numbers.
"""
import tensorflow.compat.v1 as tf

import random

from tf1to2 import data, mapping
from tf1to2.hparams import slim as hparams
from tf1to2.harness import Trace

HP = hparams.BATCH_NORM_LAYERS


def build_model(images, training):
    x = tf.layers.conv2d(images, filters=HP.filters, kernel_size=HP.kernel_size,
                         use_bias=False)                                         # [N, 26, 26, 8]
    x = tf.layers.batch_normalization(x, momentum=HP.momentum, epsilon=HP.epsilon,
                                      scale=HP.scale, fused=HP.fused, training=training)
    x = tf.nn.relu(x)
    x = tf.layers.max_pooling2d(x, pool_size=HP.pool_size, strides=HP.pool_size)  # [N, 13, 13, 8]
    x = tf.layers.flatten(x)                                                      # [N, 1352]
    return tf.layers.dense(x, units=HP.classes)                                   # [N, 10] logits


def compute_loss(labels, logits):
    return tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)


def build_optimizer():
    return tf.train.GradientDescentOptimizer(learning_rate=HP.learning_rate)


def build_train_step(optimizer, loss):
    # The moving mean and variance are updated by ops batch_normalization puts in UPDATE_OPS;
    # nothing runs them unless the train op depends on them (PITFALLS #15).
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        return optimizer.minimize(loss)


def trace(seed=0, steps=HP.steps, initial_values=None):
    mnist = data.mnist(HP.check_data_source)
    batches = list(mnist.random_batches(HP.batch_size, steps + 1, seed))
    check_images, check_labels = batches.pop(0)
    random.seed(seed)  # tf.layers' initialisers draw their seeds from Python's random
    with tf.Graph().as_default():
        images_ = tf.placeholder(tf.float32, [None, 28, 28, 1], name="images")
        labels_ = tf.placeholder(tf.int32, [None], name="labels")
        training_ = tf.placeholder_with_default(False, [], name="training")
        logits = build_model(images_, training_)
        loss = compute_loss(labels_, logits)
        variables = {v.op.name: v for v in tf.global_variables()}   # with the moving averages
        trainable = [v for v in tf.trainable_variables()]
        gradients = dict(zip([v.op.name for v in trainable], tf.gradients(loss, trainable)))
        train_op = build_train_step(build_optimizer(), loss)

        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if initial_values is not None:
                mapping.load(sess, variables, initial_values)
            check = {images_: check_images, labels_: check_labels}
            result = Trace(variables=sess.run(variables),
                           outputs={"logits_inference": sess.run(logits, check),
                                    "logits_training": sess.run(logits, {**check, training_: HP.training})},
                           loss={"loss": sess.run(loss, {**check, training_: HP.training})},
                           gradients=sess.run(gradients, {**check, training_: HP.training}))
            for batch_images, batch_labels in batches:
                step_loss, _ = sess.run([loss, train_op], {images_: batch_images,
                                                           labels_: batch_labels,
                                                           training_: HP.training})
                result.record_step(step_loss, sess.run(variables))
            result.outputs["logits_inference_trained"] = sess.run(logits, check)
            result.outputs["logits_training_trained"] = sess.run(logits, {**check, training_: True})
    return result


def main():
    result = trace()
    final = result.final_variables
    print(f"{len(result.losses)} steps, loss {result.losses[0]:.4f} -> {result.losses[-1]:.4f}")
    print("moving mean:", final["batch_normalization/moving_mean"].round(4))
    print("moving variance:", final["batch_normalization/moving_variance"].round(4))


if __name__ == "__main__":
    main()
