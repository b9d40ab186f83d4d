"""Registry entries: slim pairs."""
from tf1to2 import tolerances as tol  # noqa: F401
from tf1to2.examples.example import Example  # noqa: F401

EXAMPLES = []
