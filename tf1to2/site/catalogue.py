"""The generated ``pitfalls.md``: each pitfall of :mod:`.pitfalls` with the pairs it touches and
the tests that catch it, collected by searching each test function for the "PITFALLS #N" it
cites (a pitfall no test cites is shown as such)."""
import ast
import collections
import pathlib
import re

from tf1to2.site.pitfalls import PITFALLS

ROOT = pathlib.Path(__file__).resolve().parents[2]
REFERENCE = re.compile(r"PITFALLS #(\d+)")
SEARCHED = ("README.md", "docs/**/*.md", "tf1_style/*.py", "tf2_style/*.py", "tf1to2/**/*.py",
            "equivalence_tests/**/*.py")


def tests_citing(root=ROOT):
    """{N: ["test_file.py::test_name", ...]} from every test function citing PITFALLS #N
    (its body, docstring or comments), and from a test class citing it for all its tests."""
    found = collections.defaultdict(list)
    for path in sorted((pathlib.Path(root) / "equivalence_tests").glob("test_*.py")):
        source = path.read_text()
        lines = source.splitlines()
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                    and node.name.startswith("test"):
                first = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
                while first > 0 and lines[first - 1].lstrip().startswith("#"):
                    first -= 1
                text = "\n".join(lines[first:node.end_lineno])
                for number in sorted({int(n) for n in REFERENCE.findall(text)}):
                    found[number].append(f"{path.name}::{node.name}")
    return found


def references(root=ROOT):
    """[(relative path, line number, N)] of every "PITFALLS #N" in the project."""
    result = []
    root = pathlib.Path(root)
    seen = set()
    for pattern in SEARCHED:
        for path in sorted(root.glob(pattern)):
            if path in seen or not path.is_file() or "build" in path.relative_to(root).parts:
                continue
            seen.add(path)
            for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                for match in REFERENCE.finditer(line):
                    result.append((path.relative_to(root).as_posix(), number,
                                   int(match.group(1))))
    return result


def pairs_touching(root=ROOT):
    """{N: sorted pair names whose guide, sides or test cite it}."""
    from tf1to2 import examples

    names = set(examples.EXAMPLES)
    touched = collections.defaultdict(set)
    for path, _, number in references(root):
        stem = pathlib.PurePosixPath(path).stem
        stem = stem[len("test_"):] if stem.startswith("test_") else stem
        if stem in names:
            touched[number].add(stem)
    return {number: sorted(pairs) for number, pairs in touched.items()}


def markdown(root=ROOT):
    tests, pairs = tests_citing(root), pairs_touching(root)
    lines = ["# Pitfalls: what silently changes when TF1 code is rewritten for TF2", "",
             "Numbered once: every \"PITFALLS #N\" in the guides, the tests and the code points "
             "here. Each entry says what goes wrong, what it costs (measured on TensorFlow 2.21, "
             "CPU, float32), the pairs that touch it and the planted-mistake tests that catch "
             "it, collected from the test files by the \"PITFALLS #N\" they cite. Numbers 1-29 "
             "are the shared list the project started from, 30 onwards were found while "
             "writing the pairs.", "",
             "| # | pitfall | pairs | tests |", "|---|---|---|---|"]
    for number, (title, _, _) in PITFALLS.items():
        lines.append(f"| [{number}](#pitfall-{number}) | {title} | {len(pairs.get(number, []))}"
                     f" | {len(tests.get(number, [])) or '**none**'} |")
    for number, (title, what, cost) in PITFALLS.items():
        lines += ["", f'<h2 id="pitfall-{number}">{number}. {_inline(title)}</h2>', "",
                  f"**What goes wrong.** {what}", "", f"**Measured cost.** {cost}", ""]
        touched = pairs.get(number, [])
        lines.append("**Pairs.** " + (", ".join(f"[{n}]({n}.md)" for n in touched)
                                      if touched else "none cites it yet."))
        lines.append("")
        caught = tests.get(number, [])
        lines.append("**Caught by.** " + (", ".join(f"`{t}`" for t in caught) if caught else
                                          "*no test cites it yet.*"))
    return "\n".join(lines) + "\n"


def _inline(text):
    """Backticks to <code> (the heading is raw HTML, to carry a stable id)."""
    import html
    parts = text.split("`")
    return "".join(f"<code>{html.escape(p)}</code>" if i % 2 else html.escape(p)
                   for i, p in enumerate(parts))
