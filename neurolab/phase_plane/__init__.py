"""Phase planes, equilibria and bifurcations of any neuron model without resets.

Everything here is computed from the model's own compiled right-hand side (the
``derivative`` of its generated kernel), so it holds for every model the engine
simulates: Morris–Lecar and FitzHugh–Nagumo, Hodgkin–Huxley with its four variables, a
:class:`~neurolab.models.ConductanceBasedNeuron` of your own.

* ``fixed_points``: :func:`equilibria` (also
  ``neurolab.analysis.equilibria``), :func:`jacobian`, :func:`classify`;
* ``bifurcations``: :func:`bifurcation_diagram`,
  :func:`limit_cycles`;
* :mod:`~neurolab.phase_plane.figures`: phase portraits, bifurcation diagrams and a
  plotly slider over the current (imported on use: it needs matplotlib and plotly).

>>> from neurolab import models, phase_plane as pp
>>> pp.bifurcation_diagram(models.MORRIS_LECAR_SNLC, (0.0, 80.0)).saddle_nodes[0].I   # ≈ 39.96
"""
from .bifurcations import (BifurcationDiagram, BifurcationPoint, Branch, LimitCycles,
                           bifurcation_diagram, limit_cycles)
from .fixed_points import Equilibrium, classify, equilibria, field_function, jacobian

__all__ = ["Equilibrium", "equilibria", "jacobian", "classify", "field_function",
           "BifurcationDiagram", "BifurcationPoint", "Branch", "bifurcation_diagram",
           "LimitCycles", "limit_cycles"]


def __getattr__(name):
    if name == "figures":      # matplotlib and plotly: import on use
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
