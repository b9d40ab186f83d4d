"""Hyperparameters of Géron's ch. 12 internal-losses example (G7), defined once, read by both sides."""
import dataclasses


@dataclasses.dataclass(frozen=True)
class InternalLosses:
    """Géron's ReconstructingRegressor (notebook 12, cells [165]-[167]) on California housing.

    The book compiles with "nadam"; TF1's `compat.v1.train` has no Nadam, so this pair trains with
    plain SGD on both sides (custom_training_loop pairs a hand-written TF1 Nadam).
    """
    hidden_layers: int = 5        # 5 × Dense(30, selu, lecun_normal)
    units: int = 30
    outputs: int = 1
    reconstruction_weight: float = 0.05   # add_loss(0.05 · reconstruction MSE)
    learning_rate: float = 0.01
    batch_size: int = 32
    steps: int = 5                # SGD steps of the equivalence check
    eval_batches: int = 2         # validation batches of the evaluation after training
    check_data_source: str = "bundled"


INTERNAL_LOSSES = InternalLosses()
