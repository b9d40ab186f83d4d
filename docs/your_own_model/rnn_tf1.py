"""The TF1 side of the pair: the legacy program's own graph, traced for tf1to2.

Nothing of the model is rewritten: ``build_graph`` is imported from the legacy program. ``trace``
runs it on a fixed batch and a few training steps and returns what tf1to2 compares, keyed by the
TF1 variable names.
"""
import random

import tensorflow.compat.v1 as tf

import legacy_rnn
from tf1to2 import data, mapping
from tf1to2.harness import Trace


def batches(steps, seed):
    """The batches both sides train on: bundled MNIST, images as [N, 28 rows, 28 columns]."""
    mnist = data.mnist("bundled")
    return [(x[..., 0], y) for x, y in mnist.random_batches(legacy_rnn.BATCH_SIZE, steps + 1, seed)]


def trace(seed=0, steps=5, initial_values=None):
    (check_x, check_y), *train = batches(steps, seed)
    random.seed(seed)  # tf_keras-backed initialisers (BasicLSTMCell, tf.layers) seed from `random`
    with tf.Graph().as_default():
        images, labels, logits, loss, _, train_op = legacy_rnn.build_graph()
        variables = {v.op.name: v for v in tf.trainable_variables()}
        gradients = dict(zip(variables, tf.gradients(loss, list(variables.values()))))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if initial_values is not None:
                mapping.load(sess, variables, initial_values)
            feed = {images: check_x, labels: check_y}
            result = Trace(variables=sess.run(variables), outputs={"logits": sess.run(logits, feed)},
                           loss={"loss": sess.run(loss, feed)}, gradients=sess.run(gradients, feed))
            for x, y in train:
                step_loss, _ = sess.run([loss, train_op], {images: x, labels: y})
                result.record_step(step_loss, sess.run(variables))
    return result
