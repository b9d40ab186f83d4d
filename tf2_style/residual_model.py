"""A residual regressor whose first block is applied four times with shared weights, TF2 style (Keras 3).

Source: Géron, Hands-On Machine Learning 2nd ed., ch. 12, "Custom Models" (ageron/handson-ml2,
notebook 12, cells [154]-[164]). Dense(30, elu, he_normal) → residual block 1 (two Dense(30,
elu) layers, output = input + their result) applied 1 + 3 times with the SAME weights → residual
block 2 → Dense(1); mean squared error, Nadam, on California housing.

What changed from TF1:
- `tf.make_template("block1", residual_block)`, whose first call creates the variables and
  whose later calls reuse them, became one `ResidualBlock` layer object called four times;
- functions over `tf.layers.dense` became `keras.layers.Layer` and `keras.Model` subclasses
  holding their layers;
- the Nadam written as a TF1 optimizer (`tf1to2.nadam_v1`) became `keras.optimizers.Nadam`.
"""
import keras
import tensorflow as tf

from tf1to2 import k_steps, mapping
from tf1to2.data import housing
from tf1to2.harness import Trace
from tf1to2.hparams.geron_training import RESIDUAL_MODEL as HP


class ResidualBlock(keras.layers.Layer):
    def __init__(self, n_layers, n_neurons, **kwargs):
        super().__init__(**kwargs)
        # The layers are created once, here: every call of the block uses the same weights.
        self.hidden = [keras.layers.Dense(n_neurons, activation="elu",
                                          kernel_initializer="he_normal")
                       for _ in range(n_layers)]

    def call(self, inputs):
        Z = inputs
        for layer in self.hidden:
            Z = layer(Z)
        return inputs + Z


class ResidualRegressor(keras.Model):
    def __init__(self, output_dim, **kwargs):
        super().__init__(**kwargs)
        self.hidden1 = keras.layers.Dense(HP.units, activation="elu",
                                          kernel_initializer="he_normal")
        self.block1 = ResidualBlock(HP.block_layers, HP.units)
        self.block2 = ResidualBlock(HP.block_layers, HP.units)
        self.out = keras.layers.Dense(output_dim)

    def call(self, inputs):
        Z = self.hidden1(inputs)
        for _ in range(1 + 3):
            Z = self.block1(Z)  # one layer object called four times: shared weights
        Z = self.block2(Z)
        return self.out(Z)


def build_model(X):
    model = ResidualRegressor(HP.outputs)
    model(X)  # Keras creates the weights on the first call.
    return model


def compute_loss(y, y_pred):
    return tf.reduce_mean(keras.losses.mean_squared_error(y, y_pred))


def build_optimizer():
    return keras.optimizers.Nadam(learning_rate=HP.learning_rate)


def tf1_names(model):
    """The name map: each TF1 variable name and the Keras variable that replaces it."""
    names = {"hidden1": model.hidden1, "output": model.out}
    for block in ("block1", "block2"):
        for i, layer in enumerate(getattr(model, block).hidden):
            names[f"{block}/dense_{i}"] = layer
    return {f"{scope}/{weight}": getattr(layer, weight)
            for scope, layer in names.items() for weight in ("kernel", "bias")}


def trace(seed=0, steps=HP.steps, initial_values=None):
    data = housing.load(HP.check_data_source)
    X_check, y_check = data.X_valid[:HP.batch_size], data.y_valid[:HP.batch_size]
    keras.utils.set_random_seed(seed)
    model = build_model(X_check)
    variables = tf1_names(model)
    optimizer = build_optimizer()

    def train_step(X_batch, y_batch):
        with tf.GradientTape() as tape:
            loss = compute_loss(y_batch, model(X_batch))
        optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables),
                                      model.trainable_variables))
        return loss

    if initial_values is not None:
        mapping.assign(variables, initial_values)
    with tf.GradientTape() as tape:
        y_pred = model(X_check)
        loss = compute_loss(y_check, y_pred)
    gradients = tape.gradient(loss, model.trainable_variables)
    result = Trace(variables=mapping.read(variables),
                   outputs={"predictions": y_pred.numpy()},
                   loss={"loss": loss.numpy()},
                   gradients=mapping.gradients_by_tf1_name(
                       variables, model.trainable_variables, gradients))
    # The fast form (docs/speed.md): every step in one tf.function call, a tf.range loop over
    # the stacked batches that also hands back the weights after each step.
    for step_loss, weights in k_steps.steps_in_one_call(
            train_step, variables, data.random_batches(HP.batch_size, steps, seed)):
        result.record_step(step_loss, weights)
    return result


def main():
    result = trace()
    print("variables:", {name: value.shape for name, value in result.variables.items()})
    print(f"{len(result.losses)} steps, loss {result.losses[0]:.4f} -> {result.losses[-1]:.4f}")


if __name__ == "__main__":
    main()
