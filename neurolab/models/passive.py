"""The passive membrane: one leak conductance and a capacitor."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from .. import _validation as check
from ._base import Equations, Model

# Largest dt / tau for which each method is stable on dV/dt = -V/tau: forward Euler's
# amplification factor is 1 - dt/tau, RK4's stability interval on the real axis ends at
# about -2.785; exponential Euler is exact for a linear equation and always stable.
STABILITY_LIMIT = {"euler": 2.0, "rk4": 2.785, "exp_euler": math.inf}


#: C dV/dt = -g_L (V - E_L) + I, as dV/dt = A V + B.
LEAK = ("V", "-g_L / C", "(g_L * E_L + I) / C")

EQUATIONS = Equations(name="passive", parameters=("C", "g_L", "E_L"), state=("V",), rhs=(LEAK,))


@dataclass(frozen=True)
class PassiveMembrane(Model):
    r"""A patch of membrane with a single leak conductance.

    .. math:: C \frac{dV}{dt} = -g_L (V - E_L) + I(t)

    V relaxes to :math:`E_L + I/g_L` with the membrane time constant
    :math:`\tau = C/g_L`. Defaults give τ = 10 ms and an input resistance of 100 MΩ,
    typical of a small cortical cell (Dayan & Abbott 2001, ch. 5).

    Parameters
    ----------
    C : float, default 100.0
        Membrane capacitance (pF).
    g_L : float, default 10.0
        Leak conductance (nS).
    E_L : float, default -70.0
        Leak reversal potential, the resting potential (mV).

    Notes
    -----
    Default integration: ``method="exp_euler"`` (exact for a current that is constant
    within each step) with ``dt = 0.1`` ms. Forward Euler is stable only for
    ``dt < 2 * tau``.
    """

    C: float = 100.0
    g_L: float = 10.0
    E_L: float = -70.0

    state_names: ClassVar[tuple[str, ...]] = ("V",)
    default_dt: ClassVar[float] = 0.1
    default_method: ClassVar[str] = "exp_euler"

    def __post_init__(self):
        _check_leak(self)

    @property
    def tau(self) -> float:
        """Membrane time constant C / g_L (ms)."""
        return self.C / self.g_L

    @property
    def R(self) -> float:
        """Input resistance 1 / g_L in MΩ (1 / (1 nS) = 1000 MΩ)."""
        return 1000.0 / self.g_L

    def equations(self) -> Equations:
        return EQUATIONS

    def initial_state(self) -> np.ndarray:
        return np.array([self.E_L])

    def max_dt(self, method: str) -> float:
        return STABILITY_LIMIT[method] * self.tau


def _check_leak(model) -> None:
    """Validate and coerce C, g_L and E_L of a leaky membrane (shared with the LIF)."""
    check.fields(model, strictly_positive={"C": "pF", "g_L": "nS"}, in_mV=("E_L",))
