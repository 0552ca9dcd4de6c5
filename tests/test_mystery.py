"""Mystery neurons: one per student id, the same one every time, and of the class they claim."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

import neurolab as nl
from neurolab import models, mystery

IDS = [f"s{2024000 + k}" for k in range(12)]


@pytest.mark.parametrize("kind", mystery.KINDS)
def test_same_id_same_neuron(kind):
    make = getattr(mystery, kind)
    assert make("s1234567") == make("s1234567")
    # spaces around the id and its case do not matter
    assert make("  S1234567 ").model == make("s1234567").model
    assert make("  S1234567 ").student_id == "s1234567"


@pytest.mark.parametrize("kind", mystery.KINDS)
def test_different_ids_different_neurons(kind):
    make = getattr(mystery, kind)
    neurons = [make(i).model for i in IDS]
    assert len(set(neurons)) == len(IDS), "two ids gave the same neuron"


def test_the_classes_vary_between_students():
    patterns = {mystery.answers(i, "adex")["pattern"] for i in IDS}
    classes = {mystery.answers(i, "izhikevich")["class"] for i in IDS}
    assert len(patterns) >= 4, patterns
    assert len(classes) >= 3, classes


def test_salt_changes_every_neuron():
    for kind in mystery.KINDS:
        make = getattr(mystery, kind)
        assert make("s1234567", salt="2027").model != make("s1234567").model


def test_independent_of_python_hash_seed():
    # Python's hash() of a string changes from process to process; the generator must not use it
    code = "from neurolab import mystery; print(repr(mystery.adex('s1234567').model))"
    outputs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(outputs) == 1 and repr(mystery.adex("s1234567").model) in outputs.pop()


def test_pinned_parameters():
    # The id -> neuron map must be the same on every machine and with every supported NumPy:
    # students and the autograder may run different installations. These values were drawn
    # once (SHA-256 of the id, then NumPy's PCG64 uniform stream); a change here changes every
    # student's neuron and must be deliberate.
    axon = mystery.axon("ada.lovelace").model
    assert (axon.g_Na, axon.g_K, axon.g_L, axon.E_L) == (124.04, 36.44, 0.3021, -53.748)


def test_adex_shows_its_pattern():
    for student in IDS[:6]:
        neuron = mystery.adex(student)
        expected = mystery.answers(student, "adex")
        assert expected["pattern"] in mystery.ADEX_PATTERNS
        assert nl.analysis.classify_firing(neuron.simulate()).label == expected["pattern"]
        assert neuron.current == models.NAUD_2008[expected["pattern"]][1]


def test_izhikevich_shows_its_class():
    for student in IDS[:6]:
        neuron = mystery.izhikevich(student)
        expected = mystery.answers(student, "izhikevich")
        response = neuron.simulate()
        assert response.t_stop == 710.0 and neuron.start == 200.0
        assert expected["rate"] == pytest.approx(response.rate(200.0, 700.0))
        label = nl.analysis.classify_firing(response).label
        signature = {"CH": label == "regular bursting", "IB": label == "initial burst",
                     "FS": expected["rate"] > 100.0, "RS": expected["rate"] < 60.0}
        assert signature[expected["class"]], (student, expected, label)
        # it starts at v = c: below the saddle, so it is silent without input
        assert nl.simulate(neuron.model, 0.0, t_stop=400.0).spike_times.size == 0


@pytest.mark.parametrize("kind", mystery.KINDS)
def test_rheobase_is_measured(kind):
    """The rheobase answer separates silence from firing under the neuron's own protocol."""
    student = IDS[0]
    neuron = getattr(mystery, kind)(student)
    rheobase = mystery.answers(student, kind)["rheobase"]
    below, above = neuron.simulate(0.995 * rheobase), neuron.simulate(1.005 * rheobase)
    assert below.spike_times.size == 0 and above.spike_times.size > 0


def test_axon_answers():
    for student in IDS[:3]:
        neuron = mystery.axon(student)
        expected = mystery.answers(student, "axon")
        assert expected["resting_potential"] == pytest.approx(
            nl.simulate(neuron.model, 0.0, t_stop=300.0).v[-1], abs=1e-3)
        assert 1.0 < expected["rheobase"] < 6.0
        # repetitive firing starts above the rheobase, with a jump (class II)
        assert expected["onset_current"] > expected["rheobase"]
        assert expected["onset_rate"] > 30.0
        rates = nl.fi_curve(neuron.model, mystery.AXON_ONSET_CURRENTS, t_stop=1000.0, measure="steady")
        assert np.all(rates[mystery.AXON_ONSET_CURRENTS < expected["onset_current"]] == 0)


def test_answers_are_copies():
    first = mystery.answers("s1", "adex")
    first["pattern"] = "changed"
    assert mystery.answers("s1", "adex")["pattern"] != "changed"


def test_bad_ids_teach():
    with pytest.raises(TypeError, match="string"):
        mystery.axon(...)
    with pytest.raises(TypeError, match="string"):
        mystery.adex(1234567)
    with pytest.raises(ValueError, match="empty"):
        mystery.izhikevich("   ")
    with pytest.raises(ValueError, match="kind"):
        mystery.answers("s1", "hodgkin")
    with pytest.warns(UserWarning, match="example id"):
        mystery.adex(mystery.PLACEHOLDER_ID)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mystery.adex("s1")
