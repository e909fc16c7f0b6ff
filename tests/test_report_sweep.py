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
    assert set(pd.read_excel(sweep[1] / "results.xlsx", sheet_name=None)) == {"results"}


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
