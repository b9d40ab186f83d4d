"""Hyperparameters and constants of every example, defined once and read by both sides.

A variant overrides only what differs: ``dataclasses.replace(LINEAR_DENSE, learning_rate=...)``
(the planted-mistake tests do exactly that to the TF2 side).
"""
import dataclasses


@dataclasses.dataclass(frozen=True)
class LinearRegression:
    # The handbook's HEAD version: summed squared error with lr 5e-4 (equivalent to its
    # earlier 0.5·Σ loss with lr 1e-3), 10000 full-batch epochs, a = b = 0 at the start.
    epochs: int = 10000
    learning_rate: float = 5e-4


@dataclasses.dataclass(frozen=True)
class LinearDense:
    units: int = 1
    learning_rate: float = 0.01
    steps: int = 100


@dataclasses.dataclass(frozen=True)
class GraphBasics:
    x: float = 3.0  # the point at which d(x²)/dx is taken (the handbook's HEAD uses 3)


@dataclasses.dataclass(frozen=True)
class AutodiffBasics:
    x: float = 3.0       # d(x²)/dx at 3 = 6
    time: float = 0.0    # position 4.9·t² at t = 0: speed 0, acceleration 9.8


@dataclasses.dataclass(frozen=True)
class LinearClassifier:
    samples_per_class: int = 1000
    learning_rate: float = 0.1
    steps: int = 40
    threshold: float = 0.5


LINEAR_REGRESSION = LinearRegression()
LINEAR_DENSE = LinearDense()
CUSTOM_LINEAR_LAYER = LinearDense()  # the same model and training, written as a custom layer
GRAPH_BASICS = GraphBasics()
AUTODIFF_BASICS = AutodiffBasics()
LINEAR_CLASSIFIER = LinearClassifier()
