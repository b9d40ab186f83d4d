"""The handbook's MNIST MLP trained in epochs and evaluated, TF2 style (Keras 3 compile/fit).

Source: TensorFlow handbook (snowkylin), "Keras pipeline", `mnist/main.py` (lines 18-30, 84-90,
111-136) at 18d858d: the Sequential and Functional models and the `'keras'` training loop.
Flatten → Dense(100, relu) → Dense(10) logits, Adam (lr 1e-3), batches of 50 in epochs of
shuffled training data, then the loss and accuracy over the eval split and the eval logits.

What changed from TF1:
- the graph of placeholders and `tf.layers` became a `keras.Sequential` (or Functional) model;
- the explicit epoch and batch loop over `sess.run(train_op)` became `compile` and `fit`,
  with `shuffle=False` on data permuted once per epoch so that the batches are the same;
- the streaming `tf.metrics.mean`/`tf.metrics.accuracy` evaluation became `evaluate`, and
  `sess.run(logits)` became `predict`;
- per-batch losses come from a callback: `fit` logs the running mean of the epoch's losses.
"""
import keras
import numpy as np
import tensorflow as tf

from tf1to2 import data, hparams, mapping, tracing
from tf1to2.harness import Trace

HP = hparams.MNIST_TRAINING
MODEL = hparams.MLP
PIPELINE = hparams.KERAS_PIPELINE


def build_model(images):
    # Logits out, no Softmax layer: the loss takes them with from_logits=True (PITFALLS #11).
    if PIPELINE.api == "sequential":
        return keras.Sequential([
            keras.Input(shape=images.shape[1:]),
            keras.layers.Flatten(name="flatten"),                                      # [N, 784]
            keras.layers.Dense(MODEL.hidden_units, activation="relu", name="hidden"),  # [N, 100]
            keras.layers.Dense(MODEL.classes, name="logits"),                    # [N, 10] logits
        ])
    inputs = keras.Input(shape=images.shape[1:])
    x = keras.layers.Flatten(name="flatten")(inputs)
    x = keras.layers.Dense(MODEL.hidden_units, activation="relu", name="hidden")(x)
    outputs = keras.layers.Dense(MODEL.classes, name="logits")(x)
    return keras.Model(inputs=inputs, outputs=outputs)


def compute_loss(labels, logits):
    return keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits)


def build_optimizer():
    # Keras' Adam defaults to epsilon 1e-7: set TF1's 1e-8 (PITFALLS #7).
    return keras.optimizers.Adam(learning_rate=HP.learning_rate, beta_1=HP.adam_beta_1,
                                 beta_2=HP.adam_beta_2, epsilon=HP.adam_epsilon)


class RecordSteps(keras.callbacks.Callback):
    """Records every optimizer step of `fit` through a tracing recorder: the batch's loss.

    `fit` logs the running mean of the epoch's batch losses, not the batch's own loss; with
    batches of equal size, batch k's loss is k·mean_k − (k − 1)·mean_(k−1).
    """

    def __init__(self, recorder):
        super().__init__()
        self.recorder = recorder

    def on_epoch_begin(self, epoch, logs=None):
        self.previous_mean = 0.0

    def on_train_batch_begin(self, batch, logs=None):
        self.recorder.before_step()

    def on_train_batch_end(self, batch, logs=None):
        mean = float(logs["loss"])
        self.recorder.record((batch + 1) * mean - batch * self.previous_mean)
        self.previous_mean = mean


def tf1_names(model):
    """The name map: each TF1 variable name and the Keras variable that replaces it."""
    hidden, logits = model.get_layer("hidden"), model.get_layer("logits")
    return {"dense/kernel": hidden.kernel, "dense/bias": hidden.bias,
            "dense_1/kernel": logits.kernel, "dense_1/bias": logits.bias}


def train_and_evaluate(seed, mnist, steps, initial_values=None, record_variables=True):
    """Train for ``steps`` batches in epochs of shuffled data, then evaluate: a Trace."""
    images, labels = next(mnist.random_batches(HP.batch_size, 1, seed))
    keras.utils.set_random_seed(seed)
    model = build_model(images)
    variables = tf1_names(model)
    model.compile(optimizer=build_optimizer(), loss=compute_loss,
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])

    if initial_values is not None:
        mapping.assign(variables, initial_values)
    with tf.GradientTape() as tape:
        logits = model(images)
        loss = compute_loss(labels, logits)
    gradients = tape.gradient(loss, model.trainable_variables)
    result = Trace(variables=mapping.read(variables),
                   outputs={"logits": logits.numpy()},
                   loss={"loss": loss.numpy()},
                   gradients=mapping.gradients_by_tf1_name(
                       variables, model.trainable_variables, gradients),
                   metrics={"epoch_loss": []})

    batches_per_epoch = len(mnist.train_labels) // HP.batch_size
    epochs = -(-steps // batches_per_epoch)
    record_steps = RecordSteps(tracing.KerasRecorder(result, variables, model.optimizer,
                                                     record_variables=record_variables))
    for epoch, (epoch_images, epoch_labels) in enumerate(
            data.epoch_arrays(mnist, HP.batch_size, epochs, seed)):
        batches = min(batches_per_epoch, steps - epoch * batches_per_epoch)
        end = batches * HP.batch_size
        # The data is already permuted for this epoch: fit must not shuffle it again.
        history = model.fit(epoch_images[:end], epoch_labels[:end], batch_size=HP.batch_size,
                            initial_epoch=epoch, epochs=epoch + 1, shuffle=False,
                            callbacks=[record_steps], verbose=0)
        # fit and evaluate log Python floats of float32 metrics: float32 as TF1's.
        result.metrics["epoch_loss"].append(np.float32(history.history["loss"][-1]))

    evaluation = model.evaluate(mnist.eval_images, mnist.eval_labels, batch_size=HP.batch_size,
                                return_dict=True, verbose=0)
    result.metrics["eval_loss"], result.metrics["eval_accuracy"] = (
        np.float32(evaluation["loss"]), np.float32(evaluation["accuracy"]))
    result.outputs["eval_logits"] = model.predict(mnist.eval_images, batch_size=HP.batch_size,
                                                  verbose=0)
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
