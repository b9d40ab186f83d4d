"""Rounds, interleaved: TF1 loop, every other form, TF1 loop, ... in one process.

Round 0 is the warm-up: it holds each form's first call (tracing, compiling, Grappler) and is
never timed into the step statistics; the equivalence check compares the weights and per-step
losses each form reached after it with the TF1 loop's (every form runs the same batches from
the same initial values). Rounds 1..N are timed: per-step time = round time / steps, and the
ratio to the TF1 loop is taken round by round (the two ran seconds apart under the same load),
then its median.
"""
import os
import resource
import statistics
import time
import traceback

from tf1to2 import harness
from tf1to2.benchmark import forms as forms_module
from tf1to2.tolerances import speed as speed_tolerances

# What the memory figures mean (the JSON states it too).
MEMORY_METHOD = (
    "peak_rss_delta_mb: growth of the process's peak resident set size (getrusage ru_maxrss) "
    "while the form was built and ran its warm-up round; forms run one after another in one "
    "process, so 0 means it stayed under an earlier peak. rss_delta_mb: growth of the current "
    "resident set size (/proc/self/statm) over the same span (memory the form keeps).")


def _rss_mb():
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return float("nan")


def _peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def steps_per_call(steps, largest=100):
    """The largest divisor of ``steps`` up to ``largest``: calls of equal size cover a round."""
    return max(k for k in range(1, min(steps, largest) + 1) if steps % k == 0)


def _spread(values):
    values = sorted(values)
    quartiles = statistics.quantiles(values, n=4) if len(values) > 1 else values * 3
    return {"median": statistics.median(values), "min": values[0], "max": values[-1],
            "q1": quartiles[0], "q3": quartiles[-1]}


def tolerances(example, form):
    """The tolerances a form's weights and losses are held to: the pair's own for the
    trajectory and the losses, or for XLA forms speed.XLA where it is the larger."""
    chosen = {quantity: example.tolerance(quantity) for quantity in ("trajectory", "losses")}
    if form.xla:
        chosen = {quantity: speed_tolerances.for_xla(tolerance)
                  for quantity, tolerance in chosen.items()}
    return chosen


def check(example, form, reference_weights, reference_losses, weights, losses):
    chosen = tolerances(example, form)
    checks = [harness.compare_values("weights", reference_weights, weights,
                                     chosen["trajectory"])]
    if losses is not None:
        checks.append(harness.compare_values("losses", list(reference_losses), list(losses),
                                             chosen["losses"]))
    return checks


def measure(workload, example, steps, rounds, seed=0, form_classes=None, largest_k=100):
    """Every form of ``workload`` for ``rounds`` timed rounds of ``steps`` steps: a dict."""
    batches = workload.batches(seed, steps)
    k = steps_per_call(steps, largest_k)
    classes = form_classes or forms_module.FORMS
    results, active = {}, []
    reference = None
    for form_class in classes:
        calls = k if form_class in forms_module.K_STEP_FORMS else 1
        form = form_class(workload, seed, batches, calls)
        result = results[form.name] = {"form": form.name, "side": form.side,
                                       "description": form.description,
                                       "steps_per_call": calls, "xla": form.xla}
        if form.name in workload.not_applicable:
            result.update(status="n/a", reason=workload.not_applicable[form.name])
            continue
        peak, rss = _peak_mb(), _rss_mb()
        try:
            start = time.perf_counter()
            form.build(None if reference is None else reference["initial"])
            result["build_s"] = time.perf_counter() - start
            initial = form.read() if reference is None else None
            start = time.perf_counter()
            losses = form.run()  # round 0: warm-up and equivalence
            result["warmup_round_s"] = time.perf_counter() - start
            weights = form.read()
        except forms_module.NotApplicable as reason:
            result.update(status="n/a", reason=str(reason))
            continue
        except Exception as error:  # reported per form: one failing form does not hide the rest
            result.update(status="error", reason=harness_error(error))
            continue
        result.update(first_call_s=form.first_call_seconds,
                      peak_rss_delta_mb=max(0.0, _peak_mb() - peak),
                      rss_delta_mb=_rss_mb() - rss)
        if reference is None:
            reference = {"initial": initial, "weights": weights, "losses": losses}
        checks = check(example, form, reference["weights"], reference["losses"], weights, losses)
        result.update(status="ok", checks=[c.as_dict() for c in checks],
                      equivalent=all(c.ok for c in checks), seconds=[])
        active.append((form, result))
    for _ in range(rounds):
        for form, result in active:
            start = time.perf_counter()
            form.run()
            result["seconds"].append(time.perf_counter() - start)
    for form, result in active:
        form.close()
    tf1_seconds = active[0][1]["seconds"] if active and active[0][0].side == "TF1" else None
    for form, result in active:
        seconds = result.pop("seconds")
        result["per_step_ms"] = _spread([1000 * s / steps for s in seconds])
        result["traces"] = form.traces if form.traces is not None and not isinstance(
            form, forms_module.Eager) else None
        # Traced once per distinct call signature: more means it retraced while timed.
        result["retraced"] = bool(result["traces"] and result["traces"] > 1)
        if tf1_seconds:
            result["ratio_to_tf1_loop"] = _spread([s / t for s, t in zip(seconds, tf1_seconds)])
    return {"example": workload.key, "book": workload.book, "kind": workload.kind,
            "goal": workload.goal, "file_form": workload.file_form, "steps": steps,
            "rounds": rounds, "seed": seed, "steps_per_call": k, "forms": list(results.values())}


def harness_error(error):
    lines = traceback.format_exception_only(type(error), error)
    return " ".join(line.strip() for line in lines)[:300]
