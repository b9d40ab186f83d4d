"""Custom activation, initialiser, regulariser and constraint on the housing net, TF2 style (Keras 3).

Source: Géron, Hands-On ML 2nd ed., ch. 12, "Custom Activation Functions, Initializers,
Regularizers, and Constraints" (notebook 12 cells [83]-[98]); TF1 counterpart in handson-ml
notebook 11 (cells [90]-[110], `kernel_regularizer` with `tf.layers.dense`). my_softplus,
my_glorot_initializer, my_l1_regularizer (0.01) and my_positive_weights on the output layer of
Dense(30, selu, lecun_normal) → Dense(1), trained on California housing by SGD with the
mean squared error plus the regularisation loss.

What changed from TF1:
- `tf.layers.dense(..., kernel_initializer=, kernel_regularizer=, kernel_constraint=)` became
  `keras.layers.Dense` with the same arguments, in a `keras.Sequential`;
- the regulariser became a `keras.regularizers.Regularizer` subclass whose `get_config` saves
  its factor, so a saved model can be loaded again;
- `tf.losses.get_regularization_loss()` (a graph collection) became `model.losses`; either way
  the training loop adds it to the loss by hand;
- `GradientDescentOptimizer.minimize` became a tape and `keras.optimizers.SGD`; both optimizers
  apply a variable's constraint after each update.
"""
import keras
import numpy as np
import tensorflow as tf

from tf1to2 import mapping
from tf1to2.data import housing
from tf1to2.harness import Trace
from tf1to2.hparams import geron

HP = geron.HOUSING_REGRESSION
CUSTOM = geron.CUSTOM_FUNCTIONS


def my_softplus(z):
    return tf.math.log(tf.exp(z) + 1.0)


def my_glorot_initializer(shape, dtype=tf.float32):
    stddev = tf.sqrt(2.0 / (shape[0] + shape[1]))
    return tf.random.normal(shape, stddev=stddev, dtype=dtype)


def my_l1_regularizer(weights):
    return tf.reduce_sum(tf.abs(CUSTOM.l1_factor * weights))


def my_positive_weights(weights):
    return tf.where(weights < 0.0, tf.zeros_like(weights), weights)


class MyL1Regularizer(keras.regularizers.Regularizer):
    """my_l1_regularizer as a class: get_config saves the factor with the model."""

    def __init__(self, factor):
        self.factor = factor

    def __call__(self, weights):
        return tf.reduce_sum(tf.abs(self.factor * weights))

    def get_config(self):
        return {"factor": self.factor}


def build_model():
    return keras.Sequential([
        keras.Input(shape=(8,)),
        keras.layers.Dense(HP.hidden_units, activation="selu", kernel_initializer="lecun_normal"),
        keras.layers.Dense(1, activation=my_softplus,
                           kernel_initializer=my_glorot_initializer,
                           kernel_regularizer=MyL1Regularizer(CUSTOM.l1_factor),
                           kernel_constraint=my_positive_weights),
    ])


def regularization_loss(model):
    # Keras computes each regulariser's value into model.losses; a custom loop adds it to the
    # loss itself, as fit() would (PITFALLS #14).
    return tf.add_n(model.losses)


def compute_loss(y_true, y_pred, regularization):
    return keras.losses.MeanSquaredError()(y_true, y_pred) + regularization


def build_optimizer():
    # The book's "nadam" has no TF1 tf.train optimizer: plain SGD on both sides.
    return keras.optimizers.SGD(learning_rate=HP.learning_rate)


def tf1_names(model):
    """The name map: each TF1 variable name and the Keras variable that replaces it."""
    hidden, output = model.layers
    return {"dense/kernel": hidden.kernel, "dense/bias": hidden.bias,
            "dense_1/kernel": output.kernel, "dense_1/bias": output.bias}


def train_and_evaluate(seed, data, batches, initial_values=None):
    """Train on ``batches``; a Trace of the check batch, every step and the validation loss."""
    X_check, y_check = next(data.random_batches(HP.batch_size, 1, seed))
    keras.utils.set_random_seed(seed)
    model = build_model()
    variables = tf1_names(model)
    optimizer = build_optimizer()

    @tf.function
    def train_step(X, y):
        with tf.GradientTape() as tape:
            loss = compute_loss(y, model(X), regularization_loss(model))
        # apply_gradients applies each variable's constraint after its update.
        optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables),
                                      model.trainable_variables))
        return loss

    if initial_values is not None:
        mapping.assign(variables, initial_values)
    with tf.GradientTape() as tape:
        y_pred = model(X_check)
        regularization = regularization_loss(model)
        loss = compute_loss(y_check, y_pred, regularization)
    gradients = tape.gradient(loss, model.trainable_variables)
    result = Trace(variables=mapping.read(variables),
                   outputs={"predictions": y_pred.numpy()},
                   loss={"loss": loss.numpy(), "regularization": regularization.numpy()},
                   gradients=mapping.gradients_by_tf1_name(
                       variables, model.trainable_variables, gradients))
    for X_batch, y_batch in batches:
        step_loss = train_step(X_batch, y_batch)
        result.record_step(step_loss, mapping.read(variables))
    result.metrics["valid_loss"] = compute_loss(
        data.y_valid[:HP.eval_examples], model(data.X_valid[:HP.eval_examples]),
        regularization_loss(model)).numpy()
    return result


def trace(seed=0, steps=HP.steps, initial_values=None):
    data = housing.load(HP.data_source)
    return train_and_evaluate(seed, data, data.random_batches(HP.batch_size, steps, seed),
                              initial_values)


def main():
    data = housing.load()
    result = train_and_evaluate(0, data, data.random_batches(HP.batch_size, 1000, seed=0))
    print(f"data: {data.source}; 1000 SGD steps, final batch loss {result.losses[-1]:.4f}, "
          f"validation loss (first {HP.eval_examples}) {result.metrics['valid_loss']:.4f}")
    print("output kernel (never negative):", np.round(result.final_variables["dense_1/kernel"].ravel(), 3))


if __name__ == "__main__":
    main()
