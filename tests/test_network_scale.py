"""Networks at scale: sparse connectivity with the right statistics, results that do not
depend on the number of threads, and NEST as a second engine that runs the same network."""
import subprocess
import sys

import numpy as np
import pytest

import neurolab as nl
from neurolab import circuits, models, synapses as S
from neurolab.network import Network, synaptic_drive


def test_sparse_connectivity_has_binomial_in_and_out_degrees_without_duplicates():
    net = Network(seed=7)
    A = net.population("A", models.LIF(), 2000)
    B = net.population("B", models.LIF(), 500)
    p = 0.05
    AA, AB = net.connect(A, A, S.AMPA, p=p), net.connect(A, B, S.AMPA, p=p)
    out_degree = np.diff(AA.indptr)
    assert out_degree.mean() == pytest.approx(p * 1999, rel=0.02)
    assert out_degree.var() == pytest.approx(1999 * p * (1 - p), rel=0.15)
    in_degree = np.bincount(AB.post_ids, minlength=500)
    assert in_degree.mean() == pytest.approx(p * 2000, rel=0.02)
    assert in_degree.var() == pytest.approx(2000 * p * (1 - p), rel=0.2)
    assert not np.any(AA.pre_ids == AA.post_ids)                           # no autapses
    pairs = AA.pre_ids * 2000 + AA.post_ids
    assert np.unique(pairs).size == pairs.size                             # no duplicates
    assert AA.targets.dtype == np.int32 and AA.targets.nbytes == 4 * AA.n_synapses
    # every target equally likely: the first and last tenth get the same share
    counts = np.bincount(AA.post_ids, minlength=2000)
    assert counts[:200].sum() == pytest.approx(counts[-200:].sum(), rel=0.1)


def test_dense_rows_are_sorted_distinct_and_binomial():
    """Rows with p >= 1/16 are read off the marks, sparser ones sorted: both sorted, distinct."""
    net = Network(seed=3)
    A = net.population("A", models.LIF(), 400)
    for p in (0.02, 0.3):
        proj = net.connect(A, A, S.AMPA, p=p)
        rows = np.split(proj.targets, proj.indptr[1:-1])
        assert all(np.all(np.diff(row) > 0) for row in rows)            # sorted, no duplicates
        assert not any(np.any(row == j) for j, row in enumerate(rows))  # no autapses
        assert np.diff(proj.indptr).mean() == pytest.approx(p * 399, rel=0.05)


def test_a_population_of_different_cells_fires_like_each_cell_alone():
    cells = [models.LIF(C=c) for c in (100.0, 150.0, 200.0)]
    drive = nl.stimulus.step(400.0, 10.0, 190.0)
    net = Network()
    net.population("c", cells, 3, current=drive)
    res = net.run(200.0, dt=0.1)["c"]
    counts = []
    for cell, train in zip(cells, res.spike_times):
        alone = nl.simulate(cell, drive, t_stop=200.0, dt=0.1)
        np.testing.assert_allclose(train, alone.spike_times, rtol=0, atol=1e-9)
        counts.append(train.size)
    assert counts[0] > counts[1] > counts[2] > 5      # the parameters differ per cell


def test_all_to_all_and_autapses():
    net = Network(seed=1)
    A = net.population("A", models.LIF(), 30)
    assert net.connect(A, A, S.AMPA, p=1.0).n_synapses == 30 * 29
    assert net.connect(A, A, S.AMPA, p=1.0, autapses=True).n_synapses == 900


def test_spikes_do_not_depend_on_the_number_of_threads(monkeypatch):
    from neurolab import _network_run
    monkeypatch.setattr(_network_run, "_CHUNKS_PER_THREAD", 2)
    net = circuits.izhikevich_ei(400, seed=3)
    one, two = net.run(300.0, dt=0.05, threads=1), net.run(300.0, dt=0.05, threads=2)
    # one thread again: now in the parallel driver, compiled by the run before; and three
    # chunks on at most two threads (a thread takes another chunk's windows in turn)
    again, three = net.run(300.0, dt=0.05, threads=1), net.run(300.0, dt=0.05, threads=3)
    for pop in ("E", "I"):
        a = one[pop].spikes()
        assert a[0].size > 100
        for b in (two[pop].spikes(), again[pop].spikes(), three[pop].spikes()):
            assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])



