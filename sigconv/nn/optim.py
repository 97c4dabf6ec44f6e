"""Optimisers whose updates equal ``torch.optim.SGD`` and ``torch.optim.Adam`` (defaults:
no Nesterov, no dampening, no AMSGrad).

``opt.step(model)`` updates every parameter of a ``Sequential`` (or of a list of layers) in
place from its current gradient; ``opt.zero_grad(model)`` sets the gradients to zero.  State
(momentum buffers, moments, step counts) is kept per parameter array.
"""

from __future__ import annotations

import math

import numpy as np

from sigconv._kernels.nn import adam_update
from sigconv._validate import check_float


def _pairs(model):
    """``(param, grad)`` for every parameter of ``model`` (a Sequential or layers)."""
    layers = getattr(model, "layers", model)
    try:
        layers = list(layers)
    except TypeError as e:
        raise TypeError("`model` must be a Sequential or a list of layers; "
                        f"got {type(model).__name__}") from e
    pairs = []
    for layer in layers:
        if not hasattr(layer, "params") or not hasattr(layer, "grads"):
            raise TypeError(f"`model` must be a Sequential or a list of layers; got an item of type "
                            f"{type(layer).__name__}")
        for name, param in layer.params.items():
            pairs.append((param, layer.grads[name]))
    return pairs


class Optimizer:
    """Base class: per-parameter state and ``zero_grad``."""

    def __init__(self, lr: float, weight_decay: float) -> None:
        self.lr = check_float("lr", lr, minimum=0.0, open_min=True)
        self.weight_decay = check_float("weight_decay", weight_decay, minimum=0.0)
        self.state: dict[int, dict] = {}

    def _state(self, param: np.ndarray) -> dict:
        entry = self.state.get(id(param))
        if entry is None or entry["param"] is not param:
            entry = {"param": param}  # keeping `param` alive means its id cannot be reused
            self.state[id(param)] = entry
        return entry

    def zero_grad(self, model) -> None:
        """Set every gradient of ``model`` to zero (in place)."""
        for _, grad in _pairs(model):
            grad.fill(0)

    def step(self, model) -> None:
        """Apply one update to every parameter of ``model`` from its current gradient."""
        for param, grad in _pairs(model):
            self._update(param, grad, self._state(param))

    def _update(self, param, grad, state) -> None:  # pragma: no cover
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent with momentum and L2 weight decay (``torch.optim.SGD``).

    ``d = grad + weight_decay * param``; with momentum ``buf = momentum * buf + d`` (``buf = d``
    at the first step) and ``d = buf``; then ``param -= lr * d``.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.nn import SGD, Linear
    >>> layer = Linear(2, 1, random_state=0)
    >>> layer.grads["weight"][:] = 1.0
    >>> before = layer.params["weight"].copy()
    >>> SGD(0.5).step([layer])
    >>> np.allclose(layer.params["weight"], before - 0.5)
    True
    """

    def __init__(self, lr: float, *, momentum: float = 0.0, weight_decay: float = 0.0) -> None:
        super().__init__(lr, weight_decay)
        self.momentum = check_float("momentum", momentum, minimum=0.0)

    def __repr__(self) -> str:
        return f"SGD(lr={self.lr}, momentum={self.momentum}, weight_decay={self.weight_decay})"

    def _update(self, param, grad, state) -> None:
        t = param.dtype.type
        d = grad + t(self.weight_decay) * param if self.weight_decay != 0 else grad
        if self.momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = np.array(d, copy=True)
            else:
                buf *= t(self.momentum)
                buf += d
            d = buf
        param -= t(self.lr) * d


class Adam(Optimizer):
    """Adam with L2 weight decay added to the gradient (``torch.optim.Adam``).

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.nn import Adam, Linear
    >>> layer = Linear(2, 1, random_state=0)
    >>> layer.grads["weight"][:] = 3.0
    >>> before = layer.params["weight"].copy()
    >>> Adam(0.1).step([layer])       # the first Adam step moves by lr * sign(grad)
    >>> np.allclose(layer.params["weight"], before - 0.1, atol=1e-6)
    True
    """

    def __init__(self, lr: float = 1e-3, *, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0) -> None:
        super().__init__(lr, weight_decay)
        try:
            b1, b2 = betas
        except (TypeError, ValueError) as e:
            raise TypeError(f"`betas` must be a pair of floats in [0, 1); got {betas!r}") from e
        self.betas = (check_float("betas[0]", b1, minimum=0.0, maximum=1.0, open_max=True),
                      check_float("betas[1]", b2, minimum=0.0, maximum=1.0, open_max=True))
        self.eps = check_float("eps", eps, minimum=0.0)

    def __repr__(self) -> str:
        return f"Adam(lr={self.lr}, betas={self.betas}, eps={self.eps}, weight_decay={self.weight_decay})"

    def _update(self, param, grad, state) -> None:
        t = param.dtype.type
        beta1, beta2 = self.betas
        if "step" not in state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(param)
            state["exp_avg_sq"] = np.zeros_like(param)
        state["step"] += 1
        step = state["step"]
        g = grad + t(self.weight_decay) * param if self.weight_decay != 0 else grad
        bias_correction1 = 1 - beta1 ** step
        bias_correction2_sqrt = math.sqrt(1 - beta2 ** step)
        m, v = state["exp_avg"], state["exp_avg_sq"]
        if param.flags.c_contiguous and m.flags.c_contiguous and v.flags.c_contiguous:
            # one fused pass; numpy's dozen temporaries cost more than the arithmetic for the
            # small parameter arrays of a CNN (the layers' parameters are always contiguous)
            adam_update(param.reshape(-1), np.ascontiguousarray(g, dtype=param.dtype).reshape(-1),
                        m.reshape(-1), v.reshape(-1), t(1 - beta1), t(beta2), t(1 - beta2),
                        t(bias_correction2_sqrt), t(self.eps), t(self.lr / bias_correction1))
            return
        m += t(1 - beta1) * (g - m)            # torch: exp_avg.lerp_(grad, 1 - beta1)
        v *= t(beta2)
        v += t(1 - beta2) * g * g
        denom = np.sqrt(v) / t(bias_correction2_sqrt) + t(self.eps)
        param -= t(self.lr / bias_correction1) * (m / denom)
