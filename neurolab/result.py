"""The result of a simulation: named arrays, and spike-train measures as methods."""
from __future__ import annotations

import numpy as np

from . import analysis


class States(dict):
    """The traces by state name; an unknown name lists the known ones."""

    def __missing__(self, name):
        if not self:
            raise KeyError("this run was made with record=False and kept no traces; simulate "
                           "again with record=True.")
        raise KeyError(f"{name!r} is not a state variable here; the states are "
                       f"{', '.join(map(repr, self))}.")


class Result:
    """What :func:`neurolab.simulate` returns.

    Attributes
    ----------
    t : ndarray (n,)
        Time grid (ms), ``dt * arange(n)``.
    v : ndarray (n,) or (batch, n)
        Membrane potential (mV).
    state : dict of str to ndarray
        Every state variable by name (``"V"``, gates ``"m"``, ``"h"``, ``"n"`` ...).
    spike_times : ndarray, or list of ndarray for a batch
        Spike times (ms): interpolated threshold crossings.
    I : ndarray (n,) or (batch, n)
        The injected current on the grid (pA, or µA/cm² for conductance-based models).
    model : Model or list of Model
        What was simulated.
    dt : float
        Time step (ms).
    method : str
        Integration method.
    t_stop : float
        Duration (ms).
    """

    def __init__(self, model, t, trace, spike_times, current, dt, method, batched):
        self.model = model
        self.t = t
        self.dt = dt
        self.method = method
        self.t_stop = float(t[-1])
        self.batched = batched
        names = model[0].state_names if batched else model.state_names
        self._trace = trace
        # trace is variable-major, (S, [batch,] n): each variable is a contiguous view
        self.state = States() if trace is None else States(
            (name, trace[i]) for i, name in enumerate(names))
        self.spike_times = spike_times if batched else spike_times[0]
        I = np.broadcast_to(current, (current.shape[0], t.size))
        self.I = I if batched else I[0]

    # -- shape ------------------------------------------------------------------------
    @property
    def v(self) -> np.ndarray:
        """Membrane potential (mV)."""
        if self._trace is None:
            raise ValueError("this run was made with record=False, so it kept spike times "
                             "only; simulate again with record=True to get traces.")
        return self.state["V"]

    def __len__(self):
        if not self.batched:
            raise TypeError("a single run has no length; only batched results do.")
        return len(self.spike_times)

    def __getitem__(self, i) -> "Result":
        """The i-th run of a batch, as a single Result."""
        if not self.batched:
            raise TypeError("only a batched Result can be indexed.")
        return Result(self.model[i], self.t, None if self._trace is None else self._trace[:, i],
                      [self.spike_times[i]], self.I[i][None], self.dt, self.method, False)

    def _each(self, fn):
        if self.batched:
            return np.array([fn(s) for s in self.spike_times])
        return fn(self.spike_times)

    # -- spike-train measures -----------------------------------------------------------
    def rate(self, start: float = 0.0, stop: float | None = None) -> float | np.ndarray:
        """Mean firing rate (Hz): spikes in [start, stop) over its duration (whole run by default)."""
        stop = self.t_stop if stop is None else stop
        return self._each(lambda s: analysis.firing_rate(s, start, stop))

    def steady_rate(self, start: float = 0.0, stop: float | None = None):
        """Rate (Hz) from the mean ISI in the second half of [start, stop]."""
        stop = self.t_stop if stop is None else stop
        return self._each(lambda s: analysis.steady_rate(s, start, stop))

    def first_isi_rate(self):
        """1 / first ISI (Hz)."""
        return self._each(analysis.first_isi_rate)

    def isi(self):
        """Inter-spike intervals (ms); a list of arrays for a batch."""
        if self.batched:
            return [analysis.isi(s) for s in self.spike_times]
        return analysis.isi(self.spike_times)

    def cv(self):
        """Coefficient of variation of the ISIs."""
        return self._each(analysis.cv)

    def currents(self) -> dict:
        """Channel currents (µA/cm², positive outward) of a conductance-based model."""
        model = self.model[0] if self.batched else self.model
        if not hasattr(model, "channel_currents"):
            raise TypeError(f"{type(model).__name__} has no ionic channels to report.")
        return model.channel_currents(self.v, self.state)

    def plot(self, **kwargs):
        """Voltage trace over the stimulus (matplotlib); see :func:`neurolab.plotting.plot_trace`."""
        from .plotting import plot_trace

        return plot_trace(self, **kwargs)

    def __repr__(self):
        name = type(self.model[0] if self.batched else self.model).__name__
        spikes = (f"{sum(len(s) for s in self.spike_times)} spikes in {len(self.spike_times)} runs"
                  if self.batched else f"{len(self.spike_times)} spikes")
        return (f"<Result {name}: t = 0 … {self.t_stop:g} ms, dt = {self.dt:g} ms, "
                f"method={self.method!r}, {spikes}>")
