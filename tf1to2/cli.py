"""The `tf1to2` command: list the examples, compare their TF1 and TF2 sides, show a pair's diff.

    tf1to2 list
    tf1to2 compare EXAMPLE [--seed N] [--steps N] [--init] [--json]
    tf1to2 compare --all [--seed N] [--json]
    tf1to2 compare --tf1 MY_TF1.py --tf2 MY_TF2.py [--alignment copy|seed|none]
                   [--tolerance QUANTITY=NAME ...] [--seed N] [--steps N] [--json]
    tf1to2 compare EXAMPLE --train [--episodes N] [--plot PATH]
    tf1to2 diff EXAMPLE [--html PATH]
    tf1to2 convert-checkpoint (EXAMPLE | --tf2 MY_TF2.py [--tf1 MY_TF1.py]) TF1_CHECKPOINT OUT
    tf1to2 docs (build [--out DIR] | results | index)
    tf1to2 benchmark [EXAMPLE ... | --all] [--rounds N] [--steps N] [--json PATH] [--chart PATH]

Exit status: 0 when every compared example is equivalent, 1 when one is not, 2 on bad input,
3 when a side raised (a crash is not a verdict; the error is printed in one line).
"""
import argparse
import dataclasses
import difflib
import importlib.util
import json
import os
import pathlib
import sys

import numpy as np

from tf1to2 import benchmark, convert, examples, harness, pairs, site
from tf1to2.errors import UserError

