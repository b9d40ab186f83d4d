"""Optimizer state between a TF1 ``tf.compat.v1.train.*Optimizer`` and its Keras 3 counterpart.

A TF1 optimizer keeps its state in **slot** variables, one set per model variable, which a
``Saver`` writes under ``<variable name>/<optimizer name>[_k]`` (``dense/kernel/Adam``,
``dense/kernel/Adam_1``), plus a few **non-slot** variables (Adam's ``beta1_power`` and
``beta2_power``, named in the name scope that was current when ``minimize`` ran, usually none).
A Keras 3 optimizer keeps the same quantities in per-variable lists (``_momentums``,
``_velocities``, ...) indexed in the order of ``optimizer.build(variables)``, and a step counter
``iterations``. The map below says which TF1 slot is which Keras list and how a value converts;
the four functions apply it:

- :func:`tf1_slot_names` — the checkpoint names of a TF1 optimizer's state;
- :func:`read_tf1` — that state from a running Session, keyed as a Saver would key it;
- :func:`to_keras` — build a Keras optimizer over a name map's variables and load that state;
- :func:`from_keras` — the reverse: a Keras optimizer's state under TF1 checkpoint names.

Conversions that are not copies (measured in ``equivalence_tests/test_slots.py``):

- **Momentum**: TF1 ``accum = m·accum + g; var -= lr·accum``; Keras ``SGD(momentum=m)``
  ``v = m·v - lr·g; var += v``. So ``v = -lr·accum`` (with the learning rate of the next step:
  exact for a constant rate; under a schedule TF1's ``accum`` is rate-free and Keras' ``v`` is
  not, so a converted state is only as right as the rate at the conversion). The same holds
  for ``use_nesterov`` (Keras ``nesterov=True``).
- **Adam**: ``m``/``v`` copy to ``_momentums``/``_velocities``. TF1 has no step counter: it keeps
  ``beta1_power`` = β₁^(t+1) after t steps (it starts at β₁ and is multiplied by β₁ after each
  update, so step t+1 uses β₁^(t+1)); Keras 3 computes β₁^(iterations+1) for the step it is
  about to take. Hence ``iterations = round(log(beta1_power) / log(β₁)) - 1``, and back
  ``beta1_power = β₁^(iterations+1)`` computed in float32 (TF1's own value is a float32 product of
  t+1 factors; the two differ by a few ulps, PITFALLS #8). ``beta2_power`` must agree with the
  same t, or the state is refused.
- **RMSProp**: ``rms`` (TF1 starts it at 1.0, PITFALLS #9) → ``_velocities``, ``momentum`` →
  ``_momentums`` (both accumulate ``lr·g/sqrt(ms + ε)``, so they copy), ``mg`` → ``_average_gradients``
  (centered). TF1 always has a ``momentum`` slot; with ``momentum=0`` it holds the last update,
  which nothing reads again, and Keras has no list for it: ``to_keras`` drops it and
  ``from_keras`` writes zeros.
- **ProximalAdagrad**: its ``accumulator`` is Adagrad's; the Keras optimizer is ``Adagrad`` (the
  same update when l1 = l2 = 0, the only case Keras can express).
- **AdagradDA** has no Keras counterpart: refused.

A name map entry that is a :class:`tf1to2.mapping.Converted` (an LSTM kernel split in two, its
gates reordered) converts slots like gradients, without any constant the value conversion adds
(a folded forget bias): slots are sums of gradients, squares of gradients and updates.
Keras' ``iterations`` comes from TF1's ``global_step`` for the other optimizers when the state
holds one (``with_global_step=True``).
"""
import dataclasses
import math
import typing

import keras
import numpy as np

from tf1to2 import mapping
from tf1to2.errors import UserError


def _copy(value, optimizer):
    return value


def _momentum_to_keras(accum, optimizer):
    return -_learning_rate(optimizer) * accum


def _momentum_to_tf1(velocity, optimizer):
    return velocity / -_learning_rate(optimizer)


def _learning_rate(optimizer):
    rate = float(np.asarray(optimizer.learning_rate))
    if rate == 0.0:
        raise UserError("cannot convert a Momentum state with a learning rate of 0")
    return np.float32(rate)


@dataclasses.dataclass(frozen=True)
class Slot:
    tf1: str          # the slot's name in TF1 (``optimizer.get_slot(var, tf1)``)
    suffix: str       # its checkpoint name is ``<variable name>/<suffix>``
    keras: str        # the Keras optimizer's attribute listing it per variable
    to_keras: typing.Callable = _copy    # (TF1 value, Keras optimizer) -> Keras value
    to_tf1: typing.Callable = _copy      # (Keras value, Keras optimizer) -> TF1 value
    # False: Keras keeps no such list for this optimizer's settings (RMSProp without
    # momentum); to_keras drops the TF1 value and from_keras writes zeros.
    needed: typing.Callable = lambda optimizer: True


