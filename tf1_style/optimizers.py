"""Every TF1 `tf.train` optimizer on two models, TF1 graph style.

Source: the TF1 idioms of real codebases: `tf.train.GradientDescentOptimizer`,
`MomentumOptimizer` (plain and Nesterov), `AdagradOptimizer`, `AdadeltaOptimizer`,
`RMSPropOptimizer` (plain, with momentum, centered), `AdamOptimizer`, `FtrlOptimizer` (without
and with l1/l2), and `ProximalAdagradOptimizer` and `AdagradDAOptimizer`, which Keras 3 lacks.
Each trains its own copy of two models: a one-layer regression on the handbook's two samples
(full batch), and the MNIST MLP on batches of 50 (gradient noise).

What changes in TF2:
- each optimizer becomes its Keras 3 counterpart with its hyperparameters translated:
  `decay` → `rho`, TF1's epsilons set explicitly (Keras' defaults are 1e-7), RMSProp's
  accumulator started at 1 as TF1's `rms` slot is, Adagrad's initial accumulator and no epsilon;
- `optimizer.minimize(loss)` in the graph becomes `GradientTape` plus `apply_gradients`;
- the slots (`dense/kernel/Adam`, ...) become the Keras optimizer's variables: `tf1to2.slots`.
"""
import tensorflow.compat.v1 as tf

import random

from tf1to2 import data, mapping, slots
from tf1to2.harness import Trace
from tf1to2.hparams.optimizers import OPTIMIZERS as HP


def build_optimizer(name):
    """The TF1 optimizer ``name``, every argument that the translation depends on spelled out."""
    if name == "GradientDescent":
        return tf.train.GradientDescentOptimizer(HP.learning_rate)
    if name in ("Momentum", "Nesterov"):
        return tf.train.MomentumOptimizer(HP.learning_rate, momentum=HP.momentum,
                                          use_nesterov=name == "Nesterov")
    if name == "Adagrad":
        return tf.train.AdagradOptimizer(
            HP.learning_rate, initial_accumulator_value=HP.adagrad_initial_accumulator)
    if name == "Adadelta":
        return tf.train.AdadeltaOptimizer(HP.adadelta_learning_rate, rho=HP.adadelta_rho,
                                          epsilon=HP.adadelta_epsilon)
    if name in ("RMSProp", "RMSPropMomentum", "CenteredRMSProp"):
        return tf.train.RMSPropOptimizer(
            HP.learning_rate, decay=HP.rmsprop_decay, epsilon=HP.rmsprop_epsilon,
            momentum=0.0 if name == "RMSProp" else HP.rmsprop_momentum,
            centered=name == "CenteredRMSProp")
    if name == "Adam":
        return tf.train.AdamOptimizer(HP.adam_learning_rate, beta1=HP.adam_beta_1,
                                      beta2=HP.adam_beta_2, epsilon=HP.adam_epsilon)
    if name in ("Ftrl", "FtrlL1L2"):
        regularised = name == "FtrlL1L2"
        return tf.train.FtrlOptimizer(
            HP.learning_rate, learning_rate_power=HP.ftrl_learning_rate_power,
            initial_accumulator_value=HP.ftrl_initial_accumulator,
            l1_regularization_strength=HP.ftrl_l1 * regularised,
            l2_regularization_strength=HP.ftrl_l2 * regularised)
    if name == "ProximalAdagrad":
        return tf.train.ProximalAdagradOptimizer(
            HP.learning_rate, initial_accumulator_value=HP.adagrad_initial_accumulator,
            l1_regularization_strength=HP.proximal_l1, l2_regularization_strength=HP.proximal_l2)
    if name == "AdagradDA":
        # Dual averaging needs the step count: a global step of its own, incremented by minimize.
        global_step = tf.get_variable("global_step", [], tf.int64, tf.zeros_initializer(),
                                      trainable=False)
        return tf.train.AdagradDAOptimizer(
            HP.learning_rate, global_step,
            initial_gradient_squared_accumulator_value=HP.adagrad_da_initial_accumulator)
    raise ValueError(f"unknown optimizer {name!r}")


