"""Your own pair: two sides written outside this project, compared by the same harness.

A side is a module (an imported module, an importable name such as ``mypkg.model_tf1``, or
the path of a ``.py`` file) or a bare ``trace`` function. Its contract is the one every pair
of this project follows:

    trace(seed=0, steps=N, initial_values=None) -> tf1to2.harness.Trace

keyed by the TF1 variable names; the TF2 side translates through its name map (a function
``tf1_names(model)`` by convention, see :mod:`tf1to2.mapping`). Then:

    import tf1to2
    report = tf1to2.compare_pair("my_tf1.py", "my_tf2.py", steps=20)
    print(report.table())

or ``tf1to2 compare --tf1 my_tf1.py --tf2 my_tf2.py`` on the command line, or, in pytest,
``EXAMPLE = tf1to2.pair("my_tf1.py", "my_tf2.py")`` in a :class:`tf1to2.testing.EquivalenceTest`.
"""
import contextlib
import importlib
import importlib.util
import inspect
import pathlib
import sys
import types

from tf1to2 import examples, harness, tolerances
from tf1to2.errors import UserError

ALIGNMENTS = ("copy", "seed", "none")


def load_side(side, label):
    """A module with a ``trace`` function, from a module, a name, a file path or a function."""
    if callable(side) and not isinstance(side, types.ModuleType):
        return types.SimpleNamespace(__name__=getattr(side, "__qualname__", label), trace=side)
    if isinstance(side, types.ModuleType):
        module = side
    elif isinstance(side, (str, pathlib.Path)) and str(side).endswith(".py"):
        module = _import_file(pathlib.Path(side), label)
    elif isinstance(side, str):
        try:
            module = importlib.import_module(side)
        except ImportError as error:
            raise UserError(f"cannot import the {label} side {side!r}: {error}") from None
    else:
        raise UserError(f"the {label} side must be a module, a module name, a .py file or a "
                        f"trace function, not {type(side).__name__}")
    if not callable(getattr(module, "trace", None)):
        raise UserError(f"the {label} side {module.__name__} has no function "
                        f"trace(seed, steps, initial_values)")
    return module


@contextlib.contextmanager
def _on_path(directory):
    """``directory`` first on sys.path while a user's file imports its neighbours."""
    sys.path.insert(0, str(directory))
    try:
        yield
    finally:
        with contextlib.suppress(ValueError):
            sys.path.remove(str(directory))


def _import_file(path, label):
    path = path.resolve()
    if not path.is_file():
        raise UserError(f"the {label} side {path} does not exist")
    name = f"tf1to2_user_{label.lower()}_{path.stem}"
    if name in sys.modules and getattr(sys.modules[name], "__file__", None) == str(path):
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # so that mock.patch and pickling find it by name
    try:
        with _on_path(path.parent):
            spec.loader.exec_module(module)
    except Exception as error:  # noqa: BLE001  (a user's file that does not import)
        del sys.modules[name]
        raise UserError(f"cannot import the {label} side {path}: "
                        f"{type(error).__name__}: {error}") from None
    return module


def _default_steps(module):
    """The ``steps`` default of the side's ``trace``, else 0."""
    try:
        parameter = inspect.signature(module.trace).parameters.get("steps")
    except (TypeError, ValueError):
        return 0
    if parameter is None or parameter.default is inspect.Parameter.empty:
        return 0
    return int(parameter.default)


def _tolerance(value):
    if isinstance(value, tolerances.Tolerance):
        return value
    found = getattr(tolerances, str(value), None)
    if not isinstance(found, tolerances.Tolerance):
        known = sorted(name for name, item in vars(tolerances).items()
                       if isinstance(item, tolerances.Tolerance))
        raise UserError(f"unknown tolerance {value!r}; known: {', '.join(known)}")
    return found


def pair(tf1, tf2, name=None, alignment=None, steps=None, tolerances_by_quantity=None,
         default_tolerance=tolerances.FLOAT32_FORWARD):
    """An :class:`tf1to2.examples.Example` for two sides of your own (not registered).

    ``alignment``: "copy" (the TF2 side starts from the TF1 initial values through its name
    map), "seed" (both seed themselves alike) or "none"; default "copy" when the TF2 side has
    ``tf1_names``, else "seed". ``steps``: default the TF1 ``trace``'s own default.
    ``tolerances_by_quantity``: {quantity: Tolerance or its name in :mod:`tf1to2.tolerances`};
    default FLOAT32_FORWARD for everything, or the TF2 module's ``TOLERANCES`` dict if it has one.
    """
    tf1_module, tf2_module = load_side(tf1, "TF1"), load_side(tf2, "TF2")
    if alignment is None:
        alignment = "copy" if hasattr(tf2_module, "tf1_names") else "seed"
    if alignment not in ALIGNMENTS:
        raise UserError(f"alignment must be one of {', '.join(ALIGNMENTS)}, not {alignment!r}")
    if tolerances_by_quantity is None:
        tolerances_by_quantity = getattr(tf2_module, "TOLERANCES", {})
    unknown = sorted(set(tolerances_by_quantity) - set(harness.QUANTITIES))
    if unknown:
        raise UserError(f"tolerances for unknown quantities {', '.join(unknown)}; "
                        f"quantities: {', '.join(harness.QUANTITIES)}")
    name = name or pathlib.Path(getattr(tf1_module, "__file__", None) or tf1_module.__name__).stem
    return examples.Example(
        name, f"your pair: {tf1_module.__name__} vs {tf2_module.__name__}", "your own code",
        alignment, _default_steps(tf1_module) if steps is None else steps,
        default_tolerance=_tolerance(default_tolerance),
        tolerances={quantity: _tolerance(value)
                    for quantity, value in tolerances_by_quantity.items()},
        book="yours", tf1_module=tf1_module, tf2_module=tf2_module)


def compare_pair(tf1, tf2, seed=0, steps=None, initial_values=None, initialisation=False,
                 **pair_options):
    """Run and compare two sides of your own; returns the same :class:`harness.Report`.

    ``initialisation=True`` adds the check of both sides' own initialisers (``--init``).
    """
    example = pair(tf1, tf2, steps=steps, **pair_options)
    return harness.compare(example, seed=seed, initial_values=initial_values,
                           initialisation=initialisation)
