"""Registry entries: batch normalisation and tf-slim."""
from tf1to2 import tolerances as tol
from tf1to2.examples.example import Example
from tf1to2.tolerances import slim as slim_tol

EXAMPLES = [
    Example(
        # "seed": tf.layers.conv2d/dense and Keras 3 Conv2D/Dense draw equal weights when seeded
        # alike; batch norm starts from constants (gamma 1, beta 0, mean 0, variance 1).
        "batch_norm_layers",
        "tf.layers.batch_normalization(training=...) with UPDATE_OPS as a control dependency "
        "(fused and not) vs Keras 3 BatchNormalization: moving averages, both modes' outputs.",
        "TF1 idiom: tf.compat.v1.layers.batch_normalization and UPDATE_OPS", "seed", 10,
        tolerances={quantity: slim_tol.BATCH_NORM
                    for quantity in ("outputs", "gradients", "losses", "trajectory")},
        book="idioms"),
    Example(
        # "copy": slim's xavier initialiser takes the graph seed, which does not reach Keras 3's
        # initialisers; the TF2 side copies the TF1 values through tf1_names (its own initialisers
        # are the same families: glorot uniform, zeros, batch norm's constants).
        "slim_cnn",
        "The handbook's MNIST CNN in tf-slim (arg_scope, conv2d + batch_norm, dropout, "
        "l2_regularizer, create_train_op) vs Keras 3 layers with training=.",
        "TF1 idiom: tf-slim model-zoo style, on the TensorFlow handbook's cnn/cnn.py", "copy", 10,
        tolerances={**{quantity: slim_tol.BATCH_NORM
                       for quantity in ("outputs", "gradients", "losses", "trajectory")},
                    "metrics": tol.EVAL_ACCURACY},
        book="idioms"),
]
