"""Figures, HTML report, Excel workbook and console summary of a solve (docs/reports.md)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

import planner
from planner.cli import main
from planner.report import figures, write_report, write_xlsx
from planner.report.style import close, save_png
from planner.results.folder import read_folder
from planner.results.saved import SavedResult

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class StrictParser(HTMLParser):
    """Checks every element is closed in order, and collects ids, img sources and URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: set[str] = set()
        self.img_src: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        a = dict(attrs)
        if "id" in a:
            self.ids.add(str(a["id"]))
        if tag == "img":
            self.img_src.append(str(a.get("src")))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> (open: {self.stack[-3:]})")
        else:
            self.stack.pop()


def parse(text: str) -> StrictParser:
    p = StrictParser()
    p.feed(text)
    p.close()
    assert text.startswith("<!DOCTYPE html>")
    assert not p.errors, p.errors[:5]
    assert not p.stack, p.stack
    return p


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> tuple[planner.Result, Path]:
    inst = planner.load_instance("instances/default.yaml").with_overrides({"time.hours": 336})
    res = planner.solve(inst)
    assert res.ok
    folder = tmp_path_factory.mktemp("res") / "default"
    res.to_dir(folder)
    return res, folder


@pytest.fixture(scope="module")
def data(solved: tuple[planner.Result, Path]) -> SavedResult:
    return read_folder(solved[1])


def _labels(fig) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return [(ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) for ax in fig.axes]


CASES = [
    ("capacity_mix", lambda d: figures.capacity_mix(d), "Power capacity", "", "Capacity, MW"),
    (
        "cost_breakdown",
        lambda d: figures.cost_breakdown(d),
        "Annual cost by resource and component",
        "Cost, $/MWh of load",
        "",
    ),
    (
        "dispatch",
        lambda d: figures.dispatch_week(d, "2028-01-08"),
        "Hourly dispatch, week from 2028-01-08",
        "Time (local), hour",
        "Power, MW (below 0: charge, export)",
    ),
    (
        "soc",
        lambda d: figures.state_of_charge(d),
        "Storage state of charge",
        "Time (local)",
        "State of charge, MWh",
    ),
    (
        "cfe",
        lambda d: figures.cfe_heatmap(d),
        "Hourly carbon-free share, portfolio",
        "Day of year",
        "Hour of day",
    ),
    (
        "cfe_grid",
        lambda d: figures.cfe_heatmap(d, grid_only=True),
        "Hourly carbon-free share, grid only",
        "Day of year",
        "Hour of day",
    ),
    (
        "price",
        lambda d: figures.price_duration(d),
        "Duration curve of the hourly marginal cost",
        "Hours at or above the cost, h",
        "Marginal cost, $/MWh",
    ),
]


@pytest.mark.parametrize("name, make, title, xlabel, ylabel", CASES, ids=[c[0] for c in CASES])
def test_figure_writes_png_with_labels(data, tmp_path, name, make, title, xlabel, ylabel):  # type: ignore[no-untyped-def]
    fig = make(data)
    ax = fig.axes[0]
    assert ax.get_title().startswith(title)
    assert ax.get_xlabel() == xlabel and ax.get_ylabel() == ylabel
    path = save_png(fig, tmp_path / f"{name}.png")
    close(fig)
    assert path.stat().st_size > 5000
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_capacity_mix_has_mwh_axis_and_baseline(data):  # type: ignore[no-untyped-def]
    fig = figures.capacity_mix(data)
    assert fig.axes[1].get_ylabel() == "Energy capacity, MWh"
    assert "grid-only baseline" in fig.get_suptitle()
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == [
        "portfolio",
        "grid only",
    ]
    close(fig)


def test_resource_colours_are_the_same_in_every_figure(data):  # type: ignore[no-untyped-def]
    from planner.report.style import KIND_COLOURS

    fig = figures.dispatch_week(data, "2028-01-01")
    legend = {
        t.get_text(): h
        for t, h in zip(
            fig.axes[0].get_legend().get_texts(),
            fig.axes[0].get_legend().legend_handles,
            strict=True,
        )
    }
    import matplotlib.colors as mc

    assert mc.to_hex(legend["helion generation"].get_facecolor()) == KIND_COLOURS["fusion"]
    assert mc.to_hex(legend["solar_pv generation"].get_facecolor()) == KIND_COLOURS["solar"]
    close(fig)


def test_clean_share_matches_the_hourly_cfe_score(data):  # type: ignore[no-untyped-def]
    # the score nets charging and exports over the horizon; capping hours at 100 % can only lower it
    share = data.clean_share()
    assert share.between(0, 1).all()
    assert share.mean() <= data.metrics["hourly_cfe_score"] + 1e-6
    base = data.baseline.clean_share().mean()
    assert base == pytest.approx(data.metrics["baseline_hourly_cfe_score"], abs=0.01)


def test_from_result_and_from_dir_agree(solved, data):  # type: ignore[no-untyped-def]
    live = solved[0].saved()
    pd.testing.assert_frame_equal(live.capacity, data.capacity, check_dtype=False)
    assert live.clean_share().to_numpy() == pytest.approx(data.clean_share().to_numpy(), abs=1e-6)


