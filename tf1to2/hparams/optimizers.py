"""Hyperparameters of the optimizer and learning-rate-schedule pairs (issue 11, parts 1 and 2).

Values that equal both libraries' defaults prove nothing about a translation, so where TF1's
default coincides with Keras' (RMSProp's ``decay`` 0.9 and Keras' ``rho`` 0.9) the pairs use
another value: a ``decay`` dropped or passed to the wrong argument then shows.
"""
import dataclasses


@dataclasses.dataclass(frozen=True)
class Optimizers:
    # The exactly translatable optimizers, in the order the pair builds them. One trace holds
    # them all, keyed by name ("small/Adam/dense/kernel").
    names: tuple = ("GradientDescent", "Momentum", "Nesterov", "Adagrad", "Adadelta", "RMSProp",
                    "RMSPropMomentum", "CenteredRMSProp", "Adam", "Ftrl", "FtrlL1L2")
    # No Keras 3 counterpart: the pair builds Keras' closest and the test measures the difference.
    closest_only: tuple = ("ProximalAdagrad", "AdagradDA")
    learning_rate: float = 0.01
    adadelta_learning_rate: float = 1.0  # Adadelta's rate scales an already unit-free step
    momentum: float = 0.9
    adagrad_initial_accumulator: float = 0.1  # TF1's default (Keras 3's too; Keras 2's was 0)
    adadelta_rho: float = 0.95
    adadelta_epsilon: float = 1e-8       # TF1's default; Keras' is 1e-7
    rmsprop_decay: float = 0.95          # TF1's default is 0.9, which is Keras' default rho
    rmsprop_momentum: float = 0.5
    rmsprop_epsilon: float = 1e-10       # TF1's default, inside the square root; Keras' 1e-7
    # Adam at 1e-2 on the MLP amplifies Keras 3's float32 beta powers (PITFALLS #8) to 2.5e-3
    # in 10 steps (seed 1): its usual 1e-3 keeps the comparison tight.
    adam_learning_rate: float = 1e-3
    adam_beta_1: float = 0.9
    adam_beta_2: float = 0.999
    adam_epsilon: float = 1e-8           # TF1's default; Keras' is 1e-7
    ftrl_learning_rate_power: float = -0.5
    ftrl_initial_accumulator: float = 0.1
    ftrl_l1: float = 0.01
    ftrl_l2: float = 0.01
    proximal_l1: float = 0.01
    proximal_l2: float = 0.01
    adagrad_da_initial_accumulator: float = 0.1
    steps: int = 10                      # optimizer steps of the check
    mlp_batch_size: int = 50             # the gradient-noisy model: MNIST MLP, batches of 50
    mlp_hidden_units: int = 100


@dataclasses.dataclass(frozen=True)
class LrSchedules:
    schedules: tuple = ("exponential", "exponential_staircase", "piecewise_constant",
                        "polynomial", "cosine", "manual")
    # Gradient descent on the handbook's two-sample regression (the optimizers pair's small
    # model), which diverges above a rate of ~0.02.
    initial_learning_rate: float = 0.01
    decay_steps: int = 3
    decay_rate: float = 0.5
    boundaries: tuple = (3, 6)
    values: tuple = (0.01, 0.005, 0.001)
    end_learning_rate: float = 0.001
    power: float = 2.0
    cosine_alpha: float = 0.1
    # The manual schedule: the rate fed through a placeholder, divided by 10 every 4 steps.
    manual_every: int = 4
    manual_factor: float = 0.1
    steps: int = 10


OPTIMIZERS = Optimizers()
LR_SCHEDULES = LrSchedules()
