"""Main jobs of `tf1to2 compare EXAMPLE --train`: train both sides in full and show the result.

Each job takes the parsed command-line arguments (``seed``, ``steps``, ``episodes``, ``plot``,
``json``), prints its results, and returns True when the two sides agree. Registered in
:mod:`tf1to2.examples` as ``train_job="tf1to2.jobs:<function>"``.
"""
import io
import os

from tf1to2.cli import write_atomically
from tf1to2.errors import UserError


def plot_curves(path, title, ylabel, curves, xlabel="step"):
    """Write a PNG of the named curves overlaid (TF1 solid, TF2 dashed) and return its path.

    ``curves`` maps a label ("TF1", "TF2") to a list of values. The file is written atomically.
    """
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(8, 4.5))
    for (label, values), style in zip(curves.items(), ("-", "--", ":", "-.")):
        axes.plot(range(1, len(values) + 1), values, style, label=label, linewidth=1.2)
    axes.set(title=title, xlabel=xlabel, ylabel=ylabel)
    axes.legend()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    pyplot.close(figure)
    write_atomically(path, buffer.getvalue())
    return os.path.abspath(path)


def default_plot_path(args, example):
    """Where the job writes its PNG (``--plot``, else ``<example>_train.png``), checked before
    the training starts so that a bad path fails at once."""
    path = args.plot or f"{example}_train.png"
    if not os.path.isdir(os.path.dirname(os.path.abspath(path))):
        raise UserError(f"cannot write {path}: its directory does not exist")
    return path


