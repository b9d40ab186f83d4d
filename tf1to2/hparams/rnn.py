"""Hyperparameters of the RNN-cell pairs (rnn_cells, rnn_wrappers), read by both sides.

Both pairs read MNIST images row by row: 28 time steps of 28 pixels, a sequence classifier.
"""
import dataclasses


@dataclasses.dataclass(frozen=True)
class RnnCells:
    """A GRU layer, then an LSTM layer with peepholes and a projection, then Dense(10) logits."""
    units: int = 32             # GRUCell and LSTMCell num_units
    # LSTMCell(use_peepholes=True, num_proj=16): the output and the h state have num_proj units.
    use_peepholes: bool = True
    num_proj: int = 16          # 0: no projection
    # v1 LSTMCell's default: a constant added to the forget gate inside the cell (PITFALLS #3).
    forget_bias: float = 1.0
    # Keras GRUCell defaults to reset_after=True (the cuDNN form); TF1's GRUCell is the
    # reset_after=False form (PITFALLS #6), so the TF2 side states it.
    gru_reset_after: bool = False
    classes: int = 10
    batch_size: int = 32
    # Plain gradient descent: no optimizer drift, so what is left is the cells' own rounding.
    learning_rate: float = 0.1
    steps: int = 5              # SGD steps of the equivalence check (`tf1to2 compare rnn_cells`)
    train_steps: int = 300      # `python -m tf1_style.rnn_cells`
    data_source: str = "bundled"


@dataclasses.dataclass(frozen=True)
class RnnWrappers:
    """tf.nn.bidirectional_dynamic_rnn over MultiRNNCell([DropoutWrapper(LSTMCell)] * 2) with
    sequence_length, then Dense(10) on the top layer's final h of both directions."""
    units: int = 16
    layers: int = 2
    forget_bias: float = 1.0    # LSTMCell's default, folded into the Keras bias
    # DropoutWrapper(output_keep_prob=...) is a KEEP probability; Keras' Dropout takes the rate
    # of units dropped, 1 - keep_prob.
    keep_prob: float = 0.8
    # Each image is cut to a seeded random number of rows in [min_length, 28]; the rows after
    # that are padding, filled with pad_value (pixels are in [0, 1], so -1 never occurs in data;
    # 0.0 would, in every blank row of a digit).
    min_length: int = 12
    pad_value: float = -1.0
    classes: int = 10
    batch_size: int = 32
    learning_rate: float = 0.1
    steps: int = 5
    train_steps: int = 300
    data_source: str = "bundled"


RNN_CELLS = RnnCells()
RNN_WRAPPERS = RnnWrappers()
