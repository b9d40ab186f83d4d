"""Registry entries: Géron's chapter 12, second half (G6-G10): models, losses, autodiff, loops,
graphs."""
from tf1to2 import tolerances as tol
from tf1to2.examples.example import Example
from tf1to2.tolerances import geron_training as gtol

EXAMPLES = [
    Example(
        "autodiff",
        "f = 3·w1² + 2·w1·w2 at (5, 3): finite differences, one source at a time, constants, "
        "per-target gradients, Hessians; the softplus NaN and its custom-gradient fixes.",
        "Hands-On ML 2nd ed., ch. 12: Computing Gradients Using Autodiff", "none", 0,
        default_tolerance=tol.EXACT, book="geron",
        tolerances={"outputs": gtol.GRAPPLER_LOG1P}),
]
EXAMPLES.append(Example(
    "tf_function_and_graphs",
    "cube, add_10 and |x| as graphs: placeholders of unknown shape vs input_signature, Python "
    "loops unrolled vs tf.while_loop/tf.range, tf.cond vs if, side effects run once.",
    "Hands-On ML 2nd ed., ch. 12: TensorFlow Functions and Graphs", "none", 0,
    default_tolerance=tol.EXACT, book="geron"))
