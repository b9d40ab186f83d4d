"""Hyperparameters and constants of every example, defined once and read by both sides.

A variant overrides only what differs: ``dataclasses.replace(LINEAR_DENSE, learning_rate=...)``
(the planted-mistake tests do exactly that to the TF2 side).
"""
import dataclasses


@dataclasses.dataclass(frozen=True)
class LinearRegression:
    # The handbook's HEAD version: summed squared error with lr 5e-4 (equivalent to its
    # earlier 0.5·Σ loss with lr 1e-3), 10000 full-batch epochs, a = b = 0 at the start.
    epochs: int = 10000
    learning_rate: float = 5e-4


@dataclasses.dataclass(frozen=True)
class LinearDense:
    units: int = 1
    learning_rate: float = 0.01
    steps: int = 100


@dataclasses.dataclass(frozen=True)
class GraphBasics:
    x: float = 3.0  # the point at which d(x²)/dx is taken (the handbook's HEAD uses 3)
    a: int = 2      # the values fed to the placeholders of a + b (the handbook reads them
    b: int = 3      # from the terminal)
    increments: int = 5  # how often the handbook runs its plus-one op on the variable


@dataclasses.dataclass(frozen=True)
class AutodiffBasics:
    x: float = 3.0       # d(x²)/dx at 3 = 6
    time: float = 0.0    # position 4.9·t² at t = 0: speed 0, acceleration 9.8
    w1: float = 5.0      # Géron's f(w1, w2) = 3·w1² + 2·w1·w2 at (5, 3): gradients [36, 10]
    w2: float = 3.0
    # The targets f(w1, w2 + offset): their gradients summed over targets are [136, 30].
    target_offsets: tuple = (2.0, 5.0, 7.0)


@dataclasses.dataclass(frozen=True)
class LinearClassifier:
    samples_per_class: int = 1000
    learning_rate: float = 0.1
    steps: int = 40
    threshold: float = 0.5


LINEAR_REGRESSION = LinearRegression()
LINEAR_DENSE = LinearDense()
CUSTOM_LINEAR_LAYER = LinearDense()  # the same model and training, written as a custom layer
GRAPH_BASICS = GraphBasics()
AUTODIFF_BASICS = AutodiffBasics()
LINEAR_CLASSIFIER = LinearClassifier()


@dataclasses.dataclass(frozen=True)
class MnistTraining:
    """The handbook's MNIST training set-up (mlp/main.py), shared by the MNIST examples."""
    batch_size: int = 50
    learning_rate: float = 1e-3
    # TF1's AdamOptimizer default; Keras 3's Adam defaults to 1e-7, so the TF2 side sets it.
    adam_epsilon: float = 1e-8
    adam_beta_1: float = 0.9
    adam_beta_2: float = 0.999
    eval_batch_size: int = 1000
    steps: int = 20          # optimizer steps of the equivalence check (`tf1to2 compare X`)
    # The equivalence checks always use the bundled data, so their figures never depend on a
    # download or a cache; the main job (`--train`) uses "auto" (keras.datasets when available).
    check_data_source: str = "bundled"
    # The checks also take the loss of the check batch's logits rescaled so that the largest
    # is this big: a confident model, where a cross-entropy on probabilities clipped at 1e-7
    # (PITFALLS #11) shows.
    confident_logit_scale: float = 30.0
    train_epochs: int = 1    # passes over the training split of the main job (`--train`)
    classes: int = 10


@dataclasses.dataclass(frozen=True)
class Mlp:
    """The handbook's mlp/mlp.py: Flatten, Dense(100, relu), Dense(10) logits."""
    hidden_units: int = 100
    classes: int = 10
    # TF2 only: training steps per tf.function call in the long runs (the fast form,
    # docs/speed.md: 0.63 of the TF1 Session loop's step time, where one tf.function call per
    # step is 1.3); the equivalence checks take one step per call.
    steps_per_call: int = 100


@dataclasses.dataclass(frozen=True)
class Cnn:
    """The handbook's cnn/cnn.py: two 5x5 conv + 2x2 max-pool blocks, Dense(1024), Dense(10)."""
    conv1_filters: int = 32
    conv2_filters: int = 64
    kernel_size: int = 5
    pool_size: int = 2
    pool_strides: int = 2
    dense_units: int = 1024
    classes: int = 10


MNIST_TRAINING = MnistTraining()
MLP = Mlp()
CNN = Cnn()


