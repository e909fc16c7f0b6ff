"""Hourly data below every other layer: real 2022 grid data (EIA-930 generation by fuel, the
ERCOT hub price) converted to local standard time, calibrated synthetic prices where no open
data exist, solar profiles computed with pvlib from real typical-year weather, the calendar
rules that place data on the modelled hours, and the synthetic grid and demand generators
(fixed seeds, calibrated to published figures).

Nothing here imports the rest of the package (except the base layer): the input layer calls
these functions to turn a ``pvlib`` block into a capacity factor, and the shipped-instance
catalogue calls them to write its profile CSVs.
"""
