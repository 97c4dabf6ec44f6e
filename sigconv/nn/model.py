"""``Sequential``: a stack of layers with ``fit``, ``predict``, ``evaluate``, ``save`` and ``load``."""

from __future__ import annotations

import json
import os

import numpy as np
from numpy.typing import ArrayLike
from tqdm import tqdm

from sigconv._validate import as_array, check_int, check_option
from sigconv.nn._checks import as_input, check_bool, make_rng
from sigconv.nn.layers import LAYER_TYPES, Layer
from sigconv.nn.losses import LOSSES, check_labels
from sigconv.nn.optim import SGD, Adam, Optimizer

LOSS_OPTIONS = ("cross_entropy", "mse")
OPTIMIZER_OPTIONS = ("adam", "sgd")
FORMAT = "sigconv.nn.Sequential"
FORMAT_VERSION = 1
_SPEC_KEY = "__spec__"


class Sequential:
    """Layers applied one after the other, trained by mini-batch gradient descent.

    Parameters
    ----------
    *layers : Layer
        The layers, first to last.

    Attributes
    ----------
    params, grads : dict
        The live parameter and gradient arrays of every layer, keyed ``"<index>.<name>"`` like a
        PyTorch ``state_dict`` (``"0.weight"``, ``"0.bias"``, ...).
    loss_ : str or None
        The loss of the last ``fit`` (or of the saved model); decides what ``predict`` returns.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.nn import Conv1D, GlobalAvgPool1D, Linear, ReLU, Sequential
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((64, 1, 32)).astype(np.float32)
    >>> y = (X.mean(axis=(1, 2)) > 0).astype(int)
    >>> model = Sequential(Conv1D(1, 4, 3, random_state=0), ReLU(), GlobalAvgPool1D(),
    ...                    Linear(4, 2, random_state=1))
    >>> history = model.fit(X, y, epochs=2, random_state=0, progress=False)
    >>> sorted(history)
    ['accuracy', 'loss']
    >>> model.predict(X[:3]).shape
    (3,)
    """

    def __init__(self, *layers: Layer) -> None:
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"`layers[{i}]` must be a sigconv.nn layer; got {type(layer).__name__}")
        self.layers = list(layers)
        self.loss_: str | None = None

    def __repr__(self) -> str:
        inner = ",\n  ".join(repr(layer) for layer in self.layers)
        return f"Sequential(\n  {inner}\n)"

    def __iter__(self):
        return iter(self.layers)

    def __len__(self) -> int:
        return len(self.layers)

    @property
    def params(self) -> dict[str, np.ndarray]:
        return {f"{i}.{k}": v for i, layer in enumerate(self.layers) for k, v in layer.params.items()}

    @property
    def grads(self) -> dict[str, np.ndarray]:
        return {f"{i}.{k}": v for i, layer in enumerate(self.layers) for k, v in layer.grads.items()}

    @property
    def dtype(self) -> np.dtype | None:
        """The dtype of the first layer with parameters (None when no layer has any)."""
        for layer in self.layers:
            for p in layer.params.values():
                return p.dtype
        return None

    def forward(self, x: ArrayLike, training: bool = True) -> np.ndarray:
        """Run every layer on ``x`` in order."""
        for layer in self.layers:
            x = layer.forward(x, training=training)
        return x

    __call__ = forward

    def backward(self, grad_out: ArrayLike) -> np.ndarray:
        """Back-propagate ``grad_out`` through every layer (adding into ``.grads``); returns the
        gradient with respect to the input of the last ``forward``."""
        for layer in reversed(self.layers):
            grad_out = layer.backward(grad_out)
        return grad_out

    # -- training ----------------------------------------------------------------------------
    def fit(self, X: ArrayLike, y: ArrayLike, *, loss: str = "cross_entropy",
            optimizer: str | Optimizer = "adam", lr: float = 1e-3, epochs: int = 10,
            batch_size: int = 32, validation_data: tuple | None = None, shuffle: bool = True,
            random_state=None, progress: bool = True) -> dict[str, list[float]]:
        """Train with mini-batches; returns the per-epoch history.

        Parameters
        ----------
        X : array_like, shape (n, ...)
            Inputs (cast to the model's dtype).
        y : array_like
            Class indices ``(n,)`` for ``loss="cross_entropy"``; targets shaped like the model
            output for ``loss="mse"`` (an ``(n,)`` target for an ``(n, 1)`` output is accepted).
        loss : {"cross_entropy", "mse"}
        optimizer : {"adam", "sgd"} or Optimizer
            A name builds ``Adam(lr)`` / ``SGD(lr)``; an instance is used as is (``lr`` ignored).
        lr : float
        epochs, batch_size : int
        validation_data : (X_val, y_val), optional
            Evaluated after each epoch (``val_loss``, ``val_accuracy``).
        shuffle : bool
            Reshuffle the samples each epoch, from ``random_state``.
        random_state : None, int or numpy.random.Generator
        progress : bool
            Show a tqdm progress bar over the epochs (silent when False).

        Returns
        -------
        dict
            ``{"loss": [...], "accuracy": [...]}`` (accuracy for cross-entropy only), plus
            ``"val_loss"`` / ``"val_accuracy"`` with validation data; training loss and
            accuracy are averaged over the samples of each epoch as they were seen.
        """
        loss_name = check_option("loss", loss, LOSS_OPTIONS)
        loss_fn = LOSSES[loss_name]()
        opt = self._make_optimizer(optimizer, lr)
        epochs = check_int("epochs", epochs, minimum=1)
        batch_size = check_int("batch_size", batch_size, minimum=1)
        shuffle = check_bool("shuffle", shuffle)
        progress = check_bool("progress", progress)
        X, y = self._data("X", "y", X, y, loss_name)
        val = None
        if validation_data is not None:
            try:
                xv, yv = validation_data
            except (TypeError, ValueError) as e:
                raise TypeError("`validation_data` must be a pair (X_val, y_val)") from e
            val = self._data("validation_data[0]", "validation_data[1]", xv, yv, loss_name)
        rng = make_rng(random_state)
        self.loss_ = loss_name
        history: dict[str, list[float]] = {"loss": []}
        if loss_name == "cross_entropy":
            history["accuracy"] = []
        if val is not None:
            history["val_loss"] = []
            if loss_name == "cross_entropy":
                history["val_accuracy"] = []
        n = X.shape[0]
        bar = tqdm(range(epochs), desc="fit", unit="epoch", disable=not progress, leave=True)
        for _ in bar:
            order = rng.permutation(n) if shuffle else np.arange(n)
            total_loss, correct = 0.0, 0
            for start in range(0, n, batch_size):
                idx = order[start:start + batch_size]
                xb, yb = X[idx], y[idx]
                out = self.forward(xb, training=True)
                value, grad = loss_fn(out, yb)
                opt.zero_grad(self)
                self.backward(grad)
                opt.step(self)
                total_loss += value * len(idx)
                if loss_name == "cross_entropy":
                    correct += int(np.count_nonzero(out.argmax(axis=1) == yb))
            entry = {"loss": total_loss / n}
            if loss_name == "cross_entropy":
                entry["accuracy"] = correct / n
            if val is not None:
                scores = self._score(*val, loss_name, batch_size=max(batch_size, 256))
                entry.update({f"val_{k}": v for k, v in scores.items()})
            for k, v in entry.items():
                history[k].append(v)
            bar.set_postfix({k: f"{v:.4g}" for k, v in entry.items()})
        bar.close()
        return history

    def _make_optimizer(self, optimizer, lr) -> Optimizer:
        if isinstance(optimizer, Optimizer):
            return optimizer
        name = check_option("optimizer", optimizer, OPTIMIZER_OPTIONS)
        return Adam(lr) if name == "adam" else SGD(lr)

    def _data(self, xname, yname, X, y, loss_name):
        X = as_input(xname, X, self.dtype, ndim=None)
        if X.ndim < 2:
            raise ValueError(f"`{xname}` must have a batch axis first, e.g. (n, channels, length); "
                             f"got shape {X.shape}")
        n = X.shape[0]
        probe = self.forward(X[:1], training=False)  # the output shape, and early shape errors
        if loss_name == "cross_entropy":
            if probe.ndim != 2:
                raise ValueError(f"loss='cross_entropy' needs model outputs (batch, classes); "
                                 f"the model gives {probe.shape} for `{xname}`[:1]")
            return X, check_labels(yname, y, n, probe.shape[1])
        y = as_input(yname, y, X.dtype, ndim=None)
        if y.shape[:1] != (n,):
            raise ValueError(f"`{yname}` must have {n} rows like `{xname}`; got shape {y.shape}")
        if y.ndim == 1 and probe.shape[1:] == (1,):
            y = y[:, None]
        if y.shape[1:] != probe.shape[1:]:
            raise ValueError(f"`{yname}` must have the model's output shape (n, "
                             f"{', '.join(map(str, probe.shape[1:]))}) for loss='mse'; got {y.shape}")
        return X, y

    # -- inference ---------------------------------------------------------------------------
    def _outputs(self, X, batch_size: int = 256) -> np.ndarray:
        X = as_input("X", X, self.dtype, ndim=None)
        batch_size = check_int("batch_size", batch_size, minimum=1)
        parts = [self.forward(X[i:i + batch_size], training=False) for i in range(0, X.shape[0], batch_size)]
        return np.concatenate(parts, axis=0)

    def predict(self, X: ArrayLike, *, batch_size: int = 256) -> np.ndarray:
        """Class indices ``(n,)`` (cross-entropy models) or the raw outputs (mse models).

        The task is the loss of the last ``fit`` (or of the loaded file); a model never fitted
        is treated as a classifier when its output is ``(n, classes)`` with ``classes >= 2``.
        """
        out = self._outputs(X, batch_size)
        task = self.loss_ or ("cross_entropy" if out.ndim == 2 and out.shape[1] >= 2 else "mse")
        return out.argmax(axis=1) if task == "cross_entropy" else out

    def predict_proba(self, X: ArrayLike, *, batch_size: int = 256) -> np.ndarray:
        """Softmax probabilities ``(n, classes)`` of the model outputs."""
        out = self._outputs(X, batch_size)
        if out.ndim != 2:
            raise ValueError("predict_proba needs outputs of shape (n, classes); "
                             f"the model gives {out.shape}")
        e = np.exp(out - out.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def evaluate(self, X: ArrayLike, y: ArrayLike, *, loss: str | None = None,
                 batch_size: int = 256) -> dict[str, float]:
        """Loss (and accuracy for cross-entropy) on ``(X, y)``, like one history entry.

        ``loss`` defaults to the loss of the last ``fit``, else cross-entropy.
        """
        loss_name = check_option("loss", loss or self.loss_ or "cross_entropy", LOSS_OPTIONS)
        X, y = self._data("X", "y", X, y, loss_name)
        return self._score(X, y, loss_name, batch_size)

    def _score(self, X, y, loss_name, batch_size) -> dict[str, float]:
        out = self._outputs(X, batch_size)
        value, _ = LOSSES[loss_name]()(out, y)
        scores = {"loss": value}
        if loss_name == "cross_entropy":
            scores["accuracy"] = float(np.mean(out.argmax(axis=1) == y))
        return scores

    # -- persistence -------------------------------------------------------------------------
    def save(self, path: str | os.PathLike) -> None:
        """Write the architecture (JSON) and the parameters to a ``.npz`` file (no pickle)."""
        spec = {"format": FORMAT, "version": FORMAT_VERSION, "loss": self.loss_,
                "layers": [{"type": type(layer).__name__, "config": layer.get_config()}
                           for layer in self.layers]}
        arrays = {f"param.{k}": v for k, v in self.params.items()}
        np.savez(path, **{_SPEC_KEY: np.array(json.dumps(spec))}, **arrays)

    @classmethod
    def load(cls, path: str | os.PathLike) -> Sequential:
        """Rebuild a model written by :meth:`save` (``allow_pickle=False``: loading cannot run code)."""
        with np.load(path, allow_pickle=False) as data:
            if _SPEC_KEY not in data:
                raise ValueError(f"`path` {os.fspath(path)!r} is not a sigconv model file (no spec)")
            spec = json.loads(str(data[_SPEC_KEY]))
            arrays = {k[len("param."):]: data[k] for k in data.files if k.startswith("param.")}
        if spec.get("format") != FORMAT or spec.get("version") != FORMAT_VERSION:
            raise ValueError(f"`path` holds an unsupported model format {spec.get('format')!r} "
                             f"version {spec.get('version')!r}")
        layers = []
        for i, entry in enumerate(spec["layers"]):
            kind = entry.get("type")
            if kind not in LAYER_TYPES:
                raise ValueError(f"layer {i} of the file has unknown type {kind!r}")
            layers.append(LAYER_TYPES[kind](**entry.get("config", {})))
        model = cls(*layers)
        params = model.params
        if set(arrays) != set(params):
            raise ValueError(f"the file's parameters {sorted(arrays)} do not match the architecture's "
                             f"{sorted(params)}")
        for k, target in params.items():
            source = as_array(k, arrays[k], allow_complex=False)
            if source.shape != target.shape:
                raise ValueError(f"parameter {k!r} has shape {source.shape} in the file, "
                                 f"expected {target.shape}")
            target[...] = source
        loss = spec.get("loss")
        model.loss_ = loss if loss in LOSS_OPTIONS else None
        return model
