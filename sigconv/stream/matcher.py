"""Streaming template matching: scores of the windows each chunk completes, and matches
reported once, as soon as they are final.

The scores are those of ``match_template(x, template, mode="valid")``: a push scores the
windows that end in its chunk, from the chunk and the last ``m - 1`` samples before it
(the state), centred by their own mean as the batch function centres the whole signal (so a
DC offset costs no precision).  The window statistics are summed afresh over those
``m - 1 + L`` samples at each push, in O(m + L) — what the correlation costs anyway — rather
than carried as running sums from the start: a running sum carried over a stream of unbounded
length would accumulate rounding, where the batch function re-anchors its sums every few
thousand samples.  Peaks follow :func:`sigconv.match.find_peaks`' rule, which is
causal up to a look-ahead of ``min_distance`` windows: a window is a candidate when its score
is the largest within ``min_distance`` on both sides, and a candidate is dropped when an
accepted peak lies closer than ``min_distance`` before it (only an equal score that close can
exist, and the batch function takes equal scores in order of position).  So a peak is final
``min_distance`` windows after it, and deciding windows left to right gives exactly the batch
set, whatever the chunks.
"""

from __future__ import annotations

import numpy as np

from sigconv._kernels import sliding as _k
from sigconv._validate import as_array, check_int, check_option
from sigconv.match import MINIMISED, SCORES, Peaks, match_template
from sigconv.match._common import _CENTRED, _CODES, _check_template
from sigconv.match.matcher import _prepared_template
from sigconv.match.peaks import _check_threshold
from sigconv.match.windows import _prepare, _tolerance, _window_sums
from sigconv.stream._base import Stream, check_chunk
from sigconv.stream._valid import ValidConvolution

#: candidates above the threshold up to which each window maximum is taken on its own
_FEW = 16


def _no_peaks() -> Peaks:
    return Peaks(np.empty((0, 1), dtype=np.int64), np.empty(0))


