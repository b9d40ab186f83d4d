"""Registry entries: the tf.compat.v1.train optimizers and schedules; Chollet ch. 3 (C4, C5)."""
from tf1to2 import tolerances as tol
from tf1to2.examples.example import Example
from tf1to2.tolerances import optimizers as optimizer_tol

_TRAINING = {"losses": tol.FLOAT32_TRAINING, "trajectory": tol.FLOAT32_TRAINING}

EXAMPLES = [
    Example(
        "optimizers",
        "Every tf.compat.v1.train optimizer (GD, Momentum/Nesterov, Adagrad, Adadelta, RMSProp "
        "plain/momentum/centered, Adam, Ftrl with and without l1/l2) against its Keras 3 "
        "counterpart on a one-layer regression and the MNIST MLP; state through tf1to2.slots.",
        "TF1 idioms: tf.compat.v1.train optimizers", "copy", 10,
        # The loosest per-optimizer tolerance (Adam's); the tests also hold each optimizer to
        # its own (tolerances/optimizers.py: PER_OPTIMIZER).
        tolerances={"outputs": optimizer_tol.OPTIMIZER_STATE, "losses": tol.KERAS3_ADAM,
                    "trajectory": tol.KERAS3_ADAM},
        book="idioms"),
    Example(
        "lr_schedules",
        "global_step schedules (exponential_decay smooth/staircase, piecewise_constant, "
        "polynomial_decay, cosine_decay, a placeholder-fed rate) against "
        "keras.optimizers.schedules and optimizer.iterations, driving gradient descent.",
        "TF1 idioms: tf.compat.v1.train learning-rate schedules", "copy", 10,
        tolerances=_TRAINING, book="idioms"),
    Example(
        "simple_dense",
        "Chollet's hand-written SimpleDense layer (random-normal kernel, zero bias, relu): "
        "ones(2, 784) to (2, 32); each side's own initialiser compared by its statistics.",
        "Deep Learning with Python 2nd ed., ch. 3: a simple Dense layer", "copy", 0,
        tolerances={"metrics": optimizer_tol.INITIALISER_SAMPLE}, book="chollet"),
    Example(
        "compile_fit_evaluate",
        "Dense(1) on two Gaussian clouds, MSE and binary accuracy: fit 5 epochs (batch 128), "
        "then RMSprop(0.1), batch 16, 30% validation, evaluate and predict (batch 128), against "
        "a Session loop with streaming metrics.",
        "Deep Learning with Python 2nd ed., ch. 3: compile, fit, evaluate, predict", "copy", 10,
        tolerances={**_TRAINING, "metrics": tol.FLOAT32_TRAINING,
                    "outputs": tol.FLOAT32_TRAINING},
        book="chollet"),
]
