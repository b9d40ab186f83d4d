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


@dataclasses.dataclass(frozen=True)
class InputPipelines:
    """A slice of the bundled MNIST read in batches: 100 training and 40 eval images."""
    examples: int = 100          # the first 100 training images
    eval_examples: int = 40      # the first 40 eval images
    batch_size: int = 32         # 100 = 3 x 32 + 4: a last partial batch each epoch
    eval_batch_size: int = 16    # 40 = 2 x 16 + 8
    drop_remainder: bool = False  # keep the partial batch (tf.train.batch's allow_smaller_final_batch)
    shuffle_buffer: int = 64     # smaller than the data: the order depends on the buffer
    epochs: int = 2              # passes of each pipeline (`tf1to2 compare input_pipelines`)
    train_batches: int = 4       # training batches between evaluations (the feedable iterator)
    evaluations: int = 2


INPUT_PIPELINES = InputPipelines()


@dataclasses.dataclass(frozen=True)
class Summaries:
    """Softmax regression on MNIST batches, with summaries written at every step."""
    classes: int = 10
    batch_size: int = 16
    learning_rate: float = 0.1
    steps: int = 5               # SGD steps, one summary each (`tf1to2 compare summaries`)
    kernel_stddev: float = 0.01  # the kernel starts N(0, 0.01²) from a seeded numpy generator
    images_shown: int = 2        # max_outputs of the image summary


SUMMARIES = Summaries()


@dataclasses.dataclass(frozen=True)
class SavedModelExport:
    """A small MNIST classifier with batch norm, trained a few steps, exported for serving."""
    hidden_units: int = 32
    classes: int = 10
    batch_norm_momentum: float = 0.99   # tf.layers.batch_normalization's and Keras' default
    batch_norm_epsilon: float = 1e-3
    learning_rate: float = 0.1
    batch_size: int = 32
    steps: int = 5                      # SGD steps before the export (`tf1to2 compare`)
    serve_examples: int = 8             # images the loaded signatures are called on
    signature: str = "serving_default"
    input_name: str = "images"          # the serving signature's input and outputs
    output_names: tuple = ("logits", "probabilities")


SAVED_MODEL_EXPORT = SavedModelExport()


@dataclasses.dataclass(frozen=True)
class EstimatorToKeras:
    """The TF2 side of an Estimator program: an MNIST MLP trained by fit and by a custom loop."""
    train_examples: int = 256
    eval_examples: int = 128
    hidden_units: int = 32
    classes: int = 10
    batch_size: int = 32         # 8 steps per epoch
    learning_rate: float = 1e-3
    adam_epsilon: float = 1e-8   # AdamOptimizer's default, as an Estimator's model_fn used
    steps: int = 20              # the custom loop's max_steps (StopAtStepHook(last_step=20))
    checkpoint_every: int = 5    # RunConfig(save_checkpoints_steps=5)
    keep_checkpoints: int = 3    # RunConfig(keep_checkpoint_max=3)
    log_every: int = 4           # LoggingTensorHook(every_n_iter=4)
    epochs: int = 4
    patience: int = 2            # early stopping: epochs without improvement


ESTIMATOR_TO_KERAS = EstimatorToKeras()
