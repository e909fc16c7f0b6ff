"""Safety of the inputs and outputs.

- YAML is read with a safe loader: Python tags are refused, never run.
- Files named inside an input (CSV columns, pvlib weather files) resolve inside the input's
  folder or an explicitly allowed data folder (``allowed_dirs=``, ``--allow-dir``,
  ``PLANNER_DATA_DIRS``); ``../../etc/passwd``, absolute paths elsewhere and symlinks pointing
  out are refused with an InstanceError naming the file and the field.
- A sweep's base must be a YAML instance file; its CSV values follow the same folder rule.
- Names that become file or folder names (instance, sweep, scenario) cannot be paths.
- No pickle, eval or unsafe YAML anywhere in ``planner/``; results are written inside the
  output folder only.
"""

from __future__ import annotations

import io
import json
import os
import tokenize
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT

import planner
from planner.cli import main
from planner.inputs.files import DATA_DIRS_ENV
from planner.inputs.yaml_file import StrictSafeLoader

HEAD = {"name": "x", "time": {"start": "2028-01-01 00:00", "hours": 3}}


def instance(load: Any = 10.0, **extra: Any) -> dict[str, Any]:
    return {**HEAD, "demand": {"load_mw": load}, **extra}


def csv(csv_path: str, column: str = "load_mw") -> dict[str, str]:
    return {"csv": csv_path, "column": column}


def write_csv(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("load_mw\n1\n2\n3\n", encoding="utf-8")
    return path


def write_yaml(path: Path, raw: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def problems_of(call: Any) -> list[str]:
    with pytest.raises(planner.InstanceError) as info:
        call()
    return info.value.problems


@pytest.fixture
def layout(tmp_path: Path) -> dict[str, Path]:
    """``project/`` holding an instance folder, and a sibling ``secret/`` folder with a CSV."""
    project = tmp_path / "project"
    secret = write_csv(tmp_path / "secret" / "data.csv")
    write_csv(project / "profiles" / "ok.csv")
    return {"project": project, "secret": secret, "tmp": tmp_path}


# -- YAML -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "name: !!python/object/apply:os.system ['touch {marker}']\n",
        "name: !!python/object:builtins.dict {{}}\n",
        "name: !!python/name:os.system\n",
        "name: !!python/object/new:os.system ['touch {marker}']\n",
    ],
)
def test_python_yaml_tags_are_refused_and_never_run(tmp_path: Path, text: str) -> None:
    marker = tmp_path / "ran"
    path = tmp_path / "evil.yaml"
    path.write_text(text.format(marker=marker), encoding="utf-8")
    (problem,) = problems_of(lambda: planner.load_instance(path))
    assert problem.startswith(f"{path}: not valid YAML: ")
    assert "could not determine a constructor for the tag 'tag:yaml.org,2002:python/" in problem
    assert not marker.exists()
    sweep = tmp_path / "evil_sweep.yaml"
    sweep.write_text(text.format(marker=marker), encoding="utf-8")
    (problem,) = problems_of(lambda: planner.load_sweep(sweep))
    assert problem.startswith(f"{sweep}: not valid YAML: ")
    assert not marker.exists()


def test_the_yaml_loader_is_a_safe_loader() -> None:
    assert issubclass(StrictSafeLoader, yaml.SafeLoader)
    assert not issubclass(StrictSafeLoader, (yaml.FullLoader, yaml.UnsafeLoader))


MODULES = {"pickle", "cPickle", "dill", "marshal", "shelve", "jsonpickle"}
BUILTINS = {"eval", "exec", "compile", "__import__"}  # bare calls; re.compile is fine
ATTRIBUTES = {
    ("yaml", "load"),
    ("yaml", "load_all"),
    ("yaml", "unsafe_load"),
    ("yaml", "full_load"),
    ("yaml", "Loader"),
    ("yaml", "FullLoader"),
    ("yaml", "UnsafeLoader"),
    ("yaml", "add_constructor"),
    ("os", "system"),
    ("os", "popen"),
    ("np", "load"),
}


