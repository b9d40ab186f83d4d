"""Name-map helpers for TF1 layouts and the proposed map, against real TF1 graphs' names."""
import random

import keras
import numpy as np
import pytest
import tensorflow.compat.v1 as tf1
import tf_slim as slim

from tf1to2 import layouts, mapping
from tf1to2.errors import UserError


def tf1_variables(build):
    """{name: value} of the trainable and moving variables a TF1 builder creates."""
    random.seed(0)
    with tf1.Graph().as_default():
        build()
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            return sess.run({v.op.name: v for v in tf1.global_variables()})


def tf_layers_mlp():
    x = tf1.placeholder(tf1.float32, [None, 6])
    x = tf1.layers.dense(x, 5, activation=tf1.nn.relu)
    x = tf1.layers.batch_normalization(x, training=False)
    x = tf1.layers.dense(x, 5, activation=tf1.nn.relu)
    tf1.layers.dense(x, 3)


def keras_mlp():
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(5, activation="relu"),
                              keras.layers.BatchNormalization(),
                              keras.layers.Dense(5, activation="relu"), keras.layers.Dense(3)])
    return model


def static_rnn_classifier():
    x = tf1.placeholder(tf1.float32, [None, 4, 3])
    cell = tf1.nn.rnn_cell.BasicLSTMCell(7)
    outputs, _ = tf1.nn.static_rnn(cell, tf1.unstack(x, axis=1), dtype=tf1.float32)
    tf1.layers.dense(outputs[-1], 2)


def test_helpers_name_what_tf_layers_and_slim_create():
    names = set(tf1_variables(tf_layers_mlp))
    model = keras_mlp()
    written = {**layouts.dense("dense", model.layers[0]),
               **layouts.batch_normalization("batch_normalization", model.layers[1]),
               **layouts.dense("dense_1", model.layers[2]), **layouts.dense("dense_2", model.layers[3])}
    assert set(written) == names

    def slim_net():
        x = tf1.placeholder(tf1.float32, [None, 8, 8, 1])
        x = slim.conv2d(x, 4, [3, 3], scope="conv1", normalizer_fn=slim.batch_norm)
        slim.fully_connected(slim.flatten(x), 2, scope="fc1")
    slim_names = set(tf1_variables(slim_net))
    conv = keras.layers.Conv2D(4, 3, use_bias=False)
    conv.build((None, 8, 8, 1))
    norm = keras.layers.BatchNormalization(scale=False)
    norm.build((None, 8, 8, 4))
    fc = keras.layers.Dense(2)
    fc.build((None, 256))
    written = {**layouts.slim_conv2d("conv1", conv, norm=norm),
               **layouts.slim_fully_connected("fc1", fc)}
    assert set(written) == slim_names


def test_rnn_scopes_are_tf1s():
    values = tf1_variables(static_rnn_classifier)
    assert layouts.rnn_scope() + "/kernel" in values
    assert layouts.rnn_scope("lstm_cell", layer=1) == "rnn/multi_rnn_cell/cell_1/lstm_cell"


def test_proposed_map_for_an_mlp_with_batch_norm_round_trips():
    values = tf1_variables(tf_layers_mlp)
    model = keras_mlp()
    name_map = layouts.propose_map(values, model)
    assert name_map["dense_1/kernel"] is model.layers[2].kernel
    assert name_map["batch_normalization/moving_variance"] is model.layers[1].moving_variance
    mapping.assign(name_map, values)
    for name, value in mapping.read(name_map).items():
        np.testing.assert_array_equal(value, values[name])


def test_proposed_map_converts_a_static_rnn_lstm():
    values = tf1_variables(static_rnn_classifier)
    model = keras.Sequential([keras.Input((4, 3)), keras.layers.LSTM(7), keras.layers.Dense(2)])
    name_map = layouts.propose_map(values, model)
    assert isinstance(name_map["rnn/basic_lstm_cell/kernel"], mapping.Converted)
    mapping.assign(name_map, values)
    for name, value in mapping.read(name_map).items():
        np.testing.assert_allclose(value, values[name], atol=1e-7)


def test_proposed_map_reads_a_saver_checkpoint(tmp_path):
    random.seed(0)
    with tf1.Graph().as_default():
        tf_layers_mlp()
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            path = tf1.train.Saver().save(sess, str(tmp_path / "model.ckpt"))
    assert "dense_2/bias" in layouts.propose_map(path, keras_mlp())


def test_same_shapes_from_unrelated_scopes_are_refused_with_the_candidates():
    values = {"encoder/dense/kernel": np.zeros((5, 5)), "encoder/dense/bias": np.zeros(5),
              "decoder/dense/kernel": np.zeros((5, 5)), "decoder/dense/bias": np.zeros(5)}
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(5), keras.layers.Dense(5)])
    with pytest.raises(UserError, match="ambiguous: .* could be any of decoder/dense/kernel, "
                                        "encoder/dense/kernel"):
        layouts.propose_map(values, model)


def test_left_over_variables_are_listed():
    values = tf1_variables(tf_layers_mlp)
    values["extra/kernel"] = np.zeros((9, 9))
    with pytest.raises(UserError, match="no Keras weight takes: extra/kernel"):
        layouts.propose_map(values, keras_mlp())
    del values["extra/kernel"], values["dense_2/kernel"]
    with pytest.raises(UserError, match=r"no TF1 kernel of shape \[5, 3\]"):
        layouts.propose_map(values, keras_mlp())
