"""The migration guide site (`tf1to2 docs ...`): build, results, home-page index.

    tf1to2 docs build [--out DIR] [--results FILE] [--no-upgrade]
    tf1to2 docs results [--out FILE] [--jobs] [EXAMPLE ...]
    tf1to2 docs index [--check]

Wired into the CLI by ``tf1to2.site.add_parser(subparsers)`` and ``tf1to2.site.run(args)``;
``main(argv)`` runs it alone (tests). Modules: :mod:`.build` (generate + mkdocs --strict),
:mod:`.pages` (the generated docs tree), :mod:`.sidebyside`, :mod:`.results`, :mod:`.index`,
:mod:`.pitfalls` / :mod:`.catalogue`, :mod:`.collect` / :mod:`.api_table` / :mod:`.api`,
:mod:`.upgrade` (tf_upgrade_v2), :mod:`.plot`.
"""
import argparse
import pathlib
import sys

from tf1to2.errors import UserError


PITFALLS_PAGE = pathlib.Path(__file__).resolve().parents[2] / "docs" / "pitfalls.md"


def add_parser(subparsers):
    docs = subparsers.add_parser("docs", help="build the guide site, its results and index")
    commands = docs.add_subparsers(dest="docs_command", required=True)
    build = commands.add_parser("build", help="generate the docs tree and mkdocs build --strict")
    build.add_argument("--out", help="site directory (default build/site)")
    build.add_argument("--results", help="results file to read (default build/results.json)")
    build.add_argument("--no-upgrade", action="store_true",
                       help="leave out the tf_upgrade_v2 sections (faster)")
    results = commands.add_parser("results", help="compare every pair, write the results file")
    results.add_argument("--out", help="results file (default build/results.json)")
    results.add_argument("--jobs", action="store_true",
                         help="run the main jobs (--train) instead and record their figures")
    results.add_argument("examples", nargs="*", metavar="EXAMPLE")
    index = commands.add_parser("index", help="regenerate the pair index of docs/index.md")
    index.add_argument("--check", action="store_true",
                       help="exit 1 when docs/index.md is out of date, writing nothing")
    return docs


def run(args):
    from tf1to2.site import results as results_file
    if args.docs_command == "build":
        from tf1to2.site import build
        build.build(args.out, args.results or results_file.DEFAULT_PATH,
                    upgrade=not args.no_upgrade)
        return 0
    if args.docs_command == "results":
        from tf1to2.site import figures
        if args.jobs:
            summary = figures.run_jobs(args.examples or None)
            figures.update(summary)
            print(f"wrote {figures.SUMMARY}, {figures.PAGE} and the README's results")
            return 0 if all(job["equivalent"] for job in summary["jobs"].values()) else 1
        # Only the default results file feeds docs/results.json (a trial --out does not).
        document = results_file.run(args.out or results_file.DEFAULT_PATH, args.examples or None,
                                    summary_path=None if args.out else figures.SUMMARY)
        if not args.out:
            figures.update()
            print(f"wrote {figures.SUMMARY}, {figures.PAGE} and the README's results")
        print(f"wrote {args.out or results_file.DEFAULT_PATH}")
        bad = [n for n, e in document["examples"].items()
               if results_file.verdict(e) not in ("equivalent", "guide only")]
        return 1 if bad else 0
    from tf1to2.site import index
    if args.check:
        from tf1to2 import examples
        from tf1to2.site import catalogue, figures
        text = index.INDEX.read_text()
        stale = [] if index.render(text, list(examples.EXAMPLES.values())) == text else [
            "docs/index.md"]
        if PITFALLS_PAGE.read_text() != catalogue.markdown():
            stale.append("docs/pitfalls.md")
        stale += figures.outdated()
        from tf1to2.site import speed
        stale += speed.outdated()
        if stale:
            print(f"{', '.join(stale)} out of date: run `tf1to2 docs index`", file=sys.stderr)
            return 1
        return 0
    print("updated docs/index.md" if index.update() else "docs/index.md is up to date")
    # The pitfall catalogue, readable on GitHub too (the site renders the same text).
    from tf1to2.cli import write_atomically
    from tf1to2.site import catalogue
    write_atomically(PITFALLS_PAGE, catalogue.markdown())
    print(f"wrote {PITFALLS_PAGE}")
    from tf1to2.site import figures
    figures.update()
    print(f"wrote {figures.PAGE} and the README's results section (from {figures.SUMMARY})")
    from tf1to2.site import speed
    speed.update()
    print(f"wrote {speed.PAGE}'s measured part (from {speed.RUN})")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="tf1to2")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["docs", *(argv if argv is not None else sys.argv[1:])])
    try:
        return run(args)
    except UserError as error:
        print(f"tf1to2: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
