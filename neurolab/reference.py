"""A tight-tolerance reference solution, to measure the error of the fixed-step methods."""
from __future__ import annotations

import numpy as np

from . import _codegen
from . import _validation as check
from .result import Result
from .simulate import _check_dt, _check_model, _sample, time_grid

__all__ = ["reference_solution"]


def reference_solution(model, stimulus=0.0, t_stop=100.0, dt=None, *, rtol=1e-10, atol=1e-10,
                       seed=None) -> Result:
    """Solve the model with scipy's adaptive ``solve_ivp`` (DOP853) at a tight tolerance.

    The current is the same piecewise-constant current :func:`neurolab.simulate` uses (the
    stimulus sampled on the grid ``t = dt * arange(n)`` and held over each step), and the
    integration restarts wherever it jumps, so the only difference from ``simulate`` is the
    integration error of the fixed-step method. Spike times are located by solve_ivp's
    event finder (upward crossings of the spike threshold), not interpolated.

    Parameters
    ----------
    model : Model
        A model without a reset (a conductance-based model or a passive membrane).
    stimulus, t_stop, dt, seed
        As in :func:`neurolab.simulate`; ``dt`` (ms) sets the grid of the returned trace
        and of the current.
    rtol, atol : float
        Tolerances of solve_ivp.

    Returns
    -------
    Result
        Its ``method`` is ``"reference"``. Slow (seconds for 200 ms of HH): it is a
        yardstick, not a simulator.
    """
    from scipy.integrate import solve_ivp  # imported on use: scipy.integrate costs ~0.07 s

    model = _check_model(model)
    eq = model.equations()
    if eq.resets:
        raise ValueError(f"{type(model).__name__} resets after each spike, so its trajectory "
                         "is not one smooth solution; reference_solution is for models "
                         "without a reset (conductance-based models, the passive membrane).")
    for name, value in (("rtol", rtol), ("atol", atol)):
        if not 0 < check.finite(name, value, "(relative)" if name == "rtol" else "(state units)") < 1:
            raise ValueError(f"{name}={value:g} must be between 0 and 1 (such as 1e-10).")
    dt = model.default_dt if dt is None else _check_dt(dt)
    t = time_grid(t_stop, dt)
    n = t.size
    stream = check.spawn_seeds(seed, 1)[0]
    current = np.broadcast_to(_sample(stimulus, t, dt, stream, model.units.current), (n,))
    derivative = _codegen.kernel(eq, "euler").derivative
    params = model.parameters()
    events = None
    if eq.threshold is not None:
        threshold = params[eq.parameters.index(eq.threshold)]

        def crossing(_, y):
            return y[0] - threshold
        crossing.direction = 1.0
        events = crossing
    # grid points where the held current changes: integrate each piece separately
    breaks = [0, *(np.flatnonzero(np.diff(current[:-1]) != 0) + 1), n - 1]
    y = model.initial_state()
    trace = np.empty((y.size, n))
    trace[:, 0] = y
    spikes = []
    for a, b in zip(breaks[:-1], breaks[1:]):
        I = float(current[a])
        sol = solve_ivp(lambda _, state: derivative(params, state, I), (t[a], t[b]), y,
                        method="DOP853", rtol=rtol, atol=atol, dense_output=True, events=events)
        if sol.status < 0:
            raise ValueError(f"solve_ivp failed between t = {t[a]:g} and {t[b]:g} ms: {sol.message}")
        trace[:, a + 1:b + 1] = sol.sol(t[a + 1:b + 1])
        if events is not None:
            spikes.extend(sol.t_events[0])
        y = sol.y[:, -1]
    return Result(model, t, trace, [np.array(spikes)], np.asarray(current)[None, :], dt,
                  "reference", False)
