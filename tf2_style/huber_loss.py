"""Huber losses on the housing net, saved and loaded; TF2 style (Keras 3).

Source: Géron, Hands-On ML 2nd ed., ch. 12, "Custom Loss Functions" and "Saving and Loading
Models That Contain Custom Components" (notebook 12 cells [60]-[82]): the book's `huber_fn`
(threshold 1), `create_huber(2.0)` and `HuberLoss(2.0)`, which trains Dense(30, selu,
lecun_normal) → Dense(1) on California housing by SGD, and a `.keras` save/load round trip.

What changed from TF1:
- `tf.losses.huber_loss(delta=2.0)` became the book's `HuberLoss(keras.losses.Loss)` with a
  `get_config` that saves the threshold (`create_huber(2.0)` is the function version);
- with sample weights, `tf.losses.*` divide by the number of nonzero weights
  (SUM_BY_NONZERO_WEIGHTS) and Keras by the batch size: the TF2 side divides explicitly;
- `tf.train.Saver` save/restore became `model.save("….keras")` and `keras.models.load_model`
  with `custom_objects`;
- `GradientDescentOptimizer.minimize` became a tape and `keras.optimizers.SGD`.
"""
import keras
import numpy as np
import tensorflow as tf

import os
import tempfile

from tf1to2 import k_steps, mapping
from tf1to2.data import housing
from tf1to2.harness import Trace
from tf1to2.hparams import geron

HP = geron.HOUSING_REGRESSION
HUBER = geron.HUBER_LOSS


def huber_fn(y_true, y_pred):
    error = y_true - y_pred
    is_small_error = tf.abs(error) < 1
    squared_loss = tf.square(error) / 2
    linear_loss = tf.abs(error) - 0.5
    return tf.where(is_small_error, squared_loss, linear_loss)


def create_huber(threshold=1.0):
    def huber_fn(y_true, y_pred):
        error = y_true - y_pred
        is_small_error = tf.abs(error) < threshold
        squared_loss = tf.square(error) / 2
        linear_loss = threshold * tf.abs(error) - threshold ** 2 / 2
        return tf.where(is_small_error, squared_loss, linear_loss)
    return huber_fn


class HuberLoss(keras.losses.Loss):
    def __init__(self, threshold=1.0, **kwargs):
        self.threshold = threshold
        super().__init__(**kwargs)

    def call(self, y_true, y_pred):
        error = y_true - y_pred
        is_small_error = tf.abs(error) < self.threshold
        squared_loss = tf.square(error) / 2
        linear_loss = self.threshold * tf.abs(error) - self.threshold ** 2 / 2
        return tf.where(is_small_error, squared_loss, linear_loss)

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


def build_model():
    return keras.Sequential([
        keras.Input(shape=(8,)),
        keras.layers.Dense(HP.hidden_units, activation="selu", kernel_initializer="lecun_normal"),
        keras.layers.Dense(1),
    ])


def compute_loss(y_true, y_pred, sample_weight=None):
    # The mean over the batch; with weights, Keras divides the weighted sum by the batch size
    # (sum_over_batch_size): sum it and divide by the number of nonzero weights, as TF1 did
    # (PITFALLS #12).
    if sample_weight is None:
        return HuberLoss(HUBER.threshold)(y_true, y_pred)
    return (HuberLoss(HUBER.threshold, reduction="sum")(y_true, y_pred, sample_weight)
            / tf.math.count_nonzero(sample_weight, dtype=tf.float32))


def build_optimizer():
    # The book's "nadam" has no TF1 tf.train optimizer: plain SGD on both sides.
    return keras.optimizers.SGD(learning_rate=HP.learning_rate)


def save_and_restore(model, X_check):
    """Save the model with its custom loss as .keras, load it with custom_objects, predict again."""
    model.compile(loss=HuberLoss(HUBER.threshold), optimizer=build_optimizer())
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "huber_model.keras")
        model.save(path)
        restored = keras.models.load_model(path, custom_objects={"HuberLoss": HuberLoss})
        return restored(X_check).numpy()


def tf1_names(model):
    """The name map: each TF1 variable name and the Keras variable that replaces it."""
    hidden, output = model.layers
    return {"dense/kernel": hidden.kernel, "dense/bias": hidden.bias,
            "dense_1/kernel": output.kernel, "dense_1/bias": output.bias}


def train_and_evaluate(seed, data, batches, initial_values=None):
    """Train on ``batches``; a Trace of the check batch, every step and the restored model."""
    X_check, y_check = next(data.random_batches(HP.batch_size, 1, seed))
    weights_check = np.resize(np.array(HUBER.weight_pattern, np.float32), y_check.shape)
    keras.utils.set_random_seed(seed)
    model = build_model()
    variables = tf1_names(model)
    optimizer = build_optimizer()

    def train_step(X, y):
        with tf.GradientTape() as tape:
            loss = compute_loss(y, model(X))
        optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables),
                                      model.trainable_variables))
        return loss

    if initial_values is not None:
        mapping.assign(variables, initial_values)
    with tf.GradientTape() as tape:
        y_pred = model(X_check)
        loss = compute_loss(y_check, y_pred)
    gradients = tape.gradient(loss, model.trainable_variables)
    losses = {"loss": loss, "weighted": compute_loss(y_check, y_pred, weights_check),
              "huber_fn": tf.reduce_mean(huber_fn(y_check, y_pred)),
              "create_huber": tf.reduce_mean(create_huber(HUBER.threshold)(y_check, y_pred))}
    result = Trace(variables=mapping.read(variables),
                   outputs={"predictions": y_pred.numpy()},
                   loss={name: value.numpy() for name, value in losses.items()},
                   gradients=mapping.gradients_by_tf1_name(
                       variables, model.trainable_variables, gradients))
    # The fast form (docs/speed.md): every step in one tf.function call, a tf.range loop over
    # the stacked batches that also hands back the weights after each step.
    for step_loss, weights in k_steps.steps_in_one_call(train_step, variables, batches):
        result.record_step(step_loss, weights)
    result.outputs["trained_predictions"] = model(X_check).numpy()
    result.outputs["restored_predictions"] = save_and_restore(model, X_check)
    return result


def trace(seed=0, steps=HP.steps, initial_values=None):
    data = housing.load(HP.data_source)
    return train_and_evaluate(seed, data, data.random_batches(HP.batch_size, steps, seed),
                              initial_values)


def main():
    data = housing.load()
    result = train_and_evaluate(0, data, data.random_batches(HP.batch_size, 1000, seed=0))
    print(f"data: {data.source}; 1000 SGD steps, final batch loss {result.losses[-1]:.4f}")
    print("restored model predicts as the trained one:", np.array_equal(
        result.outputs["restored_predictions"], result.outputs["trained_predictions"]))


if __name__ == "__main__":
    main()
