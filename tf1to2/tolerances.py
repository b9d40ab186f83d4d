"""Named tolerances: every comparison in the project uses one of these, never a bare number.

A pair of arrays agrees under a tolerance when, element by element,
``|tf1 - tf2| <= atol + rtol * |tf1|`` (numpy's ``allclose`` rule, with the TF1 value as the
reference). Each constant says why it is as large as it is.
"""
import dataclasses


@dataclasses.dataclass(frozen=True)
class Tolerance:
    name: str
    atol: float
    rtol: float
    why: str

    def __str__(self):
        return f"{self.atol:.0e}+{self.rtol:.0e}·|x|"


EXACT = Tolerance(
    "EXACT", 0.0, 0.0,
    "The same float32 ops on the same inputs in the same order: bit-identical on the CPU.")

FLOAT32_FORWARD = Tolerance(
    "FLOAT32_FORWARD", 1e-6, 1e-6,
    "One float32 forward/backward pass: graph mode (Grappler rewrites, fused kernels) and eager "
    "may order sums differently, a few ulps of float32 (eps 1.2e-7) on values of order 1.")

FLOAT32_TRAINING = Tolerance(
    "FLOAT32_TRAINING", 1e-5, 1e-5,
    "Tens to thousands of float32 optimizer steps: the per-step rounding differences of "
    "FLOAT32_FORWARD accumulate, but stay orders of magnitude below any planted mistake.")

KERAS3_ADAM = Tolerance(
    "KERAS3_ADAM", 2e-5, 2e-5,
    "Keras 3 Adam computes beta1^t and beta2^t in float32 from `iterations`; TF1 Adam keeps them "
    "in slots multiplied step by step. Even with epsilon matched the weights drift ~7e-6 after "
    "200 steps (PITFALLS #8); a wrong epsilon costs 1.2e-6 per step and grows.")
