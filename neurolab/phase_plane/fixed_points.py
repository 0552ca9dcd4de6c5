"""Equilibria of any neuron model without resets, their Jacobians and their kinds.

Every equation of a neurolab model is linear in its own variable, ``dy/dt = A y + B``
(the engine's contract), so for a fixed V each other variable's steady state is
``y = -B/A``, with A and B read off two evaluations of the model's compiled right-hand
side (at y = 0 and y = 1). Sweeping over the variables until nothing changes puts them
all at their steady states for that V (one sweep when, as for gates, A and B depend on V
only). What is left is one equation in one unknown, ``dV/dt = 0``: its sign changes on a
fine V grid bracket every equilibrium, and Brent's method refines each. The Jacobian
comes from central differences of the right-hand side, its eigenvalues from numpy.
"""
from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np

from ..models._base import Model


class Equilibrium(NamedTuple):
    """An equilibrium (fixed point) of a model at a constant current."""

    state: np.ndarray        #: the state, V (mV) first, in the order of ``state_names``
    eigenvalues: np.ndarray  #: eigenvalues of the Jacobian (1/ms), largest real part first
    stable: bool             #: all real parts negative
    kind: str                #: see :func:`classify`

    @property
    def V(self) -> float:
        """The membrane potential at the equilibrium (mV)."""
        return float(self.state[0])



# --- the right-hand side, checked ------------------------------------------------------
def _check(model) -> Model:
    if not isinstance(model, Model):
        raise TypeError(f"model must be a neurolab model such as neurolab.models.MorrisLecar(), "
                        f"not {type(model).__name__}.")
    eq = model.equations()
    if eq.resets:
        raise ValueError(
            f"{type(model).__name__} resets its state at every spike, so its equilibria and "
            "their stability do not describe its firing; phase-plane analysis here needs a "
            "model without resets (MorrisLecar, FitzHughNagumo, HodgkinHuxley ...). For the "
            "smooth part of an integrate-and-fire model use nl.analysis.fixed_points on its "
            "right-hand side.")
    if len(eq.state) < 2:
        raise ValueError(
            f"{type(model).__name__} has a single variable (V): its only equilibrium is where "
            "dV/dt = 0 and there is no plane to analyse. Use a model with at least two "
            "variables (MorrisLecar, FitzHughNagumo, HodgkinHuxley ...).")
    return model


@functools.lru_cache(maxsize=64)
def _rhs(model):
    """dy/dt(y, I) of the model, from its compiled kernel; and the input's gain on dV/dt."""
    from .._codegen import kernel

    rhs = functools.partial(kernel(model.equations(), "euler").derivative, model.parameters())
    # two arbitrary, physiological-looking states at which to check how the input enters
    S = len(model.state_names)
    scale = 1.0 if model.units.voltage == "mV" else 0.02
    probes = [np.array([-60.0 * scale, *[0.3] * (S - 1)]), np.array([-20.0 * scale, *[0.6] * (S - 1)])]
    gains = []
    for probe in probes:
        d0, d1, d2 = rhs(probe, 0.0), rhs(probe, 1.0), rhs(probe, 2.0)
        if not (np.allclose(d1[1:], d0[1:], rtol=0, atol=1e-12)
                and np.isclose(d2[0] - d0[0], 2 * (d1[0] - d0[0]), rtol=1e-9)):
            raise ValueError(f"in {type(model).__name__} the input does not enter dV/dt alone "
                             "and additively, which these phase-plane tools assume.")
        gains.append(d1[0] - d0[0])
    if not np.isclose(gains[0], gains[1], rtol=1e-9) or gains[0] == 0:
        raise ValueError(f"in {type(model).__name__} the input's effect on dV/dt depends on "
                         "the state, which these phase-plane tools do not support.")
    return rhs, float(gains[0])


def field_function(model, I: float = 0.0):
    """The model's right-hand side as a vectorised function of (V, y1, ...) arrays.

    ``field_function(model, I)(V, w)`` returns ``(dV/dt, dw/dt)`` with the shapes of V
    and w: what :func:`neurolab.analysis.nullclines` and ``vector_field`` take.
    """
    rhs, _ = _rhs(_check(model))
    I = float(I)

    def field(*variables):
        arrays = np.broadcast_arrays(*map(np.asarray, variables))
        flat = np.stack([a.ravel() for a in arrays], axis=1).astype(float)
        out = np.array([rhs(y, I) for y in flat])
        return tuple(out[:, i].reshape(arrays[0].shape) for i in range(flat.shape[1]))

    return field


