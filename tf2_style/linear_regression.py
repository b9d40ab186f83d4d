"""Linear regression on five house prices, TF2 style (Keras 3), in the handbook's two variants.

Source: TensorFlow handbook (snowkylin), "TensorFlow basics", `basic/example/
tensorflow_eager_autograd.py` at 7a9963e (`GradientTape` and `SGD`); the "manual" variant is its
`assign_sub` counterpart of the TF1 `tf.gradients` + `tf.assign` code. Fits y = a·X + b to the
years 2013-2017 and the prices 12000, 14000, 15000, 16500, 17500, both min-max normalised, with
a = b = 0 at the start and 10000 epochs of full-batch gradient descent (lr 5e-4) on the summed
squared error. The "manual" variant takes the gradients with the tape and writes the updates
with `assign_sub`; the "optimizer" variant hands the gradients to `keras.optimizers.SGD`.

What changed from TF1:
- placeholders and feed_dict became the arguments of a `tf.function`, and Session.run a call;
- `tf.get_variable(..., initializer=tf.zeros_initializer())` became `tf.Variable(0.0)`;
- `tf.gradients` became `GradientTape`, `tf.assign(a, a - lr·∂a)` became `a.assign_sub(lr·∂a)`,
  and `GradientDescentOptimizer.minimize` became the tape plus `keras.optimizers.SGD`.
"""
import keras
import tensorflow as tf

from tf1to2 import data, hparams, mapping
from tf1to2.harness import Trace

HP = hparams.LINEAR_REGRESSION
# The handbook's two ways to take a step: gradients and updates by hand, or an optimizer.
VARIANTS = ("manual", "optimizer")


def build_model():
    a = tf.Variable(initial_value=0.0, name="a")
    b = tf.Variable(initial_value=0.0, name="b")
    return a, b


def predict(model, X):
    a, b = model
    return a * X + b


def compute_loss(y_true, y_pred):
    return tf.reduce_sum(tf.square(y_pred - y_true))


def tf1_names(model):
    """The name map: each TF1 variable name and the variable that replaces it."""
    a, b = model
    return {"a": a, "b": b}


def build_train_step(model, X, y, variant):
    """A function that takes ``steps`` gradient-descent steps in one call and returns the loss
    each step minimised, and ``a`` and ``b`` after each step."""
    a, b = model
    optimizer = keras.optimizers.SGD(learning_rate=HP.learning_rate)

    def train_step(X, y):
        with tf.GradientTape() as tape:
            loss = compute_loss(y, predict(model, X))
        grad_a, grad_b = tape.gradient(loss, [a, b])
        if variant == "manual":
            a.assign_sub(HP.learning_rate * grad_a)
            b.assign_sub(HP.learning_rate * grad_b)
        else:
            optimizer.apply_gradients(zip([grad_a, grad_b], [a, b]))
        return loss

    # Every step in one call, a tf.range loop that XLA compiles into fused kernels: 0.03 of the
    # TF1 Session loop's time per step, where one tf.function call per step is slower than TF1
    # (docs/speed.md). The loop also hands back a and b after each step, for the check.
    @tf.function(jit_compile=True)
    def train_steps(X, y, steps):
        losses, a_after, b_after = (tf.TensorArray(tf.float32, size=steps) for _ in range(3))
        for step in tf.range(steps):
            losses = losses.write(step, train_step(X, y))
            a_after = a_after.write(step, a.read_value())
            b_after = b_after.write(step, b.read_value())
        return losses.stack(), a_after.stack(), b_after.stack()

    # X and y go in as arguments, like the TF1 feeds: captured as constants, they would let
    # the graph optimizer fold them into the arithmetic, which rounds the loss differently.
    return lambda steps: train_steps(X, y, steps)


def trace(seed=0, steps=HP.epochs, initial_values=None):
    """Both variants from the same start: first the manual one's steps, then the optimizer's.

    The forward output, loss and gradients are taken once, at the start. Each step is recorded
    with the variables under the variant's name (``manual/a``, ..., ``optimizer/b``).
    """
    X, y = data.house_prices()
    result = Trace()
    for variant in VARIANTS:
        keras.utils.set_random_seed(seed)
        model = build_model()
        train_steps = build_train_step(model, X, y, variant)
        variables = tf1_names(model)

        if initial_values is not None:
            mapping.assign(variables, initial_values)
        if variant == VARIANTS[0]:
            with tf.GradientTape() as tape:
                y_pred = predict(model, X)
                loss = compute_loss(y, y_pred)
            gradients = tape.gradient(loss, list(variables.values()))
            result.variables = mapping.read(variables)
            result.outputs["y_pred"] = y_pred.numpy()
            result.loss = {"loss": loss.numpy()}
            result.gradients = mapping.gradients_by_tf1_name(
                variables, list(variables.values()), gradients)
        if steps:
            losses, a_after, b_after = train_steps(steps)
            for step_loss, a_value, b_value in zip(losses.numpy(), a_after.numpy(),
                                                    b_after.numpy()):
                result.record_step(step_loss, {f"{variant}/a": a_value, f"{variant}/b": b_value})
        result.outputs[f"{variant}/y_pred_trained"] = predict(model, X).numpy()
    return result


def main():
    result = trace()
    steps = len(result.trajectory) // len(VARIANTS)
    for number, variant in enumerate(VARIANTS, 1):
        final = result.trajectory[number * steps - 1]
        print(f"{variant}: a = {final[f'{variant}/a']:.6f}, b = {final[f'{variant}/b']:.6f}")


if __name__ == "__main__":
    main()
