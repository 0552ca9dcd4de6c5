"""Running a :class:`neurolab.network.Network`: packing it for the kernel, and its result."""
from __future__ import annotations

import numba
import numpy as np

from . import _math, _netgen
from ._codegen import NOT_FINITE, SPIKE_BUFFER_FULL
from ._jit import parallel_lock
from ._netdrivers import LINE
from .simulate import _resolve_dt_method, _sample, time_grid

#: Tests set this to run small networks in the full kernel too (to compare the two).
_FULL_KERNEL = False
#: At most this many chunks per thread numba can run: 1 (a chunk more than threads only
#: adds waiting, and every hand-over reads all chunks' counters); tests raise it to make
#: a thread take several chunks in turn.
_CHUNKS_PER_THREAD = 1


def _pack_synapses(receptors, dt, K_min=1):
    """Each receptor's exact propagator, kicks and readout, padded to K states (at least
    ``K_min``), and its structure (states, diagonal propagator, magnesium block,
    current-based) for the kernel."""
    items = list(receptors.items())
    K = max([K_min] + [len(syn.ode()[1]) for _, syn in items])
    R = len(items)
    prop, jump, readout = np.zeros((R, K, K)), np.zeros((R, K)), np.zeros((R, K))
    E, Mg, V_drive = np.zeros(R), np.zeros(R), np.full(R, np.nan)
    structure = []
    for r, (_, syn) in enumerate(items):
        A, kick, out = syn.ode()
        k = len(kick)
        prop[r, :k, :k], jump[r, :k], readout[r, :k] = syn.propagator(dt), kick, out
        E[r], Mg[r] = syn.E_rev, syn.Mg or 0.0
        V_drive[r] = np.nan if syn.V_drive is None else syn.V_drive
        structure.append((k, bool(np.all(A == np.diag(np.diag(A)))), bool(syn.Mg),
                          syn.V_drive is not None))
    arrays = dict(prop=prop, jump=jump, readout=readout, E=E, Mg=Mg, V_drive=V_drive)
    return arrays, structure


def _pack_projections(net, index, n_neurons, dt, names, pops):
    """The projections as one table (a row each) and their CSR rows concatenated."""
    table = {key: [] for key in ("lags", "proj_lo", "proj_n", "proj_row", "proj_post",
                                 "proj_rec", "proj_w")}
    indptr, targets, row, base = [], [], 0, 0
    for proj in net.projections:
        # a neuron's spike during step k counts at the end of the step (as in Brian2 and
        # NEST) and arrives at step k + 1 + round(delay / dt); a source's at its own step
        own = any(proj.pre is p for p in pops)
        table["lags"].append(int(round(proj.delay / dt)) + (1 if own else 0))
        table["proj_lo"].append(index[id(proj.pre)])
        table["proj_n"].append(proj.pre.n)
        table["proj_row"].append(row)
        table["proj_post"].append(index[id(proj.post)])
        table["proj_rec"].append(names.index(proj.receptor))
        table["proj_w"].append(proj.weight)
        indptr.append(proj.indptr + base)
        targets.append(proj.targets)
        row += proj.pre.n + 1
        base += proj.targets.size
    packed = {k: np.array(v, dtype=float if k == "proj_w" else np.int64) for k, v in table.items()}
    packed["indptr"] = np.concatenate(indptr) if indptr else np.zeros(1, np.int64)
    small = all(proj.post.n <= 1 << 16 for proj in net.projections)
    packed["targets"] = np.concatenate(targets + [np.zeros(0, np.int32)], casting="unsafe",
                                       dtype=np.uint16 if small else np.uint32)
    return packed


