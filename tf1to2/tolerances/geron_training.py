"""Tolerances of Géron's chapter 12, second half (G6-G10), each with the measurement behind it."""
from tf1to2.tolerances import Tolerance

GRAPPLER_LOG1P = Tolerance(
    "GRAPPLER_LOG1P", 1e-6, 1e-6,
    "The same float32 ops, except that Grappler's arithmetic optimizer rewrites log(exp(z) + 1) "
    "and log(1 + exp(-|z|)) into log1p in the TF1 graph, while eager TensorFlow computes them "
    "as written: measured 3.7e-10 at softplus(-5) = 6.7e-3 (relative 5.5e-8) and 1.2e-7 at "
    "softplus(1) = 1.31 (one ulp), seeds 0-2 and the book's inputs; every gradient, Hessian "
    "and finite difference is bit-identical. Same bound as FLOAT32_FORWARD; the cheapest "
    "planted mistake (the gradient of one target instead of three) costs 100.")

RESIDUAL_FORWARD = Tolerance(
    "RESIDUAL_FORWARD", 1e-4, 1e-5,
    "ResidualRegressor's forward pass and loss: the shared block adds its input back four "
    "times, so activations reach ~100 and the initial MSE ~3,600 (Géron's untrained model); "
    "graph and eager order float32 sums differently. Measured on seeds 0-2, from the TF1 "
    "initialisation and from N(0, 0.3²) starts: predictions (up to 123) 2.3e-5, losses 5.5e-4 "
    "on ~3,600 (relative 1e-6). A block that is not shared costs O(10) on the predictions.")

RESIDUAL_GRADIENTS = Tolerance(
    "RESIDUAL_GRADIENTS", 2e-3, 1e-5,
    "ResidualRegressor's gradients reach 9.5e3 (the same large activations as RESIDUAL_FORWARD), "
    "where one float32 ulp is 9.8e-4: measured 1.2e-3 (about one ulp of the largest entry) on "
    "seeds 0-2 from the TF1 initialisation and from N(0, 0.3²) starts; small entries of the "
    "same arrays differ by up to 8e-3 relative, which only an absolute bound can hold.")
