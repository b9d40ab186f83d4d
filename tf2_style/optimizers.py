"""Every TF1 `tf.train` optimizer on two models, TF2 style (Keras 3).

Source: the TF1 idioms of real codebases: `tf.train.GradientDescentOptimizer`,
`MomentumOptimizer` (plain and Nesterov), `AdagradOptimizer`, `AdadeltaOptimizer`,
`RMSPropOptimizer` (plain, with momentum, centered), `AdamOptimizer`, `FtrlOptimizer` (without
and with l1/l2), and `ProximalAdagradOptimizer` and `AdagradDAOptimizer`, which Keras 3 lacks.
Each trains its own copy of two models: a one-layer regression on the handbook's two samples
(full batch), and the MNIST MLP on batches of 50 (gradient noise).

What changed from TF1:
- each optimizer became its Keras 3 counterpart with its hyperparameters translated:
  `decay` → `rho`, TF1's epsilons set explicitly (Keras' defaults are 1e-7), RMSProp's
  accumulator started at 1 as TF1's `rms` slot is, Adagrad's initial accumulator and no epsilon;
- `optimizer.minimize(loss)` in the graph became `GradientTape` plus `apply_gradients`;
- the slots (`dense/kernel/Adam`, ...) became the Keras optimizer's variables: `tf1to2.slots`.
"""
import keras
import tensorflow as tf

from tf1to2 import data, mapping, slots
from tf1to2.harness import Trace
from tf1to2.hparams.optimizers import OPTIMIZERS as HP


def build_optimizer(name):
    """The Keras 3 optimizer that replaces TF1's ``name``, every translated argument set."""
    if name == "GradientDescent":
        return keras.optimizers.SGD(HP.learning_rate)
    if name in ("Momentum", "Nesterov"):
        # TF1 accumulates g and steps by -lr·accum, Keras accumulates -lr·g: the same
        # trajectory for a constant learning rate (the slots differ by the factor -lr).
        return keras.optimizers.SGD(HP.learning_rate, momentum=HP.momentum,
                                    nesterov=name == "Nesterov")
    if name == "Adagrad":
        # TF1 divides by sqrt(accum), Keras by sqrt(accum + epsilon): epsilon 0.
        return keras.optimizers.Adagrad(
            HP.learning_rate, initial_accumulator_value=HP.adagrad_initial_accumulator,
            epsilon=0.0)
    if name == "Adadelta":
        return keras.optimizers.Adadelta(HP.adadelta_learning_rate, rho=HP.adadelta_rho,
                                         epsilon=HP.adadelta_epsilon)
    if name in ("RMSProp", "RMSPropMomentum", "CenteredRMSProp"):
        # TF1's `decay` is Keras' `rho` (Keras 3 accepts and ignores `decay=`), its epsilon
        # 1e-10, and its mean square starts at 1 (PITFALLS #9): TF1RMSprop sets it after build.
        return slots.TF1RMSprop(
            HP.learning_rate, rho=HP.rmsprop_decay, epsilon=HP.rmsprop_epsilon,
            momentum=0.0 if name == "RMSProp" else HP.rmsprop_momentum,
            centered=name == "CenteredRMSProp")
    if name == "Adam":
        return keras.optimizers.Adam(HP.adam_learning_rate, beta_1=HP.adam_beta_1,
                                     beta_2=HP.adam_beta_2, epsilon=HP.adam_epsilon)
    if name in ("Ftrl", "FtrlL1L2"):
        regularised = name == "FtrlL1L2"
        return keras.optimizers.Ftrl(
            HP.learning_rate, learning_rate_power=HP.ftrl_learning_rate_power,
            initial_accumulator_value=HP.ftrl_initial_accumulator,
            l1_regularization_strength=HP.ftrl_l1 * regularised,
            l2_regularization_strength=HP.ftrl_l2 * regularised)
    if name in ("ProximalAdagrad", "AdagradDA"):
        # No Keras 3 counterpart: the closest is Adagrad (ProximalAdagrad's update when
        # l1 = l2 = 0; AdagradDA's dual averaging is another algorithm).
        return keras.optimizers.Adagrad(
            HP.learning_rate, initial_accumulator_value=HP.adagrad_initial_accumulator,
            epsilon=0.0)
    raise ValueError(f"unknown optimizer {name!r}")