def banned_uses(text: str) -> list[str]:
    """Uses in Python source ``text`` of what deserializes objects or runs text as code
    (comments and strings are not code)."""
    tokens = [
        t
        for t in tokenize.generate_tokens(io.StringIO(text).readline)
        if t.type in (tokenize.NAME, tokenize.OP)
    ]
    found = []
    for i, tok in enumerate(tokens):
        where = f"{tok.start[0]}: {tok.string}"
        before = tokens[i - 1].string if i else ""
        after = [t.string for t in tokens[i + 1 : i + 3]]
        if tok.string in MODULES or tok.string in ("read_pickle", "to_pickle"):
            found.append(where)
        elif tok.string in BUILTINS and before != "." and after[:1] == ["("]:
            found.append(where)
        elif len(after) == 2 and after[0] == "." and (tok.string, after[1]) in ATTRIBUTES:
            found.append(f"{where}.{after[1]}")
        elif tok.string == "shell" and after[:1] == ["="]:
            found.append(f"{where}=")
    return found


def test_the_guard_finds_what_it_looks_for() -> None:
    bad = "import pickle\nx = yaml.load(t)\ny = eval(s)\nz = pd.read_pickle(p)\nsubprocess.run(c, shell=True)\n"
    assert len(banned_uses(bad)) == 5
    fine = "import re\n# pickle, eval(x)\nr = re.compile('eval(')\nd = yaml.safe_load(t)\ns = 'yaml.load'\n"
    assert banned_uses(fine) == []


def test_code_has_no_pickle_eval_or_unsafe_yaml() -> None:
    """A guard on ``planner/``: nothing that deserializes objects or runs text as code is used,
    so no input can reach it."""
    found = [
        f"{path.relative_to(ROOT)}:{use}"
        for path in sorted((ROOT / "planner").rglob("*.py"))
        for use in banned_uses(path.read_text(encoding="utf-8"))
    ]
    assert found == []


# -- CSV paths --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        "../secret/data.csv",
        "../../etc/passwd",
        "profiles/../../secret/data.csv",
        "SECRET_ABS",
        "/etc/passwd",
    ],
)
def test_csv_outside_the_instance_folder_is_refused(layout: dict[str, Path], path: str) -> None:
    path = path.replace("SECRET_ABS", str(layout["secret"]))
    source = write_yaml(layout["project"] / "inst.yaml", instance(csv(path)))
    (problem,) = problems_of(lambda: planner.load_instance(source))
    assert problem.startswith(
        f"{source}: demand.load_mw: CSV file {path!r} is outside the folders "
    )
    assert str(layout["project"].resolve()) in problem
    assert "--allow-dir" in problem


def test_csv_inside_the_instance_folder_loads(layout: dict[str, Path]) -> None:
    project = layout["project"]
    for path in (
        "profiles/ok.csv",
        "./profiles/../profiles/ok.csv",
        str(project / "profiles" / "ok.csv"),
    ):
        inst = planner.load_instance(write_yaml(project / "inst.yaml", instance(csv(path))))
        assert list(inst.spec.demand.load_mw) == [1, 2, 3]


def test_symlink_pointing_outside_is_refused_and_inside_is_fine(layout: dict[str, Path]) -> None:
    project = layout["project"]
    (project / "profiles" / "link_out.csv").symlink_to(layout["secret"])
    (project / "profiles" / "link_in.csv").symlink_to(project / "profiles" / "ok.csv")
    (project / "escape").symlink_to(layout["secret"].parent, target_is_directory=True)
    for path in ("profiles/link_out.csv", "escape/data.csv"):
        source = write_yaml(project / "inst.yaml", instance(csv(path)))
        (problem,) = problems_of(lambda source=source: planner.load_instance(source))
        assert f"demand.load_mw: CSV file {path!r} is outside the folders" in problem
    inst = planner.load_instance(
        write_yaml(project / "inst.yaml", instance(csv("profiles/link_in.csv")))
    )
    assert list(inst.spec.demand.load_mw) == [1, 2, 3]


