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


@dataclasses.dataclass(frozen=True)
class CustomTrainingLoop:
    """Géron's custom training loop (ch. 12, cells [192]-[204]) on California housing."""
    hidden_units: int = 30            # Dense(30, elu, he_normal, l2 0.05)
    l2: float = 0.05                  # Keras l2(0.05) = 0.05·Σw²
    # The book's loop applies every variable's constraint after each step, but its model has
    # none; this pair gives the hidden kernel a max-norm constraint so that the code acts.
    max_norm: float = 1.0
    learning_rate: float = 0.01       # Nadam; Keras' defaults for the rest
    beta_1: float = 0.9
    beta_2: float = 0.999
    epsilon: float = 1e-7
    batch_size: int = 32
    epochs: int = 5                   # the main job: 5 epochs of len(X_train) // 32 steps
    # The equivalence check: 2 "epochs" of 10 random batches (bundled data), so that the
    # per-epoch metric reset shows.
    check_epochs: int = 2
    steps: int = 20
    check_data_source: str = "bundled"


CUSTOM_TRAINING_LOOP = CustomTrainingLoop()


@dataclasses.dataclass(frozen=True)
class ResidualModel:
    """Géron's ResidualRegressor (ch. 12, cells [154]-[164]) on California housing."""
    units: int = 30            # Dense(30, elu, he_normal) everywhere
    block_layers: int = 2      # two Dense layers per residual block
    block1_repeats: int = 4    # block1 applied 1 + 3 times with the same weights
    outputs: int = 1
    learning_rate: float = 0.001   # the book's compile(optimizer="nadam"): Keras' defaults
    batch_size: int = 32
    steps: int = 10                # optimizer steps of the equivalence check
    check_data_source: str = "bundled"


RESIDUAL_MODEL = ResidualModel()
