"""``tf1to2 convert-checkpoint``: a TF1 ``Saver`` checkpoint as a Keras 3 model's files.

    tf1to2 convert-checkpoint EXAMPLE TF1_CHECKPOINT OUT
    tf1to2 convert-checkpoint --tf2 my_tf2.py [--tf1 my_tf1.py] TF1_CHECKPOINT OUT

Reads a ``tf.compat.v1.train.Saver`` checkpoint (its prefix, ``model.ckpt``, or its directory),
maps every variable through the TF2 side's name map (``tf1_names(model)``: reshapes, split
kernels, gate reorders and the folded forget bias through :class:`tf1to2.mapping.Converted`),
and writes into the new directory OUT:

- ``model.weights.h5``: the Keras 3 weights (``model.load_weights``; not for a model that is
  not a ``keras.Model``, such as a tuple of variables);
- ``checkpoint.index`` and ``checkpoint.data-*``: a ``tf.train.Checkpoint(model=model,
  optimizer=optimizer)`` (``tf.train.Checkpoint(model=..., optimizer=...).read(OUT +
  "/checkpoint")``). The optimizer state comes along (:mod:`tf1to2.slots`): Adam's ``m`` and
  ``v`` become the Keras slots, its ``beta1_power``/``beta2_power`` the step count
  ``iterations``; Momentum accumulators become Keras' momentums. A checkpoint without
  optimizer state (GradientDescent, or a model saved alone) gives a checkpoint of the model.

Then it proves the result: a fresh TF2 model loads the written files, and both sides run on the
pair's fixed batch (``trace(seed=0, steps=0, initial_values=...)`` of each side: TF1 from the
checkpoint's values, TF2 from the values read back from ``model.weights.h5``); the largest
difference of the outputs is printed, and the optimizer state read back from the written
checkpoint is compared with TF1's. Everything is written to a temporary directory next to OUT
and renamed to OUT only once it is proven: bad input (a missing or corrupt checkpoint, missing,
extra or wrong-shaped variables, an OUT that exists and is not empty) is a one-line error,
exit status 2, with nothing written; a proof that fails exits 1, with nothing written.

Contract of a ``--tf2`` module (your own TF2 side; a .py file or an importable module):

- ``build_model()`` — called with no arguments, returns the TF2 model with its variables
  created (a ``keras.Model``, or any trackable object holding them);
- ``tf1_names(model)`` — the name map {TF1 variable name: Keras variable or
  ``tf1to2.mapping.Converted``}, exactly the checkpoint's model variables;
- ``build_optimizer()`` — optional, the Keras optimizer the checkpoint's optimizer state goes
  into (required when the checkpoint holds optimizer state);
- ``trace(seed=0, steps=0, initial_values=None)`` — optional, with ``--tf1`` (a module with
  the same ``trace``): the proof on a fixed batch. Without them the proof is the round trip:
  the values read back from the written files through the name map against the checkpoint's.
"""
import dataclasses
import importlib
import os
import pathlib
import shutil
import sys
import tempfile
import typing

import numpy as np

from tf1to2 import examples, harness, mapping, pairs, slots
from tf1to2.errors import UserError

WEIGHTS_FILE = "model.weights.h5"
CHECKPOINT_PREFIX = "checkpoint"


@dataclasses.dataclass(frozen=True)
class Glue:
    """How the converter builds an example's TF2 model and optimizer from its TF2 module."""
    build_model: typing.Callable              # (module) -> model with its variables created
    build_optimizer: typing.Callable = None   # (module) -> Keras optimizer, or None: it has none
    note: str = ""                            # why it has no optimizer, for the output


def _zeros(*shape, dtype=np.float32):
    return np.zeros(shape, dtype)


def _mnist_image_model(module):
    return module.build_model(_zeros(1, 28, 28, 1))


