"""Reading signals and images from files for :func:`~sigconv.match.locate` and the CLI."""

from __future__ import annotations

import numpy as np

#: file suffixes :func:`load_signal` reads, by kind
SIGNAL_SUFFIXES = (".wav", ".npy", ".csv", ".txt")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


def load_signal(path) -> tuple[np.ndarray, float | None]:
    """Read a signal or an image from a file, for :func:`locate` and the ``sigconv match`` CLI.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.wav`` file (scipy.io.wavfile; several channels are averaged to one), ``.npy``
        (numpy.load, no pickles), ``.csv``/``.txt`` (numbers separated by commas or
        whitespace; one column gives a 1D signal) or a ``.png``/``.jpg``/``.jpeg`` image
        (read with Pillow, converted to greyscale).

    Returns
    -------
    data : ndarray
        float64 for WAV, CSV and images (grey levels 0..255), the stored dtype for NPY.
    sample_rate : float or None
        Samples per second for WAV, else None.

    Raises
    ------
    ValueError
        Unknown suffix, or a file that cannot be parsed.
    FileNotFoundError
        No such file.
    """
    import os

    p = os.fspath(path)
    suffix = os.path.splitext(p)[1].lower()
    if suffix not in SIGNAL_SUFFIXES + IMAGE_SUFFIXES:
        raise ValueError(f"`path` must end in one of {SIGNAL_SUFFIXES + IMAGE_SUFFIXES}; got {p!r}")
    if not os.path.exists(p):
        raise FileNotFoundError(f"`path` {p!r} does not exist")
    if suffix == ".wav":
        from scipy.io import wavfile

        try:
            rate, data = wavfile.read(p)
        except ValueError as e:
            raise ValueError(f"`path` {p!r} is not a readable WAV file: {e}") from e
        data = np.asarray(data, dtype=np.float64)
        if data.ndim == 2:
            data = data.mean(axis=1)
        return data, float(rate)
    if suffix == ".npy":
        try:
            return np.load(p, allow_pickle=False), None
        except ValueError as e:
            raise ValueError(f"`path` {p!r} is not a readable .npy file: {e}") from e
    if suffix in (".csv", ".txt"):
        with open(p) as f:
            text = f.read()
        try:
            data = np.loadtxt(text.replace(",", " ").splitlines(), dtype=np.float64, ndmin=2)
        except ValueError as e:
            raise ValueError(f"`path` {p!r} does not hold a table of numbers: {e}") from e
        if data.shape[1] == 1 or data.shape[0] == 1:
            data = data.ravel()
        return data, None
    if suffix in IMAGE_SUFFIXES:
        from PIL import Image

        with Image.open(p) as im:
            return np.asarray(im.convert("L"), dtype=np.float64), None
    raise ValueError(f"`path` must end in one of {SIGNAL_SUFFIXES + IMAGE_SUFFIXES}; got {p!r}")
