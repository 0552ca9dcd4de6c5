"""The spike response model (SRM): a neuron described by kernels, not by a reset rule."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from .. import _validation as check
from ._base import Equations, Model
from .passive import STABILITY_LIMIT

# With exponential kernels the sums and the convolution below obey linear ODEs, so the SRM
# runs on the shared engine. States: V (= u), the summed after-spike kernels e, the
# summed threshold kernels q, and r, the time since the last spike.
SRM_EQUATIONS = Equations(
    name="srm",
    parameters=("C", "g_L", "E_L", "eta_0", "tau_eta", "theta_0", "theta_1", "tau_theta",
                "Delta_abs"),
    state=("V", "e", "q", "r"),
    rhs=(("V", "-g_L / C", "(g_L * (E_L + e) + I) / C - e / tau_eta"),
         ("e", "-1.0 / tau_eta", "0.0"),
         ("q", "-1.0 / tau_theta", "0.0"),
         ("r", "0.0", "1.0")),
    threshold="theta_0 + q + (0.0 if r >= Delta_abs else 1e12)",
    reset=("V = V + eta_0", "e = e + eta_0", "q = q + theta_1", "r = 0.0"))


@dataclass(frozen=True)
class SRM(Model):
    r"""Spike response model with exponential kernels (Gerstner et al. 2014, ch. 6.4).

    .. math::
        u(t) = E_L + \sum_f \eta(t - t^f) + \int_0^\infty \kappa(s)\, I(t - s)\, ds,
        \qquad \vartheta(t) = \theta_0 + \sum_f \theta_1 e^{-(t - t^f)/\tau_\theta}

    with the after-spike kernel :math:`\eta(s) = \eta_0 e^{-s/\tau_\eta}`, the membrane
    filter :math:`\kappa(s) = e^{-s/\tau_m}/C` (:math:`\tau_m = C/g_L`), and a spike
    whenever u reaches the dynamic threshold :math:`\vartheta`, but not within
    ``Delta_abs`` of the previous spike (absolute refractoriness). There is no reset: the
    η kernel does its work. With :math:`\eta_0 = V_{reset} - V_{th}`,
    :math:`\tau_\eta = \tau_m`, :math:`\theta_1 = 0` and ``Delta_abs = 0`` (the defaults)
    the SRM fires exactly like a :class:`LIF` without refractory period.

    Parameters
    ----------
    C : float, default 100.0
        Capacitance (pF) of the membrane filter κ.
    g_L : float, default 10.0
        Leak conductance (nS); τ_m = C / g_L.
    E_L : float, default -70.0
        Resting potential (mV).
    eta_0 : float, default -15.0
        Amplitude of the after-spike kernel η (mV); negative hyperpolarises.
    tau_eta : float, default 10.0
        Decay time of η (ms).
    theta_0 : float, default -50.0
        Threshold at rest (mV).
    theta_1 : float, default 0.0
        Jump of the threshold after each spike (mV).
    tau_theta : float, default 100.0
        Decay time of the threshold jump (ms).
    Delta_abs : float, default 0.0
        Absolute refractory period (ms): no spike within it of the previous one.

    Notes
    -----
    The state variables are ``V`` (u), ``e`` (the summed η kernels), ``q`` (the summed
    threshold kernels) and ``r`` (ms since the last spike; 10⁶ at the start). If u is
    already above threshold when ``Delta_abs`` ends, the spike is recorded at the end of
    that time step, up to one ``dt`` late. Default integration:
    ``method="exp_euler"``, ``dt = 0.1`` ms.
    """

    C: float = 100.0
    g_L: float = 10.0
    E_L: float = -70.0
    eta_0: float = -15.0
    tau_eta: float = 10.0
    theta_0: float = -50.0
    theta_1: float = 0.0
    tau_theta: float = 100.0
    Delta_abs: float = 0.0

    state_names: ClassVar[tuple[str, ...]] = ("V", "e", "q", "r")
    default_dt: ClassVar[float] = 0.1
    default_method: ClassVar[str] = "exp_euler"

    def __post_init__(self):
        check.fields(self, strictly_positive={"C": "pF", "g_L": "nS", "tau_eta": "ms",
                                              "tau_theta": "ms"},
                     at_least_zero={"Delta_abs": "ms"}, any_real={"eta_0": "mV", "theta_1": "mV"},
                     in_mV=("E_L", "theta_0"))

    @property
    def tau(self) -> float:
        """Membrane time constant C / g_L (ms)."""
        return self.C / self.g_L

    def eta(self, s) -> np.ndarray:
        """After-spike kernel η(s) (mV) at times s (ms) after a spike; 0 for s < 0."""
        s = np.asarray(s, dtype=float)
        return np.where(s >= 0, self.eta_0 * np.exp(-np.maximum(s, 0) / self.tau_eta), 0.0)

    def kappa(self, s) -> np.ndarray:
        """Membrane filter κ(s) (mV per pA·ms): the response to a unit charge at s = 0."""
        s = np.asarray(s, dtype=float)
        return np.where(s >= 0, np.exp(-np.maximum(s, 0) / self.tau) / self.C, 0.0)

    def threshold_kernel(self, s) -> np.ndarray:
        """Threshold increase θ_1 e^{-s/τ_θ} (mV) s ms after a spike."""
        s = np.asarray(s, dtype=float)
        return np.where(s >= 0, self.theta_1 * np.exp(-np.maximum(s, 0) / self.tau_theta), 0.0)

    def equations(self) -> Equations:
        return SRM_EQUATIONS

    def initial_state(self) -> np.ndarray:
        return np.array([self.E_L, 0.0, 0.0, 1e6])       # last spike "long ago" (ms)

    def max_dt(self, method: str) -> float:
        return min(STABILITY_LIMIT[method], 0.2) * min(self.tau, self.tau_eta, self.tau_theta)
