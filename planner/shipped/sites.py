"""The sites of the shipped instances: location, weather year, grid and datacenter shape."""

from __future__ import annotations

from dataclasses import dataclass

from planner.data.synthetic_grid import BPA, ERCOT, PJM, GridStats
from planner.inputs.pvlib_profile import PvArray


@dataclass(frozen=True)
class Site:
    """One datacenter site.

    The solar profile uses pvlib's TMY file ``weather`` (the nearest shipped station of a
    similar climate) moved to the site's coordinates (see :mod:`planner.profiles.solar`).
    """

    key: str
    label: str
    latitude_deg: float
    longitude_deg: float
    altitude_m: float
    utc_offset_h: float
    weather: str
    weather_note: str
    grid: GridStats
    daily_swing: float
    seasonal_swing: float

    def pv_array(self, mount: str = "single_axis", dc_ac_ratio: float = 1.3) -> PvArray:
        """The utility PV array of this site as a ``pvlib`` block."""
        return PvArray.model_validate(
            {
                "weather": self.weather,
                "latitude_deg": self.latitude_deg,
                "longitude_deg": self.longitude_deg,
                "altitude_m": self.altitude_m,
                "utc_offset_h": self.utc_offset_h,
                "mount": mount,
                "dc_ac_ratio": dc_ac_ratio,
            }
        )


ABILENE_TX = Site(
    key="abilene_tx",
    label="near Abilene, Texas",
    latitude_deg=32.45,
    longitude_deg=-99.73,
    altitude_m=520.0,
    utc_offset_h=-6.0,
    weather="12839.tm2",
    weather_note="clouds of Miami FL (TMY2): the sunniest station pvlib ships",
    grid=ERCOT,
    daily_swing=0.05,
    seasonal_swing=0.05,
)

MALAGA_WA = Site(
    key="malaga_wa",
    label="near Malaga, Chelan County, Washington",
    latitude_deg=47.36,
    longitude_deg=-120.20,
    altitude_m=240.0,
    utc_offset_h=-8.0,
    weather="723170TYA.CSV",
    weather_note="clouds of Greensboro NC (TMY3); Sand Point AK is far cloudier than the Columbia "
    "basin",
    grid=BPA,
    daily_swing=0.03,
    seasonal_swing=0.03,
)

ASHBURN_VA = Site(
    key="ashburn_va",
    label="Ashburn, Loudoun County, Virginia (Data Center Alley)",
    latitude_deg=39.04,
    longitude_deg=-77.49,
    altitude_m=90.0,
    utc_offset_h=-5.0,
    weather="723170TYA.CSV",
    weather_note="clouds of Greensboro NC (TMY3), 350 km south-west in the same Piedmont climate",
    grid=PJM,
    daily_swing=0.04,
    seasonal_swing=0.04,
)

SITES = {s.key: s for s in (ABILENE_TX, MALAGA_WA, ASHBURN_VA)}
