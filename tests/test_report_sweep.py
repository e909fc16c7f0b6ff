"""Sweep figures and the sweep report on a small sweep (docs/reports.md)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import planner
from planner.cli import main
from planner.report import sweep_figures as sf
from planner.report.style import close, save_png
from tests.test_report import parse


@pytest.fixture(scope="module")
def sweep(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, Path]:
    folder = tmp_path_factory.mktemp("sweep")
    spec = folder / "s.yaml"
    base = Path("instances/default.yaml").resolve()
    spec.write_text(
        f"name: small\nbase: {base}\noverrides:\n  time.hours: 48\n"
        "parameters:\n"
        "  - path: fusion.helion.energy_price_usd_per_mwh\n    values: [30, 150]\n"
        "  - path: policy.hourly_cfe_target\n    values: [0.6, 0.9]\n"
        "baseline: false\n"
    )
    table = planner.run_sweep(spec, workers=1, out=folder / "out", progress=False)
    return table, folder / "out"


def _check(fig, tmp_path: Path, title: str, xlabel: str, ylabel: str) -> None:  # type: ignore[no-untyped-def]
    ax = fig.axes[0]
    assert ax.get_title().startswith(title), ax.get_title()
    assert ax.get_xlabel() == xlabel and ax.get_ylabel() == ylabel
    path = save_png(fig, tmp_path / "f.png")
    close(fig)
    assert path.stat().st_size > 5000


def test_swept_parameters(sweep):  # type: ignore[no-untyped-def]
    assert sf.swept_parameters(sweep[0]) == [
        "fusion.helion.energy_price_usd_per_mwh",
        "policy.hourly_cfe_target",
    ]


def test_capacity_along(sweep, tmp_path):  # type: ignore[no-untyped-def]
    fig = sf.capacity_along(sweep[0], "policy.hourly_cfe_target")
    _check(
        fig,
        tmp_path,
        "Capacity mix along policy.hourly_cfe_target",
        "hourly CFE target (policy), 0-1",
        "Capacity, MW",
    )


def test_breakeven_curves(sweep, tmp_path):  # type: ignore[no-untyped-def]
    fig = sf.breakeven_curves(sweep[0], "helion")
    _check(
        fig,
        tmp_path,
        "Break-even curves of fusion offer helion",
        "helion energy price, $/MWh",
        "helion contracted capacity, MW",
    )


def test_heatmap(sweep, tmp_path):  # type: ignore[no-untyped-def]
    fig = sf.heatmap_2d(
        sweep[0], "fusion.helion.energy_price_usd_per_mwh", "policy.hourly_cfe_target"
    )
    _check(
        fig,
        tmp_path,
        "Cost, $/MWh of load over",
        "energy price (fusion.helion), $/MWh",
        "hourly CFE target (policy), 0-1",
    )


def test_frontier_figure(sweep, tmp_path):  # type: ignore[no-untyped-def]
    table = sweep[0]
    one_price = table[table["fusion.helion.energy_price_usd_per_mwh"] == 30].drop(
        columns="fusion.helion.energy_price_usd_per_mwh"
    )
    fig = sf.frontier_figure(one_price)
    assert fig.axes[1].get_ylabel() == "Marginal cost,\n$/MWh per pp"
    assert fig.axes[1].get_xlabel() == "Hourly CFE target, %"
    _check(fig, tmp_path, "Cost vs hourly CFE target", "", "Cost, $/MWh of load")


def test_breakeven_figure(tmp_path):  # type: ignore[no-untyped-def]
    result = pd.DataFrame(
        {
            "policy.hourly_cfe_target": [0.8, 0.9],
            "offer": ["helion"] * 2,
            "breakeven_usd_per_mwh": [120.0, 140.0],
            "half_width_usd_per_mwh": [0.4, 0.4],
        }
    )
    _check(
        sf.breakeven_figure(result),
        tmp_path,
        "Break-even fusion price",
        "hourly CFE target (policy), 0-1",
        "Break-even energy price, $/MWh",
    )


def test_sweep_report_cli(sweep, capsys):  # type: ignore[no-untyped-def]
    assert main(["report", str(sweep[1]), "--xlsx"]) == 0
    text = (sweep[1] / "report.html").read_text()
    p = parse(text)
    assert "sweep_results" in p.ids
    assert {
        "fig-capacity_along_policy_hourly_cfe_target",
        "fig-breakeven_curves_helion",
        "fig-heatmap_cost",
    } <= p.ids
    assert all(s.startswith("data:image/png;base64,") for s in p.img_src)
    assert "http" not in text
    sheets = pd.read_excel(sweep[1] / "results.xlsx", sheet_name=None)
    assert list(sheets) == ["summary", "results"]  # the opening paragraph first (issue 15, 13)


def test_breakeven_figure_places_categories_once_for_every_offer() -> None:
    """Two offers over the same two policies: both curves at x = 0 and 1 (not 0-3)."""
    result = pd.DataFrame(
        {
            "policy": ["annual", "hourly 90 %"] * 2,
            "offer": ["a", "a", "b", "b"],
            "breakeven_usd_per_mwh": [100.0, 120.0, 80.0, 90.0],
            "half_width_usd_per_mwh": [0.5] * 4,
        }
    )
    ax = sf.breakeven_figure(result).axes[0]
    for line in ax.lines:
        if len(line.get_xdata()) == 2:
            assert list(line.get_xdata()) == [0.0, 1.0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["annual", "hourly 90 %"]
    # iron-air is coloured as storage: kinds come from the stored records, not from names
    table = pd.DataFrame(
        {"iron_air_capacity_mw": [1.0], "resource_kinds": ['{"iron_air": "storage"}']}
    )
    assert sf.resource_kinds(table) == {"iron_air": "storage"}


# -- issue 15, item 13: the sweep report opens with what was swept and what it gave --------------
def _opening(text: str) -> str:
    import html
    import re

    match = re.search(r'<p class="opening">(.*?)</p>', text, re.S)
    assert match
    return html.unescape(match[1])


def test_sweep_report_opens_with_the_range_and_the_horizon(sweep, tmp_path):  # type: ignore[no-untyped-def]
    from planner.formats import num
    from planner.report import write_sweep_report

    table, folder = sweep
    text = write_sweep_report(folder, tmp_path / "report.html").read_text()
    opening = _opening(text)
    assert opening.startswith(
        "Swept helion energy price over 30 and 150 $/MWh and hourly CFE target over 60 and 90 %: "
        "4 points, 4 optimal."
    )
    ok = table[table["status"] == "optimal"]
    cheap = ok.loc[ok["cost_usd_per_mwh_load"].idxmin()]
    dear = ok.loc[ok["cost_usd_per_mwh_load"].idxmax()]
    assert f"The cheapest point costs {num(cheap['cost_usd_per_mwh_load'], 2)} $/MWh" in opening
    assert f"the dearest {num(dear['cost_usd_per_mwh_load'], 2)} $/MWh" in opening
    low = num(100 * ok["hourly_cfe_score"].min(), 1)
    assert f"hourly CFE score from {low} %" in opening
    assert (
        "Every point modelled the same horizon. Figures per year are scaled from 48 modelled "
        "hours starting 2028-01-01 (2 days in January): they are not a year's costs or emissions."
        " 4 points raised warnings (the `warnings` column): 'grid.coincident_peak_hours: none "
        "lies in the modelled horizon"
    ) in opening  # two January days hold none of the default instance's summer peak hours
    assert opening.endswith(
        "4 of 4 ended optimal: their answers passed the planner's check of "
        "every row and bound, and the warning says what could still make them misleading."
    )
    plain = text.replace("&amp;", "&")
    assert "time.hours = 48" in plain  # the overrides every point shares
    assert str(Path("instances/default.yaml").resolve()) in plain  # the base instance
    assert "solver ipm" in plain
    assert (
        text.index('class="opening"') < text.index('id="inputs"') < text.index('id="sweep_results"')
    )
    from planner.report.excel import write_sweep_xlsx

    sheets = pd.read_excel(write_sweep_xlsx(folder, tmp_path / "s.xlsx"), sheet_name=None)
    assert list(sheets) == ["summary", "results"] and sheets["summary"].iloc[0, 1] == opening


def test_breakeven_folder_reads_its_horizon_from_the_store(tmp_path):  # type: ignore[no-untyped-def]
    from planner.report import write_sweep_report

    planner.breakeven(
        "instances/default.yaml",
        "helion",
        overrides={"time.hours": 24},
        tol_usd_per_mwh=20.0,
        out=tmp_path / "be",
        progress=False,
        workers=1,
    )
    assert not (tmp_path / "be" / "results.parquet").exists()
    opening = _opening(write_sweep_report(tmp_path / "be").read_text())
    assert opening.startswith("Break-even energy price (the highest still contracted): helion ")
    assert "scaled from 24 modelled hours starting 2028-01-01 (24 hours in January)" in opening


# -- issue 15, item 15: sweep tables read well and scroll when wide ------------------------------
def test_sweep_tables_have_human_labels_and_scroll(sweep, tmp_path):  # type: ignore[no-untyped-def]
    from planner.report import write_sweep_report
    from tests.test_report import RESOURCE_NAMES, check_tables_read_well

    text = write_sweep_report(sweep[1], tmp_path / "report.html").read_text()
    check_tables_read_well(text, RESOURCE_NAMES)
    assert '<div class="scroll"><table id="sweep_results">' in text
    assert "cost_usd_per_mwh_load" not in text and "hourly_cfe_score" not in text
    from planner.report.excel import write_sweep_xlsx

    workbook = write_sweep_xlsx(sweep[1], tmp_path / "s.xlsx")
    labels = pd.read_excel(workbook, sheet_name="results").columns
    assert "cost, $/MWh of load" in labels and "cost_usd_per_mwh_load" not in labels
    assert "cost_usd_per_mwh_load" in pd.read_csv(sweep[1] / "results.csv").columns
