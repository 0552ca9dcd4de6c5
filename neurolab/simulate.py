"""The ``simulate`` verb and the sweeps built on it (f–I curve, rheobase)."""
from __future__ import annotations

import math
import numbers
import sys
import time

import numpy as np

import numba

from . import _codegen
from . import _validation as check
from .models._base import METHODS, Model
from .result import Result
from .stimulus import Stimulus, step

__all__ = ["simulate", "fi_curve", "rheobase", "time_grid"]


def time_grid(t_stop: float, dt: float) -> np.ndarray:
    """The simulation grid ``dt * arange(n)`` with ``n = round(t_stop / dt) + 1`` (ms)."""
    return dt * np.arange(int(round(t_stop / dt)) + 1)


def _as_batch(x):
    """A list for a batch, or None for a single item."""
    if isinstance(x, (list, tuple)):
        return list(x)
    if isinstance(x, np.ndarray) and x.ndim == 2:
        return list(x)
    return None


def _check_model(model) -> Model:
    if not isinstance(model, Model):
        raise TypeError(f"model must be a neurolab model such as neurolab.models.LIF(), "
                        f"not {type(model).__name__}.")
    return model


def _constant_currents(values, unit):
    """A batch of constant currents as a (batch, 1) array, checked like any stimulus."""
    current = np.array(values, dtype=float)[:, None]
    if not np.all(np.isfinite(current)):
        raise ValueError(f"the stimulus {values[int(np.argmin(np.isfinite(current)))]} is not a "
                         f"finite number; give a finite current in {unit}.")
    _check_magnitude(current, unit)
    return current


def _check_magnitude(values, unit):
    peak = np.max(np.abs(values))
    if 0 < peak < 1e-6:
        raise ValueError(f"the stimulus peaks at {peak:g} {unit}, far too small: neurolab uses "
                         f"{unit}, and this looks like amperes (or A/cm²). Did you mean "
                         f"{peak * (1e12 if unit == 'pA' else 1e6):g} {unit}?")


def _sample(stim, t, dt, seed_sequence, unit):
    """One stimulus as an array on the grid t (or a length-1 array for a constant)."""
    n = t.size
    if isinstance(stim, numbers.Real) and not isinstance(stim, bool):
        values = np.array([check.finite("stimulus", stim, unit)])
    elif isinstance(stim, Stimulus):
        values = np.asarray(stim.sample(t, dt, np.random.default_rng(seed_sequence)), dtype=float)
    elif isinstance(stim, np.ndarray) or isinstance(stim, (list, tuple)):
        values = np.asarray(stim, dtype=float)
        if values.shape != (n,):
            raise ValueError(
                f"the stimulus array has shape {values.shape}, but the grid t = dt * arange(n) "
                f"has n = round(t_stop / dt) + 1 = {n} points (it includes 0 and t_stop); "
                f"sample the current on neurolab.time_grid(t_stop, dt).")
    elif callable(stim):
        try:
            values = np.asarray(stim(t), dtype=float)
            if values.shape != t.shape:
                raise ValueError
        except Exception:  # not vectorised: call it once per time point
            values = np.array([float(stim(ti)) for ti in t])
    else:
        raise TypeError(f"stimulus must be a number, a neurolab.stimulus object, a callable "
                        f"I(t), or an array of {n} samples; got {type(stim).__name__}.")
    if not np.all(np.isfinite(values)):
        bad = np.flatnonzero(~np.isfinite(values))[0]
        raise ValueError(f"the stimulus is not finite at t = {t[bad] if values.size > 1 else 0:g} ms.")
    _check_magnitude(values, unit)
    return values


def _resolve_dt_method(model, t_stop, dt, method):
    t_stop = check.positive("t_stop", t_stop, "ms")
    dt = model.default_dt if dt is None else check.positive("dt", dt, "ms")
    method = model.default_method if method is None else method
    if method not in METHODS:
        raise ValueError(f"method={method!r} is unknown; use one of {', '.join(map(repr, METHODS))}.")
    if dt > t_stop:
        raise ValueError(f"dt={dt:g} ms is longer than t_stop={t_stop:g} ms.")
    # semi-implicit Euler is as stable as forward Euler for these models
    limit = model.max_dt("euler" if method == "semi_implicit_euler" else method)
    if dt >= limit:
        raise ValueError(
            f"dt={dt:g} ms is too coarse for {type(model).__name__} with method={method!r}: "
            f"it needs dt < {limit:.3g} ms to be stable and accurate (see the model's "
            f"docstring). Use dt={_nice_below(limit):g} or smaller"
            + (", or method='exp_euler'" if method != "exp_euler" and dt < model.max_dt("exp_euler")
               else "") + ".")
    return t_stop, dt, method


def _nice_below(limit):
    """A round number below ``limit`` (1, 2 or 5 times a power of ten)."""
    exponent = math.floor(math.log10(limit))
    for mantissa in (5, 2, 1):
        value = mantissa * 10.0 ** exponent
        if value < limit:
            return value
    return 10.0 ** (exponent - 1) * 5


