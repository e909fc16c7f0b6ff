"""Errors raised by the planner."""

from __future__ import annotations


class InstanceError(ValueError):
    """Invalid instance input: carries every problem found, each naming file and field.

    Attributes
    ----------
    problems:
        One line per problem, e.g.
        ``instances/x.yaml: storage[li_ion].charge_efficiency: must be in (0, 1], got 1.3``.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the instance:"
        super().__init__("\n".join([head, *("  " + p for p in self.problems)]))


class SolverOptionError(ValueError):
    """Solver options HiGHS does not accept (unknown name, wrong type, value out of range)."""


class SolveError(RuntimeError):
    """The solver did not return an optimal solution (infeasible, unbounded, time limit...)."""

    def __init__(self, status: str, message: str) -> None:
        self.status = status
        super().__init__(message)
