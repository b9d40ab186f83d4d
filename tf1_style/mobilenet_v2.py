"""MobileNetV2 trained from scratch on five classes, TF1 graph style (the handbook's H11).

Source: the TensorFlow handbook's cnn/mobilenet.py: `tf.keras.applications.MobileNetV2(weights=
None, classes=5)` inside a TF1 graph, trained by `tf.train.AdamOptimizer` in a `Session` on
tf_flowers; its batch-norm statistics move only because the train op runs `model.updates` and
the learning phase is fed 1. Here the images are 64x64 and the width multiplier 0.35, and the
data are the bundled MNIST digits 0-4 (`tf1to2.data.mnist_images`: tf_flowers needs a download).

What changes in TF2:
- `tf.keras` of TF1 is the legacy Keras, `tf_keras` today (PITFALLS #25); in TF2 the same
  network is Keras 3's `keras.applications.MobileNetV2`, with the same layer names;
- the network built on a placeholder (`input_tensor=`) becomes a model called on arrays;
- the learning phase fed 1 becomes `model(images, training=True)` (PITFALLS #16), and the
  `model.updates` run with the train op (52 batch norms, 104 moving-average assignments)
  become part of that call (PITFALLS #15);
- `AdamOptimizer.minimize` becomes `GradientTape` plus `keras.optimizers.Adam`, whose epsilon
  defaults to 1e-7 instead of 1e-8 (PITFALLS #7);
- the 262 variables are named alike but for the depthwise kernels: `depthwise_kernel` in
  tf_keras, `kernel` in Keras 3.
"""
import tensorflow.compat.v1 as tf
import tf_keras  # TF1's tf.keras: the legacy Keras, which builds into the graph

import random

from tf1to2 import mapping
from tf1to2.data import mnist_images
from tf1to2.harness import Trace
from tf1to2.hparams import applications as hparams

HP = hparams.MOBILENET_V2


def build_model(images):
    # input_tensor: the network is built on the placeholder, in this graph; its batch norms
    # read the learning phase and put their moving-average assignments in model.updates.
    return tf_keras.applications.MobileNetV2(input_tensor=images, alpha=HP.alpha, weights=None,
                                             classes=HP.classes, classifier_activation=None)


def compute_loss(labels, logits):
    return tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)


def build_optimizer():
    return tf.train.AdamOptimizer(learning_rate=HP.learning_rate, epsilon=HP.adam_epsilon)


def build_train_step(model, optimizer, loss):
    # The moving means and variances move only if model.updates run with the train op: they
    # are not in UPDATE_OPS, and minimize() alone never runs them (PITFALLS #15).
    with tf.control_dependencies(model.updates):
        return optimizer.minimize(loss, var_list=model.trainable_variables)


def evaluate(sess, images_, logits, images, labels):
    """Accuracy over a split, in inference mode (the learning phase left at its default 0)."""
    correct = 0
    for start in range(0, len(labels), HP.eval_batch_size):
        batch_logits = sess.run(logits, {images_: images[start:start + HP.eval_batch_size]})
        batch_labels = labels[start:start + HP.eval_batch_size]
        correct += int((batch_logits.argmax(axis=1) == batch_labels).sum())
    return correct / len(labels)


def _build_graph():
    images_ = tf.placeholder(tf.float32, [None, HP.image_size, HP.image_size, 3], name="images")
    labels_ = tf.placeholder(tf.int32, [None], name="labels")
    model = build_model(images_)
    training_ = tf_keras.backend.learning_phase()  # a placeholder, False unless fed
    loss = compute_loss(labels_, model.output)
    return images_, labels_, training_, model, loss


def train_and_evaluate(seed, images, batches, initial_values=None, on_step=None):
    """The book's training: the batches, then the eval accuracy (the --train job)."""
    random.seed(seed)  # tf_keras' initialisers draw their seeds from Python's random
    with tf.Graph().as_default():
        images_, labels_, training_, model, loss = _build_graph()
        train_op = build_train_step(model, build_optimizer(), loss)
        variables = {v.op.name: v for v in model.weights}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if initial_values is not None:
                mapping.load(sess, variables, initial_values)
            result = Trace(variables=sess.run(variables))
            for batch_images, batch_labels in batches:
                step_loss, _ = sess.run([loss, train_op], {images_: batch_images,
                                                           labels_: batch_labels,
                                                           training_: HP.training})
                result.losses.append(float(step_loss))
                if on_step is not None:
                    on_step(len(result.losses), step_loss)
            result.metrics = {"eval_accuracy": evaluate(sess, images_, model.output,
                                                        images.eval_images, images.eval_labels)}
    return result


def moving_statistics(variables):
    """The batch norms' moving means and variances (what inference normalises by)."""
    return {name: value for name, value in variables.items()
            if name.endswith(("/moving_mean", "/moving_variance"))}


def trace(seed=0, steps=HP.steps, initial_values=None):
    images = mnist_images.five_classes(HP.image_size, HP.check_data_source)
    batches = list(images.random_batches(HP.batch_size, steps + 1, seed))
    check_images, check_labels = batches.pop(0)
    random.seed(seed)  # tf_keras' initialisers draw their seeds from Python's random
    with tf.Graph().as_default():
        images_, labels_, training_, model, loss = _build_graph()
        logits = model.output
        variables = {v.op.name: v for v in model.weights}  # with the moving averages
        gradients = dict(zip([v.op.name for v in model.trainable_weights],
                             tf.gradients(loss, model.trainable_weights)))
        train_op = build_train_step(model, build_optimizer(), loss)

        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if initial_values is not None:
                mapping.load(sess, variables, initial_values)
            check = {images_: check_images, labels_: check_labels}
            start = sess.run({"variables": variables, "logits": logits}, check)
            training = sess.run({"logits": logits, "loss": loss, "gradients": gradients},
                                {**check, training_: HP.training})
            result = Trace(variables=start["variables"],
                           outputs={"logits_inference": start["logits"],
                                    "logits_training": training["logits"]},
                           loss={"loss": training["loss"]}, gradients=training["gradients"])
            for batch_images, batch_labels in batches:
                step_loss, _ = sess.run([loss, train_op], {images_: batch_images,
                                                           labels_: batch_labels,
                                                           training_: HP.training})
                result.record_step(step_loss, sess.run(variables))
            result.outputs["logits_inference_trained"] = sess.run(logits, check)
    result.metrics = moving_statistics(result.final_variables)
    return result


def main():
    result = trace()
    final = result.final_variables
    print(f"{len(result.losses)} steps, loss {result.losses[0]:.4f} -> {result.losses[-1]:.4f}")
    print("bn_Conv1 moving mean:", final["bn_Conv1/moving_mean"].round(4))


if __name__ == "__main__":
    main()
