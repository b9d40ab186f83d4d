"""tf-slim on TF 2.21 (PITFALLS #27): the breaks still exist, and `import tf1to2` repairs them.

The programs run in fresh Python processes: the repairs change `sys.modules` and TensorFlow's
modules for the whole process, and this test process has already imported tf1to2. Without them:

1. `slim.batch_norm` with its defaults goes through the core layer class, whose module
   `tensorflow.python.layers.normalization` lazy-loads `tf_keras.legacy_tf_layers.normalization`;
   tf_keras 2.21 keeps it under `tf_keras.src.legacy_tf_layers`: ModuleNotFoundError.
2. `slim.batch_norm(updates_collections=None)` (in-place updates; also
   `zero_debias_moving_mean=True`) takes slim's own implementation, whose
   `layers.utils.constant_value` tests `isinstance(x, ops.Tensor)`, an alias TensorFlow's
   `framework.ops` no longer has: AttributeError (this path never reaches the missing module).
3. With `ops.Tensor` restored, the same call with a Tensor `is_training` (a placeholder, the
   usual TF1 flag) reaches `layers.utils.smart_cond`, which calls `control_flow_ops.cond`, moved
   to `tensorflow.python.ops.cond`: AttributeError. `tf1to2._repair_tf_slim` restores it too.
"""
import inspect
import json
import os
import subprocess
import sys

import pytest


# --8<-- [start:repair]
def alias_legacy_tf_layers():      # break 1: No module named 'tf_keras.legacy_tf_layers'
    import importlib, pkgutil, sys  # noqa: E401
    legacy = importlib.import_module("tf_keras.src.legacy_tf_layers")
    for name in [""] + ["." + module.name for module in pkgutil.iter_modules(legacy.__path__)]:
        sys.modules.setdefault("tf_keras.legacy_tf_layers" + name,
                               importlib.import_module(legacy.__name__ + name))


def restore_ops_tensor():          # break 2: module '...framework.ops' has no attribute 'Tensor'
    from tensorflow.python.framework import ops, tensor
    ops.Tensor = tensor.Tensor


def restore_control_flow_cond():   # break 3: module '...control_flow_ops' has no attribute 'cond'
    from tensorflow.python.ops import cond, control_flow_ops
    control_flow_ops.cond = cond.cond
# --8<-- [end:repair]


ATTEMPT = '''
import json
import numpy as np
import tensorflow.compat.v1 as tf
import tf_slim as slim

RESULTS = {}


def attempt(label, flag, **kwargs):
    """Build slim.batch_norm, run one training step of it, check it; record OK or the error."""
    try:
        with tf.Graph().as_default():
            images = tf.placeholder(tf.float32, [None, 4, 4, 3])
            is_training = tf.placeholder_with_default(True, []) if flag == "placeholder" else True
            outputs = slim.batch_norm(images, is_training=is_training, **kwargs)
            with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
                outputs = tf.identity(outputs)
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                value = sess.run(outputs, {images: np.arange(96, dtype=np.float32).reshape(2, 4, 4, 3)})
                mean = sess.run(slim.get_model_variables()[1])  # BatchNorm/moving_mean
        # Batch statistics: outputs of mean 0; the moving mean moved by (1 - decay) = 0.001.
        assert abs(float(value.mean())) < 1e-4, value.mean()
        assert np.allclose(mean, 0.001 * np.array([46.5, 47.5, 48.5]), rtol=1e-4), mean
        RESULTS[label] = "OK"
    except Exception as error:  # the message is what the tests compare
        RESULTS[label] = f"{type(error).__name__}: {error}"
'''

STAGES = ATTEMPT + '''
attempt("default", "placeholder")
attempt("in_place", "bool", updates_collections=None)
alias_legacy_tf_layers()
attempt("default+alias", "placeholder")
attempt("in_place+alias", "bool", updates_collections=None)
restore_ops_tensor()
attempt("in_place+alias+tensor", "bool", updates_collections=None)
attempt("in_place_placeholder+alias+tensor", "placeholder", updates_collections=None)
restore_control_flow_cond()
attempt("in_place_placeholder+all", "placeholder", updates_collections=None)
print(json.dumps(RESULTS))
'''

WITH_TF1TO2 = "import tf1to2\n" + ATTEMPT + '''
attempt("default", "placeholder")
attempt("in_place", "bool", updates_collections=None)
attempt("in_place_placeholder", "placeholder", updates_collections=None)
print(json.dumps(RESULTS))
'''

MODULE_ERROR = "ModuleNotFoundError: No module named 'tf_keras.legacy_tf_layers'"
TENSOR_ERROR = "AttributeError: module 'tensorflow.python.framework.ops' has no attribute 'Tensor'"
COND_ERROR = "AttributeError: module 'tensorflow.python.ops.control_flow_ops' has no attribute 'cond'"


def run(program):
    """Run ``program`` in a fresh process with TF_USE_LEGACY_KERAS=1; its printed results."""
    env = {**os.environ, "TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def without_tf1to2():
    repairs = "".join(inspect.getsource(function) for function in (
        alias_legacy_tf_layers, restore_ops_tensor, restore_control_flow_cond))
    return run(repairs + STAGES)


@pytest.fixture(scope="module")
def with_tf1to2():
    return run(WITH_TF1TO2)


def test_without_repair_slim_batch_norm_fails(without_tf1to2):
    """PITFALLS #27 (the missing tf_keras.legacy_tf_layers) and PITFALLS #44 (ops.Tensor)."""
    assert without_tf1to2["default"] == MODULE_ERROR
    assert without_tf1to2["in_place"] == TENSOR_ERROR  # slim's own path: the second break


def test_the_module_alias_repairs_the_default_path_only(without_tf1to2):
    """The alias repairs PITFALLS #27; slim's own path still meets PITFALLS #44."""
    assert without_tf1to2["default+alias"] == "OK"
    assert without_tf1to2["in_place+alias"] == TENSOR_ERROR


def test_ops_tensor_repairs_in_place_updates_with_a_python_flag(without_tf1to2):
    """PITFALLS #44: restoring ops.Tensor repairs slim's own batch norm (Python flag)."""
    assert without_tf1to2["in_place+alias+tensor"] == "OK"
    assert without_tf1to2["in_place_placeholder+alias+tensor"] == COND_ERROR


def test_the_three_repairs_together_make_every_path_work(without_tf1to2):
    """PITFALLS #27 and #44 repaired, and the moved `cond`."""
    assert without_tf1to2["in_place_placeholder+all"] == "OK"


def test_import_tf1to2_repairs_the_module_and_ops_tensor(with_tf1to2):
    """`import tf1to2` repairs PITFALLS #27 and PITFALLS #44."""
    assert with_tf1to2["default"] == "OK"
    assert with_tf1to2["in_place"] == "OK"


def test_import_tf1to2_repairs_in_place_updates_with_a_placeholder_flag(with_tf1to2):
    assert with_tf1to2["in_place_placeholder"] == "OK"
