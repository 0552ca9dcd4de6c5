"""Equilibria, their stability and bifurcations of any neuron model without resets.

Everything here is computed from the model's own compiled right-hand side (the
``derivative`` of its generated kernel), so it holds for every model the engine
simulates: Morris–Lecar and FitzHugh–Nagumo, Hodgkin–Huxley with its four variables, a
:class:`~neurolab.models.ConductanceBasedNeuron` of your own.

How equilibria are found
------------------------
Every equation is linear in its own variable, ``dy/dt = A y + B`` (the engine's
contract), so for a fixed V each other variable's steady state is ``y = -B/A``, with A
and B read off two evaluations of the right-hand side (y = 0 and y = 1). Iterating over
the variables until nothing changes puts them all at their steady states for that V
(one sweep when, as for gates, A and B depend on V only). What is left is one equation
in one unknown, ``dV/dt = 0``: its sign changes on a fine V grid bracket every
equilibrium, and Brent's method refines each. The Jacobian comes from central
differences of the right-hand side, its eigenvalues from numpy.

Because the input enters only the V equation, additively (checked), the current that
holds the membrane at V is a function of V. :func:`bifurcation_diagram` follows the
curve of equilibria through its folds with V as the parameter, and locates saddle-node
points (det J = 0) and Hopf points (a complex pair of eigenvalues crossing the
imaginary axis). Figures for these live in :mod:`neurolab.phase_plane_figures`.
"""
from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np
from scipy.optimize import brentq

from .models._base import Model

__all__ = ["Equilibrium", "equilibria", "jacobian", "classify", "BifurcationPoint", "Branch",
           "BifurcationDiagram", "bifurcation_diagram", "LimitCycles", "limit_cycles",
           "field_function"]


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


class BifurcationPoint(NamedTuple):
    """A saddle-node or Hopf point on the curve of equilibria."""

    kind: str                #: "saddle-node" or "Hopf"
    I: float                 #: the current at which it happens (µA/cm², pA ...)
    state: np.ndarray        #: the equilibrium there
    frequency: float         #: Hopf: Im(λ)/2π in Hz (1/ms × 1000); saddle-node: 0


class Branch(NamedTuple):
    """A piece of the curve of equilibria along which stability does not change."""

    I: np.ndarray            #: currents along the piece
    state: np.ndarray        #: equilibria, shape (len(I), number of variables)
    stable: bool             #: stable all along

    @property
    def V(self) -> np.ndarray:
        return self.state[:, 0]


class BifurcationDiagram(NamedTuple):
    """What :func:`bifurcation_diagram` found over a range of currents."""

    branches: list           #: list of Branch, in the order of increasing V
    saddle_nodes: list       #: list of BifurcationPoint
    hopf: list               #: list of BifurcationPoint
    model: Model             #: the model it describes
    I_range: tuple           #: the currents swept

    @property
    def points(self) -> list:
        """Saddle-node and Hopf points together, sorted by current."""
        return sorted(self.saddle_nodes + self.hopf, key=lambda p: p.I)


class LimitCycles(NamedTuple):
    """Oscillations found by simulation (see :func:`limit_cycles`)."""

    I: np.ndarray            #: the currents
    V_min: np.ndarray        #: lowest V after the transient (mV); NaN where it did not fire
    V_max: np.ndarray        #: highest V after the transient (mV); NaN where it did not fire
    rate: np.ndarray         #: firing rate after the transient (Hz)


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
    from ._codegen import kernel

    rhs = functools.partial(kernel(model.equations(), "euler").derivative, model.parameters())
    y = model.initial_state() if getattr(model, "V_init", "") is None else None
    probes = [np.asarray(model.initial_state() if y is None else y, dtype=float)]
    probes.append(probes[0] + 0.05 * np.abs(probes[0]) + 0.01)
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
    from . import _validation as check

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
    for k in np.flatnonzero(values[:-1] * values[1:] < 0):
        found.append(brentq(dV, V[k], V[k + 1], xtol=1e-12, rtol=1e-14))
    if not found:
        raise ValueError(
            f"{type(model).__name__} has no equilibrium with V between {V[0]:g} and {V[-1]:g} "
            f"{model.units.voltage} at I={I:g} {model.units.current}: it fires or runs away "
            "for every start. Widen V_range or use another current.")
    return [_equilibrium(rhs, _slaved_state(rhs, v, I, S), I) for v in sorted(found)]


