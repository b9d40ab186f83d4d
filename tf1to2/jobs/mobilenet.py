"""Main job of the mobilenet_v2 pair (`tf1to2 compare mobilenet_v2 --train`)."""
import itertools
import json
import sys
import time

import numpy as np

from tf1to2 import data, harness
from tf1to2.data import mnist_images
from tf1to2.errors import UserError
from tf1to2.hparams.applications import MOBILENET_V2
from tf1to2.jobs import default_plot_path, plot_curves
from tf1to2.tolerances import applications as app_tol


def progress_bar(label, total, stream, width=30):
    """``on_step(step, loss)`` for train_and_evaluate: one line per side, rewritten each step."""
    def on_step(step, loss):
        done = width * step // total
        bar = "=" * done + "." * (width - done)
        print(f"\r{label} {step}/{total} [{bar}] loss {float(loss):.4f}",
              end="\n" if step == total else "", file=stream, flush=True)
    return on_step


def windowed(losses, window):
    """The mean loss of each run of ``window`` batches (a last shorter run: its own mean)."""
    return np.array([np.mean(losses[start:start + window])
                     for start in range(0, len(losses), window)], np.float32)


def train_mobilenet_v2(args):
    """Train both sides of mobilenet_v2 for one pass over the five-class data and compare them.

    ``--steps`` is the number of batches (default: ``train_epochs`` passes over the training
    split, each a seeded permutation cut into batches of ``batch_size``, the same on both
    sides). The data is tf_flowers when it can be loaded, else the bundled MNIST digits 0-4
    (the first line says which). The TF1 side trains from its own initialisation, the TF2 side
    from the TF1 initial values through its name map. Prints a progress bar per side (stderr),
    both eval accuracies side by side, the comparison of the mean loss over each window of
    ``loss_window`` batches and of the accuracy, and writes both loss curves to one PNG.
    """
    job_start = time.perf_counter()
    HP = MOBILENET_V2
    name = "mobilenet_v2"
    if args.steps is not None and args.steps < 1:  # before the data: loading it may take a while
        raise UserError(f"--steps (batches) must be 1 or more for --train, not {args.steps}")
    images = mnist_images.five_classes(HP.image_size, HP.train_data_source)
    per_epoch = len(images.train_labels) // HP.batch_size
    steps = HP.train_epochs * per_epoch if args.steps is None else args.steps
    plot_path = default_plot_path(args, name)
    progress = sys.stderr if args.json else sys.stdout  # --json: stdout holds only the JSON
    print(f"data: {images.source}", file=progress)
    print(f"{name}: {steps} batches of {HP.batch_size} ({steps / per_epoch:.2f} passes, each a "
          f"seeded permutation), the same on both sides; MobileNetV2 alpha {HP.alpha:g} at "
          f"{HP.image_size}x{HP.image_size}, Adam {HP.learning_rate:g}; seed {args.seed}",
          file=progress, flush=True)

    traces, seconds = {}, {}
    for label, module in zip(("TF1", "TF2"), harness.side_modules(name)):
        batches = itertools.islice(
            data.epoch_batches(images, HP.batch_size, -(-steps // per_epoch), args.seed), steps)
        start = time.perf_counter()
        traces[label] = module.train_and_evaluate(
            args.seed, images, batches,
            initial_values=traces["TF1"].variables if label == "TF2" else None,
            on_step=progress_bar(label, steps, sys.stderr))
        seconds[label] = time.perf_counter() - start

    # Over a pass the two runs drift apart batch by batch (Adam turns rounding noise into steps
    # of the learning rate; see the guide): the curves are compared by their mean over windows
    # of loss_window batches, and the eval accuracy.
    tolerance = {"losses": app_tol.MOBILENET_V2_FULL_PASS,
                 "metrics": app_tol.MOBILENET_V2_ACCURACY}
    windows = {label: windowed(trace.losses, HP.loss_window) for label, trace in traces.items()}
    checks = [harness.compare_values("losses", windows["TF1"], windows["TF2"],
                                     tolerance["losses"]),
              harness.compare_values("metrics", traces["TF1"].metrics, traces["TF2"].metrics,
                                     tolerance["metrics"])]
    report = harness.Report(name, args.seed, steps, checks, traces["TF1"], traces["TF2"],
                            sum(seconds.values()))
    accuracy = {label.lower(): float(trace.metrics["eval_accuracy"])
                for label, trace in traces.items()}
    path = plot_curves(plot_path, f"{name}: training loss per batch, TF1 vs TF2 (seed {args.seed})",
                       "sparse softmax cross-entropy",
                       {"TF1 (tf_keras MobileNetV2, Session)": traces["TF1"].losses,
                        "TF2 (Keras 3 MobileNetV2, tf.function)": traces["TF2"].losses},
                       xlabel="batch")
    if args.json:
        print(json.dumps({"example": name, "seed": args.seed, "steps": steps,
                          "data": images.source, "equivalent": report.equivalent,
                          "eval_accuracy": accuracy,
                          "losses": {label.lower(): trace.losses
                                     for label, trace in traces.items()},
                          "loss_windows": {label.lower(): values.tolist()
                                           for label, values in windows.items()},
                          "seconds": {**seconds, "wall": time.perf_counter() - job_start},
                          "plot": path, "checks": [check.as_dict() for check in checks]}))
    else:
        print(f"{'':>14} {'TF1':>8} {'TF2':>8}")
        print(f"{'eval accuracy':>14} {accuracy['tf1']:>8.4f} {accuracy['tf2']:>8.4f}  "
              f"(difference {accuracy['tf2'] - accuracy['tf1']:+.4f}, tolerance "
              f"{tolerance['metrics'].name} ±{tolerance['metrics'].atol:g})")
        last = {label: trace.losses[-1] for label, trace in traces.items()}
        print(f"{'last loss':>14} {last['TF1']:>8.4f} {last['TF2']:>8.4f}")
        print(f"{'seconds':>14} {seconds['TF1']:>8.1f} {seconds['TF2']:>8.1f}")
        print(f"mean loss per {HP.loss_window} batches: "
              + ", ".join(f"{a:.3f}/{b:.3f}" for a, b in zip(windows["TF1"], windows["TF2"]))
              + " (TF1/TF2)")
        print(report.table())
        print(f"loss curves: {path}")
        print(f"wall time: {time.perf_counter() - job_start:.1f} s")
    return report.equivalent
