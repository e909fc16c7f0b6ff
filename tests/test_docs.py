"""The documentation agrees with the code."""

from __future__ import annotations

import re

from conftest import ROOT


def test_formulation_labels_match_code() -> None:
    doc = (ROOT / "docs" / "formulation.md").read_text()
    doc_labels = set(re.findall(r"\*\*\[(\w+)\]\*\*", doc))
    code_labels = set()
    for path in (ROOT / "planner").rglob("*.py"):
        code_labels |= set(re.findall(r"# label: (\w+)", path.read_text()))
    assert doc_labels, "no labels found in docs/formulation.md"
    assert doc_labels - code_labels == set(), "documented but not built"
    assert code_labels - doc_labels == set(), "built but not documented"