# --- bifurcations ----------------------------------------------------------------------
def _hopf_function(eigenvalues):
    """The largest real part among complex eigenvalues (NaN if all are real)."""
    ev = np.asarray(eigenvalues)
    pair = np.abs(ev.imag) > 1e-9 * np.maximum(1.0, np.abs(ev))
    return float(np.max(ev.real[pair])) if pair.any() else np.nan


def bifurcation_diagram(model, I_range, *, V_range=None, n: int = 1801) -> BifurcationDiagram:
    """Equilibria over a range of currents, their stability, saddle-node and Hopf points.

    Parameters
    ----------
    model : Model
        Any neurolab model without resets (the input must enter dV/dt additively, as in
        every neurolab model).
    I_range : (float, float)
        The currents to sweep (µA/cm², pA, or dimensionless like the model).
    V_range, n
        The V grid along which the curve of equilibria is followed, as in
        :func:`equilibria`.

    Returns
    -------
    BifurcationDiagram
        ``branches`` (pieces of the curve of equilibria with constant stability),
        ``saddle_nodes`` and ``hopf`` (lists of :class:`BifurcationPoint`).

    Notes
    -----
    Each V of the grid is an equilibrium for exactly one current, the one that balances
    the ionic currents there; so the curve is followed with V as its parameter, through
    its folds. A saddle-node is where det J changes sign (a real eigenvalue crosses 0;
    the curve folds back in I); a Hopf point is where the real part of a complex pair
    crosses 0. Both are refined by Brent's method. Whether a Hopf bifurcation is sub- or
    supercritical is not decided here: simulate near it (:func:`limit_cycles`).
    """
    model = _check(model)
    try:
        lo, hi = sorted(map(float, I_range))
    except (TypeError, ValueError):
        raise ValueError(f"I_range={I_range!r} must be two numbers (low, high).") from None
    if not lo < hi:
        raise ValueError(f"I_range={I_range!r} must span a range of currents (low < high).")
    rhs, gain = _rhs(model)
    S = len(model.state_names)
    V = _V_grid(model, V_range, n)

    def state(v):
        return _slaved_state(rhs, v, 0.0, S)

    def holding(y):
        return -rhs(y, 0.0)[0] / gain

    def jac(v):
        return _jacobian(rhs, state(v), 0.0)     # the input adds a constant: J holds for any I

    states = np.array([state(v) for v in V])
    I_hold = np.array([holding(y) for y in states])
    eigen = [np.linalg.eigvals(_jacobian(rhs, y, 0.0)) for y in states]
    stable = np.array([np.all(ev.real < 0) for ev in eigen])
    det = np.array([np.prod(ev).real for ev in eigen])
    hopf_values = np.array([_hopf_function(ev) for ev in eigen])

    def point(kind, v):
        y = state(v)
        ev = np.linalg.eigvals(_jacobian(rhs, y, 0.0))
        frequency = 1000.0 * float(np.max(np.abs(ev.imag))) / (2 * np.pi) if kind == "Hopf" else 0.0
        return BifurcationPoint(kind, float(holding(y)), y, frequency)

    saddle_nodes, hopf = [], []
    for k in np.flatnonzero(det[:-1] * det[1:] < 0):
        saddle_nodes.append(point("saddle-node", brentq(lambda v: np.linalg.det(jac(v)), V[k], V[k + 1],
                                                        xtol=1e-12)))
    for k in np.flatnonzero(hopf_values[:-1] * hopf_values[1:] < 0):
        try:
            v = brentq(lambda v: _hopf_function(np.linalg.eigvals(jac(v))), V[k], V[k + 1], xtol=1e-12)
        except ValueError:         # the pair turned real inside the step: not a Hopf point
            continue
        hopf.append(point("Hopf", v))
    inside = (I_hold >= lo) & (I_hold <= hi)
    if not inside.any():
        raise ValueError(
            f"{type(model).__name__} has no equilibrium with V between {V[0]:g} and {V[-1]:g} "
            f"{model.units.voltage} for any current in {lo:g}..{hi:g} {model.units.current}; "
            "widen V_range or choose another I_range.")
    branches = []
    key = np.where(inside, stable.astype(int), -1)
    edges = np.flatnonzero(np.diff(key)) + 1
    marks = {p.state[0]: p for p in saddle_nodes + hopf}

    def at_edge(e):
        """The bifurcation point between grid points e - 1 and e, as (I, state), if any."""
        for v, p in marks.items():
            if 0 < e < V.size and V[e - 1] <= v <= V[e]:
                return [p.I], [p.state]
        return [], []

    for piece in np.split(np.arange(V.size), edges):
        if key[piece[0]] < 0:
            continue
        (I0, y0), (I1, y1) = at_edge(piece[0]), at_edge(piece[-1] + 1)
        branches.append(Branch(np.array([*I0, *I_hold[piece], *I1]),
                               np.array([*y0, *states[piece], *y1]), bool(stable[piece[0]])))
    keep = [p for p in saddle_nodes if lo <= p.I <= hi], [p for p in hopf if lo <= p.I <= hi]
    return BifurcationDiagram(branches, keep[0], keep[1], model, (lo, hi))