# --json lists every value of models up to this size and of outputs up to OUTPUT_LIMIT numbers.
VARIABLE_LIMIT = 100_000
OUTPUT_LIMIT = 10_000


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2 (argparse's default also prints the usage)
        raise UserError(f"{message} (see `{self.prog} --help`)")


def _parser():
    parser = _Parser(prog="tf1to2", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    commands.add_parser("list", help="list the examples with a one-line description")
    compare = commands.add_parser("compare", help="run both sides of an example and compare them")
    compare.add_argument("example", nargs="?", help="example name (see `tf1to2 list`)")
    compare.add_argument("--all", action="store_true", help="compare every example")
    compare.add_argument("--init", action="store_true",
                         help="also compare each side's own initialisers (pairs aligned by "
                              "copying; several seeded draws per side)")
    compare.add_argument("--tf1", default=None,
                         help="your own TF1 side: a .py file or an importable module")
    compare.add_argument("--tf2", default=None,
                         help="your own TF2 side: a .py file or an importable module")
    compare.add_argument("--alignment", choices=("copy", "seed", "none"), default=None,
                         help="with --tf1/--tf2: how the weights are aligned (default: copy "
                              "when the TF2 side has tf1_names, else seed)")
    compare.add_argument("--tolerance", action="append", default=[], metavar="QUANTITY=NAME",
                         help="with --tf1/--tf2: a named tolerance of tf1to2.tolerances for a "
                              "quantity, e.g. losses=KERAS3_ADAM (repeatable)")
    compare.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    compare.add_argument("--steps", type=int, default=None,
                         help="training steps (default: the example's own)")
    compare.add_argument("--json", action="store_true", help="print one JSON object per example")
    compare.add_argument("--train", action="store_true",
                         help="run the example's main training job on both sides instead")
    compare.add_argument("--episodes", type=int, default=None,
                         help="episodes for --train of reinforcement-learning examples")
    compare.add_argument("--plot", default=None,
                         help="where --train writes its PNG plot (default: a file in the "
                              "current directory named after the example)")
    diff = commands.add_parser("diff", help="show what changes between a pair's two files")
    diff.add_argument("example")
    diff.add_argument("--html", default=None, help="write a side-by-side HTML page here instead")
    convert.add_parser(commands)
    site.add_parser(commands)
    timing = commands.add_parser("benchmark",
                                 help="time one training step of each pair in every form")
    timing.add_argument("examples", nargs="*",
                        help="pairs to time (default: every benchmarked pair)")
    timing.add_argument("--all", action="store_true", help="every benchmarked pair (the default)")
    timing.add_argument("--rounds", type=int, default=5,
                        help="timed rounds per form, interleaved (default: 5)")
    timing.add_argument("--steps", type=int, default=None,
                        help="training steps per round (default: each pair's own)")
    timing.add_argument("--json", default=None, metavar="PATH", help="also write the JSON here")
    timing.add_argument("--chart", default=None, metavar="PATH",
                        help="also write a PNG bar chart here (e.g. docs/speed.png)")
    timing.add_argument("--parts", action="store_true",
                        help="time the parts of one step instead (forward, backward, update) "
                             "on both sides: where a TF2 step loses or gains time")
    return parser


def _benchmark(args):
    if args.all and args.examples:
        raise UserError("give example names or --all, not both")
    if args.parts:
        benchmark.run_parts(args.examples, rounds=args.rounds, json_path=args.json)
        return 0
    benchmark.run(args.examples, rounds=args.rounds, steps=args.steps, json_path=args.json,
                  chart_path=args.chart)
    return 0


def _summary(values, limit):
    """Values as nested lists when small enough, else shape, L2 norm and sum per entry."""
    values = harness.flatten(values)  # nested outputs ({"api": {"logits": ...}}) by path
    if sum(value.size for value in values.values()) <= limit:
        return {name: value.tolist() for name, value in values.items()}
    return {name: {"shape": list(value.shape), "l2_norm": float(np.linalg.norm(value)),
                   "sum": float(value.sum())} for name, value in values.items()}


def _side_json(trace):
    return {"losses": trace.losses,
            "variables": _summary(trace.final_variables, VARIABLE_LIMIT),
            "outputs": _summary(trace.outputs, OUTPUT_LIMIT)}


def _strict_json(value):
    """NaN and infinities (a None gradient, a failed check) become null: strict JSON."""
    if isinstance(value, dict):
        return {key: _strict_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_strict_json(item) for item in value]
    if isinstance(value, (float, np.floating)):
        return float(value) if np.isfinite(value) else None
    return value


def report_json(report):
    if report.error:
        return {"example": report.example, "seed": report.seed, "steps": report.steps,
                "equivalent": False, "error": report.error}
    return _strict_json({
        "example": report.example, "seed": report.seed, "steps": report.steps,
        "equivalent": report.equivalent,
        "checks": [check.as_dict() for check in report.checks],
        "tf1": _side_json(report.tf1), "tf2": _side_json(report.tf2)})


def _own_pair(args):
    """The Example of ``--tf1``/``--tf2``."""
    if not (args.tf1 and args.tf2):
        raise UserError("--tf1 and --tf2 go together")
    if args.all or args.example or args.train:
        raise UserError("--tf1/--tf2 compare your own pair: give no EXAMPLE, --all or --train")
    tolerances_by_quantity = {}
    for item in args.tolerance:
        quantity, _, name = item.partition("=")
        if not name:
            raise UserError(f"--tolerance takes QUANTITY=NAME, not {item!r}")
        tolerances_by_quantity[quantity] = name
    return pairs.pair(args.tf1, args.tf2, alignment=args.alignment,
                      tolerances_by_quantity=tolerances_by_quantity or None)


def _compare(args):
    if args.tf1 or args.tf2:
        targets = [_own_pair(args)]
    elif args.tolerance or args.alignment:
        raise UserError("--alignment and --tolerance go with --tf1/--tf2")
    elif args.all == bool(args.example):
        raise UserError("give one EXAMPLE, --all, or --tf1 and --tf2")
    else:
        targets = ([example for example in examples.EXAMPLES.values()
                    if example.runnable and not example.heavy]
                   if args.all else [examples.get(args.example)])
    names = [example.name for example in targets]
    if args.train:
        if args.all:
            raise UserError("--train runs one example at a time")
        example = examples.get(names[0])
        if not example.train_job:
            with_jobs = [e.name for e in examples.EXAMPLES.values() if e.train_job]
            raise UserError(f"{example.name} has no --train job; examples with one: "
                            f"{', '.join(with_jobs) or 'none yet'}")
        return 0 if example.load_train_job()(args) else 1
    all_equivalent, crashed = True, []
    for index, report in enumerate(_reports(targets, args), 1):
        all_equivalent &= report.equivalent
        if report.error:
            crashed.append(report.example)
        if args.json:
            print(json.dumps(report.json, allow_nan=False), flush=True)
        else:
            if args.all:
                verdict = ("ERROR" if report.error else
                           "equivalent" if report.equivalent else "NOT EQUIVALENT")
                print(f"[{index}/{len(names)}] {report.example}: {verdict} "
                      f"({report.seconds:.1f} s)", file=sys.stderr, flush=True)
            print(report.table + "\n", flush=True)
    if args.all and not args.json:
        guides = [e.name for e in examples.EXAMPLES.values() if not e.runnable]
        if guides:
            print(f"not compared (guide only, no TF1 side on today's TensorFlow): "
                  f"{', '.join(guides)}")
        heavy = [e.name for e in examples.EXAMPLES.values() if e.heavy]
        if heavy:
            print(f"not compared (a minute or more each on a CPU: full-size ImageNet nets, "
                  f"clusters of processes; run `tf1to2 compare NAME`): {', '.join(heavy)}")
        print(f"examples that raised: {', '.join(crashed)}" if crashed else
              "all examples equivalent" if all_equivalent else "some examples are NOT equivalent")
    if crashed:
        for name in crashed:
            print(f"tf1to2: error: {name} did not run to a verdict (see above)", file=sys.stderr)
        return 3
    return 0 if all_equivalent else 1


@dataclasses.dataclass
class _Outcome:
    """What `compare` prints of one report (small enough to come back from a worker process)."""
    example: str
    equivalent: bool
    error: str
    seconds: float
    table: str
    json: dict = None


def _outcome(target, seed, steps, init, with_json):
    report = harness.compare(target, seed=seed, steps=steps, initialisation=init)
    return _Outcome(report.example, report.equivalent, report.error, report.seconds,
                    report.table(), report_json(report) if with_json else None)


def _reports(targets, args):
    """The outcomes of ``targets`` in order. ``--all`` compares them on two worker processes
    (one per core of a 2-core machine: `compare --all` stays under two minutes as pairs grow)."""
    settings = (args.seed, args.steps, args.init, args.json)
    workers = min(2, os.cpu_count() or 1)
    if not args.all or workers < 2 or len(targets) < 2:
        for target in targets:
            yield _outcome(target, *settings)
        return
    import concurrent.futures
    import multiprocessing
    with concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        # Longest first (by the last `tf1to2 docs results` run), printed in registry order.
        from tf1to2.site import figures
        seconds = {name: entry.get("seconds") or 0.0
                   for name, entry in figures.load()["pairs"].items()}
        futures = {target.name: pool.submit(_outcome, target.name, *settings) for target in
                   sorted(targets, key=lambda target: -seconds.get(target.name, 0.0))}
        for target in targets:
            yield futures[target.name].result()


def _diff(args):
    example = examples.get(args.example)
    paths = [pathlib.Path(importlib.util.find_spec(f"{side}.{example.name}").origin)
             for side in ("tf1_style", "tf2_style")]
    lines = [path.read_text().splitlines(keepends=True) for path in paths]
    if args.html:
        page = difflib.HtmlDiff(wrapcolumn=100).make_file(
            *lines, f"tf1_style/{example.name}.py", f"tf2_style/{example.name}.py")
        write_atomically(args.html, page)
        print(f"wrote {args.html}")
    else:
        sys.stdout.writelines(difflib.unified_diff(
            *lines, f"tf1_style/{example.name}.py", f"tf2_style/{example.name}.py"))
    return 0


def write_atomically(path, content):
    """Write text or bytes to ``path`` through a temporary file: never a half-written file."""
    path = pathlib.Path(path)
    if not path.parent.is_dir():
        raise UserError(f"cannot write {path}: directory {path.parent} does not exist")
    temporary = path.with_name(f".{path.name}.tmp{os.getpid()}")
    temporary.write_bytes(content if isinstance(content, bytes) else content.encode())
    os.replace(temporary, path)


def main(argv=None):
    try:
        args = _parser().parse_args(argv)
        if args.command == "list":
            width = max(map(len, examples.EXAMPLES))
            for example in examples.EXAMPLES.values():
                print(f"{example.name:<{width}}  {example.description}")
            return 0
        return {"compare": _compare, "diff": _diff, "benchmark": _benchmark,
                "convert-checkpoint": convert.run, "docs": site.run}[args.command](args)
    except UserError as error:
        print(f"tf1to2: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `tf1to2 diff X | head`: the reader left; stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