def _char_rnn_model(module):
    from tf1to2 import data
    return module.build_model(_zeros(1, module.HP.seq_length, dtype=np.int32),
                              data.nietzsche().num_chars)


def _dqn_model(module):
    from tf1to2 import rl
    return module.build_model(_zeros(1, rl.STATE_SIZE))


def _sgd(module):
    import keras
    return keras.optimizers.SGD(learning_rate=module.HP.learning_rate)


_OWN_OPTIMIZER = lambda module: module.build_optimizer()  # noqa: E731
_NO_OPTIMIZER = ("no optimizer object: it updates its variables with assign_sub, so there is "
                 "no optimizer state to convert")

# The per-example glue: the TF2 modules' build_model functions take different arguments.
GLUE = {
    "mlp": Glue(_mnist_image_model, _OWN_OPTIMIZER),
    "cnn": Glue(_mnist_image_model, _OWN_OPTIMIZER),
    "keras_pipeline": Glue(_mnist_image_model, _OWN_OPTIMIZER),
    "char_rnn": Glue(_char_rnn_model, _OWN_OPTIMIZER),
    "dqn": Glue(_dqn_model, _OWN_OPTIMIZER),
    "linear_dense": Glue(lambda module: module.build_model(_zeros(1, 3)), _sgd),
    "custom_linear_layer": Glue(lambda module: module.build_model(_zeros(1, 3)), _sgd),
    "linear_regression": Glue(lambda module: module.build_model(), _sgd,
                              "its 'manual' variant has " + _NO_OPTIMIZER),
    "linear_classifier": Glue(lambda module: module.build_model(input_dim=2, output_dim=1),
                              None, _NO_OPTIMIZER),
}
_USER_GLUE = Glue(lambda module: module.build_model(),
                  lambda module: module.build_optimizer()
                  if hasattr(module, "build_optimizer") else None)


def add_parser(subparsers):
    """The ``convert-checkpoint`` command on an argparse subparsers object."""
    parser = subparsers.add_parser(
        "convert-checkpoint", help="convert a TF1 Saver checkpoint into Keras 3 files",
        description=__doc__.split("\n")[0])
    parser.add_argument("example", nargs="?", help="example name (or give --tf2)")
    parser.add_argument("tf1_checkpoint", help="the TF1 checkpoint (prefix or directory)")
    parser.add_argument("out", help="the new directory to write")
    parser.add_argument("--tf2", default=None,
                        help="your own TF2 side (.py file or module) with build_model() and "
                             "tf1_names(model), optionally build_optimizer() and trace()")
    parser.add_argument("--tf1", default=None,
                        help="with --tf2: your TF1 side, whose trace proves the conversion")
    return parser


def main(argv=None):
    """The command on its own (for tests): parse ``argv``, run, return the exit status."""
    import argparse

    class Parser(argparse.ArgumentParser):
        def error(self, message):
            raise UserError(f"{message} (see `tf1to2 convert-checkpoint --help`)")

    subparsers = Parser(prog="tf1to2").add_subparsers(parser_class=Parser)
    add_parser(subparsers)
    try:
        return run(subparsers.choices["convert-checkpoint"].parse_args(argv))
    except UserError as error:
        print(f"tf1to2 convert-checkpoint: error: {error}", file=sys.stderr)
        return 2


def run(args):
    """Convert, prove, write: 0 when proven and written, 1 when the proof fails (UserError: 2)."""
    sides = _sides(args)
    out = pathlib.Path(args.out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UserError(f"{out} exists and is not an empty directory: choose a new OUT")
    parent = out.absolute().parent
    if not parent.is_dir():
        raise UserError(f"the directory of OUT, {parent}, does not exist")
    conversion = convert(sides, args.tf1_checkpoint)
    temporary = pathlib.Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=parent))
    try:
        conversion.write(temporary)
        lines, ok = prove(sides, conversion, temporary)
        print("\n".join([conversion.summary()] + lines))
        if not ok:
            print("nothing written: the converted model does not reproduce the TF1 checkpoint")
            return 1
        if out.exists():
            out.rmdir()  # an empty directory, checked above
        os.replace(temporary, out)
    finally:
        if temporary.exists():
            shutil.rmtree(temporary)
    print(f"wrote {out}: " + ", ".join(sorted(path.name for path in out.iterdir())))
    return 0


