"""A progress bar on stderr: rich's when it is installed (a development tool), else a plain one."""

from __future__ import annotations

import sys
from contextlib import contextmanager

try:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
except ImportError:  # production installs leave the development tools out
    Progress = None


class _PlainBar:
    def __init__(self, stream):
        self.stream = stream
        self.tasks: dict[int, list] = {}

    def add_task(self, description: str, total: int) -> int:
        self.tasks[len(self.tasks)] = [description, total, 0]
        return len(self.tasks) - 1

    def advance(self, task: int, amount: int = 1) -> None:
        entry = self.tasks[task]
        entry[2] += amount
        description, total, done = entry
        filled = int(30 * done / total) if total else 30
        self.stream.write(f"\r{description:<28} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


@contextmanager
def progress_bar(stream=None, *, enabled: bool = True):
    stream = stream or sys.stderr
    if not enabled:
        yield _Silent()
    elif Progress is not None:
        from rich.console import Console

        columns = (TextColumn("{task.description:<28}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=Console(file=stream)) as bar:
            yield bar
    else:
        yield _PlainBar(stream)


class _Silent:
    def add_task(self, description: str, total: int) -> int:
        return 0

    def advance(self, task: int, amount: int = 1) -> None:
        pass
