"""Neuron models: frozen dataclasses of parameters with published defaults.

Point neurons use ms, mV, pA, nS, pF; conductance-based models use µF/cm², mS/cm²,
µA/cm². Make variants with ``dataclasses.replace(model, g_L=20.0)`` or ``model.replace(...)``.
"""
from ._base import METHODS, PER_AREA, POINT, Equations, Model, Units
from .conductance import Channel, ConductanceBasedNeuron, Gate, Rate
from .hodgkin_huxley import HodgkinHuxley
from .adaptation import NAUD_2008, AdaptiveLIF, AdEx
from .integrate_and_fire import LIF, LIFRefractoryConductance, LIFThresholdIncrease
from .izhikevich import FS_2007, IZHIKEVICH_2003, RS_2007, Izhikevich, Izhikevich2003
from .passive import PassiveMembrane
from .planar import (MORRIS_LECAR_HOPF, MORRIS_LECAR_SNLC, FitzHughNagumo, MorrisLecar,
                     ReducedHodgkinHuxley)
from .srm import SRM

__all__ = [
    "Model", "Equations", "Units", "POINT", "PER_AREA", "METHODS",
    "PassiveMembrane", "LIF", "LIFThresholdIncrease", "LIFRefractoryConductance",
    "AdaptiveLIF", "AdEx", "NAUD_2008", "SRM", "Izhikevich", "RS_2007", "FS_2007",
    "Izhikevich2003", "IZHIKEVICH_2003", "HodgkinHuxley",
    "MorrisLecar", "MORRIS_LECAR_SNLC", "MORRIS_LECAR_HOPF", "FitzHughNagumo",
    "ReducedHodgkinHuxley",
    "Rate", "Gate", "Channel", "ConductanceBasedNeuron",
]
