"""The ``initialisation`` check: each side's own initialisers, compared (PITFALLS #28).

A pair aligned by copying starts its TF2 side from the TF1 values, so the TF2 initialisers never
run in the other checks: a Keras ``Dense`` left at ``glorot_uniform`` where the TF1 code has
``zeros_initializer``, or ``LSTMCell(unit_forget_bias=False)`` against
``BasicLSTMCell(forget_bias=1.0)``, passes them all, yet the TF2 program trained from scratch
is not the TF1 program. Here both sides build from their own initialisers (``trace`` with
``steps=0`` and no initial values) over several seeds ("draws"), and their values are read in
TF1 layout (through the TF2 name map: a folded forget bias is taken out again):

- a variable whose TF1 values are the same in every draw is **deterministic** (zeros, ones,
  constants): the TF2 values must be equal to them, exactly, in every draw;
- any other variable is **random**: the TF2 draws must come from the same distribution. The
  pooled elements of all draws of each side are compared by the two-sample Kolmogorov-Smirnov
  statistic D (the largest gap between the two empirical distribution functions), which sees a
  different family (uniform vs normal) as well as a different scale, against its critical value
  at significance ``ALPHA``; the report also gives both sides' mean, standard deviation and bounds.
"""
import math

import numpy as np

from tf1to2 import harness, tolerances

# Significance of the KS test: with dozens of random variables checked per pair and the suite run
# on every commit, a false alarm must be rare (one in a million per variable).
ALPHA = 1e-6
KS_COEFFICIENT = math.sqrt(-math.log(ALPHA / 2) / 2)   # c(alpha) = 2.69
MIN_DRAWS, MAX_DRAWS = 3, 4
SAMPLES_WANTED = 200        # pooled elements per side that the smallest random variable should reach
MAX_SAMPLES = 200_000       # elements per side kept for the KS statistic (an even subsample)

INITIALISATION = tolerances.Tolerance(
    "INIT_DISTRIBUTION", 0.0, 0.0,
    f"Deterministic initial values (zeros, constants, a folded forget bias) equal exactly; random "
    f"ones of the same distribution: two-sample Kolmogorov-Smirnov D <= c·sqrt((n+m)/(n·m)), "
    f"c = {KS_COEFFICIENT:.2f} (significance {ALPHA:g}) over {MIN_DRAWS}-{MAX_DRAWS} seeded draws "
    f"per side. Measured (numpy draws, 4 per side): glorot_uniform against glorot_uniform "
    f"0.43 of the critical value, against a normal of the same standard deviation 6.3 times it "
    f"(784x100 kernel); on the pairs' own equal initialisers 0.25-0.52 (linear_classifier, "
    f"the walk-through's LSTM, custom_functions). Small variables (a [8, 30] "
    f"kernel) cannot tell uniform from normal (0.52): the check is as strong as the draws allow.")


def ks_statistic(a, b):
    """The two-sample Kolmogorov-Smirnov statistic of two 1-D samples."""
    a, b = np.sort(a), np.sort(b)
    values = np.concatenate([a, b])
    cdf_a = np.searchsorted(a, values, side="right") / a.size
    cdf_b = np.searchsorted(b, values, side="right") / b.size
    return float(np.abs(cdf_a - cdf_b).max())


def _subsample(values):
    values = np.asarray(values, np.float64).ravel()
    if values.size > MAX_SAMPLES:
        values = values[:: math.ceil(values.size / MAX_SAMPLES)]
    return values


def _summary(values):
    return (f"mean {values.mean():+.3g} std {values.std():.3g} "
            f"[{values.min():+.3g}, {values.max():+.3g}]")


def draws_needed(first, second):
    """Draws so that the smallest random variable reaches SAMPLES_WANTED pooled elements.

    Random variables are those whose TF1 values differ between two draws (``first``,
    ``second``); deterministic ones need no more than those two draws.
    """
    sizes = [np.size(value) for name, value in first.items()
             if not np.array_equal(value, second[name])]
    if not sizes:
        return MIN_DRAWS
    return int(min(MAX_DRAWS, max(MIN_DRAWS, math.ceil(SAMPLES_WANTED / max(min(sizes), 1)))))


