"""Conductance-based neurons assembled from reusable parts.

* :class:`Rate`: a voltage-dependent function of one of four standard shapes;
* :class:`Gate`: a gating variable with α/β rates, or with a steady state and a time
  constant, raised to a power;
* :class:`Channel`: a maximal conductance, a reversal potential and its gates;
* :class:`ConductanceBasedNeuron`: a membrane capacitance and a tuple of channels.

The membrane equation, with ionic currents counted positive outward, is

.. math:: C \\frac{dV}{dt} = -\\sum_c \\bar g_c \\prod_j x_j^{p_j} (V - E_c) + I(t),
          \\qquad \\frac{dx}{dt} = \\frac{x_\\infty(V) - x}{\\tau_x(V)}
                                = \\alpha_x(V)(1 - x) - \\beta_x(V) x .

The parts become the model's :class:`~neurolab.models.Equations`: their structure (rate
shapes, gate powers) is written into a generated kernel, their numbers go into one
parameter array, so every neuron of the same structure shares one compiled kernel.
Units are per unit membrane area: µF/cm², mS/cm², µA/cm², mV, ms.
"""
from __future__ import annotations

import warnings

import functools
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from .. import _validation as check
from .._math import SHAPES, shape_values
from ._base import PER_AREA, Equations, Model
from .passive import STABILITY_LIMIT

#: How each rate shape is written in a generated kernel, as a function of x = (V - V_half)/k.
SHAPE_CODE = {"exp": "exp({x})", "sigmoid": "sigmoid({x})", "linoid": "linoid({x})",
              "bell": "exp(-{x} * {x})"}


@dataclass(frozen=True)
class Rate:
    r"""A voltage-dependent function ``offset + scale * shape((V - V_half) / k)``.

    Shapes (x = (V - V_half)/k):

    * ``"exp"``: :math:`e^{x}`
    * ``"sigmoid"``: :math:`1/(1 + e^{-x})`
    * ``"linoid"``: :math:`x/(1 - e^{-x})`, equal to 1 at x = 0 (the removable 0/0 of
      the HH rates α_m and α_n is evaluated exactly)
    * ``"bell"``: :math:`e^{-x^2}`

    Parameters
    ----------
    shape : str
        One of the shapes above.
    scale : float
        Multiplier: 1/ms for a rate, ms for a time constant, 1 for a steady state.
    V_half : float
        Centre of the shape (mV).
    k : float
        Slope or width (mV); negative k mirrors the shape.
    offset : float, default 0.0
        Added constant, in the units of ``scale``.

    Notes
    -----
    Calling a Rate evaluates it at a voltage or an array of voltages (mV).
    """

    shape: str
    scale: float
    V_half: float
    k: float
    offset: float = 0.0

    def __post_init__(self):
        if self.shape not in SHAPES:
            raise ValueError(f"shape={self.shape!r} is not one of {sorted(SHAPES)}.")
        for name in ("scale", "V_half", "offset"):
            object.__setattr__(self, name, check.finite(name, getattr(self, name), "units of the rate"))
        k = check.finite("k", self.k, "mV")
        if k == 0:
            raise ValueError("k=0 mV: the slope factor of a Rate must be non-zero.")
        object.__setattr__(self, "k", k)

    def __call__(self, V):
        V = np.asarray(V, dtype=float)
        out = self.offset + self.scale * shape_values(self.shape, (V - self.V_half) / self.k)
        return out if V.ndim else float(out)

    def code(self, prefix: str) -> tuple[dict, list[str]]:
        """Kernel parameters and code lines that compute this rate into ``_<prefix>``."""
        values = {f"{prefix}_scale": self.scale, f"{prefix}_V_half": self.V_half,
                  f"{prefix}_inv_k": 1.0 / self.k, f"{prefix}_offset": self.offset}
        x = f"_x{prefix}"
        shape = SHAPE_CODE[self.shape].format(x=x)
        return values, [f"{x} = (V - {prefix}_V_half) * {prefix}_inv_k",
                        f"_{prefix} = {prefix}_offset + {prefix}_scale * {shape}"]


