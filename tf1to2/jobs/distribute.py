"""Main job of the scale-out pairs: `tf1to2 compare multi_worker --train`."""
import json
import os
import sys
import time

from tf1to2 import harness
from tf1to2.errors import UserError
from tf1to2.hparams.distribute import MULTI_WORKER as HP
from tf1to2.jobs import default_plot_path, plot_curves
from tf1to2.tolerances import distribute as dtol


def single_device(seed, steps):
    """The reference: the mlp's model and mean loss on ONE device, whole global batches, SGD.

    Returns each step's loss and the weights after the last one (by TF1 name).
    """
    import keras
    import tensorflow as tf

    from tf1to2 import data, hparams
    from tf2_style import mlp
    mnist = data.mnist(hparams.MNIST_TRAINING.check_data_source)
    batches = mnist.random_batches(HP.global_batch_size, steps, seed)
    images, _ = next(mnist.random_batches(HP.global_batch_size, 1, seed))
    keras.utils.set_random_seed(seed)
    model = mlp.build_model(images[:1])
    optimizer = keras.optimizers.SGD(learning_rate=HP.learning_rate)
    losses = []
    for batch_images, batch_labels in batches:
        with tf.GradientTape() as tape:
            loss = mlp.compute_loss(batch_labels, model(batch_images))
        optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables),
                                      model.trainable_variables))
        losses.append(float(loss))
    return losses, {name: variable.numpy() for name, variable in mlp.tf1_names(model).items()}


def multi_worker(args):
    """Train both sides of multi_worker across real processes and compare them with one device.

    ``--steps`` is the number of global batches of 50 (default ``MULTI_WORKER.train_steps``).
    Each side runs twice: with two workers (the pair: rows i::2 of every batch per worker) and
    with one worker (the whole batch), each run in fresh processes on 127.0.0.1 with a time
    bound. Prints every step's loss for one device, TF1 and TF2 side by side, checks the
    two-worker losses and final weights of both sides against one device and against each
    other (REPLICA_SGD), reports the wall time per training step (the loop only, measured by
    the chief; process start-up and connection excluded) for one and two workers with the
    machine's load average, and writes the loss curves to a PNG. True when everything agrees.
    """
    job_start = time.perf_counter()
    steps = HP.train_steps if args.steps is None else args.steps
    if steps < 1:
        raise UserError(f"--steps (global batches) must be 1 or more for --train, not {steps}")
    plot_path = default_plot_path(args, "multi_worker")
    progress = sys.stderr if args.json else sys.stdout  # --json: stdout holds only the JSON
    print(f"multi_worker: {steps} global batches of {HP.global_batch_size} (SGD "
          f"{HP.learning_rate:g}), the same on both sides, across processes on 127.0.0.1; "
          f"seed {args.seed}", file=progress, flush=True)

    reference_losses, reference_weights = single_device(args.seed, steps)
    tf1_module, tf2_module = harness.side_modules("multi_worker")
    traces, per_step, wall = {}, {}, {}
    for label, module in (("TF1", tf1_module), ("TF2", tf2_module)):
        for workers in (1, HP.replicas):
            start = time.perf_counter()
            traces[label, workers], per_step[label, workers] = module.run_cluster(
                args.seed, steps, workers=workers)
            wall[label, workers] = time.perf_counter() - start
            print(f"{label}, {workers} worker(s): {wall[label, workers]:.1f} s in all, "
                  f"{per_step[label, workers] * 1000:.1f} ms per step, final loss "
                  f"{traces[label, workers].losses[-1]:.4f}", file=progress, flush=True)

    reference = harness.Trace(losses=reference_losses, trajectory=[reference_weights])
    checks = []
    for (label, workers), trace in traces.items():
        final = harness.Trace(losses=trace.losses, trajectory=[trace.final_variables])
        for quantity in ("losses", "trajectory"):
            check = harness.compare_values(quantity, getattr(reference, quantity),
                                           getattr(final, quantity), dtol.REPLICA_SGD)
            check.quantity = f"{label} {workers} worker(s) vs one device: {quantity}"
            checks.append(check)
    two = HP.replicas
    for quantity in ("losses", "trajectory", "metrics"):
        check = harness.compare_values(quantity, getattr(traces["TF1", two], quantity),
                                       getattr(traces["TF2", two], quantity),
                                       dtol.REPLICA_SGD if quantity != "metrics" else
                                       harness.resolve("multi_worker").tolerance("metrics"))
        check.quantity = f"TF1 vs TF2, {two} workers: {quantity}"
        checks.append(check)
    agree = all(check.ok for check in checks)
    path = plot_curves(plot_path, f"multi_worker: training loss per step, {two} workers "
                                  f"(seed {args.seed})", "sparse softmax cross-entropy",
                       {"one device": reference_losses,
                        "TF1 (ps + SyncReplicasOptimizer)": traces["TF1", two].losses,
                        "TF2 (MultiWorkerMirroredStrategy)": traces["TF2", two].losses})
    load = os.getloadavg()
    if args.json:
        print(json.dumps({
            "example": "multi_worker", "seed": args.seed, "steps": steps, "agree": agree,
            "losses": {"one_device": reference_losses, "tf1": traces["TF1", two].losses,
                       "tf2": traces["TF2", two].losses},
            "final_loss": {"tf1": float(traces["TF1", two].losses[-1]),
                           "tf2": float(traces["TF2", two].losses[-1])},
            "seconds_per_step": {f"{label.lower()}_{workers}_workers": value
                                 for (label, workers), value in per_step.items()},
            "wall_seconds": {f"{label.lower()}_{workers}_workers": value
                             for (label, workers), value in wall.items()},
            "load_average": load, "plot": path,
            "checks": [check.as_dict() for check in checks]}))
        return agree
    print(f"\n{'step':>4} {'one device':>12} {'TF1 ' + str(two) + ' workers':>14} "
          f"{'TF2 ' + str(two) + ' workers':>14}")
    for step, losses in enumerate(zip(reference_losses, traces["TF1", two].losses,
                                      traces["TF2", two].losses), 1):
        print(f"{step:>4} " + " ".join(f"{loss:>{width}.6f}"
                                       for loss, width in zip(losses, (12, 14, 14))))
    print(f"\nwall time per training step (the loop only; load average {load[0]:.2f} on "
          f"{os.cpu_count()} cores):")
    for label in ("TF1", "TF2"):
        print(f"  {label}: 1 worker {per_step[label, 1] * 1000:.1f} ms, {two} workers "
              f"{per_step[label, two] * 1000:.1f} ms")
    for check in checks:
        print(f"  {'ok  ' if check.ok else 'FAIL'} {check.quantity}: max abs diff "
              f"{check.max_abs_diff:.2e} ({check.tolerance.name})")
    print(f"loss curves: {path}")
    print(f"wall time: {time.perf_counter() - job_start:.1f} s")
    print("AGREE" if agree else "DISAGREE")
    return agree