def _small_mixed_network():
    """30 cells of two kinds with every receptor structure: one, two and three states,
    a magnesium block, a current-based synapse, delays, a spike source and background."""
    net = Network(seed=5)
    A = net.population("A", models.LIF(), 20, current=230.0, V_init=-65.0)
    B = net.population("B", models.AdEx(), 10, current=400.0)
    net.connect(A, B, S.AMPA, p=0.5, weight=3.0, delay=0.5)
    net.connect(B, A, S.GABA_A, p=0.5, weight=2.0, delay=1.0)
    net.connect(A, A, S.NMDA, p=0.3, weight=2.0)
    net.connect(B, B, S.Exponential(tau=5.0, g_max=2.0, E_rev=-80.0), p=0.4)
    src = net.spike_source("input", S.poisson_train(40.0, 300.0, seed=1, n=5))
    net.connect(src, A, S.AMPA.current_based(-65.0), p=0.5, weight=4.0)
    net.connect(src, B, S.Alpha(tau=2.0, g_max=3.0), p=0.5)
    net.background(A, S.AMPA, rate=500.0)
    return net


def test_small_networks_share_one_compact_kernel_with_the_same_numbers(monkeypatch):
    from neurolab import _netgen, _network_run
    compact = _small_mixed_network().run(300.0, dt=0.05)
    monkeypatch.setattr(_network_run, "_FULL_KERNEL", True)
    full = _small_mixed_network().run(300.0, dt=0.05)
    for pop in ("A", "B"):
        assert compact[pop].spikes()[0].size > 20
        for a, b in zip(compact[pop].spikes(), full[pop].spikes()):
            assert np.array_equal(a, b)
        assert np.array_equal(compact[pop].v, full[pop].v)
        assert np.array_equal(compact[pop].I_syn, full[pop].I_syn)
        for name in full[pop].g:
            assert np.array_equal(compact[pop].g[name], full[pop].g[name])
    # one compact module per cell model, whatever the synapses: a new mix compiles nothing
    monkeypatch.setattr(_network_run, "_FULL_KERNEL", False)
    synaptic_drive(models.LIF(), [(S.AMPA, [5.0], 2.0)], t_stop=20.0)
    loaded = len(_netgen._LOADED)
    synaptic_drive(models.LIF(), [(S.NMDA, [5.0], 2.0), (S.GABA_A, [6.0], 1.0)] * 2, t_stop=20.0)
    assert len(_netgen._LOADED) == loaded


@pytest.mark.parametrize("n", [1, 100])         # the compact kernel and the full one
def test_a_cell_firing_faster_than_the_spike_buffer_expects_reruns_exactly(n):
    """Room is made for 500 Hz; a cell at ~1700 Hz fills it, and the run starts again
    with more room from the same initial state: the same spikes as the cell alone."""
    cell, drive = models.LIF(t_ref=0.5), nl.stimulus.step(20000.0, 0.0, 300.0)
    alone = nl.simulate(cell, drive, t_stop=300.0, dt=0.01)
    net = Network()
    net.population("c", cell, n, current=drive)
    res = net.run(300.0, dt=0.01)["c"]
    first = res.spike_times if n == 1 else res.spike_times[0]
    assert alone.spike_times.size > 300 * 0.5 + 100            # well past 500 Hz
    np.testing.assert_allclose(first, alone.spike_times, rtol=0, atol=1e-9)

# --- NEST -------------------------------------------------------------------------------
TRAIN = 20.0 + 50.0 * np.arange(19) + np.random.default_rng(0).uniform(0.0, 10.0, 19)


def _both(model, synapse, dt):
    out = []
    for engine in ("neurolab", "nest"):
        net = Network(seed=3)
        cell = net.population("cell", model, 1)
        net.connect(net.spike_source("input", TRAIN), cell, synapse, delay=1.0)
        out.append(net.run(1000.0, dt=dt, engine=engine)["cell"])
    return out


@pytest.mark.parametrize("model, synapse, dt", [
    (models.LIF(), S.Exponential(tau=2.0, g_max=50.0), 0.1),
    (models.LIF(), S.AMPA.replace(g_max=30.0), 0.1),
    (models.LIF(), S.Alpha(tau=1.0, g_max=25.0), 0.1),
    (models.AdEx(), S.Exponential(tau=2.0, g_max=120.0), 0.05),
])
def test_single_cells_spike_at_the_same_times_in_both_engines(model, synapse, dt):
    ours, nest = _both(model, synapse, dt)
    assert ours.spike_times.size == nest.spike_times.size >= 15
    # NEST puts a spike at the end of its step, neurolab interpolates within it
    np.testing.assert_allclose(nest.spike_times, ours.spike_times, rtol=0, atol=dt * 1.001)


def test_nest_conductances_match_exactly_kernel_by_kernel():
    synapse = S.RiseDecay(tau_rise=0.5, tau_fast=2.0, tau_slow=10.0, a=0.8, g_max=5.0)
    ours, nest = _both(models.AdEx(), synapse, 0.05)
    np.testing.assert_allclose(nest.g["RiseDecay_0"], ours.g["RiseDecay_0"], rtol=1e-6, atol=1e-9)


