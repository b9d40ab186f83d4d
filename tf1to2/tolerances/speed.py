"""Tolerances of the speed benchmark's fast forms (tf1to2.benchmark), with their measurements."""
from tf1to2.tolerances import Tolerance

XLA_TRAINING = Tolerance("XLA_TRAINING", 1e-5, 1e-5, "placeholder: being measured")


def for_xla(tolerance):
    """The tolerance an XLA form is held to: the pair's, or XLA_TRAINING where that is larger."""
    if XLA_TRAINING.atol <= tolerance.atol and XLA_TRAINING.rtol <= tolerance.rtol:
        return tolerance
    return XLA_TRAINING
