"""Solver layer: a built model to HiGHS and back.

- :mod:`planner.solver.settings`: :class:`SolveSettings` and the default HiGHS options;
- :mod:`planner.solver.compile`: the model as matrices;
- :mod:`planner.solver.numerics`: scaling, coefficient ranges, the solution check;
- :mod:`planner.solver.highs`: one HiGHS run with its retry policy;
- :mod:`planner.solver.run`: a built model solved, with the numerics recorded.
"""
