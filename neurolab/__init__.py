"""neurolab: the models, stimuli and analysis behind the NeuroLab course.

Units, stated once: point neurons use ms, mV, pA, nS, pF and Hz (nS · mV = pA,
pF · mV / ms = pA); conductance-based models use the same times and potentials with
µF/cm², mS/cm² and µA/cm² per unit membrane area.

>>> import neurolab as nl
>>> from neurolab import models, stimulus
>>> res = nl.simulate(models.HodgkinHuxley(), stimulus.step(10.0, 10.0, 110.0), t_stop=150.0)

Synapses (``neurolab.synapses``) and networks of point neurons (``neurolab.Network``)
use the point-neuron units; a synaptic current ``g (V - E_rev)`` is positive outward.
"""
from . import analysis, models, network, stimulus, synapses
from .network import Network
from .reference import reference_solution
from .result import Result
from .simulate import fi_curve, rheobase, simulate, time_grid

__version__ = "0.1.0"
__all__ = ["simulate", "fi_curve", "rheobase", "time_grid", "reference_solution", "Result",
           "Network", "models", "stimulus", "synapses", "network", "analysis", "plotting",
           "interactive", "phase_plane"]


def __getattr__(name):
    # plotting and interactive pull in matplotlib, plotly and ipywidgets: import on use
    if name in ("plotting", "interactive"):
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'neurolab' has no attribute {name!r}")
