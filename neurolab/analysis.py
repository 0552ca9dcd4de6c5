"""From spike trains and traces to numbers; phase-plane helpers for 2-D models.

Times are in ms and rates in Hz throughout. Every function takes plain arrays, so it
works on any model's :class:`~neurolab.Result` as well as on data from elsewhere.

Spike trains are checked, not repaired: a train must be a 1-D sequence of finite times in
strictly increasing order (as :func:`neurolab.simulate` returns them). NaN or infinite
times, unsorted or repeated times raise a ``ValueError`` that says how to fix the data
(``np.sort``, ``np.unique``); sorting silently could hide a bug in how it was made.
Trains with 0 or 1 spikes are valid: they have no ISIs (:func:`isi` returns an empty
array), a :func:`firing_rate` (0 or 1 spike over the window), a :func:`steady_rate` and
:func:`first_isi_rate` of 0 Hz, and a :func:`cv` and :func:`adaptation_index` of NaN
(undefined: fewer than two ISIs).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from .phase_plane import Equilibrium, equilibria  # noqa: F401  (documented in neurolab.phase_plane)

__all__ = ["spike_times", "spike_train", "isi", "firing_rate", "steady_rate", "first_isi_rate", "cv",
           "adaptation_index", "classify_firing", "FiringPattern", "vector_field", "nullclines",
           "fixed_points"]


def spike_times(t, v, threshold: float = 0.0) -> np.ndarray:
    """Times (ms) at which ``v`` crosses ``threshold`` (mV) upwards, linearly interpolated."""
    t = np.asarray(t, dtype=float)
    v = np.asarray(v, dtype=float)
    if t.shape != v.shape or t.ndim != 1:
        raise ValueError(f"t and v must be 1-D arrays of the same length, got {t.shape} and {v.shape}.")
    k = np.nonzero((v[:-1] < threshold) & (v[1:] >= threshold))[0]
    return t[k] + (threshold - v[k]) / (v[k + 1] - v[k]) * (t[k + 1] - t[k])


def spike_train(spikes, name: str = "spikes") -> np.ndarray:
    """``spikes`` as a checked 1-D float array of strictly increasing finite times (ms)."""
    if isinstance(spikes, (str, bytes)) or hasattr(spikes, "spike_times"):
        hint = " (use result.spike_times)" if hasattr(spikes, "spike_times") else ""
        raise TypeError(f"{name} must be an array of spike times in ms, not "
                        f"{type(spikes).__name__}{hint}.")
    try:
        s = np.asarray(spikes, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of spike times in ms (numbers).") from None
    if s.ndim == 0:
        s = s.reshape(1)
    if s.ndim != 1:
        raise ValueError(f"{name} must be one spike train (a 1-D array of times), got shape "
                         f"{s.shape}; for a batch, pass one train at a time.")
    if not np.all(np.isfinite(s)):
        raise ValueError(f"{name} holds a non-finite time ({s[~np.isfinite(s)][0]}); "
                         "spike times must be finite numbers in ms.")
    steps = np.diff(s)
    if np.any(steps < 0):
        raise ValueError(f"{name} is not in increasing order (at index {int(np.argmax(steps < 0)) + 1}); "
                         "sort it first with np.sort(spikes).")
    if np.any(steps == 0):
        raise ValueError(f"{name} holds the same time twice ({s[1:][steps == 0][0]:g} ms); a "
                         "neuron cannot spike twice at once: remove repeats with np.unique(spikes).")
    return s


def _window(start, stop):
    start = float(start)
    stop = float(stop)
    if not (np.isfinite(start) and np.isfinite(stop)):
        raise ValueError(f"start={start} and stop={stop} ms must be finite.")
    if not stop > start:
        raise ValueError(f"stop={stop} ms must be after start={start} ms.")
    return start, stop


def isi(spikes) -> np.ndarray:
    """Inter-spike intervals (ms); empty for 0 or 1 spike."""
    return np.diff(spike_train(spikes))


def firing_rate(spikes, start: float, stop: float) -> float:
    """Number of spikes in [start, stop) divided by its duration (Hz)."""
    start, stop = _window(start, stop)
    s = spike_train(spikes)
    return 1000.0 * np.count_nonzero((s >= start) & (s < stop)) / (stop - start)


def steady_rate(spikes, start: float, stop: float) -> float:
    """Rate (Hz) from the mean ISI in the second half of [start, stop]; 0 if fewer than
    two spikes fall there (a neuron that fired a few spikes and fell silent)."""
    start, stop = _window(start, stop)
    s = spike_train(spikes)
    late = s[(s >= 0.5 * (start + stop)) & (s <= stop)]
    return 1000.0 / np.mean(np.diff(late)) if late.size >= 2 else 0.0


def first_isi_rate(spikes) -> float:
    """1 / first ISI (Hz); 0 with fewer than two spikes."""
    s = spike_train(spikes)
    return 1000.0 / (s[1] - s[0]) if s.size >= 2 else 0.0


def cv(spikes) -> float:
    """Coefficient of variation of the ISIs (std / mean); NaN with fewer than two ISIs."""
    intervals = isi(spikes)
    return float(np.std(intervals) / np.mean(intervals)) if intervals.size >= 2 else float("nan")


def adaptation_index(spikes) -> float:
    r"""Mean normalised change of consecutive ISIs (Naud et al. 2008):
    :math:`A = \frac{1}{N-1}\sum_k \frac{ISI_{k+1} - ISI_k}{ISI_{k+1} + ISI_k}`.

    Positive for adapting (slowing) trains, 0 for tonic firing, negative for accelerating
    ones; NaN with fewer than two ISIs.
    """
    d = isi(spikes)
    if d.size < 2:
        return float("nan")
    return float(np.mean((d[1:] - d[:-1]) / (d[1:] + d[:-1])))


# --- firing patterns -------------------------------------------------------------------
class FiringPattern(NamedTuple):
    """What :func:`classify_firing` found; ``str()`` of it is ``label``."""

    label: str      #: one of the labels listed in classify_firing
    steady: str     #: "silent", "transient", "tonic", "bursting" or "irregular"
    initial: str    #: "none", "initial burst", "adapting" or "accelerating"
    delayed: bool   #: the first spike came late (see classify_firing)

    def __str__(self):
        return self.label


def classify_firing(spikes, start: float | None = None, stop: float | None = None) -> FiringPattern:
    """Classify the response to a current step by the scheme of Naud et al. (2008).

    Parameters
    ----------
    spikes : Result or array_like
        A single run's :class:`~neurolab.Result` or its spike times (ms).
    start, stop : float, optional
        The step's onset and end (ms). For a Result they default to the first and last
        time at which the current differs from its initial value; for bare spike times
        ``start`` defaults to 0 and ``stop`` to the last spike.

    Returns
    -------
    FiringPattern
        ``label`` is one of: ``"silent"`` (no spike), ``"transient"`` (spikes, but none in
        the second half of the step), ``"irregular"``, ``"regular bursting"``,
        ``"delayed regular bursting"``, ``"tonic"``, ``"adapting"``, ``"initial burst"``,
        ``"delayed accelerating"``, ``"delayed tonic"``.

    Notes
    -----
    The steady state is read from the inter-spike intervals (ISIs) whose spikes fall in
    the second half of the step. Sorted, bursting ISIs form two groups (within and
    between bursts) separated by a jump of more than 3×, the long ones regular (CV < 0.2);
    irregular ISIs have a CV above 0.2 without that gap; otherwise the firing is tonic.
    The initial response compares the first ISIs with the steady ISI: an *initial burst*
    is one to three short ISIs followed by an abrupt (> 3×) lengthening; *adapting* is a
    first ISI below 0.7 of the steady one reached gradually; *accelerating* is a first
    ISI above 1.3 of it. The first spike is *delayed* when its latency exceeds twice the
    steady ISI (tonic) or half the interval between bursts (bursting).
    """
    if hasattr(spikes, "spike_times"):
        result = spikes
        if result.batched:
            raise ValueError("classify_firing takes one run; index the batch first (result[i]).")
        changed = np.flatnonzero(result.I != result.I[0])
        if start is None:
            start = result.t[changed[0]] if changed.size else 0.0
        if stop is None:
            stop = (result.t[min(changed[-1] + 1, result.t.size - 1)] if changed.size
                    else result.t_stop)
        spikes = result.spike_times
    s = spike_train(spikes)
    start = 0.0 if start is None else float(start)
    stop = (s[-1] if s.size else start + 1.0) if stop is None else float(stop)
    s = s[(s >= start) & (s <= stop)]
    if s.size == 0:
        return FiringPattern("silent", "silent", "none", False)
    middle = 0.5 * (start + stop)
    if s[-1] < middle:
        return FiringPattern("transient", "transient", "none", False)
    d = np.diff(s)
    late = d[s[1:] >= middle]
    if late.size < 2:
        late = d[-2:] if d.size >= 2 else d
    # steady state
    steady = "tonic"
    ordered = np.sort(late)
    jumps = ordered[1:] / ordered[:-1] if ordered.size >= 2 else np.array([1.0])
    k = int(np.argmax(jumps))
    long_isis = ordered[k + 1:]
    if jumps[k] > 3.0 and np.std(long_isis) < 0.2 * np.mean(long_isis):
        steady = "bursting"
    elif late.size >= 3 and np.std(late) / np.mean(late) > 0.2:
        steady = "irregular"
    latency = s[0] - start
    if steady == "irregular":
        return FiringPattern("irregular", steady, "none", False)
    if steady == "bursting":
        delayed = bool(latency > 0.5 * np.mean(long_isis))
        return FiringPattern("delayed regular bursting" if delayed else "regular bursting",
                             steady, "none", delayed)
    # tonic steady state: what happened first?
    typical = float(np.median(late))
    head = d[:4]
    initial = "none"
    steps = head[1:] / head[:-1] if head.size >= 2 else np.array([])
    abrupt = np.flatnonzero(steps > 3.0)
    if abrupt.size and abrupt[0] <= 2 and head[0] < typical / 3.0:
        initial = "initial burst"
    elif d.size and d[0] < 0.7 * typical:
        initial = "adapting"
    elif d.size and d[0] > 1.3 * typical:
        initial = "accelerating"
    delayed = bool(latency > 2.0 * typical) or initial == "accelerating"
    label = {"initial burst": "initial burst", "adapting": "adapting",
             "accelerating": "delayed accelerating"}.get(initial, "delayed tonic" if delayed else "tonic")
    return FiringPattern(label, steady, initial, delayed)


# --- phase planes -----------------------------------------------------------------------
def _grid(field, x_range, y_range, n):
    x = np.linspace(*x_range, n)
    y = np.linspace(*y_range, n)
    X, Y = np.meshgrid(x, y)
    dX, dY = field(X, Y)
    return x, y, X, Y, np.broadcast_to(dX, X.shape), np.broadcast_to(dY, X.shape)


def vector_field(field, x_range, y_range, n: int = 20):
    """Sample a 2-D field ``field(x, y) -> (dx/dt, dy/dt)`` (vectorised) on an n × n grid.

    Returns X, Y, dX, dY arrays of shape (n, n).
    """
    _, _, X, Y, dX, dY = _grid(field, x_range, y_range, n)
    return X, Y, dX, dY


def _zero_set(x, y, F):
    """Points where F (indexed [y, x]) is zero, found along columns and rows."""
    pts = []
    rows, cols = np.nonzero(np.sign(F[:-1, :]) * np.sign(F[1:, :]) < 0)     # along y
    w = F[rows, cols] / (F[rows, cols] - F[rows + 1, cols])
    pts.append(np.column_stack([x[cols], y[rows] + w * (y[rows + 1] - y[rows])]))
    rows, cols = np.nonzero(np.sign(F[:, :-1]) * np.sign(F[:, 1:]) < 0)     # along x
    w = F[rows, cols] / (F[rows, cols] - F[rows, cols + 1])
    pts.append(np.column_stack([x[cols] + w * (x[cols + 1] - x[cols]), y[rows]]))
    pts = np.vstack(pts)
    return pts[np.argsort(pts[:, 0])] if pts.size else pts.reshape(0, 2)


def nullclines(field, x_range, y_range, n: int = 400):
    """Nullclines of a 2-D field: points (k, 2) where dx/dt = 0 and where dy/dt = 0.

    Returns ``(x_nullcline, y_nullcline)``, each sorted by x.
    """
    x, y, _, _, dX, dY = _grid(field, x_range, y_range, n)
    return _zero_set(x, y, dX), _zero_set(x, y, dY)


def fixed_points(field, x_range, y_range, n: int = 200):
    """Fixed points of a 2-D field with their stability.

    Returns a list of dicts with ``x``, ``y``, the Jacobian's ``eigenvalues`` and
    ``stable`` (all real parts negative).
    """
    from scipy.optimize import root

    x, y, _, _, dX, dY = _grid(field, x_range, y_range, n)

    def changes(F):
        corners = np.stack([F[:-1, :-1], F[1:, :-1], F[:-1, 1:], F[1:, 1:]])
        return (corners.min(axis=0) <= 0) & (corners.max(axis=0) >= 0)

    def f(z):
        return np.array(field(z[0], z[1]), dtype=float)

    found = []
    scale = np.array([x[-1] - x[0], y[-1] - y[0]])
    for r, c in zip(*np.nonzero(changes(dX) & changes(dY))):
        guess = np.array([0.5 * (x[c] + x[c + 1]), 0.5 * (y[r] + y[r + 1])])
        sol = root(f, guess, tol=1e-12)
        if not sol.success or not (x[0] <= sol.x[0] <= x[-1] and y[0] <= sol.x[1] <= y[-1]):
            continue
        if any(np.all(np.abs(sol.x - p) < 1e-6 * scale) for p in found):
            continue
        found.append(sol.x)
    out = []
    for p in found:
        h = 1e-6 * scale
        J = np.column_stack([(f(p + [h[0], 0]) - f(p - [h[0], 0])) / (2 * h[0]),
                             (f(p + [0, h[1]]) - f(p - [0, h[1]])) / (2 * h[1])])
        eig = np.linalg.eigvals(J)
        out.append({"x": float(p[0]), "y": float(p[1]), "eigenvalues": eig,
                    "stable": bool(np.all(eig.real < 0))})
    return out
