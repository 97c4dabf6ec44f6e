"""Numba settings, read once from the environment at import time.

``SIGCONV_FASTMATH``     "1" (default) enables the fast-math flags of :data:`FASTMATH_FLAGS`,
                         "0" disables them.
``SIGCONV_CACHE``        "1" (default) caches compiled kernels on disk (``cache=True``).
``SIGCONV_NUM_THREADS``  upper bound on the threads a ``workers=None`` call uses
                         (default: every core Numba sees).
``SIGCONV_CACHE_DIR``    where the compiled kernels are cached (default: the user cache folder,
                         ``$XDG_CACHE_HOME/sigconv/numba``, ``~/.cache/sigconv/numba``,
                         ``%LOCALAPPDATA%\\sigconv\\numba`` on Windows).  Never inside the
                         package: an installed copy must leave nothing behind in site-packages
                         (see :mod:`sigconv._jit`).  ``NUMBA_CACHE_DIR``, when set, wins.

OpenMP worker threads (Numba's default threading layer) sleep between parallel kernels
(``OMP_WAIT_POLICY=PASSIVE`` unless the user set it): spinning threads would steal the cores
that scipy.fft's own threads need in the FFT paths and in template matching.
"""

from __future__ import annotations

import functools
import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() not in ("0", "false", "no", "off", "")


#: Fast-math flags that keep NaN and inf semantics (no ``nnan``/``ninf``), so that a
#: NaN input still gives a NaN output whatever the kernel.
FASTMATH_FLAGS = {"nsz", "arcp", "contract", "afn", "reassoc"} if _flag("SIGCONV_FASTMATH", True) else False

CACHE = _flag("SIGCONV_CACHE", True)


def cache_dir() -> str:
    """The folder sigconv's compiled kernels are cached in (``SIGCONV_CACHE_DIR`` or the user
    cache folder), as an absolute path; read on each call so tests may point it elsewhere."""
    env = os.environ.get("SIGCONV_CACHE_DIR")
    if env:
        return os.path.abspath(os.path.expanduser(env))
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        base = os.environ["LOCALAPPDATA"]
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(os.path.abspath(base), "sigconv", "numba")


@functools.cache
def max_threads() -> int:
    """The most threads a kernel may use (``SIGCONV_NUM_THREADS`` or Numba's default), read
    on the first call."""
    import numba

    limit = numba.config.NUMBA_NUM_THREADS
    env = os.environ.get("SIGCONV_NUM_THREADS")
    if env:
        try:
            limit = max(1, min(limit, int(env)))
        except ValueError:
            pass
    return limit
