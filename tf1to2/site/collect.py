"""TF1 symbols used in ``tf1_style/``, found by parsing the files (``ast``), never by hand.

A symbol is the longest attribute chain rooted at a TensorFlow or tf-slim import:
``tf.layers.dense``, ``tf.nn.rnn_cell.LSTMCell``, ``slim.arg_scope``, ``vgg.vgg_16``. The import
alias is replaced by a canonical root: ``tf`` for ``tensorflow.compat.v1``, ``slim`` for
``tf_slim``, ``slim.nets.vgg`` for ``from tf_slim.nets import vgg``.
"""
import ast
import collections
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
ROOTS = {"tensorflow.compat.v1": "tf", "tensorflow": "tf2", "tf_slim": "slim"}


def _aliases(tree):
    """{local name: canonical root} from the module's TensorFlow and tf-slim imports."""
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                for module, root in ROOTS.items():
                    if alias.name == module or alias.name.startswith(module + "."):
                        rest = alias.name[len(module):].lstrip(".")
                        if alias.asname:
                            aliases[alias.asname] = ".".join(filter(None, (root, rest)))
                        elif alias.name == module and "." not in module:
                            aliases[module] = root
                        break
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for module, root in ROOTS.items():
                if node.module == module or node.module.startswith(module + "."):
                    rest = node.module[len(module):].lstrip(".")
                    for alias in node.names:
                        aliases[alias.asname or alias.name] = ".".join(
                            filter(None, (root, rest, alias.name)))
                    break
    return aliases


def _chain(node):
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return node, list(reversed(parts))
    return None, None


def symbols_in(source):
    """[(symbol, line, start column, end column)] of one file, in order."""
    tree = ast.parse(source)
    aliases = _aliases(tree)
    found, inner = [], set()
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Attribute, ast.Name)) or id(node) in inner:
            continue
        base, parts = _chain(node)
        if base is None or parts[0] not in aliases:
            continue
        # an outer Attribute already covers the inner ones
        value = node
        while isinstance(value, ast.Attribute):
            value = value.value
            inner.add(id(value))
        if isinstance(node, ast.Name) and isinstance(getattr(node, "ctx", None), ast.Store):
            continue
        symbol = ".".join([aliases[parts[0]]] + parts[1:])
        if symbol in ("tf", "slim", "tf2"):
            continue
        found.append((symbol, node.lineno, node.col_offset, node.end_col_offset))
    return sorted(found, key=lambda item: (item[1], item[2]))


def collect(root=ROOT):
    """{symbol: sorted pair names whose tf1_style file uses it}."""
    uses = collections.defaultdict(set)
    for path in sorted((pathlib.Path(root) / "tf1_style").glob("*.py")):
        if path.name.startswith("_"):
            continue
        for symbol, *_ in symbols_in(path.read_text()):
            uses[symbol].add(path.stem)
    return {symbol: sorted(names) for symbol, names in sorted(uses.items())}


def anchor(symbol):
    return "sym-" + symbol.replace(".", "-").replace("_", "-").lower()
