"""The command line: output formats, exit codes and one-line errors for bad input."""
import dataclasses
import json
import subprocess
import sys
from unittest import mock

import numpy as np
import pytest

from tf1to2 import cli, examples
from tf2_style import linear_dense as tf2_linear_dense


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_names_every_example(capsys):
    code, out, _ = run(capsys, "list")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == list(examples.EXAMPLES)


def test_compare_prints_a_table_and_a_verdict(capsys):
    code, out, _ = run(capsys, "compare", "linear_dense", "--steps", "5")
    assert code == 0
    assert "gradients" in out and "linear_dense (seed 0, 5 steps): EQUIVALENT" in out


def test_compare_exits_1_when_not_equivalent(capsys):
    wrong = dataclasses.replace(tf2_linear_dense.HP, learning_rate=0.02)
    with mock.patch.object(tf2_linear_dense, "HP", wrong):
        code, out, _ = run(capsys, "compare", "linear_dense", "--steps", "5")
    assert code == 1
    assert "NOT EQUIVALENT" in out


def test_json_has_the_documented_fields(capsys):
    code, out, _ = run(capsys, "compare", "linear_dense", "--steps", "3", "--json", "--seed", "4")
    assert code == 0
    result = json.loads(out)
    assert {"example", "seed", "steps", "equivalent", "checks", "tf1", "tf2"} <= set(result)
    assert result["seed"] == 4 and result["steps"] == 3 and result["equivalent"] is True
    assert {"quantity", "max_abs_diff", "tolerance", "ok"} <= set(result["checks"][0])
    assert len(result["tf1"]["losses"]) == 3
    assert set(result["tf2"]["variables"]) == {"dense/kernel", "dense/bias"}
    assert result["tf1"]["outputs"]["y_pred"] == result["tf2"]["outputs"]["y_pred"]


def test_json_is_strict_none_gradients_and_failed_checks_become_null():
    assert cli._strict_json({"g": [float("nan"), 1.0], "d": float("inf"), "n": 2}) == {
        "g": [None, 1.0], "d": None, "n": 2}


def test_large_values_are_summarised_in_json():
    summary = cli._summary({"w": np.array([[1.0, 2.0], [2.0, 4.0]])}, limit=3)
    assert summary == {"w": {"shape": [2, 2], "l2_norm": 5.0, "sum": 9.0}}
    nested = cli._summary({"api": {"y": [1.0, 2.0]}, "n": 3.0}, limit=10)
    assert nested == {"api/y": [1.0, 2.0], "n": 3.0}


@pytest.mark.parametrize("argv, message", [
    (["compare", "nosuch"], "unknown example 'nosuch'; known examples: linear_regression"),
    (["compare"], "give one EXAMPLE, --all, or --tf1 and --tf2"),
    (["compare", "linear_dense", "--steps", "-1"], "--steps must be 0 or more"),
    (["compare", "linear_dense", "--steps", "many"], "invalid int value: 'many'"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    (["diff", "linear_dense", "--html", "/nonexistent/dir/page.html"], "does not exist"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("tf1to2: error: ")
    assert message in err


def test_train_without_a_job_is_refused(capsys):
    code, _, err = run(capsys, "compare", "linear_dense", "--train")
    assert code == 2 and "has no --train job" in err


def test_diff_shows_the_migration(capsys, tmp_path):
    code, out, _ = run(capsys, "diff", "linear_dense")
    assert code == 0
    assert "-import tensorflow.compat.v1 as tf" in out and "+import keras" in out
    page = tmp_path / "page.html"
    assert run(capsys, "diff", "linear_dense", "--html", str(page))[0] == 0
    assert "tf2_style/linear_dense.py" in page.read_text()


def test_console_script_error_is_one_line_without_traceback():
    result = subprocess.run([sys.executable, "-m", "tf1to2.cli", "compare", "nosuch"],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.startswith("tf1to2: error: unknown example 'nosuch'")
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.slow
def test_compare_all_reports_every_example_equivalent(capsys):
    code, out, err = run(capsys, "compare", "--all")
    assert code == 0, out
    assert out.rstrip().endswith("all examples equivalent")
    compared = [e for e in examples.EXAMPLES.values() if e.runnable and not e.heavy]
    assert err.count(": equivalent (") == len(compared)
