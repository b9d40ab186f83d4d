"""A one-unit linear classifier trained, validated, evaluated and used to predict: TF1 style.

Source: Chollet, *Deep Learning with Python* 2nd ed., ch. 3, "The compile() step", "Picking a
loss function", "Understanding the fit() method", "Monitoring loss and metrics on validation
data", "Inference: using a model after training". A Dense(1) on the chapter's two Gaussian
clouds, mean squared error, binary accuracy: first 5 epochs of RMSprop in batches of 128; then a
new model, RMSprop(0.1), batches of 16, 30% of the shuffled data held out for validation, then
evaluation and prediction on the held-out part in batches of 128.

What changes in TF2:
- the Session loop over batches (one `sess.run` of the train op and the metric update ops per
  batch), the streaming metrics reset every epoch and the validation loop become `compile`,
  `fit(validation_data=...)`, `evaluate` and `predict`;
- `tf.metrics.mean` of the loss weighted by batch size and `tf.metrics.accuracy` of
  `predictions > 0.5` become the loss `fit` reports and `keras.metrics.BinaryAccuracy`;
- `RMSPropOptimizer` becomes `RMSprop` with TF1's decay and epsilon and its accumulator
  started at 1 (PITFALLS #9); the book's `optimizer="rmsprop"` string cannot say that.
"""
import tensorflow.compat.v1 as tf

import random

import numpy as np

from tf1to2 import data, mapping
from tf1to2.harness import Trace
from tf1to2.hparams.chollet import COMPILE_FIT_EVALUATE as HP


def build_model(inputs):
    return tf.layers.dense(inputs, units=1, name="dense")   # [N, 1]


def compute_loss(targets, predictions):
    return tf.losses.mean_squared_error(targets, predictions)


def build_optimizer(learning_rate):
    # decay 0.9 and epsilon 1e-10 are RMSPropOptimizer's defaults; its rms slot starts at 1.
    return tf.train.RMSPropOptimizer(learning_rate, decay=HP.rmsprop_decay,
                                     epsilon=HP.rmsprop_epsilon)


def build_metrics(targets, predictions, loss):
    """Streaming loss and accuracy: (values, update ops, reset op), as fit and evaluate report."""
    batch_size = tf.cast(tf.shape(targets)[0], tf.float32)
    loss_mean, loss_update = tf.metrics.mean(loss, weights=batch_size, name="loss")
    accuracy, accuracy_update = tf.metrics.accuracy(
        labels=targets, predictions=tf.cast(predictions > HP.threshold, tf.float32),
        name="binary_accuracy")
    reset = tf.variables_initializer(tf.local_variables(tf.get_variable_scope().name))
    return {"loss": loss_mean, "binary_accuracy": accuracy}, [loss_update, accuracy_update], reset


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


def _run_epoch(sess, model, inputs, targets, batch_size, train_op=None):
    """One pass in batches (training when ``train_op`` is given): the epoch's loss and accuracy."""
    values, updates, reset = model["metrics"]
    sess.run(reset)
    for start in range(0, len(inputs), batch_size):
        sess.run(updates + ([train_op] if train_op is not None else []),
                 {"inputs:0": inputs[start:start + batch_size],
                  "targets:0": targets[start:start + batch_size]})
    return sess.run(values)


def train_and_evaluate(seed, initial_values=None):
    inputs, targets = data.gaussian_classes(HP.samples_per_class, seed)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(inputs))  # one fixed order, fed to both sides (no reshuffling)
    first_inputs, first_targets = inputs[order], targets[order]
    (train_inputs, train_targets), (val_inputs, val_targets) = split_validation(
        inputs, targets, rng)
    random.seed(seed)  # tf.layers' initialisers (tf_keras) seed from Python's `random`
    with tf.Graph().as_default():
        inputs_ = tf.placeholder(tf.float32, [None, 2], name="inputs")
        targets_ = tf.placeholder(tf.float32, [None, 1], name="targets")
        models = {}
        for phase, learning_rate in (("first", HP.first_learning_rate),
                                     ("second", HP.second_learning_rate)):
            with tf.variable_scope(phase):
                predictions = build_model(inputs_)
                loss = compute_loss(targets_, predictions)
                models[phase] = {"predictions": predictions, "loss": loss,
                                 "train_op": build_optimizer(learning_rate).minimize(loss),
                                 "metrics": build_metrics(targets_, predictions, loss)}
        variables = {v.op.name: v for v in tf.trainable_variables()}
        gradients = dict(zip(variables, tf.gradients(
            [model["loss"] for model in models.values()], list(variables.values()))))

        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if initial_values is not None:
                mapping.load(sess, variables, initial_values)
            feed_dict = {inputs_: val_inputs, targets_: val_targets}
            result = Trace(
                variables=sess.run(variables),
                outputs={phase: sess.run(model["predictions"], feed_dict)
                         for phase, model in models.items()},
                loss={phase: sess.run(model["loss"], feed_dict) for phase, model in models.items()},
                gradients=sess.run(gradients, feed_dict))
            # fit(first_inputs, first_targets, epochs=5, batch_size=128)
            first = models["first"]
            for _ in range(HP.first_epochs):
                logs = _run_epoch(sess, first, first_inputs, first_targets, HP.first_batch_size,
                                 first["train_op"])
                result.losses.append(float(logs["loss"]))
                result.trajectory.append(sess.run(variables))
                result.metrics.setdefault("first/binary_accuracy", []).append(
                    logs["binary_accuracy"])
            # fit(train, epochs=5, batch_size=16, validation_data=(val_inputs, val_targets))
            second = models["second"]
            for _ in range(HP.second_epochs):
                logs = _run_epoch(sess, second, train_inputs, train_targets, HP.second_batch_size,
                                 second["train_op"])
                val_logs = _run_epoch(sess, second, val_inputs, val_targets, HP.second_batch_size)
                result.losses.append(float(logs["loss"]))
                result.trajectory.append(sess.run(variables))
                for name, value in [*logs.items(), *(("val_" + k, v) for k, v in val_logs.items())]:
                    result.metrics.setdefault(f"second/{name}", []).append(value)
            # evaluate(val, batch_size=128); predict(val, batch_size=128)
            evaluation = _run_epoch(sess, second, val_inputs, val_targets, HP.predict_batch_size)
            result.metrics.update({f"evaluate/{k}": v for k, v in evaluation.items()})
            result.outputs["predictions"] = np.concatenate([
                sess.run(second["predictions"],
                         {inputs_: val_inputs[start:start + HP.predict_batch_size]})
                for start in range(0, len(val_inputs), HP.predict_batch_size)])
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
