"""The handbook's MNIST CNN with batch norm and dropout, TF2 style (Keras 3).

Source: the TF1 idiom of the model zoo (`tf_slim/nets/*.py`: one `net = slim.op(...)` line per
layer, shared defaults in an arg-scope function, `slim.learning.create_train_op`), applied to
the TensorFlow handbook's CNN (`cnn/cnn.py`): conv 5x5 → pool → conv 5x5 → pool → dense → dense
logits, with batch norm after each convolution, dropout before the logits, weight decay, and
the training flag that switches batch norm and dropout.

What changed from TF1:
- `slim.arg_scope` defaults became keyword arguments per kind of layer (`cnn_arg_scope()`);
- `slim.conv2d(normalizer_fn=slim.batch_norm)` became `Conv2D(use_bias=False)`,
  `BatchNormalization`, relu; slim's batch norm defaults (decay 0.999, no scale) are set on
  Keras' (momentum 0.99, scale=True) (PITFALLS #15);
- `slim.l2_regularizer(s)` (s·Σw²/2) became `keras.regularizers.L2(s / 2)` (PITFALLS #13), and
  `tf.losses.get_total_loss()` became the loss plus `sum(model.losses)` (PITFALLS #14);
- the `is_training` placeholder became `training=` (PITFALLS #16), and
  `slim.learning.create_train_op`'s UPDATE_OPS dependency happens inside the call.
"""
import keras
import tensorflow as tf

import numpy as np

from tf1to2 import data, mapping
from tf1to2.errors import UserError
from tf1to2.hparams import slim as hparams
from tf1to2.harness import Trace

MODEL = hparams.SLIM_CNN


def cnn_arg_scope():
    """slim's shared defaults, as keyword arguments for each kind of layer."""
    l2 = keras.regularizers.L2(MODEL.weight_decay / 2)   # slim's l2_regularizer halves Σw²
    return {"conv2d": dict(padding="same", use_bias=False, kernel_regularizer=l2),
            # slim.batch_norm's decay is Keras' momentum; slim has no gamma unless scale=True.
            "batch_norm": dict(momentum=MODEL.batch_norm_decay, scale=MODEL.batch_norm_scale,
                               epsilon=MODEL.batch_norm_epsilon),
            "fully_connected": dict(kernel_regularizer=l2)}


def _conv_block(filters, name, defaults):
    """slim.conv2d with normalizer_fn=slim.batch_norm: convolution, batch norm, then relu."""
    return keras.Sequential([keras.layers.Conv2D(filters, MODEL.kernel_size, **defaults["conv2d"]),
                             keras.layers.BatchNormalization(**defaults["batch_norm"]),
                             keras.layers.ReLU()], name=name)


class SlimCNN(keras.Model):
    def __init__(self, dropout_rate):
        super().__init__()
        defaults = cnn_arg_scope()
        self.conv1 = _conv_block(MODEL.conv1_filters, "conv1", defaults)
        self.pool1 = keras.layers.MaxPool2D(MODEL.pool_size)
        self.conv2 = _conv_block(MODEL.conv2_filters, "conv2", defaults)
        self.pool2 = keras.layers.MaxPool2D(MODEL.pool_size)
        self.flatten = keras.layers.Flatten()
        self.fc3 = keras.layers.Dense(MODEL.dense_units, activation="relu",
                                      **defaults["fully_connected"])
        self.dropout3 = keras.layers.Dropout(dropout_rate)
        self.fc4 = keras.layers.Dense(MODEL.classes, **defaults["fully_connected"])

    def call(self, images, training=False):
        net = self.conv1(images, training=training)
        net = self.pool1(net)                          # [N, 14, 14, 16]
        net = self.conv2(net, training=training)
        net = self.pool2(net)                          # [N, 7, 7, 32]
        net = self.flatten(net)                        # [N, 1568]
        net = self.fc3(net)                            # [N, 128]
        net = self.dropout3(net, training=training)
        return self.fc4(net)                           # [N, 10] logits


def build_model(images, keep_prob):
    model = SlimCNN(dropout_rate=1.0 - keep_prob)   # Keras takes the rate, slim keep_prob
    model(images)  # Keras creates the weights on the first call.
    return model


def compute_loss(labels, logits, model):
    """The cross-entropy, and the total loss with the weight decay (the regularisation losses)."""
    cross_entropy = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits)
    return cross_entropy, cross_entropy + tf.add_n(model.losses)


def build_optimizer():
    return keras.optimizers.SGD(learning_rate=MODEL.learning_rate)


