"""A user's TF1 program: a tf.layers regression trained by SGD."""
import random

import numpy as np
import tensorflow.compat.v1 as tf

from tf1to2 import mapping
from tf1to2.harness import Trace

X = np.linspace(-1, 1, 24, dtype=np.float32).reshape(8, 3)
Y = (X @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.3).astype(np.float32)


def trace(seed=0, steps=5, initial_values=None):
    random.seed(seed)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3])
        y = tf.placeholder(tf.float32, [None, 1])
        hidden = tf.layers.dense(x, 4, activation=tf.nn.tanh)
        y_pred = tf.layers.dense(hidden, 1)
        loss = tf.losses.mean_squared_error(y, y_pred)
        variables = {v.op.name: v for v in tf.trainable_variables()}
        gradients = dict(zip(variables, tf.gradients(loss, list(variables.values()))))
        train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if initial_values is not None:
                mapping.load(sess, variables, initial_values)
            feed = {x: X, y: Y}
            result = Trace(variables=sess.run(variables), outputs={"y": sess.run(y_pred, feed)},
                           loss={"loss": sess.run(loss, feed)},
                           gradients=sess.run(gradients, feed))
            for _ in range(steps):
                step_loss, _ = sess.run([loss, train_op], feed)
                result.record_step(step_loss, sess.run(variables))
    return result
