"""Hyperparameters and constants of the Géron ch. 12 pairs (and Chollet's tensors), defined once.

A variant overrides only what differs: ``dataclasses.replace(HUBER_LOSS, delta=...)``.
"""
import dataclasses


@dataclasses.dataclass(frozen=True)
class TensorsAndVariables:
    """The inputs of Géron's notebook cells [2]-[59] and Chollet's ch. 3 tensors and variables."""
    matrix: tuple = ((1.0, 2.0, 3.0), (4.0, 5.0, 6.0))   # Géron's t and v, float32
    numpy_vector: tuple = (2.0, 4.0, 5.0)                # np.array(...): float64
    # Op-level seeds of Chollet's random tensors, one per op: with the graph/global seed they fix
    # the values, and eager execution gives the same values as a graph only with one op per seed.
    normal_seed: int = 1
    uniform_seed: int = 2
    variable_seed: int = 3
    sparse_indices: tuple = ((0, 1), (1, 0), (2, 3))
    sparse_values: tuple = (1.0, 2.0, 3.0)
    sparse_shape: tuple = (3, 4)
    unordered_indices: tuple = ((0, 2), (0, 1))          # out of order: needs tf.sparse.reorder
    dense_right: tuple = ((10.0, 20.0), (30.0, 40.0), (50.0, 60.0), (70.0, 80.0))
    strings: tuple = ("Café", "Coffee", "caffè", "咖啡")
    more_rows: tuple = ((65, 66), (), (67,))
    more_columns: tuple = ((68, 69, 70), (71,), (), (72, 73))
    array_rows: tuple = ((1.0, 2.0), (3.0, 10.0), (5.0, 7.0))  # written into a TensorArray


TENSORS_AND_VARIABLES = TensorsAndVariables()


@dataclasses.dataclass(frozen=True)
class StreamingMetrics:
    """Géron's notebook 12 cells [99]-[133]: precision over two batches, a streaming Huber metric."""
    # (labels, 0/1 predictions) per batch: precision 0.8 after the first, 0.5 after both.
    precision_batches: tuple = (((0, 1, 1, 1, 0, 1, 0, 1), (1, 1, 0, 1, 0, 1, 0, 1)),
                                ((0, 1, 0, 0, 1, 0, 1, 1), (1, 0, 1, 1, 0, 0, 0, 0)))
    huber_threshold: float = 2.0
    # (y_true, y_pred) per batch: the Huber metric is 14 after the first, 7 after both.
    huber_batches: tuple = ((((2.0,),), ((10.0,),)),
                            (((0.0,), (5.0,)), ((1.0,), (9.25,))))
    # Then a pretend binary classifier's scores (tf1to2.data.classifier_batches, two classes):
    # precision of its probabilities, and the Huber metric of its class-1 logits as regressions.
    batch_sizes: tuple = (20, 7, 33)
    skill: float = 1.0
    threshold: float = 0.5  # Keras Precision's default: a probability > 0.5 is a positive


STREAMING_METRICS = StreamingMetrics()


@dataclasses.dataclass(frozen=True)
class HousingRegression:
    """Géron's ch. 12 regression net on California housing (tf1to2.data.housing):
    Dense(30, selu, lecun_normal) then Dense(1), trained on random batches of 32.

    The book compiles with "nadam"; TF1's `compat.v1.train` has no Nadam, so these pairs train
    with plain SGD on both sides (custom_training_loop pairs a hand-written TF1 Nadam).
    """
    hidden_units: int = 30
    batch_size: int = 32
    learning_rate: float = 0.01
    steps: int = 20           # SGD steps of the equivalence check (`tf1to2 compare X`)
    data_source: str = "bundled"  # the checks never depend on a download or a cache
    # The check's metric: the loss on the first validation examples. Further on, the split holds
    # a block group whose standardised average occupancy is 525: the book's my_softplus,
    # log(exp(z) + 1), overflows to inf there on both sides, and inf == inf checks nothing.
    eval_examples: int = 200


@dataclasses.dataclass(frozen=True)
class CustomFunctions:
    """Géron's notebook 12 cells [83]-[98]: custom activation, initialiser, regulariser, constraint."""
    l1_factor: float = 0.01


HOUSING_REGRESSION = HousingRegression()
CUSTOM_FUNCTIONS = CustomFunctions()


@dataclasses.dataclass(frozen=True)
class CustomLayers:
    """Géron's notebook 12 cells [134]-[153]: a Lambda layer, MyDense, a layer with two inputs
    and three outputs, a Gaussian-noise layer active only in training."""
    exponential_inputs: tuple = (-1.0, 0.0, 1.0)
    multi_inputs: tuple = (((1.0, 2.0), (3.0, 4.0)), ((5.0, 6.0), (7.0, 8.0)))
    noise_stddev: float = 1.0
    noise_samples: int = 100_000  # values whose noise statistics the check compares


CUSTOM_LAYERS = CustomLayers()


@dataclasses.dataclass(frozen=True)
class HuberLoss:
    """Géron's notebook 12 cells [60]-[82]: huber_fn, create_huber(2.0), HuberLoss(2.0)."""
    threshold: float = 2.0
    # The sample weights of the reduction check: a 0/1 mask repeated over the check batch.
    weight_pattern: tuple = (1.0, 0.0, 1.0, 1.0)


HUBER_LOSS = HuberLoss()
