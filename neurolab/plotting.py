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


def _check_result(result, state):
    from .result import Result

    if not isinstance(result, Result):
        raise TypeError(f"result must be what neurolab.simulate returns (a Result), not "
                        f"{type(result).__name__}.")
    if result._trace is None:
        raise ValueError("this run was made with record=False, so it has no traces to plot; "
                         "simulate again with record=True.")
    if state is None:
        return None
    names = [state] if isinstance(state, str) else list(state)
    unknown = [name for name in names if name not in result.state]
    if unknown:
        raise ValueError(f"state {unknown[0]!r} is not a state variable of "
                         f"{type(result.model[0] if result.batched else result.model).__name__}; "
                         f"it has {', '.join(map(repr, result.state))}.")
    return names


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
    state = _check_result(result, state)
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
    currents = np.asarray(currents, dtype=float)
    if currents.ndim != 1 or currents.size == 0:
        raise ValueError(f"currents must be a non-empty 1-D sequence of numbers, got shape {currents.shape}.")
    try:
        rates_list = [np.asarray(rates, dtype=float)] if np.ndim(rates) == 1 else \
            [np.asarray(r, dtype=float) for r in rates]
    except (TypeError, ValueError):
        raise TypeError("rates must be an array of firing rates (Hz), or a list of such arrays.") from None
    for r in rates_list:
        if r.shape != currents.shape:
            raise ValueError(f"rates of shape {r.shape} do not match the {currents.size} currents; "
                             "give one rate per current (a list of arrays for several curves).")
    if labels is not None and len(labels) != len(rates_list):
        raise ValueError(f"{len(labels)} labels for {len(rates_list)} curves.")
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 4))
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
