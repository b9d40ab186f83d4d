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
