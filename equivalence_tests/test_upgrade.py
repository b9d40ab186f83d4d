"""What TensorFlow's own migration aids leave undone on TF 2.21 (PITFALLS #24, #25).

`tf_upgrade_v2` runs on the pairs' TF1 files as the site runs it (`tf1to2.site.upgrade`: the
file as TF 1.x code imported TensorFlow, `import tensorflow as tf`); the Keras 3 check runs in
fresh Python process, since this one has set `TF_USE_LEGACY_KERAS=1` (`import tf1to2`).
"""
import contextlib
import io
import os
import re
import subprocess
import sys

import tensorflow as tf

from tf1to2.site import upgrade

# A TF1 graph with one tf.compat.v1.layers.dense: prints OK, or the error's type and message.
LEGACY_LAYER = """
import tensorflow as tf
try:
    with tf.Graph().as_default():
        tf.compat.v1.layers.dense(tf.compat.v1.placeholder(tf.float32, [None, 3]), 1)
    print("OK")
except Exception as error:
    print(type(error).__name__, error)
"""


def test_upgraded_tf_layers_and_slim_report_no_error_and_stay_tf1():
    """PITFALLS #24: the upgrader leaves `tf.layers.dense` and every tf-slim call as they were
    and reports 0 errors; `tf.layers` does not exist in TF2, so the upgraded file fails when run."""
    upgraded, _, errors = upgrade.upgrade("linear_dense")
    assert errors == []
    assert re.search(r"\btf\.layers\.dense\(", upgraded)
    assert "tf.compat.v1.layers" not in upgraded
    assert not hasattr(tf, "layers")
    upgraded, _, errors = upgrade.upgrade("slim_cnn")
    assert errors == []
    assert "import tf_slim as slim" in upgraded and "slim.conv2d(" in upgraded
    # What it did change: the session, placeholders and optimizers moved to compat.v1.
    assert "tf.compat.v1.Session()" in upgraded and "tf.compat.v1.placeholder(" in upgraded


def test_compat_v1_layers_need_tf_keras_and_the_legacy_flag():
    """PITFALLS #25: without TF_USE_LEGACY_KERAS=1, `tf.compat.v1.layers` is Keras 3's and
    refuses; the same program in this process, which has the flag (the control), builds."""
    env = {key: value for key, value in os.environ.items() if key != "TF_USE_LEGACY_KERAS"}
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    without = subprocess.run([sys.executable, "-c", LEGACY_LAYER], env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=300)
    control = io.StringIO()
    with contextlib.redirect_stdout(control):
        exec(LEGACY_LAYER, {})
    assert os.environ["TF_USE_LEGACY_KERAS"] == "1"
    assert [without.stdout.strip().splitlines()[-1], control.getvalue().strip()] == [
        "AttributeError `dense` is not available with Keras 3.", "OK"]