def test_allowed_dirs_let_a_data_folder_in(
    layout: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    project, secret = layout["project"], layout["secret"]
    raw = instance(csv(str(secret)))
    source = write_yaml(project / "inst.yaml", raw)
    inst = planner.load_instance(source, allowed_dirs=[secret.parent])
    assert list(inst.spec.demand.load_mw) == [1, 2, 3]
    # kept by with_overrides, so a sweep over the instance can read the folder too
    assert inst.with_overrides({"policy.hourly_cfe_target": 0.5}).spec.demand.load_mw.sum() == 6
    # from_dict takes the same argument
    assert (
        planner.Instance.from_dict(raw, project, "x.yaml", allowed_dirs=[str(secret.parent)]).hours
        == 3
    )
    # or the environment variable, several folders separated by os.pathsep
    problems_of(lambda: planner.load_instance(source))
    monkeypatch.setenv(
        DATA_DIRS_ENV, os.pathsep.join([str(layout["tmp"] / "nowhere"), str(secret.parent)])
    )
    assert planner.load_instance(source).hours == 3


def test_cli_allow_dir(layout: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    source = write_yaml(layout["project"] / "inst.yaml", instance(csv(str(layout["secret"]))))
    assert main(["validate", str(source)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: 1 problem in the instance:") and "is outside the folders" in err
    assert (
        main(
            [
                "validate",
                str(source),
                "--allow-dir",
                str(layout["tmp"] / "x"),
                "--allow-dir",
                str(layout["secret"].parent),
            ]
        )
        == 0
    )
    assert "valid (3 hours" in capsys.readouterr().out


def test_csv_path_with_nul_is_refused(tmp_path: Path) -> None:
    (problem,) = problems_of(
        lambda: planner.Instance.from_dict(instance(csv("a\x00.csv")), tmp_path, "x.yaml")
    )
    assert (
        problem
        == "x.yaml: demand.load_mw: CSV file 'a\\x00.csv': a file name cannot contain a NUL character"
    )


def test_csv_that_is_not_a_regular_file_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.csv")  # reading it would block forever
    (problem,) = problems_of(
        lambda: planner.Instance.from_dict(instance(csv("fifo.csv")), tmp_path, "x.yaml")
    )
    assert (
        problem == "x.yaml: demand.load_mw: CSV file 'fifo.csv' cannot be read: not a regular file"
    )


# -- pvlib weather files -------------------------------------------------------------------------
def solar_with_weather(weather: str) -> dict[str, Any]:
    return instance(
        solar=[
            {
                "name": "pv",
                "capacity_factor": {"pvlib": {"weather": weather}},
                "max_capacity_mw": 10,
                "procurement": "ppa",
                "ppa_price_usd_per_mwh": 30,
            }
        ]
    )


@pytest.mark.parametrize(
    "weather", ["../secret/data.csv", "../../../../../../etc/passwd", "SECRET_ABS", ".."]
)
def test_weather_file_outside_the_folder_is_refused(layout: dict[str, Path], weather: str) -> None:
    weather = weather.replace("SECRET_ABS", str(layout["secret"]))
    source = write_yaml(layout["project"] / "inst.yaml", solar_with_weather(weather))
    (problem,) = problems_of(lambda: planner.load_instance(source))
    assert problem.startswith(
        f"{source}: solar[pv].capacity_factor.pvlib.weather: weather file {weather!r} is outside the folders"
    )


def test_weather_file_of_pvlibs_data_folder_is_fine(tmp_path: Path) -> None:
    inst = planner.Instance.from_dict(solar_with_weather("723170TYA.CSV"), tmp_path, "x.yaml")
    assert inst.spec.solar[0].capacity_factor.shape == (3,)


# -- names that become paths ----------------------------------------------------------------------
@pytest.mark.parametrize("name", ["../../x", "/tmp/x", "a/b", "..", ".hidden", "", "x y"])
def test_instance_name_cannot_be_a_path(tmp_path: Path, name: str) -> None:
    raw = {**instance(), "name": name}
    (problem,) = problems_of(lambda: planner.Instance.from_dict(raw, tmp_path, "x.yaml"))
    assert problem.startswith("x.yaml: name: must match ^[A-Za-z][A-Za-z0-9_]*$"), problem


def sweep_file(folder: Path, base: Any, **fields: Any) -> Path:
    return write_yaml(folder / "sweeps" / "s.yaml", {"name": "s", "base": base, **fields})


@pytest.mark.parametrize("field", ["name", "scenario"])
@pytest.mark.parametrize("name", ["../../x", "/tmp/x", "a/b", ".."])
def test_sweep_and_scenario_names_cannot_be_paths(tmp_path: Path, field: str, name: str) -> None:
    write_yaml(tmp_path / "inst.yaml", instance())
    if field == "name":
        path = write_yaml(tmp_path / "s.yaml", {"name": name, "base": "inst.yaml"})
        where = "name"
    else:
        path = write_yaml(
            tmp_path / "s.yaml", {"name": "s", "base": "inst.yaml", "scenarios": [{"name": name}]}
        )
        where = f"scenarios[{name}].name"
    (problem,) = problems_of(lambda: planner.load_sweep(path))
    assert problem.startswith(f"{path}: {where}: must match ^[A-Za-z][A-Za-z0-9_]*$")


# -- sweeps ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "base",
    ["../../../../../../etc/passwd", "/etc/passwd", "../profiles/ok.csv", "inst.txt", "/dev/zero"],
)
def test_sweep_base_must_be_a_yaml_file(layout: dict[str, Path], base: str) -> None:
    path = sweep_file(layout["project"], base)
    (problem,) = problems_of(lambda: planner.load_sweep(path))
    assert problem == f"{path}: base: {base!r}: must be an instance file ending in .yaml or .yml"


def test_sweep_base_that_is_not_a_regular_file(layout: dict[str, Path]) -> None:
    (layout["project"] / "dev.yaml").symlink_to("/dev/zero")  # reading it would never end
    path = sweep_file(layout["project"], "../dev.yaml")
    (problem,) = problems_of(lambda: planner.load_sweep(path))
    # the link leads outside the sweep's folders: refused before anything is opened
    assert problem.startswith(
        f"{path}: base[0]: base instance '../dev.yaml' is outside the folders input files may read"
    )
    (layout["project"] / "fifo.yaml").unlink(missing_ok=True)
    os.mkfifo(layout["project"] / "fifo.yaml")  # inside: read as a file, it would block
    path = sweep_file(layout["project"], "../fifo.yaml")
    (problem,) = problems_of(lambda: planner.load_sweep(path))
    assert (
        problem
        == f"{path}: base[0]: {layout['project'] / 'fifo.yaml'}: cannot read: not a regular file"
    )


def test_shipped_sweeps_reach_their_base_in_the_parent_folder() -> None:
    sweep = planner.load_sweep(ROOT / "instances" / "sweeps" / "scenarios.yaml")
    assert sweep.bases["default"].source == str(ROOT / "instances" / "default.yaml")


@pytest.mark.parametrize(
    ("where", "fields"),
    [
        ("overrides[demand.load_mw].csv", {"overrides": {"demand.load_mw": csv("SECRET")}}),
        (
            "parameters[0].values[1].csv",
            {"parameters": [{"path": "demand.load_mw", "values": [5, csv("SECRET")]}]},
        ),
        (
            "scenarios[flat].overrides[demand.load_mw].csv",
            {"scenarios": [{"name": "flat", "overrides": {"demand.load_mw": csv("SECRET")}}]},
        ),
    ],
)
def test_sweep_csv_outside_its_folders_is_refused(
    layout: dict[str, Path], where: str, fields: dict[str, Any]
) -> None:
    project = layout["project"]
    write_yaml(project / "inst.yaml", instance())
    text = json.dumps(fields).replace("SECRET", "../../secret/data.csv")
    path = sweep_file(project, "../inst.yaml", **json.loads(text))
    (problem,) = problems_of(lambda: planner.load_sweep(path))
    assert problem.startswith(
        f"{path}: {where}: CSV file '../../secret/data.csv' is outside the folders"
    )
    sweep = planner.load_sweep(path, allowed_dirs=[layout["secret"].parent])  # allowed explicitly
    point = sweep.points[-1]
    inst = sweep.bases["x"].with_overrides(point.overrides)
    assert list(inst.spec.demand.load_mw) == [1, 2, 3]


def test_sweep_csv_in_its_own_or_the_base_folder_is_fine(layout: dict[str, Path]) -> None:
    project = layout["project"]
    write_yaml(project / "inst.yaml", instance())
    write_csv(project / "sweeps" / "mine.csv")
    path = sweep_file(
        project,
        "../inst.yaml",
        scenarios=[
            {"name": "own", "overrides": {"demand.load_mw": csv("mine.csv")}},
            {"name": "base", "overrides": {"demand.load_mw": csv("../profiles/ok.csv")}},
        ],
    )
    sweep = planner.load_sweep(path)
    for point in sweep.points:
        assert list(sweep.bases["x"].with_overrides(point.overrides).spec.demand.load_mw) == [
            1,
            2,
            3,
        ]


def test_cli_sweep_allow_dir(layout: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    project = layout["project"]
    write_yaml(project / "inst.yaml", instance(csv(str(layout["secret"]))))
    path = sweep_file(project, "../inst.yaml")
    assert main(["sweep", str(path), "--out", str(layout["tmp"] / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: 1 problem in the sweep:") and "is outside the folders" in err
    assert not (layout["tmp"] / "out").exists()


# -- output folders -------------------------------------------------------------------------------
def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


def test_solve_and_report_write_inside_out_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every file ``planner solve --out DIR --report`` writes is under DIR (the working
    folder and the instance's folder stay as they were)."""
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    source = write_yaml(
        tmp_path / "inputs" / "inst.yaml",
        instance(fusion=[{"name": "f", "max_capacity_mw": 20, "energy_price_usd_per_mwh": 30}]),
    )
    before = files_under(tmp_path)
    out = tmp_path / "results" / "run"
    assert main(["solve", str(source), "--out", str(out), "--report", "--no-baseline"]) == 0
    capsys.readouterr()
    written = files_under(tmp_path) - before
    assert written and all(p.is_relative_to(out) for p in written), sorted(written)
    assert {"summary.json", "report.html"} <= {p.name for p in written}


def test_default_out_folder_is_named_after_a_safe_instance_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--report`` without ``--out`` writes to ``out/<instance name>``, and that name cannot
    climb out (a name like ``../x`` is refused before anything is written)."""
    monkeypatch.chdir(tmp_path)
    fusion = [{"name": "f", "max_capacity_mw": 20, "energy_price_usd_per_mwh": 30}]
    bad = write_yaml(tmp_path / "bad.yaml", {**instance(fusion=fusion), "name": "../../escaped"})
    assert main(["solve", str(bad), "--report", "--no-baseline"]) == 2
    assert "name: must match" in capsys.readouterr().err
    good = write_yaml(tmp_path / "good.yaml", {**instance(fusion=fusion), "name": "site_a"})
    before = files_under(tmp_path)
    assert main(["solve", str(good), "--report", "--no-baseline"]) == 0
    written = files_under(tmp_path) - before
    assert written and all(p.is_relative_to(tmp_path / "out" / "site_a") for p in written)
