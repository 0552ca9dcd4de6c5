r"""Synaptic conductances: kernels, their linear ODEs, presets and presynaptic spike trains.

Sign convention (stated once; every neurolab function uses it)
--------------------------------------------------------------
A synapse with conductance :math:`g(t)` (nS) and reversal potential :math:`E_{rev}` (mV)
carries the current

.. math:: I_{syn}(t) = g(t)\, B(V)\, \bigl(V - E_{rev}\bigr) \quad \text{(pA)},

counted **positive when it flows out of the cell**, like every ionic current in the book.
It enters the membrane equation with a minus sign, :math:`C\,dV/dt = \dots - I_{syn} + I`,
so a synapse pulls V towards :math:`E_{rev}`: an inward (negative) current depolarises.
:math:`B(V) = 1` except for a synapse with a magnesium block (NMDA, :func:`mg_block`).

Each synapse type describes the conductance after **one** presynaptic spike at t = 0 in
two equivalent ways:

* the analytic kernel :meth:`Synapse.conductance` (nS; 0 for t < 0, right-continuous at
  t = 0), normalised so that its peak is ``g_max``; several spikes superpose linearly
  (:func:`conductance`);
* a linear ODE :math:`ds/dt = A s` on a few state variables, which each spike kicks by
  ``jump`` and whose ``readout`` is g (:meth:`Synapse.ode`). Because it is linear, the
  engine advances it exactly, :math:`s(t + \Delta t) = e^{A \Delta t} s(t)`
  (:meth:`Synapse.propagator`); this is how :mod:`neurolab.network` simulates synapses.

Presets: ``AMPA``, ``NMDA``, ``GABA_A``, ``GABA_B`` (see their notes below).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np

from . import _validation as check

__all__ = ["Synapse", "Exponential", "Alpha", "DualExponential", "RiseDecay", "mg_block",
           "conductance", "regular_train", "poisson_train", "AMPA", "NMDA", "GABA_A", "GABA_B"]


def mg_block(V, Mg=1.0):
    r"""The Jahr–Stevens (1990) magnesium block of NMDA receptors (dimensionless, 0 to 1).

    .. math:: B(V) = \frac{1}{1 + \frac{[\mathrm{Mg}^{2+}]}{3.57\,\mathrm{mM}}\, e^{-0.062\, V / \mathrm{mV}}}

    Parameters
    ----------
    V : float or ndarray
        Membrane potential (mV).
    Mg : float, default 1.0
        Extracellular magnesium concentration (mM).
    """
    return 1.0 / (1.0 + Mg / 3.57 * np.exp(-0.062 * np.asarray(V, dtype=float)))


@dataclass(frozen=True)
class Synapse:
    """Base class of the synapse types (not used directly).

    Every type has ``g_max`` (nS, the peak conductance after one spike of weight 1),
    ``E_rev`` (mV), ``Mg`` (mM; ``None``: no magnesium block) and ``V_drive`` (mV;
    ``None``: conductance-based; a number freezes the driving force at
    ``V_drive - E_rev``, which makes the synapse current-based, see :meth:`current_based`).
    """

    g_max: float = 1.0
    E_rev: float = 0.0
    Mg: float | None = None
    V_drive: float | None = None

    state_names: ClassVar[tuple[str, ...]]

    def _check(self, **time_constants):
        check.fields(self, strictly_positive=dict(time_constants), at_least_zero={"g_max": "nS"},
                     in_mV=("E_rev",) + (() if self.V_drive is None else ("V_drive",)))
        if self.Mg is not None:
            if isinstance(self.Mg, bool) or not isinstance(self.Mg, (int, float, np.floating, np.integer)):
                raise TypeError(f"Mg={self.Mg!r}: give the magnesium concentration as a number "
                                "in mM (e.g. Mg=1.0), or None for a synapse without a block.")
            if not (np.isfinite(self.Mg) and self.Mg >= 0):
                raise ValueError(f"Mg={self.Mg!r}: give the magnesium concentration in mM (>= 0), "
                                 "or None for a synapse without a magnesium block.")

    # --- the analytic kernel ---------------------------------------------------------------
    def shape(self, t):
        """The kernel's time course before normalisation, for t >= 0 (array in, array out)."""
        raise NotImplementedError

    @property
    def peak_time(self) -> float:
        """Time from the spike to the conductance's peak (ms)."""
        raise NotImplementedError

    @property
    def _norm(self) -> float:
        return 1.0 / float(self.shape(np.array([self.peak_time]))[0])

    def conductance(self, t):
        """g(t) after one presynaptic spike at t = 0 (nS); peaks at ``g_max``, 0 for t < 0."""
        t = np.asarray(t, dtype=float)
        after = np.maximum(t, 0.0)
        return np.where(t >= 0.0, self.g_max * self._norm * self.shape(after), 0.0)

    def block(self, V):
        """B(V): the magnesium block (1 without one)."""
        return np.ones_like(np.asarray(V, dtype=float)) if self.Mg is None else mg_block(V, self.Mg)

    def current(self, g, V):
        """The synaptic current ``g B(V) (V - E_rev)`` (pA; positive = outward) for g (nS), V (mV)."""
        V_eff = V if self.V_drive is None else self.V_drive
        return np.asarray(g) * self.block(V_eff) * (np.asarray(V_eff, dtype=float) - self.E_rev)

    def current_based(self, V_drive: float) -> "Synapse":
        """The same kernel as a current-based synapse: the driving force frozen at V_drive (mV)."""
        return replace(self, V_drive=float(V_drive))

    def replace(self, **changes) -> "Synapse":
        """A copy with some parameters changed (``dataclasses.replace``)."""
        return replace(self, **changes)

    # --- the ODE form ----------------------------------------------------------------------
    def ode(self):
        """The linear ODE ``ds/dt = A s`` of the kernel.

        Returns
        -------
        A : ndarray (K, K)
            Rate matrix (1/ms).
        jump : ndarray (K,)
            Added to s at each presynaptic spike of weight 1 (nS).
        readout : ndarray (K,)
            g = readout · s (dimensionless).
        """
        raise NotImplementedError

    def propagator(self, dt: float) -> np.ndarray:
        """``expm(A dt)``: advances the ODE state exactly by dt (ms)."""
        from scipy.linalg import expm  # imported on use: scipy.linalg costs ~0.15 s

        A, _, _ = self.ode()
        return expm(A * check.positive("dt", dt, "ms"))


