"""Learning-rate schedules on `global_step`, TF1 graph style.

Source: the TF1 idioms of real codebases: `tf.train.exponential_decay` (smooth and staircase),
`piecewise_constant`, `polynomial_decay` and `cosine_decay` of a `global_step` variable that
`minimize(loss, global_step=...)` increments after each update, and a rate computed in Python
and fed through a placeholder. Each schedule drives gradient descent on its own copy of the
handbook's one-layer regression (`linear_dense`'s data).

What changes in TF2:
- the schedule functions of `global_step` become `keras.optimizers.schedules` objects given to
  the optimizer as its learning rate, evaluated at `optimizer.iterations`;
- `global_step` (incremented after the update) becomes `optimizer.iterations` (incremented after
  the update too): step k uses the rate at k on both sides, k = 0, 1, ...;
- the placeholder-fed rate becomes an assignment to `optimizer.learning_rate` before the step.
"""
import tensorflow.compat.v1 as tf

import random

from tf1to2 import data, mapping
from tf1to2.harness import Trace
from tf1to2.hparams.optimizers import LR_SCHEDULES as HP


def build_model(inputs):
    return tf.layers.dense(inputs, units=1, name="dense")   # [N, 1]


def compute_loss(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_pred - y_true))


def build_learning_rate(schedule, global_step):
    """The learning rate tensor of ``schedule`` at ``global_step``."""
    if schedule in ("exponential", "exponential_staircase"):
        return tf.train.exponential_decay(HP.initial_learning_rate, global_step, HP.decay_steps,
                                          HP.decay_rate, staircase=schedule.endswith("staircase"))
    if schedule == "piecewise_constant":
        return tf.train.piecewise_constant(global_step, list(HP.boundaries), list(HP.values))
    if schedule == "polynomial":
        return tf.train.polynomial_decay(HP.initial_learning_rate, global_step, HP.decay_steps,
                                         HP.end_learning_rate, power=HP.power)
    if schedule == "cosine":
        return tf.train.cosine_decay(HP.initial_learning_rate, global_step, HP.decay_steps,
                                     alpha=HP.cosine_alpha)
    if schedule == "manual":  # computed in Python each step (manual_learning_rate), then fed
        return tf.placeholder(tf.float32, [], name="learning_rate")
    raise ValueError(f"unknown schedule {schedule!r}")


def manual_learning_rate(step):
    """The hand-written schedule: the rate divided by 10 every ``manual_every`` steps."""
    return HP.initial_learning_rate * HP.manual_factor ** (step // HP.manual_every)


def trace(seed=0, steps=HP.steps, initial_values=None):
    X, y = data.linear_dense()
    random.seed(seed)  # tf.layers' initialisers (tf_keras) seed from Python's `random`
    with tf.Graph().as_default():
        outputs, losses, variables, rates, global_steps, train_ops = {}, {}, {}, {}, {}, []
        for schedule in HP.schedules:
            with tf.variable_scope(schedule) as scope:
                global_steps[schedule] = tf.Variable(0, trainable=False, dtype=tf.int64,
                                                     name="global_step")
                outputs[schedule] = build_model(X)
                losses[schedule] = compute_loss(y, outputs[schedule])
                rates[schedule] = build_learning_rate(schedule, global_steps[schedule])
                optimizer = tf.train.GradientDescentOptimizer(rates[schedule])
                # minimize() increments global_step after the update: step k uses the rate at k.
                train_ops.append(optimizer.minimize(losses[schedule],
                                                    global_step=global_steps[schedule]))
                variables.update({v.op.name: v for v in tf.trainable_variables(scope.name + "/")})
        gradients = dict(zip(variables, tf.gradients(list(losses.values()),
                                                      list(variables.values()))))

        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if initial_values is not None:
                mapping.load(sess, variables, initial_values)
            result = Trace(variables=sess.run(variables), outputs=sess.run(outputs),
                           loss=sess.run(losses), gradients=sess.run(gradients))
            used_rates = []
            for step in range(steps):
                feed_dict = {rates["manual"]: manual_learning_rate(step)}
                used_rates.append(sess.run(rates, feed_dict))  # the rates this step uses
                step_losses, _ = sess.run([losses, train_ops], feed_dict)
                result.losses.append({k: float(v) for k, v in step_losses.items()})
                result.trajectory.append(sess.run(variables))
            result.outputs.update({f"learning_rate/{schedule}": [r[schedule] for r in used_rates]
                                   for schedule in HP.schedules})
            result.outputs.update({f"steps_taken/{schedule}": value
                                   for schedule, value in sess.run(global_steps).items()})
    return result


def main():
    result = trace()
    for schedule in HP.schedules:
        rates = ", ".join(f"{rate:.4g}" for rate in result.outputs[f"learning_rate/{schedule}"])
        print(f"{schedule:<22} {rates}")


if __name__ == "__main__":
    main()
