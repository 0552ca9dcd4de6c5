"""Published network models, ready to run (benchmarks, tests and chapters share them).

* :func:`coba`: the conductance-based benchmark of Vogels & Abbott (2005) as used by
  Brette et al. (2007), benchmark 1 (the network every simulator reports its speed on).
* :func:`izhikevich_ei`: the book's E–I circuit (chapter "A small cortical circuit"),
  scaled to any size with the same connection probabilities.

Times in ms, potentials in mV, conductances in nS.
"""
from __future__ import annotations

import numpy as np

from . import _validation as check
from . import models, synapses
from .network import Network

__all__ = ["coba", "COBA_CELL", "COBA_EXC", "COBA_INH", "izhikevich_ei"]

#: The benchmark's cell: τ_m = C / g_L = 20 ms, rest and reset -60 mV, threshold -50 mV,
#: 5 ms refractory (Brette et al. 2007, benchmark 1).
COBA_CELL = models.LIF(C=200.0, g_L=10.0, E_L=-60.0, V_th=-50.0, V_reset=-60.0, t_ref=5.0)
#: Excitatory synapse: exponential, 6 nS, τ 5 ms, reversal 0 mV.
COBA_EXC = synapses.Exponential(tau=5.0, g_max=6.0, E_rev=0.0)
#: Inhibitory synapse: exponential, 67 nS, τ 10 ms, reversal -80 mV.
COBA_INH = synapses.Exponential(tau=10.0, g_max=67.0, E_rev=-80.0)


def coba(n: int = 4000, seed: int = 1, p: float = 0.02, delay: float = 0.1,
         kick: float = 50.0) -> Network:
    """The COBA benchmark: n LIF cells (80 % E, 20 % I), each pair connected with
    probability ``p``, exponential conductances (``COBA_EXC``, ``COBA_INH``).

    V starts uniformly between reset and threshold. As in the benchmark's NEST and PyNN
    versions, Poisson input during ``kick`` ms from 1 ms on (200 trains at 20 Hz, each cell
    receiving 10 % of them) starts the self-sustained activity; ``delay`` (ms) is the
    synaptic delay (NEST needs at least one time step).
    """
    n = check.integer("n", n, minimum=5)      # at least one cell in each population
    net = Network(seed=seed)
    n_exc = int(round(0.8 * n))
    V0 = np.random.default_rng(seed).uniform(COBA_CELL.V_reset, COBA_CELL.V_th, n)
    E = net.population("E", COBA_CELL, n_exc, V_init=V0[:n_exc])
    I = net.population("I", COBA_CELL, n - n_exc, V_init=V0[n_exc:])
    for pre, syn in ((E, COBA_EXC), (I, COBA_INH)):
        for post in (E, I):
            net.connect(pre, post, syn, p=p, delay=delay)
    if kick > 0:
        # from 1 ms on: NEST cannot relay a spike from its very first steps
        trains = synapses.poisson_train(20.0, 1.0 + kick, seed=seed, n=200, start=1.0)
        start = net.spike_source("kick", trains)
        for post in (E, I):
            net.connect(start, post, COBA_EXC, p=0.1, delay=delay)
    return net


def izhikevich_ei(n: int = 1000, seed: int = 1, background: float = 12000.0) -> Network:
    """The book's E–I circuit (80 % RS, 20 % FS Izhikevich cells, AMPA and GABA_A, E→E and
    E→I with p = 0.1, I→E and I→I with p = 0.2, Poisson background to E at ``background`` Hz)."""
    n = check.integer("n", n, minimum=5)      # at least one cell in each population
    net = Network(seed=seed)
    n_exc = int(round(0.8 * n))
    E = net.population("E", models.RS_2007, n_exc, V_init=-60.0)
    I = net.population("I", models.FS_2007, n - n_exc, V_init=-55.0)
    net.connect(E, E, synapses.AMPA, p=0.1, weight=1.0)
    net.connect(E, I, synapses.AMPA, p=0.1, weight=2.0)
    net.connect(I, E, synapses.GABA_A, p=0.2, weight=2.0)
    net.connect(I, I, synapses.GABA_A, p=0.2, weight=1.0)
    net.background(E, synapses.AMPA, rate=background)
    return net