@dataclass(frozen=True)
class Exponential(Synapse):
    r"""Instantaneous rise, exponential decay: :math:`g(t) = g_{max}\, e^{-t/\tau}\,\Theta(t)`.

    ODE: :math:`dg/dt = -g/\tau`, and :math:`g \to g + g_{max}` at each spike.

    Parameters
    ----------
    tau : float, default 5.0
        Decay time constant (ms).
    g_max, E_rev, Mg, V_drive
        See :class:`Synapse` (nS, mV, mM, mV).
    """

    tau: float = 5.0
    state_names: ClassVar[tuple[str, ...]] = ("g",)

    def __post_init__(self):
        self._check(tau="ms")

    def shape(self, t):
        return np.exp(-np.asarray(t) / self.tau)

    @property
    def peak_time(self) -> float:
        return 0.0

    def ode(self):
        return np.array([[-1.0 / self.tau]]), np.array([self.g_max]), np.array([1.0])


@dataclass(frozen=True)
class Alpha(Synapse):
    r"""The alpha function :math:`g(t) = g_{max}\, \frac{t}{\tau}\, e^{1 - t/\tau}\,\Theta(t)`.

    It peaks at :math:`t = \tau`. ODE: :math:`dx/dt = -x/\tau`,
    :math:`dg/dt = (x - g)/\tau`, and :math:`x \to x + e\, g_{max}` at each spike.

    Parameters
    ----------
    tau : float, default 2.0
        Time to peak and decay time constant (ms).
    g_max, E_rev, Mg, V_drive
        See :class:`Synapse` (nS, mV, mM, mV).
    """

    tau: float = 2.0
    state_names: ClassVar[tuple[str, ...]] = ("x", "g")

    def __post_init__(self):
        self._check(tau="ms")

    def shape(self, t):
        t = np.asarray(t)
        return t / self.tau * np.exp(-t / self.tau)

    @property
    def peak_time(self) -> float:
        return self.tau

    def ode(self):
        rate = 1.0 / self.tau
        A = np.array([[-rate, 0.0], [rate, -rate]])
        return A, np.array([math.e * self.g_max, 0.0]), np.array([0.0, 1.0])