@dataclasses.dataclass
class Sides:
    name: str
    tf1: typing.Any          # the TF1 module (its trace proves the conversion), or None
    tf2: typing.Any          # the TF2 module
    glue: Glue
    example: typing.Any = None  # the registry entry (tolerances), or None


def _sides(args):
    if args.tf2:
        if args.example is not None:
            raise UserError("give an EXAMPLE or --tf2, not both")
        tf2 = _load(args.tf2, "TF2")
        for function in ("build_model", "tf1_names"):
            if not callable(getattr(tf2, function, None)):
                raise UserError(f"{args.tf2} has no {function}(): see `tf1to2 convert-checkpoint "
                                f"--help` for what a --tf2 module provides")
        tf1 = _load(args.tf1, "TF1") if args.tf1 else None
        return Sides(pathlib.Path(args.tf2).stem, tf1, tf2, _USER_GLUE)
    if args.tf1:
        raise UserError("--tf1 goes with --tf2")
    if args.example is None:
        raise UserError("give EXAMPLE TF1_CHECKPOINT OUT, or --tf2 MODULE TF1_CHECKPOINT OUT")
    example = examples.get(args.example)
    if example.name not in GLUE:
        raise UserError(f"convert-checkpoint cannot build {example.name}'s TF2 model by name "
                        f"(it can: {', '.join(GLUE)}); give --tf2 with a module that has "
                        f"build_model() and tf1_names(model)")
    tf1, tf2 = example.modules()
    return Sides(example.name, tf1, tf2, GLUE[example.name], example)


def _load(side, label):
    """A user's module from a .py file or an importable name (no ``trace`` needed)."""
    if str(side).endswith(".py"):
        return pairs._import_file(pathlib.Path(side), label)
    try:
        return importlib.import_module(side)
    except ImportError as error:
        raise UserError(f"cannot import the {label} side {side!r}: {error}") from None


# --- Reading and converting ---------------------------------------------------------------------

def read_checkpoint(path):
    """Every tensor of a TF1 checkpoint: {name: array}; a one-line UserError if unreadable."""
    import tensorflow as tf
    try:
        reader = tf.train.load_checkpoint(str(path))
        return {name: reader.get_tensor(name) for name in reader.get_variable_to_shape_map()}
    except (tf.errors.OpError, ValueError) as error:
        raise UserError(f"cannot read checkpoint {path}: "
                        f"{str(error).strip().splitlines()[0]}") from None


def _optimizer_kind(names, model_names):
    """The slots.KINDS name whose slot names the checkpoint holds (None: no optimizer state)."""
    for kind in slots.KINDS.values():
        if kind.slots and any(f"{name}/{kind.slots[0].suffix}" in names for name in model_names):
            centered = kind.name == "RMSProp" and any(
                f"{name}/RMSProp_2" in names for name in model_names)
            return "CenteredRMSProp" if centered else kind.name
    return None


def _scope(names):
    """The name scope of Adam's beta powers (where ``minimize`` ran), "" at the top level."""
    for name in names:
        if name.rpartition("/")[2] == "beta1_power":
            return name.rpartition("/")[0]
    return ""


def _expected_tf1_shapes(name_map):
    return {name: np.shape(value) for name, value in mapping.read(name_map).items()}


