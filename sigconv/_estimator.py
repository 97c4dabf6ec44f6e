"""The scikit-learn estimator protocol for :mod:`sigconv.features`, with scikit-learn optional.

How scikit-learn stays optional
-------------------------------
``import sigconv`` never imports scikit-learn.  ``sigconv.features`` imports it when it is
installed and then builds its transformers on :class:`sklearn.base.BaseEstimator` and
:class:`sklearn.base.TransformerMixin` (so ``isinstance`` checks, ``clone``, ``set_output``,
the HTML repr and ``check_estimator`` all see a genuine scikit-learn estimator), and validates
input with :func:`sklearn.utils.validation.validate_data` (so the error messages and the
feature-name bookkeeping are scikit-learn's own).  Without scikit-learn it falls back to
:class:`_MiniBase`, a small implementation of ``get_params``/``set_params``/``fit_transform``
and of the same input checks, so the transformers still work on plain arrays.
"""

from __future__ import annotations

import inspect

import numpy as np

from sigconv._validate import as_array, check_real_table

try:  # scikit-learn is optional: see the module docstring
    from sklearn.base import BaseEstimator as _SkBase
    from sklearn.base import TransformerMixin as _SkMixin
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import validate_data as _sk_validate_data

    HAVE_SKLEARN = True
except ImportError:  # pragma: no cover - exercised in a subprocess test without scikit-learn
    HAVE_SKLEARN = False

    class NotFittedError(ValueError, AttributeError):
        """Raised when a transformer is used before ``fit`` (scikit-learn's class when installed)."""


class _MiniBase:
    """``get_params``/``set_params``/``fit_transform`` for when scikit-learn is absent."""

    @classmethod
    def _get_param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return sorted(p.name for p in sig.parameters.values()
                      if p.name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL))

    def get_params(self, deep: bool = True) -> dict:
        return {name: getattr(self, name) for name in self._get_param_names()}

    def set_params(self, **params):
        valid = self._get_param_names()
        for key, value in params.items():
            if key not in valid:
                raise ValueError(f"Invalid parameter {key!r} for estimator {type(self).__name__}; "
                                 f"valid parameters are {valid}")
            setattr(self, key, value)
        return self

    def fit_transform(self, X, y=None, **fit_params):
        return self.fit(X, y, **fit_params).transform(X)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"


#: base classes of every transformer in sigconv.features (mixin first, as scikit-learn asks)
BASES = (_SkMixin, _SkBase) if HAVE_SKLEARN else (_MiniBase,)


def _fallback_validate(est, X, reset: bool) -> np.ndarray:
    """The checks ``validate_data`` makes, for when scikit-learn is absent."""
    names = None
    if hasattr(X, "columns") and hasattr(X, "to_numpy"):
        cols = list(X.columns)
        names = np.asarray(cols, dtype=object) if cols and all(isinstance(c, str) for c in cols) else None
        X = X.to_numpy()
    arr = as_array("X", X, allow_complex=True, allow_empty=True)
    if arr.dtype.kind == "c":
        raise ValueError("Complex data not supported; `X` must be real")
    if arr.ndim < 2:
        raise ValueError(f"Expected 2D array, got {arr.ndim}D array instead: `X` must be "
                         "(n_samples, n_timepoints) or (n_samples, n_channels, n_timepoints)")
    if arr.shape[0] < 1 or arr.shape[1] < 1:
        raise ValueError(f"Found array with {arr.shape[0]} sample(s) and {arr.shape[1]} feature(s) "
                         f"(shape={arr.shape}) while a minimum of 1 is required.")
    if arr.dtype not in (np.float32, np.float64):
        arr = arr.astype(np.float64)
    if not np.isfinite(arr).all():
        raise ValueError("Input X contains NaN or infinity; `X` must be finite")
    if reset:
        est.n_features_in_ = arr.shape[1]
        if names is not None:
            est.feature_names_in_ = names
        elif hasattr(est, "feature_names_in_"):
            del est.feature_names_in_
    else:
        fitted = getattr(est, "feature_names_in_", None)
        if fitted is not None and names is not None and not np.array_equal(fitted, names):
            raise ValueError("The feature names should match those that were passed during fit.")
        if arr.shape[1] != est.n_features_in_:
            raise ValueError(f"X has {arr.shape[1]} features, but {type(est).__name__} is expecting "
                             f"{est.n_features_in_} features as input.")
    return arr


