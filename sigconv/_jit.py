"""The one place that calls :func:`numba.njit`.

Every kernel in :mod:`sigconv._kernels` is decorated with :func:`jit` (serial) or
:func:`jit_parallel` (outermost ``prange`` runs on threads), so that caching, ``nogil`` and the
fast-math policy of :mod:`sigconv._config` apply everywhere.  :func:`serial_and_parallel`
compiles one Python source twice, so a kernel has no serial copy to keep in sync.
:func:`threads` sets Numba's thread count for one call and restores it afterwards.
:func:`wide_vectors` lets one kernel use the CPU's widest vectors (512-bit on AVX-512);
:func:`default_width` compiles a twin without it.

Numba's on-disk cache of sigconv's kernels lives in a user cache folder
(:func:`sigconv._config.cache_dir`), never in the package: :class:`_SigconvCacheLocator` is
registered first among Numba's cache locators and claims only the files of this package.
Numba's default would write ``*.nbi``/``*.nbc`` into ``sigconv/__pycache__``; for an installed
(non-editable) copy that folder survives ``pip uninstall`` and then shadows a later editable
install as a namespace package (issue #14).  The cache folder is keyed by the source folder's
absolute path (Numba's own ``get_suitable_cache_subpath``), so two copies never share entries,
and by a digest of the kernel sources (:func:`_kernels_digest`): Numba checks only the stamp
of the file that defines a function, so a kernel whose callee in another file changed (an
upgrade, an edit) would otherwise load its old machine code.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import tempfile
import types
from concurrent.futures import ThreadPoolExecutor

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: Numba's own unlocked cache files
    fcntl = None

import numba
import numpy as np
from numba.core import caching as _caching
from numba.core import types as nbtypes
from numba.extending import intrinsic

from sigconv._config import CACHE, FASTMATH_FLAGS, cache_dir, max_threads
from sigconv._validate import check_int, writable_view

prange = numba.prange

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
# the names lost their underscore in Numba 0.60+
_UserLocator = getattr(_caching, "UserProvidedCacheLocator", None) or _caching._UserProvidedCacheLocator
_CacheImpl = getattr(_caching, "CacheImpl", None) or _caching._CacheImpl


class _SigconvCacheLocator(_UserLocator):
    """Numba cache locator for sigconv's own source files: the cache goes to
    :func:`~sigconv._config.cache_dir` (or, if that folder is not writable, a per-user folder in
    the temporary directory), in a subfolder named after the source folder and a hash of its
    absolute path.  Other code, and a user who set ``NUMBA_CACHE_DIR``, are left to Numba."""

    def __init__(self, py_func, py_file):
        self._py_file = py_file
        self._lineno = py_func.__code__.co_firstlineno
        sub = os.path.join(self.get_suitable_cache_subpath(py_file), _kernels_digest())
        self._candidates = [os.path.join(cache_dir(), sub),
                            os.path.join(tempfile.gettempdir(), f"sigconv-cache-{_user()}", sub)]
        self._cache_path = self._candidates[0]

    def ensure_cache_path(self):
        for path in self._candidates:
            self._cache_path = path
            try:
                return super().ensure_cache_path()
            except OSError:
                continue
        raise OSError(f"no writable folder for sigconv's Numba cache among {self._candidates}")

    @classmethod
    def from_function(cls, py_func, py_file):
        if numba.config.CACHE_DIR or not os.path.abspath(py_file).startswith(_PACKAGE_DIR):
            return None
        return super(_UserLocator, cls).from_function(py_func, py_file)


@functools.cache
def _kernels_digest() -> str:
    """A short digest of every source a kernel may compile from: the modules of
    :mod:`sigconv._kernels`, this module and :mod:`sigconv._config` (their bytes, read once)."""
    digest = hashlib.sha1()
    folder = os.path.join(_PACKAGE_DIR, "_kernels")
    names = sorted(os.path.join(folder, n) for n in os.listdir(folder) if n.endswith(".py"))
    for path in names + [os.path.join(_PACKAGE_DIR, "_jit.py"), os.path.join(_PACKAGE_DIR, "_config.py")]:
        with open(path, "rb") as f:
            digest.update(os.path.basename(path).encode() + b"\0" + f.read())
    return "k" + digest.hexdigest()[:12]


def _user() -> str:
    try:
        return str(os.getuid())
    except AttributeError:  # pragma: no cover - Windows
        return os.environ.get("USERNAME", "user")


if _SigconvCacheLocator not in _CacheImpl._locator_classes:
    _CacheImpl._locator_classes.insert(0, _SigconvCacheLocator)


def jit(func=None, *, parallel: bool = False):
    """Decorate ``func`` with sigconv's JIT policy (lazy, cached, nogil, safe fast-math)."""

    def wrap(f):
        disp = numba.njit(cache=CACHE, nogil=True, fastmath=FASTMATH_FLAGS, parallel=parallel)(f)
        cache_file = getattr(getattr(disp, "_cache", None), "_cache_file", None)
        if type(cache_file) is _caching.IndexDataCacheFile and fcntl is not None:
            cache_file.__class__ = _LockedIndexDataCacheFile
        return disp

    return wrap if func is None else wrap(func)


