"""Input coercion and every user-facing error message.

Public wrappers call these helpers before any kernel runs, so kernels may trust their inputs.
Messages name the parameter in backticks, say what was received and what is allowed.
"""

from __future__ import annotations

import numbers
import operator

import numpy as np


class SigconvWarning(UserWarning):
    """Warning category for everything sigconv warns about."""


def check_option(name: str, value, allowed: tuple):
    """Return ``value`` if it is one of ``allowed``, else raise a ``ValueError`` listing them."""
    if isinstance(value, str) and value in allowed:
        return value
    if not isinstance(value, str):
        raise TypeError(f"`{name}` must be a string, one of {allowed}; got {value!r} ({type(value).__name__})")
    raise ValueError(f"`{name}` must be one of {allowed}; got {value!r}")


def as_array(name: str, value, *, allow_complex: bool = True, allow_empty: bool = False) -> np.ndarray:
    """Convert ``value`` to an ndarray of a numeric dtype, with clear errors.

    Raises ``TypeError`` for non-numeric data (strings, objects, datetimes) and for complex
    data where ``allow_complex`` is False; ``ValueError`` for an empty array.
    """
    if value is None:
        raise TypeError(f"`{name}` must be an array of numbers; got None")
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as e:  # ragged nested sequences
        raise ValueError(f"`{name}` could not be converted to an array (is it ragged?): {e}") from e
    if arr.dtype == object:
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError) as e:
            raise TypeError(f"`{name}` must hold numbers; got an array of Python objects") from e
    kind = arr.dtype.kind
    if kind not in "biufc":
        raise TypeError(f"`{name}` must hold numbers (bool, int, float or complex); got dtype {arr.dtype}")
    if kind == "c" and not allow_complex:
        raise TypeError(f"`{name}` must be real; got complex dtype {arr.dtype}")
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"`{name}` must not be empty; got shape {arr.shape}")
    return writable_view(arr)


def writable_view(arr: np.ndarray) -> np.ndarray:
    """``arr``, or a view of it flagged writeable when ``arr`` is a read-only view of writable
    memory (pandas 3's ``to_numpy()``, ``np.broadcast_to``).

    Numba types a read-only array apart from a writable one, so a read-only input would compile
    every kernel it meets a second time (seconds on a first call).  sigconv never writes into
    its inputs, so the view is safe; memory that is read-only itself (a read-only ``memmap``,
    ``np.frombuffer`` of bytes) is returned as it is (no copy).
    """
    if arr.flags.writeable:
        return arr
    view = arr.view()
    try:
        view.flags.writeable = True
    except ValueError:
        return arr
    return view


def float_dtype(*arrays: np.ndarray) -> np.dtype:
    """The dtype computations run in, following API.md's promotion rule.

    bool/int promote to float64 (also next to float32); float16/float32 alone stay float32;
    mixing float32 and float64 gives float64; complex follows the same precision rule.
    """
    is_complex = any(a.dtype.kind == "c" for a in arrays)
    single = all(a.dtype in (np.float16, np.float32, np.complex64) for a in arrays)
    if is_complex:
        return np.dtype(np.complex64 if single else np.complex128)
    return np.dtype(np.float32 if single else np.float64)


def as_float_array(name: str, value, *, allow_complex: bool = False, dtype=None) -> np.ndarray:
    """:func:`as_array` then cast to ``dtype`` (default: :func:`float_dtype` of the input)."""
    arr = as_array(name, value, allow_complex=allow_complex)
    target = float_dtype(arr) if dtype is None else np.dtype(dtype)
    return arr.astype(target, copy=False)


