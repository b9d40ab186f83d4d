"""Tolerances of the RNN-cell pairs (rnn_cells, rnn_wrappers), each with its measurement."""
from tf1to2.tolerances import FLOAT32_RECURRENT, Tolerance  # noqa: F401

DROPOUT_FRACTION = Tolerance(
    "DROPOUT_FRACTION", 2e-2, 0.0,
    "The fraction of the top layer's forward outputs that dropout zeroes in training mode "
    "(keep_prob 0.8), TF1 and TF2 each with its own random masks: a binomial proportion over "
    "the batch's ~32x20x16 = 10,000 valid outputs, standard deviation sqrt(0.2·0.8/10,000) = 0.004 "
    "per side. The keep probability taken as the drop rate costs 0.6.")
