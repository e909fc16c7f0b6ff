"""Results layer: what a solve returns and what a results folder holds.

- :mod:`planner.results.result`: :class:`Result` and :class:`Prices`;
- :mod:`planner.results.extract`: a solved model read back through the registry;
- :mod:`planner.results.saved`: :class:`SavedResult`, a result as a folder holds it;
- :mod:`planner.results.folder`: the results folder, written and read;
- :mod:`planner.results.summary`: the console summary;
- :mod:`planner.results.compare`: representative periods against every hour.
"""

from planner.results.compare import aggregation_error
from planner.results.extract import extract
from planner.results.folder import read_folder, write_folder
from planner.results.result import Prices, Result
from planner.results.saved import SavedResult

__all__ = [
    "Prices",
    "Result",
    "SavedResult",
    "aggregation_error",
    "extract",
    "read_folder",
    "write_folder",
]
