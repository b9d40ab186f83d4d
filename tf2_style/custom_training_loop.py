"""A custom training loop on California housing, TF2 style (Keras 3).

Source: Géron, Hands-On Machine Learning 2nd ed., ch. 12, "Custom Training Loops"
(ageron/handson-ml2, notebook 12, cells [192]-[204]; TF1 counterpart ageron/handson-ml,
notebook 09). Dense(30, elu, he_normal, l2 0.05) → Dense(1, l2 0.05); random batches of 32;
loss = mean squared error + the regularisation losses; Nadam (lr 0.01); after each step every
variable's constraint is applied; a running mean of the loss and the mean absolute error,
shown in a progress bar and reset at each epoch; the validation MAE at the end.

What changed from TF1:
- placeholders, feed_dict and Session.run became plain tensors and calls, the step a
  `tf.function` with a `GradientTape`;
- `tf.layers.dense` became a `keras.Sequential` of `Dense` layers;
- slim/contrib's `l2_regularizer(s)`, s·Σw²/2, became `keras.regularizers.l2(s / 2)`, s·Σw²
  (PITFALLS #13), and the regularisation losses of the graph collection became `model.losses`,
  added by hand in both loops (PITFALLS #14);
- the Nadam written as a TF1 optimizer (`tf1to2.nadam_v1`) became `keras.optimizers.Nadam`;
- the streaming `tf.metrics.mean` / `mean_absolute_error` on LOCAL variables, reset by
  re-initialising them, became `keras.metrics.Mean` / `MeanAbsoluteError` and `reset_state()`.
"""
import sys

import keras
import tensorflow as tf

from tf1to2 import mapping
from tf1to2.data import housing
from tf1to2.harness import Trace
from tf1to2.hparams.geron_training import CUSTOM_TRAINING_LOOP as HP


def build_model(X):
    # Keras' l2(s) is s·Σw² (PITFALLS #13).
    l2_reg = keras.regularizers.l2(HP.l2)
    model = keras.Sequential([
        keras.Input(shape=X.shape[1:]),
        keras.layers.Dense(HP.hidden_units, activation="elu", kernel_initializer="he_normal",
                           kernel_regularizer=l2_reg,
                           kernel_constraint=keras.constraints.MaxNorm(HP.max_norm)),
        keras.layers.Dense(1, kernel_regularizer=l2_reg),
    ])
    return model


def compute_loss(y, y_pred, regularization_losses):
    """The total loss and its two parts: the mean squared error and the regularisation."""
    main_loss = tf.reduce_mean(keras.losses.mean_squared_error(y, y_pred))
    return tf.add_n([main_loss] + regularization_losses), main_loss, tf.add_n(regularization_losses)


def build_optimizer():
    return keras.optimizers.Nadam(learning_rate=HP.learning_rate, beta_1=HP.beta_1,
                                  beta_2=HP.beta_2, epsilon=HP.epsilon)


def build_train_op(model, optimizer, metrics):
    @tf.function
    def train_step(X_batch, y_batch):
        with tf.GradientTape() as tape:
            y_pred = model(X_batch, training=True)
            # The regularisation losses wait in model.losses: add them by hand (PITFALLS #14).
            loss, _, _ = compute_loss(y_batch, y_pred, model.losses)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        # The book applies every constraint after each step (Keras 3's optimizer has done it
        # once already; see docs/custom_training_loop.md).
        for variable in model.variables:
            if variable.constraint is not None:
                variable.assign(variable.constraint(variable))
        metrics["mean_loss"].update_state(loss)
        metrics["mean_absolute_error"].update_state(y_batch, y_pred)
        return loss
    return train_step


def build_metrics():
    # Metric objects: their state lives in the object, reset with reset_state().
    return {"mean_loss": keras.metrics.Mean(name="mean_loss"),
            "mean_absolute_error": keras.metrics.MeanAbsoluteError(name="mean_absolute_error")}


def print_status_bar(step, total, values, stream, width=30):
    """Géron's progress bar: one line, rewritten after each step."""
    if stream is None:
        return
    done = width * step // total
    metrics = " - ".join(f"{name}: {value:.4f}" for name, value in values.items())
    print(f"\r{step}/{total} [{'=' * done}{'.' * (width - done)}] - {metrics}",
          end="\n" if step == total else "", file=stream, flush=True)


def evaluate(model, metrics, X, y):
    """The mean absolute error over a whole split (the metric reset first)."""
    metric = metrics["mean_absolute_error"]
    metric.reset_state()
    metric.update_state(y, model(X))
    return metric.result().numpy()


def tf1_names(model):
    """The name map: each TF1 variable name and the Keras variable that replaces it."""
    hidden, output = model.layers
    return {"dense/kernel": hidden.kernel, "dense/bias": hidden.bias,
            "dense_1/kernel": output.kernel, "dense_1/bias": output.bias}


def train_and_evaluate(seed, data, batches, steps_per_epoch, initial_values=None,
                       progress=None, record_variables=True):
    """Train on ``batches`` (epochs of ``steps_per_epoch``) and return a Trace."""
    X_check, y_check = data.X_valid[:HP.batch_size], data.y_valid[:HP.batch_size]
    keras.utils.set_random_seed(seed)
    model = build_model(X_check)
    variables = tf1_names(model)
    metrics = build_metrics()
    train_step = build_train_op(model, build_optimizer(), metrics)
    values = lambda: {name: metric.result().numpy() for name, metric in metrics.items()}

    if initial_values is not None:
        mapping.assign(variables, initial_values)
    with tf.GradientTape() as tape:
        y_pred = model(X_check)
        loss, main_loss, regularization = compute_loss(y_check, y_pred, model.losses)
    gradients = tape.gradient(loss, model.trainable_variables)
    result = Trace(variables=mapping.read(variables),
                   outputs={"predictions": y_pred.numpy()},
                   loss={"loss": loss.numpy(), "main_loss": main_loss.numpy(),
                         "regularization": regularization.numpy()},
                   gradients=mapping.gradients_by_tf1_name(
                       variables, model.trainable_variables, gradients))
    for step, (X_batch, y_batch) in enumerate(batches, 1):
        step_loss = train_step(X_batch, y_batch)
        result.record_step(step_loss, mapping.read(variables) if record_variables else {})
        epoch, step_in_epoch = divmod(step - 1, steps_per_epoch)
        print_status_bar(step_in_epoch + 1, steps_per_epoch, values(), progress)
        if step_in_epoch + 1 == steps_per_epoch:  # end of an epoch: record and reset
            result.metrics.update({f"epoch_{epoch + 1}/{name}": value
                                   for name, value in values().items()})
            for metric in metrics.values():
                metric.reset_state()
    result.metrics["valid_mean_absolute_error"] = evaluate(
        model, metrics, data.X_valid, data.y_valid)
    return result


def trace(seed=0, steps=HP.steps, initial_values=None):
    data = housing.load(HP.check_data_source)
    return train_and_evaluate(seed, data, data.random_batches(HP.batch_size, steps, seed),
                              max(1, steps // HP.check_epochs), initial_values)


def main():
    data = housing.load()
    steps_per_epoch = len(data.X_train) // HP.batch_size
    result = train_and_evaluate(
        0, data, data.random_batches(HP.batch_size, HP.epochs * steps_per_epoch, seed=0),
        steps_per_epoch, record_variables=False, progress=sys.stderr)
    print(f"data: {data.source}; {len(result.losses)} steps, final loss {result.losses[-1]:.4f}")
    print(f"validation MAE: {result.metrics['valid_mean_absolute_error']:.4f}")


if __name__ == "__main__":
    main()
