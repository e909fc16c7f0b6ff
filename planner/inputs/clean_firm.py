"""Inputs of clean-firm offers other than fusion: the same contract
(:mod:`planner.inputs.contract`) for an uprated or restarted fission plant, a small modular
reactor, enhanced geothermal, or gas with carbon capture.

Gas with capture burns fuel (``fuel_cost_usd_per_mwh``, paid per MWh generated) and emits
``gross_emissions_t_per_mwh * (1 - capture_rate)`` per MWh: those residual emissions count in
every emissions metric, and only the captured share of its energy counts as carbon-free in the
hourly CFE score and annual matching (docs/formulation.md [firm_residual_emissions]).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from planner.inputs.base import Number
from planner.inputs.contract import ContractOffer

Technology = Literal["fission_restart", "fission_uprate", "smr", "geothermal", "gas_ccs"]


class CleanFirmOffer(ContractOffer):
    """A clean-firm offer of a stated technology under the firm contract."""

    technology: Technology = Field(
        description="`fission_restart`, `fission_uprate`, `smr`, `geothermal` or `gas_ccs`"
    )
    fuel_cost_usd_per_mwh: Number = Field(
        0.0, ge=0, description="fuel and variable O&M paid per MWh generated, $/MWh"
    )
    gross_emissions_t_per_mwh: Number = Field(
        0.0, ge=0, description="CO2 formed per MWh generated, before capture, t/MWh (gas_ccs)"
    )
    capture_rate: Number = Field(
        0.0, ge=0, le=1, description="share of the CO2 formed that is captured and stored, 0-1"
    )

    @property
    def residual_emissions_t_per_mwh(self) -> float:
        """CO2 emitted per MWh generated, t/MWh."""
        return float(self.gross_emissions_t_per_mwh * (1.0 - self.capture_rate))

    @property
    def clean_share(self) -> float:
        """Share of its energy that counts as carbon-free: the captured share for a plant that
        forms CO2, all of it otherwise."""
        return float(self.capture_rate) if self.gross_emissions_t_per_mwh > 0 else 1.0

    @model_validator(mode="after")
    def _gas_fields(self) -> CleanFirmOffer:
        if self.technology == "gas_ccs" and self.gross_emissions_t_per_mwh <= 0:
            raise ValueError("technology 'gas_ccs' needs gross_emissions_t_per_mwh > 0")
        if self.technology != "gas_ccs" and self.gross_emissions_t_per_mwh > 0:
            raise ValueError(
                f"technology {self.technology!r} forms no CO2: gross_emissions_t_per_mwh must be 0"
            )
        if self.capture_rate > 0 and self.gross_emissions_t_per_mwh <= 0:
            raise ValueError("capture_rate is set but nothing is emitted to capture")
        return self
