"""tf1to2 convert-checkpoint: TF1 Saver checkpoints (with optimizer state) into Keras 3 files.

For every pair that trains: a TF1 checkpoint after two steps converts, the written files load
into a fresh TF2 model, and training resumed from them on both sides stays equivalent. Bad input
is one line, exit 2, nothing written.
"""
import textwrap

import numpy as np
import pytest

from tf1to2 import convert, harness, mapping, slots, tracing

ADAM_PAIRS = ("mlp", "keras_pipeline", "cnn", "char_rnn", "dqn")
HEAVY = ("cnn", "char_rnn", "dqn")  # their traces take seconds each: run with -m slow
RESUMED_STEPS = 2


def tf1_checkpoint(name, directory, seed=0, steps=2):
    """A Saver checkpoint of the TF1 side after ``steps`` steps: (its values, its path)."""
    example = harness.resolve(name)
    tf1_module, _ = example.modules()
    if name in ADAM_PAIRS:  # the state before step steps + 1 is the state after ``steps``
        with tracing.recording_states(steps=steps + 1):
            trace = tf1_module.trace(seed=seed, steps=steps + 1)
        values = {**trace.states[steps]["variables"], **trace.states[steps]["optimizer"]}
    else:  # GradientDescent or assign_sub: the variables are the whole state
        # (linear_regression records each variant's steps as "<variant>/a": take the last one's)
        values = {key.rpartition("/")[2] if name == "linear_regression" else key: value
                  for key, value in tf1_module.trace(seed=seed, steps=steps).trajectory[-1].items()}
    return values, convert.write_tf1_checkpoint(values, directory / "model.ckpt")


@pytest.mark.parametrize("name", [pytest.param(name, marks=pytest.mark.slow) if name in HEAVY
                                  else name for name in convert.GLUE])
def test_converted_checkpoint_resumes_training_equivalently(name, tmp_path, capsys):
    """PITFALLS #20: a Saver's name-keyed checkpoint, through the name map, into the object-keyed
    Keras files; training resumed from them on both sides stays equivalent."""
    values, _ = tf1_checkpoint(name, tmp_path)
    out = tmp_path / "out"
    assert convert.main([name, str(tmp_path / "model.ckpt"), str(out)]) == 0
    printed = capsys.readouterr().out
    assert "both sides on the fixed batch: largest output difference" in printed, printed
    example = harness.resolve(name)
    tf1_module, tf2_module = example.modules()
    sides = convert.Sides(name, tf1_module, tf2_module, convert.GLUE[name], example)
    weights_map, name_map, optimizer = convert.load_written(sides, out)
    tf2_values = mapping.read(weights_map or name_map)  # from the written files only
    model_values = {key: values[key] for key in tf2_values}
    if name in ADAM_PAIRS:
        assert (out / convert.WEIGHTS_FILE).exists() and optimizer is not None
        assert int(np.asarray(optimizer.iterations)) == 2
        tf1_state = {key: value for key, value in values.items() if key not in model_values}
        tf2_state = slots.from_keras(optimizer, name_map, "Adam")
        with tracing.resuming(tf1_state):
            tf1_trace = tf1_module.trace(seed=0, steps=RESUMED_STEPS, initial_values=model_values)
        with tracing.resuming(tf2_state):
            tf2_trace = tf2_module.trace(seed=0, steps=RESUMED_STEPS, initial_values=tf2_values)
    else:
        assert optimizer is None and "no optimizer state" in printed
        tf1_trace = tf1_module.trace(seed=0, steps=RESUMED_STEPS, initial_values=model_values)
        tf2_trace = tf2_module.trace(seed=0, steps=RESUMED_STEPS, initial_values=tf2_values)
    for quantity in ("losses", "trajectory"):
        check = harness.compare_values(quantity, getattr(tf1_trace, quantity),
                                       getattr(tf2_trace, quantity), example.tolerance(quantity))
        assert check.ok, check


@pytest.fixture(scope="module")
def mlp_checkpoint(tmp_path_factory):
    directory = tmp_path_factory.mktemp("mlp")
    values, prefix = tf1_checkpoint("mlp", directory, steps=1)
    return values, directory


def _refused(capsys, tmp_path, argv, message):
    before = sorted(path.name for path in tmp_path.iterdir())
    assert convert.main(argv) == 2
    error = capsys.readouterr().err
    assert len(error.strip().splitlines()) == 1 and message in error, error
    assert sorted(path.name for path in tmp_path.iterdir()) == before  # nothing written


