"""The TF2 side of the pair: the same classifier in Keras 3, with its name map.

What changed: the unrolled ``BasicLSTMCell`` became ``keras.layers.LSTM`` (kernel split in two,
gates reordered, forget bias folded in: ``layouts.lstm`` converts), ``tf.layers.dense`` became
``keras.layers.Dense``, the loss ``SparseCategoricalCrossentropy(from_logits=True)``, and
``AdamOptimizer`` ``keras.optimizers.Adam`` with TF1's epsilon 1e-8. The LSTM draws its weights
as BasicLSTMCell does (glorot_uniform over the whole [28 + 64, 256] kernel), so that the TF2
program trained from scratch is the TF1 program too (``tf1to2 compare --init`` checks it).
"""
import keras
import tensorflow as tf

from rnn_tf1 import batches
from tf1to2 import layouts, mapping, tolerances
from tf1to2.harness import Trace

TIMESTEPS, NUM_INPUT, NUM_HIDDEN, NUM_CLASSES = 28, 28, 64, 10
LEARNING_RATE, ADAM_EPSILON = 0.001, 1e-8
# Keras 3 Adam computes its beta powers differently from TF1's (PITFALLS #8).
TOLERANCES = {"losses": tolerances.KERAS3_ADAM, "trajectory": tolerances.KERAS3_ADAM}


def build_model():
    limit = (6.0 / (NUM_INPUT + NUM_HIDDEN + 4 * NUM_HIDDEN)) ** 0.5  # BasicLSTMCell's glorot
    tf1_glorot = keras.initializers.RandomUniform(-limit, limit)
    return keras.Sequential([
        keras.Input((TIMESTEPS, NUM_INPUT)),
        keras.layers.LSTM(NUM_HIDDEN, kernel_initializer=tf1_glorot,
                          recurrent_initializer=tf1_glorot),
        keras.layers.Dense(NUM_CLASSES),
    ])


def build_optimizer():
    # AdamOptimizer's epsilon is 1e-8, Keras' 1e-7 (PITFALLS #7).
    return keras.optimizers.Adam(LEARNING_RATE, epsilon=ADAM_EPSILON)


def tf1_names(model):
    """The name map, one line per TF1 layer (tf1to2.layouts knows the TF1 layouts)."""
    return {**layouts.lstm(layouts.rnn_scope("basic_lstm_cell"), model.layers[0]),
            **layouts.dense("dense", model.layers[1])}


def trace(seed=0, steps=5, initial_values=None):
    (check_x, check_y), *train = batches(steps, seed)
    keras.utils.set_random_seed(seed)
    model = build_model()
    variables = tf1_names(model)
    if initial_values is not None:
        mapping.assign(variables, initial_values)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = build_optimizer()

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x))
        optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables),
                                      model.trainable_variables))
        return loss

    with tf.GradientTape() as tape:
        logits = model(check_x)
        loss = loss_fn(check_y, logits)
    gradients = tape.gradient(loss, model.trainable_variables)
    result = Trace(variables=mapping.read(variables), outputs={"logits": logits.numpy()},
                   loss={"loss": loss.numpy()},
                   gradients=mapping.gradients_by_tf1_name(variables, model.trainable_variables,
                                                           gradients))
    for x, y in train:
        result.record_step(train_step(x, y).numpy(), mapping.read(variables))
    return result
