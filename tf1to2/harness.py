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
# Checks a report adds after them: each TF2 step from the TF1 state of that step (pairs whose
# trace records through tf1to2.tracing), and each side's own initialisers (on request).
DERIVED = ("step_by_step", "initialisation")


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


class SideError(Exception):
    """One side of a comparison raised: there is no verdict, only the error."""


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
    # Set when a side raised instead of returning a trace: "TF2 side raised ValueError: ...".
    # A crash is not a verdict: such a report is neither equivalent nor "not equivalent".
    error: str = ""

    @property
    def equivalent(self):
        return not self.error and bool(self.checks) and all(check.ok for check in self.checks)

    def check(self, quantity):
        if self.error:
            raise SideError(f"{self.example}: {self.error}")
        for check in self.checks:
            if check.quantity == quantity:
                return check
        raise KeyError(f"{self.example} has no {quantity!r} check; it has "
                       f"{[c.quantity for c in self.checks]}")

    def table(self):
        if self.error:
            return f"{self.example} (seed {self.seed}, {self.steps} steps): ERROR: {self.error}"
        # max rel diff is |tf1 - tf2| / |tf1| at the worst element: large where a TF1 value is
        # near zero, so it can be large in a check that passes (the rule is atol + rtol·|tf1|).
        rows = [f"{'quantity':<14} {'max abs diff':>13} {'max rel diff':>13}  "
                f"{'tolerance':<18} {'ok':<3}"]
        for c in self.checks:
            rows.append(f"{c.quantity:<14} {c.max_abs_diff:>13.3e} {c.max_rel_diff:>13.3e}  "
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


def dtypes(value, prefix=""):
    """The dtype of every leaf of a quantity, by the paths of :func:`flatten`.

    A Python float is float64 and a Python int int64 (numpy's reading), as ``np.asarray`` gives.
    """
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, (list, tuple)) and value and isinstance(value[0], (dict, list, tuple)):
        items = ((str(i), v) for i, v in enumerate(value))
    else:
        return {prefix: np.asarray(value).dtype}
    result = {}
    for key, item in items:
        result.update(dtypes(item, f"{prefix}/{key}" if prefix else str(key)))
    return result


def compare_values(quantity, tf1_value, tf2_value, tolerance):
    """One check: the same names, shapes and dtypes, and every element within the tolerance."""
    tf1_flat, tf2_flat = flatten(tf1_value), flatten(tf2_value)
    missing, extra = sorted(set(tf1_flat) - set(tf2_flat)), sorted(set(tf2_flat) - set(tf1_flat))
    if missing or extra:
        return Check(quantity, np.inf, np.inf, tolerance, False,
                     f"TF2 lacks {missing}" * bool(missing) + " " * bool(missing and extra)
                     + f"TF2 has extra {extra}" * bool(extra))
    tf1_dtypes, tf2_dtypes = dtypes(tf1_value), dtypes(tf2_value)
    for name in tf1_flat:
        if tf1_dtypes[name] != tf2_dtypes[name]:
            return Check(quantity, np.inf, np.inf, tolerance, False,
                         f"{name}: dtype {tf1_dtypes[name]} (TF1) vs {tf2_dtypes[name]} (TF2)")
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
            # Non-finite entries must be the same NaN or infinity at the same places; the finite
            # ones are compared under the tolerance as usual.
            finite = np.isfinite(tf1_array)
            if not (np.array_equal(finite, np.isfinite(tf2_array))
                    and np.array_equal(tf1_array[~finite], tf2_array[~finite], equal_nan=True)):
                return Check(quantity, np.inf, np.inf, tolerance, False, f"{name}: NaN/inf differ")
            diff = np.where(finite, diff, 0.0)
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


