"""The shipped instances: their sites, cost set, building blocks, files and full-year results.

- :mod:`planner.shipped.costs`: every cited cost figure;
- :mod:`planner.shipped.sites`: the shipped sites (location, weather, grid statistics);
- :mod:`planner.shipped.profiles`: the hourly profile CSV of a site;
- :mod:`planner.shipped.blocks`: resources and sections built from the cost set;
- :mod:`planner.shipped.catalogue`: the shipped instances and ``write``;
- :mod:`planner.shipped.results`: key figures and full-year results (``results.json``).
"""
