"""The first thirteen pairs: the handbook's examples, Chollet's linear classifier, shared autodiff."""
from tf1to2 import tolerances as tol
from tf1to2.examples.example import Example

_TRAINING = {"losses": tol.FLOAT32_TRAINING, "trajectory": tol.FLOAT32_TRAINING,
             "metrics": tol.FLOAT32_TRAINING}

EXAMPLES = [
    Example(
        "linear_regression",
        "Fit y = a·X + b to five house prices by gradient descent (manual gradients, then an optimizer).",
        # 1000 of the book's 10000 epochs per variant keep `compare --all` under two minutes
        # (10000 with per-step recording: 37 s); test_book_result runs all 10000.
        "TensorFlow handbook, basics: linear regression", "copy", 1000,
        tolerances=_TRAINING),
    Example(
        "linear_dense",
        "One Dense(1) layer with zero initialisation fitted by SGD on a 2-sample MSE problem.",
        "TensorFlow handbook, models and layers: linear.py", "copy", 100,
        tolerances=_TRAINING),
    Example(
        "custom_linear_layer",
        "The same linear model with a hand-written layer (build, add_weight) and a custom MSE loss.",
        "TensorFlow handbook, custom layers and losses", "copy", 100,
        tolerances=_TRAINING),
    Example(
        "graph_basics",
        "Constants, placeholders and feeds, variables, assign and scatter ops, matmul, d(x²)/dx, "
        "the gradient of 0.5·Σ(Xw + b − y)².",
        "TensorFlow handbook, graph execution appendix", "none", 0,
        default_tolerance=tol.EXACT),
    Example(
        "autodiff_basics",
        "Gradients of x² at 3, of a watched constant, a second derivative (acceleration 9.8), "
        "a Hessian, stop_gradient.",
        "Deep Learning with Python 2nd ed., ch. 3: GradientTape; Hands-On ML 2nd ed., ch. 12: "
        "autodiff", "none", 0,
        default_tolerance=tol.EXACT, book="chollet",
        # Gradients summed over several targets add their terms in another order (1 ulp).
        tolerances={"outputs": tol.FLOAT32_FORWARD}),
    Example(
        "linear_classifier",
        "A linear classifier on two 2-D Gaussian clouds, 40 full-batch steps updated by assign_sub.",
        "Deep Learning with Python 2nd ed., ch. 3: linear classifier from scratch", "copy", 40,
        tolerances=_TRAINING, book="chollet"),
    Example(
        "mlp",
        "MNIST MLP (Flatten, Dense 100 relu, Dense 10 logits), Adam 1e-3, batch 50, tf.metrics.accuracy.",
        "TensorFlow handbook, models and layers: mlp/mlp.py, mlp/main.py", "seed", 20,
        tolerances={"losses": tol.KERAS3_ADAM, "trajectory": tol.KERAS3_ADAM,
                    "metrics": tol.EVAL_ACCURACY},
        train_job="tf1to2.jobs:train_mlp"),
    Example(
        "cnn",
        "MNIST CNN (2x conv 5x5 + max-pool, Dense 1024, Dense 10), Adam 1e-3, batch 50.",
        # 10 steps keep `compare --all` under two minutes; the tests run 20 (CnnTest.STEPS).
        "TensorFlow handbook, models and layers: cnn/cnn.py, mlp/main.py", "seed", 10,
        tolerances={"losses": tol.ADAM_AMPLIFIED, "trajectory": tol.ADAM_AMPLIFIED,
                    "metrics": tol.EVAL_ACCURACY},
        train_job="tf1to2.jobs:train_cnn"),
    Example(
        # "none": nothing is copied; both sides build the kernel and bias from the same constants
        # (tf.constant_initializer vs keras.initializers.Constant), and the variables check proves it.
        "conv_example",
        "The handbook's worked convolution: a 7x7 image, a 3x3 kernel and bias 1, VALID: 5x5.",
        "TensorFlow handbook, convolutional neural networks: cnn/cnn_example.py", "none", 0,
        default_tolerance=tol.EXACT),
    Example(
        "custom_metric",
        "Streaming accuracy over batches of different sizes: tf.metrics.accuracy and a custom Metric.",
        "TensorFlow handbook, models and layers: utils.py SparseCategoricalAccuracy", "none", 0,
        default_tolerance=tol.EXACT),
    Example(
        # "copy": the TF2 model starts from the TF1 initial values through tf1_names().
        "keras_pipeline",
        "The MNIST MLP as Sequential/Functional model with compile/fit/evaluate/predict vs a Session loop.",
        "TensorFlow handbook, Keras pipeline: mnist/main.py", "copy", 40,
        tolerances={"outputs": tol.ADAM_LOGITS, "losses": tol.KERAS3_ADAM,
                    "trajectory": tol.KERAS3_ADAM, "metrics": tol.KERAS3_ADAM}),
    Example(
        # "copy": BasicLSTMCell's kernel cannot be seeded equal to LSTMCell's two kernels; the TF2
        # side copies the TF1 values through its name map, which converts the LSTM layout.
        "char_rnn",
        "Character-level LSTM(256) on Nietzsche, Adam, text generated at four temperatures.",
        # 10 steps keep `compare --all` under two minutes; the tests run 20 (CharRnnTest.STEPS).
        "TensorFlow handbook, recurrent neural networks: rnn/rnn.py", "copy", 10,
        tolerances={"outputs": tol.FLOAT32_RECURRENT, "losses": tol.KERAS3_ADAM,
                    "trajectory": tol.KERAS3_ADAM},
        train_job="tf1to2.jobs:char_rnn"),
    Example(
        # "copy": the TF2 network starts from the TF1 initial values through tf1_names().
        "dqn",
        "Deep Q-learning on CartPole (Q-net 4-24-24-2, replay 10,000, batch 32, Adam 1e-3, ε-greedy).",
        "TensorFlow handbook, deep reinforcement learning: rl/rl.py", "copy", 50,
        tolerances={"losses": tol.KERAS3_ADAM, "trajectory": tol.KERAS3_ADAM,
                    "metrics": tol.DQN_EPISODES},
        train_job="tf1to2.jobs:dqn"),
]
