"""Fusion against the other clean-firm options, per shipped site.

`python benchmarks/clean_firm_comparison.py [SITE ...] [--target 0.95]`

For each site at 95 % hourly CFE (``--target``), on 24 representative days with the day of
highest net load and the coincident-peak days (the setting of the shipped axis instances), with
the low-capex fusion case switched off (its capital cost is a target, not an estimate):

- the cost with solar + wind + storage (+ grid) alone: every fusion and clean-firm offer off;
- the cost with each clean-firm technology of the library alone (up to the campus's peak);
- the cost with all of them;
- the break-even price of the site's first-of-a-kind fusion offer against each of those
  portfolios (``planner.breakeven``, fast method, +- 0.5 $/MWh), with ``cap_bound`` when the
  offer is at its cap just below it.

Prints a markdown table and writes ``out/bench/clean_firm-<timestamp>.csv``. Every figure is
from a representative-period solve: see docs/performance.md for their error against every
hour.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

import planner

ROOT = Path(__file__).resolve().parents[1]
SITES = {"helion_wa_2028": "helion", "stargate_tx": "fusion_foak", "dc_alley_va": "fusion_foak"}
FIRM = ("fission_restart", "smr", "geothermal", "gas_ccs")
DAYS = {
    "count": 24,
    "period_hours": 24,
    "extreme_periods": ["net_load_max_period", "load_max_hour", "coincident_peaks"],
}


def _overrides(inst: planner.Instance, target: float, on: tuple[str, ...]) -> dict[str, Any]:
    peak = float(max(inst.spec.demand.load_mw))
    out: dict[str, Any] = {
        "policy.hourly_cfe_target": target,
        "time.representative_periods": DAYS,
    }
    for offer in inst.spec.fusion:
        out[f"fusion.{offer.name}.max_capacity_mw"] = 0.0
    for name in FIRM:
        out[f"clean_firm.{name}.max_capacity_mw"] = peak if name in on else 0.0
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("sites", nargs="*", default=list(SITES))
    parser.add_argument("--target", type=float, default=0.95)
    parser.add_argument("--out", default=str(ROOT / "out" / "bench"))
    args = parser.parse_args()
    rows = []
    for site in args.sites:
        inst = planner.load_instance(ROOT / "instances" / f"{site}.yaml")
        offer = SITES[site]
        cap = next(o.max_capacity_mw for o in inst.spec.fusion if o.name == offer)
        for label, on in [("solar + wind + storage", ()), *[(f, (f,)) for f in FIRM]] + [
            ("all clean firm", FIRM)
        ]:
            started = time.perf_counter()
            over = _overrides(inst, args.target, on)
            res = planner.solve(inst.with_overrides(over), baseline=False)
            firm = {
                f: float(res.capacity.loc[f, "capacity_mw"]) if f in res.capacity.index else 0.0
                for f in on
            }
            over[f"fusion.{offer}.max_capacity_mw"] = cap
            with tempfile.TemporaryDirectory() as tmp:
                be = planner.breakeven(
                    inst, offer, overrides=over, workers=1, out=tmp, progress=False
                ).iloc[0]
            rows.append(
                {
                    "site": site,
                    "portfolio": label,
                    "status": res.status,
                    "cost_usd_per_mwh_load": float(res.metrics.get("cost_usd_per_mwh_load", "nan")),
                    "clean_firm_mw": ", ".join(f"{k} {v:,.0f}" for k, v in firm.items()) or "-",
                    "fusion_offer": offer,
                    "fusion_breakeven_usd_per_mwh": be["breakeven_usd_per_mwh"],
                    "cap_bound": bool(be["cap_bound"]),
                    "note": be["note"],
                    "seconds": time.perf_counter() - started,
                }
            )
            print(rows[-1], flush=True)
    table = pd.DataFrame(rows)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"clean_firm-{time.strftime('%Y%m%d-%H%M%S')}.csv"
    table.to_csv(path, index=False)
    print(table.drop(columns=["note"]).to_string(index=False, float_format=lambda v: f"{v:,.2f}"))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
