"""Main jobs of Géron's chapter 12 pairs (`tf1to2 compare EXAMPLE --train`)."""
import json
import sys
import time

from tf1to2 import examples, harness
from tf1to2.data import housing
from tf1to2.errors import UserError
from tf1to2.hparams.geron_training import CUSTOM_TRAINING_LOOP
from tf1to2.jobs import default_plot_path, plot_curves


def custom_training_loop(args):
    """Train both sides of custom_training_loop on the whole training set and compare them.

    ``--steps`` is the number of batches (default: the book's 5 epochs of len(X_train) // 32
    random batches of 32, drawn with replacement from one seeded generator, the same for both
    sides). The TF1 side trains from its own initialisation, the TF2 side from the TF1 initial
    values through its name map. Prints a progress bar per epoch (stderr), the validation MAE
    of both sides, the comparison table (the check batch at the start, the loss of every step,
    the per-epoch metrics and the validation MAE) and writes both loss curves to one PNG.
    """
    job_start = time.perf_counter()
    HP = CUSTOM_TRAINING_LOOP
    name = "custom_training_loop"
    example = examples.get(name)
    data = housing.load("auto")
    per_epoch = len(data.X_train) // HP.batch_size
    steps = HP.epochs * per_epoch if args.steps is None else args.steps
    if steps < 1:
        raise UserError(f"--steps (batches) must be 1 or more for --train, not {steps}")
    per_epoch = min(per_epoch, steps)
    plot_path = default_plot_path(args, name)
    progress = sys.stderr if args.json else sys.stdout  # --json: stdout holds only the JSON
    print(f"data: {data.source}", file=progress)
    print(f"{name}: {steps} random batches of {HP.batch_size} ({steps / per_epoch:g} epochs of "
          f"{per_epoch}), the same on both sides; Nadam {HP.learning_rate:g}; seed {args.seed}",
          file=progress, flush=True)

    tf1_module, tf2_module = harness.side_modules(name)
    traces, seconds = {}, {}
    for label, module in (("TF1", tf1_module), ("TF2", tf2_module)):
        print(f"{label}:", file=sys.stderr, flush=True)
        start = time.perf_counter()
        traces[label] = module.train_and_evaluate(
            args.seed, data, data.random_batches(HP.batch_size, steps, args.seed), per_epoch,
            initial_values=traces["TF1"].variables if label == "TF2" else None,
            progress=sys.stderr, record_variables=False)
        seconds[label] = time.perf_counter() - start

    checks = [harness.compare_values(quantity, getattr(traces["TF1"], quantity),
                                     getattr(traces["TF2"], quantity), example.tolerance(quantity))
              for quantity in harness.QUANTITIES if quantity != "trajectory"]
    report = harness.Report(name, args.seed, steps, checks, traces["TF1"], traces["TF2"],
                            sum(seconds.values()))
    tf1_mae = float(traces["TF1"].metrics["valid_mean_absolute_error"])
    tf2_mae = float(traces["TF2"].metrics["valid_mean_absolute_error"])
    path = plot_curves(plot_path, f"{name}: training loss per step, TF1 vs TF2 (seed {args.seed})",
                       "MSE + l2 regularisation",
                       {"TF1 (tf.compat.v1, Session, NadamOptimizer)": traces["TF1"].losses,
                        "TF2 (Keras 3, tf.function, Nadam)": traces["TF2"].losses}, xlabel="step")
    if args.json:
        print(json.dumps({"example": name, "seed": args.seed, "steps": steps,
                          "data": data.source, "equivalent": report.equivalent,
                          "valid_mae": {"tf1": tf1_mae, "tf2": tf2_mae},
                          "seconds": {**seconds, "wall": time.perf_counter() - job_start},
                          "plot": path, "checks": [check.as_dict() for check in checks]}))
    else:
        print(f"validation MAE: TF1 {tf1_mae:.4f}, TF2 {tf2_mae:.4f}, difference "
              f"{tf2_mae - tf1_mae:+.2e} (tolerance {example.tolerance('metrics').name})")
        print(report.table())
        print(f"loss curves: {path}")
        print(f"TF1 {seconds['TF1']:.1f} s, TF2 {seconds['TF2']:.1f} s; wall time "
              f"{time.perf_counter() - job_start:.1f} s")
    return report.equivalent
