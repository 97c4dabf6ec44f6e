"""Loss functions: ``loss(pred, target) -> (value, grad_pred)`` with PyTorch's mean reduction."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sigconv._validate import as_array
from sigconv.nn._checks import as_input


class MSELoss:
    """Mean squared error ``mean((pred - target)**2)`` (``torch.nn.MSELoss()``).

    Returns the value as a Python float and the gradient ``2 * (pred - target) / pred.size``
    in ``pred``'s dtype (float32 stays float32).  ``target`` must have ``pred``'s shape.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.nn import MSELoss
    >>> value, grad = MSELoss()(np.array([1.0, 2.0]), np.array([1.0, 4.0]))
    >>> value, grad
    (2.0, array([ 0., -2.]))
    """

    name = "mse"

    def __call__(self, pred: ArrayLike, target: ArrayLike) -> tuple[float, np.ndarray]:
        pred = as_input("pred", pred, ndim=None)
        target = as_input("target", target, pred.dtype, ndim=None)
        if target.shape != pred.shape:
            raise ValueError(f"`target` must have the shape of `pred` {pred.shape}; got {target.shape}")
        diff = pred - target
        value = float(np.mean(diff * diff))
        grad = diff * pred.dtype.type(2.0 / pred.size)
        return value, grad

    def __repr__(self) -> str:
        return "MSELoss()"


class CrossEntropyLoss:
    """Softmax cross-entropy of logits ``pred (batch, classes)`` against class indices
    ``target (batch,)`` (``torch.nn.CrossEntropyLoss()``, mean over the batch).

    Returns the value as a Python float and the gradient ``(softmax(pred) - onehot) / batch``
    in ``pred``'s dtype.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.nn import CrossEntropyLoss
    >>> value, grad = CrossEntropyLoss()(np.zeros((2, 2)), np.array([0, 1]))
    >>> round(value, 6)
    0.693147
    """

    name = "cross_entropy"

    def __call__(self, pred: ArrayLike, target: ArrayLike) -> tuple[float, np.ndarray]:
        pred = as_input("pred", pred, ndim=2)
        labels = check_labels("target", target, pred.shape[0], pred.shape[1])
        shifted = pred - pred.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        total = exp.sum(axis=1)
        rows = np.arange(pred.shape[0])
        losses = np.log(total) - shifted[rows, labels]
        value = float(losses.mean())
        grad = exp / total[:, None]
        grad[rows, labels] -= pred.dtype.type(1)
        grad *= pred.dtype.type(1.0 / pred.shape[0])
        return value, grad

    def __repr__(self) -> str:
        return "CrossEntropyLoss()"


def check_labels(name: str, target, n: int, n_classes: int | None = None) -> np.ndarray:
    """Class indices ``(n,)`` as int64 in ``[0, n_classes)``, else a clear error."""
    arr = as_array(name, target, allow_complex=False)
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or not np.all(arr == np.round(arr)):
            raise TypeError(f"`{name}` must hold integer class indices; got non-integer floats")
    elif arr.dtype.kind not in "iu":
        raise TypeError(f"`{name}` must hold integer class indices; got dtype {arr.dtype}")
    if arr.shape != (n,):
        raise ValueError(f"`{name}` must be a 1-D array of {n} class indices; got shape {arr.shape}")
    labels = arr.astype(np.int64)
    if labels.min() < 0 or (n_classes is not None and labels.max() >= n_classes):
        raise ValueError(f"`{name}` class indices must lie in [0, {n_classes}); "
                         f"got values from {labels.min()} to {labels.max()}")
    return labels


#: loss names accepted by ``Sequential.fit``
LOSSES = {"cross_entropy": CrossEntropyLoss, "mse": MSELoss}
