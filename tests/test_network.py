"""Networks: a neuron behaves as it does alone, connectivity and delays do what they say,
runs are reproducible by seed, and the E–I circuit of the book oscillates in the gamma band."""
import math

import numpy as np
import pytest

import neurolab as nl
from neurolab import models, stimulus, synapses as S
from neurolab.network import Network, synaptic_drive


@pytest.mark.parametrize("model, stim, dt", [
    (models.LIF(t_ref=2.0), stimulus.step(300.0, 10.0, 150.0), 0.1),
    (models.RS_2007, stimulus.step(300.0, 20.0, 200.0), 0.02),
    (models.AdEx(), stimulus.step(1500.0, 10.0, 180.0), 0.02),
])
def test_a_neuron_without_synapses_fires_as_it_does_alone(model, stim, dt):
    alone = nl.simulate(model, stim, t_stop=200.0, dt=dt)
    net = Network()
    net.population("cell", model, 1, current=stim)
    res = net.run(200.0, dt=dt)["cell"]
    assert alone.spike_times.size > 3
    np.testing.assert_allclose(res.spike_times, alone.spike_times, rtol=0, atol=1e-9)
    np.testing.assert_allclose(res.v, alone.v, rtol=0, atol=1e-9)


def small_network(seed):
    net = Network(seed=seed)
    E = net.population("E", models.RS_2007, 80, V_init=-60.0)
    I = net.population("I", models.FS_2007, 20, V_init=-55.0)
    net.connect(E, I, S.AMPA, p=0.2, weight=2.0)
    net.connect(I, E, S.GABA_A, p=0.3, weight=2.0)
    net.connect(E, E, S.AMPA, p=0.1)
    net.background(E, S.AMPA, rate=5000.0)
    return net


def test_runs_are_reproducible_by_seed():
    a = small_network(1).run(300.0, dt=0.05)["E"].spikes()
    b = small_network(1).run(300.0, dt=0.05)["E"].spikes()
    c = small_network(2).run(300.0, dt=0.05)["E"].spikes()
    assert a[0].size > 50
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not (a[0].size == c[0].size and np.array_equal(a[0], c[0]))


def test_connectivity_probability_autapses_and_one_to_one():
    net = Network(seed=4)
    A = net.population("A", models.LIF(), 300)
    proj = net.connect(A, A, S.AMPA, p=0.1)
    k = proj["pre_ids"].size
    expected, sd = 0.1 * 300 * 299, math.sqrt(300 * 299 * 0.1 * 0.9)
    assert abs(k - expected) < 5 * sd
    assert not np.any(proj["pre_ids"] == proj["post_ids"])
    src = net.spike_source("src", [[1.0]] * 300)
    one = net.connect(src, A, S.AMPA, one_to_one=True)
    assert np.array_equal(one["pre_ids"], one["post_ids"]) and one["pre_ids"].size == 300


def test_poisson_source_has_its_rate_and_follows_the_seed():
    def trains(seed):
        return Network(seed=seed).poisson_source("P", 40, rate=25.0, t_stop=4000.0).trains
    a, b, c = trains(3), trains(3), trains(4)
    counts = np.array([t.size for t in a])
    assert counts.mean() == pytest.approx(100.0, abs=5 * math.sqrt(100.0 / 40))
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not np.array_equal(a[0], c[0]) and not np.array_equal(a[0], a[1])


def test_delays_are_rounded_to_the_grid():
    net = Network()
    cell = net.population("cell", models.PassiveMembrane(), 1)
    src = net.spike_source("src", [10.0])
    net.connect(src, cell, S.Exponential(tau=5.0), delay=2.5)
    res = net.run(30.0, dt=0.1)["cell"]
    g = res.g["Exponential_0"]
    onset = res.t[np.argmax(g > 0)]
    assert onset == pytest.approx(12.5)
    assert g.max() == pytest.approx(1.0)