def check_int(name: str, value, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return ``value`` as an int, checking type and bounds."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)):
        try:
            value = operator.index(value)
        except TypeError as e:
            raise TypeError(f"`{name}` must be an integer; got {value!r} ({type(value).__name__})") from e
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"`{name}` must be >= {minimum}; got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"`{name}` must be <= {maximum}; got {value}")
    return value


def check_float(name: str, value, *, minimum=None, maximum=None, finite: bool = True,
                open_min: bool = False, open_max: bool = False) -> float:
    """Return ``value`` as a float, checking type, finiteness and (open or closed) bounds."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise TypeError(f"`{name}` must be a real number; got {value!r} ({type(value).__name__})")
    value = float(value)
    if finite and not np.isfinite(value):
        raise ValueError(f"`{name}` must be finite; got {value}")
    if minimum is not None and (value < minimum or (open_min and value == minimum)):
        raise ValueError(f"`{name}` must be {'>' if open_min else '>='} {minimum}; got {value}")
    if maximum is not None and (value > maximum or (open_max and value == maximum)):
        raise ValueError(f"`{name}` must be {'<' if open_max else '<='} {maximum}; got {value}")
    return value


def check_axis(name: str, axis, ndim: int) -> int:
    """Normalise ``axis`` to a non-negative index into ``ndim`` dimensions."""
    axis = check_int(name, axis)
    if not -ndim <= axis < ndim:
        raise ValueError(f"`{name}`={axis} is out of range for an array of {ndim} dimension(s)")
    return axis % ndim


def check_axes(name: str, axes, ndim: int, count: int) -> tuple[int, ...]:
    """Normalise a tuple of ``count`` distinct axes into ``ndim`` dimensions."""
    if isinstance(axes, (numbers.Integral, np.integer)) and count == 1:
        axes = (axes,)
    try:
        axes = tuple(axes)
    except TypeError as e:
        raise TypeError(f"`{name}` must be a tuple of {count} integers; got {axes!r}") from e
    if len(axes) != count:
        raise ValueError(f"`{name}` must hold {count} axes; got {axes!r}")
    out = tuple(check_axis(name, a, ndim) for a in axes)
    if len(set(out)) != count:
        raise ValueError(f"`{name}` must name distinct axes; got {axes!r}")
    return out


def check_int_tuple(name: str, value, count: int, *, minimum: int = 1) -> tuple[int, ...]:
    """An int (repeated ``count`` times) or a sequence of ``count`` ints, each >= ``minimum``."""
    if isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return (check_int(name, value, minimum=minimum),) * count
    try:
        items = tuple(value)
    except TypeError as e:
        raise TypeError(f"`{name}` must be an integer or a tuple of {count} integers; got {value!r}") from e
    if len(items) != count:
        raise ValueError(f"`{name}` must be an integer or a tuple of {count} integers; got {value!r}")
    return tuple(check_int(name, v, minimum=minimum) for v in items)


def check_random_state(name: str, value) -> np.random.Generator:
    """``np.random.default_rng(value)`` (None, a non-negative int, a Generator, a BitGenerator or
    a SeedSequence) with a ``TypeError``/``ValueError`` naming ``name`` for anything else."""
    if isinstance(value, (bool, np.bool_)) or not (
            value is None or isinstance(value, (numbers.Integral, np.random.Generator,
                                                np.random.BitGenerator, np.random.SeedSequence))):
        raise TypeError(f"`{name}` must be None, an int or a numpy Generator; "
                        f"got {value!r} ({type(value).__name__})")
    if isinstance(value, numbers.Integral) and value < 0:
        raise ValueError(f"`{name}` must be None, a non-negative int or a numpy Generator; got {value}")
    return np.random.default_rng(value)


def check_real_table(name: str, value) -> None:
    """Refuse strings and complex numbers in a transformer's ``X`` with a message naming ``name``.

    Complex data gives the ``ValueError`` ("Complex data not supported") scikit-learn's estimator
    checks require (no ``ComplexWarning``); strings give a ``ValueError``; other Python objects
    that are not numbers a ``TypeError`` ("argument must be a string or a real number").  Sparse
    matrices and anything numpy cannot read are left to the caller's own checks.
    """
    if hasattr(value, "tocsr"):  # scipy.sparse: the caller refuses it with its own message
        return
    if hasattr(value, "columns") and hasattr(value, "to_numpy"):
        value = value.to_numpy()
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as e:  # ragged nested sequences
        raise ValueError(f"`{name}` could not be converted to an array (is it ragged?): {e}") from e
    kind = arr.dtype.kind
    if kind == "c":
        raise ValueError(f"Complex data not supported; `{name}` must be real, got dtype {arr.dtype}")
    if kind in "US":
        raise ValueError(f"`{name}` must hold numbers; got strings (dtype {arr.dtype})")
    if kind == "O":
        try:
            arr.astype(np.float64)
        except ValueError as e:  # strings that are not numbers
            raise ValueError(f"`{name}` must hold numbers: {e}") from e
        except TypeError as e:  # dicts, complex Python numbers, ...
            if any(isinstance(v, complex) for v in arr.flat):
                raise ValueError(f"Complex data not supported; `{name}` must be real") from e
            raise TypeError(f"`{name}` must hold numbers: {e}") from e
