"""The equivalence harness: one trace per side, one comparison, one report.

Every example module, on both sides, has a function ``trace(seed, steps, initial_values=None)``
that builds the model from the shared hyperparameters and returns a :class:`Trace`: the initial
variables, the forward output and loss on the example's fixed input, the gradient of every
variable, the loss at every training step and the variables after it, and evaluation metrics.
Everything is keyed by the TF1 variable name (``dense/kernel``), so the two traces line up; the
TF2 side translates through its explicit name map (see :mod:`tf1to2.mapping`).

:func:`compare` runs the TF1 side, hands its initial values to the TF2 side (or lets the TF2
side seed itself, for examples whose initialisation is made equal by seeding) and checks every
quantity against a named tolerance (:mod:`tf1to2.tolerances`).
"""
import dataclasses
import time

import numpy as np

from tf1to2 import examples, tolerances
from tf1to2.errors import UserError

# The quantities a trace holds, in the order a report lists them.
QUANTITIES = ("variables", "outputs", "loss", "gradients", "losses", "trajectory", "metrics")


@dataclasses.dataclass
class Trace:
    """What one side computed, keyed by TF1 names. Empty fields are quantities it does not have."""
    variables: dict = dataclasses.field(default_factory=dict)   # name -> initial value
    outputs: dict = dataclasses.field(default_factory=dict)     # name -> forward output(s)
    loss: dict = dataclasses.field(default_factory=dict)        # {"loss": loss at the start}
    gradients: dict = dataclasses.field(default_factory=dict)   # name -> d loss / d variable
    losses: list = dataclasses.field(default_factory=list)      # loss at each training step
    trajectory: list = dataclasses.field(default_factory=list)  # variables after each step
    metrics: dict = dataclasses.field(default_factory=dict)     # name -> evaluation value

    def record_step(self, loss, variables):
        """Record one optimizer step: the loss it minimised and the variables after it."""
        self.losses.append(float(loss))
        self.trajectory.append({name: np.asarray(value) for name, value in variables.items()})

    @property
    def final_variables(self):
        return self.trajectory[-1] if self.trajectory else self.variables


@dataclasses.dataclass
class Check:
    quantity: str
    max_abs_diff: float
    max_rel_diff: float
    tolerance: tolerances.Tolerance
    ok: bool
    detail: str = ""   # why it failed when it is not a number: missing names, shapes

    def as_dict(self):
        return {"quantity": self.quantity, "max_abs_diff": self.max_abs_diff,
                "max_rel_diff": self.max_rel_diff, "ok": self.ok, "detail": self.detail,
                "tolerance": {"name": self.tolerance.name, "atol": self.tolerance.atol,
                              "rtol": self.tolerance.rtol}}


@dataclasses.dataclass
class Report:
    example: str
    seed: int
    steps: int
    checks: list
    tf1: Trace
    tf2: Trace
    seconds: float = 0.0

    @property
    def equivalent(self):
        return bool(self.checks) and all(check.ok for check in self.checks)

    def check(self, quantity):
        for check in self.checks:
            if check.quantity == quantity:
                return check
        raise KeyError(f"{self.example} has no {quantity!r} check; it has "
                       f"{[c.quantity for c in self.checks]}")

    def table(self):
        rows = [f"{'quantity':<12} {'max abs diff':>13} {'max rel diff':>13}  "
                f"{'tolerance':<18} {'ok':<3}"]
        for c in self.checks:
            rows.append(f"{c.quantity:<12} {c.max_abs_diff:>13.3e} {c.max_rel_diff:>13.3e}  "
                        f"{c.tolerance.name:<18} {'yes' if c.ok else 'NO'}"
                        + (f"  {c.detail}" if c.detail else ""))
        verdict = "EQUIVALENT" if self.equivalent else "NOT EQUIVALENT"
        rows.append(f"{self.example} (seed {self.seed}, {self.steps} steps): {verdict}")
        return "\n".join(rows)


