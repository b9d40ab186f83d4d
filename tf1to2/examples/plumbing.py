"""Registry entries: the plumbing of a TF1 program (issue 12): control flow, input pipelines,
summaries, SavedModel export, and the Estimator (a guide whose TF1 side cannot run any more)."""
from tf1to2 import tolerances as tol
from tf1to2.examples.example import Example
from tf1to2.tolerances import plumbing as plumbing_tol

EXAMPLES = [
    Example(
        # "none": no variables to align; both sides compute on the same seeded numpy inputs.
        "control_flow",
        "tf.cond, tf.case, tf.while_loop (TensorArray, shape_invariants), control_dependencies "
        "vs Python if/for/while under AutoGraph: outputs, gradients, the If/While ops built.",
        "TF1 idioms: control flow; the TF2 guide on tf.function and AutoGraph", "none", 5,
        default_tolerance=tol.EXACT, book="idioms"),
    Example(
        # "none": no variables; both sides read the same bundled MNIST slice.
        "input_pipelines",
        "100 MNIST images in batches of 32 through queue runners, one-shot, initializable and "
        "feedable iterators (tf.py_func) vs tf.data in Python and in a tf.function "
        "(tf.numpy_function): every batch, in order.",
        "TF1 idioms: queues and threads, Importing data (tf.data)", "none", 2,
        default_tolerance=tol.EXACT, book="idioms"),
    Example(
        # "none": both sides build the kernel from the same seeded numpy constant.
        "summaries",
        "Softmax regression on MNIST writing loss, kernel histogram and input images every "
        "step: tf.summary ops + merge_all + FileWriter vs tf.summary under create_file_writer; "
        "the event files read back and compared (tags, steps, values).",
        "TF1 idioms: TensorBoard summaries; the TF2 guide on migrating tf.summary", "none", 5,
        default_tolerance=tol.EXACT, book="idioms",
        tolerances={"metrics": plumbing_tol.IMAGE_SUMMARY_LEVEL}),
]
EXAMPLES.append(Example(
    # "seed": tf.layers and Keras 3 draw the same initial weights after the same seeding.
    "saved_model_export",
    "An MNIST classifier with batch norm, trained 5 SGD steps, exported by SavedModelBuilder "
    "(predict signature) vs tf.saved_model.save (tf.function signature); both loaded and "
    "served: signature names, dtypes and outputs.",
    "TF1 idioms: SavedModel export (TensorFlow Serving's mnist_saved_model.py)", "seed", 5,
    default_tolerance=tol.FLOAT32_FORWARD, book="idioms",
    tolerances={"losses": tol.FLOAT32_TRAINING, "trajectory": tol.FLOAT32_TRAINING,
                "metrics": tol.EXACT}))
EXAMPLES.append(Example(
    # runnable=False: tf.estimator was removed in TF 2.16, so there is no TF1 side to run;
    # the guide maps it, and the tests prove the TF2 side's checkpoints, resumption, early
    # stopping and step hooks on their own.
    "estimator_to_keras",
    "An Estimator program (model_fn, input_fn, RunConfig, train_and_evaluate, hooks, "
    "model_dir) as Keras fit with callbacks and as a custom loop with tf.train.CheckpointManager.",
    "TF1 idioms: tf.estimator; the TF2 guide on migrating from Estimator", "none", 20,
    default_tolerance=tol.EXACT, book="idioms", runnable=False))
