"""Injected currents, sampled on the simulation grid.

Every stimulus is a :class:`Stimulus`; combine them with ``+`` (``step(...) +
white_noise(...)``). Amplitudes are in the model's current unit: pA for point neurons,
µA/cm² for conductance-based models. Times are in ms, frequencies in Hz.

On the grid ``t = dt * arange(n)`` the engine holds the sample ``I[k] = I(t_k)`` over the
step ``[t_k, t_k + dt)``. Noise is part of the current and is integrated by
Euler–Maruyama: see :func:`white_noise` and :func:`ou_noise` for how their statistics
are kept independent of ``dt``.
"""
from __future__ import annotations

import math

import numpy as np

from . import _validation as check

__all__ = ["Stimulus", "constant", "step", "pulse", "ramp", "pulse_train", "sine",
           "white_noise", "ou_noise"]


class Stimulus:
    """Base class: a current I(t). Subclasses implement :meth:`sample`."""

    #: True for stimuli that draw random numbers (they accept a ``seed``).
    random = False

    def sample(self, t: np.ndarray, dt: float, rng: np.random.Generator | None = None) -> np.ndarray:
        """The current at the grid times ``t`` (ms), as an array like ``t``."""
        raise NotImplementedError

    def __call__(self, t):
        """Evaluate a deterministic stimulus at time(s) t (ms)."""
        if self.random:
            raise TypeError("a noise stimulus has no value at a single time; use "
                            "sample(t, dt, rng) or simulate().")
        t = np.asarray(t, dtype=float)
        out = self.sample(np.atleast_1d(t), 1.0)
        return out.reshape(t.shape) if t.ndim else float(out[0])

    def __add__(self, other):
        if isinstance(other, (int, float)):
            other = Constant(other)
        if not isinstance(other, Stimulus):
            return NotImplemented
        return Sum((self, other))

    __radd__ = __add__

    def __neg__(self):
        return Scaled(self, -1.0)

    def __sub__(self, other):
        return self + (-other if isinstance(other, Stimulus) else -float(other))

    def __mul__(self, factor):
        if not isinstance(factor, (int, float)):
            return NotImplemented
        return Scaled(self, float(factor))

    __rmul__ = __mul__

    def __repr__(self):
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({fields})"


class Constant(Stimulus):
    def __init__(self, amplitude):
        self.amplitude = check.finite("amplitude", amplitude, "current units")

    def sample(self, t, dt, rng=None):
        return np.full(np.shape(t), self.amplitude)


class Sum(Stimulus):
    def __init__(self, parts):
        flat = []
        for part in parts:
            flat.extend(part.parts if isinstance(part, Sum) else [part])
        self.parts = tuple(flat)
        self.random = any(p.random for p in self.parts)

    def sample(self, t, dt, rng=None):
        return sum(p.sample(t, dt, rng) for p in self.parts)


class Scaled(Stimulus):
    def __init__(self, stimulus, factor):
        self.stimulus, self.factor = stimulus, factor
        self.random = stimulus.random

    def sample(self, t, dt, rng=None):
        return self.factor * self.stimulus.sample(t, dt, rng)


class _Window(Stimulus):
    """A stimulus that is zero outside [start, stop)."""

    def __init__(self, start, stop):
        self.start = check.finite("start", start, "ms")
        self.stop = math.inf if stop is None else float(stop)
        if not self.stop > self.start:
            raise ValueError(f"stop={self.stop:g} ms must be after start={self.start:g} ms.")

    def _inside(self, t):
        return (t >= self.start) & (t < self.stop)


class Step(_Window):
    def __init__(self, amplitude, start, stop):
        super().__init__(start, stop)
        self.amplitude = check.finite("amplitude", amplitude, "current units")

    def sample(self, t, dt, rng=None):
        return np.where(self._inside(t), self.amplitude, 0.0)


class Ramp(_Window):
    def __init__(self, amplitude, start, stop, initial):
        super().__init__(start, stop)
        if math.isinf(self.stop):
            raise ValueError("a ramp needs a finite stop (ms).")
        self.amplitude = check.finite("amplitude", amplitude, "current units")
        self.initial = check.finite("initial", initial, "current units")

    def sample(self, t, dt, rng=None):
        slope = (self.amplitude - self.initial) / (self.stop - self.start)
        return np.where(self._inside(t), self.initial + slope * (t - self.start), 0.0)


class PulseTrain(_Window):
    def __init__(self, amplitude, start, duration, period, count):
        self.duration = check.positive("duration", duration, "ms")
        self.period = check.positive("period", period, "ms")
        if self.duration > self.period:
            raise ValueError(f"duration={duration:g} ms is longer than the period={period:g} ms.")
        if count is not None and (int(count) != count or count < 1):
            raise ValueError(f"count={count!r} must be a positive whole number or None.")
        self.count = count
        super().__init__(start, None if count is None else start + count * self.period)
        self.amplitude = check.finite("amplitude", amplitude, "current units")

    def sample(self, t, dt, rng=None):
        phase = np.mod(t - self.start, self.period)
        return np.where(self._inside(t) & (phase < self.duration), self.amplitude, 0.0)


class Sine(_Window):
    def __init__(self, amplitude, frequency, start, stop, offset, phase):
        super().__init__(start, stop)
        self.amplitude = check.finite("amplitude", amplitude, "current units")
        self.frequency = check.positive("frequency", frequency, "Hz")
        self.offset = check.finite("offset", offset, "current units")
        self.phase = check.finite("phase", phase, "rad")

    def sample(self, t, dt, rng=None):
        omega = 2 * np.pi * self.frequency / 1000.0  # rad per ms
        wave = self.offset + self.amplitude * np.sin(omega * (t - self.start) + self.phase)
        return np.where(self._inside(t), wave, 0.0)


