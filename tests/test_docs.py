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


def test_instance_reference_is_generated_from_schema() -> None:
    from planner.schema_doc import render

    committed = (ROOT / "docs" / "instances.md").read_text()
    assert committed == render(), "run: .venv/bin/python -m planner.schema_doc"


def test_every_schema_field_has_a_description() -> None:
    from planner.schema_doc import SECTIONS

    missing = [
        f"{title}.{name}"
        for title, model, _ in SECTIONS
        for name, field in model.model_fields.items()
        if not field.description
    ]
    assert missing == []
