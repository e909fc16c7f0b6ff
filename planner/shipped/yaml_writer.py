"""A small YAML writer that keeps comments: the shipped instance files cite a source beside
every number (:class:`C`), and write CSV references on one line (:class:`Flow`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class C:
    """A YAML value with a trailing comment (its source)."""

    value: Any
    comment: str


@dataclass(frozen=True)
class Flow:
    """A mapping written on one line, e.g. ``{csv: profiles/x.csv, column: load_mw}``."""

    items: dict[str, Any]


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    text = str(value)
    plain = text and all(ch.isalnum() or ch in "_-./: " for ch in text) and not text[0].isdigit()
    if plain and ": " not in text and not text.endswith(":") or _is_timestamp(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _is_timestamp(text: str) -> bool:
    return (
        len(text) == 16
        and text[4] == "-"
        and text[7] == "-"
        and text[10] == " "
        and text[13] == ":"
    )


def _line(prefix: str, value: Any, comment: str | None) -> str:
    text = prefix + value
    if comment:
        text = f"{text:<44} # {comment}" if len(text) < 44 else f"{text}  # {comment}"
    return text


def to_yaml(node: dict[str, Any], indent: int = 0) -> list[str]:
    """YAML lines of a mapping whose leaves may be :class:`C` or :class:`Flow`; a list holds
    mappings or scalars."""
    lines: list[str] = []
    pad = " " * indent
    for key, raw in node.items():
        comment = raw.comment if isinstance(raw, C) else None
        value = raw.value if isinstance(raw, C) else raw
        if isinstance(value, Flow):
            inner = ", ".join(f"{k}: {_scalar(v)}" for k, v in value.items.items())
            lines.append(_line(f"{pad}{key}: ", "{" + inner + "}", comment))
        elif isinstance(value, dict):
            lines.append(_line(f"{pad}{key}:", "", comment))
            lines += to_yaml(value, indent + 2)
        elif isinstance(value, list):
            if not value:
                lines.append(_line(f"{pad}{key}: ", "[]", comment))
                continue
            lines.append(_line(f"{pad}{key}:", "", comment))
            for item in value:
                if not isinstance(item, dict):
                    lines.append(f"{pad}  - {_scalar(item)}")
                    continue
                sub = to_yaml(item, indent + 4)
                lines.append(f"{pad}  - {sub[0].lstrip()}")
                lines += sub[1:]
        else:
            lines.append(_line(f"{pad}{key}: ", _scalar(value), comment))
    return lines
