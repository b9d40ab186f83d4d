"""Named tolerances: every comparison in the project uses one of these, never a bare number.

A pair of arrays agrees under a tolerance when, element by element,
``|tf1 - tf2| <= atol + rtol * |tf1|`` (numpy's ``allclose`` rule, with the TF1 value as the
reference). Each constant says why it is as large as it is.
"""
import dataclasses


@dataclasses.dataclass(frozen=True)
class Tolerance:
    name: str
    atol: float
    rtol: float
    why: str

    def __str__(self):
        return f"{self.atol:.0e}+{self.rtol:.0e}·|x|"


EXACT = Tolerance(
    "EXACT", 0.0, 0.0,
    "The same float32 ops on the same inputs in the same order: bit-identical on the CPU.")

FLOAT32_FORWARD = Tolerance(
    "FLOAT32_FORWARD", 1e-6, 1e-6,
    "One float32 forward/backward pass: graph mode (Grappler rewrites, fused kernels) and eager "
    "may order sums differently, a few ulps of float32 (eps 1.2e-7) on values of order 1.")

FLOAT32_TRAINING = Tolerance(
    "FLOAT32_TRAINING", 1e-5, 1e-5,
    "Tens to thousands of float32 optimizer steps: the per-step rounding differences of "
    "FLOAT32_FORWARD accumulate, but stay orders of magnitude below any planted mistake.")

KERAS3_ADAM = Tolerance(
    "KERAS3_ADAM", 2e-5, 2e-5,
    "Keras 3 Adam computes beta1^t and beta2^t in float32 from `iterations`; TF1 Adam keeps them "
    "in slots multiplied step by step. Even with epsilon matched the weights drift ~7e-6 after "
    "200 steps (PITFALLS #8) on small problems (measured 4.4e-6 on the MNIST MLP's 20 steps). A "
    "wrong epsilon (1e-7) costs 1.2e-6 after one step where gradients are large and 5.2e-4 where "
    "they are near zero (MNIST MLP), and grows.")

ADAM_AMPLIFIED = Tolerance(
    "ADAM_AMPLIFIED", 2e-2, 1e-2,
    "20 Adam steps of the MNIST CNN. Adam divides each update by sqrt(v), so where the momentum "
    "nearly cancels (a gradient changing sign) the 1-ulp difference of the first step (7.5e-9) "
    "becomes a visible one, and it compounds. Measured over seeds 0-5: weights differ by up to "
    "5.1e-3 after 20 steps, batch losses by up to 2.1e-3 (rel 3.5e-3); with SGD instead the "
    "sides stay within 1e-8. The first step is compared on its own with FLOAT32_FORWARD: a "
    "wrong epsilon (5e-4) or learning rate (1e-4) shows there.")

EVAL_ACCURACY = Tolerance(
    "EVAL_ACCURACY", 5e-3, 0.0,
    "Accuracy over the 2,000 bundled MNIST eval images after 20 Adam steps: the drift can flip "
    "the argmax of an image whose two top logits nearly tie. Measured: equal on seeds 0-5 of the "
    "MLP and 1-5 of the CNN, 1.5e-3 (3 images) on CNN seed 0. 5e-3 allows 10 images; a "
    "forgotten metric reset costs ~0.3.")

ADAM_FULL_PASS = Tolerance(
    "ADAM_FULL_PASS", 5e-2, 0.0,
    "The loss of every batch over a whole pass of Adam training (160 batches of the bundled "
    "MNIST). The amplified drift (ADAM_AMPLIFIED) makes the two sides two runs of the "
    "same training by the end: batch losses measured to differ by up to 8.4e-4 (MLP, seeds "
    "0-2) and 1.7e-2 (CNN, seeds 0-1), of losses 0.05-2.4; with the CNN's Adam update "
    "compiled by XLA 2.1e-2 and 1.9e-2 (seeds 0, 1). With SGD the MLP's pass is "
    "bit-identical.")

