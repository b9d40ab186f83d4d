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

from tf1to2 import examples, pairs
from tf1to2.convert.checkpoint import (CHECKPOINT_PREFIX, WEIGHTS_FILE, Conversion, convert,
                                       load_written, prove, read_checkpoint, write_tf1_checkpoint)
from tf1to2.convert.glue import _USER_GLUE, GLUE, Glue
from tf1to2.errors import UserError

__all__ = ["CHECKPOINT_PREFIX", "WEIGHTS_FILE", "Conversion", "GLUE", "Glue", "Sides", "add_parser",
           "convert", "load_written", "main", "prove", "read_checkpoint", "run",
           "write_tf1_checkpoint"]


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