def _slaved_state(rhs, V, I, S):
    """The state with V given and every other variable at its steady state for that V
    (sweeps over the variables until none moves: one sweep suffices for gates)."""
    y = np.zeros(S)
    y[0] = V
    previous = None
    for _ in range(50):
        for i in range(1, S):
            y[i] = 0.0
            B = rhs(y, I)[i]
            y[i] = 1.0
            A = rhs(y, I)[i] - B
            if A == 0.0 or not np.isfinite(A):
                raise ValueError(f"variable {i} has no restoring term at V = {V:g} (its rate "
                                 "does not depend on itself), so it has no steady state.")
            y[i] = -B / A
        if previous is not None and np.max(np.abs(y - previous)) <= 1e-13 * (1.0 + np.max(np.abs(y))):
            return y
        previous = y.copy()
    raise ValueError(f"the slow variables did not settle at V = {V:g}; their steady state "
                     "could not be found.")


def jacobian(model, state, I: float = 0.0) -> np.ndarray:
    """The Jacobian ∂(dy/dt)/∂y at ``state`` (1/ms), by central differences of the
    model's compiled right-hand side."""
    rhs, _ = _rhs(_check(model))
    return _jacobian(rhs, np.asarray(state, dtype=float), float(I))


def _jacobian(rhs, y, I):
    S = y.size
    J = np.empty((S, S))
    for j in range(S):
        h = 1e-6 * max(1.0, abs(y[j]))
        up, down = y.copy(), y.copy()
        up[j] += h
        down[j] -= h
        J[:, j] = (rhs(up, I) - rhs(down, I)) / (2 * h)
    return J


def classify(eigenvalues) -> str:
    """The kind of an equilibrium from its eigenvalues.

    "stable node" / "stable focus" (all real parts negative; focus when the slowest
    eigenvalue is complex, so trajectories spiral in), "unstable node" / "unstable focus"
    (all positive), "saddle" (some of each, the unstable ones real) and "saddle-focus"
    (some of each, the unstable ones a complex pair: in two dimensions this cannot
    happen; in HH it is the rest state after its Hopf bifurcation).
    """
    ev = np.asarray(eigenvalues)
    complex_ = np.abs(ev.imag) > 1e-9 * np.maximum(1.0, np.abs(ev))
    unstable = ev.real > 0
    if not unstable.any():
        return "stable focus" if complex_[np.argmax(ev.real)] else "stable node"
    if unstable.all():
        return "unstable focus" if complex_.any() else "unstable node"
    return "saddle-focus" if complex_[unstable].any() else "saddle"


def _equilibrium(rhs, y, I):
    ev = np.linalg.eigvals(_jacobian(rhs, y, I))
    ev = ev[np.lexsort((-ev.imag, -ev.real))]
    return Equilibrium(y, ev, bool(np.all(ev.real < 0)), classify(ev))


def _V_grid(model, V_range, n):
    if V_range is None:
        V_range = (-120.0, 60.0) if model.units.voltage == "mV" else (-5.0, 5.0)
    lo, hi = map(float, V_range)
    if not lo < hi:
        raise ValueError(f"V_range={V_range} must be (low, high) with low < high.")
    return np.linspace(lo, hi, int(n))


def equilibria(model, I: float = 0.0, *, V_range=None, n: int = 1801) -> list:
    """All equilibria of ``model`` at constant current ``I``, sorted by V.

    Parameters
    ----------
    model : Model
        Any neurolab model without resets, of any dimension.
    I : float
        The constant current (µA/cm² per unit area, pA for point neurons).
    V_range : (float, float), optional
        Where to look (mV): default −120 to 60 mV, or −5 to 5 for dimensionless models.
    n : int, default 1801
        Points of the V grid that brackets the equilibria (0.1 mV by default); two
        equilibria closer than one grid step (just before they merge) may be missed.

    Returns
    -------
    list of Equilibrium
        ``state``, ``eigenvalues`` of the Jacobian (1/ms), ``stable`` and ``kind``.
    """
    model = _check(model)
    from .. import _validation as check

    I = check.finite("I", I, model.units.current)
    rhs, _ = _rhs(model)
    S = len(model.state_names)
    V = _V_grid(model, V_range, n)

    def dV(v):
        return rhs(_slaved_state(rhs, v, I, S), I)[0]

    values = np.array([dV(v) for v in V])
    found = []
    for k in np.flatnonzero(values == 0.0):
        found.append(V[k])
    from scipy.optimize import brentq   # imported on use: keeps `import neurolab` fast

    for k in np.flatnonzero(values[:-1] * values[1:] < 0):
        found.append(brentq(dV, V[k], V[k + 1], xtol=1e-12, rtol=1e-14))
    if not found:
        raise ValueError(
            f"{type(model).__name__} has no equilibrium with V between {V[0]:g} and {V[-1]:g} "
            f"{model.units.voltage} at I={I:g} {model.units.current}: it fires or runs away "
            "for every start. Widen V_range or use another current.")
    return [_equilibrium(rhs, _slaved_state(rhs, v, I, S), I) for v in sorted(found)]

