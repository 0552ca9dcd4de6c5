"""What every neurolab model shares: the contract between a model and the engine.

A model is a frozen dataclass of parameters (with published defaults and units in its
docstring) plus a few class-level facts the engine needs:

* ``state_names``: the state variables, the membrane potential ``"V"`` first;
* ``kind``: the integer id under which the compiled kernel dispatches to the model's
  right-hand side, crossing test and reset rule (see :mod:`neurolab._kernel`);
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

METHODS = ("euler", "exp_euler", "rk4")


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
class Model:
    """Base class of all neuron models (not used directly)."""

    kind: ClassVar[int]
    state_names: ClassVar[tuple[str, ...]]
    default_dt: ClassVar[float]
    default_method: ClassVar[str]
    units: ClassVar[Units] = POINT
    #: True for integrate-and-fire style models that reset V after each spike.
    resets: ClassVar[bool] = False

    def parameters(self) -> np.ndarray:
        """All parameters packed into one float64 array, in the kernel's layout."""
        raise NotImplementedError

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
        from .._kernel import derivative  # late import: models do not depend on the engine

        y = np.asarray(state, dtype=float)
        if y.shape != (len(self.state_names),):
            raise ValueError(f"state must have {len(self.state_names)} values "
                             f"{self.state_names}, got shape {y.shape}.")
        return derivative(self.kind, self.parameters(), y, float(I))

    def replace(self, **changes) -> "Model":
        """A copy with some parameters changed (``dataclasses.replace``)."""
        return dataclasses.replace(self, **changes)
