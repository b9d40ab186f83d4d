"""`tf1to2 benchmark`: it runs, its JSON has every field, and its equivalence checks can fail.

No test here asserts a time: timings depend on the machine and its load.
"""
import dataclasses
import json

import pytest

from tf1to2 import cli
from tf1to2.benchmark import forms, timing

PAIR_FIELDS = {"example", "book", "kind", "goal", "steps", "rounds", "seed", "steps_per_call",
               "forms", "load_before", "load_after", "wall_s", "recommended",
               "recommended_ratio", "goal_met", "fit_ratio", "not_equivalent", "file_form",
               "file_form_ratio", "file_form_goal_met"}
FORM_FIELDS = {"form", "side", "description", "steps_per_call", "xla", "status", "recommended"}
MEASURED_FIELDS = {"build_s", "warmup_round_s", "first_call_s", "peak_rss_delta_mb",
                   "rss_delta_mb", "checks", "equivalent", "per_step_ms", "traces", "retraced",
                   "ratio_to_tf1_loop"}
SPREAD_FIELDS = {"median", "min", "max", "q1", "q3"}


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    path = tmp_path_factory.mktemp("benchmark") / "speed.json"
    assert cli.main(["benchmark", "mlp", "linear_regression", "--steps", "2", "--rounds", "1",
                     "--json", str(path)]) == 0
    return json.loads(path.read_text())


def test_benchmark_runs_and_its_json_has_every_field(result):
    assert {"tensorflow", "keras", "cpu_count", "load_before", "load_after", "seed",
            "timing_method", "memory_method", "pairs", "not_benchmarked"} <= set(result)
    assert [pair["example"] for pair in result["pairs"]] == ["mlp", "linear_regression"]
    for pair in result["pairs"]:
        assert PAIR_FIELDS <= set(pair), PAIR_FIELDS - set(pair)
        assert [form["form"] for form in pair["forms"]] == [f.name for f in forms.FORMS]
        for form in pair["forms"]:
            assert FORM_FIELDS <= set(form), (form["form"], FORM_FIELDS - set(form))
            if form["status"] == "ok":
                assert MEASURED_FIELDS <= set(form), (form["form"], MEASURED_FIELDS - set(form))
                assert SPREAD_FIELDS <= set(form["per_step_ms"])
                assert form["equivalent"], form
            else:  # a form that does not fit the pair says why
                assert form["status"] == "n/a" and form["reason"], form
    mlp = result["pairs"][0]
    assert all(form["status"] == "ok" for form in mlp["forms"]), mlp["forms"]
    assert mlp["file_form"] == "tf2_k_steps" and mlp["file_form_ratio"] is not None
    assert {entry["example"] for entry in result["not_benchmarked"]} >= {"linear_dense"}


def test_a_function_form_is_traced_once(result):
    for pair in result["pairs"]:
        for form in pair["forms"]:
            if form["form"] in ("tf2_function", "tf2_k_steps") and form["status"] == "ok":
                assert form["traces"] == 1 and not form["retraced"], form


def test_planted_learning_rate_is_caught_in_every_tf2_form(monkeypatch):
    """A TF2 optimizer with twice the learning rate: every TF2 form is reported not equivalent
    (and never recommended), the TF1 forms stay equivalent."""
    from tf1to2 import examples
    from tf1to2.benchmark import report, workloads
    import tf2_style.mlp

    monkeypatch.setattr(tf2_style.mlp, "HP", dataclasses.replace(
        tf2_style.mlp.HP, learning_rate=2 * tf2_style.mlp.HP.learning_rate))
    pair = report.summarise(timing.measure(workloads.WORKLOADS["mlp"], examples.get("mlp"),
                                           steps=2, rounds=1))
    verdicts = {form["form"]: (form["side"], form["equivalent"]) for form in pair["forms"]}
    assert verdicts == {f.name: (f.side, f.side == "TF1") for f in forms.FORMS}, verdicts
    assert pair["recommended"] is None and not pair["goal_met"]
    assert set(pair["not_equivalent"]) == {f.name for f in forms.FORMS if f.side == "TF2"}


def test_every_workload_names_a_form_its_pair_file_takes():
    from tf1to2.benchmark import workloads
    names = {form.name for form in forms.FORMS}
    for key, workload in workloads.WORKLOADS.items():
        assert workload.file_form in names, key
        assert workload.file_form not in workload.not_applicable, key


def test_a_variant_runs_with_its_hyperparameters_and_restores_them():
    # char_rnn:lstm_layer times the pair written with keras.layers.LSTM / tf.nn.dynamic_rnn.
    from tf1to2.benchmark import workloads
    import tf1_style.char_rnn
    import tf2_style.char_rnn
    variant = workloads.WORKLOADS["char_rnn:lstm_layer"]
    assert (variant.name, variant.key) == ("char_rnn", "char_rnn:lstm_layer")
    with variant.context():
        assert tf1_style.char_rnn.HP.rnn == tf2_style.char_rnn.HP.rnn == "library"
    assert tf1_style.char_rnn.HP.rnn == tf2_style.char_rnn.HP.rnn == "loop"


def test_parts_time_each_part_on_both_sides(tmp_path, capsys):
    from tf1to2.benchmark import parts
    path = tmp_path / "parts.json"
    assert cli.main(["benchmark", "mlp", "--parts", "--rounds", "1", "--json", str(path)]) == 0
    assert "| forward+backward |" in capsys.readouterr().out
    timed = json.loads(path.read_text())["mlp"]
    assert list(timed) == list(parts.PARTS)
    for part, sides in timed.items():  # XLA is a TF2 form: TF1 has no such row
        assert set(sides) == ({"TF2"} if "XLA" in part else {"TF1", "TF2"}), part
        assert all(side["median"] > 0 for side in sides.values())


def test_parts_refuse_a_pair_without_one_keras_model(capsys):
    assert cli.main(["benchmark", "dqn", "--parts"]) == 2
    assert cli.main(["benchmark", "--parts"]) == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 2 and "not dqn" in errors[0]


def test_bad_arguments_are_one_line_errors(capsys):
    assert cli.main(["benchmark", "graph_basics"]) == 2
    assert cli.main(["benchmark", "mlp", "--rounds", "0"]) == 2
    assert cli.main(["benchmark", "mlp", "--all"]) == 2
    assert cli.main(["benchmark", "mlp", "--json", "/no/such/dir/x.json"]) == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 4 and all(line.startswith("tf1to2: error:") for line in errors)


def test_steps_per_call_divides_the_round():
    assert timing.steps_per_call(100) == 100
    assert timing.steps_per_call(200) == 100
    assert timing.steps_per_call(7) == 7
    assert timing.steps_per_call(150) == 75
