"""The study file's ``credibility`` block: dated public facts on fusion's readiness and on
first-of-a-kind schedules, each with its source, from which the reader judges the outcome
probabilities of part 5 (``risk_plan.probability_sets``, each with its ``reason``).

The facts are the study file's, not the code's: a reader updates them (a new milestone, a
slip) and reruns ``make study``; :mod:`planner.study.sections.credibility` prints them and
computes from the recorded delays what part 5's outcomes mean against that history."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from planner.inputs.base import Number, Schema


class Fact(Schema):
    """One public fact, dated and sourced."""

    date: str = Field(
        pattern=r"^\d{4}(-\d{2})?(-\d{2})?(\s*(to|-)\s*\d{4}(-\d{2})?)?$",
        description="when: YYYY, YYYY-MM, YYYY-MM-DD, or a span 'YYYY to YYYY'",
    )
    topic: Literal["fusion", "contract", "first_of_a_kind"] = Field(
        description="fusion: a technical milestone; contract: a signed offtake; "
        "first_of_a_kind: the schedule of a first plant of another technology"
    )
    fact: str = Field(min_length=1, description="the fact, as the source reports it")
    source: str = Field(min_length=1, description="publication, date and address")
    delay_years: Number | None = Field(
        None, ge=0, description="first_of_a_kind: years between the planned and the actual start"
    )
    cancelled: bool = Field(False, description="first_of_a_kind: the project was abandoned")

    @model_validator(mode="after")
    def _history(self) -> Fact:
        if self.topic != "first_of_a_kind" and (self.delay_years is not None or self.cancelled):
            raise ValueError("delay_years and cancelled belong to first_of_a_kind facts")
        if self.delay_years is not None and self.cancelled:
            raise ValueError("a cancelled project has no delay_years")
        return self


class Credibility(Schema):
    """Public facts the outcome probabilities of part 5 are judged from."""

    as_of: str = Field(
        pattern=r"^\d{4}-\d{2}(-\d{2})?$", description="date the facts were last checked"
    )
    facts: list[Fact] = Field(min_length=1, description="the facts, in the order shown")
