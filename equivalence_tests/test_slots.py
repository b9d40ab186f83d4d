"""tf1to2.slots: TF1 optimizer state converts into a Keras 3 optimizer and back.

The proof that a state converted is that training resumes identically: train a small TF1 model
N steps, read its optimizer state, convert it into a fresh Keras optimizer, and take K more
steps on both sides from the same weights. A fresh Keras optimizer without the state must not
resume identically (else the test proves nothing), except plain gradient descent, which has none.
"""
import numpy as np
import pytest
import tensorflow as tf
import tensorflow.compat.v1 as tf1

from tf1to2 import mapping, slots, tolerances
from tf1to2.errors import UserError
from tf1_style import optimizers as tf1_optimizers
from tf2_style import optimizers as tf2_optimizers

NAMES = ("dense/kernel", "dense/bias")
STEPS_BEFORE, STEPS_AFTER = 4, 4
RESUME = {"Adam": tolerances.KERAS3_ADAM}  # Keras 3's float32 beta powers (PITFALLS #8)


def problem():
    rng = np.random.default_rng(0)
    return (rng.standard_normal((8, 3)).astype(np.float32),
            rng.standard_normal((8, 2)).astype(np.float32),
            {"dense/kernel": rng.standard_normal((3, 2)).astype(np.float32),
             "dense/bias": np.zeros(2, np.float32)})


def tf1_run(name, optimizer=None, save_to=None):
    """N TF1 steps, the state and weights then, the K steps after; optionally a Saver checkpoint."""
    X, Y, start = problem()
    with tf1.Graph().as_default():
        variables = {n: tf1.get_variable(n, initializer=start[n]) for n in NAMES}
        loss = tf1.reduce_mean(tf1.square(tf1.matmul(X, variables["dense/kernel"])
                                          + variables["dense/bias"] - Y))
        optimizer = optimizer() if optimizer else tf1_optimizers.build_optimizer(name)
        train_op = optimizer.minimize(loss)
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            for _ in range(STEPS_BEFORE):
                sess.run(train_op)
            state = slots.read_tf1(sess, optimizer, variables)
            weights = sess.run(variables)
            if save_to:
                tf1.train.Saver().save(sess, save_to)
            after = []
            for _ in range(STEPS_AFTER):
                sess.run(train_op)
                after.append(sess.run(variables))
    return slots.kind_of(optimizer), state, weights, after


def keras_resume(optimizer, weights, state=None, kind=None):
    """K Keras steps from ``weights``, with the TF1 ``state`` converted in (or a fresh one)."""
    X, Y, _ = problem()
    name_map = {n: tf.Variable(weights[n]) for n in NAMES}
    if state is not None:
        slots.to_keras(optimizer, name_map, state, kind)
    trainable = [name_map[n] for n in NAMES]
    after = []
    for _ in range(STEPS_AFTER):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(X @ name_map["dense/kernel"]
                                            + name_map["dense/bias"] - Y))
        optimizer.apply_gradients(zip(tape.gradient(loss, trainable), trainable))
        after.append(mapping.read(name_map))
    return after, name_map


def max_diff(tf1_after, tf2_after):
    return max(float(np.max(np.abs(a[n] - b[n]))) for a, b in zip(tf1_after, tf2_after)
               for n in NAMES)


def within(tolerance, tf1_after, tf2_after):
    return all(np.all(np.abs(a[n] - b[n]) <= tolerance.atol + tolerance.rtol * np.abs(a[n]))
               for a, b in zip(tf1_after, tf2_after) for n in NAMES)


@pytest.mark.parametrize("name", tf1_optimizers.HP.names)
def test_converted_state_resumes_the_same_trajectory(name):
    kind, state, weights, tf1_after = tf1_run(name)
    assert sorted(state) == sorted(slots.tf1_slot_names(kind, NAMES))
    tf2_after, _ = keras_resume(tf2_optimizers.build_optimizer(name), weights, state, kind)
    tolerance = RESUME.get(name, tolerances.FLOAT32_TRAINING)
    converted = max_diff(tf1_after, tf2_after)
    assert within(tolerance, tf1_after, tf2_after), converted
    if name != "GradientDescent":  # a fresh optimizer must do far worse: the state matters
        fresh = max_diff(tf1_after, keras_resume(tf2_optimizers.build_optimizer(name), weights)[0])
        assert fresh > 20 * max(converted, 1e-7), (fresh, converted)


