"""What a diagnosis says: the binding input limits, each failing target's best value, and the
diagnosis as a whole (stored in ``Result.diagnosis`` and ``summary.json``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class BindingLimit:
    """An input limit that binds in a relaxed solution: relaxing it raises the best value."""

    limit: str
    """The input field, e.g. ``grid.import_limit_mw = 50 MW``."""
    component: str
    """The Pyomo component, e.g. ``grid.import_mw`` (a bound) or ``grid.export_le_share``."""
    bound: str
    """``upper`` or ``lower``."""
    hours: int | None
    """Hours in which an hourly limit binds (None for a limit that is not hourly)."""
    of_hours: int | None = None
    """Modelled hours (None for a limit that is not hourly)."""

    def text(self) -> str:
        if self.hours is None:
            return self.limit
        return f"{self.limit} in {self.hours} of {self.of_hours} hours"


@dataclass
class TargetFinding:
    """What one hard target can reach at best (values in ``unit``)."""

    policy: str
    """Registry name: ``hourly_cfe``, ``annual_matching``, ``emissions_cap`` or
    ``market_net_zero``."""
    label: str
    target: float
    best: float
    """Best achievable value: the highest share for a share target, the lowest emissions for a
    cap."""
    unit: str
    """``share of demand`` (0-1) or ``t/yr``."""
    shortfall: float
    """Smallest shortfall over the horizon, MWh (share targets) or t (emission targets)."""
    alone: bool
    """True: infeasible on its own (other targets removed); False: only with the others held."""
    binding: list[BindingLimit] = field(default_factory=list)
    message: str = ""


@dataclass
class Diagnosis:
    """Why a solve failed. ``message`` is one readable paragraph; the rest is structured.

    ``status`` is the solve's status, made precise where HiGHS could not tell infeasible from
    unbounded (``infeasible_or_unbounded``): a re-solve without costs decides, and
    :func:`planner.solve` reports the precise status.

    ``cause`` is one of ``targets`` (some hard targets cannot be met on their own),
    ``combination`` (each can, not all together), ``structural`` (infeasible whatever the
    targets), ``borderline`` (infeasible only within solver tolerances), ``unbounded``,
    ``numerical`` (a solution violating its constraints was refused), ``limit`` (time or
    iteration limit, interrupt), ``solver`` (HiGHS gave no answer) or ``not_explained``.
    """

    status: str
    cause: str
    message: str
    targets: list[TargetFinding] = field(default_factory=list)
    iis: list[str] = field(default_factory=list)
    """Irreducible infeasible subset: readable constraint names with their bound."""
    iis_irreducible: bool = False
    """Whether ``iis`` is irreducible (False: HiGHS ran out of time reducing it)."""
    resolves: int = 0
    """Relaxed problems solved to reach this diagnosis."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``summary.json``)."""
        return asdict(self)

    def text(self) -> str:
        """The message, then every member of the IIS on its own line."""
        lines = [self.message]
        if self.iis:
            what = "Irreducible infeasible" if self.iis_irreducible else "Infeasible"
            lines += ["", f"{what} subset (HiGHS):"]
            lines += [f"  {member}" for member in self.iis]
        return "\n".join(lines)