def _row_cuts(proj, bounds, chunks):
    """Where each chunk's targets lie in each row of connections: chunk c's part of row r
    (a presynaptic neuron's sorted targets in one projection) is targets[cuts[c, r]
    .. cuts[c + 1, r]], the targets in bounds[q][c] .. bounds[q][c + 1] (local indices in
    projection q's postsynaptic population). Found once per run, so routing a spike costs
    a chunk no search."""
    indptr, targets = proj["indptr"], proj["targets"]
    cuts = np.empty((chunks + 1, max(indptr.size - 1, 0)), np.int64)
    cuts[0], cuts[chunks] = indptr[:-1], indptr[1:]
    for q, (row, n_pre) in enumerate(zip(proj["proj_row"], proj["proj_n"])):
        ends = indptr[row + 1:row + n_pre + 1]
        for c in range(1, chunks):
            cuts[c, row:row + n_pre] = _first_at_least(targets, cuts[c - 1, row:row + n_pre],
                                                       ends, bounds[q][c])
        cuts[1:chunks, row + n_pre:row + n_pre + 1] = indptr[row + n_pre]   # the gap: empty
    return cuts


def _first_at_least(sorted_rows, lo, hi, value):
    """For every row at once: the first index in lo .. hi (arrays) whose entry of
    ``sorted_rows`` is >= value, else hi. A bisection of all rows in step, ~log2(row
    length) vector operations (a search per row would be a Python loop per neuron)."""
    lo, hi = lo.copy(), hi.copy()
    active = np.flatnonzero(lo < hi)
    while active.size:
        mid = (lo[active] + hi[active]) // 2
        right = sorted_rows[mid] < value
        lo[active[right]] = mid[right] + 1
        hi[active[~right]] = mid[~right]
        active = active[lo[active] < hi[active]]
    return lo


def _pack_sources(sources, index, n_neurons, dt, n):
    """Which sources spike in each step, as CSR over the steps."""
    steps, ids = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    for s in sources:
        for i, train in enumerate(s.trains):
            k = np.round(train / dt).astype(np.int64)
            k = k[k < n]
            steps.append(k)
            ids.append(np.full(k.size, index[id(s)] - n_neurons + i))
    steps, ids = np.concatenate(steps), np.concatenate(ids)
    by_step = np.argsort(steps, kind="stable")
    return np.searchsorted(steps[by_step], np.arange(n + 1)).astype(np.int64), ids[by_step]


def _pack_background(net, pops, names, dt, seed):
    """Poisson background per population and receptor: weight, number of pieces (each of
    mean <= 10) and the CDF table of one piece (:func:`neurolab._math.poisson_cdf`), as
    arrays (R,), (R,) and (R, L) per population; and one random stream per neuron."""
    R = len(names)
    none = np.full(_math._FIRST + 1, np.inf)
    tables = [dict(w=np.zeros(R), pieces=np.zeros(R, np.int64), cdf=[none] * R) for _ in pops]
    for bg in net.backgrounds:
        r, mine = names.index(bg["receptor"]), tables[[id(p) for p in pops].index(id(bg["post"]))]
        if mine["pieces"][r] > 0:
            raise ValueError(f"population {bg['post'].name!r} has two backgrounds on receptor "
                             f"{bg['receptor']!r}: merge them into one (Poisson rates add).")
        mean = bg["rate"] * dt / 1000.0
        mine["pieces"][r] = int(np.ceil(mean / 10.0)) if mean > 0 else 0
        mine["cdf"][r] = _math.poisson_cdf(mean / max(1, mine["pieces"][r]))
        mine["w"][r] = bg["weight"]
    for mine in tables:
        rows = mine["cdf"]
        mine["cdf"] = np.full((R, max([c.size for c in rows], default=none.size)), np.inf)
        for r, c in enumerate(rows):
            mine["cdf"][r, :c.size] = c
    n_neurons = sum(p.n for p in pops)
    rng = np.random.SeedSequence([seed, 0x6E6C]).generate_state(max(n_neurons, 1), np.uint64)
    return tables, rng


