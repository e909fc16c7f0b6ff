"""The shipped instances: their sites, cost set, building blocks, files and full-year results.

- :mod:`planner.shipped.costs`: every cited cost figure;
- :mod:`planner.shipped.sites`: the shipped sites (a site of :mod:`planner.data.regions`, the
  demand shape, the tariff's keys in the cost set);
- :mod:`planner.shipped.profiles`: the hourly profile CSV of a site and what each column is;
- :mod:`planner.shipped.headers`: the header of an instance file (provenance, tariff);
- :mod:`planner.shipped.blocks`: resources and sections built from the cost set;
- :mod:`planner.shipped.catalogue`: the shipped instances and ``write``;
- :mod:`planner.shipped.results`: key figures and full-year results (``results.json``).
"""
