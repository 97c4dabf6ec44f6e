"""Export the UCR/UEA datasets that sktime bundles to compressed ``.npz`` (run once).

Usage: ``python tests/data/ucr/export.py [DATA_DIR]`` where ``DATA_DIR`` holds
``<Name>/<Name>_TRAIN.ts`` (default: ``sktime/datasets/data`` of an installed or unpacked
sktime wheel).  Only this script reads ``.ts`` files; the tests read the ``.npz``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from tests.data.ucr import HERE, NAMES


def read_ts(path: Path):
    """Series ``(n, length)`` or ``(n, channels, length)`` float32 and labels of an
    equal-length ``.ts`` file without missing values or time stamps."""
    series, labels = [], []
    in_data = False
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not in_data:
            if line.lower() == "@data":
                in_data = True
            continue
        *channels, label = line.split(":")
        series.append([[float(v) for v in ch.split(",")] for ch in channels])
        labels.append(label.strip())
    X = np.array(series, dtype=np.float32)
    if X.shape[1] == 1:
        X = X[:, 0, :]
    return X, np.array(labels)


def main(data_dir: Path) -> None:
    for name in NAMES:
        X_train, y_train = read_ts(data_dir / name / f"{name}_TRAIN.ts")
        X_test, y_test = read_ts(data_dir / name / f"{name}_TEST.ts")
        out = HERE / f"{name}.npz"
        np.savez_compressed(out, X_train=X_train, y_train=y_train, X_test=X_test, y_test=y_test)
        print(f"{name}: train {X_train.shape}, test {X_test.shape}, "
              f"classes {sorted(set(y_train))}, {out.stat().st_size / 1e3:.0f} kB")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        root = Path(sys.argv[1])
    else:
        import sktime

        root = Path(sktime.__file__).parent / "datasets" / "data"
    main(root)
