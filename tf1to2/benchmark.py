"""Speed, measured rather than asserted: wall time of each side's ``trace`` per example.

    tf1to2 benchmark [EXAMPLE ...] [--repeat N] [--steps N]

Prints a Markdown table (example, steps, TF1 seconds, TF2 seconds, TF2/TF1) of the median of
N runs after one warm-up run; the README's results table comes from it. No test asserts a time.
"""
import statistics
import time

from tf1to2 import examples, harness


def time_side(module, steps, repeat):
    module.trace(seed=0, steps=steps)  # warm-up: imports, first graph construction, tracing
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        module.trace(seed=0, steps=steps)
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def run(names, repeat=3, steps=None):
    rows = ["| example | steps | TF1 s | TF2 s | TF2/TF1 |", "|---|---:|---:|---:|---:|"]
    print("\n".join(rows), flush=True)
    for name in names or list(examples.EXAMPLES):
        example = examples.get(name)
        example_steps = example.steps if steps is None else steps
        tf1_module, tf2_module = harness.side_modules(name)
        tf1_seconds = time_side(tf1_module, example_steps, repeat)
        tf2_seconds = time_side(tf2_module, example_steps, repeat)
        row = (f"| {name} | {example_steps} | {tf1_seconds:.3f} | {tf2_seconds:.3f} | "
               f"{tf2_seconds / tf1_seconds:.2f} |")
        rows.append(row)
        print(row, flush=True)
    return rows