class _LockedIndexDataCacheFile(_caching.IndexDataCacheFile):
    """Numba's cache file pair (an index per function, a data file per signature) read and
    written under a file lock.  Numba numbers a new signature's data file from the index it
    reads, so two processes compiling two signatures of one kernel at once (``sigconv compile``
    on several cores, parallel test runs, a process pool) could both take number 1: one
    index entry would then name the other signature's machine code."""

    @contextlib.contextmanager
    def _locked(self, mode):
        os.makedirs(self._cache_path, exist_ok=True)
        with open(self._index_path + ".lock", "a") as handle:
            fcntl.flock(handle, mode)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def save(self, key, data):
        with self._locked(fcntl.LOCK_EX):
            super().save(key, data)

    def load(self, key):
        with self._locked(fcntl.LOCK_SH):
            return super().load(key)


def jit_parallel(func):
    """:func:`jit` with ``parallel=True``: the kernel's outermost ``prange`` uses threads."""
    return jit(func, parallel=True)


def _renamed(func, suffix: str, constants: dict | None = None):
    """A copy of ``func`` named ``func.__name__ + suffix`` (Numba's on-disk cache is keyed by
    the qualified name), with ``constants`` added to the globals it reads."""
    namespace = func.__globals__ if not constants else {**func.__globals__, **constants}
    twin = types.FunctionType(func.__code__, namespace, func.__name__ + suffix, func.__defaults__,
                              func.__closure__)
    twin.__qualname__ = func.__qualname__ + suffix
    twin.__module__ = func.__module__
    twin.__doc__ = func.__doc__
    return twin


def with_globals(func, suffix: str, **constants):
    """Compile a copy of ``func`` named ``func.__name__ + suffix`` that reads ``constants``
    as its globals (compile-time constants, or the dispatchers it calls)."""
    return jit(_renamed(func, suffix, constants))


def serial_and_parallel(func):
    """Compile ``func`` twice: returns ``(serial, parallel)`` dispatchers of the same source.

    The parallel one is compiled from a renamed copy of the function: Numba's on-disk cache
    is keyed by the function's qualified name and line, not by the ``parallel`` flag, so two
    dispatchers of one function would load each other's cached (serial) machine code."""
    return jit(func), jit_parallel(_renamed(func, "_parallel"))


@intrinsic
def wide_vectors(typingctx):
    """Call first in a kernel: LLVM may then vectorise its loops with 512-bit registers.

    LLVM's x86 tuning prefers 256-bit vectors on AVX-512 machines, so Numba code never uses
    zmm registers; BLAS does, and reaches twice the multiply-add rate.  This marks the
    function being compiled with the ``prefer-vector-width`` / ``min-legal-vector-width``
    attributes clang sets for ``-mprefer-vector-width=512``.  It only widens the loops of the
    function that calls it (a callee compiled on its own keeps 256 bits) and leaves each
    output's expression as written (only where LLVM fuses a multiply-add differently may the
    last bit differ); it does nothing on CPUs without AVX-512 or if llvmlite refuses the
    attributes."""

    def codegen(context, builder, signature, args):
        attributes = builder.function.attributes
        try:   # llvmlite only accepts its known attribute names; these pass through verbatim
            set.add(attributes, '"prefer-vector-width"="512"')
            set.add(attributes, '"min-legal-vector-width"="512"')
        except Exception:   # pragma: no cover - a future llvmlite with a stricter set
            pass
        return context.get_dummy_value()

    return nbtypes.none(), codegen