@dataclass(frozen=True)
class Gate:
    r"""A gating variable: its kinetics and the power it enters the conductance with.

    Give either ``alpha`` and ``beta`` (opening and closing rates, 1/ms), or
    ``steady_state`` (dimensionless) and ``time_constant`` (ms). Then
    :math:`x_\infty = \alpha/(\alpha+\beta)` and :math:`\tau_x = 1/(\alpha+\beta)`.

    Parameters
    ----------
    name : str
        State variable name, e.g. ``"m"``.
    power : int, default 1
        Exponent of the gate in the channel's open probability (3 for HH's m).
    alpha, beta : Rate, optional
        Opening and closing rates (1/ms).
    steady_state, time_constant : Rate, optional
        x_∞(V) and τ_x(V) (ms).
    """

    name: str
    power: int = 1
    alpha: Rate | None = None
    beta: Rate | None = None
    steady_state: Rate | None = None
    time_constant: Rate | None = None

    def __post_init__(self):
        by_rates = self.alpha is not None and self.beta is not None
        by_tau = self.steady_state is not None and self.time_constant is not None
        if by_rates == by_tau:
            raise ValueError(f"Gate {self.name!r}: give either alpha and beta, or steady_state "
                             "and time_constant (exactly one pair).")
        if isinstance(self.power, bool) or not isinstance(self.power, (int, np.integer)) or self.power < 1:
            raise ValueError(f"Gate {self.name!r}: power={self.power!r} must be a positive integer.")
        if not self.name.isidentifier() or self.name.startswith("_") or self.name in ("V", "I"):
            raise ValueError(f"Gate name {self.name!r} must be a Python identifier (like 'm' or "
                             "'n_K') that does not start with '_' and is not 'V' or 'I'.")

    def inf(self, V):
        """Steady-state value x_∞(V) (dimensionless)."""
        if self.alpha is not None:
            a, b = self.alpha(V), self.beta(V)
            return a / (a + b)
        return self.steady_state(V)

    def tau(self, V):
        """Time constant τ_x(V) (ms)."""
        if self.alpha is not None:
            return 1.0 / (self.alpha(V) + self.beta(V))
        return self.time_constant(V)

    def code(self, index: int) -> tuple[dict, list[str], tuple[str, str, str]]:
        """Kernel parameters, code lines and the (variable, A, B) of dx/dt = A x + B."""
        first, second = (self.alpha, self.beta) if self.alpha is not None else \
            (self.steady_state, self.time_constant)
        values, lines = first.code(f"r{2 * index}")
        more, more_lines = second.code(f"r{2 * index + 1}")
        values.update(more)
        r1, r2 = f"_r{2 * index}", f"_r{2 * index + 1}"
        if self.alpha is not None:        # dx/dt = alpha - (alpha + beta) x
            rhs = (self.name, f"-({r1} + {r2})", r1)
        else:                             # dx/dt = (x_inf - x) / tau
            rhs = (self.name, f"-1.0 / {r2}", f"{r1} / {r2}")
        return values, lines + more_lines, rhs


@dataclass(frozen=True)
class Channel:
    r"""An ionic conductance: :math:`I = \bar g \prod_j x_j^{p_j} (V - E)`, positive outward.

    Parameters
    ----------
    name : str
        Name of the current, e.g. ``"Na"``.
    g : float
        Maximal conductance (mS/cm²).
    E : float
        Reversal potential (mV).
    gates : tuple of Gate, default ()
        Its gates; a channel without gates is a leak.
    """

    name: str
    g: float
    E: float
    gates: tuple[Gate, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "g", check.nonnegative(f"g of channel {self.name!r}", self.g, "mS/cm²"))
        object.__setattr__(self, "E", check.potential(f"E of channel {self.name!r}", self.E))
        object.__setattr__(self, "gates", tuple(self.gates))

    def open_fraction(self, gate_values: dict) -> np.ndarray:
        """Product of gate powers, from arrays of gate values keyed by gate name."""
        out = 1.0
        for gate in self.gates:
            out = out * np.asarray(gate_values[gate.name]) ** gate.power
        return out

    def current(self, V, gate_values: dict) -> np.ndarray:
        """The channel current (µA/cm², positive outward) at V with the given gate values."""
        return self.g * self.open_fraction(gate_values) * (np.asarray(V) - self.E)


