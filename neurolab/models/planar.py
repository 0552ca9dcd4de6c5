r"""Two-dimensional neurons: a membrane potential and one recovery variable.

* :class:`MorrisLecar`: a calcium current that is instantaneous and a slow potassium
  current (Morris & Lecar 1981), per unit area, with the two classic parameter sets
  :data:`MORRIS_LECAR_SNLC` (type I) and :data:`MORRIS_LECAR_HOPF` (type II);
* :class:`FitzHughNagumo`: the dimensionless cubic caricature (FitzHugh 1961);
* :class:`ReducedHodgkinHuxley`: Hodgkin–Huxley with m at its steady state and h tied
  linearly to n (Rinzel 1985), per unit area.

Each is an ordinary neurolab model (its :class:`~neurolab.models.Equations` are compiled
by the engine), and none resets, so :func:`neurolab.phase_plane.equilibria` and the rest
of :mod:`neurolab.phase_plane` apply. Spikes are upward crossings of ``spike_threshold``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from .. import _validation as check
from ._base import PER_AREA, Equations, Model, Units
from .hodgkin_huxley import GATE_M, GATE_N


class PlanarModel(Model):
    """What the two-variable models share: a start at rest and the recovery steady state.

    Subclasses provide ``recovery_inf(V)`` (the recovery variable's nullcline),
    ``steady_state_current(V)``, ``V_init``, the recovery variable's initial value and
    ``_rest_grid`` (where to look for the resting potential).
    """

    default_method: ClassVar[str] = "euler"
    _rest_grid: ClassVar[np.ndarray]

    def resting_potential(self) -> float | None:
        """The lowest V at which the steady-state current crosses zero upwards for zero
        input (a resting potential: stable along the I–V curve), or None."""
        from scipy.optimize import brentq

        V = self._rest_grid
        current = self.steady_state_current(V)
        up = np.flatnonzero((current[:-1] < 0) & (current[1:] >= 0))
        if up.size == 0:
            return None
        k = up[0]
        return float(brentq(self.steady_state_current, V[k], V[k + 1], xtol=1e-13, rtol=1e-15))

    def initial_state(self) -> np.ndarray:
        V0 = self.V_init
        if V0 is None:
            V0 = self.resting_potential()
            if V0 is None:
                raise ValueError(f"this {type(self).__name__} has no resting state for zero "
                                 "current; give V_init explicitly.")
        recovery = self._recovery_init
        return np.array([V0, self.recovery_inf(V0) if recovery is None else recovery])


# --- Morris-Lecar ----------------------------------------------------------------------
MORRIS_LECAR_EQUATIONS = Equations(
    name="morris_lecar",
    parameters=("C", "g_L", "g_Ca", "g_K", "E_L", "E_Ca", "E_K", "V1", "V2", "V3", "V4",
                "phi", "spike_threshold"),
    state=("V", "w"),
    intermediates=("m_inf = sigmoid(2.0 * (V - V1) / V2)",      # 0.5 (1 + tanh((V - V1)/V2))
                   "w_inf = sigmoid(2.0 * (V - V3) / V4)",
                   "rate_w = phi * 0.5 * (exp(0.5 * (V - V3) / V4) + exp(-0.5 * (V - V3) / V4))"),
    rhs=(("V", "-(g_L + g_Ca * m_inf + g_K * w) / C",
          "(g_L * E_L + g_Ca * m_inf * E_Ca + g_K * w * E_K + I) / C"),
         ("w", "-rate_w", "rate_w * w_inf")),
    threshold="spike_threshold")


def _tanh_sigmoid(V, V_half, width):
    """0.5 (1 + tanh((V - V_half) / width))."""
    return 0.5 * (1.0 + np.tanh((np.asarray(V, dtype=float) - V_half) / width))


@dataclass(frozen=True)
class MorrisLecar(PlanarModel):
    r"""The Morris–Lecar model (Morris & Lecar 1981), per unit membrane area.

    .. math::
        C \frac{dV}{dt} = -g_L (V - E_L) - g_{Ca}\, m_\infty(V) (V - E_{Ca})
                          - g_K\, w\, (V - E_K) + I(t), \qquad
        \frac{dw}{dt} = \phi\, \frac{w_\infty(V) - w}{\tau_w(V)}

    with :math:`m_\infty(V) = \tfrac12 (1 + \tanh((V - V_1)/V_2))`,
    :math:`w_\infty(V) = \tfrac12 (1 + \tanh((V - V_3)/V_4))` and
    :math:`\tau_w(V) = 1 / \cosh((V - V_3)/(2 V_4))`. The calcium activation is
    instantaneous; w is the fraction of open potassium channels. Defaults: the **Hopf
    set** of Rinzel & Ermentrout (1989) as tabulated by Ermentrout & Terman (2010), ch. 3
    (type II: a subcritical Hopf bifurcation near 93.9 µA/cm²); ``MORRIS_LECAR_SNLC``
    is their **SNLC set** (type I: a saddle-node on an invariant circle near
    39.96 µA/cm²).

    Parameters
    ----------
    C : float, default 20.0
        Membrane capacitance (µF/cm²).
    g_L, g_Ca, g_K : float, default 2.0, 4.4, 8.0
        Maximal conductances (mS/cm²).
    E_L, E_Ca, E_K : float, default -60.0, 120.0, -84.0
        Reversal potentials (mV).
    V1, V2 : float, default -1.2, 18.0
        Half-activation and slope of m_∞ (mV).
    V3, V4 : float, default 2.0, 30.0
        Half-activation and slope of w_∞ and τ_w (mV).
    phi : float, default 0.04
        Rate scale of w (1/ms).
    spike_threshold : float, default 0.0
        Spikes are upward crossings of this potential (mV).
    V_init : float or None, default None
        Initial potential (mV); ``None`` starts at rest for zero current.
    w_init : float or None, default None
        Initial w; ``None`` starts at w_∞(V_init) (at rest when V_init is None too).

    Notes
    -----
    Default integration: forward Euler with ``dt = 0.05`` ms (the fastest time scale,
    C over the total conductance, is about 1.4 ms). The bistability of the Hopf set is
    delicate: compare runs from two starting points at one dt.
    """

    C: float = 20.0
    g_L: float = 2.0
    g_Ca: float = 4.4
    g_K: float = 8.0
    E_L: float = -60.0
    E_Ca: float = 120.0
    E_K: float = -84.0
    V1: float = -1.2
    V2: float = 18.0
    V3: float = 2.0
    V4: float = 30.0
    phi: float = 0.04
    spike_threshold: float = 0.0
    V_init: float | None = None
    w_init: float | None = None

    state_names: ClassVar[tuple[str, ...]] = ("V", "w")
    units: ClassVar[Units] = PER_AREA
    default_dt: ClassVar[float] = 0.05
    _rest_grid: ClassVar[np.ndarray] = np.arange(-100.0, 60.0, 0.25)

    def __post_init__(self):
        check.fields(self, strictly_positive={"C": "µF/cm²", "phi": "1/ms"},
                     at_least_zero=dict.fromkeys(("g_L", "g_Ca", "g_K"), "mS/cm²"),
                     in_mV=("E_L", "E_Ca", "E_K", "V1", "V3", "spike_threshold")
                     + (() if self.V_init is None else ("V_init",)))
        for name in ("V2", "V4"):
            value = check.finite(name, getattr(self, name), "mV")
            if value == 0:
                raise ValueError(f"{name}=0 mV: a slope factor must be non-zero (e.g. {name}=18.0).")
            object.__setattr__(self, name, value)
        if self.w_init is not None:
            w = check.finite("w_init", self.w_init, "(a fraction)")
            if not 0.0 <= w <= 1.0:
                raise ValueError(f"w_init={w:g} is a fraction of open K⁺ channels: give a "
                                 "value between 0 and 1 (or None to start at w_∞(V_init)).")
            object.__setattr__(self, "w_init", w)

    @property
    def _recovery_init(self):
        return self.w_init

    def equations(self) -> Equations:
        return MORRIS_LECAR_EQUATIONS

    def m_inf(self, V):
        """Steady-state Ca²⁺ activation ½(1 + tanh((V − V1)/V2)) (dimensionless)."""
        return _tanh_sigmoid(V, self.V1, self.V2)

    def recovery_inf(self, V):
        """Steady-state K⁺ activation w_∞(V) = ½(1 + tanh((V − V3)/V4)): the w-nullcline."""
        return _tanh_sigmoid(V, self.V3, self.V4)

    w_inf = recovery_inf

    def tau_w(self, V):
        """Time constant of w, 1 / (φ cosh((V − V3)/(2 V4))) (ms)."""
        return 1.0 / (self.phi * np.cosh((np.asarray(V, dtype=float) - self.V3) / (2.0 * self.V4)))

    def steady_state_current(self, V):
        """Total ionic current (µA/cm², outward positive) with w at w_∞(V): the current
        I that holds the membrane at V, so equilibria lie where it equals the input."""
        V = np.asarray(V, dtype=float)
        return (self.g_L * (V - self.E_L) + self.g_Ca * self.m_inf(V) * (V - self.E_Ca)
                + self.g_K * self.w_inf(V) * (V - self.E_K))

    def max_dt(self, method: str) -> float:
        fastest = self.C / (self.g_L + self.g_Ca + self.g_K)      # ms
        return {"euler": 0.5, "rk4": 0.7, "exp_euler": 1.0}[method] * fastest


#: The SNLC set (type I) of Rinzel & Ermentrout (1989), as in Ermentrout & Terman (2010),
#: ch. 3: a saddle-node on an invariant circle at I ≈ 39.96 µA/cm².
MORRIS_LECAR_SNLC = MorrisLecar(g_Ca=4.0, V3=12.0, V4=17.4, phi=1.0 / 15.0)
#: The Hopf set (type II), the defaults of :class:`MorrisLecar`: a subcritical Hopf
#: bifurcation at I ≈ 93.9 µA/cm² (Rinzel & Ermentrout 1989; Ermentrout & Terman 2010).
MORRIS_LECAR_HOPF = MorrisLecar()


# --- FitzHugh-Nagumo -------------------------------------------------------------------
FITZHUGH_NAGUMO_EQUATIONS = Equations(
    name="fitzhugh_nagumo", parameters=("a", "b", "epsilon", "spike_threshold"),
    state=("V", "w"),
    rhs=(("V", "0.0", "V - V * V * V / 3.0 - w + I"),
         ("w", "-epsilon * b", "epsilon * (V + a)")),
    threshold="spike_threshold")


@dataclass(frozen=True)
class FitzHughNagumo(PlanarModel):
    r"""The FitzHugh–Nagumo model (FitzHugh 1961; Nagumo et al. 1962), dimensionless.

    .. math::
        \frac{dv}{dt} = v - \frac{v^3}{3} - w + I, \qquad
        \frac{dw}{dt} = \varepsilon\,(v + a - b\,w)

    Everything is dimensionless: v (the state ``"V"``), w, the current I and time. The
    engine still calls the time unit "ms", so a "rate" in Hz from a Result is 1000 over
    the period in time units. A cubic fast variable and a linear slow one caricature
    Hodgkin–Huxley's V and its recovery (n and h together). With the defaults the rest
    state loses stability in a Hopf bifurcation at I ≈ 0.331.

    Parameters
    ----------
    a : float, default 0.7
        Offset of the w-nullcline (dimensionless).
    b : float, default 0.8
        Slope factor of the w-nullcline, w = (v + a)/b (dimensionless).
    epsilon : float, default 0.08
        Time-scale ratio of recovery to excitation (dimensionless, small).
    spike_threshold : float, default 1.0
        Spikes are upward crossings of v over this value.
    V_init, w_init : float or None, default None
        Initial state; ``None`` starts at rest for zero current (w_init=None with a
        given V_init starts on the w-nullcline).

    Notes
    -----
    Default integration: forward Euler with ``dt = 0.01`` time units.
    """

    a: float = 0.7
    b: float = 0.8
    epsilon: float = 0.08
    spike_threshold: float = 1.0
    V_init: float | None = None
    w_init: float | None = None

    state_names: ClassVar[tuple[str, ...]] = ("V", "w")
    units: ClassVar[Units] = Units(current="a.u.", capacitance="", conductance="",
                                   voltage="a.u.", time="a.u.")
    default_dt: ClassVar[float] = 0.01
    _rest_grid: ClassVar[np.ndarray] = np.arange(-3.0, 3.0, 0.005)

    def __post_init__(self):
        check.fields(self, strictly_positive={"epsilon": "(dimensionless)"},
                     any_real={"a": "(dimensionless)", "b": "(dimensionless)",
                               "spike_threshold": "(dimensionless)"})
        for name in ("V_init", "w_init"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, check.finite(name, getattr(self, name), "(dimensionless)"))
        if self.b == 0:
            raise ValueError("b=0 makes the w-nullcline vertical (w = (v + a)/b): give b > 0, "
                             "e.g. the classic b=0.8.")

    @property
    def _recovery_init(self):
        return self.w_init

    def equations(self) -> Equations:
        return FITZHUGH_NAGUMO_EQUATIONS

    def recovery_inf(self, V):
        """The w-nullcline, w = (v + a)/b."""
        return (np.asarray(V, dtype=float) + self.a) / self.b

    def steady_state_current(self, V):
        """The input I that makes v an equilibrium: v³/3 − v + (v + a)/b."""
        V = np.asarray(V, dtype=float)
        return V ** 3 / 3.0 - V + self.recovery_inf(V)

    def max_dt(self, method: str) -> float:
        return {"euler": 0.1, "rk4": 0.2, "exp_euler": 0.1}[method]


# --- Hodgkin-Huxley reduced to two dimensions ------------------------------------------
def _reduced_hh_equations():
    """m at m_∞(V) and h = max(0, h_intercept − h_slope n): HH's own rate code for m, n."""
    m_values, m_lines, _ = GATE_M.code(0)
    n_values, n_lines, n_rhs = GATE_N.code(1)
    rates = {**m_values, **n_values}
    equations = Equations(
        name="reduced_hodgkin_huxley",
        parameters=("C", "g_Na", "g_K", "g_L", "E_Na", "E_K", "E_L", "h_intercept", "h_slope",
                    "spike_threshold", *rates),
        state=("V", "n"),
        intermediates=(*m_lines, *n_lines, "m_inf = _r0 / (_r0 + _r1)",
                       "h = max(0.0, h_intercept - h_slope * n)",
                       "G_Na = g_Na * m_inf * m_inf * m_inf * h", "G_K = g_K * n * n * n * n"),
        rhs=(("V", "-(G_Na + G_K + g_L) / C", "(G_Na * E_Na + G_K * E_K + g_L * E_L + I) / C"),
             n_rhs),
        threshold="spike_threshold")
    return equations, rates


REDUCED_HH_EQUATIONS, _REDUCED_HH_RATES = _reduced_hh_equations()


@dataclass(frozen=True)
class ReducedHodgkinHuxley(PlanarModel):
    r"""Hodgkin–Huxley reduced to V and n (Rinzel 1985), per unit membrane area.

    .. math::
        C \frac{dV}{dt} = -\bar g_{Na}\, m_\infty(V)^3\, h(n)\, (V - E_{Na})
                          - \bar g_K n^4 (V - E_K) - g_L (V - E_L) + I(t)

    with n as in :class:`~neurolab.models.HodgkinHuxley`, m at its steady state (m is
    ten times faster than the rest) and h slaved to n along the straight line
    :math:`h = h_0 - h_1 n` (clipped at 0) that h and n follow during a spike.
    Rinzel's line is h ≈ 0.89 − 1.1 n (the defaults); fit your own from a full HH run.

    Parameters
    ----------
    C, g_Na, g_K, g_L, E_Na, E_K, E_L : float
        As in :class:`~neurolab.models.HodgkinHuxley` (µF/cm², mS/cm², mV).
    h_intercept, h_slope : float, default 0.89, 1.1
        The line h = h_intercept − h_slope · n (dimensionless).
    spike_threshold : float, default 0.0
        Spikes are upward crossings of this potential (mV).
    V_init, n_init : float or None, default None
        Initial state; ``None`` starts at rest for zero current (n_init=None with a
        given V_init starts at n_∞(V_init)).

    Notes
    -----
    Default integration: forward Euler with ``dt = 0.01`` ms, as for the full model.
    """

    C: float = 1.0
    g_Na: float = 120.0
    g_K: float = 36.0
    g_L: float = 0.3
    E_Na: float = 50.0
    E_K: float = -77.0
    E_L: float = -54.387
    h_intercept: float = 0.89
    h_slope: float = 1.1
    spike_threshold: float = 0.0
    V_init: float | None = None
    n_init: float | None = None

    state_names: ClassVar[tuple[str, ...]] = ("V", "n")
    units: ClassVar[Units] = PER_AREA
    default_dt: ClassVar[float] = 0.01
    _rest_grid: ClassVar[np.ndarray] = np.arange(-100.0, 60.0, 0.25)

    def __post_init__(self):
        check.fields(self, strictly_positive={"C": "µF/cm²"},
                     at_least_zero=dict.fromkeys(("g_Na", "g_K", "g_L"), "mS/cm²"),
                     any_real={"h_intercept": "(dimensionless)", "h_slope": "(dimensionless)"},
                     in_mV=("E_Na", "E_K", "E_L", "spike_threshold")
                     + (() if self.V_init is None else ("V_init",)))
        if self.n_init is not None:
            n = check.finite("n_init", self.n_init, "(a fraction)")
            if not 0.0 <= n <= 1.0:
                raise ValueError(f"n_init={n:g} must lie between 0 and 1 (or be None).")
            object.__setattr__(self, "n_init", n)

    @property
    def _recovery_init(self):
        return self.n_init

    def equations(self) -> Equations:
        return REDUCED_HH_EQUATIONS

    def parameters(self) -> np.ndarray:
        names = REDUCED_HH_EQUATIONS.parameters
        own = [getattr(self, name) for name in names[:-len(_REDUCED_HH_RATES)]]
        return np.array(own + list(_REDUCED_HH_RATES.values()), dtype=float)

    def h_of_n(self, n):
        """h on the line h = max(0, h_intercept − h_slope n)."""
        return np.maximum(0.0, self.h_intercept - self.h_slope * np.asarray(n, dtype=float))

    def recovery_inf(self, V):
        """n_∞(V), the n-nullcline."""
        return GATE_N.inf(V)

    def steady_state_current(self, V):
        """Total ionic current (µA/cm², outward positive) with n = n_∞(V), m = m_∞(V)."""
        V = np.asarray(V, dtype=float)
        n = GATE_N.inf(V)
        return (self.g_Na * GATE_M.inf(V) ** 3 * self.h_of_n(n) * (V - self.E_Na)
                + self.g_K * n ** 4 * (V - self.E_K) + self.g_L * (V - self.E_L))

    def max_dt(self, method: str) -> float:
        return {"euler": 0.055, "rk4": 0.085, "exp_euler": 0.1}[method]
