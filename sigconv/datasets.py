"""Small real data sets that ship with sigconv, for the demo, the notebooks and the tests.

* :func:`load_speech` — a short English sentence spoken by espeak-ng (8 kHz, mono, int16 WAV),
  synthesised once and committed; no download at run time.
* :func:`load_ucr` — UCR time-series classification sets stored as compressed arrays with
  their default train/test splits (those that ship: see :func:`ucr_names`).
"""

from __future__ import annotations

from importlib import resources

import numpy as np


def _path(name: str):
    return resources.files("sigconv") / "data" / name


def load_speech() -> tuple[np.ndarray, int]:
    """The bundled speech recording as ``(samples float64 in [-1, 1], sample_rate)``.

    Examples
    --------
    >>> from sigconv.datasets import load_speech
    >>> x, rate = load_speech()
    >>> rate, x.ndim
    (8000, 1)
    """
    from scipy.io import wavfile

    with resources.as_file(_path("speech.wav")) as p:
        rate, data = wavfile.read(p)
    return data.astype(np.float64) / 32768.0, int(rate)


def ucr_names() -> list[str]:
    """Names of the UCR data sets that ship with sigconv."""
    folder = resources.files("sigconv") / "data"
    return sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".npz"))


def load_ucr(name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(X_train, y_train, X_test, y_test)`` of a bundled UCR data set, default split;
    ``X`` is ``(n_samples, n_timepoints)`` or ``(n_samples, n_channels, n_timepoints)``.

    Examples
    --------
    >>> from sigconv.datasets import load_ucr
    >>> X_train, y_train, X_test, y_test = load_ucr("GunPoint")
    >>> X_train.shape
    (50, 150)
    """
    names = ucr_names()
    if name not in names:
        raise ValueError(f"`name` must be one of {names}; got {name!r}")
    with resources.as_file(_path(f"{name}.npz")) as p, np.load(p) as f:
        return f["X_train"], f["y_train"], f["X_test"], f["y_test"]