class _Noise(_Window):
    random = True

    def __init__(self, mean, sigma, seed, start, stop):
        super().__init__(start, stop)
        self.mean = check.finite("mean", mean, "current units")
        self.sigma = check.nonnegative("sigma", sigma, "current units")
        self.seed = check.check_seed(seed)

    def _rng(self, rng):
        if self.seed is not None:             # a stimulus's own seed wins
            return np.random.default_rng(self.seed)
        return rng if rng is not None else np.random.default_rng()


class WhiteNoise(_Noise):
    def sample(self, t, dt, rng=None):
        xi = self._rng(rng).standard_normal(np.shape(t))
        return np.where(self._inside(t), self.mean + self.sigma * xi / math.sqrt(dt), 0.0)


class OUNoise(_Noise):
    def __init__(self, mean, sigma, tau, seed, start, stop):
        super().__init__(mean, sigma, seed, start, stop)
        self.tau = check.positive("tau", tau, "ms")

    def sample(self, t, dt, rng=None):
        xi = self._rng(rng).standard_normal(np.shape(t))
        decay = math.exp(-dt / self.tau)
        kick = self.sigma * math.sqrt(1.0 - decay * decay)
        x = np.empty(np.shape(t))
        x[..., 0] = self.sigma * xi[..., 0]           # start in the stationary distribution
        for k in range(1, x.shape[-1]):
            x[..., k] = decay * x[..., k - 1] + kick * xi[..., k]
        return np.where(self._inside(t), self.mean + x, 0.0)


# --- the public constructors -----------------------------------------------------------
def constant(amplitude: float) -> Stimulus:
    """A constant current ``amplitude`` for the whole run."""
    return Constant(amplitude)


def step(amplitude: float, start: float, stop: float | None = None) -> Stimulus:
    """A current ``amplitude`` from ``start`` until ``stop`` (ms; ``None`` = to the end)."""
    return Step(amplitude, start, stop)


def pulse(amplitude: float, start: float, duration: float) -> Stimulus:
    """A rectangular pulse of ``amplitude`` lasting ``duration`` ms from ``start`` ms."""
    return Step(amplitude, start, start + check.positive("duration", duration, "ms"))


def ramp(amplitude: float, start: float, stop: float, initial: float = 0.0) -> Stimulus:
    """A current rising linearly from ``initial`` at ``start`` to ``amplitude`` at ``stop``
    (ms), and zero outside [start, stop)."""
    return Ramp(amplitude, start, stop, initial)


def pulse_train(amplitude: float, start: float, duration: float, period: float,
                count: int | None = None) -> Stimulus:
    """``count`` pulses (or pulses until the end if ``None``) of ``duration`` ms every
    ``period`` ms from ``start`` ms."""
    return PulseTrain(amplitude, start, duration, period, count)


def sine(amplitude: float, frequency: float, start: float = 0.0, stop: float | None = None,
         offset: float = 0.0, phase: float = 0.0) -> Stimulus:
    """``offset + amplitude * sin(2π f (t - start) + phase)`` between ``start`` and ``stop``
    (ms); ``frequency`` f in Hz, ``phase`` in radians."""
    return Sine(amplitude, frequency, start, stop, offset, phase)


def white_noise(mean: float = 0.0, sigma: float = 1.0, seed: int | None = None,
                start: float = 0.0, stop: float | None = None) -> Stimulus:
    r"""Gaussian white-noise current :math:`I(t) = \mu + \sigma \xi(t)`.

    :math:`\xi` is unit white noise, :math:`\langle \xi(t)\xi(t') \rangle = \delta(t-t')`,
    so ``sigma`` has units of current × √ms (pA·√ms for point neurons). On the grid the
    sample in each step is :math:`\mu + \sigma \, N(0, 1)/\sqrt{dt}`; with the engine's
    Euler step this is exactly Euler–Maruyama for
    :math:`C\,dV = (\ldots)\,dt + \sigma\,dW`, and the statistics of V do not change with
    ``dt`` (for a passive membrane, the variance of V is :math:`\sigma^2 \tau / (2 C^2)`).

    Parameters
    ----------
    mean : float
        Mean current μ (pA or µA/cm²).
    sigma : float
        Noise intensity σ (pA·√ms or µA/cm²·√ms).
    seed : int, numpy SeedSequence or Generator, or None
        Seed of this stimulus's own random generator (checked like every seed in
        neurolab: a non-negative integer, a SeedSequence or a Generator); ``None`` lets
        ``simulate(seed=...)`` seed it (or draws fresh entropy). A seeded stimulus is the
        same current wherever it is used, so a batch that repeats it repeats the same
        noise; for independent runs leave ``seed=None`` and pass ``simulate(seed=...)``,
        which gives every run of the batch its own stream.
    start, stop : float
        Window (ms) outside which the current is zero.
    """
    return WhiteNoise(mean, sigma, seed, start, stop)


def ou_noise(mean: float = 0.0, sigma: float = 1.0, tau: float = 5.0, seed: int | None = None,
             start: float = 0.0, stop: float | None = None) -> Stimulus:
    r"""Coloured (Ornstein–Uhlenbeck) noise current.

    :math:`\tau\,dI = (\mu - I)\,dt + \sigma\sqrt{2\tau}\,dW`: a current with mean μ,
    stationary standard deviation ``sigma`` (same unit as the current) and correlation
    time ``tau`` (ms). It is sampled with the exact update
    :math:`x_{k+1} = x_k e^{-dt/\tau} + \sigma\sqrt{1 - e^{-2dt/\tau}}\,N(0,1)`, so its
    statistics do not depend on ``dt``. ``seed``, ``start`` and ``stop`` as in
    :func:`white_noise`.
    """
    return OUNoise(mean, sigma, tau, seed, start, stop)
