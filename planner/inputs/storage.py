"""Inputs of storage resources (power and energy sized separately)."""

from __future__ import annotations

from pydantic import Field, model_validator

from planner.inputs.base import NAME_PATTERN, Delivery, Number, Schema, check_min_max


class Storage(Schema):
    """A storage type; power (MW) and energy (MWh) capacities are chosen by the model.

    State of charge is cyclic over the horizon. Several types may coexist (e.g. 4-hour Li-ion
    and 100-hour iron-air).
    """

    name: str = Field(pattern=NAME_PATTERN, description="unique resource name")
    power_capex_usd_per_kw: Number = Field(ge=0, description="overnight cost of power, $/kW")
    energy_capex_usd_per_kwh: Number = Field(ge=0, description="overnight cost of energy, $/kWh")
    fixed_om_usd_per_kw_yr: Number = Field(0.0, ge=0, description="fixed O&M on power, $/kW-yr")
    lifetime_yr: Number = Field(ge=1, description="economic lifetime, years")
    charge_efficiency: Number = Field(gt=0, le=1, description="share of charged energy stored")
    discharge_efficiency: Number = Field(gt=0, le=1, description="share of stored energy delivered")
    min_duration_h: Number = Field(0.0, ge=0, description="smallest energy/power ratio, hours")
    max_duration_h: Number | None = Field(
        None, gt=0, description="largest energy/power ratio, hours (null: no limit)"
    )
    self_discharge_per_h: Number = Field(
        0.0, ge=0, lt=1, description="share of stored energy lost per hour"
    )
    max_power_mw: Number | None = Field(None, ge=0, description="largest power capacity, MW")
    max_energy_mwh: Number | None = Field(None, ge=0, description="largest energy capacity, MWh")
    min_power_mw: Number = Field(0.0, ge=0, description="smallest power capacity, MW")
    min_energy_mwh: Number = Field(0.0, ge=0, description="smallest energy capacity, MWh")
    delivery: Delivery = Field(
        "on_site",
        description="`on_site` (at the datacenter, behind the meter) or `virtual` (a storage "
        "contract elsewhere in the grid region: shifts energy for the CFE score and the "
        "wholesale price, not the metered import)",
    )

    @property
    def delivered(self) -> Delivery:
        return self.delivery

    @model_validator(mode="after")
    def _durations_ordered(self) -> Storage:
        if self.max_duration_h is not None and self.max_duration_h < self.min_duration_h:
            raise ValueError(
                f"max_duration_h ({self.max_duration_h}) is below min_duration_h "
                f"({self.min_duration_h})"
            )
        check_min_max(self, "min_power_mw", "max_power_mw")
        check_min_max(self, "min_energy_mwh", "max_energy_mwh")
        return self