def simulate(model, stimulus=0.0, t_stop=100.0, dt=None, method=None, seed=None, *,
             record=True, progress=None) -> Result:
    """Simulate a neuron model driven by an injected current.

    Parameters
    ----------
    model : Model or list of Model
        A neurolab model (``models.LIF()``, ``models.HodgkinHuxley()`` ...). A list of
        models of one family runs as one batch (a parameter sweep).
    stimulus : float, Stimulus, callable, ndarray or list
        The injected current (pA; µA/cm² for conductance-based models): a constant, a
        :mod:`neurolab.stimulus` object, a function ``I(t)`` of time in ms, or an array
        of ``n`` samples on the grid. A list of these, or a 2-D array (batch × n), runs
        as one vectorised batch.
    t_stop : float
        Duration (ms). The grid is ``t = dt * arange(n)``, ``n = round(t_stop/dt) + 1``.
    dt : float, optional
        Time step (ms); the model's ``default_dt`` if omitted.
    method : {"euler", "exp_euler", "rk4", "semi_implicit_euler"}, optional
        Forward Euler; exponential Euler (each variable whose equation is linear in itself
        advanced exactly); classic Runge–Kutta 4; semi-implicit Euler (forward Euler
        that updates the variables in order, each from those already updated in the step:
        the scheme of Izhikevich's published code). The model's ``default_method`` if omitted.
    seed : int, optional
        Seeds every noise stimulus that has no seed of its own; each run of a batch gets
        an independent stream. ``None`` draws fresh entropy.
    record : bool, default True
        Keep the traces; ``False`` keeps only spike times (fast sweeps).
    progress : bool, optional
        Show progress on stderr; by default only for runs expected to take over ~2 s.

    Returns
    -------
    Result
        ``t``, ``v``, ``state``, ``spike_times``, ``I`` and spike-train methods; batched
        when the model or the stimulus was a list.
    """
    models = _as_batch(model) if isinstance(model, (list, tuple)) else None
    stimuli = _as_batch(stimulus)
    if stimuli is not None and len(stimuli) == 0 or models is not None and len(models) == 0:
        raise ValueError("an empty batch: give at least one model and one stimulus.")
    batched = models is not None or stimuli is not None
    size = max(len(models or [0]), len(stimuli or [0]))
    models = [_check_model(m) for m in (models or [model])]
    stimuli = stimuli or [stimulus]
    for name, items in (("models", models), ("stimuli", stimuli)):
        if len(items) not in (1, size):
            raise ValueError(f"{len(models)} models and {len(stimuli)} stimuli: a batch needs "
                             f"equal numbers, or one of either.")
    models = models * size if len(models) == 1 else models
    stimuli = stimuli * size if len(stimuli) == 1 else stimuli
    first = models[0]
    if any(type(m) is not type(first) or m.equations() != first.equations() for m in models):
        raise ValueError("a batch of models must all be of one class with the same equations "
                         "(the same channels and gates); run different structures separately.")

    t_stop, dt, method = _resolve_dt_method(first, t_stop, dt, method)
    for m in models[1:]:
        _resolve_dt_method(m, t_stop, dt, method)
    t = time_grid(t_stop, dt)
    n = t.size

    unit = first.units.current
    if all(isinstance(s, numbers.Real) and not isinstance(s, bool) for s in stimuli):
        current = _constant_currents(stimuli, unit)          # an f–I sweep: no sampling
    else:
        streams = np.random.SeedSequence(seed).spawn(size)
        samples = [_sample(s, t, dt, ss, unit) for s, ss in zip(stimuli, streams)]
        width = 1 if all(s.size == 1 for s in samples) else n
        current = np.empty((size, width))
        for row, s in zip(current, samples):
            row[:] = s
    params = np.array([m.parameters() for m in models])
    y0 = np.array([m.initial_state() for m in models])

    trace, spikes, counts = _run(first, method, params, y0, current, n, dt, record, progress)
    spike_list = [spikes[b, :counts[b]].copy() for b in range(size)]
    return Result(models if batched else first, t, trace if batched or trace is None else trace[:, 0],
                  spike_list, current, dt, method, batched)