def build_small_model(inputs):
    return tf.layers.dense(inputs, units=1, name="dense")                   # [N, 1]


def build_mlp(images):
    x = tf.layers.flatten(images)                                            # [N, 784]
    x = tf.layers.dense(x, units=HP.mlp_hidden_units, activation=tf.nn.relu)  # [N, 100]
    return tf.layers.dense(x, units=10)                                      # [N, 10] logits


def compute_small_loss(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_pred - y_true))


def compute_mlp_loss(labels, logits):
    return tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)


def train(seed, steps, names, initial_values=None):
    """Train one copy of each model per optimizer in ``names``: a Trace keyed "model/name/...".

    The trajectory holds every variable of the small model and the MLP's output layer after
    each step; the MLP's hidden layer is compared whole after the last step (outputs "trained/").
    """
    X, y = data.linear_dense()
    mnist = data.mnist("bundled")
    batches = list(mnist.random_batches(HP.mlp_batch_size, steps + 1, seed))
    random.seed(seed)  # tf.layers is backed by tf_keras, whose initialisers seed from `random`
    with tf.Graph().as_default():
        images = tf.placeholder(tf.float32, [None, 28, 28, 1], name="images")
        labels = tf.placeholder(tf.int32, [None], name="labels")
        outputs, losses, variables, gradients, optimizers, train_ops = {}, {}, {}, {}, {}, []
        for model, build, compute_loss, inputs, targets in (
                ("small", build_small_model, compute_small_loss, X, y),
                ("mlp", build_mlp, compute_mlp_loss, images, labels)):
            for name in names:
                key = f"{model}/{name}"
                with tf.variable_scope(key):
                    outputs[key] = build(inputs)
                    losses[key] = compute_loss(targets, outputs[key])
                    optimizers[key] = build_optimizer(name)
                    # minimize() is these two calls; the gradients are traced too.
                    grads_and_vars = optimizers[key].compute_gradients(
                        losses[key], var_list=tf.trainable_variables(key + "/"))
                    train_ops.append(optimizers[key].apply_gradients(
                        grads_and_vars, global_step=getattr(optimizers[key], "_global_step", None)))
                for gradient, variable in grads_and_vars:
                    variables[variable.op.name], gradients[variable.op.name] = variable, gradient
        in_trajectory = [n for n in variables if n.startswith("small/") or "/dense_1/" in n]

        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if initial_values is not None:
                mapping.load(sess, variables, initial_values)
            check_feed = {images: batches[0][0], labels: batches[0][1]}
            result = Trace(variables=sess.run(variables),
                           outputs=sess.run(outputs, check_feed),
                           loss=sess.run(losses, check_feed),
                           gradients=sess.run(gradients, check_feed))
            for batch_images, batch_labels in batches[1:]:
                step_losses, _ = sess.run([losses, train_ops],
                                          {images: batch_images, labels: batch_labels})
                result.losses.append({key: float(value) for key, value in step_losses.items()})
                result.trajectory.append(sess.run({n: variables[n] for n in in_trajectory}))
            result.outputs.update({f"trained/{key}": value
                                   for key, value in sess.run(outputs, check_feed).items()})
            result.outputs.update({f"trained/{n}": value for n, value in sess.run(variables).items()
                                   if n not in in_trajectory})
            for key, optimizer in optimizers.items():  # the optimizer state, in TF1 slot names
                if key.startswith("small/") and key.split("/")[1] not in HP.closest_only:
                    own = {n: v for n, v in variables.items() if n.startswith(key + "/")}
                    result.outputs.update({f"state/{n}": value for n, value in slots.read_tf1(
                        sess, optimizer, own, scope=key, live_only=True).items()})
    return result


def trace(seed=0, steps=HP.steps, initial_values=None):
    return train(seed, steps, HP.names, initial_values)


def main():
    result = trace()
    for key, loss in result.losses[-1].items():
        print(f"{key:<28} loss after {len(result.losses)} steps: {loss:.6f}")


if __name__ == "__main__":
    main()