@pytest.mark.parametrize("change, message", [
    (lambda values: values.pop("dense/bias"), "missing dense/bias"),
    (lambda values: values.update({"extra/weights": np.zeros(3, np.float32)}),
     "extra extra/weights"),
    (lambda values: values.update({"dense/kernel": values["dense/kernel"].T}),
     "dense/kernel [100, 784] (the model's [784, 100])"),
    (lambda values: values.pop("dense/bias/Adam_1"), "missing dense/bias/Adam_1"),
])
def test_mismatched_checkpoint_is_refused(mlp_checkpoint, tmp_path, capsys, change, message):
    """PITFALLS #20: the checkpoint's keys must be the name map's, each of its shape."""
    values = dict(mlp_checkpoint[0])
    change(values)
    convert.write_tf1_checkpoint(values, tmp_path / "bad" / "model.ckpt")
    _refused(capsys, tmp_path, ["mlp", str(tmp_path / "bad"), str(tmp_path / "out")], message)


def test_missing_or_corrupt_checkpoint_is_refused(tmp_path, capsys):
    _refused(capsys, tmp_path, ["mlp", str(tmp_path / "none.ckpt"), str(tmp_path / "out")],
             "cannot read checkpoint")
    (tmp_path / "model.ckpt.index").write_bytes(b"not a checkpoint")
    _refused(capsys, tmp_path, ["mlp", str(tmp_path / "model.ckpt"), str(tmp_path / "out")],
             "cannot read checkpoint")


def test_existing_out_is_refused_and_usage_errors(mlp_checkpoint, tmp_path, capsys):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine")
    _refused(capsys, tmp_path, ["mlp", str(mlp_checkpoint[1]), str(tmp_path / "out")],
             "exists and is not an empty directory")
    assert (tmp_path / "out" / "keep.txt").read_text() == "mine"
    _refused(capsys, tmp_path, ["graph_basics", str(mlp_checkpoint[1]), str(tmp_path / "o")],
             "cannot build graph_basics's TF2 model by name")
    _refused(capsys, tmp_path, ["mlp", str(mlp_checkpoint[1])], "give EXAMPLE TF1_CHECKPOINT OUT")


def test_failed_proof_writes_nothing(mlp_checkpoint, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(convert, "prove", lambda sides, conversion, directory: (["bad"], False))
    assert convert.main(["mlp", str(mlp_checkpoint[1]), str(tmp_path / "out")]) == 1
    assert "nothing written" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []


USER_TF2 = '''
    """A user's TF2 side: the TF1 program's Dense layer, and its Momentum optimizer."""
    import keras
    import numpy as np


    def build_model():
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="dense")])
        return model


    def build_optimizer():
        return keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)


    def tf1_names(model):
        dense = model.get_layer("dense")
        return {"dense/kernel": dense.kernel, "dense/bias": dense.bias}
'''


def test_users_own_tf2_module_with_a_momentum_checkpoint(tmp_path, capsys):
    import tensorflow.compat.v1 as tf
    # A TF1 program as it was written: tf.layers, MomentumOptimizer, Saver.
    with tf.Graph().as_default():
        x = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
        loss = tf.reduce_mean(tf.square(tf.layers.dense(x, 2, name="dense")))
        optimizer = tf.train.MomentumOptimizer(learning_rate=0.1, momentum=0.9)
        train_op = optimizer.minimize(loss)
        variables = {v.op.name: v for v in tf.trainable_variables()}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train_op)
            sess.run(train_op)
            tf1_values = sess.run(variables)
            accumulators = sess.run({name: optimizer.get_slot(v, "momentum")
                                     for name, v in variables.items()})
            tf.train.Saver().save(sess, str(tmp_path / "ckpt" / "model.ckpt"))
    (tmp_path / "my_tf2.py").write_text(textwrap.dedent(USER_TF2))
    out = tmp_path / "out"
    assert convert.main(["--tf2", str(tmp_path / "my_tf2.py"), str(tmp_path / "ckpt"),
                         str(out)]) == 0, capsys.readouterr()
    printed = capsys.readouterr().out
    assert "optimizer state: Momentum" in printed, printed
    sides = convert.Sides("my_tf2", None, convert._load(str(tmp_path / "my_tf2.py"), "TF2"),
                          convert._USER_GLUE)
    weights_map, name_map, optimizer = convert.load_written(sides, out)
    for name, value in mapping.read(weights_map).items():
        np.testing.assert_array_equal(value, tf1_values[name])
    # Keras' velocity is -lr times TF1's accumulator (tf1to2.slots).
    velocities = slots.from_keras(optimizer, name_map, "Momentum")
    for name, value in accumulators.items():
        np.testing.assert_allclose(velocities[f"{name}/Momentum"], value, rtol=1e-6)
