"""Static figures with matplotlib: traces, f–I curves, phase planes.

Every figure labels its axes with units taken from the model (pA or µA/cm² ...).
Functions return the matplotlib Figure.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from . import analysis


def _units(result):
    model = result.model[0] if result.batched else result.model
    return model.units


def plot_trace(result, *, state=None, show_stimulus=True, title=None, ax=None):
    """Membrane potential over time (spikes marked), with the stimulus below it.

    Parameters
    ----------
    result : Result
        A single run, or a batch (every run is drawn).
    state : sequence of str, optional
        Extra state variables to draw in their own panel (e.g. ``["m", "h", "n"]``).
    show_stimulus : bool
        Draw the injected current in a panel below.
    ax : matplotlib Axes, optional
        Draw only the voltage, into this Axes.
    """
    units = _units(result)
    runs = [result[i] for i in range(len(result))] if result.batched else [result]
    if ax is not None:
        fig, axes = ax.figure, [ax]
        show_stimulus, state = False, None
    else:
        rows = 1 + bool(state) + bool(show_stimulus)
        ratios = [3] + [1.5] * bool(state) + [1] * bool(show_stimulus)
        fig, axes = plt.subplots(rows, 1, sharex=True, figsize=(7, 1.6 + 1.2 * sum(ratios) / 2),
                                 gridspec_kw={"height_ratios": ratios}, squeeze=False)
        axes = list(axes[:, 0])
    for run in runs:
        line, = axes[0].plot(run.t, run.v, lw=1)
        if len(run.spike_times):
            marker_v = np.interp(run.spike_times, run.t, run.v)
            axes[0].plot(run.spike_times, np.maximum(marker_v, np.max(run.v)) + 2, "v",
                         color=line.get_color(), ms=4, ls="none")
    axes[0].set_ylabel(f"V ({units.voltage})")
    row = 1
    if state:
        for name in state:
            axes[row].plot(result.t, result.state[name].T, lw=1, label=name)
        axes[row].set_ylabel("gating / state")
        axes[row].legend(loc="upper right", fontsize="small")
        row += 1
    if show_stimulus:
        axes[row].plot(result.t, np.atleast_2d(result.I).T, lw=1, color="0.3")
        axes[row].set_ylabel(f"I ({units.current})")
    axes[-1].set_xlabel(f"time ({units.time})")
    if title:
        axes[0].set_title(title)
    fig.tight_layout()
    return fig


def plot_fi(currents, rates, *, labels=None, current_unit="pA", title=None, ax=None):
    """An f–I curve: firing rate (Hz) against injected current.

    ``rates`` may be one array or a list of arrays (several curves, named by ``labels``).
    """
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 4))
    rates_list = [rates] if np.ndim(rates[0]) == 0 else list(rates)
    for i, r in enumerate(rates_list):
        ax.plot(currents, r, "o-", ms=3, label=None if labels is None else labels[i])
    ax.set_xlabel(f"injected current ({current_unit})")
    ax.set_ylabel("firing rate (Hz)")
    if labels is not None:
        ax.legend()
    if title:
        ax.set_title(title)
    ax.figure.tight_layout()
    return ax.figure


def plot_phase_plane(field, x_range, y_range, *, trajectory=None, xlabel="V (mV)",
                     ylabel="w", n_arrows=20, title=None, ax=None):
    """Vector field, nullclines and fixed points of a 2-D system ``field(x, y)``.

    ``trajectory`` is an optional pair of arrays (x(t), y(t)) drawn on top.
    """
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 5))
    X, Y, dX, dY = analysis.vector_field(field, x_range, y_range, n_arrows)
    ax.quiver(X, Y, dX, dY, color="0.7", angles="xy")
    x_null, y_null = analysis.nullclines(field, x_range, y_range)
    ax.plot(*x_null.T, ".", ms=1.5, color="C0", label=f"d{xlabel.split()[0]}/dt = 0")
    ax.plot(*y_null.T, ".", ms=1.5, color="C1", label=f"d{ylabel.split()[0]}/dt = 0")
    for fp in analysis.fixed_points(field, x_range, y_range):
        ax.plot(fp["x"], fp["y"], "o", color="k", mfc="k" if fp["stable"] else "w", ms=7)
    if trajectory is not None:
        ax.plot(*trajectory, color="C3", lw=1.2, label="trajectory")
    ax.set_xlim(x_range)
    ax.set_ylim(y_range)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(loc="upper left", fontsize="small", markerscale=6)
    if title:
        ax.set_title(title)
    return ax.figure
