"""What every neurolab model shares: the contract between a model and the engine.

A model is a frozen dataclass of parameters (with published defaults and units in its
docstring) plus a few class-level facts the engine needs:

* ``state_names``: the state variables, the membrane potential ``"V"`` first;
* :meth:`Model.equations`: its equations as :class:`Equations`, the code from which
  :mod:`neurolab._codegen` writes and compiles the model's integration kernel;
* ``default_dt`` (ms) and ``default_method``;
* ``units``: :data:`POINT` (pA, pF, nS) or :data:`PER_AREA` (µA/cm², µF/cm², mS/cm²).

The model packs its parameters into one float array (:meth:`Model.parameters`) and gives
its initial state (:meth:`Model.initial_state`); it knows nothing of the integration loop.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

METHODS = ("euler", "exp_euler", "rk4", "semi_implicit_euler")


@dataclass(frozen=True)
class Units:
    """Unit labels used in plots and messages for one family of models."""

    current: str
    capacitance: str
    conductance: str
    voltage: str = "mV"
    time: str = "ms"


POINT = Units(current="pA", capacitance="pF", conductance="nS")
PER_AREA = Units(current="µA/cm²", capacitance="µF/cm²", conductance="mS/cm²")


@dataclass(frozen=True)
class Equations:
    r"""A model family's equations, written as the Python expressions the engine compiles.

    Every equation is written in the form :math:`dy/dt = A\,y + B`, where ``A`` and ``B``
    may depend on the other variables but not on y itself. A term that is nonlinear in y
    goes into ``B`` (in the extreme, ``A = "0.0"`` and ``B`` is the whole right-hand
    side). Forward Euler and RK4 use ``A*y + B``; exponential Euler advances y by the
    exact solution of the linear equation with A and B held fixed over the step.

    Expressions may use the parameter and state names, the current ``I``, names defined
    in ``intermediates``, and ``exp``, ``expm1``, ``log``, ``sqrt``, ``sigmoid``,
    ``linoid`` (x / (1 - e^{-x})). Names starting with ``_`` are the engine's.

    Parameters
    ----------
    name : str
        Label of the generated kernel file.
    parameters : tuple of str
        Names of the values of :meth:`Model.parameters`, in order.
    state : tuple of str
        State variables, the membrane potential ``"V"`` first.
    rhs : tuple of (str, str, str)
        ``(variable, A, B)`` for every state variable, in the order of ``state``.
    intermediates : tuple of str, optional
        Assignments ``"name = expression"`` evaluated before ``rhs``.
    threshold : str, optional
        A spike is an upward crossing of V over this expression (interpolated within the
        step); ``None`` for a model without spikes.
    reset : tuple of str, optional
        Statements applied at each spike (e.g. ``"V = V_reset"``); empty for no reset.
        A resetting model reports every step that ends at or above threshold as a spike.
    refractory : str, optional
        Name of the parameter holding the absolute refractory period (ms) during which V
        is clamped after a reset.
    """

    name: str
    parameters: tuple[str, ...]
    state: tuple[str, ...]
    rhs: tuple[tuple[str, str, str], ...]
    intermediates: tuple[str, ...] = ()
    threshold: str | None = None
    reset: tuple[str, ...] = ()
    refractory: str | None = None

    def __post_init__(self):
        names = [*self.parameters, *self.state]
        for name in names:
            if not name.isidentifier() or name.startswith("_") or name == "I":
                raise ValueError(f"{name!r} cannot name a parameter or state variable: use an "
                                 "identifier that does not start with '_' and is not 'I'.")
        if len(set(names)) != len(names):
            raise ValueError(f"parameter and state names must be unique; got {names}.")
        if not self.state or self.state[0] != "V":
            raise ValueError(f"the first state variable must be 'V'; got {self.state}.")
        if tuple(var for var, _, _ in self.rhs) != self.state:
            raise ValueError("rhs must give (variable, A, B) for every state variable, in order.")
        if self.refractory is not None and (not self.reset or self.refractory not in self.parameters):
            raise ValueError("a refractory period needs a reset and must name a parameter.")

    @property
    def resets(self) -> bool:
        return bool(self.reset)


@dataclass(frozen=True)
class Model:
    """Base class of all neuron models (not used directly)."""

    state_names: ClassVar[tuple[str, ...]]
    default_dt: ClassVar[float]
    default_method: ClassVar[str]
    units: ClassVar[Units] = POINT

    def equations(self) -> Equations:
        """The model's equations, the code the engine compiles (one kernel per structure)."""
        raise NotImplementedError

    def parameters(self) -> np.ndarray:
        """The values of ``equations().parameters``, in that order (float64)."""
        return np.array([getattr(self, name) for name in self.equations().parameters], dtype=float)

    def initial_state(self) -> np.ndarray:
        """The state at t = 0 (V in mV first), one value per name in ``state_names``."""
        raise NotImplementedError

    def max_dt(self, method: str) -> float:
        """The largest time step (ms) that is stable and accurate enough for ``method``."""
        raise NotImplementedError

    def derivative(self, state, I: float = 0.0) -> np.ndarray:
        """dy/dt at ``state`` for a constant current ``I``: the model's right-hand side.

        Useful for phase planes and for checking a hand-written right-hand side against
        the compiled one. Units: state units per ms.
        """
        from .._codegen import kernel  # late import: models do not depend on the engine

        y = np.asarray(state, dtype=float)
        if y.shape != (len(self.state_names),):
            raise ValueError(f"state must have {len(self.state_names)} values "
                             f"{self.state_names}, got shape {y.shape}.")
        return kernel(self.equations(), "euler").derivative(self.parameters(), y, float(I))

    def replace(self, **changes) -> "Model":
        """A copy with some parameters changed (``dataclasses.replace``)."""
        return dataclasses.replace(self, **changes)