class SmallModel(keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(units=1)

    def call(self, inputs):
        return self.dense(inputs)                      # [N, 1]


class MLP(keras.Model):
    def __init__(self):
        super().__init__()
        self.flatten = keras.layers.Flatten()
        self.dense1 = keras.layers.Dense(units=HP.mlp_hidden_units, activation="relu")
        self.dense2 = keras.layers.Dense(units=10)

    def call(self, images):
        return self.dense2(self.dense1(self.flatten(images)))  # [N, 10] logits


def build_small_model(inputs):
    model = SmallModel()
    model(inputs)  # Keras creates the weights on the first call.
    return model


def build_mlp(images):
    model = MLP()
    model(images)
    return model


def compute_small_loss(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_pred - y_true))


def compute_mlp_loss(labels, logits):
    return keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits)


def tf1_names(models):
    """The name map: TF1's "model/optimizer/dense/kernel" to each copy's Keras variable."""
    names = {}
    for key, model in models.items():
        layers = {"dense": model.dense} if key.startswith("small/") else {
            "dense": model.dense1, "dense_1": model.dense2}
        for layer_name, layer in layers.items():
            names[f"{key}/{layer_name}/kernel"] = layer.kernel
            names[f"{key}/{layer_name}/bias"] = layer.bias
    return names


def train(seed, steps, names, initial_values=None):
    """Train one copy of each model per optimizer in ``names``: a Trace keyed "model/name/...".

    The trajectory holds every variable of the small model and the MLP's output layer after
    each step; the MLP's hidden layer is compared whole after the last step (outputs "trained/").
    """
    X, y = data.linear_dense()
    mnist = data.mnist("bundled")
    batches = list(mnist.random_batches(HP.mlp_batch_size, steps + 1, seed))
    keras.utils.set_random_seed(seed)
    models, optimizers, losses = {}, {}, {}
    for model_name, build, compute_loss, inputs in (
            ("small", build_small_model, compute_small_loss, X),
            ("mlp", build_mlp, compute_mlp_loss, batches[0][0])):
        for name in names:
            key = f"{model_name}/{name}"
            models[key], losses[key] = build(inputs), compute_loss
            optimizers[key] = build_optimizer(name)
            # Built here, eagerly, over the variables in a fixed order: the slot map relies on
            # it, and TF1RMSprop's ones must be set once, not inside the traced step.
            optimizers[key].build(models[key].trainable_variables)
    variables = tf1_names(models)

    def forward(key, images, labels):
        inputs, targets = (X, y) if key.startswith("small/") else (images, labels)
        output = models[key](inputs)
        return output, losses[key](targets, output)

    @tf.function
    def train_step(images, labels):
        step_losses = {}
        for key, model in models.items():
            with tf.GradientTape() as tape:
                _, step_losses[key] = forward(key, images, labels)
            optimizers[key].apply_gradients(zip(
                tape.gradient(step_losses[key], model.trainable_variables),
                model.trainable_variables))
        return step_losses

    if initial_values is not None:
        mapping.assign(variables, initial_values)
    result = Trace(variables=mapping.read(variables))
    for key, model in models.items():
        with tf.GradientTape() as tape:
            output, loss = forward(key, *batches[0])
        result.outputs[key], result.loss[key] = output.numpy(), loss.numpy()
        own = {n: v for n, v in variables.items() if n.startswith(key + "/")}
        result.gradients.update(mapping.gradients_by_tf1_name(
            own, model.trainable_variables, tape.gradient(loss, model.trainable_variables)))
    in_trajectory = [n for n in variables if n.startswith("small/") or "/dense_1/" in n]
    for batch_images, batch_labels in batches[1:]:
        step_losses = train_step(batch_images, batch_labels)
        result.losses.append({key: float(value) for key, value in step_losses.items()})
        result.trajectory.append(mapping.read({n: variables[n] for n in in_trajectory}))
    result.outputs.update({f"trained/{key}": forward(key, *batches[0])[0].numpy()
                           for key in models})
    result.outputs.update({f"trained/{n}": value for n, value in mapping.read(variables).items()
                           if n not in in_trajectory})
    for key, optimizer in optimizers.items():  # the optimizer state, in TF1 slot names
        if key.startswith("small/") and key.split("/")[1] not in HP.closest_only:
            own = {n: v for n, v in variables.items() if n.startswith(key + "/")}
            result.outputs.update({f"state/{n}": value for n, value in slots.from_keras(
                optimizer, own, slots.keras_kind_of(optimizer), scope=key,
                live_only=True).items()})
    return result


def trace(seed=0, steps=HP.steps, initial_values=None):
    return train(seed, steps, HP.names, initial_values)


def main():
    result = trace()
    for key, loss in result.losses[-1].items():
        print(f"{key:<28} loss after {len(result.losses)} steps: {loss:.6f}")


if __name__ == "__main__":
    main()
