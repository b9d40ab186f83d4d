"""The side-by-side view of a pair: TF1 left, TF2 right, highlighted, aligned by function.

Each file is cut into segments: the module header, then one segment per top-level ``def`` or
``class`` (with its decorators and the comments just above it). Segments are matched by name,
so the same function sits on the same row on both sides whatever its length; inside a matched
pair of segments the lines are aligned by difflib on their stripped text, so a Session loop and
a tape loop line up although their nesting differs. Changed lines are marked; each TF1 API
symbol found by :mod:`tf1to2.site.api` links to its API-index entry.
"""
import ast
import difflib
import html

from pygments.lexers import PythonLexer
from pygments.token import STANDARD_TYPES


def segments(source):
    """[(name, [lines])]: the header ("") then each top-level def/class, in file order."""
    lines = source.splitlines()
    starts = []
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
            while first > 0 and lines[first - 1].lstrip().startswith("#"):
                first -= 1
            starts.append((first, node.name))
    result, previous, name = [], 0, ""
    for first, next_name in starts:
        result.append((name, list(range(previous, first))))
        previous, name = first, next_name
    result.append((name, list(range(previous, len(lines)))))
    return [(name, numbers) for name, numbers in result if numbers or name == ""]


def align(left_source, right_source):
    """Rows (left line index or None, right line index or None, tag): tag is "same",
    "changed", "removed" (TF1 only) or "added" (TF2 only)."""
    left_lines, right_lines = left_source.splitlines(), right_source.splitlines()
    left, right = segments(left_source), segments(right_source)
    rows = []
    matcher = difflib.SequenceMatcher(None, [n for n, _ in left], [n for n, _ in right],
                                      autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for (_, a), (_, b) in zip(left[i1:i2], right[j1:j2]):
                rows += _align_lines(a, b, left_lines, right_lines)
        else:
            a = [n for _, numbers in left[i1:i2] for n in numbers]
            b = [n for _, numbers in right[j1:j2] for n in numbers]
            rows += _align_lines(a, b, left_lines, right_lines)
    return rows


def _align_lines(a, b, left_lines, right_lines):
    rows = []
    matcher = difflib.SequenceMatcher(None, [left_lines[n].strip() for n in a],
                                      [right_lines[n].strip() for n in b], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rows += [(a[i], b[j], "same") for i, j in zip(range(i1, i2), range(j1, j2))]
            continue
        pairs = max(i2 - i1, j2 - j1)
        for k in range(pairs):
            i = a[i1 + k] if i1 + k < i2 else None
            j = b[j1 + k] if j1 + k < j2 else None
            rows.append((i, j, "changed" if i is not None and j is not None
                         else "removed" if j is None else "added"))
    return rows


def highlight_lines(source):
    """Per line, a list of (start, end, css class) spans from Pygments' Python lexer."""
    lines = source.splitlines()
    spans = [[] for _ in lines]
    line, column = 0, 0
    for token, value in PythonLexer(stripnl=False, ensurenl=False).get_tokens(source):
        css = STANDARD_TYPES.get(token) or STANDARD_TYPES.get(token.parent, "")
        for k, piece in enumerate(value.split("\n")):
            if k:
                line, column = line + 1, 0
            if piece and line < len(spans):
                spans[line].append((column, column + len(piece), css))
            column += len(piece)
    return lines, spans


def render_line(text, spans, links=()):
    """HTML of one line: highlighted spans, with ``links`` [(start, end, href)] wrapped in <a>."""
    cuts = sorted({0, len(text)} | {p for s, e, _ in spans for p in (s, e)}
                  | {p for s, e, _ in links for p in (s, e)})
    out = []
    open_link = None
    for start, end in zip(cuts, cuts[1:]):
        link = next((href for s, e, href in links if s <= start and end <= e), None)
        if link != open_link:
            if open_link:
                out.append("</a>")
            if link:
                out.append(f'<a class="api" href="{html.escape(link)}">')
            open_link = link
        css = next((c for s, e, c in spans if s <= start and end <= e), "")
        piece = html.escape(text[start:end])
        out.append(f'<span class="{css}">{piece}</span>' if css else piece)
    if open_link:
        out.append("</a>")
    return "".join(out)


def render(left_source, right_source, left_title, right_title, left_links=None):
    """The HTML table (class ``pair``) of the two files; ``left_links``: {line: [(s, e, href)]}."""
    left_lines, left_spans = highlight_lines(left_source)
    right_lines, right_spans = highlight_lines(right_source)
    left_links = left_links or {}
    out = ['<div class="pair-wrap highlight"><table class="pair">'
           '<colgroup><col class="n"><col class="code"><col class="n"><col class="code">'
           '</colgroup>',
           f'<thead><tr><th colspan="2" class="tf1">{html.escape(left_title)}</th>'
           f'<th colspan="2" class="tf2">{html.escape(right_title)}</th></tr></thead><tbody>']
    for i, j, tag in align(left_source, right_source):
        left = (render_line(left_lines[i], left_spans[i], left_links.get(i + 1, ()))
                if i is not None else "")
        right = render_line(right_lines[j], right_spans[j]) if j is not None else ""
        out.append(f'<tr class="{tag}">'
                   f'<td class="n">{"" if i is None else i + 1}</td>'
                   f'<td class="code tf1"><pre>{left}</pre></td>'
                   f'<td class="n">{"" if j is None else j + 1}</td>'
                   f'<td class="code tf2"><pre>{right}</pre></td></tr>')
    out.append("</tbody></table></div>")
    return "".join(out)
