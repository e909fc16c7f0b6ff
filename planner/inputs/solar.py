"""Inputs of solar photovoltaic and wind plants, built or bought by PPA
(:class:`planner.inputs.renewable.Renewable`)."""

from __future__ import annotations

from planner.inputs.renewable import Renewable


class Solar(Renewable):
    """A solar resource: capacity chosen by the model, output = capacity x capacity factor.

    ``build``: pays annualised capex and fixed O&M per MW built. ``ppa``: pays
    ``ppa_price_usd_per_mwh`` on all energy produced (as-produced PPA: curtailed energy is
    paid too).
    """


class Wind(Renewable):
    """A land-based wind resource: capacity chosen by the model, output = capacity x capacity
    factor (from the site's weather through a turbine power curve, or a region's fleet output:
    docs/data.md).

    ``build``: pays annualised capex and fixed O&M per MW built. ``ppa``: pays
    ``ppa_price_usd_per_mwh`` on all energy produced (as-produced PPA: curtailed energy is
    paid too).
    """
