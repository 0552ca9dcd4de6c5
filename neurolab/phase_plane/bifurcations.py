"""Bifurcations over the injected current: branches of equilibria, saddle-node and Hopf
points, and the limit cycles found by simulation.

Because the input enters only the V equation, additively (checked), the current that
holds the membrane at V is a function of V. :func:`bifurcation_diagram` follows the
curve of equilibria through its folds with V as the parameter, and locates saddle-node
points (det J = 0) and Hopf points (a complex pair of eigenvalues crossing the imaginary
axis), each refined by Brent's method.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..models._base import Model
from .fixed_points import _V_grid, _check, _jacobian, _rhs, _slaved_state


class BifurcationPoint(NamedTuple):
    """A saddle-node or Hopf point on the curve of equilibria."""

    kind: str                #: "saddle-node" or "Hopf"
    I: float                 #: the current at which it happens (µA/cm², pA ...)
    state: np.ndarray        #: the equilibrium there
    #: frequency Im(λ)/2π (Hz) of the small oscillations at a Hopf point, 0 at a saddle-node
    frequency: float


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

    from scipy.optimize import brentq   # imported on use: keeps `import neurolab` fast

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
                 transient: float | None = None, min_amplitude: float | None = None,
                 dt=None, method=None) -> LimitCycles:
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
    min_amplitude : float, optional
        Smallest swing of V that counts as an oscillation (default 1 mV, or 0.01 for a
        dimensionless model).
    dt, method
        As in :func:`neurolab.simulate`.

    Returns
    -------
    LimitCycles
        The range of V and the frequency after the transient (Hz: upward crossings of
        the middle of the range, so small oscillations that never reach the spike
        threshold count too). A run counts as oscillating when V swings by more than
        ``min_amplitude`` in the last quarter of the run, by at least 90 % of its swing in
        the quarter before (so a slowly damped ringing does not count), and crosses the
        middle at least three times; elsewhere the V range is NaN and the rate 0.
    """
    from .. import _validation as check
    from ..simulate import simulate

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
    if min_amplitude is None:
        min_amplitude = 1.0 if model.units.voltage == "mV" else 0.01
    batch = _rest_starts(model, currents) if start == "rest" else model
    res = simulate(batch, list(currents), t_stop, dt, method)
    late = res.t >= transient
    t, V = res.t[late], res.v[:, late]
    half = t.size // 2
    nan = np.full(currents.size, np.nan)
    V_min, V_max, rate = nan.copy(), nan.copy(), np.zeros(currents.size)
    for i, v in enumerate(V):
        swing, before = np.ptp(v[half:]), np.ptp(v[:half])
        middle = 0.5 * (v.max() + v.min())
        up = np.flatnonzero((v[:-1] < middle) & (v[1:] >= middle))
        if swing > min_amplitude and swing >= 0.9 * before and up.size >= 3:
            V_min[i], V_max[i] = v.min(), v.max()
            rate[i] = 1000.0 * (up.size - 1) / (t[up[-1]] - t[up[0]])
    return LimitCycles(currents, V_min, V_max, rate)
