"""The reports in a real browser (issue 15, item 16): ``report.html`` of a short solve and of a
sweep, rendered by headless Chromium (Debian's package, ``/usr/bin/chromium``; ``make test``
installs it where apt-get is usable, else this module is skipped, saying why).

The report itself holds no script. The test renders a copy with a small inline script that
measures the page once it has loaded (every image decoded and shown with a size, every table
visible, nothing wider than the window outside a box that scrolls sideways) and writes the
measures as JSON into the page; ``chromium --dump-dom`` prints the page, the test reads them.
No Python package beyond the test suite's own is needed.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

import planner
from planner.report import write_report, write_sweep_report

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed: apt-get install chromium"
)

FLAGS = [  # docs of the workplace: headless, no network, a fresh profile each run
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]

MEASURE = """<script>
window.addEventListener("load", () => {
  const width = window.innerWidth;
  const shown = (el) => {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.display !== "none" && s.visibility !== "hidden";
  };
  const scroller = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === "auto" || o === "scroll") return p;
    }
    return null;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "");
  const out = {
    width: width,
    scrollWidth: document.documentElement.scrollWidth,
    images: [...document.images].map((img) => ({
      alt: img.alt, loaded: img.complete && img.naturalWidth > 0, shown: shown(img),
      width: img.getBoundingClientRect().width, height: img.getBoundingClientRect().height,
    })),
    tables: [...document.querySelectorAll("table")].map((t) => {
      const box = scroller(t);
      return {
        id: t.id, shown: shown(t), width: t.getBoundingClientRect().width,
        scrolls: box !== null && box.scrollWidth > box.clientWidth + 1,
        fits: (box || t).getBoundingClientRect().right <= width + 0.5,
      };
    }),
    overflow: [...document.body.querySelectorAll("*")].filter((el) => {
      const r = el.getBoundingClientRect();
      return (r.right > width + 0.5 || r.left < -0.5) && scroller(el) === null;
    }).map(name),
  };
  const pre = document.createElement("pre");
  pre.id = "measures";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""


def measure(page: Path, tmp: Path, width: int = 1280) -> dict[str, Any]:
    """Render a copy of ``page`` with :data:`MEASURE` in Chromium at ``width`` px."""
    text = page.read_text(encoding="utf-8")
    assert "<script" not in text.lower(), "the report itself must stay script-free"
    copy = tmp / f"measured_{width}_{page.parent.name}.html"
    copy.write_text(text.replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    assert CHROMIUM is not None
    run = subprocess.run(
        [
            CHROMIUM,
            *FLAGS,
            f"--user-data-dir={tmp / f'profile_{width}_{page.parent.name}'}",
            f"--window-size={width},900",
            "--virtual-time-budget=20000",
            "--dump-dom",
            copy.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    found = re.search(r'<pre id="measures">(.*?)</pre>', run.stdout, re.S)
    assert found, f"chromium printed no measures (exit {run.returncode}): {run.stderr[-2000:]}"
    return dict(json.loads(html.unescape(found[1])))


def check(m: dict[str, Any], width: int) -> None:
    assert m["width"] == width
    assert m["images"], "no figure"
    for img in m["images"]:
        assert img["loaded"], f"figure not decoded: {img['alt']}"
        assert img["shown"] and img["width"] > 100 and img["height"] > 50, img
    assert m["tables"], "no table"
    for t in m["tables"]:
        assert t["shown"], f"table {t['id']} not visible"
        assert t["fits"], f"table {t['id']} (or its scrolling box) is wider than the window"
    assert m["scrollWidth"] <= m["width"], f"the page scrolls sideways: {m['scrollWidth']} px"
    assert not m["overflow"], f"wider than the window: {m['overflow'][:10]}"


@pytest.fixture(scope="module")
def solve_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    inst = planner.load_instance("instances/default.yaml").with_overrides({"time.hours": 168})
    res = planner.solve(inst)
    assert res.ok
    return write_report(res, tmp_path_factory.mktemp("solve") / "report.html")


@pytest.fixture(scope="module")
def sweep_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sweep")
    spec = folder / "s.yaml"
    base = Path("instances/default.yaml").resolve()
    spec.write_text(
        f"name: small\nbase: {base}\noverrides:\n  time.hours: 48\nparameters:\n"
        "  - path: fusion.helion.energy_price_usd_per_mwh\n    values: [30, 150]\n"
        "  - path: policy.hourly_cfe_target\n    values: [0.6, 0.9]\nbaseline: false\n"
    )
    planner.run_sweep(spec, workers=1, out=folder / "out", progress=False)
    return write_sweep_report(folder / "out")


def test_solve_report_in_a_browser(solve_page: Path, tmp_path: Path) -> None:
    """Every figure decoded and shown, every table visible and fitting the page unscrolled at
    1280 px; at 800 px nothing overflows the page either (wide tables scroll in their box)."""
    m = measure(solve_page, tmp_path)
    check(m, 1280)
    assert len(m["images"]) >= 7
    assert {"inputs", "series", "key_metrics", "capacity", "costs"} <= {
        t["id"] for t in m["tables"]
    }
    assert not [t["id"] for t in m["tables"] if t["scrolls"]], "a table of a solve scrolls"
    check(measure(solve_page, tmp_path, 800), 800)


def test_sweep_report_in_a_browser(sweep_page: Path, tmp_path: Path) -> None:
    """The sweep table is wider than a narrow window: it scrolls inside its box, the page
    does not."""
    check(measure(sweep_page, tmp_path), 1280)
    m = measure(sweep_page, tmp_path, 800)
    check(m, 800)
    tables = {t["id"]: t for t in m["tables"]}
    assert tables["sweep_results"]["scrolls"]