def _rest_starts(model, currents):
    """The model started at its lowest stable equilibrium for each current (or as it is)."""
    diagram = bifurcation_diagram(model, (-np.inf, np.inf))      # the whole curve
    batch = []
    for I in currents:
        V = [np.interp(I, *(b.I, b.V) if b.I[-1] > b.I[0] else (b.I[::-1], b.V[::-1]))
             for b in diagram.branches if b.stable and min(b.I) <= I <= max(b.I)]
        batch.append(model.replace(V_init=float(min(V))) if V else model)
    return batch


def limit_cycles(model, currents, *, start=None, t_stop: float = 2000.0,
                 transient: float | None = None, dt=None, method=None) -> LimitCycles:
    """The oscillation each constant current settles into, from one batched simulation.

    Parameters
    ----------
    model : Model
        A model without resets.
    currents : array_like
        Constant currents, one run each.
    start : None or "rest"
        ``None``: every run starts from the model's initial state (give ``V_init`` etc.
        to start elsewhere); ``"rest"``: each run starts at the lowest stable
        equilibrium for its own current (where there is one). In a bistable range the
        two differ: rest stays at rest, a start far from it may find the limit cycle.
    t_stop, transient : float
        Run length and the part discarded before measuring (ms; default half the run).
    dt, method
        As in :func:`neurolab.simulate`.

    Returns
    -------
    LimitCycles
        The range of V and the firing rate after the transient; a run with fewer than two
        spikes there counts as not oscillating (V range NaN, rate 0).
    """
    from . import _validation as check
    from .simulate import simulate

    currents = np.asarray(currents, dtype=float)
    if currents.ndim != 1 or currents.size == 0:
        raise ValueError("currents must be a non-empty 1-D sequence of numbers.")
    t_stop = check.positive("t_stop", t_stop, "ms")
    transient = 0.5 * t_stop if transient is None else check.nonnegative("transient", transient, "ms")
    if transient >= t_stop:
        raise ValueError(f"transient={transient:g} ms must end before t_stop={t_stop:g} ms.")
    model = _check(model)
    if start not in (None, "rest"):
        raise ValueError(f"start={start!r} must be None (the model's own initial state) or "
                         "'rest' (each current's stable equilibrium).")
    batch = _rest_starts(model, currents) if start == "rest" else model
    res = simulate(batch, list(currents), t_stop, dt, method)
    late = res.t >= transient
    counts = np.array([np.count_nonzero(s >= transient) for s in res.spike_times])
    fires = counts >= 2
    V = res.v[:, late]
    rate = np.where(fires, res.steady_rate(transient, t_stop), 0.0)
    nan = np.full(currents.size, np.nan)
    return LimitCycles(currents, np.where(fires, V.min(axis=1), nan),
                       np.where(fires, V.max(axis=1), nan), rate)
