"""Where a training step's time goes: its parts timed apart on both sides (`--parts`).

    tf1to2 benchmark cnn --parts

For a pair whose model is one Keras model with a loss and an optimizer (mlp, cnn,
keras_pipeline, the Géron regressors), both sides are built from the pair's own functions and
each part runs ``calls`` times per round, the parts interleaved over ``rounds`` rounds after two
warm-up calls each: the forward pass to the loss, forward and backward to the gradients, the
optimizer update alone (from fixed gradients: TF1 ``apply_gradients`` on fed gradients, TF2
``optimizer.apply_gradients``, and the same compiled by XLA) and the whole step (TF2 also with
only its update compiled by XLA). A step is roughly forward + backward + update, so the row
whose ratio departs from the step's says where a TF2 step loses or gains time.
"""
import statistics
import time

from tf1to2.errors import UserError

PARTS = ("forward", "forward+backward", "update", "update, XLA", "step", "step, XLA update")


def _tf1_parts(workload, seed, batch):
    """The TF1 side in the benchmark's own graph and Session (`forms.TF1Stepper`), with the
    gradients and an update from fed gradients built beside its train op."""
    import tensorflow.compat.v1 as tf1
    from tf1to2.benchmark import forms
    tf1_side, _ = workload.modules()
    built = {}

    def build_train(inputs):
        x, labels = inputs
        loss = tf1_side.compute_loss(labels, tf1_side.build_model(x))
        pairs = tf1_side.build_optimizer().compute_gradients(loss)
        built["gradients"] = [gradient for gradient, _ in pairs]
        built["fed"] = [tf1.placeholder(g.dtype, g.shape) for g in built["gradients"]]
        built["update"] = tf1_side.build_optimizer().apply_gradients(
            list(zip(built["fed"], [variable for _, variable in pairs])))
        return loss, tf1_side.build_optimizer().apply_gradients(pairs)

    stepper = forms.TF1Stepper(build_train, seed, batch, None)
    session, gradients = stepper.session, built["gradients"]
    feed = dict(zip(stepper.inputs, batch))
    fed_gradients = dict(zip(built["fed"], session.run(gradients, feed)))
    return {"forward": lambda: session.run(stepper.loss, feed),
            "forward+backward": lambda: session.run(gradients, feed),
            "update": lambda: session.run(built["update"], fed_gradients),
            "step": lambda: stepper.step(batch)}


def _tf2_parts(workload, seed, batch):
    import tensorflow as tf
    model = workload.tf2_model(seed, batch, None)
    tensors = [tf.constant(array) for array in batch]
    forward = tf.function(lambda x, labels: model.loss(labels, model.keras_model(x)))
    gradients = tf.function(model.gradients)
    fixed = gradients(*tensors)[1]
    update, update_xla = tf.function(model.apply), tf.function(model.apply, jit_compile=True)
    step = tf.function(model.step)

    @tf.function
    def step_xla_update(*batch):
        loss, step_gradients = model.gradients(*batch)
        update_xla(step_gradients)
        return loss

    def value(function, *args):  # wait for the result: a variable read after an update
        result = function(*args)
        return model.optimizer.iterations.numpy() if result is None else result.numpy()
    return {"forward": lambda: value(forward, *tensors),
            "forward+backward": lambda: [g.numpy() for g in gradients(*tensors)[1]][:1],
            "update": lambda: value(update, fixed),
            "update, XLA": lambda: value(update_xla, fixed),
            "step": lambda: value(step, *tensors),
            "step, XLA update": lambda: value(step_xla_update, *tensors)}


def measure(name, seed=0, rounds=7, calls=5):
    """{part: {"TF1": ms, "TF2": ms}} medians over rounds (and the minima), for pair ``name``."""
    from tf1to2.benchmark import workloads
    workload = workloads.WORKLOADS[name]
    if not isinstance(workload, workloads.KerasModel):
        fitting = [key for key, other in workloads.WORKLOADS.items()
                   if isinstance(other, workloads.KerasModel)]
        raise UserError(f"--parts times the pairs whose model is one Keras model with a loss "
                        f"and an optimizer ({', '.join(fitting)}), not {name}")
    batch = workload.batches(seed, 1)[0]
    with workload.context():
        sides = {"TF1": _tf1_parts(workload, seed, batch),
                 "TF2": _tf2_parts(workload, seed, batch)}
        runs = [(part, side, sides[side][part]) for part in PARTS for side in ("TF1", "TF2")
                if part in sides[side]]
        for _, _, function in runs:
            function(), function()
        times = {(part, side): [] for part, side, _ in runs}
        for _ in range(rounds):
            for part, side, function in runs:
                start = time.perf_counter()
                for _ in range(calls):
                    function()
                times[part, side].append(1000 * (time.perf_counter() - start) / calls)
    return {part: {side: {"median": statistics.median(times[part, side]),
                          "min": min(times[part, side])}
                   for side in ("TF1", "TF2") if (part, side) in times} for part in PARTS}


def table(name, parts, rounds, calls):
    rows = [f"### {name}: the parts of one training step ({rounds} rounds of {calls} calls, "
            "median (min) ms)", "",
            "| part | TF1 ms | TF2 ms | TF2 / TF1 |", "|---|---:|---:|---:|"]
    for part, sides in parts.items():
        cells = [f"{sides[side]['median']:.2f} ({sides[side]['min']:.2f})" if side in sides
                 else "–" for side in ("TF1", "TF2")]
        reference = parts["update" if part.startswith("update") else
                          "step" if part.startswith("step") else part].get("TF1")
        ratio = (f"{sides['TF2']['median'] / reference['median']:.2f}"
                 if reference and "TF2" in sides else "–")
        rows.append(f"| {part} | {cells[0]} | {cells[1]} | {ratio} |")
    return "\n".join(rows)


def run(names, seed=0, rounds=7, calls=5):
    results = {}
    for name in names:
        results[name] = measure(name, seed, rounds, calls)
        print(table(name, results[name], rounds, calls) + "\n", flush=True)
    return results
