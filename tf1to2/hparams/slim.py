"""Hyperparameters of the batch-norm and tf-slim pairs, read by both sides."""
import dataclasses


@dataclasses.dataclass(frozen=True)
class BatchNormLayers:
    """A small MNIST convnet with one batch-norm layer: conv 3x3 (no bias), BN, relu, pool, dense.

    The batch-norm parameters are `tf.compat.v1.layers.batch_normalization`'s defaults, which
    are also Keras 3's: momentum 0.99, epsilon 1e-3, center and scale (PITFALLS #15).
    """
    filters: int = 8
    kernel_size: int = 3
    pool_size: int = 2
    classes: int = 10
    momentum: float = 0.99
    epsilon: float = 1e-3
    scale: bool = True
    # TF1 only: the fused kernel (FusedBatchNormV3) or the composite ops; Keras 3 has no such
    # switch. Both must give Keras 3's numbers (the tests run both).
    fused: bool = True
    # The training flag of the forward pass in the train step (PITFALLS #16).
    training: bool = True
    batch_size: int = 50
    # Plain gradient descent: no optimizer drift, so what remains is batch norm's own.
    learning_rate: float = 0.02   # at 0.1 the run is chaotic: ulps grow to 4e-2 in 20 steps
    steps: int = 10
    check_data_source: str = "bundled"


@dataclasses.dataclass(frozen=True)
class SlimCnn:
    """The MNIST CNN of the handbook written with tf-slim's arg_scope, batch norm and dropout."""
    conv1_filters: int = 16   # the handbook's CNN has 32 and 64; halved to keep the check fast
    conv2_filters: int = 32
    kernel_size: int = 5
    pool_size: int = 2
    dense_units: int = 128
    classes: int = 10
    # slim.batch_norm's defaults are decay 0.999, scale=False, epsilon 1e-3; Keras 3's are
    # momentum 0.99, scale=True, epsilon 1e-3 (PITFALLS #15). The slim code here passes its
    # defaults explicitly and the TF2 side sets Keras to them.
    batch_norm_decay: float = 0.999
    batch_norm_scale: bool = False
    batch_norm_epsilon: float = 1e-3
    # slim.l2_regularizer(s) adds s·Σw²/2; keras.regularizers.l2(s) adds s·Σw² (PITFALLS #13).
    weight_decay: float = 4e-5
    # slim.dropout's keep_prob; Keras' Dropout takes the rate 1 - keep_prob.
    keep_prob: float = 0.5
    # Dropout in the training-mode comparison: off (keep_prob 1.0 on both sides), because the two
    # libraries draw their masks from different random streams. "dropout" is tested on its own.
    compare_dropout: bool = False
    batch_size: int = 32
    learning_rate: float = 0.01   # gradient descent: no optimizer drift (0.05 diverges)
    steps: int = 10
    eval_images: int = 500
    check_data_source: str = "bundled"


BATCH_NORM_LAYERS = BatchNormLayers()
SLIM_CNN = SlimCnn()
