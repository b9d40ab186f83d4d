"""The generated docs tree: the project's ``docs/`` transformed for MkDocs.

Nothing under ``docs/`` is edited. Each page is copied with its ``--8<--`` includes resolved at
build time: a pair's two files become the side-by-side view (:mod:`.sidebyside`), any other
include a fenced code block read from the file (a ``file:name`` section between its
``--8<-- [start:name]`` and ``[end:name]`` markers). Each pair page gains its files, the
equivalence report of the last results run with both loss curves, and the tf_upgrade_v2 output;
"PITFALLS #N" links to the catalogue. The home page's index, ``pitfalls.md`` and ``api.md`` are
generated from the registry, the tests and the ``tf1_style`` files.
"""
import html
import pathlib
import re
import shutil

from tf1to2.site import collect, index, plot, sidebyside
from tf1to2.site import results as results_file

ROOT = pathlib.Path(__file__).resolve().parents[2]
INCLUDE = re.compile(r'^(\s*)--8<-- "([^"]+)"\s*$')
PITFALL = re.compile(r"PITFALLS #(\d+)")
REPO = "https://github.com/tf1to2/tf1to2/blob/main"
CSS = """
.md-grid { max-width: 1800px; }
.pair-wrap { overflow-x: auto; margin: 1em 0; }
table.pair { border-collapse: collapse; width: 100%; font-size: .62rem; table-layout: fixed; }
table.pair td, table.pair th { padding: 0 .3em; vertical-align: top; border: none; }
table.pair col.n { width: 3em; }
table.pair col.code { width: calc(50% - 3em); }
table.pair td.n { color: #999; text-align: right; user-select: none; }
table.pair td.code pre { margin: 0; white-space: pre-wrap; word-break: break-all;
  background: transparent; font-size: 1em; }
table.pair th.tf1, table.pair th.tf2 { text-align: left; }
table.pair tr.changed td.tf1, table.pair tr.removed td.tf1 { background: #ffecec; }
table.pair tr.changed td.tf2, table.pair tr.added td.tf2 { background: #eaffea; }
table.pair a.api { text-decoration: underline dotted; color: inherit; }
"""


def section(path, name):
    """The lines of ``path`` between its ``--8<-- [start:name]`` and ``[end:name]`` markers."""
    lines = path.read_text().splitlines()
    start = [i for i, line in enumerate(lines) if f"--8<-- [start:{name}]" in line]
    end = [i for i, line in enumerate(lines) if f"--8<-- [end:{name}]" in line]
    if not start or not end:
        raise ValueError(f"{path.name} has no snippet section {name!r}")
    return "\n".join(lines[start[0] + 1:end[0]])


def include(target):
    path, _, name = target.partition(":")
    file = ROOT / path
    if not file.is_file():
        raise ValueError(f"include {target!r}: no such file")
    return section(file, name) if name else file.read_text().rstrip("\n")


def side_by_side(name, api_links=True):
    left_path, right_path = ROOT / "tf1_style" / f"{name}.py", ROOT / "tf2_style" / f"{name}.py"
    left, right = left_path.read_text(), right_path.read_text()
    links = {}
    if api_links:
        for symbol, line, start, end in collect.symbols_in(left):
            links.setdefault(line, []).append(
                (start, end, f"../api/#{collect.anchor(symbol)}"))
    return sidebyside.render(left, right, f"tf1_style/{name}.py", f"tf2_style/{name}.py", links)


def resolve_includes(text, name=None):
    """The page with every include resolved (a pair's own two files: the side-by-side view)."""
    out, fenced, done_pair = [], False, False
    pair_files = {f"tf1_style/{name}.py", f"tf2_style/{name}.py"} if name else set()
    both = name and all(f'"{f}"' in text for f in pair_files)
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        match = INCLUDE.match(line)
        if not match:
            out.append(line)
            continue
        indent, target = match.groups()
        if target in pair_files and both and not fenced:
            if not done_pair:
                out += ["", side_by_side(name), ""]
                done_pair = True
            continue
        body = include(target)
        if fenced:
            out += [indent + row for row in body.splitlines()]
        else:
            language = "python" if target.split(":")[0].endswith(".py") else ""
            out += [f"{indent}```{language}", *[indent + row for row in body.splitlines()],
                    f"{indent}```"]
    return "\n".join(out) + "\n"


LINK = re.compile(r"\]\(([^()\s]+)\)")


def link_files(text, page):
    """Links from ``docs/<page>`` to repository files that are not pages become GitHub links."""
    base = (ROOT / "docs" / page).parent

    def replace(match):
        target = match.group(1)
        if re.match(r"^[a-z]+:|^#", target):
            return match.group(0)
        path, _, anchor = target.partition("#")
        resolved = (base / path).resolve()
        if path.endswith(".md") and (ROOT / "docs") in resolved.parents:
            return match.group(0)
        try:
            relative = resolved.relative_to(ROOT).as_posix()
        except ValueError:
            return match.group(0)
        if not resolved.exists():
            return match.group(0)
        kind = "tree" if resolved.is_dir() else "blob"
        return f"]({REPO.replace('/blob/', f'/{kind}/')}/{relative}{'#' + anchor if anchor else ''})"
    return LINK.sub(replace, text)


def link_pitfalls(text, prefix=""):
    return PITFALL.sub(lambda m: f"[PITFALLS #{m.group(1)}]({prefix}pitfalls.md#pitfall-"
                                 f"{m.group(1)})", text)


