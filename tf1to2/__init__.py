"""tf1to2: TF1 and TF2 versions of classic TensorFlow examples, proven equivalent.

Importing this package prepares the process so that TF1-style graph code (``tf.compat.v1``,
backed by tf_keras) and TF2 code on Keras 3 run side by side. Every entry point (the command
line, the tests, both example packages) imports it before anything touches TensorFlow:

- ``TF_USE_LEGACY_KERAS=1`` is set first. ``tf.compat.v1.layers``, ``tf.compat.v1.nn.rnn_cell``
  and ``tf.keras`` read it once, on first access; with it, tf_keras backs them. ``import keras``
  still gives Keras 3, which is what the TF2 side uses.
- TensorFlow's start-up log (oneDNN and CUDA notices) and the TF1 deprecation warnings are
  silenced; errors still surface as Python exceptions.
- tf-slim on today's TensorFlow needs three repairs (:func:`_repair_tf_slim`): TensorFlow's lazy
  loader for ``tensorflow.python.layers.normalization`` (``slim.batch_norm``) names
  ``tf_keras.legacy_tf_layers``, which tf_keras 2.21 keeps under ``tf_keras.src.legacy_tf_layers``;
  tf_slim tests ``isinstance(x, ops.Tensor)``, an alias TensorFlow's ``framework.ops`` no longer
  has; and its batch norm with a placeholder ``is_training`` calls ``control_flow_ops.cond``,
  which moved to ``tensorflow.python.ops.cond``. All three are restored as aliases of what they
  always meant (PITFALLS #27); nothing else changes.
- Eager execution is never switched off (that breaks Keras 3 in the same process): the TF1
  side builds its graphs inside ``tf.Graph().as_default()``.
"""
import contextlib
import os
import sys
import warnings

os.environ["TF_USE_LEGACY_KERAS"] = "1"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@contextlib.contextmanager
def _quiet_stderr():
    """Send file descriptor 2 to /dev/null: TensorFlow's C++ start-up notices bypass logging."""
    sys.stderr.flush()
    saved, null = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


with _quiet_stderr():
    import tensorflow  # noqa: E402,F401
    import keras  # noqa: E402,F401
    import tf_keras  # noqa: E402,F401



def _repair_tf_slim():
    """Aliases for two names tf-slim still uses on TensorFlow 2.21 (see the module docstring)."""
    import importlib
    import pkgutil

    from tensorflow.python.framework import ops, tensor
    from tensorflow.python.ops import cond, control_flow_ops
    if not hasattr(ops, "Tensor"):
        ops.Tensor = tensor.Tensor
    if not hasattr(control_flow_ops, "cond"):
        control_flow_ops.cond = cond.cond
    legacy = importlib.import_module("tf_keras.src.legacy_tf_layers")
    sys.modules.setdefault("tf_keras.legacy_tf_layers", legacy)
    for info in pkgutil.iter_modules(legacy.__path__):
        sys.modules.setdefault(f"tf_keras.legacy_tf_layers.{info.name}",
                               importlib.import_module(f"{legacy.__name__}.{info.name}"))


with _quiet_stderr():
    _repair_tf_slim()

tensorflow.get_logger().setLevel("ERROR")
warnings.filterwarnings("ignore", message=r".*is deprecated and will be removed", category=UserWarning)
warnings.filterwarnings("ignore", message=r".*`tf.nn.rnn_cell.*", category=UserWarning)

# The public API for a pair of your own (see tf1to2.pairs): imported last, once the process is set up.
from tf1to2.pairs import compare_pair, pair  # noqa: E402,F401
