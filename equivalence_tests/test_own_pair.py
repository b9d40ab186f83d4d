"""A pair of one's own: the public API, the command line and the installed pytest helpers.

The pair in ``own_pair/`` is not registered; its test file ``check_my_pair.py`` is what a user
writes, and it runs from a directory outside the repository, where only the installed
``tf1to2`` package is importable (no conftest, no ``equivalence_tests``).
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

import tf1to2
from tf1to2 import cli, harness
from tf1to2.errors import UserError

OWN = pathlib.Path(__file__).parent / "own_pair"
REPO = pathlib.Path(__file__).resolve().parents[1]


def run(capsys, *argv):
    code = cli.main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_compare_pair_returns_the_same_report():
    report = tf1to2.compare_pair(OWN / "my_tf1.py", OWN / "my_tf2.py", steps=3)
    assert report.equivalent, report.table()
    assert [c.quantity for c in report.checks] == [
        "variables", "outputs", "loss", "gradients", "losses", "trajectory"]
    assert report.steps == 3 and len(report.tf2.losses) == 3


def test_pair_defaults_come_from_the_sides():
    example = tf1to2.pair(OWN / "my_tf1.py", OWN / "my_tf2.py")
    assert example.alignment == "copy"       # the TF2 side has tf1_names
    assert example.steps == 5                # the TF1 trace's default
    assert example.name == "my_tf1"


def test_trace_functions_are_sides_too():
    tf1_side = tf1to2.pairs.load_side(OWN / "my_tf1.py", "TF1")
    tf2_side = tf1to2.pairs.load_side(OWN / "my_tf2.py", "TF2")
    report = tf1to2.compare_pair(tf1_side.trace, tf2_side.trace, steps=2, alignment="seed")
    assert report.equivalent, report.table()


def test_command_line_compares_files(capsys):
    code, out, _ = run(capsys, "compare", "--tf1", OWN / "my_tf1.py", "--tf2", OWN / "my_tf2.py",
                       "--steps", "2", "--json")
    assert code == 0
    assert json.loads(out)["equivalent"] is True


def test_command_line_takes_named_tolerances(capsys):
    code, out, _ = run(capsys, "compare", "--tf1", OWN / "my_tf1.py", "--tf2", OWN / "my_tf2.py",
                       "--steps", "2", "--tolerance", "losses=EXACT")
    assert "losses" in out and "EXACT" in out


@pytest.mark.parametrize("argv, message", [
    (["--tf1", OWN / "my_tf1.py"], "--tf1 and --tf2 go together"),
    (["--tf1", OWN / "nope.py", "--tf2", OWN / "my_tf2.py"], "does not exist"),
    (["--tf1", "no_such_module_xyz", "--tf2", OWN / "my_tf2.py"], "cannot import the TF1 side"),
    (["--tf1", OWN / "my_tf1.py", "--tf2", OWN / "my_tf2.py", "--tolerance", "losses=NOPE"],
     "unknown tolerance 'NOPE'"),
    (["--tf1", OWN / "my_tf1.py", "--tf2", OWN / "my_tf2.py", "--tolerance", "loss"],
     "QUANTITY=NAME"),
    (["--tf1", OWN / "my_tf1.py", "--tf2", OWN / "my_tf2.py", "--tolerance", "speed=EXACT"],
     "unknown quantities speed"),
    (["--tf1", OWN / "__init__.py", "--tf2", OWN / "my_tf2.py"], "has no function trace"),
    (["linear_dense", "--tolerance", "losses=EXACT"], "go with --tf1/--tf2"),
])
def test_bad_own_pair_input_is_one_line_and_exit_2(capsys, tmp_path, argv, message):
    (OWN / "__init__.py").touch()
    try:
        code, out, err = run(capsys, "compare", *argv)
    finally:
        (OWN / "__init__.py").unlink()
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def test_a_crash_is_its_own_verdict(capsys, tmp_path):
    crashing = tmp_path / "crashing_tf2.py"
    crashing.write_text("def trace(seed=0, steps=1, initial_values=None):\n"
                        "    raise ValueError('Shapes (3, 4) and (4, 3) are incompatible')\n")
    code, out, err = run(capsys, "compare", "--tf1", OWN / "my_tf1.py", "--tf2", crashing,
                         "--alignment", "seed")
    assert code == 3
    assert "ERROR: TF2 side raised ValueError: Shapes (3, 4) and (4, 3)" in out
    assert "Traceback" not in out + err
    code, out, _ = run(capsys, "compare", "--tf1", OWN / "my_tf1.py", "--tf2", crashing,
                       "--alignment", "seed", "--json")
    result = json.loads(out)
    assert code == 3 and result["equivalent"] is False
    assert result["error"].startswith("TF2 side raised ValueError")
    report = tf1to2.compare_pair(OWN / "my_tf1.py", crashing, alignment="seed")
    assert not report.equivalent and report.error
    with pytest.raises(harness.SideError):
        report.check("outputs")


def test_a_dtype_mismatch_fails_with_both_dtypes():
    check = harness.compare_values("outputs", {"count": __import__("numpy").int32(3)},
                                   {"count": 3.0}, tf1to2.tolerances.EXACT)
    assert not check.ok
    assert check.detail == "count: dtype int32 (TF1) vs float64 (TF2)"


def test_pair_refuses_unknown_alignment():
    with pytest.raises(UserError, match="alignment must be one of"):
        tf1to2.pair(OWN / "my_tf1.py", OWN / "my_tf2.py", alignment="magic")


def test_installed_helpers_work_outside_the_repository(tmp_path):
    """The user's own test file, run by pytest where only the installed package is importable."""
    outside = tmp_path / "my_project"
    shutil.copytree(OWN, outside)
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "check_my_pair.py"],
        cwd=outside, env=environment, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "passed" in result.stdout
    # It used the installed package only: the user's files import nothing of the repository's
    # tests (an editable install puts the clone on sys.path, so an import probe would not tell).
    for path in outside.glob("*.py"):
        assert "equivalence_tests" not in path.read_text(), path


def test_init_option_compares_own_initialisers(capsys, tmp_path):
    code, out, _ = run(capsys, "compare", "--tf1", OWN / "my_tf1.py", "--tf2", OWN / "my_tf2.py",
                       "--steps", "1", "--init")
    assert code == 0 and "initialisation" in out and "INIT_DISTRIBUTION" in out
    normal = tmp_path / "normal_tf2.py"
    normal.write_text((OWN / "my_tf2.py").read_text().replace(
        'keras.layers.Dense(4, activation="tanh")',
        'keras.layers.Dense(4, activation="tanh", kernel_initializer="zeros")'))
    code, out, _ = run(capsys, "compare", "--tf1", OWN / "my_tf1.py", "--tf2", normal,
                       "--steps", "1", "--init")
    assert code == 1 and "dense/kernel: TF1 draws it at random" in out
