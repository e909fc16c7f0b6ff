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
    # the score is the demand-weighted mean of the hourly shares (capping hours at 100 % can only
    # lower it); an unweighted mean of the hours is not the score
    share = data.clean_share()
    assert share.between(0, 1).all()
    demand = data.dispatch["demand_mw"]
    weighted = float((share * demand).sum() / demand.sum())
    assert weighted <= data.metrics["hourly_cfe_score"] + 1e-6
    assert weighted == pytest.approx(data.metrics["hourly_cfe_score"], abs=1e-4)
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


# -- issue 15, item 13: every report opens with what to buy, what it costs, how clean ------------
def _opening_of(text: str) -> str:
    import html

    match = re.search(r'<p class="opening">(.*?)</p>', text, re.S)
    assert match, "no opening paragraph"
    return html.unescape(match[1])


def test_opening_paragraph_is_computed_from_the_numbers(data):  # type: ignore[no-untyped-def]
    from planner.formats import num
    from planner.results.summary import opening

    text, m, cap = opening(data), data.metrics, data.capacity
    assert text.startswith(
        f"Contract {num(cap.loc['helion', 'capacity_mw'], 0)} MW of fusion (helion)"
    )
    assert f"build {num(cap.loc['solar_pv', 'capacity_mw'], 0)} MW of solar (solar_pv)" in text
    if cap.loc["li_ion", "capacity_mw"] >= 0.5:
        storage = f"{num(cap.loc['li_ion', 'capacity_mw'], 0)} MW / {num(cap.loc['li_ion', 'energy_mwh'], 0)} MWh"
        assert f"build {storage} of storage (li_ion)" in text
    else:  # nothing built is not listed
        assert "of storage (li_ion)" not in text
    wind = cap.loc["wind_ppa", "capacity_mw"]
    assert f"buy under a PPA {num(wind, 0)} MW of wind (wind_ppa)" in text
    gwh = data.dispatch["grid_import_mw"].sum() / m["horizon_years"] / 1e3
    assert f"import {num(gwh, 0)} GWh/yr from the grid" in text
    extra = (m["total_cost_usd_per_yr"] - m["baseline_total_cost_usd_per_yr"]) / 1e6
    assert f"This costs {num(m['cost_usd_per_mwh_load'], 2)} $/MWh of load" in text
    words = "an extra cost" if extra > 0 else "a saving"
    assert f"{words} of {num(abs(extra), 2)} M$/yr" in text and "-" + num(abs(extra), 2) not in text
    assert f"Hourly CFE score {num(100 * m['hourly_cfe_score'], 1)} %" in text
    assert f"annual clean match {num(100 * m['annual_match_fraction'], 1)} %" in text
    kt = m["emissions_location_t"] / m["horizon_years"] / 1e3
    assert f"emissions {num(kt, 2)} kt CO2/yr" in text and "below the grid alone" in text
    assert text.endswith(
        "Figures per year are scaled from 336 modelled hours starting 2028-01-01 (two weeks in "
        "January): they are not a year's costs or emissions."
    )


def test_html_excel_and_console_open_with_the_same_paragraph(solved, data, tmp_path):  # type: ignore[no-untyped-def]
    from planner.results.summary import opening

    expected = opening(data)
    page = write_report(solved[1], tmp_path / "report.html").read_text()
    assert _opening_of(page) == expected
    assert (
        page.index('class="opening"') < page.index('id="inputs"') < page.index('id="key_metrics"')
    )
    sheets = pd.read_excel(write_xlsx(solved[1], tmp_path / "r.xlsx"), sheet_name=None)
    assert list(sheets)[0] == "summary"
    assert sheets["summary"].iloc[0, 1] == expected
    lines = solved[0].summary().splitlines()
    assert lines[0].startswith("Instance default") and lines[1] == ""
    first_block = lines[2 : lines.index("", 2)]
    assert " ".join(line.strip() for line in first_block) == expected
    assert max(len(line) for line in lines) <= 80 and all(len(x) <= 78 for x in first_block)


