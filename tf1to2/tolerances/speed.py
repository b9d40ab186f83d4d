"""Tolerances of the speed benchmark's fast forms (tf1to2.benchmark), with their measurements.

Every form of a pair is held to the pair's own "trajectory" and "losses" tolerances (its registry
entry). XLA (``jit_compile=True``) fuses the step into kernels that may sum in another order, so
an XLA form is held to the larger of the pair's tolerance and XLA_TRAINING.
"""
from tf1to2.tolerances import Tolerance

XLA_TRAINING = Tolerance(
    "XLA_TRAINING", 1e-5, 1e-5,
    "Tens to hundreds of float32 training steps compiled by XLA against the same steps run by "
    "the graph executor (tf.function without jit_compile), TF 2.21 CPU, seeds 0 and 1. "
    "Measured max |XLA - tf.function|: linear_regression (200 SGD steps) weights 0 (bit-equal), "
    "losses 2.4e-7 (of ~1); mlp and keras_pipeline (100 Adam steps) weights 9.4e-7, losses "
    "4.8e-7; dqn update (100 Adam steps) weights 6.7e-8, losses 1.9e-6 (rel 2e-7); char_rnn (10 "
    "Adam steps of the unrolled LSTM) weights 4.9e-7, losses 4.8e-7; cnn (20 Adam "
    "steps) weights 5.0e-5, where Adam amplifies any ulp (ADAM_AMPLIFIED, the pair's own, holds "
    "it). As FLOAT32_TRAINING: the reordering is the same kind of rounding difference graph and "
    "eager already show, and a doubled learning rate costs 1e-4 or more after two Adam steps "
    "(equivalence_tests/test_benchmark.py). The pair's tolerance applies where it is the "
    "larger.")


def for_xla(tolerance):
    """The tolerance an XLA form is held to: the pair's, or XLA_TRAINING where that is larger."""
    if XLA_TRAINING.atol <= tolerance.atol and XLA_TRAINING.rtol <= tolerance.rtol:
        return tolerance
    return XLA_TRAINING
