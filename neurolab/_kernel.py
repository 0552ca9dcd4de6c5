"""The one compiled integration core shared by every model.

Design (why it caches): numba never caches a kernel that receives a right-hand side as a
function argument or that a factory builds as a closure; such a kernel recompiles in every
new process (~1.6 s for HH). So there is exactly one kernel, :func:`integrate`, compiled
with ``cache=True``, and it dispatches on an integer model ``kind`` to module-level
``@njit(cache=True)`` functions that each model family defines next to its dataclass:

* ``rhs(p, y, I, A, B)`` writes the right-hand side as ``dy/dt = A*y + B`` (for an
  equation that is not linear in its own variable, ``A = 0`` and ``B`` is the whole
  derivative). One function serves all three methods: Euler and RK4 use ``A*y + B``;
  exponential Euler advances each variable exactly, ``y + (A y + B) (e^{A h} - 1)/A``.
* ``crossing(p, y_prev, y)`` returns the fraction of the step at which a spike happened,
  or -1; for reset models ``reset(p, y)`` applies the reset rule and ``p[t_ref_index]``
  holds the absolute refractory period (V is clamped during it).

Adding a model family means writing those functions and one ``elif`` per dispatcher.

numba checks only this file's time stamp to decide whether a cached kernel is stale, not
the files of the functions it calls; :func:`_invalidate_stale_cache` therefore hashes
every kernel source file at import and clears the cache when any of them changed.
"""
from __future__ import annotations

import hashlib
import math
import os
from pathlib import Path

import numpy as np

from numba import njit, prange

from ._jit import hot, jit

from .models.conductance import CONDUCTANCE_KIND, conductance_crossing, conductance_rhs
from .models.integrate_and_fire import LIF_KIND, lif_crossing, lif_reset
from .models.passive import PASSIVE_KIND, leaky_rhs

EULER, EXP_EULER, RK4 = 0, 1, 2
METHOD_IDS = {"euler": EULER, "exp_euler": EXP_EULER, "rk4": RK4}

# Kernel status codes returned to Python.
OK, NOT_FINITE, SPIKE_BUFFER_FULL = 0, 1, 2


# --- dispatch: one branch per model family ---------------------------------------------
@hot
def _rhs(kind, p, y, I, A, B):
    if kind == PASSIVE_KIND or kind == LIF_KIND:
        leaky_rhs(p, y, I, A, B)
    elif kind == CONDUCTANCE_KIND:
        conductance_rhs(p, y, I, A, B)


@hot
def _crossing(kind, p, y_prev, y):
    if kind == LIF_KIND:
        return lif_crossing(p, y_prev, y)
    if kind == CONDUCTANCE_KIND:
        return conductance_crossing(p, y_prev, y)
    return -1.0


@hot
def _reset(kind, p, y):
    """Apply the reset rule; return the absolute refractory period (ms)."""
    if kind == LIF_KIND:
        lif_reset(p, y)
        return p[5]
    return 0.0


# --- one step of each method ------------------------------------------------------------
@hot
def _derivs(kind, p, y, I, free, A, B, out):
    """out = dy/dt; V's equation is scaled by ``free`` (0 while clamped, 1 otherwise)."""
    _rhs(kind, p, y, I, A, B)
    A[0] *= free
    B[0] *= free
    for i in range(y.size):
        out[i] = A[i] * y[i] + B[i]


@hot
def _exp_factor(a, h):
    """(e^{a h} - 1) / a, with its limit h as a -> 0."""
    if abs(a * h) < 1e-10:
        return h * (1.0 + 0.5 * a * h)
    return np.expm1(a * h) / a


@hot
def _euler_step(kind, p, y, I, h, free, A, B):
    _rhs(kind, p, y, I, A, B)
    A[0] *= free
    B[0] *= free
    for i in range(y.size):
        y[i] += h * (A[i] * y[i] + B[i])


@hot
def _exp_euler_step(kind, p, y, I, h, free, A, B):
    _rhs(kind, p, y, I, A, B)
    A[0] *= free
    B[0] *= free
    for i in range(y.size):
        y[i] += (A[i] * y[i] + B[i]) * _exp_factor(A[i], h)


@hot
def _rk4_step(kind, p, y, I, h, free, A, B, k1, k2, k3, k4, tmp):
    S = y.size
    _derivs(kind, p, y, I, free, A, B, k1)
    for i in range(S):
        tmp[i] = y[i] + 0.5 * h * k1[i]
    _derivs(kind, p, tmp, I, free, A, B, k2)
    for i in range(S):
        tmp[i] = y[i] + 0.5 * h * k2[i]
    _derivs(kind, p, tmp, I, free, A, B, k3)
    for i in range(S):
        tmp[i] = y[i] + h * k3[i]
    _derivs(kind, p, tmp, I, free, A, B, k4)
    for i in range(S):
        y[i] += h * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]) / 6.0


