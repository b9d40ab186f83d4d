"""The MNIST MLP trained data-parallel on two devices, TF1 tower style.

Source: the TF1 multi-GPU tower pattern (tensorflow/models `tutorials/image/cifar10/
cifar10_multi_gpu_train.py`: `tower_loss`, `average_gradients`), applied to the handbook's MNIST
MLP (`tf1_style/mlp.py`, whose model and loss are imported, not copied). Each global batch of 50
is split in two; each half goes through a copy of the model under `tf.device("/cpu:i")` (two
logical CPU devices stand in for two GPUs); the copies share their variables through
`variable_scope` reuse; the two towers' gradients are averaged and applied once by SGD.

What changes in TF2:
- the towers, `reuse_variables()` and `average_gradients` become `tf.distribute.MirroredStrategy`:
  variables created under `strategy.scope()` are mirrored, `strategy.run` runs the step on each
  replica and `apply_gradients` all-reduces (sums) the gradients;
- because the gradients are summed, not averaged, the loss must be divided by the GLOBAL batch
  size (`tf.nn.compute_average_loss`), not averaged over the replica's own batch;
- splitting the batch by hand becomes `strategy.experimental_distribute_dataset` of a dataset
  batched by the global batch size.
"""
import tensorflow.compat.v1 as tf

import random

import numpy as np

from tf1_style.mlp import build_accuracy, build_model, compute_loss, evaluate
from tf1to2 import cluster, data, hparams
from tf1to2.hparams.distribute import DATA_PARALLEL as HP
from tf1to2.harness import Trace

MNIST = hparams.MNIST_TRAINING
TWO_DEVICES = cluster.two_cpus()  # before TensorFlow initialises its devices, or never


def replica_loss(images, labels):
    """One tower: the mlp's model and its mean loss on this device's share of the batch."""
    logits = build_model(images)
    return compute_loss(labels, logits), logits


def build_strategy():
    """The towers' devices."""
    return [f"/cpu:{i}" for i in range(HP.replicas)]


def build_optimizer():
    return tf.train.GradientDescentOptimizer(learning_rate=HP.learning_rate)


def distribute(images, labels):
    """The global batch split in one slice per tower (tower i gets the i-th slice)."""
    return zip(tf.split(images, HP.replicas), tf.split(labels, HP.replicas))


def _average_gradients(tower_gradients):
    """[(gradient, variable)] per tower -> the mean gradient of every variable."""
    return [(tf.add_n([gradient for gradient, _ in pairs]) / len(pairs), pairs[0][1])
            for pairs in zip(*tower_gradients)]


def _build_towers(devices, images, labels, optimizer):
    """One model copy per device on its slice, variables shared, the towers' mean gradient."""
    losses, logits, tower_gradients = [], [], []
    root = tf.get_variable_scope()
    for i, (tower_images, tower_labels) in enumerate(distribute(images, labels)):
        # Re-entering the root scope restarts the layer names (dense, dense_1) in every tower;
        # reuse from the second tower on makes them share the first tower's variables.
        with tf.variable_scope(root, reuse=i > 0), tf.device(devices[i]), \
                tf.name_scope(f"tower_{i}"):
            loss, tower_logits = replica_loss(tower_images, tower_labels)
            losses.append(loss)
            logits.append(tower_logits)
            tower_gradients.append(optimizer.compute_gradients(loss))
    return tf.add_n(losses) / len(losses), tf.concat(logits, 0), _average_gradients(
        tower_gradients)


def train_and_evaluate(seed, mnist, batches, initial_values=None):
    images, labels = next(mnist.random_batches(HP.global_batch_size, 1, seed))
    random.seed(seed)
    with tf.Graph().as_default():
        images_ = tf.placeholder(tf.float32, [None, 28, 28, 1], name="images")
        labels_ = tf.placeholder(tf.int32, [None], name="labels")
        optimizer = build_optimizer()
        loss, logits, gradients = _build_towers(build_strategy(), images_, labels_, optimizer)
        train_op = optimizer.apply_gradients(gradients)
        variables = {v.op.name: v for v in tf.trainable_variables()}
        accuracy = build_accuracy(labels_, logits)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if initial_values is not None:
                for name, variable in variables.items():
                    variable.load(initial_values[name], sess)
            feed_dict = {images_: images, labels_: labels}
            result = Trace(variables=sess.run(variables),
                           outputs={"logits": sess.run(logits, feed_dict)},
                           loss={"loss": sess.run(loss, feed_dict)},
                           gradients=sess.run({v.op.name: g for g, v in gradients}, feed_dict))
            for batch_images, batch_labels in batches:
                step_loss, _ = sess.run([loss, train_op],
                                        {images_: batch_images, labels_: batch_labels})
                result.record_step(step_loss, sess.run(variables))
            # The eval splits have an even number of batches of 1000: every tower gets 500.
            result.metrics["eval_accuracy"] = evaluate(sess, accuracy, mnist.eval_images,
                                                       mnist.eval_labels)
    return result


def trace(seed=0, steps=HP.steps, initial_values=None):
    if not TWO_DEVICES:  # this process initialised its devices before two could be made
        return cluster.trace_in_subprocess(__name__, seed, steps, initial_values)
    mnist = data.mnist(MNIST.check_data_source)
    return train_and_evaluate(seed, mnist, mnist.random_batches(HP.global_batch_size, steps, seed),
                              initial_values)


cluster.remember(__name__, globals())
