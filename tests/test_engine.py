"""The engine's contract: grid, batches, noise, seeds, methods, cache, debug mode."""
import os
import subprocess
import sys

import numpy as np
import pytest

import neurolab as nl
from neurolab import models, stimulus


def test_time_grid_includes_zero_and_t_stop():
    res = nl.simulate(models.PassiveMembrane(), 0.0, t_stop=10.0, dt=0.1)
    assert res.t.size == 101 and res.t[0] == 0.0 and res.t[-1] == pytest.approx(10.0)
    np.testing.assert_array_equal(res.t, 0.1 * np.arange(101))


@pytest.mark.parametrize("form", ["number", "stimulus", "callable", "array", "vector callable"])
def test_every_stimulus_form_gives_the_same_run(form):
    cell = models.LIF()
    t = nl.time_grid(100.0, 0.1)
    step = stimulus.step(300.0, 10.0, 60.0)
    given = {
        "number": None,
        "stimulus": step,
        "callable": lambda s: 300.0 if 10.0 <= s < 60.0 else 0.0,
        "array": step.sample(t, 0.1),
        "vector callable": lambda s: np.where((s >= 10.0) & (s < 60.0), 300.0, 0.0),
    }[form]
    if form == "number":
        a = nl.simulate(cell, 300.0, t_stop=100.0)
        b = nl.simulate(cell, np.full(t.size, 300.0), t_stop=100.0)
    else:
        a = nl.simulate(cell, step, t_stop=100.0)
        b = nl.simulate(cell, given, t_stop=100.0)
    np.testing.assert_array_equal(a.v, b.v)
    np.testing.assert_array_equal(a.spike_times, b.spike_times)


def test_batch_equals_runs_one_by_one():
    hh = models.HodgkinHuxley()
    stims = [stimulus.step(a, 5.0, 45.0) for a in (0.0, 3.0, 10.0)] + [stimulus.sine(5.0, 50.0, offset=5.0)]
    batch = nl.simulate(hh, stims, t_stop=60.0)
    assert batch.v.shape == (4, batch.t.size) and isinstance(batch.spike_times, list)
    for i, s in enumerate(stims):
        one = nl.simulate(hh, s, t_stop=60.0)
        np.testing.assert_array_equal(batch.v[i], one.v)
        np.testing.assert_array_equal(batch.state["n"][i], one.state["n"])
        np.testing.assert_array_equal(batch.spike_times[i], one.spike_times)
        np.testing.assert_array_equal(batch[i].v, one.v)


@pytest.mark.parametrize("method", ["euler", "exp_euler", "rk4"])
def test_a_batch_split_across_threads_equals_runs_one_by_one(method):
    # 13 noisy LIF runs: the kernel splits them into chunks that run in parallel, each
    # vectorised across its neurons; every run must still be exactly the run on its own
    lif = models.LIF()
    stims = [stimulus.step(a, 5.0, 80.0) + stimulus.white_noise(0.0, 30.0, seed=i)
             for i, a in enumerate(np.linspace(150.0, 600.0, 13))]
    batch = nl.simulate(lif, stims, t_stop=100.0, dt=0.05, method=method)
    assert sum(len(s) for s in batch.spike_times) > 50
    for i, s in enumerate(stims):
        one = nl.simulate(lif, s, t_stop=100.0, dt=0.05, method=method)
        np.testing.assert_array_equal(batch.v[i], one.v)
        np.testing.assert_array_equal(batch.spike_times[i], one.spike_times)


def test_list_of_numbers_is_a_batch_of_constant_currents_and_models_batch_too():
    lif = models.LIF()
    batch = nl.simulate(lif, [100.0, 250.0, 400.0], t_stop=200.0)
    assert len(batch) == 3 and len(batch.spike_times[0]) == 0 and len(batch.spike_times[2]) > 0
    sweep = nl.simulate([lif.replace(g_L=g) for g in (5.0, 10.0, 20.0)], 250.0, t_stop=200.0)
    rates = sweep.rate()
    assert rates[0] > rates[1] > 0 and rates[2] == 0      # I_th = 100, 200, 400 pA


def test_2d_array_is_a_batch():
    t = nl.time_grid(50.0, 0.1)
    currents = np.vstack([np.full(t.size, 150.0), np.full(t.size, 350.0)])
    res = nl.simulate(models.LIF(), currents, t_stop=50.0)
    assert res.v.shape == (2, t.size)
    np.testing.assert_array_equal(res.I, currents)


def test_seeded_noise_is_reproducible_and_unseeded_differs():
    cell = models.LIF()
    noise = stimulus.white_noise(mean=190.0, sigma=300.0)
    a = nl.simulate(cell, noise, t_stop=500.0, seed=1)
    b = nl.simulate(cell, noise, t_stop=500.0, seed=1)
    c = nl.simulate(cell, noise, t_stop=500.0)
    d = nl.simulate(cell, noise, t_stop=500.0)
    np.testing.assert_array_equal(a.v, b.v)
    assert not np.array_equal(c.v, d.v)


