"""The generated ``api.md``: every TF1 symbol the ``tf1_style`` files use (collected by
:mod:`.collect`), its TF2 replacement (:mod:`.api_table`, or "the same name in TF2" when
``tensorflow`` has the symbol under that name), a note, and the pairs that use it."""
import functools

from tf1to2.site import collect
from tf1to2.site.api_table import NOT_COVERED, REPLACEMENTS


@functools.lru_cache(maxsize=None)
def same_in_tf2(symbol):
    """True when ``tf.X`` of compat.v1 exists under the same path in the TF2 API."""
    if not symbol.startswith("tf."):
        return False
    import tensorflow as tf
    value = tf
    for part in symbol.split(".")[1:]:
        try:
            value = getattr(value, part)
        except AttributeError:
            return False
    return True


def entry(symbol):
    """(replacement, note) of a symbol, or None when the index lacks it."""
    if symbol in REPLACEMENTS:
        return REPLACEMENTS[symbol]
    if same_in_tf2(symbol):
        return (f"`{symbol}`", "the same name in TF2 (v1-only arguments such as `keep_dims` or "
                               "`name` conventions removed)")
    return None


def missing(uses=None):
    """Symbols used in tf1_style that the index lacks."""
    uses = collect.collect() if uses is None else uses
    return [symbol for symbol in uses if entry(symbol) is None]


def markdown():
    from tf1to2 import examples

    uses = collect.collect()
    lines = ["# API index: the TF1 symbols the pairs use, and their TF2 replacements", "",
             "Collected by parsing every `tf1_style` file (attribute chains on the "
             "`tensorflow.compat.v1` and tf-slim imports). Each symbol of the side-by-side "
             "views links here.", "",
             "| TF1 symbol | TF2 replacement | note | pairs |", "|---|---|---|---|"]
    for symbol, names in uses.items():
        replacement, note = entry(symbol) or ("**not in the index**", "")
        pairs = ", ".join(f"[{n}]({n}.md)" if n in examples.EXAMPLES else f"`{n}`"
                          for n in names)
        lines.append(f'| <span id="{collect.anchor(symbol)}"></span>`{symbol}` | '
                     f"{replacement} | {note} | {pairs} |")
    lines += ["", "## Commonly used, not shown by any pair yet", "",
              "| TF1 symbol | TF2 replacement |", "|---|---|"]
    lines += [f"| `{symbol}` | {replacement} |" for symbol, replacement in NOT_COVERED.items()
              if symbol not in uses]
    return "\n".join(lines) + "\n"