@dataclasses.dataclass
class Conversion:
    """A TF1 checkpoint converted into a TF2 model (and optimizer), ready to write."""
    name: str
    path: str
    model: typing.Any
    name_map: dict
    tf1_values: dict         # the checkpoint's model variables
    tf1_state: dict          # the checkpoint's optimizer state ({} for none)
    kind: typing.Optional[str] = None
    scope: str = ""
    with_global_step: bool = False
    optimizer: typing.Any = None
    note: str = ""

    def summary(self):
        state = (f"optimizer state: {self.kind}, {len(self.tf1_state)} values"
                 + (f", step {int(np.asarray(self.optimizer.iterations))}"
                    if self.optimizer is not None else "")
                 if self.kind else f"no optimizer state" + (f" ({self.note})" if self.note else ""))
        return (f"{self.name}: converted {len(self.tf1_values)} variables from {self.path}; "
                f"{state}")

    def checkpoint(self, model=None, optimizer=None):
        import tensorflow as tf
        objects = {"model": self.model if model is None else model}
        if self.optimizer is not None:
            objects["optimizer"] = self.optimizer if optimizer is None else optimizer
        return tf.train.Checkpoint(**objects)

    def write(self, directory):
        import keras
        directory = pathlib.Path(directory)
        if isinstance(self.model, keras.Model):
            self.model.save_weights(str(directory / WEIGHTS_FILE))
        self.checkpoint().write(str(directory / CHECKPOINT_PREFIX))


def convert(sides, path):
    """Read ``path`` and convert it into the TF2 model of ``sides``: a :class:`Conversion`."""
    import keras
    values = read_checkpoint(path)
    keras.utils.set_random_seed(0)
    model = sides.glue.build_model(sides.tf2)
    name_map = sides.tf2.tf1_names(model)
    kind = _optimizer_kind(values, name_map)
    scope = _scope(values)
    # Adam counts its steps in its beta powers; other optimizers take global_step when saved.
    with_global_step = "global_step" in values and not (kind and slots.KINDS[kind].non_slots)
    state_names = slots.tf1_slot_names(kind, name_map, scope, with_global_step) if kind else []
    ignored = ["global_step"] * ("global_step" in values and "global_step" not in state_names)
    mapping.check_names(list(name_map) + state_names + ignored, values, f"checkpoint {path}")
    shapes = _expected_tf1_shapes(name_map)
    wrong = [f"{name} {list(np.shape(values[name]))} (the model's {list(shape)})"
             for name, shape in shapes.items() if tuple(np.shape(values[name])) != tuple(shape)]
    if wrong:
        raise UserError(f"checkpoint {path} has wrong shapes: {'; '.join(wrong)}")
    tf1_values = {name: values[name] for name in name_map}
    mapping.assign(name_map, tf1_values, f"checkpoint {path}")
    conversion = Conversion(sides.name, str(path), model, name_map, tf1_values,
                            {name: values[name] for name in state_names},
                            kind, scope, with_global_step, note=sides.glue.note)
    if kind:
        optimizer = sides.glue.build_optimizer(sides.tf2) if sides.glue.build_optimizer else None
        if optimizer is None:
            raise UserError(f"checkpoint {path} holds {kind} optimizer state, but the TF2 side "
                            f"has no optimizer (build_optimizer) to take it")
        slots.to_keras(optimizer, name_map, conversion.tf1_state, kind, scope, with_global_step)
        conversion.optimizer = optimizer
    return conversion


# --- Proving ------------------------------------------------------------------------------------