def test_proximal_adagrad_state_is_adagrads():
    # Without l1/l2 ProximalAdagrad is Adagrad: its state resumes in keras.optimizers.Adagrad.
    kind, state, weights, tf1_after = tf1_run("", lambda: tf1.train.ProximalAdagradOptimizer(
        tf1_optimizers.HP.learning_rate))
    assert kind == "ProximalAdagrad" and "dense/kernel/ProximalAdagrad" in state
    tf2_after, _ = keras_resume(tf2_optimizers.build_optimizer("ProximalAdagrad"), weights, state,
                                kind)
    assert within(tolerances.FLOAT32_TRAINING, tf1_after, tf2_after)


@pytest.mark.parametrize("name", tf1_optimizers.HP.names)
def test_round_trip(name):
    kind, state, weights, _ = tf1_run(name)
    optimizer = tf2_optimizers.build_optimizer(name)
    name_map = {n: tf.Variable(weights[n]) for n in NAMES}
    back = slots.from_keras(slots.to_keras(optimizer, name_map, state, kind), name_map, kind,
                            live_only=True)
    live = {n for n in state if n in back}
    if name == "RMSProp":  # momentum 0: TF1's momentum slot holds the last update, never read
        assert live == {n for n in state if not n.endswith("/RMSProp_1")}
    else:
        assert live == set(state)
    for n in live:  # Momentum goes through -lr and back: an ulp
        np.testing.assert_allclose(back[n], state[n], rtol=1e-6, atol=0, err_msg=n)
    assert slots.keras_kind_of(optimizer) == kind


def test_adam_iterations_from_beta1_power():
    # After t steps TF1 holds beta1_power = beta1^(t + 1); Keras' iterations counts t, and its
    # next step uses beta_1^(iterations + 1): the same power.
    kind, state, weights, _ = tf1_run("Adam")
    optimizer = slots.to_keras(tf2_optimizers.build_optimizer("Adam"),
                               {n: tf.Variable(weights[n]) for n in NAMES}, state, kind)
    assert int(optimizer.iterations) == STEPS_BEFORE
    np.testing.assert_allclose(state["beta1_power"], 0.9 ** (STEPS_BEFORE + 1), rtol=1e-6)


def test_momentum_slot_is_converted_not_copied():
    kind, state, weights, _ = tf1_run("Momentum")
    optimizer = tf2_optimizers.build_optimizer("Momentum")
    name_map = {n: tf.Variable(weights[n]) for n in NAMES}
    slots.to_keras(optimizer, name_map, state, kind)
    keras_slot = optimizer.momentums[optimizer._get_variable_index(name_map["dense/kernel"])]
    np.testing.assert_allclose(keras_slot.numpy(), -tf1_optimizers.HP.learning_rate
                               * state["dense/kernel/Momentum"], rtol=1e-6)


def test_slot_names_are_what_a_saver_writes(tmp_path):
    for name in ("Adam", "CenteredRMSProp", "Ftrl", "Adadelta", "Momentum"):
        path = str(tmp_path / name)
        kind, state, _, _ = tf1_run(name, save_to=path)
        written = {n for n, _ in tf.train.list_variables(path)} - set(NAMES)
        assert written == set(slots.tf1_slot_names(kind, NAMES)), name
        saved = tf.train.load_checkpoint(path)
        for n, value in state.items():
            np.testing.assert_array_equal(saved.get_tensor(n), value)


def test_beta_powers_take_the_minimize_name_scope():
    assert slots.tf1_slot_names("Adam", ["w"], scope="train") == [
        "w/Adam", "w/Adam_1", "train/beta1_power", "train/beta2_power"]
    assert slots.tf1_slot_names("GradientDescent", ["w"]) == []
    assert slots.tf1_slot_names("Momentum", ["w"], with_global_step=True) == [
        "w/Momentum", "global_step"]