@dataclass(frozen=True)
class DualExponential(Synapse):
    r"""Difference of exponentials, :math:`g(t) \propto e^{-t/\tau_d} - e^{-t/\tau_r}`.

    Normalised to peak at ``g_max``, at
    :math:`t_{peak} = \frac{\tau_r \tau_d}{\tau_d - \tau_r} \ln\frac{\tau_d}{\tau_r}`.
    ODE: two decays, :math:`dd/dt = -d/\tau_d`, :math:`dr/dt = -r/\tau_r`, both kicked
    by the same amount at a spike; :math:`g = d - r`.

    Parameters
    ----------
    tau_rise : float, default 0.5
        Rise time constant (ms), shorter than ``tau_decay``.
    tau_decay : float, default 5.0
        Decay time constant (ms).
    g_max, E_rev, Mg, V_drive
        See :class:`Synapse` (nS, mV, mM, mV).
    """

    tau_rise: float = 0.5
    tau_decay: float = 5.0
    state_names: ClassVar[tuple[str, ...]] = ("d", "r")

    def __post_init__(self):
        self._check(tau_rise="ms", tau_decay="ms")
        check.ordered("tau_rise", self.tau_rise, "tau_decay", self.tau_decay, "ms")

    def shape(self, t):
        t = np.asarray(t)
        return np.exp(-t / self.tau_decay) - np.exp(-t / self.tau_rise)

    @property
    def peak_time(self) -> float:
        r, d = self.tau_rise, self.tau_decay
        return r * d / (d - r) * math.log(d / r)

    def ode(self):
        A = np.diag([-1.0 / self.tau_decay, -1.0 / self.tau_rise])
        kick = self.g_max * self._norm
        return A, np.array([kick, kick]), np.array([1.0, -1.0])


@dataclass(frozen=True)
class RiseDecay(Synapse):
    r"""Rise times fast-plus-slow decay, the form of Gerstner et al. (2014), eq. 3.3.

    .. math::
        g(t) \propto \bigl[1 - e^{-t/\tau_{rise}}\bigr]
        \bigl[a\, e^{-t/\tau_{fast}} + (1 - a)\, e^{-t/\tau_{slow}}\bigr]\,\Theta(t),

    normalised to peak at ``g_max``. With ``a = 1`` the peak is at
    :math:`t_{peak} = \tau_{rise} \ln(1 + \tau_{fast}/\tau_{rise})`; otherwise it is the
    root of :math:`dg/dt = 0` (found numerically). Multiplied out, the kernel is a sum of
    four exponentials (time constants :math:`\tau_{fast}`, :math:`\tau_{slow}` and
    :math:`(1/\tau_{rise} + 1/\tau_{fast})^{-1}`, :math:`(1/\tau_{rise} + 1/\tau_{slow})^{-1}`),
    so its ODE is four decays kicked together, read out with weights a, 1 − a, −a, −(1 − a).

    Parameters
    ----------
    a : float, default 1.0
        Fraction of the fast decay component (0 to 1).
    tau_rise : float, default 1.0
        Rise time constant (ms).
    tau_fast : float, default 6.0
        Fast decay time constant (ms).
    tau_slow : float, default 100.0
        Slow decay time constant (ms); irrelevant when a = 1.
    g_max, E_rev, Mg, V_drive
        See :class:`Synapse` (nS, mV, mM, mV).
    """

    a: float = 1.0
    tau_rise: float = 1.0
    tau_fast: float = 6.0
    tau_slow: float = 100.0
    state_names: ClassVar[tuple[str, ...]] = ("fast", "slow", "fast_rise", "slow_rise")

    def __post_init__(self):
        self._check(tau_rise="ms", tau_fast="ms", tau_slow="ms")
        if not 0.0 <= self.a <= 1.0:
            raise ValueError(f"a={self.a!r} is the fraction of the fast decay: give a number "
                             "between 0 and 1.")

    def shape(self, t):
        t = np.asarray(t)
        return (-np.expm1(-t / self.tau_rise)) * (
            self.a * np.exp(-t / self.tau_fast) + (1 - self.a) * np.exp(-t / self.tau_slow))

    @property
    def peak_time(self) -> float:
        r, f = self.tau_rise, self.tau_fast
        if self.a == 1.0:
            return r * math.log(1.0 + f / r)

        def slope(t):       # dg/dt up to a positive factor
            rise, fast, slow = -math.expm1(-t / r), math.exp(-t / f), math.exp(-t / self.tau_slow)
            decay = self.a * fast + (1 - self.a) * slow
            d_decay = -self.a * fast / f - (1 - self.a) * slow / self.tau_slow
            return (1 - rise) / r * decay + rise * d_decay
        hi = 1e-3
        while slope(hi) > 0:
            hi *= 2.0
        from scipy.optimize import brentq  # imported on use: scipy.optimize costs ~0.1 s

        return brentq(slope, 0.0, hi, xtol=1e-14, rtol=1e-14)

    def ode(self):
        rates = [1 / self.tau_fast, 1 / self.tau_slow,
                 1 / self.tau_rise + 1 / self.tau_fast, 1 / self.tau_rise + 1 / self.tau_slow]
        kick = self.g_max * self._norm
        readout = np.array([self.a, 1 - self.a, -self.a, -(1 - self.a)])
        return -np.diag(rates), np.full(4, kick), readout


