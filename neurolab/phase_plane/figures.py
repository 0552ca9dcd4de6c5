"""Figures of :mod:`neurolab.phase_plane`: phase portraits and bifurcation diagrams.

* :func:`plot_phase_plane`: vector field, nullclines, equilibria and trajectories of a
  two-variable model at one current (matplotlib);
* :func:`plot_bifurcation`: equilibrium branches coloured by stability, saddle-node and
  Hopf points, and the range of V on simulated limit cycles (matplotlib);
* :func:`phase_plane_slider`: the phase portrait with a slider over the current
  (plotly; works in the static book).

Nullclines are the zero sets of the model's own compiled right-hand side, so they are
right for any two-variable model without resets.
"""
from __future__ import annotations

import numpy as np

from .. import analysis
from .fixed_points import _check, equilibria, field_function

__all__ = ["nullclines", "plot_phase_plane", "plot_bifurcation", "phase_plane_slider"]


def _planar(model):
    model = _check(model)
    if len(model.state_names) != 2:
        raise ValueError(f"{type(model).__name__} has {len(model.state_names)} variables "
                         f"{model.state_names}; a phase plane needs exactly two (reduce it first, "
                         "e.g. models.ReducedHodgkinHuxley for Hodgkin–Huxley).")
    return model


def _labels(model):
    units = model.units
    return f"V ({units.voltage})", model.state_names[1]


def _equilibria_in(model, I, V_range, w_range):
    """The equilibria inside the window (none is not an error for a figure)."""
    try:
        found = equilibria(model, I, V_range=V_range)
    except ValueError:
        return []
    return [e for e in found if w_range[0] <= e.state[1] <= w_range[1]]


def nullclines(model, I, V_range, w_range, n: int = 200):
    """The two nullclines of a two-variable model at current ``I``.

    Returns ``(V_nullcline, w_nullcline)``: arrays of points (k, 2), (V, w), where
    dV/dt = 0 and where dw/dt = 0, sorted by V (from an n × n grid, interpolated).
    """
    return analysis.nullclines(field_function(_planar(model), I), V_range, w_range, n)


def _trajectories(model, I, starts, t_stop, dt):
    """Simulated (V, w) paths from each start, in one batch."""
    from ..simulate import simulate

    if not starts:
        return []
    fields = model.state_names[1] + "_init"
    batch = [model.replace(V_init=float(V0), **{fields: float(w0)}) for V0, w0 in starts]
    res = simulate(batch, float(I), t_stop, dt)
    return [(res.state["V"][i], res.state[model.state_names[1]][i]) for i in range(len(batch))]


def plot_phase_plane(model, I, V_range, w_range, *, starts=(), t_stop=200.0, dt=None,
                     n_arrows=17, title=None, ax=None):
    """Vector field, nullclines, equilibria and trajectories of a two-variable model.

    Parameters
    ----------
    model : Model
        A model with two variables and no resets (MorrisLecar, FitzHughNagumo, ...).
    I : float
        The constant current.
    V_range, w_range : (float, float)
        The window.
    starts : sequence of (V, w)
        Initial states of trajectories drawn on top (simulated for ``t_stop`` ms); the
        model needs ``V_init`` and ``<second variable>_init`` fields.
    ax : matplotlib Axes, optional

    Equilibria are filled when stable and open when not, labelled by their kind.
    """
    import matplotlib.pyplot as plt

    model = _planar(model)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4.5))
    xlabel, ylabel = _labels(model)
    field = field_function(model, I)
    X, Y, dX, dY = analysis.vector_field(field, V_range, w_range, n_arrows)
    # scale each axis by its window, so arrows show direction in the drawn plane
    sx, sy = np.ptp(V_range), np.ptp(w_range)
    length = np.hypot(dX / sx, dY / sy) + 1e-300
    ax.quiver(X, Y, dX / sx / length, dY / sy / length, color="0.75", angles="uv",
              scale=n_arrows * 1.3, width=0.003)
    V_null, w_null = nullclines(model, I, V_range, w_range)
    ax.plot(*V_null.T, ".", ms=1.5, color="C0", label="V-nullcline (dV/dt = 0)")
    ax.plot(*w_null.T, ".", ms=1.5, color="C1", label=f"{ylabel}-nullcline (d{ylabel}/dt = 0)")
    for path in _trajectories(model, I, list(starts), t_stop, dt):
        ax.plot(*path, color="C3", lw=1.2)
        ax.plot(path[0][0], path[1][0], "x", color="C3")
    for eq in _equilibria_in(model, I, V_range, w_range):
        ax.plot(*eq.state, "o", color="k", mfc="k" if eq.stable else "w", ms=7, zorder=5)
        ax.annotate(eq.kind, eq.state, textcoords="offset points", xytext=(6, -12), fontsize=8)
    ax.set_xlim(V_range)
    ax.set_ylim(w_range)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title or f"{type(model).__name__}, I = {I:g} {model.units.current}")
    ax.legend(loc="upper left", fontsize="small", markerscale=6)
    return ax.figure


