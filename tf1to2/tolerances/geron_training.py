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
