import pytest

import tf1to2  # noqa: F401  (prepares the process for TF1 and TF2 code before any test imports)
from tf1to2 import testing

# The names of the base class's per-seed tests on the seeds after the first.
_LATER_SEEDS = {f"{test}_{seed}" for test in testing.SEEDED_TESTS for seed in testing.SEEDS[1:]}


def pytest_collection_modifyitems(items):
    """A pair with SLOW_SEEDS = True: its per-seed tests on seeds 1 and 2 are `slow` (CI time)."""
    for item in items:
        cls = getattr(item, "cls", None)
        if getattr(cls, "SLOW_SEEDS", False) and item.name in _LATER_SEEDS:
            item.add_marker(pytest.mark.slow)