def train_mnist_pair(args, name):
    """Train both sides of an MNIST pair (``mlp``, ``cnn``) on the same batches and compare them.

    ``--steps`` is the number of batches (default: ``train_epochs`` full passes over the training
    split, each pass a seeded permutation cut into batches of 50, the same for both sides).
    Prints the data source, both eval accuracies and their difference, the comparison table
    (the check-batch quantities at the start and after the first step, the loss of every batch,
    the eval accuracy) and writes the two loss curves overlaid to a PNG.
    """
    import itertools
    import json
    import sys
    import time

    from tf1to2 import data, examples, harness, hparams, tolerances
    job_start = time.perf_counter()
    HP = hparams.MNIST_TRAINING
    example = examples.get(name)
    mnist = data.mnist("auto")
    per_epoch = len(mnist.train_labels) // HP.batch_size
    steps = HP.train_epochs * per_epoch if args.steps is None else args.steps
    if steps < 1:
        raise UserError(f"--steps (batches) must be 1 or more for --train, not {steps}")
    plot_path = default_plot_path(args, name)
    progress = sys.stderr if args.json else sys.stdout  # --json: stdout holds only the JSON
    print(f"data: {mnist.source}", file=progress)
    print(f"{name}: {steps} batches of {HP.batch_size} ({steps / per_epoch:.2f} passes, each a "
          f"seeded permutation), the same on both sides; seed {args.seed}", file=progress,
          flush=True)

    traces, seconds = {}, {}
    for label, module in zip(("TF1", "TF2"), harness.side_modules(name)):
        batches = itertools.islice(
            data.epoch_batches(mnist, HP.batch_size, -(-steps // per_epoch), args.seed), steps)
        start = time.perf_counter()
        traces[label] = module.train_and_evaluate(args.seed, mnist, batches,
                                                  record_variables=False)
        seconds[label] = time.perf_counter() - start
        print(f"{label}: {seconds[label]:.1f} s, final batch loss {traces[label].losses[-1]:.4f}, "
              f"eval accuracy {traces[label].metrics['eval_accuracy']:.4f}", file=progress,
              flush=True)

    # A whole pass drifts far more than the 20-step check (Adam amplifies ulp differences where
    # the momentum nearly cancels): losses and accuracy get tolerances measured on whole passes.
    long_run = {"losses": tolerances.ADAM_FULL_PASS,
                "metrics": tolerances.ACCURACY_FULL_PASS}
    checks = [harness.compare_values(quantity, getattr(traces["TF1"], quantity),
                                     getattr(traces["TF2"], quantity),
                                     long_run.get(quantity, example.tolerance(quantity)))
              for quantity in harness.QUANTITIES if quantity != "trajectory"]
    report = harness.Report(name, args.seed, steps, checks, traces["TF1"], traces["TF2"],
                            sum(seconds.values()))
    tf1_accuracy = float(traces["TF1"].metrics["eval_accuracy"])
    tf2_accuracy = float(traces["TF2"].metrics["eval_accuracy"])
    path = plot_curves(plot_path, f"{name}: training loss per batch, TF1 vs TF2 (seed {args.seed})",
                       "sparse softmax cross-entropy",
                       {"TF1 (tf.compat.v1, Session)": traces["TF1"].losses,
                        "TF2 (Keras 3, tf.function)": traces["TF2"].losses}, xlabel="batch")
    if args.json:
        print(json.dumps({"example": name, "seed": args.seed, "steps": steps,
                          "data": mnist.source, "equivalent": report.equivalent,
                          "eval_accuracy": {"tf1": tf1_accuracy, "tf2": tf2_accuracy},
                          "seconds": {**seconds, "wall": time.perf_counter() - job_start},
                          "plot": path,
                          "checks": [check.as_dict() for check in checks]}))
    else:
        accuracy_tolerance = long_run["metrics"]
        print(f"eval accuracy: TF1 {tf1_accuracy:.4f}, TF2 {tf2_accuracy:.4f}, difference "
              f"{tf2_accuracy - tf1_accuracy:+.4f} (tolerance {accuracy_tolerance.name} "
              f"±{accuracy_tolerance.atol:g})")
        print(report.table())
        print(f"loss curves: {path}")
        print(f"wall time: {time.perf_counter() - job_start:.1f} s")
    return report.equivalent


def train_mlp(args):
    return train_mnist_pair(args, "mlp")


def train_cnn(args):
    return train_mnist_pair(args, "cnn")


def char_rnn(args):
    """Train both sides of char_rnn on the same batches, generate text with each, plot the losses.

    ``--steps`` is the number of batches (default ``CHAR_RNN.train_steps``, 300; the full
    256-unit model). The TF1 side trains from its own initialisation and saves a
    ``tf.train.Saver`` checkpoint; the TF2 side starts from the TF1 initial values through its
    name map. Both generate 200 characters at each temperature from the same seeded draws. Then
    a fresh TF2 model loads the TF1 checkpoint through the name map and generates once more: with
    the TF1 weights and the same seed it must write exactly the TF1 text. Prints the last losses,
    the comparison table and the texts, and writes both loss curves to a PNG.
    """
    import json
    import sys
    import tempfile
    import time

    from tf1to2 import data, examples, harness, hparams, mapping, tolerances
    HP = hparams.CHAR_RNN
    example = examples.get("char_rnn")
    steps = HP.train_steps if args.steps is None else args.steps
    if steps < 1:
        raise UserError(f"--steps (batches) must be 1 or more for --train, not {steps}")
    plot_path = default_plot_path(args, "char_rnn")
    progress = sys.stderr if args.json else sys.stdout  # --json: stdout holds only the JSON
    corpus = data.nietzsche()
    print(f"data: {corpus.source}", file=progress)
    print(f"char_rnn: {steps} batches of {HP.batch_size} x {HP.seq_length} characters, the same "
          f"on both sides; LSTM({HP.units}), Adam {HP.learning_rate:g}; seed {args.seed}",
          file=progress, flush=True)

    tf1_module, tf2_module = harness.side_modules("char_rnn")
    seconds = {}
    with tempfile.TemporaryDirectory() as directory:
        checkpoint = os.path.join(directory, "char_rnn.ckpt")
        start = time.perf_counter()
        tf1 = tf1_module.trace(args.seed, steps, generate_length=HP.train_generate_length,
                               checkpoint_path=checkpoint)
        seconds["TF1"] = time.perf_counter() - start
        print(f"TF1: {seconds['TF1']:.1f} s, loss {tf1.losses[0]:.4f} -> {tf1.losses[-1]:.4f}",
              file=progress, flush=True)
        start = time.perf_counter()
        tf2 = tf2_module.trace(args.seed, steps, initial_values=tf1.variables,
                               generate_length=HP.train_generate_length)
        seconds["TF2"] = time.perf_counter() - start
        print(f"TF2: {seconds['TF2']:.1f} s, loss {tf2.losses[0]:.4f} -> {tf2.losses[-1]:.4f}",
              file=progress, flush=True)
        restored = tf2_module.trace(args.seed, 0, generate_length=HP.train_generate_length,
                                    initial_values=mapping.load_tf1_checkpoint(checkpoint))

    texts = {name: value for name, value in tf1.outputs.items() if name.startswith("generated_")}
    # Hundreds of Adam steps drift further than the 20-step check: losses and weights get a
    # tolerance measured on 300-1,000 steps; everything else keeps the check's own.
    long_run = {"losses": tolerances.LSTM_ADAM_LONG_RUN,
                "trajectory": tolerances.LSTM_ADAM_LONG_RUN}
    checks = [harness.compare_values(quantity, getattr(tf1, quantity), getattr(tf2, quantity),
                                     long_run.get(quantity, example.tolerance(quantity)))
              for quantity in harness.QUANTITIES if len(getattr(tf1, quantity))]
    checks.append(harness.compare_values(
        "checkpoint", texts, {name: restored.outputs[name] for name in texts}, tolerances.EXACT))
    report = harness.Report("char_rnn", args.seed, steps, checks, tf1, tf2, sum(seconds.values()))
    path = plot_curves(plot_path,
                       f"char_rnn: training loss per batch, TF1 vs TF2 (seed {args.seed})",
                       "sparse softmax cross-entropy",
                       {"TF1 (BasicLSTMCell, Session)": tf1.losses,
                        "TF2 (Keras 3 LSTMCell, tf.function)": tf2.losses}, xlabel="batch")
    decoded = {side: {temperature: corpus.decode(trace.outputs[f"generated_T{temperature}"])
                      for temperature in HP.temperatures}
               for side, trace in (("tf1", tf1), ("tf2", tf2),
                                   ("tf2_from_tf1_checkpoint", restored))}
    if args.json:
        print(json.dumps({"example": "char_rnn", "seed": args.seed, "steps": steps,
                          "data": corpus.source, "equivalent": report.equivalent,
                          "final_loss": {"tf1": tf1.losses[-1], "tf2": tf2.losses[-1]},
                          "seconds": seconds, "plot": path, "generated": decoded,
                          "checks": [check.as_dict() for check in checks]}))
    else:
        for temperature in HP.temperatures:
            print(f"\n--- temperature {temperature}: TF1 ---\n{decoded['tf1'][temperature]}")
            print(f"--- temperature {temperature}: TF2 ---\n{decoded['tf2'][temperature]}")
        print(f"\nlast loss: TF1 {tf1.losses[-1]:.6f}, TF2 {tf2.losses[-1]:.6f}")
        print("checkpoint: a fresh TF2 model loaded from the TF1 Saver checkpoint through "
              f"tf1_names {'writes exactly' if checks[-1].ok else 'does NOT write'} the TF1 text")
        print(report.table())
        print(f"loss curves: {path}")
    return report.equivalent


def dqn(args):
    """`tf1to2 compare dqn --train`: both sides learn CartPole for ``--episodes`` episodes.

    Both start from the same network (TF1's initial values, copied through the name map) and the
    same seeded generator. Prints each episode's score (its length in steps) side by side, where
    the two runs first take a different action and why, and writes both score curves to a PNG.
    Returns True when every action agrees, or when the first different action is a near tie
    that rounding flipped with the greedy Q-values before it within DQN_LONG_RUN (after a flip
    the two agents' states, buffers and networks differ: the runs are compared by score only).
    """
    import json
    import sys
    import time

    import numpy as np

    from tf1to2 import harness, hparams, rl, tolerances
    HP = hparams.DQN
    episodes = HP.train_episodes if args.episodes is None else args.episodes
    if episodes < 1:
        raise UserError(f"--episodes must be 1 or more, not {episodes}")
    plot_path = default_plot_path(args, "dqn")
    print(f"dqn: {episodes} episodes of {HP.environment} on both sides, seed {args.seed}, the "
          f"same initial network (copied from TF1) and one seeded generator per side",
          file=sys.stderr if args.json else sys.stdout, flush=True)  # --json: stdout is the JSON

    tf1_module, tf2_module = harness.side_modules("dqn")
    logs, seconds = {}, {}
    for label, module in (("TF1", tf1_module), ("TF2", tf2_module)):
        initial_values = logs["TF1"].initial_variables if logs else None
        start = time.perf_counter()
        logs[label] = module.run_episodes(args.seed, episodes, initial_values)
        seconds[label] = time.perf_counter() - start
        print(f"{label}: {seconds[label]:.1f} s, {len(logs[label].actions)} steps, "
              f"mean score {np.mean(logs[label].lengths):.1f}", file=sys.stderr, flush=True)
    tf1_metrics, tf2_metrics = logs["TF1"].as_metrics(), logs["TF2"].as_metrics()
    divergence = rl.first_divergence(tf1_metrics, tf2_metrics, tolerances.DQN_LONG_RUN)
    identical_actions = len(tf1_metrics["actions"]) if divergence is None else divergence.actions
    greedy_before = int(tf1_metrics["greedy"][:identical_actions].sum())
    drift = harness.compare_values(
        "greedy Q-values", tf1_metrics["greedy_q_values"][:greedy_before],
        tf2_metrics["greedy_q_values"][:greedy_before], tolerances.DQN_LONG_RUN)
    agree = drift.ok and (divergence is None or divergence.near_tie)

    path = plot_curves(plot_path, f"dqn: CartPole score per episode, TF1 vs TF2 (seed {args.seed})",
                       "score (steps balanced)",
                       {"TF1 (tf.compat.v1, Session)": logs["TF1"].lengths,
                        "TF2 (Keras 3, tf.function)": logs["TF2"].lengths}, xlabel="episode")
    if args.json:
        print(json.dumps({
            "example": "dqn", "seed": args.seed, "episodes": episodes, "agree": agree,
            "scores": {"tf1": logs["TF1"].lengths, "tf2": logs["TF2"].lengths},
            "mean_score": {side.lower(): float(np.mean(logs[side].lengths))
                           for side in ("TF1", "TF2")},
            "identical_actions": identical_actions,
            "first_divergence": None if divergence is None else {
                "episode": divergence.episode, "step": divergence.step,
                "near_tie": divergence.near_tie, "explanation": str(divergence)},
            "greedy_q_drift": drift.as_dict(), "seconds": seconds, "plot": path}))
        return agree
    print(f"{'episode':>7} {'epsilon':>7} {'TF1 score':>9} {'TF2 score':>9}  actions")
    tf1_episodes = np.split(tf1_metrics["actions"], np.cumsum(logs["TF1"].lengths)[:-1])
    tf2_episodes = np.split(tf2_metrics["actions"], np.cumsum(logs["TF2"].lengths)[:-1])
    for episode, (tf1_actions, tf2_actions) in enumerate(zip(tf1_episodes, tf2_episodes)):
        shared = min(len(tf1_actions), len(tf2_actions))
        differ = int(np.sum(tf1_actions[:shared] != tf2_actions[:shared]))
        note = "same" if not differ and len(tf1_actions) == len(tf2_actions) else f"{differ} differ"
        if divergence is not None and episode == divergence.episode:
            note += f" (the first at step {divergence.step})"
        print(f"{episode:>7} {rl.epsilon(episode, HP):>7.2f} {len(tf1_actions):>9} "
              f"{len(tf2_actions):>9}  {note}")
    print(f"TF1 {seconds['TF1']:.1f} s, TF2 {seconds['TF2']:.1f} s")
    span = "all" if divergence is None else "before the first difference"
    print(f"identical actions: {identical_actions} of {len(tf1_metrics['actions'])} ({span}, "
          f"{greedy_before} greedy decisions); their greedy Q-values: max "
          f"|TF1 - TF2| {drift.max_abs_diff:.2e} (tolerance {drift.tolerance.name} "
          f"{drift.tolerance}: {'within' if drift.ok else 'EXCEEDED'})")
    print("every action agrees" if divergence is None else str(divergence))
    print(f"score curves: {path}")
    print("AGREE" if agree else "DISAGREE")
    return agree
