"""Inputs of fusion power purchase agreement (PPA) offers: the shared firm contract
(:mod:`planner.inputs.contract`), kept as its own section because fusion is the planner's
subject: its reports and the study name it."""

from __future__ import annotations

from planner.inputs.contract import ContractOffer


class FusionOffer(ContractOffer):
    """One fusion PPA offer; the model chooses how many MW to contract (``min_capacity_mw`` to
    ``max_capacity_mw``).

    ``take_or_pay``: the buyer pays the energy price on contracted MW x deliverable share in
    every hour, used or curtailed. ``as_available``: the buyer pays per MWh it takes.
    """
