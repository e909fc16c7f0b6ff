"""The shipped regions and sites: their real 2022 grid series in local standard time, which
column is real and which synthetic, and the weather file of each site.

The raw files are shipped in ``instances/data/`` (licences and attributions in its README):
EIA-930 generation by fuel (``eia930_2022/``), the ERCOT hub price (``prices_2022/``), TMYx
weather (``weather_tmyx/``). :func:`region_2022` turns them into one frame per region: the
8760 hours of the site's local 2022 in standard time, hour-beginning. Place it on the modelled
hours with :func:`planner.data.calendar.place`. ``python -m planner.data.regions`` rewrites the
derived CSVs of ``instances/data/derived/`` bit for bit (a test checks they are current).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import pandas as pd

from planner.data.calendar import wrap_to_local_year
from planner.data.eia930 import grid_series, read_short_codes, repair
from planner.data.prices import MIDC_SOURCE, PJM_DOM_2022, ercot_hub_average_2022, midc_2022
from planner.data.prices import pjm_dominion_2022 as pjm_price_2022

YEAR = 2022

COLUMNS = {
    "grid_carbon_free_share": 5,
    "grid_carbon_intensity_t_per_mwh": 5,
    "grid_carbon_intensity_lifecycle_t_per_mwh": 5,
    "grid_wholesale_price_usd_per_mwh": 2,
    "grid_wind_share": 5,
    "grid_solar_share": 5,
    "grid_generation_mw": 1,
    "grid_repaired_hour": 0,
}
"""Columns of a region's frame after ``timestamp``, with their decimals (as written)."""

Kind = Literal["real", "derived", "synthetic"]


@dataclass(frozen=True)
class ColumnSource:
    """Where one column comes from: ``real`` (a measured series as published), ``derived``
    (computed from real data by a stated rule) or ``synthetic`` (generated, calibrated)."""

    kind: Kind
    source: str


@dataclass(frozen=True)
class Region:
    """A grid region: its EIA-930 balancing authority, standard time and wholesale price."""

    key: str
    label: str
    balancing_authority: str
    utc_offset_h: float
    time_zone: str
    price_kind: Kind
    price_source: str


EIA_SOURCE = (
    "U.S. EIA, Hourly Electric Grid Monitor (EIA-930), 2022 net generation by fuel of {ba} "
    "(public domain; file via HewlettPackard/dc-rl, MIT)"
)

REGIONS = {
    r.key: r
    for r in (
        Region(
            "ercot", "ERCOT (Texas)", "ERCO", -6.0, "America/Chicago", "real",
            "ERCOT day-ahead settlement point price, hub average HB_HUBAVG, 2022 (ERCOT public "
            "market data; file via HewlettPackard/green-dcc, MIT)",
        ),
        Region(
            "pjm_dominion", "PJM, Dominion zone (Virginia)", "PJM", -5.0, "America/New_York",
            "synthetic",
            "SYNTHETIC Dominion-zone price calibrated to the 2022 real-time LMP statistics "
            f"({PJM_DOM_2022.source}); fixed seed",
        ),
        Region(
            "bpa_midc", "Bonneville / Mid-Columbia (Washington)", "BPAT", -8.0,
            "America/Los_Angeles", "synthetic", MIDC_SOURCE,
        ),
    )
}  # fmt: skip


@dataclass(frozen=True)
class Site:
    """A shipped datacenter site: where it is, its grid region and its weather file."""

    key: str
    label: str
    latitude_deg: float
    longitude_deg: float
    altitude_m: float
    region: str
    weather: str
    """Path relative to ``instances/`` (the instance files' folder)."""
    at_station: bool
    """True: the weather station's own irradiance and sun path (see :data:`MOVE_BIAS`); False:
    the station's clouds moved to the site (clear-sky index, :mod:`planner.data.solar`)."""
    weather_note: str

    @property
    def utc_offset_h(self) -> float:
        return REGIONS[self.region].utc_offset_h

    def pvlib_block(
        self, mount: str = "single_axis", dc_ac_ratio: float = 1.3
    ) -> dict[str, object]:
        """The fields of this site's ``pvlib`` block (``PvArray.model_validate`` them)."""
        site: dict[str, object] = {"utc_offset_h": self.utc_offset_h}
        if not self.at_station:
            site = {
                "latitude_deg": self.latitude_deg,
                "longitude_deg": self.longitude_deg,
                "altitude_m": self.altitude_m,
                "utc_offset_h": self.utc_offset_h,
            }
        return {"weather": self.weather, **site, "mount": mount, "dc_ac_ratio": dc_ac_ratio}