def test_a_stimulus_own_seed_wins_and_batch_runs_get_independent_streams():
    cell = models.PassiveMembrane()
    own = stimulus.white_noise(sigma=100.0, seed=7)
    np.testing.assert_array_equal(nl.simulate(cell, own, t_stop=50.0, seed=1).v,
                                  nl.simulate(cell, own, t_stop=50.0, seed=2).v)
    free = stimulus.white_noise(sigma=100.0)
    batch = nl.simulate(cell, [free, free], t_stop=50.0, seed=3)
    assert not np.array_equal(batch.v[0], batch.v[1])


@pytest.mark.parametrize("dt", [0.1, 0.01])
def test_white_noise_statistics_do_not_depend_on_dt(dt):
    cell = models.PassiveMembrane()                 # C = 100 pF, tau = 10 ms
    sigma = 100.0                                   # pA·√ms
    res = nl.simulate(cell, stimulus.white_noise(sigma=sigma), t_stop=20000.0, dt=dt,
                      method="euler", seed=0)
    expected_var = sigma**2 * cell.tau / (2 * cell.C**2)   # 5 mV²
    assert np.var(res.v[res.t > 100]) == pytest.approx(expected_var, rel=0.05)


@pytest.mark.parametrize("dt", [0.1, 0.01])
def test_ou_noise_has_its_stated_std_and_correlation_time(dt):
    noise = stimulus.ou_noise(mean=50.0, sigma=20.0, tau=5.0, seed=3)
    t = nl.time_grid(50000.0, dt)
    x = noise.sample(t, dt) - 50.0
    assert np.std(x) == pytest.approx(20.0, rel=0.03)
    lag = int(round(5.0 / dt))
    assert np.corrcoef(x[:-lag], x[lag:])[0, 1] == pytest.approx(np.exp(-1), abs=0.04)


def test_three_methods_agree_on_hh_spike_times():
    hh = models.HodgkinHuxley()
    I = stimulus.step(10.0, 5.0, 100.0)
    assert nl.models.METHODS == ("euler", "exp_euler", "rk4", "semi_implicit_euler")
    times = [nl.simulate(hh, I, t_stop=100.0, dt=0.01, method=m).spike_times for m in nl.models.METHODS]
    euler, exp_euler, rk4, semi = times
    assert len(euler) == len(exp_euler) == len(rk4) == len(semi) == 7
    assert np.max(np.abs(euler - rk4)) < 0.02                      # ms
    assert np.max(np.abs(semi - rk4)) < 0.6                        # first order, drifts 0.08 ms per cycle
    # exponential Euler fires 0.3 Hz slower at dt = 0.01 ms: its spikes lag a little more each cycle
    assert 0.1 < np.max(np.abs(exp_euler - rk4)) < 1.0 and np.all(np.diff(exp_euler - rk4) > 0)


def test_record_false_keeps_spikes_only():
    res = nl.simulate(models.LIF(), 300.0, t_stop=100.0, record=False)
    assert len(res.spike_times) > 0
    with pytest.raises(ValueError, match="record=False"):
        res.v


def test_many_spikes_grow_the_buffer():
    lif = models.LIF(t_ref=0.0)
    with pytest.warns(UserWarning, match="far beyond"):       # a huge current, on purpose
        res = nl.simulate(lif, 1e6, t_stop=200.0, dt=0.01, record=False)   # fires almost every step
    assert len(res.spike_times) > 5000


def test_derivative_is_the_right_hand_side():
    cell = models.PassiveMembrane()
    assert cell.derivative([-60.0], I=50.0)[0] == pytest.approx((-10.0 * 10.0 + 50.0) / 100.0)
    hh = models.HodgkinHuxley()
    np.testing.assert_allclose(hh.derivative(hh.initial_state(), 0.0), 0.0, atol=1e-7)   # at rest


def _run_python(code, **env):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=600)


def test_works_with_numba_disabled():
    code = ("import neurolab as nl; r = nl.simulate(nl.models.LIF(), 300.0, t_stop=50.0); "
            "print(len(r.spike_times))")
    jit = _run_python(code)
    plain = _run_python(code, NUMBA_DISABLE_JIT="1")
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout == jit.stdout and int(plain.stdout) > 0


def test_kernels_load_from_the_disk_cache_in_a_new_process():
    code = ("import neurolab as nl; from neurolab import _codegen; hh = nl.models.HodgkinHuxley(); "
            "nl.simulate(hh, 10.0, t_stop=1.0); k = _codegen.kernel(hh.equations(), 'euler').chunk; "
            "print(len(k.stats.cache_hits), len(k.stats.cache_misses))")
    _run_python(code)                                    # make sure the cache exists
    out = _run_python(code)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["1", "0"]              # loaded, not compiled