def compare(name, seed=0, steps=None, initial_values=None, initialisation=False):
    """Run both sides of an example and check every quantity the TF1 side traced.

    ``initial_values`` (by TF1 name) overrides the initialisation on both sides; without it the
    TF1 side initialises as the original code does and, for examples aligned by copying, the
    TF2 side starts from the TF1 values through its name map. ``initialisation=True`` adds
    the ``initialisation`` check to a pair aligned by copying (:mod:`tf1to2.initialisation`:
    both sides' own initialisers over several seeded draws).
    """
    example = resolve(name)
    if not example.runnable:
        raise UserError(f"{example.name} is a guide only: its TF1 side cannot run on today's "
                        f"TensorFlow (see docs/{example.name}.md)")
    steps = example.steps if steps is None else steps
    if steps < 0:
        raise UserError(f"--steps must be 0 or more, not {steps}")
    tf1_module, tf2_module = example.modules()
    start = time.perf_counter()
    from tf1to2 import tracing  # it builds on this module
    with tracing.recording_states():
        tf1_trace = run_side("TF1", tf1_module, seed, steps, initial_values)
    if isinstance(tf1_trace, str):
        return Report(example.name, seed, steps, [], Trace(), Trace(),
                      time.perf_counter() - start, error=tf1_trace)
    if initial_values is None and example.alignment == "copy":
        initial_values = tf1_trace.variables
    tf2_trace = run_side("TF2", tf2_module, seed, steps, initial_values)
    if isinstance(tf2_trace, str):
        return Report(example.name, seed, steps, [], tf1_trace, Trace(),
                      time.perf_counter() - start, error=tf2_trace)
    checks = []
    for quantity in QUANTITIES:
        tf1_value, tf2_value = getattr(tf1_trace, quantity), getattr(tf2_trace, quantity)
        if not len(tf1_value) and not len(tf2_value):
            continue
        checks.append(compare_values(quantity, tf1_value, tf2_value, example.tolerance(quantity)))
    try:
        step_check = tracing.step_by_step(example, tf1_trace, seed, steps, initial_values)
    except UserError:
        raise
    except Exception as error:  # noqa: BLE001  (the TF2 side crashed under teacher forcing)
        return Report(example.name, seed, steps, checks, tf1_trace, tf2_trace,
                      time.perf_counter() - start,
                      error=f"TF2 side raised {type(error).__name__} under teacher forcing: "
                            f"{one_line(error)}")
    if step_check is not None:
        checks.append(step_check)
    if initialisation and example.alignment == "copy":
        from tf1to2 import initialisation as own_initialisers  # it builds on this module
        checks.append(own_initialisers.compare_initialisation(example))
    return Report(example.name, seed, steps, checks, tf1_trace, tf2_trace,
                  time.perf_counter() - start)


def one_line(error, limit=300):
    """An exception's message on one line, shortened in the middle: Keras and tf.function put
    the context first ("in user code: ...") and the cause last, and both are worth reading."""
    text = " ".join(str(error).split())
    if len(text) <= limit:
        return text
    return f"{text[:limit // 3]} … {text[-(limit - limit // 3 - 3):]}"


def run_side(label, module, seed, steps, initial_values):
    """One side's trace, or a one-line description of the exception it raised.

    A :class:`UserError` (a wrong name map, bad initial values) is bad input and propagates;
    anything else is the side's own crash, which the report shows as such.
    """
    try:
        return module.trace(seed=seed, steps=steps, initial_values=initial_values)
    except UserError:
        raise
    except Exception as error:  # noqa: BLE001  (any crash of user code becomes the verdict)
        return f"{label} side raised {type(error).__name__}" + (
            f": {one_line(error)}" if str(error).strip() else "")


def random_initial_values(variables, seed, scale=0.5):
    """Seeded random values shaped like ``variables``: a start where a wrong name map shows.

    Zero-initialised examples (the book's linear models) cannot tell a kernel from a bias or a
    transposed kernel; the tests also start both sides from these values.
    """
    rng = np.random.default_rng(seed)
    return {name: (scale * rng.standard_normal(np.shape(value))).astype(np.float32)
            for name, value in variables.items()}