WEATHER = "data/weather_tmyx/"
MOVE_BIAS = (
    "each site uses its station's own irradiance: moving a TMYx file's clouds with the "
    "clear-sky-index method costs 7-11 % of the capacity factor (the Erbs split of GHI gives "
    "less beam than the files' own DNI; each station moved onto itself: Dallas-Fort Worth "
    "-6.9 %, Leesburg -7.7 %, Seattle-Tacoma -10.6 %), more than the sites' own geometry changes"
)
SEATTLE_BIAS = (
    "Seattle-Tacoma TMYx (no weather file of the Columbia Basin is shipped; Seattle is at the "
    "same latitude, 47.4 N, and under the same Pacific storms, but west of the Cascades): annual "
    "GHI 1,252 kWh/m2, roughly 15-20 % below the Columbia Basin at Malaga (about 1,470-1,565 "
    "kWh/m2; docs/data.md), so the solar capacity factor, 0.201 single-axis and 0.175 fixed, is "
    "biased low by roughly 0.035-0.05 if it scales with GHI (no citable capacity factor for "
    "Malaga was found); the winter and spring clouds are Seattle's"
)

SITES = {
    s.key: s
    for s in (
        Site(
            "abilene_tx", "near Abilene, Texas", 32.45, -99.73, 520.0, "ercot",
            WEATHER + "USA_TX_Dallas-Fort.Worth.epw", True,
            "Dallas-Fort Worth airport TMYx, 250 km east (West Texas is somewhat sunnier and "
            "drier: the capacity factor, 0.267 single-axis, is a conservative one)",
        ),
        Site(
            "dallas_tx", "Dallas, Texas", 32.78, -96.80, 140.0, "ercot",
            WEATHER + "USA_TX_Dallas-Fort.Worth.epw", True,
            "Dallas-Fort Worth airport TMYx, 25 km from Dallas",
        ),
        Site(
            "ashburn_va", "Ashburn, Loudoun County, Virginia", 39.04, -77.49, 90.0,
            "pjm_dominion", WEATHER + "USA_VA_Leesburg.Exec.epw", True,
            "Leesburg Executive airport TMYx, 12 km from Ashburn",
        ),
        Site(
            "malaga_wa", "near Malaga, Chelan County, Washington", 47.36, -120.20, 240.0,
            "bpa_midc", WEATHER + "USA_WA_Seattle-Tacoma.epw", True, SEATTLE_BIAS,
        ),
    )
}  # fmt: skip
"""The shipped sites; their solar comes from the station itself (:data:`MOVE_BIAS`)."""


def data_dir() -> Path:
    """``instances/data`` of this checkout (the shipped raw files)."""
    return Path(__file__).resolve().parents[2] / "instances" / "data"


@dataclass(frozen=True)
class RegionYear:
    """A region's 2022 frame and what its conversion did."""

    frame: pd.DataFrame
    repaired_hours: int
    repair_reasons: dict[str, int]
    wrapped_hours: int


@lru_cache(maxsize=8)
def _region_year(key: str, folder: str) -> RegionYear:
    region = REGIONS[key]
    base = Path(folder)
    fuels = read_short_codes(base / "eia930_2022" / f"{region.balancing_authority}.csv")
    fixed = repair(fuels)
    series = grid_series(fixed.fuels).rename(columns={"grid_generation_mwh": "grid_generation_mw"})
    series["grid_repaired_hour"] = fixed.defective.astype(float)
    offset = region.utc_offset_h
    series.index = pd.DatetimeIndex(
        series.index.tz_convert("UTC").tz_localize(None) + pd.Timedelta(hours=offset),
        name="timestamp",
    )
    local = wrap_to_local_year(series, offset, YEAR)
    if key == "ercot":
        price = ercot_hub_average_2022(base / "prices_2022" / "ERCOT_DAM_HB_HUBAVG_2022.csv")
    elif key == "pjm_dominion":
        price = pjm_price_2022()
    else:
        price = midc_2022(local["grid_fossil_share"].to_numpy())
    local["grid_wholesale_price_usd_per_mwh"] = price.to_numpy()
    frame = local[list(COLUMNS)].copy()
    for column, decimals in COLUMNS.items():
        frame[column] = frame[column].round(decimals)
    frame["grid_repaired_hour"] = frame["grid_repaired_hour"].astype(int)
    frame = frame.reset_index()
    return RegionYear(frame, int(fixed.defective.sum()), fixed.reasons, int(abs(offset)))