def test_missing_and_extra_names_are_refused_and_nothing_is_assigned():
    kind, state, weights, _ = tf1_run("Adam")
    optimizer = tf2_optimizers.build_optimizer("Adam")
    name_map = {n: tf.Variable(weights[n]) for n in NAMES}
    broken = dict(state, **{"dense_1/kernel/Adam": state["dense/kernel/Adam"]})
    del broken["dense/bias/Adam_1"]
    with pytest.raises(UserError, match=r"missing dense/bias/Adam_1; extra dense_1/kernel/Adam"):
        slots.to_keras(optimizer, name_map, broken, kind)
    assert not optimizer.built  # names are checked before anything is built or assigned
    wrong_shape = dict(state, **{"dense/bias/Adam": np.zeros(3, np.float32)})
    with pytest.raises(UserError, match=r"dense/bias/Adam has shape \[3\]"):
        slots.to_keras(optimizer, name_map, wrong_shape, kind)
    assert not any(np.any(v.numpy()) for v in optimizer._momentums + optimizer._velocities)
    assert int(optimizer.iterations) == 0


def test_inconsistent_states_and_optimizers_are_refused():
    kind, state, weights, _ = tf1_run("Adam")
    name_map = {n: tf.Variable(weights[n]) for n in NAMES}
    with pytest.raises(UserError, match="not one step count's powers"):
        slots.to_keras(tf2_optimizers.build_optimizer("Adam"), name_map,
                       dict(state, beta2_power=np.float32(0.5)), kind)
    with pytest.raises(UserError, match="goes into keras.optimizers.Adam, not SGD"):
        slots.to_keras(tf2_optimizers.build_optimizer("Momentum"), name_map, state, kind)
    with pytest.raises(UserError, match="AdagradDA.*no Keras 3 counterpart"):
        slots.tf1_slot_names("AdagradDA", NAMES)
    with pytest.raises(UserError, match="not built"):
        slots.from_keras(tf2_optimizers.build_optimizer("Adam"), name_map, "Adam")


def test_split_and_reordered_lstm_entries_convert_slots_like_gradients():
    # A BasicLSTMCell kernel [input + units, 4 units] is a Keras kernel and recurrent kernel
    # with the gates reordered; its bias also gets forget_bias folded into the value, which
    # the slots (sums of gradients and their squares) must not get.
    units, inputs = 2, 3
    rng = np.random.default_rng(1)
    kernel = tf.Variable(np.zeros((inputs, 4 * units), np.float32))
    recurrent = tf.Variable(np.zeros((units, 4 * units), np.float32))
    bias = tf.Variable(np.zeros(4 * units, np.float32))
    name_map = {
        "lstm/kernel": mapping.Converted((kernel, recurrent), mapping.lstm_kernel_to_keras,
                                         mapping.lstm_kernel_to_tf1),
        "lstm/bias": mapping.Converted(
            bias, lambda b: mapping.lstm_bias_to_keras(b, 1.0),
            lambda b: mapping.lstm_bias_to_tf1(b, 1.0),
            gradient_to_tf1=mapping.lstm_bias_gradient_to_tf1,
            gradient_to_tf2=mapping.lstm_bias_gradient_to_keras)}
    state = {n: rng.standard_normal(s).astype(np.float32) for n, s in (
        ("lstm/kernel/Adam", (inputs + units, 4 * units)),
        ("lstm/kernel/Adam_1", (inputs + units, 4 * units)), ("lstm/bias/Adam", (4 * units,)),
        ("lstm/bias/Adam_1", (4 * units,)))}
    state.update(beta1_power=np.float32(0.9 ** 3), beta2_power=np.float32(0.999 ** 3))
    optimizer = slots.to_keras(tf2_optimizers.build_optimizer("Adam"), name_map, state, "Adam")
    m_kernel, m_recurrent = (optimizer._momentums[optimizer._get_variable_index(v)].numpy()
                             for v in (kernel, recurrent))
    expected_kernel, expected_recurrent = mapping.lstm_kernel_to_keras(state["lstm/kernel/Adam"])
    np.testing.assert_array_equal(m_kernel, expected_kernel)
    np.testing.assert_array_equal(m_recurrent, expected_recurrent)
    np.testing.assert_array_equal(  # reordered, no +1 on the forget block
        optimizer._momentums[optimizer._get_variable_index(bias)].numpy(),
        mapping.lstm_bias_gradient_to_keras(state["lstm/bias/Adam"]))
    back = slots.from_keras(optimizer, name_map, "Adam")
    for n in state:
        np.testing.assert_allclose(back[n], state[n], rtol=1e-6, err_msg=n)
