"""A legacy TF1 program, as found: an LSTM reads MNIST images row by row and classifies them.

Written the way TF1 tutorials and codebases of 2017 wrote it (placeholders, `BasicLSTMCell`
unrolled by `static_rnn`, `tf.layers.dense`, `tf.losses`, `AdamOptimizer`, a `Saver`
checkpoint). The only changes for today's TensorFlow: `import tensorflow.compat.v1 as tf`, the
graph built inside `tf.Graph().as_default()` instead of the default graph, and `import tf1to2`
first (it sets TF_USE_LEGACY_KERAS=1, which `tf.nn.rnn_cell` and `tf.layers` need next to Keras 3).

    python docs/your_own_model/legacy_rnn.py --steps 200 --checkpoint /tmp/rnn/model.ckpt
"""
import argparse
import random

import tf1to2  # noqa: F401  (before TensorFlow: TF_USE_LEGACY_KERAS=1 for tf.nn.rnn_cell)
import tensorflow.compat.v1 as tf

from tf1to2 import data

TIMESTEPS, NUM_INPUT, NUM_HIDDEN, NUM_CLASSES = 28, 28, 64, 10
LEARNING_RATE, BATCH_SIZE = 0.001, 32


def build_graph():
    """Placeholders, logits, loss and train op, in the current graph."""
    images = tf.placeholder(tf.float32, [None, TIMESTEPS, NUM_INPUT], name="images")
    labels = tf.placeholder(tf.int32, [None], name="labels")
    rows = tf.unstack(images, TIMESTEPS, axis=1)                     # 28 tensors [N, 28]
    cell = tf.nn.rnn_cell.BasicLSTMCell(NUM_HIDDEN, forget_bias=1.0)
    outputs, _ = tf.nn.static_rnn(cell, rows, dtype=tf.float32)      # variables rnn/basic_lstm_cell/*
    logits = tf.layers.dense(outputs[-1], NUM_CLASSES)               # variables dense/*
    loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
    optimizer = tf.train.AdamOptimizer(LEARNING_RATE)
    train_op = optimizer.minimize(loss)
    return images, labels, logits, loss, optimizer, train_op


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--checkpoint", default="/tmp/rnn/model.ckpt")
    args = parser.parse_args(argv)
    mnist = data.mnist("bundled")
    random.seed(0)
    with tf.Graph().as_default():
        tf.set_random_seed(0)
        images, labels, logits, loss, _, train_op = build_graph()
        accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1, output_type=tf.int32),
                                                   labels), tf.float32))
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for step, (x, y) in enumerate(mnist.random_batches(BATCH_SIZE, args.steps, 0), 1):
                step_loss, _ = sess.run([loss, train_op], {images: x[..., 0], labels: y})
                if step % 50 == 0:
                    print(f"step {step}: loss {step_loss:.4f}")
            print("eval accuracy", sess.run(accuracy, {images: mnist.eval_images[:500, ..., 0],
                                                       labels: mnist.eval_labels[:500]}))
            print("saved", saver.save(sess, args.checkpoint))


if __name__ == "__main__":
    main()