@dataclasses.dataclass(frozen=True)
class ConvExample:
    """The handbook's cnn/cnn_example.py: one 3x3 filter with bias over a 7x7 image, VALID."""
    filters: int = 1
    kernel_size: int = 3
    strides: int = 1
    padding: str = "VALID"


@dataclasses.dataclass(frozen=True)
class CustomMetric:
    """Streaming accuracy over batches of different sizes, evaluated twice with a reset between."""
    batch_sizes: tuple = (50, 37, 400, 1, 13)  # 400: more than 255 correct in one batch
    skills: tuple = (1.5, 2.5)  # one evaluation per skill: accuracy about 0.51, then 0.81
    classes: int = 10


@dataclasses.dataclass(frozen=True)
class KerasPipeline:
    """The handbook's mnist/main.py Keras pipeline (the MLP), with MNIST_TRAINING and MLP.

    The equivalence check trains on a subset for whole epochs; `main()` uses the full data.
    """
    train_images: int = 1000  # 20 batches of 50 per epoch
    eval_images: int = 500
    epochs: int = 2           # 40 optimizer steps in the equivalence check
    main_epochs: int = 5      # the handbook's num_epochs
    # The TF2 side's model-building API, "sequential" or "functional": the same model either
    # way (the handbook's `mode`); the tests check both against the one TF1 graph.
    api: str = "sequential"


CONV_EXAMPLE = ConvExample()
CUSTOM_METRIC = CustomMetric()
KERAS_PIPELINE = KerasPipeline()


@dataclasses.dataclass(frozen=True)
class Dqn:
    """The handbook's rl/rl.py: deep Q-learning on CartPole (both sides, and tf1to2.rl)."""
    environment: str = "CartPole-v1"  # gymnasium; v1 truncates an episode at 500 steps
    hidden_units: int = 24            # Q-network 4 -> 24 relu -> 24 relu -> 2
    learning_rate: float = 1e-3
    # TF1's AdamOptimizer default; Keras 3's Adam defaults to 1e-7, so the TF2 side sets it.
    adam_epsilon: float = 1e-8
    buffer_size: int = 10_000         # replay buffer: the last 10,000 transitions
    batch_size: int = 32
    gamma: float = 1.0
    done_reward: float = -10.0        # replaces the reward of the step that ends an episode
    initial_epsilon: float = 1.0      # epsilon = max(1 - episode / 100, 0.01)
    final_epsilon: float = 0.01
    exploration_episodes: int = 100
    max_episode_length: int = 1000    # the handbook's loop bound; v1's time limit (500) comes first
    episodes: int = 500               # the handbook's num_episodes (`python tf*_style/dqn.py`)
    train_episodes: int = 100         # default of `tf1to2 compare dqn --train`
    check_updates: int = 50           # updates on fixed batches in the equivalence check
    check_episodes: int = 20          # end-to-end episodes in the equivalence check


DQN = Dqn()


@dataclasses.dataclass(frozen=True)
class CharRnn:
    """The handbook's rnn/rnn.py: 40 one-hot characters, LSTM(256), Dense(num_chars) logits."""
    seq_length: int = 40
    units: int = 256
    # BasicLSTMCell's default: a constant added to the forget gate inside the cell at every step.
    forget_bias: float = 1.0
    # The gates' activation. BasicLSTMCell's is fixed at sigmoid, as is Keras 3's default;
    # tf.keras in TF 1.x defaulted to hard_sigmoid (PITFALLS #5), so the TF2 side states it.
    recurrent_activation: str = "sigmoid"
    # "loop": a Python loop over the cell (TF1 static unrolling, TF2 inside tf.function);
    # "library": the library's recurrent layer (tf.nn.dynamic_rnn, keras.layers.LSTM).
    rnn: str = "loop"
    batch_size: int = 50
    learning_rate: float = 1e-3
    # TF1's AdamOptimizer default; Keras 3's Adam defaults to 1e-7, so the TF2 side sets it.
    adam_epsilon: float = 1e-8
    steps: int = 20                  # Adam steps of the equivalence check (`tf1to2 compare`)
    train_steps: int = 300           # batches of the main job (`tf1to2 compare char_rnn --train`);
    #                                  the handbook trains 10,000 (TF1) and 1,000 (TF2)
    temperatures: tuple = (0.2, 0.5, 1.0, 1.2)
    generate_length: int = 20        # characters per temperature in the equivalence check
    train_generate_length: int = 200  # in the main job (the handbook prints 400)


CHAR_RNN = CharRnn()