def load_written(sides, directory, seed=1):
    """Fresh TF2 objects loaded from the files written in ``directory``.

    Models are built under another seed than the conversion's, so no value can come from their
    initialisation. Returns (the name map of a model loaded from ``model.weights.h5`` or None
    when there is none, the name map of a model restored from the checkpoint, the optimizer
    restored with it or None).
    """
    import keras
    import tensorflow as tf
    directory = pathlib.Path(directory)
    keras.utils.set_random_seed(seed)
    weights_map = None
    if (directory / WEIGHTS_FILE).exists():
        model = sides.glue.build_model(sides.tf2)
        model.load_weights(str(directory / WEIGHTS_FILE))
        weights_map = sides.tf2.tf1_names(model)
    model = sides.glue.build_model(sides.tf2)
    name_map = sides.tf2.tf1_names(model)
    objects = {"model": model}
    saved = [name for name, _ in tf.train.list_variables(str(directory / CHECKPOINT_PREFIX))]
    optimizer = None
    if any(name.startswith("optimizer/") for name in saved):
        optimizer = sides.glue.build_optimizer(sides.tf2)
        optimizer.build(slots._keras_variables(name_map))
        objects["optimizer"] = optimizer
    tf.train.Checkpoint(**objects).read(
        str(directory / CHECKPOINT_PREFIX)).assert_existing_objects_matched()
    return weights_map, name_map, optimizer


def prove(sides, conversion, directory):
    """Load the written files into fresh objects and compare: (printed lines, proven)."""
    from tf1to2 import tolerances
    weights_map, name_map, optimizer = load_written(sides, directory)
    lines, ok = [], True
    tf2_values = None
    for label, loaded in ((WEIGHTS_FILE, weights_map), (CHECKPOINT_PREFIX, name_map)):
        if loaded is None:
            continue
        values = mapping.read(loaded)
        tf2_values = values if tf2_values is None else tf2_values  # the .h5 first
        # Exact but for a conversion that adds a constant (a folded forget bias): ulps of it.
        check = harness.compare_values("variables", conversion.tf1_values, values,
                                       tolerances.FLOAT32_FORWARD)
        lines.append(f"variables read back from {label} through the name map: largest "
                     f"difference {check.max_abs_diff:.3g} {check.detail}".rstrip())
        ok &= check.ok
    if conversion.kind:
        state = slots.from_keras(optimizer, name_map, conversion.kind, conversion.scope,
                                 conversion.with_global_step)
        # Beta powers come back as float32 powers of beta, TF1's are products: a few ulps.
        check = harness.compare_values("optimizer", conversion.tf1_state, state,
                                       tolerances.FLOAT32_FORWARD)
        lines.append(f"optimizer state read back from {CHECKPOINT_PREFIX}: largest difference "
                     f"{check.max_abs_diff:.3g} ({type(optimizer).__name__}, iterations "
                     f"{int(np.asarray(optimizer.iterations))}) {check.detail}".rstrip())
        ok &= check.ok
    if callable(getattr(sides.tf1, "trace", None)) and callable(getattr(sides.tf2, "trace", None)):
        tf1_trace = sides.tf1.trace(seed=0, steps=0, initial_values=conversion.tf1_values)
        tf2_trace = sides.tf2.trace(seed=0, steps=0, initial_values=tf2_values)
        tolerance = (sides.example.tolerance("outputs") if sides.example is not None
                     else tolerances.FLOAT32_FORWARD)
        check = harness.compare_values("outputs", tf1_trace.outputs, tf2_trace.outputs,
                                       tolerance)
        lines.append(f"both sides on the fixed batch: largest output difference "
                     f"{check.max_abs_diff:.3g} (tolerance {tolerance.name})"
                     + (f" {check.detail}" * bool(check.detail)))
        ok &= check.ok
    return lines, ok


def write_tf1_checkpoint(values, path):
    """Write {TF1 name: array} as a ``tf.compat.v1.train.Saver`` checkpoint at prefix ``path``.

    What a TF1 program's ``Saver().save`` writes for those variables: for tests, and to turn a
    TF1 state recorded by :mod:`tf1to2.tracing` (variables and optimizer state) into a checkpoint.
    """
    import tensorflow.compat.v1 as tf
    with tf.Graph().as_default():
        variables = {name: tf.Variable(np.asarray(value), name=name.replace("/", "_"))
                     for name, value in values.items()}
        saver = tf.train.Saver(variables)
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            return saver.save(session, str(path))
