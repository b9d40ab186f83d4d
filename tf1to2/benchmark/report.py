"""The benchmark's verdicts and tables: the recommended form per pair, Markdown and JSON."""
import json


def usable(form):
    """A TF2 form that ran, kept equivalence and did not retrace: one that may be recommended."""
    return (form["side"] == "TF2" and form.get("status") == "ok" and form.get("equivalent")
            and not form.get("retraced") and "ratio_to_tf1_loop" in form)


def summarise(pair):
    """Add the pair's verdict: recommended form, its ratio, whether the goal is met, fit's ratio."""
    candidates = [form for form in pair["forms"] if usable(form)]
    best = min(candidates, key=lambda f: f["ratio_to_tf1_loop"]["median"], default=None)
    fit = next((form for form in pair["forms"] if form["form"] == "tf2_fit"
                and form.get("status") == "ok" and "ratio_to_tf1_loop" in form), None)
    in_file = next((form for form in pair["forms"] if form["form"] == pair.get("file_form")
                    and "ratio_to_tf1_loop" in form), None)
    pair.update(
        file_form_ratio=in_file["ratio_to_tf1_loop"]["median"] if in_file else None,
        file_form_goal_met=bool(in_file and in_file.get("equivalent")
                                and in_file["ratio_to_tf1_loop"]["median"] <= pair["goal"]),
        recommended=best["form"] if best else None,
        recommended_ratio=best["ratio_to_tf1_loop"]["median"] if best else None,
        goal_met=bool(best and best["ratio_to_tf1_loop"]["median"] <= pair["goal"]),
        fit_ratio=fit["ratio_to_tf1_loop"]["median"] if fit else None,
        not_equivalent=[form["form"] for form in pair["forms"]
                        if form.get("status") == "ok" and not form.get("equivalent")])
    for form in pair["forms"]:
        form["recommended"] = form["form"] == pair["recommended"]
    return pair


def _number(value, digits=2):
    return "–" if value is None else f"{value:.{digits}f}"


def _checks(form):
    return "; ".join(f"{c['quantity']} {c['max_abs_diff']:.1e} ≤ {c['tolerance']['name']}"
                     if c["ok"] else f"{c['quantity']} {c['max_abs_diff']:.1e} > "
                     f"{c['tolerance']['name']}" for c in form["checks"])


def pair_table(pair):
    rows = [f"### {pair['example']} ({pair['kind']}, goal ≤ {pair['goal']:.2f}; {pair['steps']} "
            f"steps per round, {pair['rounds']} timed rounds; load {pair['load_before']} → "
            f"{pair['load_after']})", "",
            "| form | steps/call | ms/step median (min–max) | ratio to TF1 loop (min–max) | "
            "first call s | peak RSS Δ MB | traces | equivalent |",
            "|---|---:|---:|---:|---:|---:|---:|---|"]
    for form in pair["forms"]:
        name = f"**{form['form']}** ✓" if form.get("recommended") else form["form"]
        if form["form"] == pair.get("file_form"):
            name += " (the file's)"
        if form.get("status") != "ok":
            rows.append(f"| {name} | {form['steps_per_call']} | {form['status']}: "
                        f"{form.get('reason', '')} | | | | | |")
            continue
        step, ratio = form["per_step_ms"], form.get("ratio_to_tf1_loop")
        ratio_text = (f"{ratio['median']:.2f} ({ratio['min']:.2f}–{ratio['max']:.2f})"
                      if ratio else "–")
        traces = "–" if form["traces"] is None else (
            f"{form['traces']}{' RETRACED' if form['retraced'] else ''}")
        verdict = "yes" if form["equivalent"] else "**NO**"
        rows.append(f"| {name} | {form['steps_per_call']} | {step['median']:.3f} "
                    f"({step['min']:.3f}–{step['max']:.3f}) | {ratio_text} | "
                    f"{form['first_call_s']:.2f} | {form['peak_rss_delta_mb']:.0f} | {traces} | "
                    f"{verdict}: {_checks(form)} |")
    return "\n".join(rows)


def summary_table(result):
    rows = ["| example | book | kind | goal | recommended form | ratio | goal met | "
            "the pair file's form | its ratio | its goal met | fit ratio | not equivalent |",
            "|---|---|---|---:|---|---:|---|---|---:|---|---:|---|"]
    for pair in result["pairs"]:
        rows.append(f"| {pair['example']} | {pair['book']} | {pair['kind']} | {pair['goal']:.2f} "
                    f"| {pair['recommended'] or '–'} | {_number(pair['recommended_ratio'])} | "
                    f"{'yes' if pair['goal_met'] else '**no**'} | "
                    f"{pair.get('file_form') or '–'} | {_number(pair.get('file_form_ratio'))} | "
                    f"{'yes' if pair.get('file_form_goal_met') else '**no**'} | "
                    f"{_number(pair['fit_ratio'])} | "
                    f"{', '.join(pair['not_equivalent']) or '–'} |")
    return "\n".join(rows)


def markdown(result):
    lines = [f"TensorFlow {result['tensorflow']}, Keras {result['keras']}, "
             f"{result['cpu_count']} CPUs, load average {result['load_before']} before and "
             f"{result['load_after']} after (1, 5, 15 min).", "",
             "Ratio: a form's time per training step over the TF1 Session loop's, round by round "
             "(median over rounds); below 1 is faster than TF1. ✓ marks the recommended form: "
             "the fastest TF2 form that kept equivalence and did not retrace; \"the file's\" "
             "the form the pair's TF2 file takes in its long runs.", "",
             summary_table(result), ""]
    for pair in result["pairs"]:
        lines += [pair_table(pair), ""]
    if result["not_benchmarked"]:
        lines += ["Not benchmarked (they train, but have no workload yet): "
                  + ", ".join(entry["example"] for entry in result["not_benchmarked"]) + ".", ""]
    lines.append(result["memory_method"])
    return "\n".join(lines)


def to_json(result):
    return json.dumps(result, indent=1, default=float)
