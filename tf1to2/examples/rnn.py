"""Registry entries: the v1 RNN cells and wrappers against Keras 3 (issue 11, part 3)."""
from tf1to2 import tolerances as tol  # noqa: F401
from tf1to2.examples.example import Example
from tf1to2.tolerances import rnn as rnn_tol

EXAMPLES = [
    Example(
        # "copy": TF1's GRU and LSTM kernels cannot be seeded equal to Keras' split kernels; the
        # TF2 side copies the TF1 values through its name map (tf1to2.rnn_layouts).
        "rnn_cells",
        "MNIST rows as sequences: GRUCell → LSTMCell(use_peepholes, num_proj) → Dense(10), SGD; "
        "Keras GRUCell(reset_after=False) and a custom peephole/projection cell.",
        "TF1 idiom: MNIST rows through tf.nn.rnn_cell.GRUCell and LSTMCell with dynamic_rnn",
        "copy", 5, default_tolerance=rnn_tol.FLOAT32_RECURRENT, book="idioms"),
    Example(
        "rnn_wrappers",
        "Padded MNIST rows of random length: bidirectional_dynamic_rnn over MultiRNNCell of two "
        "DropoutWrapper(LSTMCell) with sequence_length → Bidirectional(RNN(StackedRNNCells)) "
        "with Masking.",
        "TF1 idiom: bidirectional_dynamic_rnn, MultiRNNCell, DropoutWrapper, sequence_length",
        "copy", 5, default_tolerance=rnn_tol.FLOAT32_RECURRENT, book="idioms",
        tolerances={"metrics": rnn_tol.DROPOUT_FRACTION}),
]