def _cv(result, start=100.0):
    cvs = [np.std(np.diff(s[s > start])) / np.mean(np.diff(s[s > start]))
           for s in result._trains if np.count_nonzero(s > start) > 2]
    return float(np.mean(cvs))


def test_coba_2000_has_the_same_rates_and_irregularity_in_both_engines():
    net = circuits.coba(2000, seed=1)
    ours, nest = net.run(600.0, dt=0.1), net.run(600.0, dt=0.1, engine="nest", threads=2)
    for pop in ("E", "I"):
        rate = ours[pop].mean_rate(100.0)
        assert rate > 5.0
        assert nest[pop].mean_rate(100.0) == pytest.approx(rate, rel=0.1)
        assert _cv(nest[pop]) == pytest.approx(_cv(ours[pop]), rel=0.15)
        assert _cv(ours[pop]) > 0.8                                        # irregular firing
    assert nest.methods["E"] == "nest:iaf_cond_exp"


@pytest.mark.parametrize("build, message", [
    (lambda net, A: net.connect(A, A, S.NMDA, p=0.1), "magnesium"),
    (lambda net, A: net.connect(A, A, S.AMPA.current_based(-65.0), p=0.1), "current-based"),
    (lambda net, A: net.connect(A, A, S.AMPA, p=0.1, delay=0.0), "at least one step"),
    (lambda net, A: [net.connect(A, A, S.Exponential(), p=0.1), net.connect(A, A, S.AMPA, p=0.1)],
     "at most two receptors"),
    (lambda net, A: net.connect(net.population("Z", models.RS_2007, 5), A, S.AMPA, p=0.1)
     and net.connect(A, net.populations[-1], S.AMPA, p=0.1), "Izhikevich"),
])
def test_what_nest_cannot_run_exactly_raises(build, message):
    net = Network()
    A = net.population("A", models.LIF(), 5)
    build(net, A)
    with pytest.raises(ValueError, match=message) as info:
        net.run(10.0, dt=0.1, engine="nest")
    assert "engine='neurolab'" in str(info.value)


def test_the_standalone_nest_script_runs_with_two_threads(tmp_path):
    path = tmp_path / "coba.py"
    circuits.coba(1000, seed=2).to_nest_script(path, t_stop=200.0, threads=2)
    out = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=300,
                         env={"THREADS": "2", "PATH": "", "SCALE": "1.5"})
    assert out.returncode == 0, out.stderr[-2000:]
    lines = [line for line in out.stdout.splitlines() if line.startswith("rank 0 of 1")]
    assert len(lines) == 2 and "(1200 cells)" in lines[0] and "(300 cells)" in lines[1]
    rates = [float(line.split(",")[-1].split("Hz")[0]) for line in lines]
    assert all(r > 1.0 for r in rates)


def test_unknown_engine_and_bad_threads():
    net = Network()
    net.population("A", models.LIF(), 2)
    with pytest.raises(ValueError, match="engine"):
        net.run(10.0, engine="brian2")
    with pytest.raises(ValueError, match="threads"):
        net.run(10.0, threads=0)
    with pytest.raises(TypeError, match="threads"):
        net.run(10.0, threads=1.5)


# --- bad input, found when the network is described, not when it runs -----------------
@pytest.mark.parametrize("make, error, message", [
    (lambda net, A: net.population("B", models.LIF(), 2.7), TypeError, "whole number"),
    (lambda net, A: net.connect(A, A, S.AMPA, p="0.5"), TypeError, "p must be a number"),
    (lambda net, A: net.connect(Network().population("X", models.LIF(), 3), A, S.AMPA),
     ValueError, "another Network"),
    (lambda net, A: net.background(Network().population("X", models.LIF(), 3), S.AMPA, 10.0),
     ValueError, "another Network"),
    (lambda net, A: net.population("B", models.LIF(), 3, current=[1.0, 2.0]), ValueError,
     "one per neuron"),
    (lambda net, A: net.population("B", models.LIF(), 3, V_init=[-70.0, -60.0]), ValueError,
     "V_init"),
    (lambda net, A: net.poisson_source("P", -2, rate=5.0, t_stop=10.0), ValueError, "n="),
    (lambda net, A: net.poisson_source("P", 2.5, rate=5.0, t_stop=10.0), TypeError, "whole"),
])
def test_bad_network_input_is_explained(make, error, message):
    net = Network()
    A = net.population("A", models.LIF(), 3)
    with pytest.raises(error, match=message):
        make(net, A)


