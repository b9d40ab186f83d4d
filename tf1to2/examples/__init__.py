"""The registry of paired examples: name, one-line description, source, how weights are aligned.

Each entry ``X`` has ``tf1_style/X.py``, ``tf2_style/X.py``, ``equivalence_tests/test_X.py`` and
``docs/X.md``. Importing this package builds no model, so ``tf1to2 list`` answers at once.

The entries live in one module per group of pairs (:mod:`.core` holds the first thirteen); each
module has a list ``EXAMPLES``, and the registry lists them in the order of ``GROUPS``.
"""
import importlib

from tf1to2.errors import UserError
from tf1to2.examples.example import Example  # noqa: F401  (the entry type, re-exported)

GROUPS = ("core", "geron_custom", "geron_training", "slim", "applications", "optimizers", "rnn",
          "plumbing", "distribute")

EXAMPLES = {example.name: example
            for group in GROUPS
            for example in importlib.import_module(f"tf1to2.examples.{group}").EXAMPLES}


def get(name):
    try:
        return EXAMPLES[name]
    except KeyError:
        raise UserError(f"unknown example {name!r}; known examples: {', '.join(EXAMPLES)}") from None
