"""Writes that are never cut in half: Ctrl-C held off for the length of a write (delivered as
soon as it is done), and files written to a temporary name then renamed."""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any


@contextlib.contextmanager
def sigint_deferred() -> Iterator[None]:
    """Hold a Ctrl-C (SIGINT) until the block is done, then deliver it to the handler that was
    in place. Used around each store transaction (an interrupt never lands between the row and
    its commit) and around the writing of a results folder. A no-op outside the main thread
    (signals only reach the main thread)."""
    previous = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or previous is None:
        yield
        return
    received = False

    def hold(signum: int, frame: Any) -> None:
        nonlocal received
        received = True

    signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received:
            signal.raise_signal(signal.SIGINT)


def atomic_write(path: Path, write: Callable[[str], Any]) -> None:
    """Write through ``write(temporary path)`` in ``path``'s folder, then rename it over
    ``path``: a full disk or a kill never leaves a truncated file under its real name, and a
    Ctrl-C waits for the rename."""
    with sigint_deferred():
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
        os.close(fd)
        try:
            write(tmp)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
