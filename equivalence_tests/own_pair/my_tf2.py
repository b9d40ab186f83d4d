"""The same program in TF2."""
import keras
import tensorflow as tf

from my_tf1 import X, Y  # a neighbour module of the user's
from tf1to2 import mapping
from tf1to2.harness import Trace

LEARNING_RATE = 0.1


def tf1_names(model):
    return {"dense/kernel": model.layers[0].kernel, "dense/bias": model.layers[0].bias,
            "dense_1/kernel": model.layers[1].kernel, "dense_1/bias": model.layers[1].bias}


def trace(seed=0, steps=5, initial_values=None):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"),
                              keras.layers.Dense(1)])
    variables = tf1_names(model)
    if initial_values is not None:
        mapping.assign(variables, initial_values)
    optimizer = keras.optimizers.SGD(LEARNING_RATE)
    loss_fn = keras.losses.MeanSquaredError()
    with tf.GradientTape() as tape:
        y_pred = model(X)
        loss = loss_fn(Y, y_pred)
    gradients = tape.gradient(loss, model.trainable_variables)
    result = Trace(variables=mapping.read(variables), outputs={"y": y_pred.numpy()},
                   loss={"loss": loss.numpy()},
                   gradients=mapping.gradients_by_tf1_name(variables, model.trainable_variables,
                                                           gradients))
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = loss_fn(Y, model(X))
        optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables),
                                      model.trainable_variables))
        result.record_step(loss.numpy(), mapping.read(variables))
    return result