def test_horizon_is_worded_exactly_and_never_alarmist_for_a_full_year() -> None:
    from planner.results.summary import horizon_text

    assert horizon_text("2028-01-01 00:00", 168, 168 / 8760) == (
        "Figures per year are scaled from 168 modelled hours starting 2028-01-01 (one week in "
        "January): they are not a year's costs or emissions."
    )
    assert horizon_text("2028-01-01 00:00", 8760, 1.0) == (
        "Figures are for a full year: 8,760 modelled hours starting 2028-01-01."
    )
    assert horizon_text("2028-01-01 00:00", 17520, 2.0) == (
        "Figures per year are averages over 2 full years: 17,520 modelled hours starting "
        "2028-01-01."
    )
    assert horizon_text("2028-01-01", 576, 1.0, True, 24) == (
        "Figures per year are weighted from 24 representative periods of 24 hours (576 modelled "
        "hours) standing for 8,760 hours starting 2028-01-01 (a full year)."
    )
    assert "not a year" not in horizon_text("2028-01-01", 576, 1.0, True, 24)
    assert horizon_text("2028-06-20", 24 * 20, 24 * 20 / 8760).startswith(
        "Figures per year are scaled from 480 modelled hours starting 2028-06-20 (20 days from "
        "June to July)"
    )


def test_representative_periods_are_said_in_the_opening_and_the_inputs(aggregated):  # type: ignore[no-untyped-def]
    from planner.results.summary import input_facts, opening

    d = read_folder(aggregated[1])
    assert opening(d).endswith(
        "Figures per year are scaled from 4 representative periods of 24 hours (96 modelled "
        "hours) standing for 672 hours starting 2028-01-01 (four weeks in January): they are not "
        "a year's costs or emissions."
    )
    facts = dict(input_facts(d))
    assert facts["horizon"].startswith("96 modelled hours from 2028-01-01 00:00")
    assert "k-means clustering" in facts["representative periods"]
    assert "28 periods represented" in facts["representative periods"]
    assert "grid.carbon_free_share = 0.5" in facts["overrides"]


def test_inputs_and_assumptions_section(solved, tmp_path):  # type: ignore[no-untyped-def]
    import html

    text = write_report(solved[1], tmp_path / "report.html").read_text()
    p = parse(text)
    for table in ("inputs", "resources_fusion", "resources_solar", "resources_storage",
                  "resources_grid", "series", "overrides", "sources"):  # fmt: skip
        assert table in p.ids, table
    plain = html.unescape(re.sub(r"<[^>]+>", " ", text))
    for words in ("336 modelled hours from 2028-01-01 00:00", "hourly CFE target 90 %",
                  "discount rate 7 %", "energy price, $/MWh", "112.5", "time.hours", "336",
                  "profiles/default_2028.csv column load_mw",
                  "Helion-Microsoft PPA announcement"):  # fmt: skip
        assert words in plain, words
    assert "real data: " in plain  # which series are real data, whatever the instance says
    summary = solved[0].summary()
    assert "Inputs and assumptions" in summary and "overrides: time.hours = 336" in summary
    assert "helion (fusion): " in summary and "energy price 112.5 $/MWh" in summary


def test_not_stated_provenance_is_shown_as_such(data):  # type: ignore[no-untyped-def]
    """A series whose file does not say where it comes from reads "not stated", and stands
    out; it is neither hidden nor taken for real data."""
    import copy
    import dataclasses

    from planner.report.html import solve_report_html
    from planner.results.summary import input_facts

    inputs = copy.deepcopy(data.inputs)
    inputs["series"][0].update(provenance="not stated", source="")
    d = dataclasses.replace(data, inputs=inputs)
    assert '<td class="warn">not stated</td>' in solve_report_html(d)
    assert "not stated: demand load" in dict(input_facts(d))["hourly series"]
    assert "not stated: demand load" in summary_text_of(d).replace("\n    ", " ")


def summary_text_of(d: SavedResult) -> str:
    from planner.results.summary import summary_text

    return summary_text(d)