@dataclasses.dataclass(frozen=True)
class Kind:
    name: str          # "Adam": TF1's optimizer name, the stem of its slot names
    tf1_class: str     # tf.compat.v1.train.<tf1_class>
    keras_class: str   # keras.optimizers.<keras_class>
    slots: tuple
    non_slots: tuple = ()  # TF1 variables outside the slots (Adam's beta powers)


def _has_momentum(optimizer):
    """RMSProp keeps a momentum state only with momentum > 0 (TF1 or Keras optimizer object)."""
    return float(getattr(optimizer, "momentum", getattr(optimizer, "_momentum", 0.0))) > 0

KINDS = {kind.name: kind for kind in (
    Kind("GradientDescent", "GradientDescentOptimizer", "SGD", ()),
    Kind("Momentum", "MomentumOptimizer", "SGD",
         (Slot("momentum", "Momentum", "momentums", _momentum_to_keras, _momentum_to_tf1),)),
    Kind("Adagrad", "AdagradOptimizer", "Adagrad",
         (Slot("accumulator", "Adagrad", "_accumulators"),)),
    Kind("ProximalAdagrad", "ProximalAdagradOptimizer", "Adagrad",
         (Slot("accumulator", "ProximalAdagrad", "_accumulators"),)),
    Kind("Adadelta", "AdadeltaOptimizer", "Adadelta",
         (Slot("accum", "Adadelta", "_accumulated_grads"),
          Slot("accum_update", "Adadelta_1", "_accumulated_delta_vars"))),
    Kind("RMSProp", "RMSPropOptimizer", "RMSprop",
         (Slot("rms", "RMSProp", "_velocities"),
          Slot("momentum", "RMSProp_1", "_momentums", needed=_has_momentum))),
    # RMSPropOptimizer(centered=True): the slot names shift, "mg" comes second.
    Kind("CenteredRMSProp", "RMSPropOptimizer", "RMSprop",
         (Slot("rms", "RMSProp", "_velocities"),
          Slot("mg", "RMSProp_1", "_average_gradients"),
          Slot("momentum", "RMSProp_2", "_momentums", needed=_has_momentum))),
    Kind("Adam", "AdamOptimizer", "Adam",
         (Slot("m", "Adam", "_momentums"), Slot("v", "Adam_1", "_velocities")),
         non_slots=("beta1_power", "beta2_power")),
    Kind("Ftrl", "FtrlOptimizer", "Ftrl",
         (Slot("accum", "Ftrl", "_accumulators"), Slot("linear", "Ftrl_1", "_linears"))),
)}

NO_KERAS_COUNTERPART = {
    "AdagradDA": "AdagradDAOptimizer (dual averaging) has no Keras 3 counterpart; the closest is "
                 "keras.optimizers.Adagrad, whose state is not the same quantity",
}


def kind_of(optimizer):
    """The :data:`KINDS` name of a TF1 optimizer object."""
    class_name = type(optimizer).__name__
    if class_name == "RMSPropOptimizer":
        return "CenteredRMSProp" if optimizer._centered else "RMSProp"
    for kind in KINDS.values():
        if kind.tf1_class == class_name:
            return kind.name
    _refuse(class_name.removesuffix("Optimizer"))


def keras_kind_of(optimizer):
    """The :data:`KINDS` name whose state a Keras 3 optimizer object holds."""
    class_name = type(optimizer).__name__
    if isinstance(optimizer, keras.optimizers.SGD):
        return "Momentum" if optimizer.momentum else "GradientDescent"
    if isinstance(optimizer, keras.optimizers.RMSprop):
        return "CenteredRMSProp" if optimizer.centered else "RMSProp"
    for kind in KINDS.values():  # Adagrad before ProximalAdagrad: the first match wins
        if isinstance(optimizer, getattr(keras.optimizers, kind.keras_class)):
            return kind.name
    raise UserError(f"no TF1 optimizer keeps the state of keras.optimizers.{class_name}")


def _refuse(kind):
    if kind in NO_KERAS_COUNTERPART:
        raise UserError(NO_KERAS_COUNTERPART[kind])
    raise UserError(f"unknown optimizer kind {kind!r}; known: {', '.join(KINDS)}")


def _kind(kind):
    if kind not in KINDS:
        _refuse(kind)
    return KINDS[kind]