def region_2022(key: str, folder: Path | None = None) -> RegionYear:
    """The region's 2022 series on its local standard year (copies; cached)."""
    if key not in REGIONS:
        raise KeyError(f"unknown region {key!r} (have {', '.join(REGIONS)})")
    got = _region_year(key, str(folder or data_dir()))
    return RegionYear(
        got.frame.copy(), got.repaired_hours, dict(got.repair_reasons), got.wrapped_hours
    )


def ercot_2022(folder: Path | None = None) -> pd.DataFrame:
    """ERCOT 2022 (Abilene and Dallas TX): real grid, real ERCOT hub price; Central standard."""
    return region_2022("ercot", folder).frame


def pjm_dominion_2022(folder: Path | None = None) -> pd.DataFrame:
    """PJM 2022 (Ashburn VA): real grid of the PJM BA, SYNTHETIC Dominion price; Eastern std."""
    return region_2022("pjm_dominion", folder).frame


def bpa_midc_2022(folder: Path | None = None) -> pd.DataFrame:
    """Bonneville 2022 (Malaga WA): real grid, SYNTHETIC Mid-C price; Pacific standard."""
    return region_2022("bpa_midc", folder).frame


def site_2022(site_key: str, folder: Path | None = None) -> pd.DataFrame:
    """The 2022 frame of a site's region."""
    return region_2022(SITES[site_key].region, folder).frame


def column_sources(key: str) -> dict[str, ColumnSource]:
    """Column -> (kind, source) of a region's frame, for instance headers and reports."""
    region = REGIONS[key]
    got = region_2022(key)
    eia = EIA_SOURCE.format(ba=region.balancing_authority)
    repaired = f"{got.repaired_hours} defective hours repaired (docs/data.md)"
    edge = (
        f"local standard time UTC{region.utc_offset_h:+g}, {got.wrapped_hours} edge hours wrapped"
    )
    rule = f"{eia}; {repaired}; {edge}"
    return {
        "timestamp": ColumnSource(
            "derived", f"local standard time (UTC{region.utc_offset_h:+g}), 2022"
        ),
        "grid_carbon_free_share": ColumnSource("derived", f"(WND+SUN+WAT+NUC)/total; {rule}"),
        "grid_carbon_intensity_t_per_mwh": ColumnSource(
            "derived", f"direct: coal 1.050, gas 0.437, oil 1.109 t/MWh (EIA 2023); {rule}"
        ),
        "grid_carbon_intensity_lifecycle_t_per_mwh": ColumnSource(
            "derived", f"life-cycle: IPCC AR5 medians; {rule}"
        ),
        "grid_wholesale_price_usd_per_mwh": ColumnSource(region.price_kind, region.price_source),
        "grid_wind_share": ColumnSource("derived", f"WND/total; {rule}"),
        "grid_solar_share": ColumnSource("derived", f"SUN/total; {rule}"),
        "grid_generation_mw": ColumnSource("derived", f"sum of the fuel columns; {rule}"),
        "grid_repaired_hour": ColumnSource("derived", f"1 where the hour was repaired; {rule}"),
    }


# -- derived CSVs, bit for bit -------------------------------------------------------------
def derived_text(key: str, folder: Path | None = None) -> str:
    """The derived CSV of a region, as written: fixed decimals, ``\\n`` line ends."""
    frame = region_2022(key, folder).frame
    out = pd.DataFrame({"timestamp": frame["timestamp"].dt.strftime("%Y-%m-%d %H:%M")})
    for column, decimals in COLUMNS.items():
        out[column] = frame[column].map(lambda v, d=decimals: f"{v:.{d}f}")
    return str(out.to_csv(index=False, lineterminator="\n"))


def derived_path(key: str, folder: Path | None = None) -> Path:
    return (folder or data_dir()) / "derived" / f"{key}_2022.csv"


def write_derived(folder: Path | None = None) -> list[Path]:
    """Rewrite every region's derived CSV; returns the paths."""
    paths = []
    for key in REGIONS:
        path = derived_path(key, folder)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(derived_text(key, folder).encode("ascii"))
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write_derived(Path(sys.argv[1]) if len(sys.argv) > 1 else None):
        print(written)