ACCURACY_FULL_PASS = Tolerance(
    "ACCURACY_FULL_PASS", 1e-2, 0.0,
    "Eval accuracy after a whole pass of Adam training (see ADAM_FULL_PASS): measured "
    "equal for the MLP (seeds 0-2) and 1.5e-3 to 3.0e-3 apart for the CNN (seeds 0-1, 3 and 6 "
    "of 2,000 images). 1e-2 allows 20 of 2,000; a forgotten metric reset costs ~0.4.")

ADAM_LOGITS = Tolerance(
    "ADAM_LOGITS", 5e-4, 2e-5,
    "Forward outputs (logits) of a model after tens of Adam steps: the KERAS3_ADAM weight drift "
    "(~2e-6 after 40 steps) adds up over a layer's 784 inputs. keras_pipeline, 40 steps: "
    "measured 5.3e-5 on logits up to ~10 (default start) and 2.3e-4 on logits up to ~50 (random "
    "start); Adam's default epsilon costs 0.19 and a Softmax output 52.")

DQN_EPISODES = Tolerance(
    "DQN_EPISODES", 1e-3, 5e-3,
    "The dqn check's 20 played episodes (~400-570 Adam updates): every action and episode length "
    "must be identical (a 0/1 action or a shifted action list fails whatever the tolerance); the "
    "Q-values at greedy decisions drift apart by Keras 3 vs TF1 Adam rounding (PITFALLS #8), "
    "growing as each update's targets come from the network being updated: measured "
    "up to 2.5e-5 of |Q| from the TF1 initialisation and 4.5e-4 from a random start (seeds 0-2; "
    "bit-identical with SGD). Also sets the near-tie margin for greedy decisions (tf1to2.rl).")

DQN_LONG_RUN = Tolerance(
    "DQN_LONG_RUN", 1.0, 0.1,
    "The dqn --train job (~9,000 Adam updates in 100 episodes): the same drift as DQN_EPISODES, "
    "amplified over thousands of self-referential updates, reached 0.5 absolute and 5% of |Q| "
    "before the first differing action (seeds 0-3); 0.1-0.2% of a run's ~4,000 greedy decisions "
    "have their two Q-values within 0.01, so a near tie flips between episodes 43 and 90. A bound "
    "on the greedy Q-values before that flip, not a tight check: the tight checks are the dqn "
    "check's.")

FLOAT32_RECURRENT = Tolerance(
    "FLOAT32_RECURRENT", 5e-6, 5e-6,
    "Forward outputs of an LSTM unrolled over 10-40 steps whose TF1 and TF2 cells order the "
    "float32 sums differently (BasicLSTMCell: one matmul over concat[x, h], + bias, + "
    "forget_bias; Keras LSTMCell: x·kernel + h·recurrent_kernel + (bias + 1)): each step's ulp "
    "differences run through the recurrence. char_rnn measured: 7.5e-8 from its initialisation "
    "(256 units, 40 steps, seeds 0-2), 1.2e-6 on logits of ~0.5 from N(0, 0.5²) weights (32 "
    "units, 10 steps, seeds 0-2); the cheapest LSTM layout mistake (hard_sigmoid gates) costs "
    "1.6e-2.")

LSTM_ADAM_LONG_RUN = Tolerance(
    "LSTM_ADAM_LONG_RUN", 5e-4, 5e-4,
    "The char_rnn --train job: hundreds of Adam steps of the 256-unit LSTM. The KERAS3_ADAM "
    "drift grows with training (Adam turns ulp differences of near-zero gradients into update "
    "differences): measured on the weights 7.7e-6 and 1.5e-5 after 300 steps (seeds 0, 1), "
    "1.4e-4 after 1,000 (seed 0); on the losses 8.3e-6 and 2.7e-5. A wrong Adam epsilon costs "
    "3.4e-2 on the weights and 4.0e-2 on the losses after 300 steps.")