def _scoped(scope, name):
    return f"{scope}/{name}" if scope else name


def tf1_slot_names(kind, variable_names, scope="", with_global_step=False):
    """The checkpoint names of a TF1 optimizer's state for ``variable_names``.

    Slots come per variable, in the order given; then the non-slot variables (Adam's
    ``beta1_power``, ``beta2_power``), under ``scope``: the name scope that was current when
    ``minimize`` ran (none at top level); then ``global_step`` when asked for.
    """
    spec = _kind(kind)
    names = [f"{name}/{slot.suffix}" for name in variable_names for slot in spec.slots]
    names += [_scoped(scope, name) for name in spec.non_slots]
    return names + ["global_step"] * bool(with_global_step)


def read_tf1(session, optimizer, variables, scope="", global_step=None, live_only=False):
    """A TF1 optimizer's state in ``session``: {checkpoint name: array}.

    ``variables`` = {TF1 name: tf variable}, the variables the optimizer updates. ``global_step``
    (a TF1 variable), when given, is read as ``global_step``. ``live_only`` leaves out the slots
    that no later step reads and Keras does not keep (RMSProp's momentum slot at momentum 0).
    """
    spec = _kind(kind_of(optimizer))
    fetches = {}
    for name, variable in variables.items():
        for slot in spec.slots:
            if live_only and not slot.needed(optimizer):
                continue
            slot_variable = optimizer.get_slot(variable, slot.tf1)
            if slot_variable is None:
                raise UserError(f"the {spec.name} optimizer has no {slot.tf1!r} slot for {name}: "
                                f"it does not update that variable")
            fetches[f"{name}/{slot.suffix}"] = slot_variable
    if spec.non_slots:
        for name, variable in zip(spec.non_slots, optimizer._get_beta_accumulators()):
            fetches[_scoped(scope, name)] = variable
    if global_step is not None:
        fetches["global_step"] = global_step
    return session.run(fetches)


def _slot_conversions(entry):
    """(TF1 → TF2, TF2 → TF1) for the optimizer slots of a name map entry."""
    if not isinstance(entry, mapping.Converted):
        identity = lambda value: value  # noqa: E731
        return identity, identity
    if hasattr(entry, "gradient_conversions"):
        return entry.gradient_conversions()
    if getattr(entry, "gradient_to_tf1", None) is not None:
        raise UserError("this name map entry converts gradients differently from values but "
                        "gives no gradient_to_tf2: its optimizer slots cannot be converted")
    return entry.to_tf2, entry.to_tf1


def _keras_variables(name_map):
    """The map's Keras variables in a fixed order: the map's order, split entries in order."""
    ordered = []
    for target in name_map.values():
        variable = target.variable if isinstance(target, mapping.Converted) else target
        ordered.extend(variable if isinstance(variable, tuple) else (variable,))
    return ordered


def _parts(target):
    variable = target.variable if isinstance(target, mapping.Converted) else target
    return variable if isinstance(variable, tuple) else (variable,)


def _check_keras_class(optimizer, spec):
    if not isinstance(optimizer, getattr(keras.optimizers, spec.keras_class)):
        raise UserError(f"a TF1 {spec.name} state goes into keras.optimizers.{spec.keras_class}, "
                        f"not {type(optimizer).__name__}")


def _slot_list(optimizer, slot, spec):
    try:
        return getattr(optimizer, slot.keras)
    except AttributeError:
        raise UserError(f"keras.optimizers.{spec.keras_class} has no {slot.keras} for TF1's "
                        f"{slot.tf1!r} slot: check its settings (momentum, centered)") from None


def _build(optimizer, name_map):
    if not optimizer.built:
        optimizer.build(_keras_variables(name_map))


def _iterations_from_beta_powers(optimizer, beta1_power, beta2_power):
    beta_1, beta_2 = float(optimizer.beta_1), float(optimizer.beta_2)
    steps = round(math.log(float(beta1_power)) / math.log(beta_1)) - 1
    if steps < 0 or not math.isclose(float(beta2_power), beta_2 ** (steps + 1), rel_tol=1e-4):
        raise UserError(f"beta1_power {float(beta1_power):.6g} and beta2_power "
                        f"{float(beta2_power):.6g} are not one step count's powers of beta_1 "
                        f"{beta_1} and beta_2 {beta_2}: the optimizer's betas differ")
    return steps