def test_spikes_between_neurons_take_their_delay():
    net = Network()
    driver = net.population("driver", models.LIF(), 1, current=stimulus.pulse(5000.0, 5.0, 1.0))
    target = net.population("target", models.PassiveMembrane(), 1)
    net.connect(driver, target, S.Exponential(tau=5.0), delay=3.0)
    res = net.run(30.0, dt=0.1)
    t_spike = res["driver"].spike_times[0]
    onset = res.t[np.argmax(res["target"].g["Exponential_0"] > 0)]
    assert 3.0 <= onset - t_spike <= 3.0 + 0.1 + 1e-9


def test_background_gives_campbells_mean_conductance():
    """Poisson input at rate nu: mean g = nu * g_max * integral of the kernel (tau)."""
    net = Network(seed=5)
    cell = net.population("cell", models.PassiveMembrane(), 50)
    syn = S.Exponential(tau=5.0, g_max=0.5)
    net.background(cell, syn, rate=2000.0, weight=2.0)
    res = net.run(2000.0, dt=0.1, record={"cell": range(50)})["cell"]
    g = res.g["Exponential_0"][:, 200:]
    assert g.mean() == pytest.approx(2000.0 / 1000.0 * 2.0 * 0.5 * 5.0, rel=0.02)


def test_a_huge_conductance_does_not_overshoot_its_reversal_potential():
    cell = models.PassiveMembrane()
    res = synaptic_drive(cell, [(S.GABA_A.replace(g_max=5000.0), [5.0])], t_stop=40.0, dt=0.1)
    assert res.v.min() >= S.GABA_A.E_rev - 1e-9
    assert res.v.min() < S.GABA_A.E_rev + 1.0


def circuit(seed=1, gaba=S.GABA_A, inhibition=True):
    """The E–I circuit of the chapter "A small cortical circuit" (same parameters)."""
    net = Network(seed=seed)
    E = net.population("E", models.RS_2007, 800, V_init=-60.0)
    I = net.population("I", models.FS_2007, 200, V_init=-55.0)
    net.connect(E, E, S.AMPA, p=0.1, weight=1.0)
    net.connect(E, I, S.AMPA, p=0.1, weight=CIRCUIT["w_EI"])
    if inhibition:
        net.connect(I, E, gaba, p=0.2, weight=CIRCUIT["w_IE"])
        net.connect(I, I, gaba, p=0.2, weight=CIRCUIT["w_II"])
    net.background(E, S.AMPA, rate=CIRCUIT["background"])
    return net


CIRCUIT = dict(w_EI=2.0, w_IE=2.0, w_II=1.0, background=12000.0)


@pytest.mark.parametrize("seed", [1, 2])
def test_the_circuit_oscillates_in_the_gamma_band(seed):
    res = circuit(seed).run(1000.0, dt=0.05)
    f_E = res["E"].peak_frequency()
    assert 30.0 <= f_E <= 80.0
    assert res["I"].peak_frequency() == pytest.approx(f_E, abs=4.0)


def test_without_inhibition_the_circuit_runs_away():
    res = circuit(1, inhibition=False).run(500.0, dt=0.05)
    assert res["E"].mean_rate() > 100.0


@pytest.mark.parametrize("make, message", [
    (lambda net, A: net.population("A", models.LIF(), 3), "exists already"),
    (lambda net, A: net.connect(A, A, S.AMPA, p=1.5), "probability"),
    (lambda net, A: net.connect(A, A, S.AMPA, weight=-1.0), "negative"),
    (lambda net, A: net.connect(net.spike_source("s", [1.0]), A, S.AMPA, one_to_one=True), "equal sizes"),
    (lambda net, A: net.run(10.0, record={"B": [0]}), "no population"),
    (lambda net, A: net.run(10.0, record={"A": [7]}), "indices"),
    (lambda net, A: net.population("H", models.HodgkinHuxley(), 2) and net.run(10.0), "unit area"),
    (lambda net, A: net.population("Z", models.LIF(), 0), "at least one"),
    (lambda net, A: net.spike_source("s", [5.0, -1.0]), ">= 0 ms"),
    (lambda net, A: net.background(A, S.AMPA, rate=-10.0), "negative"),
])
def test_bad_input_is_explained(make, message):
    net = Network()
    A = net.population("A", models.LIF(), 3)
    with pytest.raises(ValueError, match=message):
        make(net, A)