class ConductanceBased(Model):
    """Everything a model made of a capacitance ``C`` and ``channels`` needs for the engine.

    Subclasses provide ``C``, ``channels``, ``spike_threshold`` and ``V_init``.
    """

    units = PER_AREA
    default_dt: ClassVar[float] = 0.01
    default_method: ClassVar[str] = "euler"

    @property
    def gates(self) -> tuple[Gate, ...]:
        return tuple(g for ch in self.channels for g in ch.gates)

    @property
    def state_names(self) -> tuple[str, ...]:
        return ("V", *(g.name for g in self.gates))

    def equations(self) -> Equations:
        return _compiled(self)[0]

    def parameters(self) -> np.ndarray:
        return _compiled(self)[1].copy()

    def steady_state_current(self, V):
        """Total ionic current (µA/cm²) with every gate at its steady state at V."""
        V = np.asarray(V, dtype=float)
        values = {g.name: g.inf(V) for g in self.gates}
        return sum(ch.current(V, values) for ch in self.channels)

    def resting_potential(self) -> float:
        """The lowest stable V (mV) at which the steady-state ionic current vanishes."""
        return _compiled(self)[2]

    def initial_state(self) -> np.ndarray:
        V0 = self.V_init
        if V0 is None:
            V0 = self.resting_potential()
            if V0 is None:
                raise ValueError("this neuron has no stable resting potential between -120 "
                                 "and 60 mV; give V_init explicitly.")
        return np.array([V0, *(g.inf(V0) for g in self.gates)], dtype=float)

    def channel_currents(self, V, state: dict) -> dict:
        """Each channel's current (µA/cm², positive outward) from a recorded trace."""
        return {ch.name: ch.current(V, state) for ch in self.channels}

    def max_dt(self, method: str) -> float:
        # Leak channels alone make a passive membrane: the limits of forward Euler and RK4
        # are 2 and 2.785 membrane time constants, exponential Euler is exact.
        leak = sum(ch.g for ch in self.channels if not ch.gates)
        tau_leak = self.C / leak if leak > 0 else np.inf
        if not self.gates:
            return STABILITY_LIMIT[method] * tau_leak
        # Measured on HH (200 ms runs, 0–200 µA/cm²): forward Euler is right up to
        # 0.05 ms, wrong from 0.06 ms and diverges at 0.08 ms; RK4 diverges at 0.1 ms;
        # exponential Euler never diverges but loses spikes above 0.1 ms. A gate faster
        # than HH's tightens the explicit methods' limits (Euler needs dt < 2 tau_x).
        fastest = min(float(np.min(g.tau(np.arange(-100.0, 60.0, 1.0)))) for g in self.gates)
        limits = {"euler": min(0.055, 2.0 * fastest, 2.0 * tau_leak),
                  "rk4": min(0.085, 2.785 * fastest, 2.785 * tau_leak), "exp_euler": 0.1}
        return limits[method]

    def _check_common(self):
        check.fields(self, strictly_positive={"C": "µF/cm²"},
                     in_mV=("spike_threshold",) + (() if self.V_init is None else ("V_init",)))

    def _check_threshold(self):
        """An action potential peaks below the highest reversal potential of its
        voltage-gated channels: a spike threshold above it would count no spikes at all.

        A warning, not an error: a membrane that cannot fire is a legitimate experiment
        (the build-up chapter's channel that reverses at rest), only its spike count is
        then always zero."""
        top = max((c for c in self.channels if c.g > 0 and c.gates), key=lambda c: c.E, default=None)
        if top is not None and self.spike_threshold >= top.E:
            warnings.warn(f"spike_threshold={self.spike_threshold:g} mV is not below the highest "
                          f"reversal potential (E of channel {top.name!r} = {top.E:g} mV), which "
                          f"an action potential never reaches: this model will count no spikes. "
                          f"If it should fire, use a threshold between rest and the spike's peak "
                          f"(0 mV is usual).", UserWarning, stacklevel=5)


