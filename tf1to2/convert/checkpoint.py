"""Reading a TF1 ``Saver`` checkpoint, converting it through a name map, writing and proving the
Keras 3 files (the steps of ``tf1to2 convert-checkpoint``)."""
import dataclasses
import pathlib
import typing

import numpy as np

from tf1to2 import harness, mapping, slots
from tf1to2.errors import UserError

WEIGHTS_FILE = "model.weights.h5"
CHECKPOINT_PREFIX = "checkpoint"


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
                 if self.kind else "no optimizer state" + (f" ({self.note})" if self.note else ""))
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
