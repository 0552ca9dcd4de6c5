"""The Izhikevich simple model: a quadratic membrane and one recovery variable."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from .. import _validation as check
from ._base import Equations, Model, Units

# The quadratic blows up in finite time; it is evaluated at min(V, V_peak) so that every
# method stays finite and the reset at V_peak catches the spike (as for the AdEx).
_QUADRATIC = "k * (min(V, v_peak) - v_r) * (min(V, v_peak) - v_t)"
_PARAMETERS = ("C", "k", "v_r", "v_t", "v_peak", "a", "b", "c", "d")

LINEAR_EQUATIONS = Equations(
    name="izhikevich", parameters=_PARAMETERS, state=("V", "u"),
    rhs=(("V", "0.0", f"({_QUADRATIC} - u + I) / C"),
         ("u", "-a", "a * b * (V - v_r)")),
    threshold="v_peak", reset=("V = c", "u = u + d"))

CUBIC_EQUATIONS = Equations(
    name="izhikevich_cubic", parameters=(*_PARAMETERS, "v_b"), state=("V", "u"),
    rhs=(("V", "0.0", f"({_QUADRATIC} - u + I) / C"),
         ("u", "-a", "a * b * max(V - v_b, 0.0) ** 3")),
    threshold="v_peak", reset=("V = c", "u = u + d"))


@dataclass(frozen=True)
class Izhikevich(Model):
    r"""The Izhikevich simple model in the form of his 2007 book (Izhikevich 2007, ch. 8).

    .. math::
        C \frac{dv}{dt} = k (v - v_r)(v - v_t) - u + I(t), \qquad
        \frac{du}{dt} = a \left( U(v) - u \right)

    with :math:`U(v) = b (v - v_r)`, or, when ``v_b`` is given, the cubic
    :math:`U(v) = b\,(v - v_b)^3` for :math:`v > v_b` and 0 below (the fast-spiking
    interneuron). When v reaches ``v_peak`` a spike is recorded there and
    :math:`v \to c`, :math:`u \to u + d`. The state variable v is called ``"V"``, as in
    every neurolab model. Defaults: the regular-spiking (RS) pyramidal cell;
    ``neurolab.models.RS_2007`` and ``FS_2007`` are the book's two cells.

    Parameters
    ----------
    C : float, default 100.0
        Capacitance (pF).
    k : float, default 0.7
        Gain of the quadratic (nS/mV).
    v_r : float, default -60.0
        Resting potential (mV).
    v_t : float, default -40.0
        Instantaneous threshold (mV).
    v_peak : float, default 35.0
        Spike cut-off (mV).
    a : float, default 0.03
        Recovery rate (1/ms).
    b : float, default -2.0
        Sensitivity of u to v (nS; nS/mV² for the cubic U): b < 0 amplifies, b > 0 resists.
    c : float, default -50.0
        Reset potential (mV).
    d : float, default 100.0
        Jump of u at each spike (pA).
    v_b : float or None, default None
        Onset of the cubic recovery nonlinearity (mV); None for the linear U.

    Notes
    -----
    Default integration: forward Euler with ``dt = 0.02`` ms. The rheobase of the linear
    model is :math:`(k (v_t - v_r) + b)^2 / (4k)` when :math:`b < k (v_t - v_r)`.
    """

    C: float = 100.0
    k: float = 0.7
    v_r: float = -60.0
    v_t: float = -40.0
    v_peak: float = 35.0
    a: float = 0.03
    b: float = -2.0
    c: float = -50.0
    d: float = 100.0
    v_b: float | None = None

    state_names: ClassVar[tuple[str, ...]] = ("V", "u")
    default_dt: ClassVar[float] = 0.02
    default_method: ClassVar[str] = "euler"

    def __post_init__(self):
        check.fields(self, strictly_positive={"C": "pF", "k": "nS/mV", "a": "1/ms"},
                     any_real={"b": "nS", "d": "pA"},
                     in_mV=("v_r", "v_t", "v_peak", "c") + (() if self.v_b is None else ("v_b",)))
        check.ordered("v_r", self.v_r, "v_t", self.v_t, "mV")
        check.ordered("c", self.c, "v_peak", self.v_peak, "mV")

    @property
    def rheobase(self) -> float:
        """The smallest constant current that fires the linear model (pA)."""
        if self.v_b is not None:
            raise ValueError("the closed-form rheobase holds for the linear U(v) only; use "
                             "neurolab.rheobase(model) for the cubic one.")
        return (self.k * (self.v_t - self.v_r) + self.b) ** 2 / (4 * self.k)

    def equations(self) -> Equations:
        return LINEAR_EQUATIONS if self.v_b is None else CUBIC_EQUATIONS

    def initial_state(self) -> np.ndarray:
        return np.array([self.v_r, 0.0])

    def max_dt(self, method: str) -> float:
        # the upstroke from v_t to v_peak and u's time constant 1/a set the scale
        upstroke = self.C / (self.k * (self.v_peak - self.v_t))
        return 0.5 * min(upstroke, 1.0 / self.a, 1.0)


#: The regular-spiking pyramidal cell of Izhikevich (2007), ch. 8.
RS_2007 = Izhikevich()
#: The fast-spiking interneuron of Izhikevich (2007), ch. 8, with its cubic U(v).
FS_2007 = Izhikevich(C=20.0, k=1.0, v_r=-55.0, v_t=-40.0, v_peak=25.0, a=0.2, b=0.025,
                     c=-45.0, d=0.0, v_b=-55.0)


IZHIKEVICH_2003_EQUATIONS = Equations(
    name="izhikevich_2003", parameters=("a", "b", "c", "d", "v_peak"), state=("V", "u"),
    rhs=(("V", "0.0", "0.04 * min(V, v_peak) ** 2 + 5.0 * min(V, v_peak) + 140.0 - u + I"),
         ("u", "-a", "a * b * V")),
    threshold="v_peak", reset=("V = c", "u = u + d"))


@dataclass(frozen=True)
class Izhikevich2003(Model):
    r"""The Izhikevich (2003) model in the paper's dimensionless form.

    .. math::
        \frac{dv}{dt} = 0.04 v^2 + 5 v + 140 - u + I(t), \qquad
        \frac{du}{dt} = a (b v - u)

    with :math:`v \to c`, :math:`u \to u + d` when v reaches ``v_peak`` (30 mV). v is in
    mV and t in ms; I (and u) are in mV/ms, the paper's units (not pA).
    ``neurolab.models.IZHIKEVICH_2003`` has the paper's classes (RS, IB, CH, FS, LTS, TC, RZ).

    Parameters
    ----------
    a : float, default 0.02
        Recovery rate (1/ms).
    b : float, default 0.2
        Sensitivity of u to v (1/ms · ms = dimensionless coupling).
    c : float, default -65.0
        Reset potential (mV).
    d : float, default 8.0
        Jump of u at each spike (mV/ms).
    v_peak : float, default 30.0
        Spike cut-off (mV).
    V_init : float or None, default None
        Initial v (mV), with u = b v; None starts at rest (``resting_potential``), or
        at v = c for a cell without a resting state (b > 0.267).

    Notes
    -----
    Default integration: forward Euler with ``dt = 0.02`` ms. The paper's figures were
    made with ``method="semi_implicit_euler"`` and ``dt=0.25`` (v first, then u from the
    new v), which reproduces their spike counts; their intervals are up to ~25 % longer
    than the converged solution's.
    """

    a: float = 0.02
    b: float = 0.2
    c: float = -65.0
    d: float = 8.0
    v_peak: float = 30.0
    V_init: float | None = None

    state_names: ClassVar[tuple[str, ...]] = ("V", "u")
    units: ClassVar[Units] = Units(current="mV/ms", capacitance="", conductance="")
    default_dt: ClassVar[float] = 0.02
    default_method: ClassVar[str] = "euler"

    def __post_init__(self):
        check.fields(self, strictly_positive={"a": "1/ms"}, any_real={"b": "", "d": "mV/ms"},
                     in_mV=("c", "v_peak") + (() if self.V_init is None else ("V_init",)))
        check.ordered("c", self.c, "v_peak", self.v_peak, "mV")

    def equations(self) -> Equations:
        return IZHIKEVICH_2003_EQUATIONS

    @property
    def resting_potential(self) -> float | None:
        """Resting potential in mV (the stable fixed point at I = 0), or None.

        It is the lower root of 0.04 v² + (5 − b) v + 140 = 0, which exists for b < 0.267.
        """
        discriminant = (5.0 - self.b) ** 2 - 4 * 0.04 * 140.0
        if discriminant < 0:
            return None
        return (-(5.0 - self.b) - np.sqrt(discriminant)) / (2 * 0.04)

    def initial_state(self) -> np.ndarray:
        v = self.V_init
        if v is None:
            v = self.resting_potential
            v = self.c if v is None else v
        return np.array([v, self.b * v])

    def max_dt(self, method: str) -> float:
        # the paper's figures use dt = 0.25 ms (stable; spike times shift by ~10 %)
        return 0.5 * min(1.0, 1.0 / self.a)


#: The classes of Izhikevich (2003), Fig. 2: (a, b, c, d).
IZHIKEVICH_2003 = {
    name: Izhikevich2003(a=a, b=b, c=c, d=d)
    for name, (a, b, c, d) in {
        "RS": (0.02, 0.2, -65.0, 8.0),       # regular spiking
        "IB": (0.02, 0.2, -55.0, 4.0),       # intrinsically bursting
        "CH": (0.02, 0.2, -50.0, 2.0),       # chattering
        "FS": (0.1, 0.2, -65.0, 2.0),        # fast spiking
        "LTS": (0.02, 0.25, -65.0, 2.0),     # low-threshold spiking
        "TC": (0.02, 0.25, -65.0, 0.05),     # thalamo-cortical
        "RZ": (0.1, 0.26, -65.0, 2.0),       # resonator
    }.items()
}