def check_fitted(est, attribute: str) -> None:
    """Raise :class:`NotFittedError` unless ``est`` has the fitted ``attribute``."""
    if not hasattr(est, attribute):
        raise NotFittedError(f"This {type(est).__name__} instance is not fitted yet; call `fit` with "
                             "training data before using it.")


def _check_layout(est, ndim) -> None:
    """Raise unless a 2D/3D ``ndim`` matches the layout ``est`` was fitted on."""
    fitted_ndim = 3 if est._fitted_3d else 2
    if ndim in (2, 3) and ndim != fitted_ndim:
        raise ValueError(f"`X` has {ndim} dimensions but {type(est).__name__} was fitted on "
                         f"{fitted_ndim}D input; pass the same layout to fit and transform")


def validate_series(est, X, *, reset: bool) -> np.ndarray:
    """``X`` as a C-contiguous float32/float64 array ``(n_samples, n_channels, n_timepoints)``.

    Accepts ``(n_samples, n_timepoints)`` and ``(n_samples, n_channels, n_timepoints)`` arrays
    and ``(n_samples, n_timepoints)`` DataFrames.  Ragged, complex, non-finite, empty and
    non-numeric input raise the errors scikit-learn's estimator checks expect.  With
    ``reset`` the shape is recorded (``n_features_in_`` as scikit-learn counts it,
    ``n_channels_``, ``n_timepoints_``); without, the input must match it.
    """
    if not reset:
        check_fitted(est, "n_timepoints_")
    check_real_table("X", X)  # strings and complex: errors naming `X`, no ComplexWarning
    if not reset:
        _check_layout(est, getattr(X, "ndim", None))   # arrays and DataFrames: before the
        # n_features check of scikit-learn, whose message would count channels as features
    if HAVE_SKLEARN:
        try:
            arr = _sk_validate_data(est, X, reset=reset, allow_nd=True, dtype=[np.float64, np.float32])
        except (ValueError, TypeError) as e:  # scikit-learn's text, kept (its checks match it), names `X`
            if type(e) not in (ValueError, TypeError) or "`X`" in str(e):
                raise
            raise type(e)(f"`X`: {e}") from e
    else:
        arr = _fallback_validate(est, X, reset)
    if arr.ndim not in (2, 3):
        raise ValueError(f"`X` must be (n_samples, n_timepoints) or (n_samples, n_channels, "
                         f"n_timepoints); got {arr.ndim} dimensions, shape {arr.shape}")
    if arr.ndim == 3 and arr.shape[2] < 1:
        raise ValueError(f"`X` must hold at least one time point; got shape {arr.shape}")
    if not reset:
        _check_layout(est, arr.ndim)
    series = np.ascontiguousarray(arr[:, None, :] if arr.ndim == 2 else arr)
    if reset:
        est._fitted_3d = arr.ndim == 3
        est.n_channels_ = series.shape[1]
        est.n_timepoints_ = series.shape[2]
    elif series.shape[1:] != (est.n_channels_, est.n_timepoints_):
        raise ValueError(f"`X` has {series.shape[1]} channel(s) of {series.shape[2]} time points but "
                         f"{type(est).__name__} was fitted on {est.n_channels_} channel(s) of "
                         f"{est.n_timepoints_} time points")
    return series


def transformer_tags(tags):
    """Tags shared by the transformers: float32 and float64 both preserved, no NaN allowed."""
    tags.transformer_tags.preserves_dtype = ["float64", "float32"]
    tags.input_tags.allow_nan = False
    tags.input_tags.three_d_array = True
    return tags
