"""A regressor with an internal reconstruction loss and a reconstruction-error metric, TF2 style (Keras 3).

Source: Géron, Hands-On Machine Learning 2nd ed., ch. 12, "Losses and Metrics Based on Model
Internals" (ageron/handson-ml2, notebook 12, cells [165]-[167]). Five Dense(30, selu,
lecun_normal) layers; an auxiliary Dense(8) reconstructs the inputs from the last hidden layer
and 0.05 · the reconstruction MSE is added to the loss; Dense(1) predicts; the mean
reconstruction error is a streaming metric. California housing, plain SGD (the book's "nadam"
has no TF1 `tf.train` optimizer; see custom_training_loop for a TF1 Nadam).

What changed from TF1:
- `tf.losses.add_loss(term)` into the graph's LOSSES collection and `tf.losses.get_total_loss()`
  became `self.add_loss(term)` inside `call` and `model.losses` summed by hand in the loop
  (PITFALLS #14);
- the reconstruction `tf.layers.dense` (sized by the placeholder's last dimension) became a
  `Dense(n_inputs)` created in `build`, once (PITFALLS #21);
- the streaming `tf.metrics.mean` on local variables, reset by re-initialising them, became a
  `keras.metrics.Mean` held by the model and `reset_state()`.
"""
import keras
import tensorflow as tf

from tf1to2 import mapping
from tf1to2.data import housing
from tf1to2.harness import Trace
from tf1to2.hparams.geron_losses import INTERNAL_LOSSES as HP


class ReconstructingRegressor(keras.Model):
    def __init__(self, output_dim, **kwargs):
        super().__init__(**kwargs)
        self.hidden = [keras.layers.Dense(HP.units, activation="selu",
                                          kernel_initializer="lecun_normal")
                       for _ in range(HP.hidden_layers)]
        self.out = keras.layers.Dense(output_dim)
        self.reconstruction_mean = keras.metrics.Mean(name="reconstruction_error")

    def build(self, batch_input_shape):
        # Created once, when the input size is known (the notebook's note on TF #46858).
        self.reconstruct = keras.layers.Dense(batch_input_shape[-1])

    def call(self, inputs):
        Z = inputs
        for layer in self.hidden:
            Z = layer(Z)
        reconstruction = self.reconstruct(Z)
        reconstruction_loss = tf.reduce_mean(tf.square(reconstruction - inputs))
        self.add_loss(HP.reconstruction_weight * reconstruction_loss)
        # The book updates it only when training (fit reports it); here every call counts and
        # each evaluation resets it first.
        self.reconstruction_mean.update_state(reconstruction_loss)
        return self.out(Z)


def build_model(X):
    model = ReconstructingRegressor(HP.outputs)
    model(X)  # Keras creates the weights on the first call.
    return model


def compute_loss(model, y, y_pred):
    """The total loss: the prediction MSE plus the internal losses of the last call."""
    return tf.reduce_mean(keras.losses.mean_squared_error(y, y_pred)) + tf.add_n(model.losses)


def build_optimizer():
    return keras.optimizers.SGD(learning_rate=HP.learning_rate)


def evaluate(model, batches):
    """The mean reconstruction error over ``batches`` (the metric reset first)."""
    model.reconstruction_mean.reset_state()
    for X_batch in batches:
        model(X_batch)
    return model.reconstruction_mean.result().numpy()


def tf1_names(model):
    """The name map: each TF1 variable name and the Keras variable that replaces it."""
    names = {f"hidden{i + 1}": layer for i, layer in enumerate(model.hidden)}
    names.update(reconstruct=model.reconstruct, output=model.out)
    return {f"{scope}/{weight}": getattr(layer, weight)
            for scope, layer in names.items() for weight in ("kernel", "bias")}


def trace(seed=0, steps=HP.steps, initial_values=None):
    data = housing.load(HP.check_data_source)
    X_check, y_check = data.X_valid[:HP.batch_size], data.y_valid[:HP.batch_size]
    keras.utils.set_random_seed(seed)
    model = build_model(X_check)
    variables = tf1_names(model)
    optimizer = build_optimizer()

    @tf.function
    def train_step(X_batch, y_batch):
        with tf.GradientTape() as tape:
            loss = compute_loss(model, y_batch, model(X_batch))
        optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables),
                                      model.trainable_variables))
        return loss

    if initial_values is not None:
        mapping.assign(variables, initial_values)
    with tf.GradientTape() as tape:
        y_pred = model(X_check)
        loss = compute_loss(model, y_check, y_pred)
    # Zeros, not None, for a variable the loss does not reach (the reconstruction layer, whose
    # only path to the loss is the internal term); `unconnected_gradients=ZERO` fails on
    # Keras 3 variables (their dtype is a string).
    gradients = [tf.zeros_like(variable) if gradient is None else gradient
                 for variable, gradient in zip(model.trainable_variables,
                                               tape.gradient(loss, model.trainable_variables))]
    result = Trace(variables=mapping.read(variables),
                   outputs={"predictions": y_pred.numpy()},
                   loss={"reconstruction_term": model.losses[0].numpy(), "total": loss.numpy()},
                   gradients=mapping.gradients_by_tf1_name(
                       variables, model.trainable_variables, gradients))
    model.reconstruction_mean.reset_state()  # the training steps' metric starts from zero
    for X_batch, y_batch in data.random_batches(HP.batch_size, steps, seed):
        step_loss = train_step(X_batch, y_batch)
        result.record_step(step_loss, mapping.read(variables))
    result.metrics["train_reconstruction_error"] = model.reconstruction_mean.result().numpy()
    valid_batches = [data.X_valid[i * HP.batch_size:(i + 1) * HP.batch_size]
                     for i in range(HP.eval_batches)]
    result.metrics["valid_reconstruction_error"] = evaluate(model, valid_batches)
    return result


def main():
    result = trace()
    print("variables:", {name: value.shape for name, value in result.variables.items()})
    print(f"{len(result.losses)} steps, loss {result.losses[0]:.4f} -> {result.losses[-1]:.4f}")
    print("metrics:", {name: round(float(value), 4) for name, value in result.metrics.items()})


if __name__ == "__main__":
    main()
