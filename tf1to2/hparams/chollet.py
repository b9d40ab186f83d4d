"""Hyperparameters of Chollet's ch. 3 pairs still missing before issue 11: C4 and C5."""
import dataclasses


@dataclasses.dataclass(frozen=True)
class SimpleDense:
    units: int = 32
    input_dim: int = 784
    batch: int = 2
    kernel_stddev: float = 0.05   # Keras' "random_normal"; TF1's default would be 1.0


@dataclasses.dataclass(frozen=True)
class CompileFitEvaluate:
    samples_per_class: int = 1000   # the two Gaussian clouds of the linear classifier
    first_epochs: int = 5           # model.fit(..., epochs=5, batch_size=128)
    first_batch_size: int = 128
    first_learning_rate: float = 1e-3  # optimizer="rmsprop": Keras' default rate
    second_learning_rate: float = 0.1  # RMSprop(learning_rate=0.1)
    second_batch_size: int = 16
    second_epochs: int = 5
    validation_fraction: float = 0.3
    predict_batch_size: int = 128
    threshold: float = 0.5
    # TF1 RMSPropOptimizer's defaults, which the TF2 side sets (PITFALLS #9).
    rmsprop_decay: float = 0.9
    rmsprop_epsilon: float = 1e-10


SIMPLE_DENSE = SimpleDense()
COMPILE_FIT_EVALUATE = CompileFitEvaluate()
