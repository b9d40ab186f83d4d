"""Main jobs of `tf1to2 compare EXAMPLE --train`: train both sides in full and show the result.

Each job takes the parsed command-line arguments (``seed``, ``steps``, ``episodes``, ``plot``,
``json``), prints its results, and returns True when the two sides agree. Registered in
:mod:`tf1to2.examples` as ``train_job="tf1to2.jobs:<function>"``.
"""
import io
import os

from tf1to2.cli import write_atomically


def plot_curves(path, title, ylabel, curves, xlabel="step"):
    """Write a PNG of the named curves overlaid (TF1 solid, TF2 dashed) and return its path.

    ``curves`` maps a label ("TF1", "TF2") to a list of values. The file is written atomically.
    """
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(8, 4.5))
    for (label, values), style in zip(curves.items(), ("-", "--", ":", "-.")):
        axes.plot(range(1, len(values) + 1), values, style, label=label, linewidth=1.2)
    axes.set(title=title, xlabel=xlabel, ylabel=ylabel)
    axes.legend()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    pyplot.close(figure)
    write_atomically(path, buffer.getvalue())
    return os.path.abspath(path)


def default_plot_path(args, example):
    return args.plot or f"{example}_train.png"
