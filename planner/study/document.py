"""The study's document as a list of blocks, rendered to Markdown (``docs/fusion_study.md``)
and to one self-contained HTML page (figures embedded as base64 PNG).

Every table block carries two frames: ``shown`` (the cells as printed, text) and ``data``
(the numbers they are printed from), which is written to ``<out>/tables/<name>.csv``; the
Markdown marks each table with ``<!-- table: <name> -->`` so that a reader (or a test) can
find the numbers behind it. Figures are PNG files written next to the document and linked
relatively.
"""

from __future__ import annotations

import base64
import html
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from planner.report.html import CSS
from planner.report.style import close, save_png

_NUMERIC = re.compile(r"^[<>]?\s*[-+]?[\d,]*\.?\d+\s*(%|x)?$")


@dataclass
class Block:
    kind: str
    text: str = ""
    items: list[str] = field(default_factory=list)
    name: str = ""
    shown: pd.DataFrame | None = None
    path: Path | None = None
    level: int = 2


class Document:
    """Blocks in order; ``markdown()`` and ``html()`` render them.

    >>> doc = Document("Title")
    >>> doc.para("Hello.")
    >>> print(doc.markdown(Path("docs/x.md")).splitlines()[0])
    # Title
    """

    def __init__(self, title: str) -> None:
        self.title = title
        self.blocks: list[Block] = []
        self.tables: dict[str, pd.DataFrame] = {}
        self.figures: list[Path] = []

    def heading(self, text: str, level: int = 2) -> None:
        self.blocks.append(Block("heading", text=text, level=level))

    def para(self, text: str) -> None:
        self.blocks.append(Block("para", text=text))

    def bullets(self, items: list[str]) -> None:
        self.blocks.append(Block("bullets", items=list(items)))

    def table(self, name: str, shown: pd.DataFrame, data: pd.DataFrame, caption: str = "") -> None:
        """A table: ``shown`` as printed, ``data`` the numbers behind it (kept as CSV)."""
        if name in self.tables:
            raise ValueError(f"table {name!r} added twice")
        self.tables[name] = data
        if caption:
            self.para(caption)
        self.blocks.append(Block("table", name=name, shown=shown.astype(str)))

    def figure(self, fig: Figure, path: Path, caption: str) -> None:
        """Write ``fig`` to ``path`` (PNG) and show it with ``caption``."""
        save_png(fig, path)
        close(fig)
        self.figures.append(path)
        self.blocks.append(Block("figure", text=caption, path=path))

    # -- rendering ------------------------------------------------------------------------
    def markdown(self, doc_path: Path) -> str:
        """The document as Markdown; figures linked relative to ``doc_path``'s folder."""
        lines = [f"# {self.title}", ""]
        for b in self.blocks:
            if b.kind == "heading":
                lines += [f"{'#' * b.level} {b.text}", ""]
            elif b.kind == "para":
                lines += [b.text, ""]
            elif b.kind == "bullets":
                lines += [f"- {item}" for item in b.items] + [""]
            elif b.kind == "table":
                assert b.shown is not None
                lines += [f"<!-- table: {b.name} -->", *_markdown_table(b.shown), ""]
            elif b.kind == "figure":
                assert b.path is not None
                rel = Path(os.path.relpath(b.path.resolve(), doc_path.resolve().parent)).as_posix()
                lines += [f"![{b.text}]({rel})", "", f"*{b.text}*", ""]
        return "\n".join(lines).rstrip() + "\n"

    def html(self, note: str = "") -> str:
        """The document as one self-contained HTML page."""
        body = [f"<h1>{html.escape(self.title)}</h1>"]
        if note:
            body.append(f'<p class="note">{html.escape(note)}</p>')
        for b in self.blocks:
            if b.kind == "heading":
                level = min(6, b.level)
                body.append(f"<h{level}>{html.escape(b.text)}</h{level}>")
            elif b.kind == "para":
                body.append(f"<p>{_inline(b.text)}</p>")
            elif b.kind == "bullets":
                body.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in b.items) + "</ul>")
            elif b.kind == "table":
                assert b.shown is not None
                body.append(b.shown.to_html(index=False, border=0, table_id=b.name, escape=True))
            elif b.kind == "figure":
                assert b.path is not None
                data = base64.b64encode(b.path.read_bytes()).decode("ascii")
                caption = html.escape(b.text)
                body.append(
                    f'<figure id="fig-{html.escape(b.path.stem)}"><img alt="{caption}" '
                    f'src="data:image/png;base64,{data}"><figcaption>{caption}</figcaption>'
                    "</figure>"
                )
        return "\n".join(
            [
                "<!DOCTYPE html>",
                '<html lang="en">',
                f'<head><meta charset="utf-8"><title>{html.escape(self.title)}</title>'
                f"<style>{CSS}</style></head>",
                "<body>",
                *body,
                "</body>",
                "</html>",
                "",
            ]
        )


def _inline(text: str) -> str:
    """Markdown inline code and emphasis to HTML (the subset the study writes)."""
    out = html.escape(text)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    out = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)
    return re.sub(r"(?<!\*)\*([^*]+)\*(?!\*)", r"<em>\1</em>", out)


def _markdown_table(frame: pd.DataFrame) -> list[str]:
    def cell(value: object) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    header = [cell(c) for c in frame.columns]

    def is_number(value: object) -> bool:
        text = str(value).strip()
        return bool(_NUMERIC.match(text)) or text in ("-", "n/a")

    numeric = [bool(len(frame)) and all(is_number(v) for v in frame[c]) for c in frame.columns]
    rule = ["---:" if n else "---" for n in numeric]
    rows = [[cell(v) for v in row] for row in frame.itertuples(index=False)]
    return ["| " + " | ".join(r) + " |" for r in [header, rule, *rows]]
