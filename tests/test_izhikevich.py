"""The Izhikevich simple model (2007 book form) against its closed-form results."""
import numpy as np
import pytest

import neurolab as nl
from neurolab import models, stimulus


def test_rs_rheobase_matches_the_formula():
    rs = models.RS_2007
    # (k (v_t - v_r) + b)^2 / (4 k) = (0.7 * 20 - 2)^2 / 2.8 = 51.43 pA
    assert rs.rheobase == pytest.approx(144.0 / 2.8)
    assert nl.rheobase(rs, duration=2000.0) == pytest.approx(rs.rheobase, abs=0.5)


def test_fs_cell_jumps_to_about_20_Hz_between_72_and_74_pA():
    amps = np.arange(71.0, 75.01, 0.25)
    runs = nl.simulate(models.FS_2007, [stimulus.step(a, 10.0, 1010.0) for a in amps],
                       t_stop=1010.0, record=False)
    sustained = np.array([np.sum(s > 510.0) >= 3 for s in runs.spike_times])
    onset = amps[np.argmax(sustained)]
    assert 72.0 <= onset <= 74.0 and sustained[amps >= onset].all()
    first = runs[int(np.argmax(sustained))].steady_rate(510.0, 1010.0)
    assert 15.0 < first < 25.0                      # type II: starts at a nonzero rate


def test_spikes_are_reported_at_v_peak_and_traces_do_not_overshoot():
    res = nl.simulate(models.RS_2007, 300.0, t_stop=300.0)
    assert len(res.spike_times) > 3
    assert res.v.max() <= models.RS_2007.v_peak
    k = np.searchsorted(res.t, res.spike_times[0])
    assert res.v[k] < models.RS_2007.c + 5.0              # reset right after the crossing
    assert res.state["u"][k] - res.state["u"][k - 1] == pytest.approx(models.RS_2007.d, rel=0.05)


def test_2003_model_rests_at_its_stable_fixed_point():
    # 0.04 v^2 + 5 v + 140 = b v with b = 0.2: v = -70 (stable) or -50 mV; u = b v
    rs = models.IZHIKEVICH_2003["RS"]
    res = nl.simulate(rs, 0.0, t_stop=500.0)
    assert len(res.spike_times) == 0
    assert res.v[-1] == pytest.approx(-70.0, abs=0.01)
    assert res.state["u"][-1] == pytest.approx(-14.0, abs=0.01)


def test_2003_classes_fire_and_reset_to_c():
    for name, cell in models.IZHIKEVICH_2003.items():
        res = nl.simulate(cell, stimulus.step(10.0, 10.0, 210.0), t_stop=220.0)
        assert len(res.spike_times) >= 3, name
        k = np.searchsorted(res.t, res.spike_times[0])
        assert res.v.max() <= cell.v_peak and res.v[k] < cell.c + 2.0, name


def test_izhikevich_bad_input_gets_clear_errors():
    with pytest.raises(ValueError, match="v_r=-40 mV must be below v_t=-60 mV"):
        models.Izhikevich(v_r=-40.0, v_t=-60.0)
    with pytest.raises(ValueError, match="looks like farads"):
        models.Izhikevich(C=1e-10)
    with pytest.raises(ValueError, match="linear U"):
        models.FS_2007.rheobase
