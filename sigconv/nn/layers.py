"""Trainable 1D CNN layers: forward and analytic backward passes over ``(batch, channels, length)``.

Every layer has ``forward(x, training=True)``, ``backward(grad_out) -> grad_in`` and the dicts
``.params`` / ``.grads`` holding the live arrays (``"weight"``, ``"bias"``) that optimisers update
in place.  As in PyTorch, ``backward`` *adds* into ``.grads`` (call the optimiser's ``zero_grad``
between steps); it uses what the last ``forward`` stored, so call them in pairs.

Dtypes: :class:`Conv1D` and :class:`Linear` compute in the dtype they were built with (float32 by
default, or float64) and cast inputs of any other dtype to it; layers without parameters keep
float32 and float64 inputs as they are and promote other numbers (int -> float64).  Outputs and
input gradients have the dtype the layer computed in.

The layers live in one module per concept: :mod:`sigconv.nn.base` (:class:`Layer` and the
threading threshold), :mod:`sigconv.nn.conv`, :mod:`sigconv.nn.pooling`, :mod:`sigconv.nn.dense`
(Linear, Flatten) and :mod:`sigconv.nn.activations` (activations and Dropout).  This module
gathers them under their former names and holds :data:`LAYER_TYPES`, the registry that
``Sequential.load`` rebuilds saved models from.
"""

from __future__ import annotations

from sigconv.nn.activations import Dropout, LeakyReLU, ReLU, Sigmoid, Tanh
from sigconv.nn.base import Layer
from sigconv.nn.conv import PADDING_OPTIONS, Conv1D
from sigconv.nn.dense import Flatten, Linear
from sigconv.nn.pooling import AvgPool1D, GlobalAvgPool1D, GlobalMaxPool1D, MaxPool1D, MinPool1D

__all__ = [
    "LAYER_TYPES",
    "PADDING_OPTIONS",
    "AvgPool1D",
    "Conv1D",
    "Dropout",
    "Flatten",
    "GlobalAvgPool1D",
    "GlobalMaxPool1D",
    "Layer",
    "LeakyReLU",
    "Linear",
    "MaxPool1D",
    "MinPool1D",
    "ReLU",
    "Sigmoid",
    "Tanh",
]

#: layer classes that ``Sequential.load`` may rebuild (by name; nothing else is ever created)
LAYER_TYPES = {cls.__name__: cls for cls in (
    Conv1D, Linear, MaxPool1D, MinPool1D, AvgPool1D, GlobalAvgPool1D, GlobalMaxPool1D, Flatten,
    ReLU, LeakyReLU, Tanh, Sigmoid, Dropout)}