def build_train_step(model, optimizer):
    # model(..., training=True) updates the moving averages itself: no UPDATE_OPS.
    @tf.function
    def train_step(images, labels):
        with tf.GradientTape() as tape:
            _, total_loss = compute_loss(labels, model(images, training=True), model)
        optimizer.apply_gradients(zip(tape.gradient(total_loss, model.trainable_variables),
                                      model.trainable_variables))
        return total_loss
    return train_step


def build_accuracy(labels, logits):
    return np.mean(np.argmax(logits, axis=-1) == labels, dtype=np.float32)


def tf1_names(model):
    """The name map: slim's variable names and the Keras variables that replace them."""
    names = {}
    for block in ("conv1", "conv2"):
        conv, batch_norm, _ = getattr(model, block).layers
        names[f"{block}/weights"] = conv.kernel
        names[f"{block}/BatchNorm/beta"] = batch_norm.beta
        if batch_norm.gamma is not None:
            names[f"{block}/BatchNorm/gamma"] = batch_norm.gamma
        names[f"{block}/BatchNorm/moving_mean"] = batch_norm.moving_mean
        names[f"{block}/BatchNorm/moving_variance"] = batch_norm.moving_variance
    for layer in ("fc3", "fc4"):
        names[f"{layer}/weights"] = getattr(model, layer).kernel
        names[f"{layer}/biases"] = getattr(model, layer).bias
    return names


def train_and_evaluate(seed, mnist, batches, initial_values=None, keep_prob=MODEL.keep_prob):
    check_images, check_labels = next(mnist.random_batches(MODEL.batch_size, 1, seed + 1000))
    keras.utils.set_random_seed(seed)
    model = build_model(check_images, keep_prob)
    variables = tf1_names(model)
    train_step = build_train_step(model, build_optimizer())

    if initial_values is not None:
        mapping.assign(variables, initial_values)
    unmapped = sorted({v.path for v in model.variables} - {v.path for v in variables.values()})
    if unmapped:  # every Keras variable has a slim counterpart, or the models differ
        raise UserError(f"the name map leaves Keras variables unmapped: {', '.join(unmapped)}")
    initial = mapping.read(variables)
    with tf.GradientTape() as tape:
        logits_training = model(check_images, training=True)
        loss, total_loss = compute_loss(check_labels, logits_training, model)
    gradients = tape.gradient(total_loss, model.trainable_variables)
    # That call with training=True has already moved the moving averages (TF1 moves them only
    # when UPDATE_OPS run): put them back before training.
    mapping.assign(variables, initial)
    result = Trace(variables=initial,
                   outputs={"logits_inference": model(check_images, training=False).numpy(),
                            "logits_training": logits_training.numpy()},
                   loss={"loss": loss.numpy(), "total_loss": total_loss.numpy()},
                   gradients=mapping.gradients_by_tf1_name(
                       {name: variable for name, variable in variables.items()
                        if variable.trainable},
                       model.trainable_variables, gradients))
    for batch_images, batch_labels in batches:
        step_loss = train_step(batch_images, batch_labels)
        result.record_step(step_loss, mapping.read(variables))
    result.outputs["logits_inference_trained"] = model(check_images, training=False).numpy()
    result.outputs["logits_training_trained"] = model(check_images, training=True).numpy()
    result.metrics["eval_accuracy"] = build_accuracy(
        mnist.eval_labels[:MODEL.eval_images],
        model(mnist.eval_images[:MODEL.eval_images], training=False).numpy())
    return result


def trace(seed=0, steps=MODEL.steps, initial_values=None):
    # Dropout off in the comparison: the two libraries draw their masks from different random
    # streams, so no seed makes them equal (the tests check dropout on its own).
    mnist = data.mnist(MODEL.check_data_source)
    return train_and_evaluate(seed, mnist, mnist.random_batches(MODEL.batch_size, steps, seed),
                              initial_values,
                              keep_prob=MODEL.keep_prob if MODEL.compare_dropout else 1.0)


def main():
    mnist = data.mnist()
    result = train_and_evaluate(0, mnist, data.epoch_batches(mnist, MODEL.batch_size, 1, seed=0))
    print(f"data: {mnist.source}; {len(result.losses)} batches, "
          f"final loss {result.losses[-1]:.4f}")
    print(f"eval accuracy ({MODEL.eval_images} images): {result.metrics['eval_accuracy']:.4f}")


if __name__ == "__main__":
    main()
