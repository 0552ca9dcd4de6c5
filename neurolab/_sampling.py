"""Turning what a user passes as ``stimulus`` into currents on the time grid, checked.

A stimulus is a number, a :mod:`neurolab.stimulus` object, a function ``I(t)`` or an array
of samples; a list of them (or a 2-D array) is a batch. The checks here refuse the shapes
that would silently run as the wrong batch, functions that return nothing or take the
wrong arguments, non-finite values, and currents in the wrong unit (amperes: an error;
implausibly large: a warning).
"""
from __future__ import annotations

import inspect
import math
import numbers
import warnings

import numpy as np

from . import _validation as check
from .stimulus import Stimulus


def _is_number(x) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


#: Above these peak currents a stimulus is taken to be in the wrong unit (a warning).
_PLAUSIBLE = {"pA": 1e5, "µA/cm²": 300.0, "mV/ms": 1e3}


def _constant_currents(values, unit):
    """A batch of constant currents as a (batch, 1) array, checked like any stimulus."""
    current = np.array(values, dtype=float).reshape(-1, 1)
    if not np.all(np.isfinite(current)):
        raise ValueError(f"the stimulus {current[int(np.argmin(np.isfinite(current[:, 0]))), 0]} "
                         f"is not a finite number; give a finite current in {unit}.")
    _check_magnitude(current, unit)
    return current


def _check_magnitude(values, unit):
    peak = np.max(np.abs(values))
    if 0 < peak < 1e-6:
        raise ValueError(f"the stimulus peaks at {peak:g} {unit}, far too small: neurolab uses "
                         f"{unit}, and this looks like amperes (or A/cm²). Did you mean "
                         f"{peak * (1e12 if unit == 'pA' else 1e6):g} {unit}?")
    if peak > _PLAUSIBLE.get(unit, math.inf):
        warnings.warn(f"the stimulus peaks at {peak:g} {unit}, far beyond what a neuron receives "
                      f"(below {_PLAUSIBLE[unit]:g} {unit}); check its unit ({unit}).",
                      UserWarning, stacklevel=4)


def _call(stim, t):
    """Evaluate a stimulus function I(t) on the grid: vectorised if it can, else per point."""
    name = getattr(stim, "__name__", type(stim).__name__)
    try:
        inspect.signature(stim).bind(t[0])
    except TypeError:
        raise TypeError(f"the stimulus function {name}{inspect.signature(stim)} must take one "
                        f"argument, the time t in ms, and return the current I(t).") from None
    except ValueError:          # no signature (a builtin): just call it
        pass

    def as_float(value):
        if value is None:
            raise TypeError(f"the stimulus function {name} returned None: it must return the "
                            "current at time t (did it forget `return`?).")
        try:
            return np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"the stimulus function {name} returned {type(value).__name__} "
                            f"({value!r:.60}), not a number.") from None

    try:
        values = stim(t)
    except Exception:           # not vectorised (an `if` on t): call it once per time point
        values = None
    else:
        values = as_float(values)
        if values.ndim == 0:    # a constant
            return np.full(t.shape, float(values))
        if values.shape != t.shape:
            raise ValueError(f"the stimulus function {name} returned shape {values.shape} for "
                             f"{t.size} times; it must return one current per time t.")
        return values
    values = [as_float(stim(ti)) for ti in t]
    if any(v.ndim for v in values):
        raise ValueError(f"the stimulus function {name} must return one number per time t.")
    return np.array(values, dtype=float)


def _sample(stim, t, dt, seed_sequence, unit):
    """One stimulus as an array on the grid t (or a length-1 array for a constant)."""
    n = t.size
    batch_forms = ("For a batch, pass a list of stimuli or a 2-D array of shape (batch, n); "
                   "for a batch of constant currents, a list of numbers (or use fi_curve).")
    if _is_number(stim):
        values = np.array([check.finite("stimulus", stim, unit)])
    elif isinstance(stim, Stimulus):
        values = np.asarray(stim.sample(t, dt, np.random.default_rng(seed_sequence)), dtype=float)
    elif isinstance(stim, (np.ndarray, list, tuple)):
        try:
            values = np.asarray(stim, dtype=float)
        except (TypeError, ValueError):
            raise TypeError("the stimulus array must hold numbers (currents in "
                            f"{unit}). {batch_forms}") from None
        if values.shape == (1,):                  # a row of a (batch, 1) array: a constant
            pass
        elif values.shape != (n,):
            raise ValueError(
                f"the stimulus array has shape {values.shape}, but the grid t = dt * arange(n) "
                f"has n = t_stop / dt + 1 = {n} points (it includes 0 and t_stop); "
                f"sample the current on neurolab.time_grid(t_stop, dt). {batch_forms}")
    elif callable(stim):
        values = _call(stim, t)
    else:
        raise TypeError(f"stimulus must be a number, a neurolab.stimulus object, a callable "
                        f"I(t), or an array of {n} samples; got {type(stim).__name__}. {batch_forms}")
    if not np.all(np.isfinite(values)):
        bad = np.flatnonzero(~np.isfinite(values))[0]
        raise ValueError(f"the stimulus is not finite at t = {t[bad] if values.size > 1 else 0:g} ms.")
    _check_magnitude(values, unit)
    return values


def _check_stimulus_batch(stimulus, n):
    """Refuse the shapes that would silently run as the wrong batch."""
    if (isinstance(stimulus, (list, tuple)) and len(stimulus) == n > 1
            and all(_is_number(x) for x in stimulus)):
        raise ValueError(
            f"the stimulus is a list of {n} numbers, as many as the grid has points: a list runs "
            f"as a batch ({n} runs, each with one constant current), which is probably not what "
            f"you meant. For one run with this current sampled on the grid, pass "
            f"np.asarray(values); for a batch of constant currents use neurolab.fi_curve or an "
            f"array of shape ({n}, 1).")
    if isinstance(stimulus, np.ndarray):
        if stimulus.ndim == 2 and stimulus.shape[0] == n and stimulus.shape[1] not in (1, n):
            raise ValueError(f"the stimulus array has shape {stimulus.shape}: (n, batch), it seems; "
                             f"a batch of sampled currents is (batch, n) = ({stimulus.shape[1]}, {n}): "
                             f"pass its transpose, array.T.")
        if stimulus.ndim > 2:
            raise ValueError(f"the stimulus array has shape {stimulus.shape}; give one run as a 1-D "
                             f"array of {n} samples, or a batch as a 2-D array (batch, {n}).")