def run_network(net, t_stop, dt, method, record, progress, threads=1):
    pops, sources = net.populations, net.sources
    if not pops:
        raise ValueError("the network has no population: add one with net.population(...).")
    for p in pops:
        if p.model.units.current not in ("pA", "mV/ms"):
            raise ValueError(f"population {p.name!r}: {type(p.model).__name__} is a model per "
                             "unit area (µA/cm²); networks take point neurons (pA, pF, nS) "
                             "such as LIF, AdEx or Izhikevich.")
    if dt is None:
        dt = min(p.model.default_dt for p in pops)
    methods = {}
    for p in pops:
        wanted = method.get(p.name) if isinstance(method, dict) else method
        for m in {id(m): m for m in p.models}.values():     # each distinct model once
            t_stop, dt, methods[p.name] = _resolve_dt_method(m, t_stop, dt, wanted)
    t = time_grid(t_stop, dt)
    n = t.size
    offsets = np.cumsum([0] + [p.n for p in pops])
    n_neurons = int(offsets[-1])
    index = {id(p): int(o) for p, o in zip(pops, offsets)}
    index.update({id(s): n_neurons + int(o) for s, o in zip(sources, np.cumsum([0] + [s.n for s in sources]))})
    receptors = net._receptors()
    names = list(receptors)
    # a small network runs in the compact kernel: one per cell model, whatever the synapses
    compact = n_neurons <= _netgen.COMPACT_MAX and not _FULL_KERNEL
    syn, structure = _pack_synapses(receptors, dt, _netgen.COMPACT_K if compact else 1)
    R, K = syn["prop"].shape[0], max(syn["prop"].shape[1], 1)
    proj = _pack_projections(net, index, n_neurons, dt, names, pops)
    # chunks synchronise every `window` steps: no neuron's spike arrives sooner
    own = [lag for lag, lo in zip(proj["lags"], proj["proj_lo"]) if lo < n_neurons]
    window = int(min(own + [16]))
    D = (int(proj["lags"].max()) if proj["lags"].size else 0) + window
    src_indptr, src_ids = _pack_sources(sources, index, n_neurons, dt, n)
    background, rng = _pack_background(net, pops, names, dt, net.seed)

    record = {} if record is None else dict(record)
    for name in record:
        if name not in [p.name for p in pops]:
            raise ValueError(f"record: no population named {name!r}.")
    most = _CHUNKS_PER_THREAD * numba.config.NUMBA_NUM_THREADS
    chunks = 1 if compact else max(1, min(threads, most, min(p.n for p in pops)))
    capacity = int(min(n, max(64, n * dt / 2.0)))         # room for 500 Hz; grown if needed
    arrays = []
    for p, bg in zip(pops, background):
        S = len(p.model.state_names)
        params = np.ascontiguousarray(_per_neuron(p.models, lambda m: m.parameters()).T)
        y = np.ascontiguousarray(_per_neuron(p.models, lambda m: m.initial_state()).T)
        if p.V_init is not None:
            y[0] = p.V_init
        rec_ids = np.asarray(record.get(p.name, [0]), dtype=np.int64)
        if rec_ids.size and (rec_ids.min() < 0 or rec_ids.max() >= p.n):
            raise ValueError(f"record[{p.name!r}]: indices must be in 0..{p.n - 1}.")
        rec_slot = np.full(p.n, -1, np.int64)
        rec_slot[rec_ids] = np.arange(rec_ids.size)
        arrays.append(dict(
            params=params, y=y, y_old=np.empty_like(y), g_old=np.zeros(p.n), g_new=np.zeros(p.n),
            clamp_end=np.full(p.n, -np.inf), current=_population_current(p, t, dt, net.seed),
            itot=np.zeros((1, p.n)), last=np.zeros(p.n, np.int64), spikes=np.empty((p.n, capacity)),
            counts=np.zeros(p.n, np.int64), status=np.zeros(p.n, np.int64),
            error=np.zeros((p.n, 2), np.int64), rec_slot=rec_slot, rec=rec_ids,
            trace=np.zeros((S + R + 1, rec_ids.size, n)), work=np.zeros((3, p.n)),
            offset=index[id(p)],
            dt_over_C=dt / _per_neuron(p.models, lambda m: getattr(m, "C", 1.0)),
            bg_w=bg["w"], bg_pieces=bg["pieces"], bg_cdf=bg["cdf"],
            bounds=_chunk_bounds(p.n, chunks),
            fired=np.zeros((2, window, p.n), np.int64),
            fired_count=np.zeros((2, window, p.n), np.int64),
            n_fired=np.zeros((2, window, LINE * chunks), np.int64)))   # a line per chunk
    for a in arrays:
        _pack(a)
        for key in ("params", "itot", "work", "n_fired"):
            a[key] = _aligned(a[key])
    initial = [{k: v.copy() for k, v in a.items() if k in ("y", "spikes")} for a in arrays]
    # where each chunk's targets lie in each row of connections
    by_offset = {int(a["offset"]): a["bounds"] for a in arrays}
    cuts = _row_cuts(proj, [by_offset[int(post)] for post in proj["proj_post"]], chunks)

    module = _netgen.module([(p.name, p.model.equations(), methods[p.name]) for p in pops],
                            K if compact else structure)
    if progress is None:
        progress = n * n_neurons > 2e8
    chunk = max(1, n // 100) if progress else n
    # one chunk runs serially (compiles in half the time), unless the parallel driver is
    # already compiled in this session: then it serves (the same spikes, no compilation)
    driver = module.run if chunks > 1 or module.run.signatures else module.run_serial
    previous_threads = numba.get_num_threads()
    numba.set_num_threads(min(chunks, numba.config.NUMBA_NUM_THREADS))
    try:
        while True:
            state = dict(s=_aligned(np.zeros((R, K, n_neurons))),
                         buf=_aligned(np.zeros((D, R, n_neurons))),
                         rng=_aligned(rng.copy()))     # a copy: a rerun starts from rng
            args = (state["s"], state["buf"], *(syn[k] for k in ("prop", "jump", "readout")),
                    np.array([syn["E"], syn["Mg"], syn["V_drive"]]).reshape(3, R), state["rng"],
                    np.array([proj[k] for k in ("lags", "proj_lo", "proj_n", "proj_row", "proj_post",
                                                "proj_rec")], dtype=np.int64).reshape(6, -1),
                    proj["proj_w"], cuts, proj["targets"], src_indptr, src_ids, n_neurons,
                    np.zeros(chunks, np.int64), window, np.zeros(16 * chunks, np.int64))
            per_pop = [a[key] for a in arrays for key in _POP_KEYS]
            bar = _progress_bar(progress, t_stop)
            for k0 in range(0, n, chunk):
                with parallel_lock:     # numba's workqueue layer runs one parallel region at a time
                    status = driver(k0, min(n, k0 + chunk), n, dt, *args, *per_pop)
                if bar is not None:
                    bar.update(min(n, k0 + chunk) * dt - bar.n)
                if status != 0:
                    break
            if bar is not None:
                bar.close()
            if status != SPIKE_BUFFER_FULL:
                break
            capacity = int(max(a["counts"].max() for a in arrays)) * 2 + 16
            for a, init in zip(arrays, initial):
                a["spikes"] = np.empty((a["params"].shape[1], capacity))
                a["y"][...], a["clamp_end"][...] = init["y"], -np.inf     # in the packed arrays
                for key in ("last", "counts", "status"):
                    a[key][...] = 0
    finally:
        numba.set_num_threads(previous_threads)
    if status == NOT_FINITE:
        for p, a in zip(pops, arrays):
            bad = np.flatnonzero(a["status"] == NOT_FINITE)
            if bad.size:
                k, i = a["error"][bad[0]]
                raise ValueError(
                    f"the network diverged at t = {(k + 1) * dt:g} ms: {p.model.state_names[i]} "
                    f"of neuron {bad[0]} in population {p.name!r} became non-finite or exceeded "
                    f"1e9. The synaptic conductances may be too large for dt={dt:g} ms (the "
                    f"synaptic current is held over each step): lower the weights or use a "
                    f"smaller dt.")
    return NetworkResult(net, t, dt, methods, names, arrays)


_POP_KEYS = ("params", "ys", "floats", "ints", "current", "itot", "spikes", "error", "rec",
             "trace", "work", "offset", "bg_w", "bg_pieces", "bg_cdf", "bounds", "fired_lists",
             "n_fired")

#: Arrays of one population that the kernel receives packed into one (a parallel region
#: costs compilation time for every array it receives); the entries become views into it.
PACKED = {"ys": ("y", "y_old"), "floats": ("g_old", "g_new", "clamp_end", "dt_over_C"),
          "ints": ("last", "counts", "status", "rec_slot"), "fired_lists": ("fired", "fired_count")}


def _chunk_bounds(n, chunks):
    """Chunk boundaries of a population of n neurons: equal parts, rounded to cache lines.

    The boundaries are multiples of LINE neurons and the arrays the chunks write at every
    step start on a line (numpy's start 16 bytes past one): two threads do not write to
    one line (which cost ~5 % of a COBA run on two threads)."""
    edges = np.round(np.linspace(0, n, chunks + 1) / LINE) * LINE
    edges[-1] = n
    return np.minimum(edges, n).astype(np.uint64)


def _aligned(x):
    """``x`` itself if its data start on a cache line, else a copy that does."""
    if x.ctypes.data % 64 == 0 or x.nbytes == 0:
        return x
    raw = np.empty(x.nbytes + 64, np.uint8)
    start = -raw.ctypes.data % 64
    out = raw[start:start + x.nbytes].view(x.dtype).reshape(x.shape)
    out[...] = x
    return out


def _pack(a):
    """Pack a population's arrays (see PACKED) and turn their entries into views."""
    for packed, keys in PACKED.items():
        a[packed] = _aligned(np.ascontiguousarray(np.stack([a[key] for key in keys])))
        for i, key in enumerate(keys):
            a[key] = a[packed][i]


def _per_neuron(models, value):
    """``value(model)`` for each neuron, as an array (neurons first), computed once per
    distinct model object (a population of n cells usually holds one model n times)."""
    first = models[0]
    if all(m is first for m in models):
        return np.asarray([value(first)], dtype=float)[np.zeros(len(models), np.int64)]
    rows, index, which = [], {}, np.empty(len(models), np.int64)
    for i, m in enumerate(models):
        k = index.get(id(m))
        if k is None:
            k = index[id(m)] = len(rows)
            rows.append(value(m))
        which[i] = k
    return np.asarray(rows, dtype=float)[which]


def _progress_bar(show, t_stop):
    if not show:
        return None
    from tqdm.auto import tqdm
    return tqdm(total=float(t_stop), unit="ms", desc="network", leave=False,
                bar_format="{l_bar}{bar}| {n:.0f}/{total:.0f} ms [{elapsed}<{remaining}]")


def _population_current(pop, t, dt, seed):
    """The injected current as (steps or 1, neurons or 1): never steps x neurons."""
    current = pop.current
    if isinstance(current, np.ndarray) and current.shape == (pop.n,):
        return np.ascontiguousarray(current[None, :].astype(float))
    values = _sample(current, t, dt, np.random.SeedSequence(seed), pop.model.units.current)
    return np.ascontiguousarray(values[:, None])


class PopulationResult:
    """One population's part of a network run.

    A population of one neuron gives 1-D traces and one array of spike times.

    Attributes
    ----------
    t : ndarray (n,)
        Time grid (ms).
    recorded : ndarray
        Indices of the neurons whose traces were kept.
    state : dict
        Each state variable (``"V"``, ...) of the recorded neurons, shape (recorded, n).
    g : dict
        Each receptor's conductance (nS) on the recorded neurons, shape (recorded, n).
    I_syn : ndarray
        Total synaptic current (pA, positive outward) of the recorded neurons.
    spike_times : list of ndarray
        Spike times (ms) of every neuron.
    """

    def __init__(self, pop, t, dt, receptors, arrays):
        self.name, self.n, self.t, self.dt = pop.name, pop.n, t, dt
        self.t_stop = float(t[-1])
        self.recorded = arrays["rec"]
        S = len(pop.model.state_names)
        trace = arrays["trace"]
        single = pop.n == 1 and self.recorded.size == 1
        shape = (lambda x: x[0]) if single else (lambda x: x)
        self.state = {v: shape(trace[i]) for i, v in enumerate(pop.model.state_names)}
        self.g = {r: shape(trace[S + j]) for j, r in enumerate(receptors)}
        self.I_syn = shape(trace[S + len(receptors)])
        trains = [arrays["spikes"][i, :arrays["counts"][i]].copy() for i in range(pop.n)]
        self.spike_times = trains[0] if single else trains
        self._trains = trains

    @property
    def v(self):
        """Membrane potential (mV) of the recorded neurons."""
        return self.state["V"]

    def spikes(self):
        """All spikes as two arrays sorted by time: times (ms) and neuron indices."""
        times = np.concatenate(self._trains) if self._trains else np.zeros(0)
        ids = np.concatenate([np.full(s.size, i) for i, s in enumerate(self._trains)])
        order = np.argsort(times, kind="stable")
        return times[order], ids[order]

    def mean_rate(self, start: float = 0.0, stop: float | None = None) -> float:
        """Mean firing rate per neuron (Hz) in [start, stop)."""
        stop = self.t_stop if stop is None else stop
        times, _ = self.spikes()
        return np.count_nonzero((times >= start) & (times < stop)) / self.n / (stop - start) * 1000.0

    def rate(self, bin: float = 1.0):
        """Population rate (Hz per neuron) in bins of ``bin`` ms: (bin centres, rates)."""
        edges = np.arange(0.0, self.t_stop + bin / 2, bin)
        counts, _ = np.histogram(self.spikes()[0], edges)
        return 0.5 * (edges[1:] + edges[:-1]), counts / self.n / bin * 1000.0

    def spectrum(self, bin: float = 1.0, start: float = 100.0, segment: float = 256.0):
        """Power spectrum of the population rate after ``start`` ms (Welch; segments in ms).

        Returns frequencies (Hz) and power (Hz²/Hz).
        """
        from scipy.signal import welch

        centres, rate = self.rate(bin)
        rate = rate[centres >= start]
        per_segment = min(rate.size, int(round(segment / bin)))
        return welch(rate - rate.mean(), fs=1000.0 / bin, nperseg=per_segment)

    def peak_frequency(self, low: float = 5.0, high: float = 200.0, **kwargs) -> float:
        """The frequency (Hz) of the largest spectral peak between ``low`` and ``high``."""
        f, power = self.spectrum(**kwargs)
        band = (f >= low) & (f <= high)
        return float(f[band][np.argmax(power[band])])

    def __repr__(self):
        return (f"<PopulationResult {self.name!r}: {self.n} neurons, "
                f"{sum(s.size for s in self._trains)} spikes in {self.t_stop:g} ms>")


class NetworkResult:
    """What :meth:`Network.run` returns; ``res["E"]`` is population E's results.

    Each population's results are a :class:`~neurolab.network.PopulationResult`.
    """

    def __init__(self, net, t, dt, methods, receptors, arrays):
        self.t, self.dt, self.methods, self.receptors = t, dt, methods, receptors
        self.populations = {p.name: PopulationResult(p, t, dt, receptors, a)
                            for p, a in zip(net.populations, arrays)}

    def __getitem__(self, name) -> PopulationResult:
        if name not in self.populations:
            raise KeyError(f"no population {name!r}; the network has {list(self.populations)}.")
        return self.populations[name]

    def __repr__(self):
        return "<NetworkResult: " + ", ".join(map(repr, self.populations.values())) + ">"


# documented (and shown in reprs and tracebacks) where users import them from
for _cls in (NetworkResult, PopulationResult):
    _cls.__module__ = "neurolab.network"
