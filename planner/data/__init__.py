"""Hourly data below every other layer: solar profiles computed with pvlib from real weather,
and the synthetic grid and demand generators (fixed seeds, calibrated to published figures).

Nothing here imports the rest of the package: the input layer calls these functions to turn a
``pvlib`` block into a capacity factor, and the shipped-instance catalogue calls them to write
its profile CSVs.
"""
