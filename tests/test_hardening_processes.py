"""Issue 15, items 7-9: what a user does to the processes (Ctrl-C, kill -9 of a sweep, a
script without the ``__main__`` guard), each in real subprocesses. About 40 s in all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, grid

from planner.sweep.store import Store

DEFAULT = str(ROOT / "instances" / "default.yaml")
PY = sys.executable

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")


def _sigint_default() -> None:
    # A test run started in the background inherits SIGINT ignored, and so would the child.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(argv: list[str], cwd: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        argv,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_sigint_default,
    )


def _wait_for_line(stream: object, text: str, timeout_s: float) -> list[str]:
    lines: list[str] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        line = stream.readline()  # type: ignore[attr-defined]
        if not line:
            break
        lines.append(line)
        if text in line:
            return lines
    raise AssertionError(f"{text!r} never came; got {lines}")


# 7. Ctrl-C stops at once, writes nothing, says so -------------------------------------------


def test_7_ctrl_c_during_planner_solve(tmp_path: Path) -> None:
    out = tmp_path / "o"
    proc = _start([PY, "-m", "planner", "solve", DEFAULT, "--out", str(out)], tmp_path)
    _wait_for_line(proc.stderr, "solving with HiGHS", 120)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "interrupted: nothing was written" in stderr
    assert "status optimal" not in stdout and "simplex" not in stderr
    assert not out.exists()


def test_7_ctrl_c_in_the_python_api_is_a_keyboard_interrupt(tmp_path: Path) -> None:
    script = tmp_path / "s.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import planner
            from planner.solver.heartbeat import show_progress
            show_progress()
            inst = planner.load_instance({DEFAULT!r})
            try:
                planner.solve(inst, baseline=False)
            except KeyboardInterrupt:
                print("KeyboardInterrupt raised")
            else:
                print("solve returned")
            """
        )
    )
    proc = _start([PY, str(script)], tmp_path)
    _wait_for_line(proc.stderr, "solving with HiGHS", 120)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    stdout, _ = proc.communicate(timeout=60)
    assert stdout.strip() == "KeyboardInterrupt raised"


# 8. Workers die with their coordinator -------------------------------------------------------


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited; only its parent's wait is missing


def test_8_killing_the_coordinator_ends_its_workers(tmp_path: Path) -> None:
    spec = {
        "name": "long",
        "base": DEFAULT,
        "overrides": {"time.hours": 4000},
        "parameters": [{"path": "policy.hourly_cfe_target", "values": [0.5, 0.6, 0.7, 0.8]}],
    }
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(spec))
    argv = [PY, "-m", "planner", "sweep", str(path), "--workers", "2", "--out", str(tmp_path / "o")]
    proc = _start([*argv, "--allow-dir", str(ROOT / "instances")], tmp_path)
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while time.monotonic() < deadline and len(workers) < 3:  # 2 workers + resource tracker
        time.sleep(0.2)
        workers = _children(proc.pid)
    assert len(workers) >= 2, "the pool never started"
    time.sleep(3)  # the workers are importing or solving
    proc.kill()
    proc.wait(10)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(p) for p in workers):
        time.sleep(0.2)
    left = [p for p in workers if _alive(p)]
    for p in left:  # do not leave them to the next test
        os.kill(p, signal.SIGKILL)
    assert not left, f"{len(left)} worker processes outlived their coordinator"


# 9. A script without the __main__ guard -------------------------------------------------------


def test_9_an_unguarded_script_stores_nothing_and_says_why(tmp_path: Path) -> None:
    raw = {
        "name": "t",
        "time": {"start": "2028-01-01 00:00", "hours": 3},
        "demand": {"load_mw": 100},
        "grid": grid(),
    }
    (tmp_path / "t.yaml").write_text(yaml.safe_dump(raw))
    spec = {"name": "s", "base": "t.yaml"}
    spec["parameters"] = [{"path": "demand.load_mw", "values": [100, 110, 120]}]
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(spec))
    call = 'planner.run_sweep("s.yaml", workers=2, out="out", progress=False)'
    (tmp_path / "bad.py").write_text(f"import planner\n{call}\n")
    (tmp_path / "good.py").write_text(
        f'import planner\nif __name__ == "__main__":\n    print(len({call}))\n'
    )
    bad = subprocess.run([PY, "bad.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0
    assert "could not start" in bad.stderr and "__main__" in bad.stderr
    with Store(tmp_path / "out") as store:
        assert store.statuses() == {}  # not one point stored as an error
    good = subprocess.run(
        [PY, "good.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert good.returncode == 0, good.stderr
    assert good.stdout.strip() == "3"
    with Store(tmp_path / "out") as store:
        assert set(store.statuses().values()) == {"optimal"}