def test_failed_solve_reports_its_inputs_and_diagnosis(tmp_path):  # type: ignore[no-untyped-def]
    inst = planner.load_instance("instances/default.yaml").with_overrides(
        {
            "time.hours": 24,
            "policy.hourly_cfe_target": 1.0,
            "fusion.helion.max_capacity_mw": 0,
            "solar.solar_pv.max_capacity_mw": 0,
            "wind.wind_ppa.max_capacity_mw": 0,
        }
    )
    res = planner.solve(inst, baseline=False)
    assert not res.ok
    folder = res.to_dir(tmp_path / "failed")
    text = write_report(folder, tmp_path / "report.html").read_text()
    p = parse(text)
    assert {"inputs", "resources_fusion", "series", "overrides"} <= p.ids
    assert _opening_of(text).startswith(f"No portfolio: the solve ended with status {res.status}")
    assert "<h2>Diagnosis</h2>" in text and "hourly CFE target" in text
    summary = res.summary()
    assert "No portfolio" in summary and "Inputs and assumptions" in summary
    assert "Diagnosis" in summary
    sheets = pd.read_excel(write_xlsx(folder, tmp_path / "f.xlsx"), sheet_name=None)
    assert list(sheets)[:2] == ["summary", "resources"]
    assert "diagnosis" in set(sheets["summary"]["topic"].dropna())


# -- issue 15, item 15: reading ------------------------------------------------------------------
RESOURCE_NAMES = {"li_ion", "solar_pv", "wind_ppa", "fission_restart", "gas_ccs"}
"""The default instance's resource names (snake_case by the user's choice, not labels)."""
SNAKE = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")


def _tables(text: str) -> list[tuple[str, list[str], str]]:
    """(id, header cells, body) of every table."""
    out = []
    for match in re.finditer(r'<table id="([^"]+)">(.*?)</table>', text, re.S):
        head = re.search(r"<thead>(.*?)</thead>", match[2], re.S)
        assert head, f"table {match[1]}: no header"
        assert head[1].count("<tr") == 1, f"table {match[1]}: stray header rows"
        cells = re.findall(r"<th[^>]*>(.*?)</th>", head[1], re.S)
        body = match[2][head.end() :]
        out.append((match[1], cells, body))
    return out


def check_tables_read_well(text: str, names: set[str]) -> None:
    tables = _tables(text)
    assert len(tables) == text.count("<table")
    for table_id, cells, body in tables:
        assert "<th" not in body, f"{table_id}: header cells in the body (row labels)"
        assert all(c.strip() for c in cells), f"{table_id}: an empty header (row numbers?)"
        for c in cells:
            words = SNAKE.findall(c)
            assert set(words) <= names, f"{table_id}: snake_case header {c!r}"
        first = re.findall(r"<tr><td[^>]*>(.*?)</td>", body)
        assert first != [str(i) for i in range(len(first))] or cells[0] == "point", table_id
    # every table can scroll sideways inside its box instead of widening the page
    assert text.count('<div class="scroll"><table') == len(tables)
    assert ".scroll{overflow-x:auto" in text


def test_tables_have_one_header_row_human_labels_and_no_row_numbers(solved, tmp_path):  # type: ignore[no-untyped-def]
    text = write_report(solved[1], tmp_path / "report.html").read_text()
    check_tables_read_well(text, RESOURCE_NAMES)
    assert "capacity_mw" not in text.split("<h2>Figures</h2>")[0].replace("max_capacity_mw", "")


def test_extra_cost_is_worded_not_a_negative_saving(data):  # type: ignore[no-untyped-def]
    """ "savings: -31.75 M$/yr" reads "an extra cost of 31.75 M$/yr"; a real saving reads "a
    saving of"."""
    import dataclasses

    from planner.report.html import solve_report_html

    for saving, words in (
        (-31.75e6, "an extra cost of 31.75 M$/yr"),
        (12.5e6, "a saving of 12.50"),
    ):
        m = data.metrics.copy()
        m["savings_usd_per_yr"] = saving
        m["total_cost_usd_per_yr"] = m["baseline_total_cost_usd_per_yr"] - saving
        d = dataclasses.replace(data, metrics=m)
        summary = summary_text_of(d)
        assert "savings" not in summary and words in summary.replace("\n  ", " ")
        text = solve_report_html(d)
        assert "savings" not in text and words in text
        label = "extra cost" if saving < 0 else "saving"
        cells = rf"<td[^>]*>{label} against the grid alone, M\$/yr</td><td>{abs(saving) / 1e6:.2f}<"
        assert re.search(cells, text), label


