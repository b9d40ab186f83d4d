"""Registry entries: Géron, Hands-On ML 2nd ed., ch. 12 (custom losses, functions, metrics, layers)
and Chollet's ch. 3 tensors and variables."""
from tf1to2 import tolerances as tol
from tf1to2.tolerances import geron as geron_tol
from tf1to2.examples.example import Example

EXAMPLES = [
    Example(
        # "none": both sides set their variables from the same constants and seeded ops.
        "tensors_and_variables",
        "Tensors and variables: indexing, numpy's float64, refused mixed dtypes and tf.cast, assign, "
        "slice assignment, scatter updates, sparse and ragged tensors, a TensorArray.",
        "Hands-On ML 2nd ed., ch. 12: using TensorFlow like NumPy; Deep Learning with Python 2nd "
        "ed., ch. 3: constant tensors and variables", "none", 0,
        default_tolerance=tol.EXACT, book="geron"),
    Example(
        # "none": metrics have no trained weights; their state starts at zero on both sides.
        "streaming_metrics",
        "Streaming precision (0.8, then 0.5) and the book's HuberMetric (14, then 7) over batches: "
        "tf.metrics.precision/mean on local variables vs Keras metric objects.",
        "Hands-On ML 2nd ed., ch. 12: custom metrics", "none", 0,
        default_tolerance=tol.EXACT, book="geron"),
    Example(
        # "copy": my_glorot_initializer draws with tf.random.normal, whose graph and eager
        # streams differ; the TF2 side starts from the TF1 values through tf1_names().
        "custom_functions",
        "my_softplus, my_glorot_initializer, an l1(0.01) regulariser and a positive-weights "
        "constraint on the housing net (Dense 30 selu, Dense 1), 20 SGD steps.",
        "Hands-On ML 2nd ed., ch. 12: custom activations, initializers, regularizers and "
        "constraints", "copy", 20,
        tolerances={"losses": tol.FLOAT32_TRAINING, "trajectory": tol.FLOAT32_TRAINING,
                    "metrics": tol.FLOAT32_TRAINING},
        book="geron"),
    Example(
        # "copy": TF1's stateful glorot_normal_initializer and Keras 3's stateless one draw
        # different values; the TF2 side starts from the TF1 values through tf1_names().
        "custom_layers",
        "Custom layers: Lambda(exp), MyDense (build/add_weight/get_config) trained on housing, a "
        "two-in three-out layer, Gaussian noise in training only (placeholder_with_default + cond).",
        "Hands-On ML 2nd ed., ch. 12: custom layers", "copy", 20,
        tolerances={"losses": tol.FLOAT32_TRAINING, "trajectory": tol.FLOAT32_TRAINING,
                    "metrics": geron_tol.NOISE_STATISTICS},
        book="geron"),
    Example(
        # "copy": TF1's stateful lecun_normal and Keras 3's stateless one draw different values;
        # the TF2 side starts from the TF1 values through tf1_names().
        "huber_loss",
        "Huber losses (huber_fn, create_huber(2.0), a Loss subclass with get_config) training the "
        "housing net by SGD; weighted reduction; Saver vs .keras save/load.",
        "Hands-On ML 2nd ed., ch. 12: custom loss functions, saving custom components", "copy",
        20, tolerances={"losses": tol.FLOAT32_TRAINING, "trajectory": tol.FLOAT32_TRAINING},
        book="geron"),
]
