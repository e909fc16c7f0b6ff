"""Which files an input may read, and reading their bytes as text.

Files named inside an input (CSV columns, weather files, a sweep's base instances) must
resolve, symlinks followed, inside the input file's folder or an explicitly allowed data
folder (:func:`data_folders`); anything else is refused before it is opened.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from planner.inputs.messages import shorten

DATA_DIRS_ENV = "PLANNER_DATA_DIRS"
"""Environment variable: extra folders (``os.pathsep``-separated) that input files may read."""


def data_folders(
    base_dir: str | Path, allowed_dirs: Iterable[str | Path] | None = None
) -> tuple[Path, ...]:
    """The folders an input's files may come from: its own folder (``base_dir``), then
    ``allowed_dirs``, then those listed in the environment variable :data:`DATA_DIRS_ENV`;
    all resolved (symlinks followed)."""
    env = [d for d in os.environ.get(DATA_DIRS_ENV, "").split(os.pathsep) if d.strip()]
    folders = [Path(base_dir), *(Path(d) for d in allowed_dirs or ()), *(Path(d) for d in env)]
    resolved = []
    for folder in folders:
        try:
            resolved.append(folder.expanduser().resolve())
        except (OSError, ValueError, RuntimeError):
            continue  # a folder that cannot be named allows nothing
    return tuple(dict.fromkeys(resolved))


MAX_NAME_BYTES = 255
"""Longest file or folder name most file systems take (ext4, APFS, NTFS)."""
MAX_PATH_BYTES = 4096
"""Longest path Linux takes (PATH_MAX)."""


def name_problem(text: str, what: str) -> str | None:
    """Why ``text`` cannot name a file (a NUL character, a name or path too long for the file
    system), or None; checked before the file system is asked, which would raise instead."""
    if "\x00" in text:
        return f"{what} {shorten(text)}: a file name cannot contain a NUL character"
    longest = max((len(part.encode()) for part in Path(text).parts), default=0)
    if longest > MAX_NAME_BYTES:
        return (
            f"{what} {shorten(text)}: a file or folder name is {longest:,} bytes long, "
            f"file systems take at most {MAX_NAME_BYTES}"
        )
    if len(text.encode()) > MAX_PATH_BYTES:
        return f"{what} {shorten(text)}: the path is longer than {MAX_PATH_BYTES:,} bytes"
    return None


def resolve_inside(
    text: str, base_dir: Path, folders: tuple[Path, ...], what: str
) -> tuple[Path | None, str | None]:
    """Resolve the file ``text`` (relative to ``base_dir``) and check that it lies in one of
    ``folders``; return (path, None) or (None, problem).

    Symlinks are followed before the check, so a link pointing outside is refused like
    ``../../etc/passwd`` or an absolute path elsewhere. The file need not exist yet.
    """
    problem = name_problem(text, what)
    if problem:
        return None, problem
    try:
        path = (base_dir / Path(text).expanduser()).resolve()
    except (OSError, ValueError, RuntimeError) as exc:
        return None, f"{what} {shorten(text)}: cannot be resolved ({exc})"
    if any(path.is_relative_to(folder) for folder in folders):
        return path, None
    shown = ", ".join(str(f) for f in folders)
    return None, (
        f"{what} {shorten(text)} is outside the folders input files may read ({shown}); move it "
        f"there or allow its folder (--allow-dir, allowed_dirs=, or {DATA_DIRS_ENV})"
    )


def decode_utf8(data: bytes) -> tuple[str, str | None]:
    """``data`` as text (a leading byte-order mark dropped), or a problem naming the line of
    the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1].hex()
        return "", (
            f"not UTF-8 text: line {line} has the byte 0x{byte} "
            "(save the file as UTF-8, e.g. 'CSV UTF-8' in a spreadsheet)"
        )