def test_figure_captions_are_not_repeated(solved, tmp_path):  # type: ignore[no-untyped-def]
    import html

    text = write_report(solved[1], tmp_path / "report.html").read_text()
    figures_html = re.findall(r"<figure[^>]*>(.*?)</figure>", text, re.S)
    assert len(figures_html) >= 7
    for item in figures_html:
        alt = html.unescape(re.search(r'alt="([^"]*)"', item)[1])  # type: ignore[index]
        caption = re.search(r"<figcaption>(.*?)</figcaption>", item, re.S)
        assert caption is None or html.unescape(caption[1]) != alt


def test_state_of_charge_over_a_full_year_is_drawn_day_by_day(data):  # type: ignore[no-untyped-def]
    """A year of hours as one line is 8,760 jagged points: over a year the figure shows the
    daily range as a band and the daily mean as a line (365 points); short horizons keep the
    hourly line."""
    import dataclasses

    import numpy as np

    index = pd.date_range("2028-01-01", periods=8760, freq="h")
    reps = -(-8760 // len(data.dispatch))
    year = pd.DataFrame(
        np.tile(data.dispatch.to_numpy(), (reps, 1))[:8760],
        columns=data.dispatch.columns,
        index=index,
    )
    d = dataclasses.replace(data, dispatch=year, hourly=pd.DataFrame(index=index))
    fig = figures.state_of_charge(d)
    ax = fig.axes[0]
    assert ax.get_title().startswith("Storage state of charge, daily range and mean")
    assert max(len(line.get_xdata()) for line in ax.lines) <= 366
    assert ax.collections, "no daily band"
    close(fig)
    fig = figures.state_of_charge(data)  # two weeks: hour by hour
    assert len(fig.axes[0].lines[0].get_xdata()) == 336
    close(fig)


# -- issue 15, item 10 (figures): never an offset axis label -------------------------------------
def test_no_offset_axis_label_on_a_constant_within_1e10() -> None:
    """A 50 MW capacity along a sweep, constant to within 1e-10: matplotlib's default labels
    its axis "1e-10+5e1", making 50 MW look like a fall from 10 to 2."""
    import matplotlib

    from planner.report import sweep_figures as sf
    from planner.report.style import new_figure

    assert matplotlib.rcParams["axes.formatter.useoffset"] is False
    noisy = [50.0, 50 + 1e-10, 50 - 1e-10, 50 + 2e-10]
    table = pd.DataFrame(
        {
            "point": range(4),
            "fusion.helion.energy_price_usd_per_mwh": [30.0, 60.0, 90.0, 120.0],
            "status": ["optimal"] * 4,
            "helion_capacity_mw": noisy,
            "resource_kinds": ['{"helion": "fusion"}'] * 4,
        }
    )
    fig, ax = new_figure()
    ax.plot(range(4), noisy)
    for f in (
        sf.breakeven_curves(table, "helion"),
        sf.capacity_along(table, "fusion.helion.energy_price_usd_per_mwh"),
        fig,
    ):
        f.canvas.draw()
        for a in f.axes:
            assert a.yaxis.get_offset_text().get_text() == ""
            assert a.xaxis.get_offset_text().get_text() == ""
        close(f)
    f = sf.breakeven_curves(table, "helion")  # solver noise is not printed as values either
    f.canvas.draw()
    ticks = [t.get_text().replace("\u2212", "-") for t in f.axes[0].get_yticklabels()]
    assert ticks and all(len(t.partition(".")[2]) <= 2 for t in ticks), ticks
    assert 50.0 in [float(t) for t in ticks]
    close(f)


def test_summary_fits_80_columns_with_a_long_source(data):  # type: ignore[no-untyped-def]
    import dataclasses

    from planner.results.summary import summary_text

    long = dataclasses.replace(data, source="instances/a_long_folder_name/grid_only_baseline.yaml")
    assert max(len(line) for line in summary_text(long).splitlines()) <= 80
