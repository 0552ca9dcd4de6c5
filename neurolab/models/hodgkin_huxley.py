"""The Hodgkin–Huxley (1952) model of the squid giant axon, in the modern convention.

Potentials are absolute (rest at −65 mV), not depolarisations from rest as in the 1952
paper; the rates are the paper's with V_paper = V + 65 (Dayan & Abbott 2001, ch. 5.6).
The paper's sign convention for V is also flipped to the modern one. Temperature 6.3 °C.
"""
from __future__ import annotations

from dataclasses import dataclass

from .. import _validation as check
from .conductance import Channel, ConductanceBased, Gate, Rate

# The six rate functions (1/ms, V in mV). linoid(x) = x / (1 - exp(-x)).
ALPHA_M = Rate("linoid", scale=1.0, V_half=-40.0, k=10.0)      # 0.1 (V+40) / (1 - exp(-(V+40)/10))
BETA_M = Rate("exp", scale=4.0, V_half=-65.0, k=-18.0)         # 4 exp(-(V+65)/18)
ALPHA_H = Rate("exp", scale=0.07, V_half=-65.0, k=-20.0)       # 0.07 exp(-(V+65)/20)
BETA_H = Rate("sigmoid", scale=1.0, V_half=-35.0, k=10.0)      # 1 / (1 + exp(-(V+35)/10))
ALPHA_N = Rate("linoid", scale=0.1, V_half=-55.0, k=10.0)      # 0.01 (V+55) / (1 - exp(-(V+55)/10))
BETA_N = Rate("exp", scale=0.125, V_half=-65.0, k=-80.0)       # 0.125 exp(-(V+65)/80)

GATE_M = Gate("m", power=3, alpha=ALPHA_M, beta=BETA_M)
GATE_H = Gate("h", power=1, alpha=ALPHA_H, beta=BETA_H)
GATE_N = Gate("n", power=4, alpha=ALPHA_N, beta=BETA_N)


def alpha_m(V):
    """Na⁺ activation opening rate 0.1 (V+40) / (1 − exp(−(V+40)/10)) (1/ms; V in mV).

    Exactly 1.0 at V = −40 mV, where the formula is 0/0.
    """
    return ALPHA_M(V)


def beta_m(V):
    """Na⁺ activation closing rate 4 exp(−(V+65)/18) (1/ms; V in mV)."""
    return BETA_M(V)


def alpha_h(V):
    """Na⁺ inactivation removal rate 0.07 exp(−(V+65)/20) (1/ms; V in mV)."""
    return ALPHA_H(V)


def beta_h(V):
    """Na⁺ inactivation rate 1 / (1 + exp(−(V+35)/10)) (1/ms; V in mV)."""
    return BETA_H(V)


def alpha_n(V):
    """K⁺ activation opening rate 0.01 (V+55) / (1 − exp(−(V+55)/10)) (1/ms; V in mV).

    Exactly 0.1 at V = −55 mV, where the formula is 0/0.
    """
    return ALPHA_N(V)


def beta_n(V):
    """K⁺ activation closing rate 0.125 exp(−(V+65)/80) (1/ms; V in mV)."""
    return BETA_N(V)


def m_inf(V):
    """Steady state of m, α_m / (α_m + β_m) (dimensionless)."""
    return GATE_M.inf(V)


def h_inf(V):
    """Steady state of h, α_h / (α_h + β_h) (dimensionless)."""
    return GATE_H.inf(V)


def n_inf(V):
    """Steady state of n, α_n / (α_n + β_n) (dimensionless)."""
    return GATE_N.inf(V)


def tau_m(V):
    """Time constant of m, 1 / (α_m + β_m) (ms)."""
    return GATE_M.tau(V)


def tau_h(V):
    """Time constant of h, 1 / (α_h + β_h) (ms)."""
    return GATE_H.tau(V)


def tau_n(V):
    """Time constant of n, 1 / (α_n + β_n) (ms)."""
    return GATE_N.tau(V)


@dataclass(frozen=True)
class HodgkinHuxley(ConductanceBased):
    r"""The Hodgkin–Huxley model (Hodgkin & Huxley 1952), per unit membrane area.

    .. math::
        C \frac{dV}{dt} = -\bar g_{Na} m^3 h (V - E_{Na}) - \bar g_K n^4 (V - E_K)
                          - g_L (V - E_L) + I(t)

    with :math:`dx/dt = \alpha_x(V)(1-x) - \beta_x(V)x` for x = m, h, n and the rates
    :func:`~neurolab.models.hodgkin_huxley.alpha_m` … :func:`~neurolab.models.hodgkin_huxley.beta_n`. It is a :class:`~neurolab.models.ConductanceBasedNeuron` with three
    channels (``channels`` builds them), so every analysis of that class applies.

    Parameters
    ----------
    C : float, default 1.0
        Membrane capacitance (µF/cm²).
    g_Na, g_K, g_L : float, default 120.0, 36.0, 0.3
        Maximal conductances (mS/cm²).
    E_Na, E_K, E_L : float, default 50.0, -77.0, -54.387
        Reversal potentials (mV): the 1952 values, 115, −12 and 10.613 mV from a rest of
        −65 mV. (Part of the course notes uses 120 mV from rest, +55 mV, as some texts do;
        it raises the spike peak by about 5 mV.) E_L makes the resting potential −65 mV.
    spike_threshold : float, default 0.0
        Spikes are upward crossings of this potential (mV).
    V_init : float or None, default None
        Initial potential (mV); ``None`` starts at rest with the gates at steady state.

    Notes
    -----
    Default integration: forward Euler with ``dt = 0.01`` ms, which reproduces the f–I
    curve of a tight-tolerance reference within 0.1 Hz (68.3 Hz at 10 µA/cm²). Euler
    needs ``dt <= 0.05`` ms (it fails from 0.06 ms); ``method="rk4"`` is exact to 0.001 Hz
    up to 0.05 ms; ``method="exp_euler"`` at 0.05 ms is 1.5–4 Hz low.
    Strong hyperpolarisation is the exception: below about −120 mV the m gate's time
    constant falls under 0.006 ms, so forward Euler at 0.01 ms diverges (with a clear
    error) under steps below about −25 µA/cm²; use ``method="exp_euler"`` for those.
    """

    C: float = 1.0
    g_Na: float = 120.0
    g_K: float = 36.0
    g_L: float = 0.3
    E_Na: float = 50.0
    E_K: float = -77.0
    E_L: float = -54.387
    spike_threshold: float = 0.0
    V_init: float | None = None

    def __post_init__(self):
        self._check_common()
        check.fields(self, at_least_zero=dict.fromkeys(("g_Na", "g_K", "g_L"), "mS/cm²"),
                     in_mV=("E_Na", "E_K", "E_L"))
        check.ordered("E_K", self.E_K, "E_Na", self.E_Na, "mV")
        if 0 < self.g_Na < 1 and 0 < self.g_K < 1:
            raise ValueError(f"g_Na={self.g_Na:g} and g_K={self.g_K:g} mS/cm² are about 1000 times "
                             f"below the squid axon's (120 and 36 mS/cm²): they look like S/cm². "
                             f"Did you mean g_Na={self.g_Na * 1e3:g}, g_K={self.g_K * 1e3:g} (mS/cm²)?")
        self._check_threshold()

    @property
    def channels(self) -> tuple[Channel, ...]:
        """The sodium, potassium and leak channels of this parameter set."""
        return (
            Channel("Na", self.g_Na, self.E_Na, (GATE_M, GATE_H)),
            Channel("K", self.g_K, self.E_K, (GATE_N,)),
            Channel("L", self.g_L, self.E_L),
        )
