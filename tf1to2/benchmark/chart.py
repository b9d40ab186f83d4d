"""The benchmark's bar chart: each pair's forms, time per step relative to the TF1 Session loop."""
import io


def write(path, result):
    """A PNG of every pair's form ratios (log scale) with the two goals; returns ``path``."""
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot

    from tf1to2.cli import write_atomically

    pairs = result["pairs"]
    names = [form["form"] for form in pairs[0]["forms"]] if pairs else []
    width = 0.8 / max(len(names), 1)
    figure, axes = pyplot.subplots(figsize=(11, 5))
    colours = pyplot.get_cmap("tab20")
    for index, name in enumerate(names):
        xs, ys, hatches = [], [], []
        for number, pair in enumerate(pairs):
            form = next((f for f in pair["forms"] if f["form"] == name), None)
            if form and "ratio_to_tf1_loop" in form:
                xs.append(number + (index - len(names) / 2 + 0.5) * width)
                ys.append(form["ratio_to_tf1_loop"]["median"])
                hatches.append("" if form.get("equivalent") else "xx")
        bars = axes.bar(xs, ys, width, label=name, color=colours(index % 20))
        for bar, hatch in zip(bars, hatches):
            bar.set_hatch(hatch)
    axes.axhline(1.0, color="black", linewidth=1, label="TF1 loop / goal where compute dominates")
    axes.axhline(0.75, color="black", linewidth=1, linestyle="--",
                 label="goal where per-step overhead dominates")
    axes.set_yscale("log")
    axes.set_xticks(range(len(pairs)), [pair["example"] for pair in pairs])
    axes.set(ylabel="time per step / TF1 Session loop's (log)",
             title=f"Training-step time per form (load {result['load_before']})")
    axes.legend(fontsize=7, ncol=2)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80)
    pyplot.close(figure)
    write_atomically(path, buffer.getvalue())
    return path
