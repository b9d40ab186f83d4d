"""Named tolerances of the Géron ch. 12 pairs, with the measurements behind them."""
from tf1to2.tolerances import Tolerance

NOISE_STATISTICS = Tolerance(
    "NOISE_STATISTICS", 0.02, 0.0,
    "Mean and standard deviation of 100,000 draws of a Gaussian-noise layer (stddev 1) in "
    "training: the TF1 graph and the TF2 eager layer draw different samples, so only their "
    "statistics can agree. The standard error of the difference is 0.0045 for the means and "
    "0.0032 for the standard deviations; measured differences up to 0.0053 on seeds 0-5. 0.02 "
    "is 4.4 standard errors of the means; noise of stddev 1.1 instead of 1 costs 0.1, no noise "
    "in training 1.0.")