def own_initial_values(module, seeds):
    """A side's own initial variables for each seed (``trace`` with no steps, no start)."""
    return [module.trace(seed=seed, steps=0, initial_values=None).variables for seed in seeds]


def compare_draws(tf1_draws, tf2_draws):
    """The check over the draws of both sides; each draw is {TF1 name: initial value}."""
    names = set(tf1_draws[0])
    missing, extra = sorted(names - set(tf2_draws[0])), sorted(set(tf2_draws[0]) - names)
    if missing or extra:
        return harness.Check("initialisation", np.inf, np.inf, INITIALISATION, False,
                             f"TF2 lacks {missing}" * bool(missing)
                             + f" TF2 has extra {extra}" * bool(extra))
    worst_abs, worst_ratio, failures = 0.0, 0.0, []
    for name in sorted(names):
        tf1_values = [np.asarray(draw[name]) for draw in tf1_draws]
        tf2_values = [np.asarray(draw[name]) for draw in tf2_draws]
        if tf1_values[0].shape != tf2_values[0].shape:
            return harness.Check("initialisation", np.inf, np.inf, INITIALISATION, False,
                                 f"{name}: shape {tf1_values[0].shape} (TF1) vs "
                                 f"{tf2_values[0].shape} (TF2)")
        if all(np.array_equal(tf1_values[0], value) for value in tf1_values[1:]):
            difference = max(float(np.abs(a.astype(np.float64) - b).max(initial=0.0))
                             for a, b in zip(tf1_values, tf2_values))
            worst_abs = max(worst_abs, difference)
            if difference > 0:
                failures.append(f"{name}: TF1 initialises it to fixed values "
                                f"({_summary(tf1_values[0].astype(np.float64))}), TF2 to "
                                f"{_summary(tf2_values[0].astype(np.float64))}")
            continue
        if all(np.array_equal(tf2_values[0], value) for value in tf2_values[1:]):
            worst_abs = max(worst_abs, float(np.abs(tf1_values[0].astype(np.float64)
                                                    - tf2_values[0]).max(initial=0.0)))
            failures.append(f"{name}: TF1 draws it at random "
                            f"({_summary(tf1_values[0].astype(np.float64))}), TF2 initialises it "
                            f"to fixed values ({_summary(tf2_values[0].astype(np.float64))})")
            continue
        tf1_pool = _subsample(np.concatenate([v.ravel() for v in tf1_values]))
        tf2_pool = _subsample(np.concatenate([v.ravel() for v in tf2_values]))
        statistic = ks_statistic(tf1_pool, tf2_pool)
        critical = KS_COEFFICIENT * math.sqrt((tf1_pool.size + tf2_pool.size)
                                              / (tf1_pool.size * tf2_pool.size))
        worst_ratio = max(worst_ratio, statistic / critical)
        if statistic > critical:
            failures.append(f"{name}: TF1 draws {_summary(tf1_pool)}, TF2 draws "
                            f"{_summary(tf2_pool)}: KS D {statistic:.3f} > {critical:.3f}")
    return harness.Check("initialisation", worst_abs, worst_ratio, INITIALISATION,
                         not failures, "; ".join(failures))


def compare_initialisation(example, seeds=None):
    """The ``initialisation`` check of an example (a name or an Example) aligned by copying.

    ``max_abs_diff`` of the check is the largest difference of a deterministic value,
    ``max_rel_diff`` the largest KS statistic as a fraction of its critical value.
    """
    tf1_module, tf2_module = harness.side_modules(example)
    if seeds is None:
        tf1_draws = own_initial_values(tf1_module, range(MIN_DRAWS))
        tf1_draws += own_initial_values(
            tf1_module, range(MIN_DRAWS, draws_needed(tf1_draws[0], tf1_draws[1])))
        seeds = range(len(tf1_draws))
    else:
        tf1_draws = own_initial_values(tf1_module, seeds)
    tf2_draws = own_initial_values(tf2_module, seeds)
    return compare_draws(tf1_draws, tf2_draws)