@jit
def _no_hint():
    """Stands in for :func:`wide_vectors` in a :func:`default_width` twin."""


def default_width(kernel):
    """A twin of the jitted ``kernel`` compiled without its :func:`wide_vectors` call, so
    with the CPU's default vector width: better where a loop streams through memory once
    (unaligned 512-bit loads split cache lines twice as often) rather than computing."""
    return with_globals(kernel.py_func, "_default_width", wide_vectors=_no_hint)


def resolve_workers(workers) -> int:
    """Thread count for ``workers`` (None or -1: every core; n >= 1: at most n); raises the
    user-facing error for any other value."""
    limit = max_threads()
    if workers is None:
        return limit
    workers = check_int("workers", workers, minimum=-1)
    if workers == 0:
        raise ValueError("`workers` must be None, -1 or a positive integer; got 0")
    return limit if workers == -1 else min(workers, limit)


@contextlib.contextmanager
def threads(n: int):
    """Run the enclosed kernels on ``n`` Numba threads, restoring the previous count."""
    previous = numba.get_num_threads()
    numba.set_num_threads(max(1, min(n, numba.config.NUMBA_NUM_THREADS)))
    try:
        yield
    finally:
        numba.set_num_threads(previous)


@functools.lru_cache(maxsize=4)
def _part_pool(pid: int) -> ThreadPoolExecutor:
    """Python threads for :func:`run_parts`, kept per process ``pid`` (a forked child, whose copy
    of the parent's pool has no threads, makes its own)."""
    return ThreadPoolExecutor(max(1, max_threads() - 1), thread_name_prefix="sigconv-parts")


def run_parts(kernel, args: tuple, parts: int) -> list:
    """``[kernel(*args, p, parts) for p in range(parts)]``, the parts on concurrent threads.

    For a serial :func:`jit` kernel (``nogil``) that does part ``p`` of ``parts`` of its work:
    part 0 runs on the calling thread, the others on a pool of Python threads.  It replaces a
    ``prange`` over chunks where compile time matters: a ``parallel=True`` kernel costs about
    0.5 s more to compile than its serial twin, and a second copy of the source besides.  The
    kernels' results are returned in part order (the caller combines them)."""
    if parts <= 1:
        return [kernel(*args, 0, 1)]
    pool = _part_pool(os.getpid())
    futures = [pool.submit(kernel, *args, p, parts) for p in range(1, parts)]
    first = kernel(*args, 0, parts)
    return [first] + [f.result() for f in futures]


def serial_and_threaded(func, combine=None):
    """Compile ``func`` once, a kernel whose last two arguments are ``part, n_parts`` (it does
    that share of its work); returns ``(serial, threaded)`` callables taking the other arguments.

    ``serial(*args)`` is ``kernel(*args, 0, 1)``; ``threaded(*args)`` runs the ``n_parts =``
    ``numba.get_num_threads()`` parts (:func:`threads` sets it) with :func:`run_parts` and
    returns ``combine`` of their results (None without ``combine``).  The replacement of
    :func:`serial_and_parallel` where compile time matters: one compiled copy, no ``prange``.
    Read-only array arguments (``np.broadcast_to``, pandas 3) are passed as writable views
    (:func:`~sigconv._validate.writable_view`), so they do not compile the kernel again."""
    kernel = jit(func)

    def serial(*args):
        return kernel(*_writable(args), 0, 1)

    def threaded(*args):
        results = run_parts(kernel, _writable(args), numba.get_num_threads())
        return None if combine is None else combine(results)

    for f, suffix in ((serial, "_serial"), (threaded, "_parallel")):
        f.__name__ = f.__qualname__ = func.__name__.lstrip("_") + suffix
        f.__module__ = func.__module__
        f.__doc__ = func.__doc__
        f.kernel = kernel
    return serial, threaded


def _writable(args: tuple) -> tuple:
    if not any(isinstance(a, np.ndarray) and not a.flags.writeable for a in args):
        return args
    return tuple(writable_view(a) if isinstance(a, np.ndarray) else a for a in args)
