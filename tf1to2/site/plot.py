"""Both sides' loss curves overlaid, as an SVG written by hand (no plotting library needed)."""
import html
import math

WIDTH, HEIGHT, MARGIN = 640, 300, 48
STYLES = {"TF1": ("#1f77b4", ""), "TF2": ("#d62728", "6,4")}


def _number(value):
    """A loss that can be drawn: a finite number (a pair may record a dict of losses per step)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def svg(title, curves):
    """An SVG (text) of ``curves`` {label: [loss per step]}: TF1 solid, TF2 dashed."""
    values = [v for c in curves.values() for v in c if _number(v)]
    if not values:
        return ""
    low, high = min(values), max(values)
    if high == low:
        high, low = high + 0.5, low - 0.5
    steps = max(len(c) for c in curves.values())

    def x(i):
        return MARGIN + (WIDTH - 2 * MARGIN) * (i / max(steps - 1, 1))

    def y(v):
        return HEIGHT - MARGIN - (HEIGHT - 2 * MARGIN) * ((v - low) / (high - low))

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="loss-plot" width="{WIDTH}" '
           f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
           f'aria-label="{html.escape(title)}">',
           f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
           f'<text x="{WIDTH / 2}" y="20" text-anchor="middle" font-size="14">'
           f'{html.escape(title)}</text>',
           f'<line x1="{MARGIN}" y1="{HEIGHT - MARGIN}" x2="{WIDTH - MARGIN}" '
           f'y2="{HEIGHT - MARGIN}" stroke="#555"/>',
           f'<line x1="{MARGIN}" y1="{MARGIN}" x2="{MARGIN}" y2="{HEIGHT - MARGIN}" '
           f'stroke="#555"/>']
    for value in (low, (low + high) / 2, high):
        out.append(f'<text x="{MARGIN - 4}" y="{y(value) + 4:.1f}" text-anchor="end" '
                   f'font-size="10">{value:.4g}</text>')
    out.append(f'<text x="{WIDTH / 2}" y="{HEIGHT - 12}" text-anchor="middle" font-size="11">'
               f'training step (1 to {steps})</text>')
    for k, (label, curve) in enumerate(curves.items()):
        colour, dash = STYLES.get(label, ("#2ca02c", "2,2"))
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(curve) if _number(v))
        out.append(f'<polyline class="curve-{label.lower()}" fill="none" stroke="{colour}" '
                   f'stroke-width="1.6" stroke-dasharray="{dash}" points="{points}"/>')
        out.append(f'<text x="{WIDTH - MARGIN - 60}" y="{MARGIN + 14 * k}" font-size="12" '
                   f'fill="{colour}">{html.escape(label)}{" (dashed)" if dash else ""}</text>')
    out.append("</svg>")
    return "\n".join(out)
