"""tf_upgrade_v2 beside each pair: TensorFlow's upgrader run on the ``tf1_style`` file at build
time (its Python API, the same code as ``python -m tensorflow.tools.compatibility.tf_upgrade_v2``),
its output and report, and what it leaves undone against the hand-written TF2 file."""
import difflib
import functools
import logging
import pathlib
import tempfile

from tf1to2.site import api, collect

ROOT = pathlib.Path(__file__).resolve().parents[2]


IMPORT = "import tensorflow.compat.v1 as tf"


def as_tf1(name):
    """The tf1_style file as TF 1.x code imported TensorFlow (``import tensorflow as tf``): the
    input the upgrader was written for (on the compat.v1 import it changes nothing)."""
    return (ROOT / "tf1_style" / f"{name}.py").read_text().replace(IMPORT, "import tensorflow as tf")


@functools.lru_cache(maxsize=None)
def upgrade(name):
    """(upgraded source, report text, error list) of tf1_style/<name>.py."""
    from tensorflow.tools.compatibility import ast_edits, tf_upgrade_v2

    source = as_tf1(name)
    with tempfile.TemporaryDirectory() as directory:
        infile = pathlib.Path(directory) / "tf1.py"
        infile.write_text(source)
        output = pathlib.Path(directory) / f"{name}.py"
        upgrader = ast_edits.ASTCodeUpgrader(tf_upgrade_v2.TFAPIChangeSpec())
        logging.disable(logging.WARNING)  # it logs every change; the report has them all
        try:
            _, report, errors = upgrader.process_file(str(infile), str(output))
        finally:
            logging.disable(logging.NOTSET)
        return output.read_text(), report, list(errors)


def undone(upgraded):
    """What the upgraded file still needs, as API-index symbols: every ``tf.compat.v1.X`` it
    wrote, every ``tf.X`` it left that TF2 lacks (it would fail), every tf-slim call."""
    left = []
    for symbol, *_ in collect.symbols_in(upgraded):
        if symbol.startswith("tf2.compat.v1."):
            v1 = "tf." + symbol[len("tf2.compat.v1."):]
        elif symbol.startswith("tf2.") and not api.same_in_tf2("tf." + symbol[4:]):
            v1 = "tf." + symbol[4:]
        elif symbol.startswith("slim"):
            v1 = symbol
        else:
            continue
        if v1 not in left:
            left.append(v1)
    return left


def section(example):
    """Markdown of the pair page's upgrader section ("" when the TF1 side is missing)."""
    name = example.name
    if not (ROOT / "tf1_style" / f"{name}.py").is_file():
        return ""
    try:
        upgraded, report, errors = upgrade(name)
    except Exception as error:  # noqa: BLE001  (the upgrader itself failed: say so)
        return f"## tf_upgrade_v2\n\nThe upgrader failed: `{type(error).__name__}: {error}`\n"
    original = as_tf1(name)
    hand = (ROOT / "tf2_style" / f"{name}.py").read_text()
    changed = sum(1 for a, b in zip(original.splitlines(), upgraded.splitlines()) if a != b)
    left = undone(upgraded)
    lines = ["## tf_upgrade_v2", "",
             f"TensorFlow's upgrader (`tf_upgrade_v2`), run at build time on `tf1_style/{name}.py` "
             "as TF 1.x code imported TensorFlow (`import tensorflow as tf`; on the "
             "`compat.v1` import it changes nothing), "
             f"changes {changed} line(s) and reports {len(errors)} error(s). It keeps "
             "the file on `tf.compat.v1`: the graph, the session and the v1 APIs stay, so the "
             "result is TF1 code that runs on TF2, not a migration (PITFALLS #24).", ""]
    if left:
        lines += [f"Left undone against the hand-written `tf2_style/{name}.py`: "
                  f"{len(left)} TF1 symbol(s) remain: "
                  + ", ".join(f"[`{s}`](api.md#{collect.anchor(s)})" for s in left) + ".", ""]
    diff = "".join(difflib.unified_diff(upgraded.splitlines(keepends=True),
                                        hand.splitlines(keepends=True),
                                        "tf_upgrade_v2 output", f"tf2_style/{name}.py", n=1))
    lines += ['??? note "The upgrader\'s report"', "", "    ```text",
              *["    " + row for row in report.strip().splitlines()], "    ```", "",
              '??? note "The upgrader\'s output"', "", "    ```python",
              *["    " + row for row in upgraded.rstrip().splitlines()], "    ```", "",
              '??? note "From the upgrader\'s output to the hand-written TF2 file (diff)"', "",
              "    ```diff", *["    " + row for row in diff.rstrip().splitlines()], "    ```", ""]
    return "\n".join(lines)
