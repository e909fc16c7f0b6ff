"""The shipped instances of the scenario and pathway axes, both on the Stargate-like campus
near Abilene (:func:`planner.shipped.catalogue` builds the site's body):

- ``stargate_delivery_risk``: the campus at 95 % hourly CFE, the first-of-a-kind fusion offer
  at 112.5 $/MWh signed before it is known whether the plant comes on time, two years late or
  never; 24 representative days standing for a typical year of the contract's first five
  (2028-2032), so "two years late" is 40 % of that window's energy missing;
- ``stargate_pathway``: the campus growing from a first phase in 2028 to its full size by 2030,
  its grid getting cleaner, solar and storage cheaper, the CFE target rising to 100 % by 2035.
"""

from __future__ import annotations

from typing import Any

from planner.shipped.yaml_writer import C

DAYS = C(
    {
        "count": 24,
        "period_hours": 24,
        "extreme_periods": ["net_load_max_period", "load_max_hour", "coincident_peaks"],
    },
    "24 representative days, the days of highest net load and of the peak hour, and the "
    "coincident-peak days "
    "(docs/performance.md for the error)",
)


def delivery_risk(body: dict[str, Any]) -> dict[str, Any]:
    """The Stargate body with the scenario set of the closing note."""
    out = dict(body)
    fusion = [dict(o) for o in body["fusion"]]
    for offer in fusion:
        if offer["name"] == "fusion_foak":
            offer["contract_start_date"] = C(
                "2028-01-01 00:00", "promised from 2028, like the Helion-Microsoft agreement"
            )
            offer["delivery_penalty_usd_per_mwh"] = C(
                30,
                "ASSUMPTION: the Helion-Microsoft agreement has financial penalties whose size is "
                "not public; 30 $/MWh of promised energy not delivered",
            )
        else:
            offer["max_capacity_mw"] = C(
                0, "switched off: the question is the first-of-a-kind offer"
            )
    out["fusion"] = fusion
    out["name"] = "stargate_delivery_risk"
    out["description"] = (
        "the stargate_tx campus at 95 % hourly CFE, its first-of-a-kind fusion offer signed "
        "before the outcome: on time, two years late or never"
    )
    out["time"] = {**body["time"], "representative_periods": DAYS}
    out["policy"] = {"hourly_cfe_target": C(0.95, "95 % hourly carbon-free energy")}
    late = {"fusion.fusion_foak.derate_share": 0.4}
    never = {"fusion.fusion_foak.commercial_operation_date": "2100-01-01 00:00"}
    out["scenarios"] = {
        "cases": [
            {"name": "on_time", "probability": C(0.5, "ASSUMPTION (the study's part 5 varies it)")},
            {
                "name": "late_2y",
                "probability": C(0.3, "ASSUMPTION"),
                "overrides": late,
                "description": "two years late: 40 % of the 2028-2032 window's energy missing",
            },
            {
                "name": "never",
                "probability": C(0.2, "ASSUMPTION"),
                "overrides": never,
                "description": "never delivers (NuScale's first project was cancelled)",
            },
        ],
        "targets": C("per_scenario", "a 24/7 claim must hold whatever the outcome"),
        "risk": {"measure": "expected"},
        "recourse": {
            "kinds": ["solar", "wind"],
            "premium_share": C(0.25, "ASSUMPTION: a rushed build or PPA costs a quarter more"),
            "lead_time_h": C(
                1752,
                "1,752 hours from the year's start (to mid-March) for one year of the five; a "
                "representative day delivers the share of the days it stands for that lie after it",
            ),
        },
    }
    return out


def pathway(body: dict[str, Any]) -> dict[str, Any]:
    """The Stargate body over 2028-2040 in four periods."""
    out = dict(body)
    out["name"] = "stargate_pathway"
    out["description"] = (
        "the stargate_tx campus from a 400 MW first phase in 2028 to 1 GW from 2030, a cleaner "
        "grid, cheaper solar and storage, 80 % hourly CFE in 2028 rising to 100 % in 2035"
    )
    out["time"] = {**body["time"], "representative_periods": DAYS}
    out["policy"] = {"hourly_cfe_target": C(0.8, "80 % in 2028")}
    out["pathway"] = {
        "periods": [2028, 2030, 2032, 2035],
        "end_year": 2040,
        "foresight": "perfect",
        "trajectories": {
            "load_scale": C(
                [0.4, 1.0, 1.0, 1.0],
                "a 400 MW first phase, the full 1 GW from 2030 (Stargate-like)",
            ),
            "grid_fossil_scale": C(
                [1.0, 0.85, 0.75, 0.6],
                "ASSUMPTION: ERCOT's fossil share and intensity fall as wind, solar, storage grow",
            ),
            "cost_scale": {
                "solar": C(
                    [1.0, 0.909, 0.87, 0.8],
                    "NREL ATB 2024 utility PV 1,413 (2028) to 1,285 $/kW (2030); then ASSUMPTION",
                ),
                "storage": C(
                    [1.0, 0.937, 0.9, 0.84],
                    "NREL ATB 2024 4-hour battery, 2028 to 2030; beyond: ASSUMPTION",
                ),
            },
        },
        "overrides": {
            2030: {"policy.hourly_cfe_target": 0.95},
            2032: {"policy.hourly_cfe_target": 0.95},
            2035: {
                "policy.hourly_cfe_target": C(
                    1.0,
                    "CAUTION: at 100 % hourly CFE 24 representative days overstated the cost by "
                    "about 20 % at helion_wa_2028 (docs/performance.md): check this period over "
                    "every hour before quoting it",
                )
            },
        },
        "contract_term_yr": C(20, "a 20-year PPA, as the Crane restart's"),
    }
    return out
