"""The package version, and the source revision when running from a git checkout."""

from __future__ import annotations

import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

try:
    __version__ = version("planner")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"


def git_describe() -> str | None:
    """``git describe --always --dirty`` of the checkout holding this package, or None (an
    installed package, or git unavailable)."""
    folder = Path(__file__).resolve().parent
    try:
        out = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return (out.stdout.strip() or None) if out.returncode == 0 else None
