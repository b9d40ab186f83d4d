"""Linear regression on five house prices, TF1 graph style, in the handbook's two variants.

Source: TensorFlow handbook (snowkylin), "TensorFlow basics", `basic/example/
tensorflow_manual_grad.py` at fb7c812 and the `tf.gradients` and optimizer variants its text
derives from it (`tensorflow_autograd.py`). Fits y = a·X + b to the years 2013-2017 and the
prices 12000, 14000, 15000, 16500, 17500, both min-max normalised, with a = b = 0 at the start
and 10000 epochs of full-batch gradient descent (lr 5e-4) on the summed squared error.
The "manual" variant takes the gradients with `tf.gradients` and writes the updates with
`tf.assign`; the "optimizer" variant lets `GradientDescentOptimizer.minimize` do both.

What changes in TF2:
- placeholders and feed_dict become the arguments of a `tf.function`, and Session.run a call;
- `tf.get_variable(..., initializer=tf.zeros_initializer())` becomes `tf.Variable(0.0)`;
- `tf.gradients` becomes `GradientTape`, `tf.assign(a, a - lr·∂a)` becomes `a.assign_sub(lr·∂a)`,
  and `GradientDescentOptimizer.minimize` becomes the tape plus `keras.optimizers.SGD`.
"""
import tensorflow.compat.v1 as tf

from tf1to2 import data, hparams, mapping
from tf1to2.harness import Trace

HP = hparams.LINEAR_REGRESSION
# The handbook's two ways to take a step: gradients and updates by hand, or an optimizer.
VARIANTS = ("manual", "optimizer")


def build_model():
    a = tf.get_variable("a", dtype=tf.float32, shape=[], initializer=tf.zeros_initializer())
    b = tf.get_variable("b", dtype=tf.float32, shape=[], initializer=tf.zeros_initializer())
    return a, b


def predict(model, X):
    a, b = model
    return a * X + b


def compute_loss(y_true, y_pred):
    return tf.reduce_sum(tf.square(y_pred - y_true))


def build_train_step(model, X, y, variant):
    """The loss and the update op of one gradient-descent step, built into the graph."""
    a, b = model
    loss = compute_loss(y, predict(model, X))
    if variant == "manual":
        grad_a, grad_b = tf.gradients(loss, [a, b])
        train_op = tf.group(tf.assign(a, a - HP.learning_rate * grad_a),
                            tf.assign(b, b - HP.learning_rate * grad_b))
    else:
        optimizer = tf.train.GradientDescentOptimizer(learning_rate=HP.learning_rate)
        train_op = optimizer.minimize(loss)
    return loss, train_op


def trace(seed=0, steps=HP.epochs, initial_values=None):
    """Both variants from the same start: first the manual one's steps, then the optimizer's.

    The forward output, loss and gradients are taken once, at the start. Each step is recorded
    with the variables under the variant's name (``manual/a``, ..., ``optimizer/b``).
    """
    X, y = data.house_prices()
    result = Trace()
    for variant in VARIANTS:
        with tf.Graph().as_default():
            tf.set_random_seed(seed)
            X_ = tf.placeholder(dtype=tf.float32, shape=[5], name="X")
            y_ = tf.placeholder(dtype=tf.float32, shape=[5], name="y")
            model = build_model()
            y_pred = predict(model, X_)
            loss, train_op = build_train_step(model, X_, y_, variant)
            variables = {v.op.name: v for v in tf.trainable_variables()}
            gradients = dict(zip(variables, tf.gradients(loss, list(variables.values()))))
            # One run both takes a step and reads the variables after it: a Session runs
            # independent ops in any order, so the reads wait for the update explicitly.
            with tf.control_dependencies([train_op]):
                variables_after_step = {name: tf.identity(variable)
                                        for name, variable in variables.items()}

            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                if initial_values is not None:
                    mapping.load(sess, variables, initial_values)
                feed_dict = {X_: X, y_: y}
                if variant == VARIANTS[0]:
                    result.variables = sess.run(variables)
                    result.outputs["y_pred"] = sess.run(y_pred, feed_dict)
                    result.loss = {"loss": sess.run(loss, feed_dict)}
                    result.gradients = sess.run(gradients, feed_dict)
                for _ in range(steps):
                    step_loss, values = sess.run([loss, variables_after_step], feed_dict)
                    result.record_step(step_loss, {f"{variant}/{name}": value for name, value
                                                   in values.items()})
                result.outputs[f"{variant}/y_pred_trained"] = sess.run(y_pred, feed_dict)
    return result


def main():
    result = trace()
    steps = len(result.trajectory) // len(VARIANTS)
    for number, variant in enumerate(VARIANTS, 1):
        final = result.trajectory[number * steps - 1]
        print(f"{variant}: a = {final[f'{variant}/a']:.6f}, b = {final[f'{variant}/b']:.6f}")


if __name__ == "__main__":
    main()
