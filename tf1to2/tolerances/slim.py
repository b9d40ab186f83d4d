"""Tolerances of the batch-norm and tf-slim pairs (each with its measurement)."""
from tf1to2.tolerances import (EXACT, FLOAT32_FORWARD, FLOAT32_TRAINING,  # noqa: F401
                               KERAS3_ADAM, Tolerance)

BATCH_NORM = Tolerance(
    "BATCH_NORM", 1e-5, 1e-5,
    "A batch-normalised convnet, TF1 (tf.layers.batch_normalization fused or not, slim.batch_norm) "
    "against Keras 3 BatchNormalization: the batch mean and variance are sums over N·H·W values "
    "per channel (33,800 in batch_norm_layers), added in another order by the fused kernel, the "
    "composite ops and Keras' moments, and the moving averages are updated by different float32 "
    "formulas (v - (v - x)·(1 - m) against v·m + x·(1 - m)). Measured with gradient descent, "
    "10 steps, seeds 0-2, fused and not: batch_norm_layers gradients up to 5.1e-7 from the seeded "
    "start and 6.7e-6 (on near-zero elements) from a random start of scale 0.3, logits 2.1e-6, "
    "weights and moving averages 2.0e-6; slim_cnn 1.7e-6 (logits), 1.1e-6 (weights). The "
    "cheapest planted mistakes cost 3e-2 (momentum 0.999 for 0.99, logits after 10 steps) and "
    "9.5e-2 (update ops not run, moving averages).")
