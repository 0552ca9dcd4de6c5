"""The ``simulate`` verb and the sweeps built on it (f–I curve, rheobase)."""
from __future__ import annotations

import math
import sys
import warnings

import numpy as np

import numba

from . import _codegen
from ._jit import parallel_lock
from . import _validation as check
from .models._base import METHODS, Model
from .result import Result
from ._sampling import (_PLAUSIBLE, _check_stimulus_batch, _constant_currents, _is_number,
                        _sample)
from .stimulus import Stimulus, step

__all__ = ["simulate", "fi_curve", "rheobase", "time_grid"]


def _check_dt(dt, limit: float | None = None) -> float:
    """A time step in ms: positive, finite, and not a value in seconds by mistake.

    ``limit`` (ms), when known, is the model's largest usable step: a suggested fix never
    exceeds it (dt = 0.0005 ms is a legitimate step for HH; 0.0005 s = 0.5 ms is not)."""
    dt = check.finite("dt", dt, "ms")
    if dt <= 0:
        raise ValueError(f"dt={dt:g} ms: the time step must be positive.")
    if dt < _SMALLEST_DT:
        meant = dt * 1e3
        fix = f"dt={meant:g} ms" if limit is None or meant < limit else f"dt={_nice_below(limit):g} ms"
        raise ValueError(f"dt={dt:g} ms is far too small (below {_SMALLEST_DT:g} ms): neurolab "
                         f"uses ms, and {dt:g} looks like seconds. Did you mean {fix}?")
    return dt


_SMALLEST_DT = 1e-4      # ms; smaller steps are taken for seconds given by mistake


def time_grid(t_stop: float, dt: float) -> np.ndarray:
    """The simulation grid ``dt * arange(n)`` (ms): every multiple of ``dt`` up to ``t_stop``.

    When ``dt`` divides ``t_stop`` (to 1e-6 of a step) the grid ends exactly at ``t_stop``
    and ``n = t_stop / dt + 1``. Otherwise it ends at the last multiple of ``dt`` before
    ``t_stop`` (never after it), and a ``UserWarning`` says where and how to get a grid
    that ends at ``t_stop``.
    """
    t_stop = check.finite("t_stop", t_stop, "ms")
    if t_stop <= 0:
        raise ValueError(f"t_stop={t_stop:g} ms: the duration must be positive.")
    dt = _check_dt(dt)
    if dt > t_stop:
        raise ValueError(f"dt={dt:g} ms is longer than t_stop={t_stop:g} ms.")
    steps = t_stop / dt
    whole = math.floor(steps + 1e-6)
    check.memory(8.0 * (whole + 1), f"a time grid of {whole + 1:.4g} points (t_stop={t_stop:g} ms, dt={dt:g} ms)",
                 "use a shorter t_stop or a larger dt.")
    if steps - whole > 1e-6:
        above = whole + 1
        warnings.warn(
            f"dt={dt:g} ms does not divide t_stop={t_stop:g} ms ({steps:.6g} steps): the grid "
            f"ends at {whole * dt:.10g} ms, the last step before t_stop. For a grid that ends at "
            f"t_stop, use dt={t_stop / above:.6g} ms, or t_stop={whole * dt:.10g} or "
            f"{above * dt:.10g} ms.", UserWarning, stacklevel=_caller_level())
    return dt * np.arange(whole + 1)


def _caller_level() -> int:
    """The stacklevel of the first frame outside neurolab (so a warning names user code)."""
    frame, level = sys._getframe(1), 1
    package = __name__.rsplit(".", 1)[0] + "."
    while frame is not None and frame.f_globals.get("__name__", "").startswith(package):
        frame, level = frame.f_back, level + 1
    return level


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