@dataclass(frozen=True)
class ConductanceBasedNeuron(ConductanceBased):
    """A single-compartment neuron made of any set of :class:`Channel` objects.

    Parameters
    ----------
    C : float, default 1.0
        Membrane capacitance (µF/cm²).
    channels : tuple of Channel
        The ionic conductances; gate names must be unique across channels.
    spike_threshold : float, default 0.0
        A spike is recorded at each upward crossing of this potential (mV).
    V_init : float or None, default None
        Initial potential (mV); ``None`` starts at the resting potential with every
        gate at its steady state.

    Notes
    -----
    Default integration: forward Euler with ``dt = 0.01`` ms (for HH within 0.1 Hz of a
    tight-tolerance reference f–I curve). ``method="exp_euler"`` advances the gates and V
    each by their exact exponential update given the others (Rush & Larsen 1978): stable
    at any dt, but for HH at dt = 0.01 ms its rates are 0.3–0.8 Hz low.
    """

    C: float = 1.0
    channels: tuple[Channel, ...] = ()
    spike_threshold: float = 0.0
    V_init: float | None = None

    def __post_init__(self):
        object.__setattr__(self, "channels", tuple(self.channels))
        if not self.channels:
            raise ValueError("a ConductanceBasedNeuron needs at least one Channel.")
        names = [g.name for g in self.gates]
        if len(set(names)) != len(names) or "V" in names:
            raise ValueError(f"gate names must be unique and not 'V'; got {names}.")
        self._check_common()
        self._check_threshold()

    def add(self, channel: Channel) -> "ConductanceBasedNeuron":
        """This neuron with one more channel (the step-by-step build-up uses this)."""
        return self.replace(channels=(*self.channels, channel))


@functools.lru_cache(maxsize=256)
def _compiled(model):
    """The model's equations, parameter values and resting potential, computed once per
    model (models are frozen and hashable, so slider re-simulations reuse them).

    The structure (which shape each rate has, each gate's power) becomes code; the numbers
    (conductances, reversal potentials, rate constants) become parameters, so models that
    differ only in numbers share one compiled kernel.
    """
    values = {"C": model.C, "spike_threshold": model.spike_threshold}
    lines, rhs, conductances, currents = [], [], [], []
    index = 0
    for c, channel in enumerate(model.channels):
        values[f"g_{c}"], values[f"E_{c}"] = channel.g, channel.E
        factors = [f"g_{c}"]
        for gate in channel.gates:
            more, gate_lines, gate_rhs = gate.code(index)
            values.update(more)
            lines += gate_lines
            rhs.append(gate_rhs)
            factors += [gate.name] * gate.power
            index += 1
        lines.append(f"_G{c} = {' * '.join(factors)}")
        conductances.append(f"_G{c}")
        currents.append(f"_G{c} * E_{c}")
    rhs.insert(0, ("V", f"-({' + '.join(conductances)}) / C", f"({' + '.join(currents)} + I) / C"))
    equations = Equations(name="conductance_based", parameters=tuple(values),
                          state=model.state_names, rhs=tuple(rhs), intermediates=tuple(lines),
                          threshold="spike_threshold")
    return equations, np.array(list(values.values()), dtype=float), _resting_potential(model)


def _resting_potential(model):
    """The lowest upward zero crossing of the steady-state current (mV), or None."""
    if not model.gates:          # leaks only: the conductance-weighted mean of the E's
        total = sum(ch.g for ch in model.channels)
        return sum(ch.g * ch.E for ch in model.channels) / total if total > 0 else None
    # bracket it on a 0.25 mV grid, refine on a 1000-point grid inside, interpolate
    V = np.arange(-120.0, 60.0, 0.25)
    rest = None
    for _ in range(2):
        current = model.steady_state_current(V)
        up = np.nonzero((current[:-1] < 0) & (current[1:] >= 0))[0]
        if up.size == 0:
            break
        k = up[0]
        lo, hi = V[k], V[k + 1]
        rest = lo + (hi - lo) * current[k] / (current[k] - current[k + 1])
        V = np.linspace(lo, hi, 1001)
    return rest