def test_html_report_has_every_table_and_figure_and_no_url(solved, tmp_path):  # type: ignore[no-untyped-def]
    path = write_report(solved[1], tmp_path / "report.html")
    text = path.read_text()
    p = parse(text)
    for table in (
        "key_metrics",
        "capacity",
        "costs",
        "metrics",
        "shadow_prices",
        "fusion_reduced_cost",
        "timings",
    ):
        assert table in p.ids, table
    expected = set(figures.all_figures(read_folder(solved[1])))
    assert {f"fig-{n}" for n in expected} <= p.ids
    assert len(p.img_src) == len(expected) >= 7
    assert all(s.startswith("data:image/png;base64,") for s in p.img_src)
    rest = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", text)
    assert not re.search(r"https?:|//[a-z0-9]|url\(|<script|<link", rest, re.I)
    assert "$/MWh of load" in text and "MW" in text


def test_xlsx_has_one_sheet_per_table(solved, tmp_path):  # type: ignore[no-untyped-def]
    path = write_xlsx(solved[0], tmp_path / "r.xlsx")
    sheets = pd.read_excel(path, sheet_name=None)
    assert {
        "capacity",
        "costs",
        "metrics",
        "dispatch",
        "shadow_prices",
        "fusion_reduced_cost",
        "timings",
        "baseline_capacity",
    } <= set(sheets)
    assert len(sheets["dispatch"]) == 336


def test_cli_report_on_saved_folder(solved, capsys):  # type: ignore[no-untyped-def]
    assert main(["report", str(solved[1]), "--xlsx"]) == 0
    assert (solved[1] / "report.html").stat().st_size > 10000
    assert (solved[1] / "results.xlsx").exists()
    assert "Report written" in capsys.readouterr().out


def test_cli_report_on_a_folder_without_results(tmp_path, capsys):  # type: ignore[no-untyped-def]
    assert main(["report", str(tmp_path)]) == 2
    assert "no summary.json" in capsys.readouterr().err


def test_cli_solve_report_and_xlsx(tmp_path, monkeypatch, capsys):  # type: ignore[no-untyped-def]
    import planner.cli as cli

    short = planner.load_instance("instances/default.yaml").with_overrides({"time.hours": 168})
    monkeypatch.setattr(cli, "load_instance", lambda path: short)
    out = tmp_path / "out"
    assert main(["solve", "instances/default.yaml", "--out", str(out), "--report", "--xlsx"]) == 0
    assert (out / "report.html").exists() and (out / "results.xlsx").exists()
    assert "Report written" in capsys.readouterr().out


def test_summary_fits_80_columns(solved):  # type: ignore[no-untyped-def]
    text = solved[0].summary()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "Capacity" in text and "grid only" in text and "change" in text


@pytest.fixture(scope="module")
def aggregated(tmp_path_factory: pytest.TempPathFactory) -> tuple[planner.Result, Path]:
    """Representative days, with an override of the grid's clean share (not in the file)."""
    inst = planner.load_instance("instances/default.yaml").with_overrides(
        {
            "time.hours": 24 * 28,
            "time.representative_periods": {"count": 4, "period_hours": 24},
            "grid.carbon_free_share": 0.5,
        }
    )
    res = planner.solve(inst)
    assert res.ok
    folder = tmp_path_factory.mktemp("agg") / "default"
    res.to_dir(folder)
    return res, folder


def _without_stamp(text: str) -> str:
    return re.sub(r"Written by planner on [^.]*\.", "", text)


def test_report_of_a_result_and_of_its_folder_are_identical(aggregated, tmp_path):  # type: ignore[no-untyped-def]
    """Representative periods (weights of 7 days per modelled day) and an override that the
    instance file does not hold: the report reads both from the folder, never from the YAML."""
    res, folder = aggregated
    live = write_report(res, tmp_path / "live.html").read_text()
    saved = write_report(folder, tmp_path / "saved.html").read_text()
    assert _without_stamp(live) == _without_stamp(saved)
    data = read_folder(folder)
    assert data.weights.sum() == pytest.approx(24 * 28)  # 4 days standing for 28
    assert data.weights.to_numpy() == pytest.approx(res.instance.weights)
    assert data.weights.nunique() > 1  # not uniform: the clusters differ in size
    assert data.hourly["grid_carbon_free_share"].eq(0.5).all()
    assert ["grid.carbon_free_share", 0.5] in data.inputs["overrides"]
    assert data.inputs["representative_periods"] is True


def test_saved_folder_reads_back_every_table_exactly(aggregated):  # type: ignore[no-untyped-def]
    res, folder = aggregated
    live, saved = res.saved(), read_folder(folder)
    pd.testing.assert_frame_equal(live.capacity, saved.capacity, check_exact=True)
    pd.testing.assert_frame_equal(live.costs, saved.costs, check_exact=True)
    pd.testing.assert_frame_equal(live.dispatch, saved.dispatch, check_exact=True, check_freq=False)
    pd.testing.assert_frame_equal(live.hourly, saved.hourly, check_exact=True, check_freq=False)
    pd.testing.assert_series_equal(live.metrics, saved.metrics, check_exact=True, check_names=False)
    assert live.inputs == saved.inputs