def plot_bifurcation(diagram, *, cycles=(), ax=None, title=None):
    """A bifurcation diagram: equilibrium V against I, solid where stable, dashed where not.

    Parameters
    ----------
    diagram : neurolab.phase_plane.BifurcationDiagram
        From :func:`neurolab.phase_plane.bifurcation_diagram`.
    cycles : neurolab.phase_plane.LimitCycles or list
        Simulated oscillations (:func:`neurolab.phase_plane.limit_cycles`): their lowest
        and highest V are drawn as dots.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    model = diagram.model
    for branch in diagram.branches:
        ax.plot(branch.I, branch.V, color="k", ls="-" if branch.stable else "--", lw=1.5)
    ax.plot([], [], "k-", label="stable equilibrium")
    ax.plot([], [], "k--", label="unstable equilibrium")
    for points, marker, name in ((diagram.saddle_nodes, "s", "saddle-node"), (diagram.hopf, "^", "Hopf")):
        if points:
            ax.plot([p.I for p in points], [p.state[0] for p in points], marker, color="C3",
                    ms=7, ls="none", label=name)
    cycles = [cycles] if hasattr(cycles, "V_max") else list(cycles)
    for k, c in enumerate(cycles):
        ax.plot(c.I, c.V_max, "o", color=f"C{k}", ms=3, ls="none",
                label="limit cycle: V max and min" if k == 0 else None)
        ax.plot(c.I, c.V_min, "o", color=f"C{k}", ms=3, ls="none")
    ax.set_xlim(diagram.I_range)
    ax.set_xlabel(f"I ({model.units.current})")
    ax.set_ylabel(f"V ({model.units.voltage})")
    if title:
        ax.set_title(title)
    ax.legend(fontsize="small")
    ax.figure.tight_layout()
    return ax.figure


def phase_plane_slider(model, currents, V_range, w_range, *, starts=(), t_stop=200.0, dt=None,
                       title=None):
    """A plotly phase portrait with a slider over the current (works without a kernel).

    For each current: both nullclines, the equilibria (filled if stable) and the
    trajectories from ``starts`` (see :func:`plot_phase_plane`).
    """
    import plotly.graph_objects as go

    from ..interactive import slider_figure

    model = _planar(model)
    xlabel, ylabel = _labels(model)

    def traces(I):
        V_null, w_null = nullclines(model, I, V_range, w_range, n=150)
        out = [go.Scatter(x=V_null[:, 0], y=V_null[:, 1], mode="markers", name="V-nullcline",
                          marker=dict(size=2, color="#1f77b4")),
               go.Scatter(x=w_null[:, 0], y=w_null[:, 1], mode="markers", name=f"{ylabel}-nullcline",
                          marker=dict(size=2, color="#ff7f0e"))]
        for k, (V, w) in enumerate(_trajectories(model, I, list(starts), t_stop, dt)):
            out.append(go.Scatter(x=V, y=w, mode="lines", name="trajectory",
                                  showlegend=k == 0, line=dict(color="#d62728", width=1.5)))
        eqs = _equilibria_in(model, I, V_range, w_range)
        out.append(go.Scatter(x=[e.state[0] for e in eqs], y=[e.state[1] for e in eqs],
                              mode="markers", name="equilibria (filled: stable)",
                              text=[e.kind for e in eqs], hoverinfo="text+x+y",
                              marker=dict(size=10, color=["black" if e.stable else "white" for e in eqs],
                                          line=dict(color="black", width=1.5))))
        return out

    fig = slider_figure(list(currents), traces, label=f"I ({model.units.current})",
                        xaxis_title=xlabel, yaxis_title=ylabel, title=title)
    fig.update_xaxes(range=list(V_range))
    fig.update_yaxes(range=list(w_range))
    return fig
