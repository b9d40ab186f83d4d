"""How ``convert-checkpoint`` builds a registered example's TF2 model and optimizer by name."""
import dataclasses
import typing

import numpy as np

@dataclasses.dataclass(frozen=True)
class Glue:
    """How the converter builds an example's TF2 model and optimizer from its TF2 module."""
    build_model: typing.Callable              # (module) -> model with its variables created
    build_optimizer: typing.Callable = None   # (module) -> Keras optimizer, or None: it has none
    note: str = ""                            # why it has no optimizer, for the output


def _zeros(*shape, dtype=np.float32):
    return np.zeros(shape, dtype)


def _mnist_image_model(module):
    return module.build_model(_zeros(1, 28, 28, 1))


def _char_rnn_model(module):
    from tf1to2 import data
    return module.build_model(_zeros(1, module.HP.seq_length, dtype=np.int32),
                              data.nietzsche().num_chars)


def _dqn_model(module):
    from tf1to2 import rl
    return module.build_model(_zeros(1, rl.STATE_SIZE))


def _sgd(module):
    import keras
    return keras.optimizers.SGD(learning_rate=module.HP.learning_rate)


_OWN_OPTIMIZER = lambda module: module.build_optimizer()  # noqa: E731
_NO_OPTIMIZER = ("no optimizer object: it updates its variables with assign_sub, so there is "
                 "no optimizer state to convert")

# The per-example glue: the TF2 modules' build_model functions take different arguments.
GLUE = {
    "mlp": Glue(_mnist_image_model, _OWN_OPTIMIZER),
    "cnn": Glue(_mnist_image_model, _OWN_OPTIMIZER),
    "keras_pipeline": Glue(_mnist_image_model, _OWN_OPTIMIZER),
    "char_rnn": Glue(_char_rnn_model, _OWN_OPTIMIZER),
    "dqn": Glue(_dqn_model, _OWN_OPTIMIZER),
    "linear_dense": Glue(lambda module: module.build_model(_zeros(1, 3)), _sgd),
    "custom_linear_layer": Glue(lambda module: module.build_model(_zeros(1, 3)), _sgd),
    "linear_regression": Glue(lambda module: module.build_model(), _sgd,
                              "its 'manual' variant has " + _NO_OPTIMIZER),
    "linear_classifier": Glue(lambda module: module.build_model(input_dim=2, output_dim=1),
                              None, _NO_OPTIMIZER),
}
_USER_GLUE = Glue(lambda module: module.build_model(),
                  lambda module: module.build_optimizer()
                  if hasattr(module, "build_optimizer") else None)