@pytest.mark.parametrize("call, error, message", [
    (lambda: nl.network.synaptic_drive(models.LIF(), [(S.AMPA,)], 10.0), ValueError,
     "synapse, spike_times"),
    (lambda: nl.network.synaptic_drive(models.LIF(), None, 10.0), TypeError, "a list of"),
    (lambda: nl.network.synaptic_drive(models.LIF(), [(S.AMPA, "10", 1.0)], 10.0), TypeError,
     "spike times in ms as numbers"),
    (lambda: Network().spike_source("s", [[1.0, "a"]]), TypeError, "as numbers"),
    (lambda: Network().spike_source("s", None), TypeError, "as numbers"),
    (lambda: Network().spike_source("s", np.ones((2, 2, 2))), TypeError, "one per train"),
    (lambda: S.AMPA.replace(Mg="1"), TypeError, "Mg"),
    (lambda: S.poisson_train(10.0, 100.0, seed=1, start=200.0), ValueError, "start"),
    (lambda: S.poisson_train(10.0, 100.0, seed=1, n=-1), ValueError, "n="),
    (lambda: S.conductance(S.AMPA, [1.0, 2.0], np.arange(5.0), weights=[1.0, 2.0, 3.0]),
     ValueError, "weights"),
])
def test_bad_synapse_input_is_explained(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("n", [-5, 2, 2.5, None, "100"])
def test_circuits_refuse_a_bad_size(n):
    for build in (circuits.coba, circuits.izhikevich_ei):
        with pytest.raises((TypeError, ValueError), match="n="):
            build(n)


@pytest.mark.parametrize("n, chunks", [(3200, 2), (800, 2), (4000, 3), (10, 2), (3, 3), (1001, 4)])
def test_chunk_bounds_cover_the_population_on_cache_lines(n, chunks):
    from neurolab._network_run import LINE, _chunk_bounds
    edges = _chunk_bounds(n, chunks).astype(np.int64)
    assert edges[0] == 0 and edges[-1] == n and np.all(np.diff(edges) >= 0)
    assert np.all(edges[1:-1] % LINE == 0)
    if n >= LINE * chunks * 4:                       # roughly equal parts when there is room
        assert np.ptp(np.diff(edges)) <= LINE


def test_aligned_copies_start_on_a_cache_line_and_keep_the_values():
    from neurolab._network_run import _aligned
    x = np.arange(24.0).reshape(2, 12)[:, :10].copy()
    y = _aligned(x)
    assert y.ctypes.data % 64 == 0 and np.array_equal(x, y) and y.dtype == x.dtype
    assert _aligned(y) is y


def test_row_cuts_split_every_row_at_the_chunk_bounds():
    from neurolab._network_run import _pack_projections, _row_cuts
    net = Network(seed=4)
    A, B = net.population("A", models.LIF(), 50), net.population("B", models.LIF(), 37)
    net.connect(A, B, S.AMPA, p=0.3)
    net.connect(B, A, S.GABA_A, p=0.5)
    net.connect(A, A, S.AMPA, p=0.0)                       # empty rows everywhere
    index = {id(A): 0, id(B): 50}
    proj = _pack_projections(net, index, 87, 0.1, ["AMPA", "GABA_A"], [A, B])
    bounds = {0: [0, 16, 32, 50], 50: [0, 8, 24, 37]}
    per_proj = [bounds[int(post)] for post in proj["proj_post"]]
    cuts = _row_cuts(proj, per_proj, 3)
    indptr, targets = proj["indptr"], proj["targets"].astype(np.int64)
    for q, (row, n_pre) in enumerate(zip(proj["proj_row"], proj["proj_n"])):
        for j in range(n_pre):
            r = row + j
            assert cuts[0, r] == indptr[r] and cuts[3, r] == indptr[r + 1]
            for c in range(3):
                part = targets[cuts[c, r]:cuts[c + 1, r]]
                inside = (targets[indptr[r]:indptr[r + 1]] >= per_proj[q][c]) & (
                    targets[indptr[r]:indptr[r + 1]] < per_proj[q][c + 1])
                assert np.array_equal(part, targets[indptr[r]:indptr[r + 1]][inside])


def test_more_threads_than_numba_runs_give_as_many_chunks_as_it_runs(monkeypatch):
    """threads=10**9 runs on NUMBA_NUM_THREADS chunks (not one per neuron, which would
    make every hand-over read hundreds of counters) and gives the same spikes."""
    import numba
    from neurolab import _network_run
    chunks, bounds = [], _network_run._chunk_bounds
    monkeypatch.setattr(_network_run, "_chunk_bounds", lambda n, c: chunks.append(c) or bounds(n, c))
    net = circuits.coba(400, seed=5)
    one, many = net.run(50.0, dt=0.1), net.run(50.0, dt=0.1, threads=10**9)
    assert chunks == [1, 1, numba.config.NUMBA_NUM_THREADS, numba.config.NUMBA_NUM_THREADS]
    assert [s.tolist() for s in one["E"].spike_times] == [s.tolist() for s in many["E"].spike_times]
