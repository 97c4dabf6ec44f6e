"""A clean install path (issue #14 item 5).

Numba's default cache would write ``*.nbi``/``*.nbc`` files next to the sources of an installed
sigconv (``site-packages/sigconv/__pycache__``); ``pip uninstall`` leaves them, and the folder
that remains shadows a later editable install as a namespace package.  sigconv's kernels are
cached in a user cache folder instead (:mod:`sigconv._jit`); these tests would catch a return of
the old behaviour: in fresh processes, on a copy of the package laid out as an installed one,
and (slow) with the README's two installs in one folder, in both orders.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest

import sigconv

PACKAGE = Path(sigconv.__file__).resolve().parent
ROOT = PACKAGE.parent
#: compiles two small kernels (an EWMA recursion): a second or two on an empty cache
SNIPPET = ("import numpy as np, sigconv; print('FILE', sigconv.__file__); "
           "print('OUT', sigconv.ewma(np.arange(4.0), alpha=0.5).round(3).tolist())")


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NUMBA_CACHE", "SIGCONV_CACHE"))}
    env.pop("PYTHONPATH", None)
    env.update(extra)
    return env


def _run(args, cwd, env, timeout=300) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def _numba_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in (".nbi", ".nbc"))


def test_kernel_cache_lives_outside_the_package(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(PACKAGE, site / "sigconv", ignore=shutil.ignore_patterns("__pycache__"))
    before = {p.relative_to(site) for p in site.rglob("*")}
    cache = tmp_path / "cache"
    env = _env(PYTHONPATH=str(site), SIGCONV_CACHE_DIR=str(cache), NUMBA_DEBUG_CACHE="1")

    t0 = time.perf_counter()
    first = _run([sys.executable, "-c", SNIPPET], tmp_path, env)
    cold = time.perf_counter() - t0
    assert f"FILE {site / 'sigconv'}" in first
    assert "OUT [0.0, 0.667, 1.429, 2.267]" in first
    assert "data saved" in first
    assert _numba_files(site) == [], "Numba cache files were written into the package"
    index = [p for p in _numba_files(cache) if p.suffix == ".nbi"]
    assert index, "no Numba index in SIGCONV_CACHE_DIR"
    # what an uninstall would leave behind: only bytecode of the recorded sources
    added = {p.relative_to(site) for p in site.rglob("*")} - before
    assert all(p.suffix == ".pyc" or p.name == "__pycache__" for p in added), sorted(map(str, added))

    t0 = time.perf_counter()
    second = _run([sys.executable, "-c", SNIPPET], tmp_path, env)
    warm = time.perf_counter() - t0
    assert "data loaded" in second and "data saved" not in second
    assert warm < cold + 1.0
    assert _numba_files(site) == []


def test_user_numba_cache_dir_still_wins(tmp_path):
    """A user's ``NUMBA_CACHE_DIR`` keeps its meaning for sigconv's kernels too."""
    numba_dir = tmp_path / "numba"
    env = _env(PYTHONPATH=str(ROOT), NUMBA_CACHE_DIR=str(numba_dir), SIGCONV_CACHE_DIR=str(tmp_path / "no"))
    _run([sys.executable, "-c", SNIPPET], tmp_path, env)
    assert _numba_files(numba_dir)
    assert not (tmp_path / "no").exists() or not _numba_files(tmp_path / "no")


def test_default_cache_folder_is_per_user(monkeypatch, tmp_path):
    from sigconv._config import cache_dir

    monkeypatch.delenv("SIGCONV_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    if os.name != "nt":
        assert cache_dir() == str(tmp_path / "sigconv" / "numba")
    monkeypatch.setenv("SIGCONV_CACHE_DIR", "~/x")
    assert cache_dir() == os.path.abspath(os.path.expanduser("~/x"))


def _source_copy(dest: Path) -> Path:
    """The repository's files (tracked and new, as git lists them) copied to ``dest``."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                                cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("needs a git checkout of sigconv")
    for name in filter(None, listed):
        src = ROOT / name
        if src.is_file() and not name.startswith(("notebooks/", "docs/")):
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    return dest


@pytest.mark.slow
@pytest.mark.parametrize("order", ["installed then editable", "editable then installed"])
def test_readme_installs_in_one_folder(tmp_path, order):
    """The README's two commands in one folder, in either order: the package imported after
    the second is the right one (no namespace package, ``sigconv.convolve`` exists) and no
    Numba file is ever written into site-packages.  Offline: the dependencies come from this
    environment (a ``.pth`` file), sigconv is built without build isolation."""
    pytest.importorskip("setuptools")  # in the test extra; a wheel is built without the `wheel` package from 70.1
    src = _source_copy(tmp_path / "repo")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "_outer_env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = _env(XDG_CACHE_HOME=str(tmp_path / "xdg"), PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    pip = [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation"]
    run_dir = tmp_path / "elsewhere"
    run_dir.mkdir()
    steps = [[*pip, str(src)], [*pip, "-e", str(src)]]
    if order.startswith("editable"):
        steps.reverse()
    for step in steps:
        _run(step, tmp_path, env)
        out = _run([str(python), "-c", SNIPPET + "; sigconv.convolve; import sigconv._kernels.sliding"],
                   run_dir, env)
        assert "OUT [0.0, 0.667, 1.429, 2.267]" in out
        assert _numba_files(site) == [], "Numba cache files were written into site-packages"
    editable_last = steps[-1][-2] == "-e"
    expected = src / "sigconv" if editable_last else site / "sigconv"
    assert f"FILE {expected}" in out, out
    if editable_last:
        assert not (site / "sigconv").exists(), "the uninstalled copy left a folder in site-packages"


@pytest.mark.skipif(os.name == "nt", reason="POSIX file locks")
def test_cache_files_are_written_under_a_lock(tmp_path):
    """Two processes compiling two signatures of one kernel at once must not both claim data
    file number 1 (Numba numbers them from the index it read): saves and loads hold a lock."""
    import fcntl
    import threading

    from sigconv._jit import _LockedIndexDataCacheFile
    from sigconv._kernels import recursive

    kernel = next(v for v in vars(recursive).values() if hasattr(v, "_cache") and hasattr(v, "py_func"))
    assert type(kernel._cache._cache_file) is _LockedIndexDataCacheFile

    f = _LockedIndexDataCacheFile(str(tmp_path), "kernel-1.py", "stamp")
    f.save("float64", b"one")
    with open(f._index_path + ".lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        writer = threading.Thread(target=f.save, args=("float32", b"two"))
        writer.start()
        writer.join(0.5)
        assert writer.is_alive(), "the save did not wait for the lock"
        fcntl.flock(held, fcntl.LOCK_UN)
    writer.join(10)
    assert f.load("float64") == b"one" and f.load("float32") == b"two"
