"""Running a (serial, parallel) kernel pair over rows ``(B, n)``: shared by the filter modules."""

from __future__ import annotations

from sigconv._jit import resolve_workers, threads

#: batches at least this large run their recursions on threads
_PARALLEL_ROWS = 4


def _run_rows(serial, parallel, rows: int, *args) -> None:
    """Run a (serial, parallel) kernel pair: threads only for batches of several series."""
    if rows >= _PARALLEL_ROWS and resolve_workers(None) > 1:
        with threads(resolve_workers(None)):
            parallel(*args)
    else:
        serial(*args)
