"""Learning-rate schedules on `optimizer.iterations`, TF2 style (Keras 3).

Source: the TF1 idioms of real codebases: `tf.train.exponential_decay` (smooth and staircase),
`piecewise_constant`, `polynomial_decay` and `cosine_decay` of a `global_step` variable that
`minimize(loss, global_step=...)` increments after each update, and a rate computed in Python
and fed through a placeholder. Each schedule drives gradient descent on its own copy of the
handbook's one-layer regression (`linear_dense`'s data).

What changed from TF1:
- the schedule functions of `global_step` became `keras.optimizers.schedules` objects given to
  the optimizer as its learning rate, evaluated at `optimizer.iterations`;
- `global_step` (incremented after the update) became `optimizer.iterations` (incremented after
  the update too): step k uses the rate at k on both sides, k = 0, 1, ...;
- the placeholder-fed rate became an assignment to `optimizer.learning_rate` before the step.
"""
import keras
import tensorflow as tf

from tf1to2 import data, mapping
from tf1to2.harness import Trace
from tf1to2.hparams.optimizers import LR_SCHEDULES as HP


class LinearModel(keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(units=1)

    def call(self, inputs):
        return self.dense(inputs)   # [N, 1]


def build_model(inputs):
    model = LinearModel()
    model(inputs)  # Keras creates the weights on the first call.
    return model


def compute_loss(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_pred - y_true))


def build_learning_rate(schedule):
    """The learning rate of ``schedule``: a schedule object, called with ``iterations``."""
    schedules = keras.optimizers.schedules
    if schedule in ("exponential", "exponential_staircase"):
        return schedules.ExponentialDecay(HP.initial_learning_rate, HP.decay_steps,
                                          HP.decay_rate, staircase=schedule.endswith("staircase"))
    if schedule == "piecewise_constant":
        return schedules.PiecewiseConstantDecay(list(HP.boundaries), list(HP.values))
    if schedule == "polynomial":
        return schedules.PolynomialDecay(HP.initial_learning_rate, HP.decay_steps,
                                         HP.end_learning_rate, power=HP.power)
    if schedule == "cosine":
        return schedules.CosineDecay(HP.initial_learning_rate, HP.decay_steps,
                                     alpha=HP.cosine_alpha)
    if schedule == "manual":  # a plain rate, assigned before each step (manual_learning_rate)
        return HP.initial_learning_rate
    raise ValueError(f"unknown schedule {schedule!r}")


def manual_learning_rate(step):
    """The hand-written schedule: the rate divided by 10 every ``manual_every`` steps."""
    return HP.initial_learning_rate * HP.manual_factor ** (step // HP.manual_every)


def tf1_names(models):
    """The name map: TF1's "<schedule>/dense/kernel" to each copy's Keras variable."""
    return {f"{schedule}/dense/{weight}": getattr(model.dense, weight)
            for schedule, model in models.items() for weight in ("kernel", "bias")}


def trace(seed=0, steps=HP.steps, initial_values=None):
    X, y = data.linear_dense()
    keras.utils.set_random_seed(seed)
    models = {schedule: build_model(X) for schedule in HP.schedules}
    optimizers = {schedule: keras.optimizers.SGD(build_learning_rate(schedule))
                  for schedule in HP.schedules}
    variables = tf1_names(models)

    @tf.function
    def train_step():
        step_losses = {}
        for schedule, model in models.items():
            with tf.GradientTape() as tape:
                step_losses[schedule] = compute_loss(y, model(X))
            # apply_gradients increments iterations after the update: step k uses the rate at k.
            optimizers[schedule].apply_gradients(zip(
                tape.gradient(step_losses[schedule], model.trainable_variables),
                model.trainable_variables))
        return step_losses

    if initial_values is not None:
        mapping.assign(variables, initial_values)
    result = Trace(variables=mapping.read(variables))
    for schedule, model in models.items():
        with tf.GradientTape() as tape:
            result.outputs[schedule] = model(X)
            result.loss[schedule] = compute_loss(y, result.outputs[schedule])
        result.gradients.update(mapping.gradients_by_tf1_name(
            {n: v for n, v in variables.items() if n.startswith(schedule + "/")},
            model.trainable_variables,
            tape.gradient(result.loss[schedule], model.trainable_variables)))
    result.outputs = {k: v.numpy() for k, v in result.outputs.items()}
    result.loss = {k: v.numpy() for k, v in result.loss.items()}
    used_rates = []
    for step in range(steps):
        optimizers["manual"].learning_rate = manual_learning_rate(step)
        used_rates.append({schedule: optimizer.learning_rate.numpy()  # the rates this step uses
                           for schedule, optimizer in optimizers.items()})
        step_losses = train_step()
        result.losses.append({k: float(v) for k, v in step_losses.items()})
        result.trajectory.append(mapping.read(variables))
    result.outputs.update({f"learning_rate/{schedule}": [r[schedule] for r in used_rates]
                           for schedule in HP.schedules})
    result.outputs.update({f"steps_taken/{schedule}": optimizer.iterations.numpy()
                           for schedule, optimizer in optimizers.items()})
    return result


def main():
    result = trace()
    for schedule in HP.schedules:
        rates = ", ".join(f"{rate:.4g}" for rate in result.outputs[f"learning_rate/{schedule}"])
        print(f"{schedule:<22} {rates}")


if __name__ == "__main__":
    main()