def _resolve_dt_method(model, t_stop, dt, method):
    method = model.default_method if method is None else method
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(f"method={method!r} is unknown; use one of {', '.join(map(repr, METHODS))}.")
    # semi-implicit Euler is as stable as forward Euler for these models
    limit = model.max_dt("euler" if method == "semi_implicit_euler" else method)
    dt = model.default_dt if dt is None else _check_dt(dt, limit)
    _check_stable(model, dt, method)           # first: a too coarse step says so
    t = time_grid(t_stop, dt)                  # checks t_stop (and warns if dt does not divide it)
    return float(t[-1]), dt, method            # the grid's end: time_grid(t_stop, dt) gives t again


def _check_stable(model, dt, method):
    limit = model.max_dt("euler" if method == "semi_implicit_euler" else method)
    if dt >= limit:
        raise ValueError(
            f"dt={dt:g} ms is too coarse for {type(model).__name__} with method={method!r}: "
            f"it needs dt < {limit:.3g} ms to be stable and accurate (see the model's "
            f"docstring). Use dt={_nice_below(limit):g} or smaller"
            + (", or method='exp_euler'" if method != "exp_euler" and dt < model.max_dt("exp_euler")
               else "") + ".")


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
        of ``n`` samples on the grid. A list of these, or a 2-D array (batch × n; batch × 1
        for constants), runs as one vectorised batch. A list of exactly ``n`` numbers is
        refused as ambiguous (samples, or ``n`` constant currents?).
    t_stop : float
        Duration (ms). The grid is ``t = dt * arange(n)``, ``n = t_stop/dt + 1``; if ``dt``
        does not divide ``t_stop`` the run ends at the last step before it, with a
        warning (see :func:`time_grid`).
    dt : float, optional
        Time step (ms); the model's ``default_dt`` if omitted.
    method : {"euler", "exp_euler", "rk4", "semi_implicit_euler"}, optional
        Forward Euler; exponential Euler (each variable whose equation is linear in itself
        advanced exactly); classic Runge–Kutta 4; semi-implicit Euler (forward Euler
        that updates the variables in order, each from those already updated in the step:
        the scheme of Izhikevich's published code). The model's ``default_method`` if omitted.
    seed : int, numpy SeedSequence or Generator, optional
        Seeds every noise stimulus that has no seed of its own; each run of a batch gets
        an independent stream. ``None`` draws fresh entropy.
    record : bool, default True
        Keep the traces; ``False`` keeps only spike times (fast sweeps).
    progress : bool, optional
        Show a progress bar (``tqdm``: a widget in notebooks, text on stderr); by default
        only for runs expected to take over ~2 s. ``record`` and ``progress`` must be real
        booleans (``record="no"`` is refused, not read as true).

    Returns
    -------
    Result
        ``t``, ``v``, ``state``, ``spike_times``, ``I`` and spike-train methods; batched
        when the model or the stimulus was a list.

    Notes
    -----
    Memory is estimated before anything is allocated. A run that cannot fit raises a
    ``ValueError`` suggesting ``record=False``, a larger ``dt`` or a shorter run. A
    stimulus above a plausible size (100 nA, 300 µA/cm²) gives a warning.
    """
    record = check.flag("record", record)
    progress = check.flag("progress", progress, optional=True)
    seed = check.check_seed(seed)
    models = list(model) if isinstance(model, (list, tuple)) else None
    if models is not None and len(models) == 0:
        raise ValueError("an empty list of models: give at least one model.")
    models = [_check_model(m) for m in (models or [model])]
    first = models[0]
    t_stop, dt, method = _resolve_dt_method(first, t_stop, dt, method)
    t = time_grid(t_stop, dt)
    n = t.size
    _check_stimulus_batch(stimulus, n)
    constant_rows = isinstance(stimulus, np.ndarray) and stimulus.ndim == 2 and stimulus.shape[1] == 1
    stimuli = _as_batch(stimulus)
    if stimuli is not None and len(stimuli) == 0:
        raise ValueError("an empty batch of stimuli: give at least one stimulus.")
    batched = len(models) > 1 or isinstance(model, (list, tuple)) or stimuli is not None
    stimuli = stimuli or [stimulus]
    size = max(len(models), len(stimuli))
    if len(models) not in (1, size) or len(stimuli) not in (1, size):
        raise ValueError(f"{len(models)} models and {len(stimuli)} stimuli: a batch needs "
                         f"equal numbers, or one of either.")
    models = models * size if len(models) == 1 else models
    stimuli = stimuli * size if len(stimuli) == 1 else stimuli
    if any(type(m) is not type(first) or m.equations() != first.equations() for m in models):
        raise ValueError("a batch of models must all be of one class with the same equations "
                         "(the same channels and gates); run different structures separately.")
    for m in set(models[1:]):
        _check_stable(m, dt, method)

    unit = first.units.current
    S = len(first.state_names)
    check.memory(8.0 * size * (S * (n if record else 1) + n),
                 f"{size} run(s) of {n:.4g} time points with {S} state variables",
                 "keep only spike times with record=False, or use a larger dt, a shorter "
                 "t_stop, or fewer runs per call.")
    if constant_rows or all(_is_number(s) for s in stimuli):
        current = _constant_currents(stimuli, unit)          # an f–I sweep: no sampling
    else:
        streams = check.spawn_seeds(seed, size)
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
    from tqdm.auto import tqdm    # imported on use: keeps `import neurolab` fast

    with tqdm(total=size, unit="run", desc=f"simulating {type(model).__name__}",
              disable=not progress, leave=False) as bar:
        for lo in range(0, size, per_call):
            hi = min(size, lo + per_call)
            spikes = _run_chunk(kernel, lo, hi, threads, params, initial, current, n, dt, record,
                                trace, spikes, counts, status, error)
            failed = np.flatnonzero(status[lo:hi] == _codegen.NOT_FINITE)
            if failed.size:
                _diverged(model, method, dt, current, lo + failed[0], error[lo + failed[0]])
            bar.update(hi - lo)
    return (trace if record else None), spikes, counts


def _run_chunk(kernel, lo, hi, threads, params, initial, current, n, dt, record, trace, spikes,
               counts, status, error):
    """Runs lo..hi-1, again with a larger spike buffer while it overflows; the buffer."""
    while True:
        parts = max(1, min(threads, (hi - lo) // 4))   # neurons in parallel, >= 4 per core
        args = (params, initial, current, n, dt, record, trace, spikes, counts, status, error)
        # unsigned bounds: see the docstring of the generated chunk()
        if parts == 1:
            kernel.chunk(np.uint64(lo), np.uint64(hi), *args)
        else:
            with parallel_lock:       # a no-op with a thread-safe threading layer (TBB)
                kernel.integrate(np.linspace(lo, hi, parts + 1).astype(np.uint64), *args)
        if not np.any(status[lo:hi] == _codegen.SPIKE_BUFFER_FULL):
            return spikes
        grown = np.empty((spikes.shape[0], int(counts.max()) + 16))
        grown[:, :spikes.shape[1]] = spikes
        spikes = grown
        counts[lo:hi] = 0
        status[lo:hi] = _codegen.OK


def _diverged(model, method, dt, current, b, error):
    k, i = error
    unit = model.units.current
    peak = float(np.max(np.abs(current[:, b])))
    where = (f"the simulation diverged at t = {(k + 1) * dt:g} ms: {model.state_names[i]} became "
             f"non-finite or exceeded 1e9 (run {b} of the batch). ")
    if peak > _PLAUSIBLE.get(unit, math.inf):
        raise ValueError(where + f"The injected current peaks at {peak:g} {unit}, far beyond what a "
                         f"neuron receives (below {_PLAUSIBLE[unit]:g} {unit}): check its unit "
                         f"({unit}) and size.")
    raise ValueError(where + f"The time step dt={dt:g} ms is probably too coarse for "
                     f"method={method!r}; try dt={dt / 10:g}"
                     + ("" if method == "exp_euler" else " or method='exp_euler'") + ".")


def fi_curve(model, currents, t_stop=1000.0, dt=None, method=None, *, measure="mean",
             seed=None, progress=None) -> np.ndarray:
    """Firing rate (Hz) for each constant current, from one batched run.

    Parameters
    ----------
    model : Model
        The neuron.
    currents : array_like
        Constant currents (pA; µA/cm² for conductance-based models): numbers only. For
        other stimuli (steps, noise) use ``simulate(model, [stimuli ...])``.
    t_stop : float, default 1000.0
        Duration of each run (ms).
    measure : {"mean", "steady", "first"}
        ``"mean"``: spike count / t_stop; ``"steady"``: 1 / mean ISI in the second half
        of the run (0 if the neuron stopped firing); ``"first"``: 1 / first ISI.
    dt, method, seed, progress
        As in :func:`simulate`.
    """
    measures = {"mean": Result.rate, "steady": Result.steady_rate, "first": Result.first_isi_rate}
    if not isinstance(measure, str) or measure not in measures:
        raise ValueError(f"measure={measure!r} is unknown; use 'mean', 'steady' or 'first'.")
    _check_model(model)
    if isinstance(currents, (str, bytes, Stimulus)) or callable(currents):
        raise TypeError(f"currents must be a sequence of numbers ({model.units.current}), not "
                        f"{type(currents).__name__}; for other stimuli use "
                        "simulate(model, [stimulus, ...]).")
    items = list(np.ravel(currents)) if isinstance(currents, np.ndarray) else currents
    try:
        items = list(items)
    except TypeError:
        items = [items]
    wrong = [x for x in items if not _is_number(x)]
    if wrong:
        raise TypeError(f"currents must be numbers ({model.units.current}); got "
                        f"{type(wrong[0]).__name__} ({wrong[0]!r:.60}). For stimulus objects use "
                        "simulate(model, [stimulus, ...]) and the Result's rate().")
    values = np.asarray(items, dtype=float)
    if values.size == 0 or np.ndim(currents) > 1:
        raise ValueError("currents must be a non-empty 1-D sequence of numbers.")
    res = simulate(model, values[:, None], t_stop, dt, method, seed, record=False, progress=progress)
    return measures[measure](res)


def rheobase(model, duration=500.0, *, start=10.0, dt=None, method=None, rtol=1e-4,
             upper=None, per_round=8) -> float:
    """The smallest step amplitude that makes the neuron fire (pA, or µA/cm²).

    A step of ``duration`` ms starting at ``start`` ms is applied; the neuron "fires" if
    at least one spike occurs after ``start``. The amplitude is bracketed by doubling and
    then narrowed by batched bisection: each round simulates ``per_round`` amplitudes at
    once (a whole number, at least 1) and keeps the sub-interval where firing begins,
    until its width is below ``rtol`` times the amplitude (``1e-12 <= rtol < 1``), or it
    stops shrinking (the limit of floating-point numbers).
    """
    _check_model(model)
    duration = check.positive("duration", duration, "ms")
    start = check.nonnegative("start", start, "ms")
    rtol = check.finite("rtol", rtol, "(relative)")
    if not 1e-12 <= rtol < 1:
        raise ValueError(f"rtol={rtol:g} must be between 1e-12 and 1 (a relative tolerance, "
                         "such as 1e-4).")
    per_round = check.integer("per_round", per_round, minimum=1)
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
        width = hi - lo
        grid = np.linspace(lo, hi, per_round + 2)[1:-1]
        f = fires(grid)
        first = int(np.argmax(f)) if f.any() else len(grid)
        lo = grid[first - 1] if first > 0 else lo
        hi = grid[first] if first < len(grid) else hi
        if not hi - lo < width:           # no longer shrinking: as close as floats get
            break
    return 0.5 * (lo + hi)