def conductance(synapse: Synapse, spike_times, t, weights=None):
    """The summed analytic conductance (nS) at times t (ms) of spikes at ``spike_times`` (ms).

    ``weights`` (dimensionless, one per spike, default 1) scale each spike's kernel.
    """
    spikes = np.atleast_1d(np.asarray(spike_times, dtype=float))
    w = np.ones_like(spikes) if weights is None else np.asarray(weights, dtype=float)
    if w.shape not in ((), spikes.shape):
        raise ValueError(f"weights has shape {w.shape} for {spikes.size} spikes: give one weight "
                         "(dimensionless) or one per spike.")
    w = np.broadcast_to(w, spikes.shape)
    t = np.asarray(t, dtype=float)
    return sum((wi * synapse.conductance(t - ts) for ts, wi in zip(spikes, w)), np.zeros_like(t))


def regular_train(rate: float, t_stop: float, start: float = 0.0) -> np.ndarray:
    """Spike times (ms) at a fixed ``rate`` (Hz) from ``start`` up to ``t_stop`` (ms)."""
    rate = check.positive("rate", rate, "Hz")
    return np.arange(float(start), float(t_stop), 1000.0 / rate)


def poisson_train(rate: float, t_stop: float, seed, n: int | None = None, start: float = 0.0):
    """Poisson spike times (ms) at ``rate`` (Hz) in [start, t_stop); reproducible by ``seed``.

    Returns one sorted array, or a list of ``n`` independent arrays when ``n`` is given.
    """
    rate = check.positive("rate", rate, "Hz")
    t_stop, start = check.finite("t_stop", t_stop, "ms"), check.finite("start", start, "ms")
    if start > t_stop:
        raise ValueError(f"start={start:g} ms is after t_stop={t_stop:g} ms: the train runs "
                         "from start to t_stop.")
    if n is not None and (isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0):
        raise ValueError(f"n={n!r}: give the number of trains as an int >= 0 (or None for one).")
    if seed is None:
        raise ValueError("give a seed (an int) so the spike train is the same on every run.")
    rng = np.random.default_rng(seed)
    length = t_stop - start

    def one():
        count = rng.poisson(rate * length / 1000.0)
        return np.sort(rng.uniform(start, t_stop, count))
    return one() if n is None else [one() for _ in range(int(n))]


#: AMPA receptor: fast excitation. Dual exponential with 0.2 ms rise and 2 ms decay,
#: E_rev = 0 mV (Destexhe et al. 1998; Dayan & Abbott 2001, sec. 5.8).
AMPA = DualExponential(g_max=1.0, E_rev=0.0, tau_rise=0.2, tau_decay=2.0)
#: NMDA receptor: slow excitation with the Jahr–Stevens (1990) Mg²⁺ block at 1 mM;
#: 2 ms rise, 100 ms decay, E_rev = 0 mV (Destexhe et al. 1998).
NMDA = DualExponential(g_max=1.0, E_rev=0.0, tau_rise=2.0, tau_decay=100.0, Mg=1.0)
#: GABA_A receptor: fast inhibition, Gerstner et al. (2014, sec. 3.1) form with a = 1,
#: tau_rise = 1 ms, tau_fast = 6 ms, E_rev = -75 mV.
GABA_A = RiseDecay(g_max=1.0, E_rev=-75.0, a=1.0, tau_rise=1.0, tau_fast=6.0)
#: GABA_B receptor: slow inhibition through a K⁺ conductance, Gerstner et al. (2014,
#: sec. 3.1) form with a = 0.8, tau_rise = 25 ms, tau_fast = 100 ms, tau_slow = 500 ms,
#: E_rev = -90 mV (Destexhe et al. 1998).
GABA_B = RiseDecay(g_max=1.0, E_rev=-90.0, a=0.8, tau_rise=25.0, tau_fast=100.0, tau_slow=500.0)
