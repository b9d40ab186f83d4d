"""The results file: one `harness.compare` per registered pair, written as JSON.

`tf1to2 docs results` runs every runnable pair once (seed 0, its default steps: about two
minutes on 2 cores) and writes ``build/results.json``; the site build, the home page's verdict
column, the report tables and the loss plots read the last file written, and show "not run"
when there is none. The README can quote the same file, so that figures come from one place.
"""
import datetime
import json
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_PATH = ROOT / "build" / "results.json"


def run(path=DEFAULT_PATH, names=None, seed=0, log=sys.stderr, summary_path=None):
    """Compare every runnable pair (or ``names``) and write the results file atomically; with
    ``summary_path`` also merge its compact summary there (:mod:`tf1to2.site.figures`)."""
    import tensorflow as tf

    from tf1to2 import examples, harness
    from tf1to2.cli import report_json, write_atomically
    from tf1to2.errors import UserError

    selected = [examples.get(name) for name in names] if names else list(
        examples.EXAMPLES.values())
    results = {}
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)

    def write(complete):
        """Rewritten after every pair (atomically): an interrupted run leaves what it did."""
        document = {"generated": datetime.datetime.now(datetime.timezone.utc).isoformat(
                        timespec="seconds"),
                    "tensorflow": tf.__version__, "seed": seed, "complete": complete,
                    "examples": results}
        write_atomically(path, json.dumps(document, indent=1, allow_nan=False))
        return document

    for index, example in enumerate(selected, 1):
        if not example.runnable:
            results[example.name] = {"example": example.name, "guide_only": True}
            continue
        start = time.perf_counter()
        try:
            report = harness.compare(example, seed=seed)
            entry = report_json(report)
        except UserError as error:
            entry = {"example": example.name, "equivalent": False, "error": str(error)}
        except Exception as error:  # noqa: BLE001  (a pair under construction: record, go on)
            entry = {"example": example.name, "equivalent": False,
                     "error": f"{type(error).__name__}: {str(error).strip()[:200]}"}
        entry["seconds"] = round(time.perf_counter() - start, 2)
        results[example.name] = entry
        print(f"[{index}/{len(selected)}] {example.name}: {verdict(entry)} "
              f"({entry['seconds']:.1f} s)", file=log, flush=True)
        write(False)
    document = write(True)
    if summary_path is not None:
        from tf1to2.site import figures
        figures.record_pairs(document, summary_path)
    return document


def load(path=DEFAULT_PATH):
    """The last results file, or None when it was never written (or is not readable JSON)."""
    try:
        document = json.loads(pathlib.Path(path).read_text())
    except (OSError, ValueError):
        return None
    return document if isinstance(document.get("examples"), dict) else None


def verdict(entry):
    """One word for a pair's results entry (None: not run)."""
    if entry is None:
        return "not run"
    if entry.get("guide_only"):
        return "guide only"
    if entry.get("error"):
        return "error"
    return "equivalent" if entry.get("equivalent") else "NOT equivalent"
