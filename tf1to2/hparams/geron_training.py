"""Hyperparameters of Géron's chapter 12, second half (G6-G10): defined once, read by both sides."""
import dataclasses


@dataclasses.dataclass(frozen=True)
class Autodiff:
    """Géron's f(w1, w2) = 3·w1² + 2·w1·w2 at (5, 3), and the softplus inputs of ch. 12."""
    w1: float = 5.0
    w2: float = 3.0
    eps: float = 1e-6            # the finite-difference step
    # The targets f(w1, w2 + offset): per-target gradients [[36, 10], [36, 10], [36, 10]] plus
    # the 2·offset·... terms; summed, [136, 30].
    target_offsets: tuple = (2.0, 5.0, 7.0)
    # Inputs of the softplus variants: 100 (exp overflows float32: the NaN gradient), 1000
    # (where a single tf.where still gives NaN); 1 and -5 are ordinary values.
    softplus_inputs: tuple = (-5.0, 1.0, 30.0, 100.0, 1000.0)
    softplus_threshold: float = 30.0  # above it softplus(z) = z in float32


AUTODIFF = Autodiff()


@dataclasses.dataclass(frozen=True)
class TfFunctionAndGraphs:
    """Géron's tf_cube, add_10 and the side-effect examples: the inputs both sides run."""
    # cube of float32 inputs of three shapes (one graph, or one trace with an input_signature),
    # then of a float64 input (a second graph, or a second trace).
    cube_inputs: tuple = (2.0, (1.0, 2.0, 3.0), ((1.0, -2.0), (0.5, 4.0)))
    cube_float64_input: float = 3.0
    add_inputs: tuple = (5, (1, 2, 3))     # add_10: 15 and [11, 12, 13]
    loop_iterations: int = 10
    absolute_inputs: tuple = (-3.0, 2.0)   # tf.cond / autograph `if`
    side_effect_calls: int = 3             # calls of the function with a Python side effect


TF_FUNCTION_AND_GRAPHS = TfFunctionAndGraphs()
