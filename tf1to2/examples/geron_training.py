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
EXAMPLES.append(Example(
    # "copy": TF1's he_normal draws from the graph seed, Keras 3's from its own seed; the TF2
    # side starts from the TF1 values through tf1_names() (same initialiser family and scale).
    "custom_training_loop",
    "California housing, Dense(30, elu, l2 0.05) + Dense(1, l2 0.05), max-norm, Nadam 0.01, "
    "batches of 32, Mean and MAE metrics reset per epoch: Session loop vs tape loop.",
    "Hands-On ML 2nd ed., ch. 12: Custom Training Loops", "copy", 20,
    book="geron", train_job="tf1to2.jobs.geron:custom_training_loop",
    tolerances={"losses": tol.FLOAT32_TRAINING, "trajectory": tol.FLOAT32_TRAINING,
                "metrics": tol.FLOAT32_TRAINING}))
EXAMPLES.append(Example(
    # "copy": TF1's he_normal draws from the graph seed, Keras 3's from its own seed.
    "residual_model",
    "ResidualRegressor: Dense(30) → block1 ×4 with shared weights → block2 → Dense(1), Nadam: "
    "tf.make_template vs one Keras layer object called four times.",
    "Hands-On ML 2nd ed., ch. 12: Custom Models", "copy", 10, book="geron",
    tolerances={"outputs": gtol.RESIDUAL_FORWARD, "loss": gtol.RESIDUAL_FORWARD,
                "gradients": gtol.RESIDUAL_GRADIENTS, "losses": gtol.RESIDUAL_FORWARD,
                "trajectory": tol.FLOAT32_TRAINING}))
EXAMPLES.append(Example(
    # "copy": TF1's lecun_normal draws from the graph seed, Keras 3's from its own seed; both are
    # truncated normals of scale 1/fan_in (the initialisation check compares them).
    "internal_losses",
    "ReconstructingRegressor: 5 × Dense(30, selu) → Dense(1), a Dense(8) reconstruction whose "
    "0.05 · MSE is an internal loss, a reconstruction-error Mean metric; tf.losses.add_loss + "
    "get_total_loss vs add_loss + model.losses; SGD.",
    "Hands-On ML 2nd ed., ch. 12: Losses and Metrics Based on Model Internals", "copy", 5,
    book="geron",
    tolerances={"losses": tol.FLOAT32_TRAINING, "trajectory": tol.FLOAT32_TRAINING,
                "metrics": tol.FLOAT32_TRAINING}))
