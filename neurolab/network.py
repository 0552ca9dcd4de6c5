r"""Networks of point neurons coupled by conductance-based synapses.

>>> import neurolab as nl
>>> from neurolab import models, synapses
>>> net = nl.Network(seed=1)
>>> E = net.population("E", models.RS_2007, 80)
>>> I = net.population("I", models.FS_2007, 20)
>>> net.connect(E, I, synapses.AMPA, p=0.2, weight=2.0)
>>> net.connect(I, E, synapses.GABA_A, p=0.2, weight=4.0)
>>> net.background(E, synapses.AMPA, rate=2000.0, weight=1.0)
>>> res = net.run(500.0)
>>> res["E"].mean_rate()

Populations hold any neurolab point-neuron model (one model, or a list of models with
the same equations for heterogeneous cells). A projection connects a presynaptic
population or spike source to a population through one synapse type
(:mod:`neurolab.synapses`), with a weight (dimensionless: it scales the synapse's
``g_max``), a delay (ms) and random connectivity drawn from the network's seed. Each
synapse type on a neuron has its own state, shared by all the spikes that reach it, and
the neuron feels ``I = I_ext - sum g B(V) (V - E_rev)`` (see the sign convention in
:mod:`neurolab.synapses`). Connectivity is stored as each presynaptic neuron's targets
(memory proportional to the number of synapses). The whole network runs in one compiled
kernel (written by ``neurolab._netgen``), on one or more threads: the COBA benchmark (4000
LIF cells, :func:`neurolab.circuits.coba`) takes about 20 ns per neuron and step on one
core. ``run(..., engine="nest")`` runs the same network in the NEST simulator.

Times in ms, potentials in mV, currents in pA, conductances in nS, rates in Hz.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from . import _connectivity, synapses
from . import _validation as check
from ._network_run import NetworkResult, PopulationResult, run_network
from .models._base import Model

__all__ = ["Network", "NetworkResult", "PopulationResult", "synaptic_drive"]


@dataclass(eq=False)
class Population:
    """A group of neurons of one model (made by :meth:`Network.population`)."""

    name: str
    models: list
    n: int
    current: object
    V_init: np.ndarray | None

    @property
    def model(self) -> Model:
        return self.models[0]


@dataclass(eq=False)
class Source:
    """Presynaptic spike trains, one per source neuron (made by :meth:`Network.spike_source`)."""

    name: str
    trains: list

    @property
    def n(self) -> int:
        return len(self.trains)


@dataclass(eq=False)
class Projection:
    """Connections from ``pre`` to ``post`` through one synapse (made by :meth:`Network.connect`).

    Stored as compressed sparse rows over the presynaptic neurons: the targets of
    presynaptic neuron j are ``targets[indptr[j]:indptr[j + 1]]`` (memory proportional to
    the number of synapses). ``pre_ids`` and ``post_ids`` list every synapse's two ends;
    ``projection["pre_ids"]`` works too.
    """

    pre: object
    post: Population
    synapse: synapses.Synapse
    weight: float
    delay: float
    receptor: str
    indptr: np.ndarray
    targets: np.ndarray
    p: float = 1.0
    one_to_one: bool = False
    autapses: bool = False

    @property
    def n_synapses(self) -> int:
        return int(self.targets.size)

    @property
    def pre_ids(self) -> np.ndarray:
        """The presynaptic neuron of every synapse (sorted)."""
        return np.repeat(np.arange(self.pre.n), np.diff(self.indptr))

    @property
    def post_ids(self) -> np.ndarray:
        """The postsynaptic neuron of every synapse (in the order of ``pre_ids``)."""
        return self.targets.astype(np.int64)

    def __getitem__(self, key):
        return getattr(self, key)


_PRESETS = {getattr(synapses, name): name for name in ("AMPA", "NMDA", "GABA_A", "GABA_B")}


class Network:
    """A network of populations, spike sources, projections and Poisson background.

    Parameters
    ----------
    seed : int, default 0
        Seeds the connectivity, the Poisson sources and the background input: a network
        built and run twice with one seed gives the same spikes.
    """

    def __init__(self, seed: int = 0):
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
            raise TypeError(f"seed must be an int, not {seed!r}.")
        self.seed = int(seed)
        self._seeds = np.random.SeedSequence(self.seed)
        self.populations: list[Population] = []
        self.sources: list[Source] = []
        self.projections: list[dict] = []
        self.backgrounds: list[dict] = []

    def _rng(self):
        # each call spawns the next child stream: the same streams, in order, for one seed
        return np.random.default_rng(self._seeds.spawn(1)[0])

    def _new_name(self, name):
        if any(g.name == name for g in self.populations + self.sources):
            raise ValueError(f"a population or source named {name!r} exists already.")
        return name

    def population(self, name: str, model, n: int, current=0.0, V_init=None) -> Population:
        """Add ``n`` neurons of ``model`` (or a list of n models with the same equations).

        ``current``: the injected current (pA) for every neuron: a number, an array of n
        numbers (one per neuron), or a stimulus (the same for all). ``V_init``: initial V
        (mV), a number or n numbers; the other state variables start at the model's values.
        """
        n = _count("n", n)
        if n < 1:
            raise ValueError(f"a population needs at least one neuron; got n={n}.")
        models = list(model) if isinstance(model, (list, tuple)) else [model] * n
        if len(models) != n:
            raise ValueError(f"{len(models)} models for a population of n={n}: give one model "
                             "or exactly n.")
        for m in models:
            if not isinstance(m, Model):
                raise TypeError(f"population {name!r}: {m!r} is not a neurolab model.")
            if m.equations() != models[0].equations():
                raise ValueError(f"population {name!r}: all models must have the same equations.")
        if isinstance(current, (list, tuple, np.ndarray)):
            current = np.asarray(current, dtype=float)
            if current.shape != (n,):
                raise ValueError(f"population {name!r}: current has shape {current.shape}; give "
                                 f"one number (pA), n={n} numbers (one per neuron) or a "
                                 "stimulus from neurolab.stimulus (the same for all).")
            if not np.all(np.isfinite(current)):
                raise ValueError(f"population {name!r}: the currents must be finite (pA).")
        if V_init is not None:
            V_init = np.asarray(V_init, dtype=float)
            if V_init.shape not in ((), (n,)) or not np.all(np.isfinite(V_init)):
                raise ValueError(f"population {name!r}: V_init must be one finite number (mV) "
                                 f"or n={n} of them; got shape {V_init.shape}.")
            V_init = np.broadcast_to(V_init, (n,)).copy()
        pop = Population(self._new_name(name), models, n, current, V_init)
        self.populations.append(pop)
        return pop

    def spike_source(self, name: str, spike_times) -> Source:
        """Add presynaptic spike trains: one array of times (ms), or a list of arrays."""
        trains = spike_times
        if not isinstance(trains, (list, tuple)) or (trains and isinstance(trains[0], numbers.Real)):
            trains = [trains]
        trains = [_train(name, s) for s in trains]
        if any(np.any(s < 0) or not np.all(np.isfinite(s)) for s in trains):
            raise ValueError(f"source {name!r}: spike times must be finite and >= 0 ms.")
        source = Source(self._new_name(name), trains)
        self.sources.append(source)
        return source

    def poisson_source(self, name: str, n: int, rate: float, t_stop: float) -> Source:
        """Add ``n`` independent Poisson spike trains at ``rate`` (Hz) up to ``t_stop`` (ms)."""
        n = _count("n", n)
        rng = self._rng()
        seed = int(rng.integers(2**63))
        return self.spike_source(name, synapses.poisson_train(rate, t_stop, seed=seed, n=n))

    def connect(self, pre, post, synapse, p: float = 1.0, weight: float = 1.0,
                delay: float = 1.0, one_to_one: bool = False, autapses: bool = False,
                receptor: str | None = None) -> dict:
        """Connect ``pre`` (population or source) to population ``post`` through ``synapse``.

        Each pair is connected with probability ``p`` (all pairs for p = 1), or neuron i
        to neuron i with ``one_to_one``. ``weight`` (dimensionless, >= 0) scales the
        synapse's ``g_max`` (nS); ``delay`` (ms) is rounded to the time step. A neuron's
        spike during a step counts at the end of that step (as in Brian2 and NEST), so
        its delay is at least one step; a source's spike arrives exactly at its time
        plus the delay (both rounded to the grid). Neurons do not connect to themselves unless
        ``autapses``. ``receptor`` names the synaptic state (default: the preset's name, with
        ``_current_based`` for a current-based copy, else the type's name and a number
        counting the receptors added so far, e.g. ``"Exponential_0"``); projections
        with equal synapses share one state.
        """
        self._own(post, "post", Population)
        self._own(pre, "pre", (Population, Source))
        if not isinstance(synapse, synapses.Synapse):
            raise TypeError("synapse must be a neurolab.synapses type, e.g. synapses.AMPA.")
        p = check.finite("p", p, "(a probability)")
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"p={p!r} is a connection probability: give a number in [0, 1].")
        weight = check.nonnegative("weight", weight, "(dimensionless)")
        delay = check.nonnegative("delay", delay, "ms")
        if one_to_one:
            if pre.n != post.n:
                raise ValueError(f"one_to_one needs equal sizes; got {pre.n} and {post.n}.")
            indptr, targets = _connectivity.one_to_one(pre.n)
        else:
            indptr, targets = _connectivity.draw(self._rng(), pre.n, post.n, p,
                                                 skip_self=pre is post and not autapses)
        projection = Projection(pre, post, synapse, weight, delay,
                                self._receptor(synapse, receptor), indptr, targets, p,
                                bool(one_to_one), bool(autapses))
        self.projections.append(projection)
        return projection

    def _own(self, group, name, kinds):
        """Check that ``group`` is a population (or source) of this network."""
        if not isinstance(group, kinds):
            what = "a population" if kinds is Population else "a population or a spike source"
            raise TypeError(f"{name} must be {what} of this network (from net.population), "
                            f"not {type(group).__name__}.")
        if not any(group is g for g in self.populations + self.sources):
            raise ValueError(f"{name}: {type(group).__name__.lower()} {group.name!r} belongs to "
                             "another Network; connect groups of one network (build the "
                             "populations with this network's net.population).")

    def background(self, post, synapse, rate: float, weight: float = 1.0,
                   receptor: str | None = None) -> None:
        """Independent Poisson input at ``rate`` (Hz) to every neuron of ``post``."""
        self._own(post, "post", Population)
        if not isinstance(synapse, synapses.Synapse):
            raise TypeError("synapse must be a neurolab.synapses type, e.g. synapses.AMPA.")
        self.backgrounds.append(dict(post=post, rate=check.nonnegative("rate", rate, "Hz"),
                                     weight=check.nonnegative("weight", weight, "(dimensionless)"),
                                     receptor=self._receptor(synapse, receptor), synapse=synapse))

    def _receptor(self, synapse, name):
        for item in self.projections + self.backgrounds:
            if item["synapse"] == synapse and (name is None or item["receptor"] == name):
                return item["receptor"]
        if name is None:
            preset = _PRESETS.get(synapse.replace(V_drive=None))
            suffix = "" if synapse.V_drive is None else "_current_based"
            name = (preset + suffix if preset else
                    f"{type(synapse).__name__}_{len(self._receptors())}")
        if name in self._receptors():
            raise ValueError(f"receptor {name!r} already names a different synapse.")
        return name

    def _receptors(self):
        names = {}
        for item in self.projections + self.backgrounds:
            names.setdefault(item["receptor"], item["synapse"])
        return names

    def run(self, t_stop: float, dt: float | None = None, method: str | dict | None = None,
            record=None, progress: bool | None = None, engine: str = "neurolab",
            threads: int = 1) -> NetworkResult:
        """Simulate the network for ``t_stop`` ms; returns a
        :class:`~neurolab.network.NetworkResult`.

        ``dt``: the time step (ms), by default the smallest of the models' default steps.
        ``method``: one method for all, or a dict population name -> method.
        ``record``: dict population name -> neuron indices whose traces (state, each
        receptor's g, I_syn) are kept; by default neuron 0 of every population.
        ``progress``: show a progress bar (default: for runs expected over ~2 s).
        ``engine``: ``"neurolab"`` (the compiled kernel) or ``"nest"`` (the NEST simulator,
        ``pip install nest-simulator``: LIF and AdEx cells with conductance-based
        exponential, alpha, dual-exponential or rise-and-decay synapses; anything else
        raises a ValueError that says what NEST supports).
        ``threads``: CPU threads (in neurolab at most numba's ``NUMBA_NUM_THREADS``, by
        default the number of cores). In neurolab the spikes do not depend on it (every
        neuron has its own random stream); in NEST, Poisson background does (NEST draws its
        random numbers per thread).
        """
        threads = _count("threads", threads)
        if threads < 1:
            raise ValueError(f"threads={threads}: give at least 1.")
        if engine == "nest":
            from . import _nest_engine
            return _nest_engine.run(self, t_stop, dt, record, threads)
        if engine != "neurolab":
            raise ValueError(f"engine={engine!r} is unknown; use 'neurolab' or 'nest'.")
        return run_network(self, t_stop, dt, method, record, progress, threads)

    def to_nest_script(self, path, t_stop: float = 1000.0, dt: float = 0.1, threads: int = 1) -> None:
        """Write a standalone NEST script of this network to ``path``.

        It builds the same model (random connectivity drawn by NEST with the same
        probabilities), runs ``t_stop`` ms and prints each population's mean rate; it
        runs unchanged under ``mpirun -n K python path`` on a NEST built with MPI.
        """
        from . import _nest_engine
        _nest_engine.write_script(self, path, t_stop, dt, threads)


def _train(name, times) -> np.ndarray:
    """One spike train as a sorted float array, or a TypeError that says what to give."""
    fix = (f"source {name!r}: give spike times in ms as numbers, e.g. [10.0, 25.0] (or a list "
           f"of such arrays, one per train); got {times!r}.")
    if times is None or isinstance(times, (str, bytes)):
        raise TypeError(fix)
    try:
        train = np.atleast_1d(np.asarray(times, dtype=float))
    except (TypeError, ValueError):
        raise TypeError(fix) from None
    if train.ndim != 1:
        raise TypeError(fix)
    return np.sort(train)


def _count(name, value) -> int:
    """A whole number (int, or a float such as 800.0); 2.7 is an error, not 2."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        if isinstance(value, numbers.Integral) or float(value).is_integer():
            return int(value)
    raise TypeError(f"{name}={value!r}: give a whole number (an int).")


def synaptic_drive(model, inputs, t_stop: float, current=0.0, dt=None, method=None,
                   V_init=None):
    """One neuron driven by presynaptic spike trains: ``[(synapse, spike_times, weight), ...]``.

    Returns the neuron's :class:`~neurolab.network.PopulationResult` (``t``, ``v``, ``state``, ``g``,
    ``I_syn``, ``spike_times``). Each input's spikes arrive at their times (rounded to
    the grid; no delay). ``current`` (pA) and ``V_init`` (mV) as in
    :meth:`Network.population`.
    """
    if not isinstance(inputs, (list, tuple)):
        raise TypeError(f"inputs={inputs!r}: give a list of (synapse, spike_times, weight), "
                        "e.g. [(synapses.AMPA, [10.0], 2.0)].")
    net = Network()
    cell = net.population("neuron", model, 1, current=current, V_init=V_init)
    for k, item in enumerate(inputs):
        if not isinstance(item, (list, tuple)) or len(item) not in (2, 3):
            raise ValueError(f"inputs[{k}] = {item!r}: give (synapse, spike_times) or "
                             "(synapse, spike_times, weight).")
        synapse, times, weight = (tuple(item) + (1.0,))[:3]
        source = net.spike_source(f"input_{k}", times)
        net.connect(source, cell, synapse, weight=weight, delay=0.0)
    return net.run(t_stop, dt=dt, method=method)["neuron"]
