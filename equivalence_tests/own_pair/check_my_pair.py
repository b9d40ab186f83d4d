"""A user's own test of their pair, run from outside the tf1to2 repository (no conftest)."""
import pathlib

import tf1to2
from tf1to2.testing import EquivalenceTest

HERE = pathlib.Path(__file__).parent


class MyPairTest(EquivalenceTest):
    EXAMPLE = tf1to2.pair(HERE / "my_tf1.py", HERE / "my_tf2.py")
    QUANTITIES = ("variables", "outputs", "loss", "gradients", "losses", "trajectory")

    def test_planted_wrong_learning_rate_is_caught(self):
        report = self.assert_caught("trajectory", LEARNING_RATE=0.11)
        assert report.control.equivalent
