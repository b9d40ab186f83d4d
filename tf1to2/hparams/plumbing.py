"""Hyperparameters of the plumbing pairs (issue 12): defined once, read by both sides."""
import dataclasses


@dataclasses.dataclass(frozen=True)
class ControlFlow:
    """Inputs of the control-flow pair: small float32 matrices, branch indices, loop lengths."""
    rows: int = 4
    features: int = 3
    # Inputs are N(0, input_scale²): `halvings` then needs a data-dependent number of passes.
    input_scale: float = 4.0
    # `halvings` halves its input while max |x| exceeds this.
    halving_threshold: float = 1.0
    branches: tuple = (0, 1, 2)   # tf.case: two predicates and the default
    power_steps: int = 5          # tf.while_loop iterations (`tf1to2 compare control_flow`)
    increments: int = 3           # calls of the control-dependency counter


CONTROL_FLOW = ControlFlow()
