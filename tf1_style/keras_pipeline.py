"""The handbook's MNIST MLP trained in epochs and evaluated, TF1 graph style (a Session loop).

Source: TensorFlow handbook (snowkylin), "Keras pipeline", `mnist/main.py` (lines 18-30, 84-90,
111-136) at 18d858d: the `'graph'` training loop. Flatten → Dense(100, relu) → Dense(10) logits,
Adam (lr 1e-3), batches of 50 in epochs of shuffled training data, then the loss and accuracy
over the eval split and the eval logits.

What changes in TF2:
- the graph of placeholders and `tf.layers` becomes a `keras.Sequential` (or Functional) model;
- the explicit epoch and batch loop over `sess.run(train_op)` becomes `compile` and `fit`,
  with `shuffle=False` on data permuted once per epoch so that the batches are the same;
- the streaming `tf.metrics.mean`/`tf.metrics.accuracy` evaluation becomes `evaluate`, and
  `sess.run(logits)` becomes `predict`;
- per-batch losses come from a callback: `fit` logs the running mean of the epoch's losses.
"""
import tensorflow.compat.v1 as tf

import random

from tf1to2 import data, hparams, mapping, tracing
from tf1to2.harness import Trace

HP = hparams.MNIST_TRAINING
MODEL = hparams.MLP
PIPELINE = hparams.KERAS_PIPELINE


def build_model(images):
    x = tf.layers.flatten(images, name="flatten")                                   # [N, 784]
    x = tf.layers.dense(x, MODEL.hidden_units, activation=tf.nn.relu, name="dense")  # [N, 100]
    return tf.layers.dense(x, MODEL.classes, name="dense_1")                       # [N, 10] logits


def compute_loss(labels, logits):
    return tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)


def build_optimizer():
    return tf.train.AdamOptimizer(learning_rate=HP.learning_rate, beta1=HP.adam_beta_1,
                                  beta2=HP.adam_beta_2, epsilon=HP.adam_epsilon)


def train_and_evaluate(seed, mnist, steps, initial_values=None, record_variables=True):
    """Train for ``steps`` batches in epochs of shuffled data, then evaluate: a Trace."""
    images, labels = next(mnist.random_batches(HP.batch_size, 1, seed))
    # tf.layers is backed by tf_keras here, whose initialisers draw their seeds from Python's
    # `random`: seeding it too makes the TF1 initial values depend on `seed` alone.
    random.seed(seed)
    with tf.Graph().as_default():
        tf.set_random_seed(seed)
        images_ = tf.placeholder(tf.float32, [None, 28, 28, 1], name="images")
        labels_ = tf.placeholder(tf.int32, [None], name="labels")
        logits = build_model(images_)
        loss = compute_loss(labels_, logits)
        variables = {v.op.name: v for v in tf.trainable_variables()}
        gradients = dict(zip(variables, tf.gradients(loss, list(variables.values()))))
        optimizer = build_optimizer()
        train_op = optimizer.minimize(loss)
        # Streaming evaluation metrics; each batch's mean loss is weighted by its size.
        eval_loss, eval_loss_update = tf.metrics.mean(
            loss, weights=tf.cast(tf.shape(labels_)[0], tf.float32), name="eval_loss")
        eval_accuracy, eval_accuracy_update = tf.metrics.accuracy(
            labels_, tf.argmax(logits, axis=-1, output_type=tf.int32), name="eval_accuracy")

        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if initial_values is not None:
                mapping.load(sess, variables, initial_values)
            feed_dict = {images_: images, labels_: labels}
            result = Trace(variables=sess.run(variables),
                           outputs={"logits": sess.run(logits, feed_dict)},
                           loss={"loss": sess.run(loss, feed_dict)},
                           gradients=sess.run(gradients, feed_dict),
                           metrics={"epoch_loss": []})

            batches_per_epoch = len(mnist.train_labels) // HP.batch_size
            epochs = -(-steps // batches_per_epoch)
            recorder = tracing.SessionRecorder(result, sess, variables, optimizer,
                                               record_variables=record_variables)
            for epoch, (epoch_images, epoch_labels) in enumerate(
                    data.epoch_arrays(mnist, HP.batch_size, epochs, seed)):
                batches = min(batches_per_epoch, steps - epoch * batches_per_epoch)
                epoch_loss = 0.0
                for batch in range(batches):
                    start, end = batch * HP.batch_size, (batch + 1) * HP.batch_size
                    recorder.before_step()
                    step_loss, _ = sess.run([loss, train_op], {images_: epoch_images[start:end],
                                                               labels_: epoch_labels[start:end]})
                    epoch_loss += step_loss
                    recorder.record(step_loss)
                result.metrics["epoch_loss"].append(epoch_loss / batches)

            sess.run(tf.local_variables_initializer())
            for start in range(0, len(mnist.eval_labels), HP.batch_size):
                sess.run([eval_loss_update, eval_accuracy_update],
                         {images_: mnist.eval_images[start:start + HP.batch_size],
                          labels_: mnist.eval_labels[start:start + HP.batch_size]})
            result.metrics["eval_loss"], result.metrics["eval_accuracy"] = sess.run(
                [eval_loss, eval_accuracy])
            result.outputs["eval_logits"] = sess.run(logits, {images_: mnist.eval_images})
    return result


def trace(seed=0, steps=PIPELINE.epochs * PIPELINE.train_images // HP.batch_size,
          initial_values=None):
    mnist = data.mnist_subset(data.mnist(HP.check_data_source), PIPELINE.train_images,
                              PIPELINE.eval_images)
    return train_and_evaluate(seed, mnist, steps, initial_values)


def main():
    mnist = data.mnist()
    steps = PIPELINE.main_epochs * (len(mnist.train_labels) // HP.batch_size)
    result = train_and_evaluate(0, mnist, steps, record_variables=False)
    print(f"data: {mnist.source}; {len(result.losses)} batches in {PIPELINE.main_epochs} epochs")
    print("epoch losses:", [round(float(loss), 4) for loss in result.metrics["epoch_loss"]])
    print(f"eval loss {result.metrics['eval_loss']:.4f}, "
          f"eval accuracy {result.metrics['eval_accuracy']:.4f}")


if __name__ == "__main__":
    main()
