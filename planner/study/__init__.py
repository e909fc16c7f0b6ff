"""The fusion study: when does a fusion PPA pay for an AI datacenter?

``python -m planner.study [--config instances/study/study.yaml] [--out out/study]
[--doc docs/fusion_study.md]`` (``make study``) runs every part of the study on every site of
the study file, through the sweep machinery (stored, resumable), and writes
``docs/fusion_study.md`` with its figures and ``out/study/report.html``:

1. break-even fusion PPA price per CFE policy (:func:`planner.breakeven`);
2. cost of 24/7 CFE per policy, with and without fusion and long-duration storage
   (:func:`planner.run_sweep`, the frontier's columns);
3. delivery risk: the contract sized for on-time delivery, the plant late or derated;
4. sensitivities: solar and storage cost, grid carbon intensity, datacenter size;
5. a conclusion per site, from the numbers.

Modules: :mod:`~planner.study.config` (the study file), :mod:`~planner.study.sites` (each site
clustered once), :mod:`~planner.study.cases` (overrides of each case),
:mod:`~planner.study.parts` (the solves), :mod:`~planner.study.pipeline` (every part for
every site), :mod:`~planner.study.results` (the raw tables), :mod:`~planner.study.analysis`
(derived tables), :mod:`~planner.study.figures`, :mod:`~planner.study.sections` (the
document's text, one module per part), :mod:`~planner.study.document` (Markdown and HTML),
:mod:`~planner.study.write`, :mod:`~planner.study.run` (:func:`run_study`).
"""
