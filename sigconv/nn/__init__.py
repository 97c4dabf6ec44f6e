"""Small trainable 1D CNNs on sigconv's Numba core (API.md §4).

Arrays are ``(batch, channels, length)`` like PyTorch.  Layers compute in float32 or float64:
:class:`Conv1D` and :class:`Linear` in the dtype they were built with (inputs are cast to it),
the other layers in the dtype of their input.  See :mod:`sigconv.nn.layers` for the layer
protocol (``forward``, ``backward``, ``.params``, ``.grads``).
"""

from sigconv.nn.layers import (
    AvgPool1D,
    Conv1D,
    Dropout,
    Flatten,
    GlobalAvgPool1D,
    GlobalMaxPool1D,
    Layer,
    LeakyReLU,
    Linear,
    MaxPool1D,
    MinPool1D,
    ReLU,
    Sigmoid,
    Tanh,
)
from sigconv.nn.losses import CrossEntropyLoss, MSELoss
from sigconv.nn.model import Sequential
from sigconv.nn.optim import SGD, Adam, Optimizer

__all__ = [
    "SGD",
    "Adam",
    "AvgPool1D",
    "Conv1D",
    "CrossEntropyLoss",
    "Dropout",
    "Flatten",
    "GlobalAvgPool1D",
    "GlobalMaxPool1D",
    "Layer",
    "LeakyReLU",
    "Linear",
    "MSELoss",
    "MaxPool1D",
    "MinPool1D",
    "Optimizer",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Tanh",
]
