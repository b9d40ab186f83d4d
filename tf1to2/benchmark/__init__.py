"""Speed, measured rather than asserted: the time of one TRAINING STEP of each pair, in every
form a migration can take, against the TF1 Session loop, with equivalence kept.

    tf1to2 benchmark [EXAMPLE ... | --all] [--rounds N] [--steps N] [--json PATH] [--chart PATH]

In one process, each benchmarked pair (a workload, `tf1to2.benchmark.workloads`) is run in every
form (`tf1to2.benchmark.forms`): the TF1 Session loop as the pair writes it (feed_dict), TF1 fed
by an in-graph tf.data iterator, TF2 eager, tf.function, tf.function with XLA, k steps per
tf.function call, and Keras fit where the model fits it. Rounds are interleaved
(`tf1to2.benchmark.timing`); after the warm-up round every form's weights and per-step losses are
compared with the TF1 loop's under the pair's tolerance. Prints a Markdown table
(`tf1to2.benchmark.report`), optionally writes the JSON and a PNG chart
(`tf1to2.benchmark.chart`). No test asserts a time.
"""
import os
import time

from tf1to2 import examples
from tf1to2.errors import UserError

# TensorFlow and Keras load when a benchmark runs, not when the command line imports this.


def load_average():
    return [round(value, 2) for value in os.getloadavg()]


def not_benchmarked():
    """Registered pairs that train (steps > 0) but have no workload: listed, never skipped."""
    from tf1to2.benchmark import workloads
    return [{"example": example.name, "book": example.book,
             "reason": "no workload in tf1to2.benchmark.workloads"}
            for example in examples.EXAMPLES.values()
            if example.steps > 0 and example.runnable and example.name not in workloads.WORKLOADS]


def measure(names=None, rounds=5, steps=None, seed=0, form_classes=None, progress=None):
    """Benchmark ``names`` (default: every workload): the result as a JSON-ready dict.

    ``progress(result)``, if given, is called after each pair with the result so far."""
    import keras
    import tensorflow as tf

    from tf1to2.benchmark import report, timing, workloads

    names = list(names or workloads.WORKLOADS)
    check_known(names)
    if rounds < 1 or (steps is not None and steps < 1):
        raise UserError("--rounds and --steps must be 1 or more")
    result = {"tensorflow": tf.__version__, "keras": keras.__version__,
              "cpu_count": os.cpu_count(), "load_before": load_average(), "seed": seed,
              "timing_method": timing.__doc__.strip(), "memory_method": timing.MEMORY_METHOD,
              "pairs": [], "not_benchmarked": not_benchmarked()}
    for name in names:
        workload = workloads.WORKLOADS[name]
        before, start = load_average(), time.perf_counter()
        with workload.context():
            pair = timing.measure(workload, examples.get(workload.name),
                                  steps or workload.steps, rounds, seed, form_classes)
        pair.update(load_before=before, load_after=load_average(),
                    wall_s=time.perf_counter() - start)
        result["pairs"].append(report.summarise(pair))
        result["load_after"] = load_average()
        if progress:
            progress(result)
    return result


def check_known(names):
    """A one-line error naming the pairs that have no workload, and the ones that do."""
    from tf1to2.benchmark import workloads
    unknown = [name for name in names if name not in workloads.WORKLOADS]
    if unknown:
        raise UserError(f"no benchmark workload for {', '.join(unknown)}; there are: "
                        f"{', '.join(workloads.WORKLOADS)}")


def check_writable(*paths):
    """A one-line error, before anything is measured, for an output whose directory is missing."""
    for path in paths:
        if path and not os.path.isdir(os.path.dirname(os.path.abspath(path))):
            raise UserError(f"cannot write {path}: its directory does not exist")


def run_parts(names, rounds=5, json_path=None):
    """`tf1to2 benchmark EXAMPLE... --parts`: print each pair's parts table, write the JSON."""
    import json
    from tf1to2.benchmark import parts
    from tf1to2.cli import write_atomically

    if not names:
        raise UserError("--parts needs the pairs to time, e.g. tf1to2 benchmark cnn --parts")
    check_known(names)
    check_writable(json_path)
    result = parts.run(names, rounds=max(rounds, 1))
    if json_path:
        write_atomically(json_path, json.dumps(result, indent=1))


def run(names=None, rounds=5, steps=None, json_path=None, chart_path=None):
    """`tf1to2 benchmark`: measure, print the Markdown, write the JSON and chart if asked."""
    from tf1to2.benchmark import report
    from tf1to2.cli import write_atomically

    check_writable(json_path, chart_path)
    def progress(result):  # each pair's table as it is done; files rewritten after each pair
        print(report.pair_table(result["pairs"][-1]) + "\n", flush=True)
        if json_path:
            write_atomically(json_path, report.to_json(result))
        if chart_path:
            from tf1to2.benchmark import chart
            chart.write(chart_path, result)

    result = measure(names, rounds, steps, progress=progress)
    print(report.markdown(result))
    return result
