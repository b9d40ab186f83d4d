"""A one-unit linear classifier trained, validated, evaluated and used to predict: TF2 style.

Source: Chollet, *Deep Learning with Python* 2nd ed., ch. 3, "The compile() step", "Picking a
loss function", "Understanding the fit() method", "Monitoring loss and metrics on validation
data", "Inference: using a model after training". A Dense(1) on the chapter's two Gaussian
clouds, mean squared error, binary accuracy: first 5 epochs of RMSprop in batches of 128; then a
new model, RMSprop(0.1), batches of 16, 30% of the shuffled data held out for validation, then
evaluation and prediction on the held-out part in batches of 128.

What changed from TF1:
- the Session loop over batches (one `sess.run` of the train op and the metric update ops per
  batch), the streaming metrics reset every epoch and the validation loop became `compile`,
  `fit(validation_data=...)`, `evaluate` and `predict`;
- `tf.metrics.mean` of the loss weighted by batch size and `tf.metrics.accuracy` of
  `predictions > 0.5` became the loss `fit` reports and `keras.metrics.BinaryAccuracy`;
- `RMSPropOptimizer` became `RMSprop` with TF1's decay and epsilon and its accumulator
  started at 1 (PITFALLS #9); the book's `optimizer="rmsprop"` string cannot say that.
"""
import keras
import numpy as np
import tensorflow as tf

from tf1to2 import data, mapping, slots
from tf1to2.harness import Trace
from tf1to2.hparams.chollet import COMPILE_FIT_EVALUATE as HP


def build_model(inputs):
    model = keras.Sequential([keras.Input(shape=inputs.shape[1:]), keras.layers.Dense(1)])
    return model


def compute_loss():
    return keras.losses.MeanSquaredError()


def build_optimizer(learning_rate):
    # TF1's RMSPropOptimizer: rho = its decay 0.9, epsilon 1e-10, mean square from 1.
    return slots.TF1RMSprop(learning_rate, rho=HP.rmsprop_decay, epsilon=HP.rmsprop_epsilon)


def build_metrics():
    return [keras.metrics.BinaryAccuracy(threshold=HP.threshold)]


def split_validation(inputs, targets, rng):
    """Shuffle, hold out the first 30% for validation, train on the rest.

    The book writes the training slice as `shuffled[:num_validation_samples]`, which trains on
    the validation samples; the rest is `shuffled[num_validation_samples:]`.
    """
    permutation = rng.permutation(len(inputs))
    inputs, targets = inputs[permutation], targets[permutation]
    num_validation = int(HP.validation_fraction * len(inputs))
    return ((inputs[num_validation:], targets[num_validation:]),
            (inputs[:num_validation], targets[:num_validation]))


def tf1_names(models):
    """The name map: each TF1 variable name and the Keras variable that replaces it."""
    return {f"{phase}/dense/{weight}": getattr(model.layers[0], weight)
            for phase, model in models.items() for weight in ("kernel", "bias")}


class RecordEpochs(keras.callbacks.Callback):
    """The weights after each epoch, by TF1 name."""

    def __init__(self, variables, trajectory):
        super().__init__()
        self.variables, self.trajectory = variables, trajectory

    def on_epoch_end(self, epoch, logs=None):
        self.trajectory.append(mapping.read(self.variables))


def train_and_evaluate(seed, initial_values=None):
    inputs, targets = data.gaussian_classes(HP.samples_per_class, seed)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(inputs))  # one fixed order, fed to both sides (no reshuffling)
    first_inputs, first_targets = inputs[order], targets[order]
    (train_inputs, train_targets), (val_inputs, val_targets) = split_validation(
        inputs, targets, rng)
    keras.utils.set_random_seed(seed)
    models = {phase: build_model(inputs) for phase in ("first", "second")}
    for phase, learning_rate in (("first", HP.first_learning_rate),
                                 ("second", HP.second_learning_rate)):
        models[phase].compile(optimizer=build_optimizer(learning_rate), loss=compute_loss(),
                              metrics=build_metrics())
    variables = tf1_names(models)

    if initial_values is not None:
        mapping.assign(variables, initial_values)
    result = Trace(variables=mapping.read(variables))
    for phase, model in models.items():
        with tf.GradientTape() as tape:
            result.outputs[phase] = model(val_inputs)
            result.loss[phase] = compute_loss()(val_targets, result.outputs[phase])
        result.gradients.update(mapping.gradients_by_tf1_name(
            {n: v for n, v in variables.items() if n.startswith(phase + "/")},
            model.trainable_variables, tape.gradient(result.loss[phase],
                                                     model.trainable_variables)))
    result.outputs = {k: v.numpy() for k, v in result.outputs.items()}
    result.loss = {k: v.numpy() for k, v in result.loss.items()}
    # shuffle=False: both sides train on the same fixed order.
    history = models["first"].fit(first_inputs, first_targets, epochs=HP.first_epochs,
                                  batch_size=HP.first_batch_size, shuffle=False, verbose=0,
                                  callbacks=[RecordEpochs(variables, result.trajectory)])
    result.losses.extend(history.history["loss"])
    # Keras logs Python floats; TF1's streaming metrics are float32, as is Keras' own state.
    result.metrics["first/binary_accuracy"] = np.float32(history.history["binary_accuracy"])
    history = models["second"].fit(train_inputs, train_targets, epochs=HP.second_epochs,
                                   batch_size=HP.second_batch_size, shuffle=False, verbose=0,
                                   validation_data=(val_inputs, val_targets),
                                   callbacks=[RecordEpochs(variables, result.trajectory)])
    result.losses.extend(history.history["loss"])
    result.metrics.update({f"second/{name}": np.float32(values)
                           for name, values in history.history.items()})
    evaluation = models["second"].evaluate(val_inputs, val_targets,
                                           batch_size=HP.predict_batch_size, return_dict=True,
                                           verbose=0)
    result.metrics.update({f"evaluate/{k}": np.float32(v) for k, v in evaluation.items()})
    result.outputs["predictions"] = models["second"].predict(
        val_inputs, batch_size=HP.predict_batch_size, verbose=0)
    return result


def trace(seed=0, steps=None, initial_values=None):
    # `steps` is fixed by the book (5 + 5 epochs); the argument is the harness' signature.
    return train_and_evaluate(seed, initial_values)


def main():
    result = trace()
    print("epoch losses:", [round(loss, 4) for loss in result.losses])
    print("validation accuracy per epoch:",
          [round(float(a), 4) for a in result.metrics["second/val_binary_accuracy"]])
    print(f"evaluate: loss {result.metrics['evaluate/loss']:.4f}, "
          f"accuracy {result.metrics['evaluate/binary_accuracy']:.4f}")


if __name__ == "__main__":
    main()
