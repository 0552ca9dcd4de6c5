"""Integrate-and-fire neurons: a leaky membrane plus a threshold and a reset."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from .. import _validation as check
from ._base import Equations, Model
from .passive import LEAK, STABILITY_LIMIT, _check_leak

EQUATIONS = Equations(name="lif", parameters=("C", "g_L", "E_L", "V_th", "V_reset", "t_ref"),
                      state=("V",), rhs=(LEAK,), threshold="V_th", reset=("V = V_reset",),
                      refractory="t_ref")


@dataclass(frozen=True)
class LIF(Model):
    r"""Leaky integrate-and-fire neuron with an absolute refractory period.

    .. math:: C \frac{dV}{dt} = -g_L (V - E_L) + I(t)

    When V reaches ``V_th`` a spike is recorded at the (interpolated) crossing time, V is
    reset to ``V_reset`` and held there for ``t_ref``. The threshold current is
    :math:`I_{th} = g_L (V_{th} - E_L)`; above it the neuron fires at

    .. math:: f = \left[t_{ref} + \tau \ln\frac{I/g_L + E_L - V_{reset}}{I/g_L + E_L - V_{th}}\right]^{-1}

    with :math:`\tau = C/g_L` (Dayan & Abbott 2001, eq. 5.12; Gerstner et al. 2014, ch. 1).
    The defaults (τ = 10 ms, R = 100 MΩ, I_th = 200 pA) are those of the course's
    refractoriness chapter.

    Parameters
    ----------
    C : float, default 100.0
        Membrane capacitance (pF).
    g_L : float, default 10.0
        Leak conductance (nS).
    E_L : float, default -70.0
        Leak reversal potential (mV).
    V_th : float, default -50.0
        Spike threshold (mV).
    V_reset : float, default -65.0
        Reset potential after a spike (mV).
    t_ref : float, default 2.0
        Absolute refractory period during which V is clamped at ``V_reset`` (ms).

    Notes
    -----
    Default integration: ``method="exp_euler"``, ``dt = 0.1`` ms; any method needs
    ``dt < tau / 5`` for accurate spike times.
    """

    C: float = 100.0
    g_L: float = 10.0
    E_L: float = -70.0
    V_th: float = -50.0
    V_reset: float = -65.0
    t_ref: float = 2.0

    state_names: ClassVar[tuple[str, ...]] = ("V",)
    default_dt: ClassVar[float] = 0.1
    default_method: ClassVar[str] = "exp_euler"

    def __post_init__(self):
        _check_leak(self)
        check.fields(self, at_least_zero={"t_ref": "ms"}, in_mV=("V_th", "V_reset"))
        check.ordered("V_reset", self.V_reset, "V_th", self.V_th, "mV")

    @property
    def tau(self) -> float:
        """Membrane time constant C / g_L (ms)."""
        return self.C / self.g_L

    @property
    def I_th(self) -> float:
        """Threshold (rheobase) current g_L (V_th - E_L) (pA)."""
        return self.g_L * (self.V_th - self.E_L)

    def rate(self, I) -> np.ndarray:
        """Analytic firing rate (Hz) for constant current(s) ``I`` (pA); 0 at or below I_th."""
        I = np.asarray(I, dtype=float)
        V_inf = self.E_L + I / self.g_L
        with np.errstate(divide="ignore", invalid="ignore"):
            isi = self.t_ref + self.tau * np.log((V_inf - self.V_reset) / (V_inf - self.V_th))
            return np.where(V_inf > self.V_th, 1000.0 / isi, 0.0)

    def equations(self) -> Equations:
        return EQUATIONS

    def initial_state(self) -> np.ndarray:
        return np.array([self.E_L])

    def max_dt(self, method: str) -> float:
        return min(STABILITY_LIMIT[method], 0.2) * self.tau



# --- refractoriness by a moving threshold (Miller 2018, tutorial 2.3) ----------------------
_THRESHOLD = ("th", "-1.0 / tau_th", "V_th / tau_th")          # relaxes back to V_th

THRESHOLD_EQUATIONS = Equations(
    name="lif_threshold_increase",
    parameters=("C", "g_L", "E_L", "V_th", "V_reset", "V_th_max", "tau_th"),
    state=("V", "th"), rhs=(LEAK, _THRESHOLD), threshold="th",
    reset=("V = V_reset", "th = V_th_max"))

CONDUCTANCE_EQUATIONS = Equations(
    name="lif_refractory_conductance",
    parameters=("C", "g_L", "E_L", "V_th", "V_reset", "V_th_max", "tau_th", "E_K",
                "Delta_G_ref", "tau_ref"),
    state=("V", "th", "G_ref"),
    rhs=(("V", "-(g_L + G_ref) / C", "(g_L * E_L + G_ref * E_K + I) / C"), _THRESHOLD,
         ("G_ref", "-1.0 / tau_ref", "0.0")),
    threshold="th", reset=("V = V_reset", "th = V_th_max", "G_ref = G_ref + Delta_G_ref"))


@dataclass(frozen=True)
class LIFThresholdIncrease(Model):
    r"""LIF whose threshold jumps after each spike and relaxes back: a relative refractory
    period without clamping V (Miller 2018, tutorial 2.3).

    .. math::
        C \frac{dV}{dt} = -g_L (V - E_L) + I(t), \qquad
        \tau_{th} \frac{dV_{th}(t)}{dt} = V_{th} - V_{th}(t)

    A spike is V reaching the moving threshold :math:`V_{th}(t)` (state ``"th"``); then
    V is reset to ``V_reset`` and the threshold jumps to ``V_th_max``.

    Parameters
    ----------
    C, g_L, E_L, V_th, V_reset
        As in :class:`LIF` (pF, nS, mV); ``V_th`` is the resting threshold.
    V_th_max : float, default 200.0
        Threshold right after a spike (mV).
    tau_th : float, default 1.0
        Time constant of the threshold's return to ``V_th`` (ms).

    Notes
    -----
    Default integration: ``method="exp_euler"``, ``dt = 0.02`` ms.
    """

    C: float = 100.0
    g_L: float = 10.0
    E_L: float = -70.0
    V_th: float = -50.0
    V_reset: float = -65.0
    V_th_max: float = 200.0
    tau_th: float = 1.0

    state_names: ClassVar[tuple[str, ...]] = ("V", "th")
    default_dt: ClassVar[float] = 0.02
    default_method: ClassVar[str] = "exp_euler"

    def __post_init__(self):
        _check_leak(self)
        check.fields(self, strictly_positive={"tau_th": "ms"}, in_mV=("V_th", "V_reset", "V_th_max"))
        check.ordered("V_reset", self.V_reset, "V_th", self.V_th, "mV")
        check.ordered("V_th", self.V_th, "V_th_max", self.V_th_max, "mV")

    def equations(self) -> Equations:
        return THRESHOLD_EQUATIONS

    def initial_state(self) -> np.ndarray:
        return np.array([self.E_L, self.V_th])

    def max_dt(self, method: str) -> float:
        return min(STABILITY_LIMIT[method], 0.2) * min(self.C / self.g_L, self.tau_th)


@dataclass(frozen=True)
class LIFRefractoryConductance(LIFThresholdIncrease):
    r"""LIF with a moving threshold and a refractory K⁺-like conductance (Miller 2018,
    tutorial 2.3): after each spike a conductance toward ``E_K`` jumps by ``Delta_G_ref``
    and decays with ``tau_ref``, pulling V down while the threshold recovers. V is also
    reset to ``V_reset`` at each spike, as in the other two mechanisms.

    .. math::
        C \frac{dV}{dt} = -g_L (V - E_L) - G_{ref}(t) (V - E_K) + I(t), \qquad
        \tau_{ref} \frac{dG_{ref}}{dt} = -G_{ref}

    with the threshold of :class:`LIFThresholdIncrease`.

    Parameters
    ----------
    C, g_L, E_L, V_th, V_reset, V_th_max, tau_th
        As in :class:`LIFThresholdIncrease`.
    E_K : float, default -80.0
        Reversal potential of the refractory conductance (mV).
    Delta_G_ref : float, default 2000.0
        Jump of the refractory conductance at each spike (nS; 2 µS).
    tau_ref : float, default 0.2
        Its decay time constant (ms).

    Notes
    -----
    Default integration: ``method="exp_euler"``, ``dt = 0.02`` ms; exponential Euler is
    exact for the stiff conductance, forward Euler needs ``dt`` well below ``tau_ref``.
    """

    E_K: float = -80.0
    Delta_G_ref: float = 2000.0
    tau_ref: float = 0.2

    state_names: ClassVar[tuple[str, ...]] = ("V", "th", "G_ref")

    def __post_init__(self):
        super().__post_init__()
        check.fields(self, strictly_positive={"tau_ref": "ms"},
                     at_least_zero={"Delta_G_ref": "nS"}, in_mV=("E_K",))

    def equations(self) -> Equations:
        return CONDUCTANCE_EQUATIONS

    def initial_state(self) -> np.ndarray:
        return np.array([self.E_L, self.V_th, 0.0])

    def max_dt(self, method: str) -> float:
        fastest = min(self.tau_th, self.tau_ref, self.C / (self.g_L + self.Delta_G_ref))
        if method == "exp_euler":
            return 0.2 * min(self.C / self.g_L, self.tau_th)
        return min(STABILITY_LIMIT[method], 0.2) * fastest
