"""Spike-rate adaptation: a LIF with an adaptation conductance, and the adaptive
exponential integrate-and-fire neuron (AdEx) with the firing patterns of Naud et al. (2008)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from .. import _validation as check
from ._base import Equations, Model
from .integrate_and_fire import LIF
from .passive import STABILITY_LIMIT

ADAPTIVE_LIF_EQUATIONS = Equations(
    name="adaptive_lif",
    parameters=("C", "g_L", "E_L", "V_th", "V_reset", "t_ref", "E_K", "Delta_G_sra", "tau_sra"),
    state=("V", "G_sra"),
    rhs=(("V", "-(g_L + G_sra) / C", "(g_L * E_L + G_sra * E_K + I) / C"),
         ("G_sra", "-1.0 / tau_sra", "0.0")),
    threshold="V_th", reset=("V = V_reset", "G_sra = G_sra + Delta_G_sra"), refractory="t_ref")


@dataclass(frozen=True)
class AdaptiveLIF(LIF):
    r"""LIF with a spike-rate-adaptation conductance (Miller 2018, tutorial 5.1).

    .. math::
        C \frac{dV}{dt} = -g_L (V - E_L) - G_{sra}(t) (V - E_K) + I(t), \qquad
        \tau_{sra} \frac{dG_{sra}}{dt} = -G_{sra}

    At each spike V is reset to ``V_reset`` (and held for ``t_ref``) and
    :math:`G_{sra}` jumps by ``Delta_G_sra``; the growing K⁺-like conductance lengthens
    successive inter-spike intervals.

    Parameters
    ----------
    C, g_L, E_L, V_th, V_reset, t_ref
        As in :class:`LIF` (pF, nS, mV, ms); defaults 100 pF, 10 nS, -75, -50, -80 mV, 0 ms.
    E_K : float, default -80.0
        Reversal potential of the adaptation conductance (mV).
    Delta_G_sra : float, default 1.0
        Jump of the adaptation conductance at each spike (nS).
    tau_sra : float, default 200.0
        Its decay time constant (ms).
    """

    E_L: float = -75.0
    V_reset: float = -80.0
    t_ref: float = 0.0
    E_K: float = -80.0
    Delta_G_sra: float = 1.0
    tau_sra: float = 200.0

    state_names: ClassVar[tuple[str, ...]] = ("V", "G_sra")

    def __post_init__(self):
        super().__post_init__()
        check.fields(self, strictly_positive={"tau_sra": "ms"},
                     at_least_zero={"Delta_G_sra": "nS"}, in_mV=("E_K",))

    def equations(self) -> Equations:
        return ADAPTIVE_LIF_EQUATIONS

    def initial_state(self) -> np.ndarray:
        return np.array([self.E_L, 0.0])


# The exponential is evaluated at min(V, V_peak): below the cut-off nothing changes, and a
# step that would overshoot to infinity lands far above V_peak instead, where the reset
# catches it (every method, even RK4's intermediate stages, stays finite).
ADEX_EQUATIONS = Equations(
    name="adex",
    parameters=("C", "g_L", "E_L", "V_T", "Delta_T", "a", "tau_w", "b", "V_r", "V_peak"),
    state=("V", "w"),
    rhs=(("V", "-g_L / C",
          "(g_L * E_L + g_L * Delta_T * exp((min(V, V_peak) - V_T) / Delta_T) - w + I) / C"),
         ("w", "-1.0 / tau_w", "a * (V - E_L) / tau_w")),
    threshold="V_peak", reset=("V = V_r", "w = w + b"))


@dataclass(frozen=True)
class AdEx(Model):
    r"""Adaptive exponential integrate-and-fire neuron (Brette & Gerstner 2005).

    .. math::
        C \frac{dV}{dt} = -g_L (V - E_L) + g_L \Delta_T e^{(V - V_T)/\Delta_T} - w + I(t),
        \qquad \tau_w \frac{dw}{dt} = a (V - E_L) - w

    The exponential term makes V blow up in finite time once it passes :math:`V_T`; the
    spike is V reaching the cut-off ``V_peak``, after which :math:`V \to V_r` and
    :math:`w \to w + b`. ``a`` couples w to the subthreshold voltage, ``b`` is the
    spike-triggered jump. Defaults: the regular-spiking cell of Brette & Gerstner
    (2005); ``neurolab.models.NAUD_2008`` has the eight firing patterns of Naud et al. (2008).

    Parameters
    ----------
    C : float, default 281.0
        Membrane capacitance (pF).
    g_L : float, default 30.0
        Leak conductance (nS).
    E_L : float, default -70.6
        Leak reversal potential (mV).
    V_T : float, default -50.4
        Threshold of the exponential (mV).
    Delta_T : float, default 2.0
        Slope factor (mV): the sharpness of spike initiation.
    a : float, default 4.0
        Subthreshold adaptation (nS); may be negative.
    tau_w : float, default 144.0
        Adaptation time constant (ms).
    b : float, default 80.5
        Spike-triggered adaptation (pA).
    V_r : float, default -70.6
        Reset potential (mV).
    V_peak : float, default 20.0
        Cut-off where a spike is recorded and V is reset (mV).

    Notes
    -----
    Default integration: forward Euler with ``dt = 0.02`` ms. A spike time is located by
    linear interpolation of the last step before the cut-off, so it is accurate to
    about one ``dt`` (V rises almost vertically there).
    """

    C: float = 281.0
    g_L: float = 30.0
    E_L: float = -70.6
    V_T: float = -50.4
    Delta_T: float = 2.0
    a: float = 4.0
    tau_w: float = 144.0
    b: float = 80.5
    V_r: float = -70.6
    V_peak: float = 20.0

    state_names: ClassVar[tuple[str, ...]] = ("V", "w")
    default_dt: ClassVar[float] = 0.02
    default_method: ClassVar[str] = "euler"

    def __post_init__(self):
        check.fields(self, strictly_positive={"C": "pF", "g_L": "nS", "Delta_T": "mV",
                                              "tau_w": "ms"},
                     any_real={"a": "nS", "b": "pA"}, in_mV=("E_L", "V_T", "V_r", "V_peak"))
        check.ordered("V_r", self.V_r, "V_peak", self.V_peak, "mV")
        check.ordered("V_T", self.V_T, "V_peak", self.V_peak, "mV")

    def equations(self) -> Equations:
        return ADEX_EQUATIONS

    def initial_state(self) -> np.ndarray:
        return np.array([self.E_L, 0.0])

    def max_dt(self, method: str) -> float:
        # the spike upstroke takes a few Delta_T / (dV/dt); 0.1 * the fastest of tau_m,
        # tau_w and the upstroke keeps spike times and the bursting patterns right
        scale = min(self.C / self.g_L, self.tau_w, 10.0 * self.Delta_T)
        return min(STABILITY_LIMIT[method], 0.1) * scale


#: The eight firing patterns of Naud et al. (2008), Table 1: the AdEx parameters (pF, nS,
#: mV, ms, pA) and the step current (pA) that evokes each pattern; the cut-off is 0 mV.
NAUD_2008 = {
    name: (AdEx(C=C, g_L=g_L, E_L=E_L, V_T=-50.0, Delta_T=2.0, a=a, tau_w=tau_w, b=b, V_r=V_r,
                V_peak=0.0), I)
    for name, (C, g_L, E_L, a, tau_w, b, V_r, I) in {
        "tonic": (200.0, 10.0, -70.0, 2.0, 30.0, 0.0, -58.0, 500.0),
        "adapting": (200.0, 12.0, -70.0, 2.0, 300.0, 60.0, -58.0, 500.0),
        "initial burst": (130.0, 18.0, -58.0, 4.0, 150.0, 120.0, -50.0, 400.0),
        "regular bursting": (200.0, 10.0, -58.0, 2.0, 120.0, 100.0, -46.0, 210.0),
        "delayed accelerating": (200.0, 12.0, -70.0, -10.0, 300.0, 0.0, -58.0, 300.0),
        "delayed regular bursting": (100.0, 10.0, -65.0, -10.0, 90.0, 30.0, -47.0, 110.0),
        "transient": (100.0, 10.0, -65.0, 10.0, 90.0, 100.0, -47.0, 180.0),
        "irregular": (100.0, 12.0, -60.0, -11.0, 130.0, 30.0, -48.0, 160.0),
    }.items()
}