@jit
def _integrate_one(kind, method, p, y0, current, n, dt, record, trace, spikes, error):
    """Integrate one neuron; returns (status, number of spikes). See :func:`integrate`."""
    S = y0.size
    capacity = spikes.size
    constant = current.size == 1
    A = np.empty(S)
    B = np.empty(S)
    k1 = np.empty(S)
    k2 = np.empty(S)
    k3 = np.empty(S)
    k4 = np.empty(S)
    tmp = np.empty(S)
    y = y0.copy()
    y_prev = np.empty(S)
    status = OK
    if record:
        for i in range(S):
            trace[0, i] = y[i]
    clamp_end = -np.inf
    count = 0
    for k in range(n - 1):
        t = k * dt
        I = current[0] if constant else current[k]
        free = 1.0
        if clamp_end > t:
            free = max(0.0, (t + dt - clamp_end) / dt)
        for i in range(S):
            y_prev[i] = y[i]
        # one small function per method, so that LLVM inlines the cheap ones
        if method == EULER:
            _euler_step(kind, p, y, I, dt, free, A, B)
        elif method == EXP_EULER:
            _exp_euler_step(kind, p, y, I, dt, free, A, B)
        else:
            _rk4_step(kind, p, y, I, dt, free, A, B, k1, k2, k3, k4, tmp)
        # V feels any variable that diverged within a step, so checking V suffices
        if not abs(y[0]) < 1e9:
            error[0] = k
            error[1] = 0
            for i in range(S):
                if not math.isfinite(y[i]) or abs(y[i]) > 1e9:
                    error[1] = i
                    break
            return NOT_FINITE, count
        fraction = _crossing(kind, p, y_prev, y)
        if fraction >= 0.0:
            t_spike = t + fraction * dt
            if count < capacity:
                spikes[count] = t_spike
            else:
                status = SPIKE_BUFFER_FULL
            count += 1
            if kind_resets(kind):
                clamp_end = t_spike + _reset(kind, p, y)
                rest = t + dt - clamp_end
                if rest > 0.0:
                    # the part of this step after the reset (and refractory period)
                    _rhs(kind, p, y, I, A, B)
                    y[0] += (A[0] * y[0] + B[0]) * (
                        _exp_factor(A[0], rest) if method == EXP_EULER else rest)
        if record:
            for i in range(S):
                trace[k + 1, i] = y[i]
    return status, count


@njit(cache=True, parallel=True, error_model="numpy")
def integrate(kind, method, params, y0, current, n, dt, record, trace, spikes, counts, status, error):
    """Integrate a batch of neurons of one model family on the grid t = dt * arange(n).

    params (batch, P), y0 (batch, S), current (batch, n) or (batch, 1) for a constant;
    the current in step k, I[k], is held over [t_k, t_k + dt). Writes, per neuron b:
    trace[b] (n, S) when ``record`` (time-major, so each step writes one contiguous row),
    spike times into spikes[b], their number into counts[b], a status (OK, NOT_FINITE,
    SPIKE_BUFFER_FULL) into status[b] and, on NOT_FINITE, [step, variable] into error[b].
    The neurons of a batch run in parallel on the available cores.
    """
    for b in prange(y0.shape[0]):
        status[b], counts[b] = _integrate_one(kind, method, params[b], y0[b], current[b], n, dt,
                                              record, trace[b], spikes[b], error[b])


@hot
def kind_resets(kind):
    return kind == LIF_KIND


@jit
def _derivative(kind, p, y, I):
    S = y.size
    A = np.empty(S)
    B = np.empty(S)
    out = np.empty(S)
    _derivs(kind, p, y, I, 1.0, A, B, out)
    return out


def derivative(kind: int, params: np.ndarray, y: np.ndarray, I: float) -> np.ndarray:
    """dy/dt of model ``kind`` at state y for current I (Python entry point)."""
    return _derivative(kind, params, y, I)


# --- cache hygiene ----------------------------------------------------------------------
_KERNEL_SOURCES = ("_kernel.py", "_jit.py", "models/passive.py", "models/integrate_and_fire.py",
                   "models/conductance.py")


def _invalidate_stale_cache() -> None:
    """Delete numba's cached kernels if any kernel source file changed since they were built."""
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for name in _KERNEL_SOURCES:
        digest.update((root / name).read_bytes())
    cache_dirs = [root / "__pycache__", root / "models" / "__pycache__"]
    stamp = cache_dirs[0] / "neurolab-kernel-sources.sha256"
    try:
        if stamp.exists() and stamp.read_text() == digest.hexdigest():
            return
        for folder in cache_dirs:
            if folder.is_dir():
                for f in folder.iterdir():
                    if f.suffix in (".nbi", ".nbc"):
                        f.unlink()
        cache_dirs[0].mkdir(exist_ok=True)
        stamp.write_text(digest.hexdigest())
    except OSError:  # a read-only install: numba then caches elsewhere, by its own rules
        pass


if os.environ.get("NUMBA_DISABLE_JIT", "0") != "1":
    _invalidate_stale_cache()
