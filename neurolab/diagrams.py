"""Schematic figures for the book, drawn when a chapter runs (nothing is stored as an image).

Circuits are drawn with `schemdraw <https://schemdraw.readthedocs.io>`_ onto matplotlib
axes; the other diagrams are plain matplotlib. Every function returns the matplotlib
``Figure``, so a notebook cell that calls one shows it like any other plot (and the cell's
``mystnb`` metadata can give it alt text).

Functions
---------
rc_circuit
    The passive membrane: a capacitor in parallel with a leak conductance and its battery.
hh_circuit
    The Hodgkin–Huxley membrane: capacitor, three conductances with batteries, a current source.
two_state_gate
    A gate flipping between closed and open with the rates alpha(V) and beta(V).
synapse_time_course
    A presynaptic spike and the conductance it opens (rise and decay).
ping_loop
    The excitatory–inhibitory loop that makes PING gamma rhythms.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

__all__ = ["rc_circuit", "hh_circuit", "two_state_gate", "synapse_time_course", "ping_loop"]

_UNIT = 2.0          # schemdraw's default element length


def _schemdraw():
    try:
        import schemdraw
        import schemdraw.elements as elm
    except ImportError as error:   # pragma: no cover - schemdraw is in requirements.txt
        raise ImportError("neurolab.diagrams draws circuits with schemdraw: "
                          "`pip install schemdraw` (the book pins it in requirements.txt).") from error
    return schemdraw, elm


def _circuit_axes(width: float, height: float):
    fig, ax = plt.subplots(figsize=(width, height))
    ax.set_axis_off()
    return fig, ax


def _branch(d, elm, x: float, top: float, bottom: float, conductance: str, battery: str | None,
            variable: bool = False):
    """One vertical branch from the inside rail (top) to the outside rail (bottom) at x."""
    d.add(elm.Dot().at((x, top)))
    resistor = elm.ResistorVar if variable else elm.Resistor
    d.add(resistor().at((x, top)).down().length(_UNIT).label(conductance, loc="bottom"))
    if battery is None:
        d.add(elm.Line().down().toy(bottom))
    else:
        d.add(elm.Battery().down().toy(bottom).reverse().label(battery, loc="bottom"))
    d.add(elm.Dot().at((x, bottom)))


def _finish_circuit(d, ax):
    """Draw onto the axes, with room for the "inside"/"outside" labels."""
    d.draw(show=False)
    low, high = ax.get_ylim()
    ax.set_ylim(low - 0.6, high + 0.6)
    ax.set_axis_off()


def _rails_and_source(d, elm, x_right: float, top: float, bottom: float, source_label: str):
    d.add(elm.Line().at((0.0, top)).to((x_right, top)))
    d.add(elm.Line().at((0.0, bottom)).to((x_right, bottom)))
    d.add(elm.SourceI().at((x_right, bottom)).up().toy(top).label(source_label, loc="bottom"))
    d.add(elm.Label().at((x_right / 2, top + 0.5)).label("inside"))
    d.add(elm.Label().at((x_right / 2, bottom - 0.5)).label("outside"))


def _membrane_circuit(width: float, branches):
    """C on the left, then one conductance-and-battery branch per ``branches`` item
    ``(conductance label, battery label, variable?)``, then the current source."""
    schemdraw, elm = _schemdraw()
    fig, ax = _circuit_axes(width, 3.4 if len(branches) == 1 else 3.6)
    top, bottom, step = 0.0, -2 * _UNIT, 2.6
    with schemdraw.Drawing(canvas=ax, show=False) as d:
        d.config(fontsize=12)
        d.add(elm.Dot().at((0.0, top)))
        d.add(elm.Capacitor().at((0.0, top)).down().toy(bottom).label("$C$", loc="bottom"))
        d.add(elm.Dot().at((0.0, bottom)))
        for k, (conductance, battery, variable) in enumerate(branches, start=1):
            _branch(d, elm, k * step, top, bottom, conductance, battery, variable)
        _rails_and_source(d, elm, (len(branches) + 1) * step, top, bottom, "$I(t)$")
    _finish_circuit(d, ax)
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.02, top=0.98)
    return fig


def rc_circuit():
    """The passive membrane as an RC circuit: C dV/dt = -g_L (V - E_L) + I.

    Returns
    -------
    matplotlib.figure.Figure
    """
    return _membrane_circuit(5.0, [("$g_L$", "$E_L$", False)])


def hh_circuit():
    """The Hodgkin–Huxley membrane: C in parallel with g_Na, g_K, g_L and their batteries.

    The sodium and potassium conductances are drawn as variable resistors: they depend on V
    and time through the gates m, h and n.

    Returns
    -------
    matplotlib.figure.Figure
    """
    return _membrane_circuit(8.0, [("$\\bar g_{Na} m^3 h$", "$E_{Na}$", True),
                                   ("$\\bar g_K n^4$", "$E_K$", True), ("$g_L$", "$E_L$", False)])


def _box(ax, xy, text, color):
    x, y = xy
    ax.add_patch(FancyBboxPatch((x - 1.1, y - 0.45), 2.2, 0.9, boxstyle="round,pad=0.1",
                                facecolor=color, edgecolor="black"))
    ax.text(x, y, text, ha="center", va="center", fontsize=12)


def _arrow(ax, start, end, text, text_xy, curvature=0.0, color="black"):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=18, lw=1.6,
                                 color=color, connectionstyle=f"arc3,rad={curvature}"))
    ax.text(*text_xy, text, ha="center", va="center", fontsize=12, color=color)


def two_state_gate():
    """A two-state gate: closed (fraction 1 - x) and open (fraction x), with rates alpha and beta.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = plt.subplots(figsize=(6.0, 2.6))
    _box(ax, (0.0, 0.0), "closed\nfraction $1 - x$", "0.92")
    _box(ax, (5.0, 0.0), "open\nfraction $x$", "#cde6c7")
    _arrow(ax, (1.3, 0.25), (3.7, 0.25), "$\\alpha_x(V)$  (1/ms)", (2.5, 0.95), curvature=-0.25)
    _arrow(ax, (3.7, -0.25), (1.3, -0.25), "$\\beta_x(V)$  (1/ms)", (2.5, -0.95), curvature=-0.25)
    ax.text(2.5, -1.65, "$dx/dt = \\alpha_x(V)\\,(1 - x) - \\beta_x(V)\\,x$", ha="center", fontsize=12)
    ax.set_xlim(-1.5, 6.5)
    ax.set_ylim(-2.0, 1.4)
    ax.set_axis_off()
    fig.tight_layout()
    return fig


