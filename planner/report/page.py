"""The parts of a report page: the inline CSS (the study's page uses it too), the page itself,
tables, figures and paragraphs. No script, no external URL: the page opens offline.

Every table sits in a ``div.scroll`` (``overflow-x: auto``): a table wider than the page
scrolls inside its box instead of widening the page; a table of labelled, formatted text
(:func:`planner.report.labels.labelled`) has one header row and no row numbers.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import re

import pandas as pd
from matplotlib.figure import Figure

from planner.report.style import close, png_bytes

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2em auto;
max-width:1100px;color:#222;padding:0 1em}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
h3{font-size:1.05em;margin:1.2em 0 .3em}
table{border-collapse:collapse;margin:.6em 0;font-size:.9em}
th,td{border:1px solid #ddd;padding:.25em .6em;text-align:right;vertical-align:top}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
td.t,th.t{text-align:left}td.warn{color:#a0281e;font-weight:600;text-align:left}
.scroll{overflow-x:auto;max-width:100%}.scroll>table{margin:.3em 0}
figure{margin:1em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.9em;color:#555}.note{color:#555;font-size:.9em}
p.opening{font-size:1.05em;line-height:1.5;background:#f6f3f9;border-left:4px solid #7b3fa0;
padding:.6em .9em}
.quote{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.85em;color:#444;
background:#fafafa;border:1px solid #eee;padding:.5em .8em}
"""

_NUMBER = re.compile(r"^[-+]?[\d,]*\.?\d+(e[-+]?\d+)?( %)?$|^-$")


def paragraph(text: str, cls: str | None = None) -> str:
    """``<p>`` with the escaped text."""
    return f'<p class="{cls}">{html.escape(text)}</p>' if cls else f"<p>{html.escape(text)}</p>"


def table(frame: pd.DataFrame, table_id: str, warn: frozenset[str] = frozenset()) -> str:
    """A table of text cells (its columns are its one header row; the index is not shown) in a
    horizontally scrolling box. Columns of numbers align right, text left; cells whose text is
    in ``warn`` (such as ``not stated``) stand out."""
    if not len(frame):
        return '<p class="note">(none)</p>'
    cells = frame.astype(str)
    numeric = {c: bool(cells[c].map(lambda v: bool(_NUMBER.match(v))).all()) for c in cells}
    left = {c: "" if numeric[c] else ' class="t"' for c in cells}
    head = "".join(f'<th{left[c]} scope="col">{html.escape(str(c))}</th>' for c in cells)
    rows = []
    for values in cells.itertuples(index=False):
        row = []
        for c, v in zip(cells.columns, values, strict=True):
            cls = ' class="warn"' if v in warn else left[c]
            row.append(f"<td{cls}>{html.escape(v)}</td>")
        rows.append("<tr>" + "".join(row) + "</tr>")
    return (
        f'<div class="scroll"><table id="{html.escape(table_id)}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def figure(name: str, fig: Figure, note: str | None = None) -> str:
    """A figure as an embedded PNG; its title (drawn in the image) is the image's alt text,
    and a caption is added only when ``note`` says more than the title."""
    data = base64.b64encode(png_bytes(fig)).decode("ascii")
    title = fig.get_suptitle() or (fig.axes[0].get_title() if fig.axes else name)
    close(fig)
    caption = f"<figcaption>{html.escape(note)}</figcaption>" if note and note != title else ""
    return (
        f'<figure id="fig-{html.escape(name)}"><img alt="{html.escape(title)}" '
        f'src="data:image/png;base64,{data}">{caption}</figure>'
    )


def page(title: str, body: list[str]) -> str:
    """The whole page: ``title`` as its heading, then ``body``."""
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{html.escape(title)}</title>",
            f"<style>{CSS}</style>",
            "</head>",
            "<body>",
            f"<h1>{html.escape(title)}</h1>",
            f'<p class="note">Written by planner on {stamp}. Self-contained: no network access '
            "needed.</p>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )
