"""Stimulus shapes on the grid, and spike-train / phase-plane analysis."""
import numpy as np
import pytest

import neurolab as nl
from neurolab import analysis, models, stimulus


def test_step_pulse_ramp_and_sum():
    t = nl.time_grid(100.0, 0.5)
    s = stimulus.step(10.0, 20.0, 40.0).sample(t, 0.5)
    assert s[t == 19.5] == 0 and s[t == 20.0] == 10 and s[t == 39.5] == 10 and s[t == 40.0] == 0
    p = stimulus.pulse(5.0, start=10.0, duration=2.0)
    assert p(10.0) == 5.0 and p(12.0) == 0.0
    r = stimulus.ramp(100.0, start=0.0, stop=50.0)
    assert r(25.0) == pytest.approx(50.0) and r(60.0) == 0.0
    both = stimulus.step(1.0, 0.0, 50.0) + 2.0 + stimulus.step(3.0, 25.0)
    assert both(10.0) == 3.0 and both(30.0) == 6.0 and both(60.0) == 5.0
    assert (2 * stimulus.step(1.0, 0.0))(5.0) == 2.0


def test_pulse_train_and_sine():
    train = stimulus.pulse_train(1.0, start=10.0, duration=1.0, period=10.0, count=3)
    t = nl.time_grid(100.0, 0.1)
    on = train.sample(t, 0.1)
    assert np.count_nonzero(np.diff(on) > 0) == 3
    wave = stimulus.sine(2.0, frequency=10.0)                 # 10 Hz: period 100 ms
    assert wave(25.0) == pytest.approx(2.0) and wave(75.0) == pytest.approx(-2.0)


def test_noise_has_no_single_value():
    with pytest.raises(TypeError, match="noise"):
        stimulus.white_noise(sigma=1.0)(3.0)


def test_spike_train_measures():
    regular = np.arange(10.0, 1000.0, 20.0)
    assert analysis.firing_rate(regular, 0.0, 1000.0) == pytest.approx(50.0)
    assert analysis.steady_rate(regular, 0.0, 1000.0) == pytest.approx(50.0)
    assert analysis.cv(regular) == pytest.approx(0.0)
    assert analysis.adaptation_index(regular) == pytest.approx(0.0)
    slowing = np.cumsum(np.linspace(10, 40, 12))
    assert analysis.adaptation_index(slowing) > 0
    assert analysis.first_isi_rate(slowing) == pytest.approx(1000.0 / slowing[1] * slowing[1] / (slowing[1] - slowing[0]))
    poisson = np.cumsum(np.random.default_rng(0).exponential(10.0, 5000))
    assert analysis.cv(poisson) == pytest.approx(1.0, abs=0.05)


def test_spike_times_from_a_trace_interpolate_crossings():
    t = np.linspace(0, 10, 101)
    v = np.sin(2 * np.pi * t / 5.0)                           # crosses 0.5 upward at t = 5/12
    found = analysis.spike_times(t, v, threshold=0.5)
    assert found[0] == pytest.approx(5.0 / 12.0, abs=2e-3) and len(found) == 2


def test_phase_plane_of_a_linear_system():
    # dx = -x + y, dy = -y + 1: nullclines y = x and y = 1, a stable node at (1, 1)
    field = lambda x, y: (-x + y, -y + 1.0)      # noqa: E731
    fps = analysis.fixed_points(field, (-2, 3), (-2, 3))
    assert len(fps) == 1 and fps[0]["stable"]
    assert fps[0]["x"] == pytest.approx(1.0) and fps[0]["y"] == pytest.approx(1.0)
    x_null, y_null = analysis.nullclines(field, (-2, 3), (-2, 3))
    assert np.allclose(x_null[:, 0], x_null[:, 1], atol=0.02)
    assert np.allclose(y_null[:, 1], 1.0, atol=0.02)
    saddle = analysis.fixed_points(lambda x, y: (x, -y), (-1, 1), (-1, 1))
    assert len(saddle) == 1 and not saddle[0]["stable"]


def test_result_measures_and_repr():
    res = nl.simulate(models.LIF(t_ref=0.0), 400.0, t_stop=500.0)
    assert res.rate() == pytest.approx(len(res.spike_times) / 0.5)
    assert np.allclose(res.isi(), np.diff(res.spike_times))
    assert "LIF" in repr(res) and "spikes" in repr(res)
    batch = nl.simulate(models.LIF(), [300.0, 400.0], t_stop=500.0)
    assert batch.rate().shape == (2,) and len(batch.isi()) == 2


def test_classify_firing_with_a_step_that_lasts_to_the_end_of_the_run():
    import neurolab as nl
    from neurolab import models, stimulus
    res = nl.simulate(models.AdEx(), stimulus.step(800.0, 50.0), t_stop=500.0)
    assert nl.analysis.classify_firing(res).label in ("adapting", "tonic")