def _run(model, method, params, y0, current, n, dt, record, progress):
    """Call the model's compiled kernel (see :mod:`neurolab._codegen` for the layouts)."""
    size, S = y0.shape
    kernel = _codegen.kernel(model.equations(), method)
    capacity = int(min(n, max(64, n * dt / 2.0)))     # room for 500 Hz; grown if needed
    if progress is None:
        progress = size * n * S > 3e8
    per_call = max(1, size // 20) if progress else size
    params = np.ascontiguousarray(params.T)
    initial = np.ascontiguousarray(y0.T)
    current = np.ascontiguousarray(current.T)
    trace = np.empty((S, size, n if record else 1))
    trace[:, :, 0] = initial
    counts = np.zeros(size, dtype=np.int64)
    status = np.zeros(size, dtype=np.int64)
    error = np.zeros((size, 2), dtype=np.int64)
    spikes = np.empty((size, capacity))
    threads = numba.get_num_threads()
    started = time.perf_counter()
    for lo in range(0, size, per_call):
        hi = min(size, lo + per_call)
        while True:
            parts = max(1, min(threads, (hi - lo) // 4))   # neurons in parallel, >= 4 per core
            args = (params, initial, current, n, dt, record, trace, spikes, counts, status, error)
            # unsigned bounds: see the docstring of the generated chunk()
            if parts == 1:
                kernel.chunk(np.uint64(lo), np.uint64(hi), *args)
            else:
                kernel.integrate(np.linspace(lo, hi, parts + 1).astype(np.uint64), *args)
            if not np.any(status[lo:hi] == _codegen.SPIKE_BUFFER_FULL):
                break
            grown = np.empty((size, int(counts.max()) + 16))
            grown[:, :spikes.shape[1]] = spikes
            spikes = grown
            counts[lo:hi] = 0
            status[lo:hi] = _codegen.OK
        failed = np.flatnonzero(status[lo:hi] == _codegen.NOT_FINITE)
        if failed.size:
            b = lo + failed[0]
            k, i = error[b]
            raise ValueError(
                f"the simulation diverged at t = {(k + 1) * dt:g} ms: {model.state_names[i]} became "
                f"non-finite or exceeded 1e9 (run {b} of the batch). The time step "
                f"dt={dt:g} ms is probably too coarse for method={method!r}; try dt={dt / 10:g}"
                + ("" if method == "exp_euler" else " or method='exp_euler'") + ".")
        if progress:
            elapsed = time.perf_counter() - started
            print(f"\rsimulated {hi}/{size} runs ({elapsed:.1f} s)", end="", file=sys.stderr)
    if progress:
        print(file=sys.stderr)
    return (trace if record else None), spikes, counts


def fi_curve(model, currents, t_stop=1000.0, dt=None, method=None, *, measure="mean",
             seed=None, progress=None) -> np.ndarray:
    """Firing rate (Hz) for each constant current, from one batched run.

    Parameters
    ----------
    model : Model
        The neuron.
    currents : array_like
        Constant currents (pA; µA/cm² for conductance-based models).
    t_stop : float, default 1000.0
        Duration of each run (ms).
    measure : {"mean", "steady", "first"}
        ``"mean"``: spike count / t_stop; ``"steady"``: 1 / mean ISI in the second half
        of the run (0 if the neuron stopped firing); ``"first"``: 1 / first ISI.
    dt, method, seed, progress
        As in :func:`simulate`.
    """
    currents = np.asarray(currents, dtype=float)
    if currents.ndim != 1 or currents.size == 0:
        raise ValueError("currents must be a non-empty 1-D sequence of numbers.")
    res = simulate(model, list(currents), t_stop, dt, method, seed, record=False, progress=progress)
    if measure == "mean":
        return res.rate()
    if measure == "steady":
        return res.steady_rate()
    if measure == "first":
        return res.first_isi_rate()
    raise ValueError(f"measure={measure!r} is unknown; use 'mean', 'steady' or 'first'.")


def rheobase(model, duration=500.0, *, start=10.0, dt=None, method=None, rtol=1e-4,
             upper=None, per_round=8) -> float:
    """The smallest step amplitude that makes the neuron fire (pA, or µA/cm²).

    A step of ``duration`` ms starting at ``start`` ms is applied; the neuron "fires" if
    at least one spike occurs after ``start``. The amplitude is bracketed by doubling and
    then narrowed by batched bisection: each round simulates ``per_round`` amplitudes at
    once and keeps the sub-interval where firing begins, until its width is below
    ``rtol`` times the amplitude.
    """
    duration = check.positive("duration", duration, "ms")
    t_stop = start + duration + 20.0

    def fires(amplitudes):
        res = simulate(model, [step(a, start, start + duration) for a in amplitudes],
                       t_stop, dt, method, record=False)
        return np.array([np.any(s > start) for s in res.spike_times])

    if fires([0.0])[0]:
        raise ValueError(f"{type(model).__name__} fires without any input, so it has no "
                         "(positive) rheobase; check its parameters and initial state.")
    hi = 1.0 if upper is None else check.positive("upper", upper, "current units")
    lo = 0.0
    while not fires([hi])[0]:
        lo, hi = hi, 2 * hi
        if hi > 1e7:
            raise ValueError(f"{type(model).__name__} does not fire for any step up to 1e7; "
                             "it may have no rheobase (check its parameters).")
    while hi - lo > rtol * hi:
        grid = np.linspace(lo, hi, per_round + 2)[1:-1]
        f = fires(grid)
        first = int(np.argmax(f)) if f.any() else len(grid)
        lo = grid[first - 1] if first > 0 else lo
        hi = grid[first] if first < len(grid) else hi
    return 0.5 * (lo + hi)
