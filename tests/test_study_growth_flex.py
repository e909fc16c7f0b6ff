"""The study's growth (pathway) and flexible-load parts on a tiny configuration: the default
instance's first three days (two representative days) for the flexible load, the shipped
pathway instance cut to its first three days for the growth part.

Checks identities a reader can derive by hand: a pathway's net present cost is the discounted
sum of its periods' yearly costs; the MW held in a period are the MW signed in it and before
(20-year contracts outlive every period); perfect foresight never costs more than myopic
planning; a lower fusion price never raises the perfect-foresight cost; fusion's value is
never negative and the cost without fusion never rises with the flexible share (a larger share
only widens the choices); the rigid load's break-even is part 1's; every number of the new
tables is in their stored CSV; a second run solves nothing again.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import ROOT
from test_study import _numbers, _tables

from planner.study.config import StudyError, load_study
from planner.study.results import count_points
from planner.study.run import run_study
from planner.study.sections.flexibility import _sentences, _shown, value_table

HOURLY_90 = {"hourly_cfe_target": 0.9}
CONFIG = {
    "name": "tiny_growth_flex",
    "title": "Tiny growth and flexibility study",
    "workers": 1,
    "overrides": {
        "time.hours": 72,
        "time.representative_periods": {"count": 2, "period_hours": 24},
    },
    "sites": [{"instance": str(ROOT / "instances" / "default.yaml"), "offer": "helion"}],
    "breakeven": {"policies": [HOURLY_90]},
    "flexible_load": {
        "policy": HOURLY_90,
        "shares": [0, 0.1, 0.2],
        "prices_usd_per_mwh": [None, 10],
        "breakeven_shares": [0.2],
    },
    "pathway": {
        "instance": str(ROOT / "instances" / "stargate_pathway.yaml"),
        "offer": "fusion_foak",
        "prices_usd_per_mwh": [None, 10],
        "as_shipped": True,
        "overrides": {"fusion.fusion_foak.max_capacity_mw": 1000},
    },
}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("growth_flex")
    config = folder / "study.yaml"
    config.write_text(yaml.safe_dump(CONFIG), encoding="utf-8")
    doc = folder / "docs" / "study.md"
    results = run_study(config, folder / "out", doc, progress=False)
    return {
        "config": config,
        "doc": doc,
        "out": folder / "out",
        "results": results,
        "markdown": doc.read_text(encoding="utf-8"),
    }


def _csv(run: dict[str, object], name: str) -> pd.DataFrame:
    return pd.read_csv(Path(str(run["out"])) / "tables" / f"{name}.csv")


def test_the_pathway_tables_add_up(run: dict[str, object]) -> None:
    results = run["results"]
    answers = results.pathway  # type: ignore[attr-defined]
    assert len(answers) == 6  # 2 foresights x (2 prices + as shipped)
    for name, answer in answers.items():
        assert answer["status"] == "optimal", name
        periods = pd.DataFrame(answer["periods"])
        npc = float((periods["discount_weight"] * periods["cost_usd_per_yr"]).sum())
        assert answer["npv_usd"] == pytest.approx(npc, rel=1e-9)
        vintages = pd.DataFrame(answer["vintages"])
        capacity = pd.DataFrame(answer["capacity"]).set_index("resource")
        fusion = vintages[vintages["kind"] == "fusion"]
        for offer, rows in fusion.groupby("resource"):
            held = rows.sort_values("vintage")["built"].cumsum().to_numpy()
            assert capacity.loc[offer].to_numpy() == pytest.approx(held, abs=1e-4), name
    cost = _csv(run, "pathway_cost")
    assert (
        cost["myopic_npc_musd"] >= cost["perfect_npc_musd"] - 1e-6 * cost["perfect_npc_musd"]
    ).all()
    assert cost["myopia_cost_musd"].to_numpy() == pytest.approx(  # within 1 k$ (stored as 0)
        (cost["myopic_npc_musd"] - cost["perfect_npc_musd"]).to_numpy(), abs=1e-3
    )
    by_price = cost.set_index("price_case")["perfect_npc_musd"]
    assert by_price["10"] <= by_price["112.5"] * (1 + 1e-9)


def test_the_pathway_table_shows_the_signed_mw(run: dict[str, object]) -> None:
    signed = _csv(run, "pathway_fusion")
    answers = run["results"].pathway  # type: ignore[attr-defined]
    for _, row in signed.iterrows():
        vintages = pd.DataFrame(answers[row["case"]]["vintages"])
        mine = vintages[vintages["resource"] == row["offer"]].set_index("vintage")["built"]
        for year, built in mine.items():
            assert row[f"signed_{year}_mw"] == pytest.approx(built)
    # the cases at a price offer only fusion_foak; as shipped, both offers
    assert set(signed[signed["price_case"] != "as_shipped"]["offer"]) == {"fusion_foak"}
    assert set(signed[signed["price_case"] == "as_shipped"]["offer"]) == {
        "fusion_foak",
        "fusion_low_capex",
    }
    markdown = str(run["markdown"])
    assert "## 6. Growth to 2030-2035" in markdown
    assert "CAUTION: the 2035 target of 100 % hourly CFE" in markdown


def test_fusion_value_under_flexible_load(run: dict[str, object]) -> None:
    table = _csv(run, "flexible_load_default")
    assert sorted(table["share"].unique()) == [0.0, 0.1, 0.2]
    assert (table["value_musd_per_yr"] >= -1e-6).all()
    without = table.drop_duplicates("share").set_index("share")["cost_without_fusion_musd_per_yr"]
    assert without[0.1] <= without[0.0] * (1 + 1e-7)
    assert without[0.2] <= without[0.1] * (1 + 1e-7)
    cells = table.drop_duplicates("share").set_index("share")["breakeven_cell"]
    assert cells[0.1] == "-" and cells[0.2] != "-"  # searched at breakeven_shares only
    for _, at in table.groupby("price_usd_per_mwh"):
        v0 = float(at[at["share"] == 0]["value_musd_per_yr"].iloc[0])
        if v0 >= 0.01:
            assert at["value_survives_pct"].to_numpy() == pytest.approx(
                100 * at["value_musd_per_yr"].to_numpy() / v0
            )
    results = run["results"]
    be = results.flexible_breakeven["default"]  # type: ignore[attr-defined]
    part1 = results.breakeven["default"]  # type: ignore[attr-defined]
    rigid = be[be["share"] == 0].iloc[0]
    assert bool(rigid["from_part_1"])
    assert rigid["breakeven_usd_per_mwh"] == part1.iloc[0]["breakeven_usd_per_mwh"] or (
        np.isnan(rigid["breakeven_usd_per_mwh"])
        and np.isnan(part1.iloc[0]["breakeven_usd_per_mwh"])
    )
    assert "## 7. Flexible load" in str(run["markdown"])


def test_every_new_table_number_is_stored(run: dict[str, object]) -> None:
    tables = _tables(str(run["markdown"]))
    names = {"pathway_fusion", "pathway_cost", "pathway_builds", "flexible_load_default"}
    assert names <= set(tables)
    for name in names:
        stored = (Path(str(run["out"])) / "tables" / f"{name}.csv").read_text(encoding="utf-8")
        values = [v for v, _ in _numbers(stored)]
        for row in tables[name]:
            for cell in row:
                for value, decimals in _numbers(cell):
                    found = any(round(v, decimals) == pytest.approx(value) for v in values)
                    assert found, (name, cell)


def test_a_second_run_solves_nothing_again(run: dict[str, object]) -> None:
    out = Path(str(run["out"]))
    held = count_points(out)
    stamps = {p: p.stat().st_mtime for p in (out / "pathway").glob("*.json")}
    again = run_study(Path(str(run["config"])), out, Path(str(run["doc"])), progress=False)
    assert again.points_before == held == count_points(out)
    assert {p: p.stat().st_mtime for p in (out / "pathway").glob("*.json")} == stamps


def test_bad_blocks_name_their_fields(tmp_path: Path) -> None:
    bad = {
        **CONFIG,
        "flexible_load": {"shares": [0.1, 1.5]},
        "pathway": {**CONFIG["pathway"], "offer": "tokamak"},  # type: ignore[dict-item]
    }
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(bad), encoding="utf-8")
    with pytest.raises(StudyError, match=r"flexible_load: .*shares must be in \[0, 1\]"):
        load_study(path)
    bad["flexible_load"] = CONFIG["flexible_load"]
    path.write_text(yaml.safe_dump(bad), encoding="utf-8")
    with pytest.raises(StudyError, match=r"pathway\.offer: no fusion offer named 'tokamak'"):
        load_study(path)
    bad["pathway"] = {**CONFIG["pathway"], "instance": str(ROOT / "instances" / "default.yaml")}  # type: ignore[dict-item]
    path.write_text(yaml.safe_dump(bad), encoding="utf-8")
    with pytest.raises(StudyError, match=r"pathway\.instance: .* has no pathway section"):
        load_study(path)


def test_without_the_no_fusion_solves_the_value_is_left_out(run: dict[str, object]) -> None:
    site = run["results"].sites[0]  # type: ignore[attr-defined]
    costs = pd.DataFrame(
        {
            "share": [0.0, 0.2],
            "fusion_allowed": [True, True],
            "price_usd_per_mwh": [10.0, 10.0],
            "status": ["optimal", "optimal"],
            "total_cost_usd_per_yr": [5e7, 4e7],
            f"{site.offer}_capacity_mw": [40.0, 30.0],
        }
    )
    table = value_table(site, costs, pd.DataFrame())
    assert table["value_musd_per_yr"].isna().all()
    assert table["mw_survives_pct"].tolist() == pytest.approx([100.0, 75.0])
    shown = _shown(site, table)
    assert "fusion's value, M$/yr" not in shown and "cost without fusion, M$/yr" not in shown
    assert "75 %" in " ".join(_sentences(site, table))


def test_breakeven_shares_must_be_shares(tmp_path: Path) -> None:
    bad = {**CONFIG, "flexible_load": {"shares": [0, 0.1], "breakeven_shares": [0.2]}}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(bad), encoding="utf-8")
    with pytest.raises(StudyError, match=r"flexible_load: .*breakeven_shares \[0.2\] are not in"):
        load_study(path)
