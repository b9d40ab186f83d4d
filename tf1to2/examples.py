"""The registry of paired examples: name, one-line description, source, how weights are aligned.

Each entry ``X`` has ``tf1_style/X.py``, ``tf2_style/X.py``, ``equivalence_tests/test_X.py`` and
``docs/X.md``. Importing this module builds no model, so ``tf1to2 list`` answers at once.
"""
import dataclasses
import importlib
import typing

from tf1to2 import tolerances as tol
from tf1to2.errors import UserError


@dataclasses.dataclass(frozen=True)
class Example:
    name: str
    description: str
    source: str
    # How the two sides start from the same weights:
    #   "copy": the TF2 side copies the TF1 initial values through its explicit name map;
    #   "seed": both builds are seeded identically and produce equal values themselves
    #           (the "variables" check proves it); "none": the example has no variables.
    alignment: str
    steps: int  # training steps that `tf1to2 compare` runs by default
    # Tolerance per quantity; quantities not listed use `default_tolerance`.
    default_tolerance: tol.Tolerance = tol.FLOAT32_FORWARD
    tolerances: typing.Mapping[str, tol.Tolerance] = dataclasses.field(default_factory=dict)
    # "module:function" of the example's main job (`tf1to2 compare X --train`), if it has one.
    train_job: str = ""

    def tolerance(self, quantity):
        return self.tolerances.get(quantity, self.default_tolerance)

    def load_train_job(self):
        module, function = self.train_job.split(":")
        return getattr(importlib.import_module(module), function)


_TRAINING = {"losses": tol.FLOAT32_TRAINING, "trajectory": tol.FLOAT32_TRAINING,
             "metrics": tol.FLOAT32_TRAINING}

EXAMPLES = {example.name: example for example in [
    Example(
        "linear_regression",
        "Fit y = a·X + b to five house prices by gradient descent (manual gradients, then an optimizer).",
        "TensorFlow handbook, basics: linear regression", "copy", 10000,
        tolerances=_TRAINING),
    Example(
        "linear_dense",
        "One Dense(1) layer with zero initialisation fitted by SGD on a 2-sample MSE problem.",
        "TensorFlow handbook, models and layers: linear.py", "copy", 100,
        tolerances=_TRAINING),
    Example(
        "custom_linear_layer",
        "The same linear model with a hand-written layer (build, add_weight) and a custom MSE loss.",
        "TensorFlow handbook, custom layers and losses", "copy", 100,
        tolerances=_TRAINING),
    Example(
        "graph_basics",
        "Constants, placeholders and feeds, variables and assign ops, matmul, d(x²)/dx at x=3.",
        "TensorFlow handbook, graph execution appendix", "none", 0,
        default_tolerance=tol.EXACT),
    Example(
        "autodiff_basics",
        "Gradients of x² at 3, of a watched constant, and a second derivative (acceleration 9.8).",
        "Deep Learning with Python 2nd ed., ch. 3: GradientTape", "none", 0,
        default_tolerance=tol.EXACT),
    Example(
        "linear_classifier",
        "A linear classifier on two 2-D Gaussian clouds, 40 full-batch steps updated by assign_sub.",
        "Deep Learning with Python 2nd ed., ch. 3: linear classifier from scratch", "copy", 40,
        tolerances=_TRAINING),
]}


def get(name):
    try:
        return EXAMPLES[name]
    except KeyError:
        raise UserError(f"unknown example {name!r}; known examples: {', '.join(EXAMPLES)}") from None
