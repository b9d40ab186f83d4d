"""Tolerances of the optimizer, schedule and Chollet ch. 3 pairs (issue 11, parts 1, 2 and 4).

Measured on TensorFlow 2.21 / Keras 3.15, CPU, float32, seeds 0-2, the pairs' default steps.
"""
from tf1to2.tolerances import FLOAT32_TRAINING, KERAS3_ADAM, Tolerance

OPTIMIZER_STATE = Tolerance(
    "OPTIMIZER_STATE", 2e-5, 2e-5,
    "The optimizer state after 10 steps of the one-layer regression (in TF1 slot names, "
    "tf1to2.slots), and everything the optimizers pair compares after training. The slots hold "
    "sums of squared gradients of up to 1.6e5 (Ftrl, Adagrad: relative differences 1e-7, an ulp "
    "or two); Adam's v differs most, relative 1.3e-5 (2.8e-3 on 156, seeds 0-2), because Keras "
    "updates it as v + (g² - v)(1 - β₂) and TF1's fused kernel as β₂v + (1 - β₂)g². The cheapest "
    "planted mistake (RMSProp's accumulator from 0) costs 0.3 on the state and 1.7e-2 on the "
    "weights.")

# One tolerance per optimizer for its trajectory, losses and trained outputs (the registry's
# per-quantity tolerance is the loosest of them, Adam's). Measured maxima over seeds 0-2, 10
# steps, both models: losses differ relatively by at most 3.6e-6, weights by 1.3e-6 absolute
# (Momentum, whose Keras form accumulates -lr·g instead of g: another rounding) except Adam.
PER_OPTIMIZER = {
    "GradientDescent": FLOAT32_TRAINING,  # 2.7e-7 (weights), losses rel 2.3e-6
    "Momentum": FLOAT32_TRAINING,         # 1.3e-6, rel 3.3e-6
    "Nesterov": FLOAT32_TRAINING,         # 7.2e-7, rel 3.6e-6
    "Adagrad": FLOAT32_TRAINING,          # 6.0e-8
    "Adadelta": FLOAT32_TRAINING,         # 1.5e-8
    "RMSProp": FLOAT32_TRAINING,          # 3.0e-8
    "RMSPropMomentum": FLOAT32_TRAINING,  # 1.8e-7
    "CenteredRMSProp": FLOAT32_TRAINING,  # 6.0e-8
    # Keras 3's float32 beta powers (PITFALLS #8): 1.5e-7 at lr 1e-3 (seeds 0-2), losses rel
    # 1.3e-6; at lr 1e-2 the MLP amplifies it to 2.5e-3 (seed 1), hence hparams' 1e-3.
    "Adam": KERAS3_ADAM,
    "Ftrl": FLOAT32_TRAINING,             # 1.8e-7
    "FtrlL1L2": FLOAT32_TRAINING,         # 6.0e-8
}

INITIALISER_SAMPLE = Tolerance(
    "INITIALISER_SAMPLE", 1e-2, 0.0,
    "Statistics of a freshly initialised 784x32 random-normal kernel, each side drawing its own "
    "(TF1's random_normal_initializer from the graph seed, Keras' seeded RandomNormal): mean, "
    "std and the share of values beyond two std. Sampling errors over 25,088 draws of "
    "N(0, 0.05²): 3.2e-4 (mean), 2.2e-4 (std), 1.3e-3 (share, 0.0455); measured differences up "
    "to 7.6e-4 (seeds 0-2). TF1's default stddev 1.0 (PITFALLS #19) costs 0.95 on the std; a "
    "uniform or truncated initialiser of the same std (glorot_uniform: 0.0495) costs 0.046 "
    "on the share.")