class Matcher(Stream):
    """Template matching on chunks: the twin of ``match_template(x, template, mode="valid")``
    and, with a ``threshold``, of ``locate``.

    Parameters
    ----------
    template : array_like, shape (m,)
        1D, real, finite (not constant for 'zncc' and 'zdist').
    score : {"zncc", "ncc", "ccorr", "sqdiff", "zdist"}
        As :func:`sigconv.match.match_template`.
    threshold : float, optional
        Collect matches (:attr:`matches`): scores strictly above it (below it for 'sqdiff'
        and 'zdist'), as :func:`sigconv.match.locate`.  Needs 1D chunks (one channel).
    min_distance : int, optional
        Minimum distance between matches (default ``m``, as ``locate``).

    Notes
    -----
    ``push`` returns the scores of the windows completed by the chunk (none until ``m``
    samples have arrived); their start positions run on from :attr:`windows` before the
    push.  ``flush`` returns no scores but settles the last ``min_distance`` windows' peaks.
    State: the last ``m - 1`` samples and the scores of the last ``2 * min_distance``
    windows (the look-ahead of the peak rule).  :attr:`matches` holds every match reported so
    far, :attr:`new_matches` those the last ``push``/``flush`` reported; after ``flush`` the
    matches are ``locate(x, template, threshold=..., min_distance=...)``'s and stay until the
    next push starts a new signal (or :meth:`reset`).

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv import stream
    >>> x = np.sin(np.linspace(0, 30, 300))
    >>> m = stream.Matcher(x[40:60], threshold=0.99)
    >>> scores = [m.push(x[i:i + 10]) for i in range(0, 300, 10)]
    >>> _ = m.flush()
    >>> sorted(int(p) for p in m.matches.positions[:, 0])
    [40, 103, 165, 228]
    """

    def __init__(self, template, *, score: str = "zncc", threshold: float | None = None,
                 min_distance: int | None = None) -> None:
        self._score = check_option("score", score, SCORES)
        t = as_array("template", template, allow_complex=False)
        if t.ndim != 1:
            raise ValueError(f"`template` must be 1D for a stream; got shape {t.shape}")
        _check_template(t, self._score)
        self._template = t
        self._threshold = _check_threshold(threshold)
        m = t.size
        self._d = m if min_distance is None else check_int("min_distance", min_distance, minimum=1)
        self._matches: list[tuple[int, float]] = []
        self._new: list[tuple[int, float]] = []
        super().__init__()

    @property
    def windows(self) -> int:
        """Windows scored so far (the next score's window starts here)."""
        return max(0, self._position - self._template.size + 1)

    @property
    def matches(self) -> Peaks:
        """Every match reported so far, best first (positions: window starts)."""
        return self._as_peaks(self._matches)

    @property
    def new_matches(self) -> Peaks:
        """The matches reported by the last ``push`` or ``flush``, best first."""
        return self._as_peaks(self._new)

    def _as_peaks(self, items) -> Peaks:
        if not items:
            return _no_peaks()
        pos = np.array([p for p, _ in items], dtype=np.int64)
        val = np.array([v for _, v in items], dtype=self._dtype or np.float64)
        order = np.lexsort((pos, val if self._score in MINIMISED else -val))
        return Peaks(np.ascontiguousarray(pos[order, None]), val[order])

    def _describe(self) -> str:
        return f"m={self._template.size}, score={self._score!r}, threshold={self._threshold}"

    def _clear(self) -> None:
        super()._clear()
        for name in ("_hist", "_vals", "_corr", "_t2"):
            self.__dict__.pop(name, None)
        self._v0 = 0           # window index of _vals[0]
        self._next = 0         # first window whose peak status is not decided
        self._last_peak = None  # the last accepted peak (position)
        self._all_candidates = True   # every score so far equal (see _add_scores)
        self._first_value = None
        self._pending: list[tuple[int, float]] = []
        self._ended = False

    def reset(self) -> None:
        super().reset()
        self._matches, self._new = [], []

    def push(self, chunk) -> np.ndarray:
        if self._ended:   # a new signal after a flush: the previous matches go (a refused chunk keeps them)
            arr = check_chunk(chunk, self._batch, self._kind)
            if arr.shape[-1] > 0:
                self._matches, self._ended = [], False
        self._new = []
        return super().push(chunk)

    def _empty_tail(self) -> tuple:
        return (0,)

    def _start(self, rows: np.ndarray) -> None:
        if self._threshold is not None and self._incoming != ():
            raise ValueError(f"`chunk` must be 1D when `threshold` is given (matches of one channel); "
                             f"got batch shape {self._incoming}")
        self._hist = np.empty((rows.shape[0], 0), dtype=rows.dtype)
        self._vals = np.empty(0)
        self._corr = None   # the template's correlation, made with the first scores

    def _push_rows(self, rows: np.ndarray) -> np.ndarray:
        m = self._template.size
        buf = np.concatenate((self._hist, rows), axis=1)
        if buf.shape[1] >= m:
            scores = self._scores(buf)
        else:
            scores = np.empty((buf.shape[0], 0), dtype=rows.dtype)
        if self._threshold is not None and scores.shape[1]:
            self._add_scores(scores[0])
            self._decide(self.windows + scores.shape[1] - self._d - 1)
        self._hist = np.ascontiguousarray(buf[:, buf.shape[1] - min(m - 1, buf.shape[1]):])
        return scores

    def _scores(self, buf: np.ndarray) -> np.ndarray:
        """'valid' scores of ``buf`` ``(B, n)``: the batch function's steps (centring, window
        sums, score kernel) with the correlation against the template kept from push to push
        (its spectrum, for the chunk length); sqdiff, whose template depends on the centre,
        takes ``match_template`` itself."""
        m, dtype = self._template.size, buf.dtype
        if self._score == "sqdiff":
            scores = match_template(buf[0] if buf.shape[0] == 1 else buf, self._template, score="sqdiff", workers=1)
            return np.ascontiguousarray(scores.reshape(buf.shape[0], -1), dtype=dtype)
        prep = _prepare(buf, self._score in _CENTRED, 1)
        if self._corr is None:
            t_used, t2 = _prepared_template(self._template, self._score, prep.centre)
            self._corr = ValidConvolution(np.ascontiguousarray(t_used[0, ::-1], dtype=dtype))
            self._t2 = float(t2[0])
        num = self._corr(prep.xc)
        s1, s2 = _window_sums(prep.xc, (m,), 1)
        bad = None if prep.bad is None else _window_sums(prep.bad, (m,), 1, squares=False)[0]
        tol = _tolerance((m,))
        floor = tol * prep.absmax ** 2 * m if self._score == "ncc" else 0.0
        out = np.empty(num.shape, dtype=dtype)
        empty = np.empty(0)
        for i in range(buf.shape[0]):
            _k.combine_serial(_CODES[self._score], num[i], s1[i], s2[i], empty if bad is None else bad[i], m,
                              self._t2, tol, floor, out[i])
        return out

    def _flush_rows(self) -> np.ndarray:
        if self._threshold is not None:
            self._decide(self.windows - 1, end=True)
        return np.empty((self._hist.shape[0], 0), dtype=self._dtype)

    def flush(self) -> np.ndarray:
        self._new = []
        matches = None
        out = np.empty((0,), dtype=np.float64) if self._batch is None else None
        if out is None:
            out = self._shape(self._flush_rows())
            matches = self._matches
        new = self._new
        self.reset()
        if matches is not None:
            self._matches, self._new, self._ended = matches, new, True
        return out

    # -------------------------------------------------------------------- peaks, left to right

    def _add_scores(self, s: np.ndarray) -> None:
        v = s.astype(np.float64)
        if self._score in MINIMISED:
            v = -v
        v[np.isnan(v)] = -np.inf
        if self._all_candidates:
            # find_peaks' rule "a map that is everywhere its own local maximum has no peak"
            # holds exactly for a constant map: once two scores differ, it cannot apply
            if self._first_value is None:
                self._first_value = v[0]
            self._all_candidates = bool(np.all(v == self._first_value))
        self._vals = np.concatenate((self._vals, v))

    def _decide(self, last: int, end: bool = False) -> None:
        """Decide the windows ``self._next .. last`` (their look-ahead is known, or the signal
        ended), releasing the accepted ones; keep the scores the next decisions need."""
        first, d, v0 = self._next, self._d, self._v0
        if last < first:
            return
        known = v0 + self._vals.size
        vals = self._vals[first - v0:last + 1 - v0]
        limit = self._threshold * (-1 if self._score in MINIMISED else 1)
        over = np.flatnonzero(vals > limit)      # only these can be peaks
        if over.size > _FEW:   # many: the O(n) sliding maximum over the whole stretch
            lo, hi = max(0, first - d), min(known, last + d + 1)
            seg = self._vals[lo - v0:hi - v0][None]
            peak = np.empty_like(seg)
            _k.sliding_max_rows_serial(seg, d, peak)
            cand = over[vals[over] == peak[0, first - lo + over]]
        else:                  # few: each one's window on its own
            cand = [i for i in over
                    if vals[i] == self._vals[max(0, first + i - d) - v0:min(known, first + i + d + 1) - v0].max()]
        sign = -1.0 if self._score in MINIMISED else 1.0
        for i in cand:
            q = first + int(i)
            if self._last_peak is not None and q - self._last_peak < d:
                continue
            self._last_peak = q
            self._pending.append((q, sign * float(vals[i])))
        if not self._all_candidates or end:
            if not (end and self._all_candidates):
                self._release(self._pending)
            self._pending = []
        self._next = last + 1
        drop = max(0, self._next - d) - v0
        if drop > 0:
            self._vals = self._vals[drop:]
            self._v0 += drop

    def _release(self, items) -> None:
        dtype = self._dtype.type
        items = [(p, dtype(v)) for p, v in items]
        self._matches.extend(items)
        self._new.extend(items)