def report_section(example, entry):
    """Markdown: the equivalence report table of the results run, and the loss curves."""
    lines = ["## Equivalence report", ""]
    if entry is None:
        return "\n".join(lines + ["Not run: `tf1to2 docs results` writes the results file the "
                                  "site reads.", ""]), None
    if entry.get("guide_only"):
        return "\n".join(lines + ["A guide only: the TF1 side cannot run on today's TensorFlow.",
                                  ""]), None
    if entry.get("error"):
        return "\n".join(lines + [f"The last run raised: `{entry['error']}`", ""]), None
    lines += [f"Seed {entry.get('seed', 0)}, {entry.get('steps')} steps, "
              f"{entry.get('seconds', 0):.1f} s: **{results_file.verdict(entry)}**. A check "
              "passes when every element satisfies |tf1 − tf2| ≤ atol + rtol·|tf1|; the "
              "relative difference is measured at the worst element, so it can be large where "
              "a TF1 value is near zero in a check that passes.", "",
              '<table class="report"><thead><tr><th>quantity</th><th>max abs diff</th>'
              "<th>max rel diff</th><th>tolerance</th><th>atol</th><th>rtol</th><th>ok</th>"
              "</tr></thead><tbody>"]
    for check in entry.get("checks", []):
        tolerance = check.get("tolerance", {})
        cells = [check["quantity"], _number(check.get("max_abs_diff")),
                 _number(check.get("max_rel_diff")), tolerance.get("name", ""),
                 _number(tolerance.get("atol")), _number(tolerance.get("rtol")),
                 "yes" if check.get("ok") else "NO " + check.get("detail", "")]
        lines.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells)
                     + "</tr>")
    lines += ["</tbody></table>", ""]
    losses = {side: (entry.get(side.lower()) or {}).get("losses") or [] for side in ("TF1", "TF2")}
    image = None
    if len(losses["TF1"]) > 1 and len(losses["TF2"]) > 1:
        image = plot.svg(f"{example.name}: training loss, TF1 and TF2", losses) or None
    if image:  # no curve where the losses are not numbers per step (a dict per optimizer)
        lines += ["### Loss curves", "",
                  f"![{example.name}: loss per step, TF1 solid, TF2 dashed]"
                  f"(plots/{example.name}.svg){{ .loss-plot }}", ""]
    return "\n".join(lines), image


def _number(value):
    return "null" if value is None else f"{value:.3e}" if isinstance(value, float) else value


def files_section(name):
    paths = [f"tf1_style/{name}.py", f"tf2_style/{name}.py",
             f"equivalence_tests/test_{name}.py", f"docs/{name}.md"]
    return "\n".join(["## Files", ""] + [f"- [`{p}`]({REPO}/{p})" for p in paths
                                         if (ROOT / p).exists()] + [""])


def pair_page(example, entry, upgrade_markdown=""):
    """(markdown, svg or None) of one pair's page."""
    source = ROOT / "docs" / f"{example.name}.md"
    if source.is_file():
        text = resolve_includes(source.read_text(), example.name)
    else:
        text = (f"# {example.name}\n\n{example.description}\n\n*No guide yet.*\n\n## The pair\n\n"
                + side_by_side(example.name) + "\n")
    report, image = report_section(example, entry)
    text = "\n".join([text.rstrip("\n"), "", report, files_section(example.name)])
    if upgrade_markdown:
        text += "\n" + upgrade_markdown
    return link_pitfalls(link_files(text, f"{example.name}.md")), image


def generate(out, results=None, upgrade=None, api_markdown=None, pitfalls_markdown=None):
    """Write the generated docs tree into ``out`` (emptied first); return the nav list."""
    from tf1to2 import examples

    out = pathlib.Path(out)
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(ROOT / "docs", out)
    (out / "plots").mkdir()
    (out / "css").mkdir()
    (out / "css" / "pairs.css").write_text(CSS)
    registered = list(examples.EXAMPLES.values())
    pair_names = {e.name for e in registered}
    for page in out.rglob("*.md"):
        if page.stem in pair_names and page.parent == out:
            continue
        text = page.read_text()
        if page == out / "index.md":
            text = index.render(text, registered, results or {})
        page.write_text(link_pitfalls(link_files(resolve_includes(text),
                                                 page.relative_to(out).as_posix()),
                                      "../" * (len(page.relative_to(out).parts) - 1)))
    for example in registered:
        entry = ((results or {}).get("examples") or {}).get(example.name)
        markdown, image = pair_page(example, entry,
                                    upgrade(example) if upgrade else "")
        (out / f"{example.name}.md").write_text(markdown)
        if image:
            (out / "plots" / f"{example.name}.svg").write_text(image)
    if pitfalls_markdown is not None:
        (out / "pitfalls.md").write_text(pitfalls_markdown)
    if api_markdown is not None:
        (out / "api.md").write_text(api_markdown)
    return nav(registered, out)


def nav(registered, out):
    entries = [{"Home": "index.md"}]
    for page, title in (("results.md", "Results"), ("pitfalls.md", "Pitfalls"),
                        ("api.md", "API index"), ("speed.md", "Speed")):
        if (out / page).exists():
            entries.append({title: page})
    for book, title in index.BOOKS.items():
        group = [{e.name: f"{e.name}.md"} for e in registered if e.book == book]
        if group:
            entries.append({title.replace("*", ""): group})
    others = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.md"))
    listed = {v for e in entries for v in ([*e.values()] if isinstance(next(iter(e.values())), str)
                                           else [x for g in e.values() for d in g for x in d.values()])}
    extra = [p for p in others if p not in listed]
    if extra:
        entries.append({"More": extra})
    return entries