def synapse_time_course(tau_rise: float = 0.5, tau_decay: float = 5.0, g_max: float = 1.0):
    """A presynaptic spike at t = 0 and the conductance it opens (dual exponential).

    Parameters
    ----------
    tau_rise, tau_decay : float
        Rise and decay time constants (ms), tau_rise < tau_decay.
    g_max : float
        Peak conductance (nS).

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not 0.0 < tau_rise < tau_decay:
        raise ValueError(f"need 0 < tau_rise < tau_decay (ms), got tau_rise={tau_rise}, tau_decay={tau_decay}.")
    t = np.linspace(-5.0, 30.0, 1401)                                          # ms
    t_peak = tau_rise * tau_decay / (tau_decay - tau_rise) * np.log(tau_decay / tau_rise)
    shape = np.where(t >= 0.0, np.exp(-t / tau_decay) - np.exp(-t / tau_rise), 0.0)
    g = g_max * shape / (np.exp(-t_peak / tau_decay) - np.exp(-t_peak / tau_rise))

    fig, (ax_spike, ax_g) = plt.subplots(2, 1, sharex=True, figsize=(6.5, 3.8), height_ratios=[1, 3])
    ax_spike.vlines(0.0, 0.0, 1.0, color="black", lw=2)
    ax_spike.set_yticks([])
    ax_spike.set_ylabel("presynaptic\nspike", fontsize=9)
    ax_g.plot(t, g, color="tab:green", lw=2)
    ax_g.axhline(g_max, color="0.6", ls=":", lw=1)
    ax_g.axvline(t_peak, color="0.6", ls=":", lw=1)
    ax_g.annotate(f"peak $g_{{max}}$ at $t_{{peak}}$ = {t_peak:.2f} ms", (t_peak, g_max),
                  xytext=(t_peak + 4.0, 0.92 * g_max), arrowprops=dict(arrowstyle="->"))
    ax_g.annotate(f"rise, $\\tau_r$ = {tau_rise:g} ms", (0.4 * t_peak, 0.6 * g_max),
                  xytext=(-4.8, 0.8 * g_max), arrowprops=dict(arrowstyle="->"))
    k_decay = np.searchsorted(t, t_peak + tau_decay)
    ax_g.annotate(f"decay, $\\tau_d$ = {tau_decay:g} ms", (t[k_decay], g[k_decay]),
                  xytext=(t[k_decay] + 5.0, g[k_decay] + 0.2 * g_max), arrowprops=dict(arrowstyle="->"))
    ax_g.set_xlabel("time after the presynaptic spike (ms)")
    ax_g.set_ylabel("conductance g(t) (nS)")
    ax_g.set_ylim(-0.05 * g_max, 1.15 * g_max)
    fig.tight_layout()
    return fig


def ping_loop():
    """The E-I loop of a PING rhythm: drive -> E -> I -> (inhibition) -> E, one gamma cycle.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = plt.subplots(figsize=(7.0, 3.6))
    centres = {"E": (0.0, 0.0), "I": (5.0, 0.0)}
    colors = {"E": "#f4c7c3", "I": "#c6d9f0"}
    labels = {"E": "E\nexcitatory\n(pyramidal)", "I": "I\ninhibitory\n(fast-spiking)"}
    for name, (x, y) in centres.items():
        ax.add_patch(Circle((x, y), 1.1, facecolor=colors[name], edgecolor="black", lw=1.5))
        ax.text(x, y, labels[name], ha="center", va="center", fontsize=11)
    _arrow(ax, (1.0, 0.5), (4.0, 0.5), "AMPA: E makes I fire\n(a few ms later)", (2.5, 1.45),
           curvature=-0.3, color="tab:red")
    _arrow(ax, (4.0, -0.5), (1.0, -0.5), "GABA$_A$: I silences E\n(for about the decay time)", (2.5, -1.5),
           curvature=-0.3, color="tab:blue")
    _arrow(ax, (-3.3, 0.0), (-1.15, 0.0), "steady\ndrive", (-2.6, 0.55))
    ax.text(2.5, -2.45, "one cycle: E fires, I fires, inhibition decays, E fires again (gamma, 30-80 Hz)",
            ha="center", fontsize=10)
    ax.set_xlim(-3.5, 6.6)
    ax.set_ylim(-2.7, 2.2)
    ax.set_aspect("equal")
    ax.set_axis_off()
    fig.tight_layout()
    return fig