def flatten(value, prefix=""):
    """A quantity as {path: float64 array}: dicts by key, lists by index, numbers as arrays."""
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, (list, tuple)) and value and isinstance(value[0], (dict, list, tuple)):
        items = ((str(i), v) for i, v in enumerate(value))
    else:
        return {prefix: np.asarray(value, dtype=np.float64)}
    flat = {}
    for key, item in items:
        flat.update(flatten(item, f"{prefix}/{key}" if prefix else str(key)))
    return flat


def compare_values(quantity, tf1_value, tf2_value, tolerance):
    """One check: the same names, the same shapes, and every element within the tolerance."""
    tf1_flat, tf2_flat = flatten(tf1_value), flatten(tf2_value)
    missing, extra = sorted(set(tf1_flat) - set(tf2_flat)), sorted(set(tf2_flat) - set(tf1_flat))
    if missing or extra:
        return Check(quantity, np.inf, np.inf, tolerance, False,
                     f"TF2 lacks {missing}" * bool(missing) + " " * bool(missing and extra)
                     + f"TF2 has extra {extra}" * bool(extra))
    max_abs = max_rel = 0.0
    ok = True
    for name, tf1_array in tf1_flat.items():
        tf2_array = tf2_flat[name]
        if tf1_array.shape != tf2_array.shape:
            return Check(quantity, np.inf, np.inf, tolerance, False,
                         f"{name}: shape {tf1_array.shape} (TF1) vs {tf2_array.shape} (TF2)")
        if tf1_array.size == 0:
            continue
        diff = np.abs(tf1_array - tf2_array)
        if not np.all(np.isfinite(diff)):
            same_nonfinite = np.array_equal(tf1_array, tf2_array, equal_nan=True)
            if not same_nonfinite:
                return Check(quantity, np.inf, np.inf, tolerance, False, f"{name}: NaN/inf differ")
            diff = np.where(np.isfinite(diff), diff, 0.0)
        max_abs = max(max_abs, float(diff.max()))
        reference = np.where(np.isfinite(tf1_array), np.abs(tf1_array), 0.0)
        max_rel = max(max_rel, float((diff / np.where(reference > 0, reference, 1.0)).max()))
        ok &= bool(np.all(diff <= tolerance.atol + tolerance.rtol * reference))
    return Check(quantity, max_abs, max_rel, tolerance, ok)


def resolve(example):
    """A registry entry: ``example`` itself, or the registered example of that name."""
    return example if isinstance(example, examples.Example) else examples.get(example)


def side_modules(example):
    """The TF1 and TF2 modules of an example (a registered name or an :class:`Example`)."""
    return resolve(example).modules()


def compare(name, seed=0, steps=None, initial_values=None):
    """Run both sides of an example and check every quantity the TF1 side traced.

    ``initial_values`` (by TF1 name) overrides the initialisation on both sides; without it the
    TF1 side initialises as the original code does and, for examples aligned by copying, the
    TF2 side starts from the TF1 values through its name map.
    """
    example = resolve(name)
    steps = example.steps if steps is None else steps
    if steps < 0:
        raise UserError(f"--steps must be 0 or more, not {steps}")
    tf1_module, tf2_module = example.modules()
    start = time.perf_counter()
    tf1_trace = tf1_module.trace(seed=seed, steps=steps, initial_values=initial_values)
    if initial_values is None and example.alignment == "copy":
        initial_values = tf1_trace.variables
    tf2_trace = tf2_module.trace(seed=seed, steps=steps, initial_values=initial_values)
    checks = []
    for quantity in QUANTITIES:
        tf1_value, tf2_value = getattr(tf1_trace, quantity), getattr(tf2_trace, quantity)
        if not len(tf1_value) and not len(tf2_value):
            continue
        checks.append(compare_values(quantity, tf1_value, tf2_value, example.tolerance(quantity)))
    return Report(example.name, seed, steps, checks, tf1_trace, tf2_trace,
                  time.perf_counter() - start)


def random_initial_values(variables, seed, scale=0.5):
    """Seeded random values shaped like ``variables``: a start where a wrong name map shows.

    Zero-initialised examples (the book's linear models) cannot tell a kernel from a bias or a
    transposed kernel; the tests also start both sides from these values.
    """
    rng = np.random.default_rng(seed)
    return {name: (scale * rng.standard_normal(np.shape(value))).astype(np.float32)
            for name, value in variables.items()}