def to_keras(optimizer, name_map, tf1_state, kind, scope="", with_global_step=False):
    """Build the Keras 3 ``optimizer`` over ``name_map``'s variables and load ``tf1_state``.

    ``name_map`` = {TF1 name: Keras variable or :class:`mapping.Converted`}; ``tf1_state`` =
    {checkpoint name: array} as :func:`read_tf1` or a Saver checkpoint gives it. Every name and
    shape is checked, and everything converted, before anything is assigned. Returns ``optimizer``.
    """
    spec = _kind(kind)
    _check_keras_class(optimizer, spec)
    mapping.check_names(tf1_slot_names(kind, name_map, scope, with_global_step), tf1_state,
                        f"the {kind} optimizer state")
    _build(optimizer, name_map)
    assignments = []  # (Keras variable, value), applied once everything converted
    for name, target in name_map.items():
        to_tf2, _ = _slot_conversions(target)
        for slot in spec.slots:
            if not slot.needed(optimizer):
                continue
            slots = _slot_list(optimizer, slot, spec)
            value = to_tf2(slot.to_keras(np.asarray(tf1_state[f"{name}/{slot.suffix}"]), optimizer))
            parts = value if isinstance(value, tuple) else (value,)
            for variable, part in zip(_parts(target), parts):
                keras_slot = slots[optimizer._get_variable_index(variable)]
                if tuple(np.shape(part)) != tuple(keras_slot.shape):
                    raise UserError(f"{name}/{slot.suffix} has shape {list(np.shape(part))} "
                                    f"after conversion, the Keras slot {list(keras_slot.shape)}")
                assignments.append((keras_slot, np.asarray(part, keras_slot.dtype)))
    steps = None
    if spec.non_slots:
        steps = _iterations_from_beta_powers(
            optimizer, *(tf1_state[_scoped(scope, name)] for name in spec.non_slots))
    if with_global_step:
        global_step = int(tf1_state["global_step"])
        if steps is not None and steps != global_step:
            raise UserError(f"global_step {global_step} and the beta powers' step count "
                            f"{steps} disagree")
        steps = global_step
    for variable, value in assignments:
        variable.assign(value)
    if steps is not None:
        optimizer.iterations.assign(steps)
    return optimizer


def from_keras(optimizer, name_map, kind, scope="", with_global_step=False, live_only=False):
    """A built Keras 3 optimizer's state as a TF1 ``kind`` optimizer's {checkpoint name: array}.

    A slot Keras does not keep (RMSProp's momentum at momentum 0) is written as zeros, or left
    out with ``live_only``.
    """
    spec = _kind(kind)
    _check_keras_class(optimizer, spec)
    if not optimizer.built:
        raise UserError("the Keras optimizer is not built: it has no state to convert")
    state = {}
    for name, target in name_map.items():
        _, to_tf1 = _slot_conversions(target)
        parts = _parts(target)
        for slot in spec.slots:
            if not slot.needed(optimizer):
                if live_only:
                    continue
                state[f"{name}/{slot.suffix}"] = np.zeros(
                    np.shape(mapping.read({name: target})[name]), np.float32)
                continue
            slots = _slot_list(optimizer, slot, spec)
            values = [np.asarray(slots[optimizer._get_variable_index(part)]) for part in parts]
            value = to_tf1(tuple(values) if len(parts) > 1 else values[0])
            state[f"{name}/{slot.suffix}"] = np.asarray(slot.to_tf1(np.asarray(value), optimizer))
    steps = int(np.asarray(optimizer.iterations))
    if spec.non_slots:
        # float32, as TF1 keeps them (its value is a product of steps + 1 float32 factors).
        state[_scoped(scope, "beta1_power")] = np.float32(optimizer.beta_1) ** np.float32(steps + 1)
        state[_scoped(scope, "beta2_power")] = np.float32(optimizer.beta_2) ** np.float32(steps + 1)
    if with_global_step:
        state["global_step"] = np.int64(steps)
    return state



class TF1RMSprop(keras.optimizers.RMSprop):
    """Keras 3 ``RMSprop`` whose mean square starts at 1, as TF1's ``rms`` slot does.

    TF1's ``RMSPropOptimizer`` initialises its ``rms`` slot to ones, Keras 3 its ``velocity`` to
    zeros (PITFALLS #9): the first steps then divide by sqrt((1 - rho)·g²) instead of
    sqrt(rho + (1 - rho)·g²), a far larger step. Everything else is Keras' own update (epsilon
    inside the square root in Keras 3, as in TF1): set ``rho`` to TF1's ``decay`` and
    ``epsilon`` to TF1's 1e-10.
    """

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        # Created with ones, not assigned after build: fit() may build the optimizer while
        # tracing its train step, where an assignment would run again at every step.
        if name == "velocity":
            initializer = "ones"
        return super().add_optimizer_variables(trainable_variables, name, initializer)
