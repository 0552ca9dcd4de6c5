"""Running a :class:`~neurolab.network.Network` in NEST (``engine="nest"``), or writing it
as a standalone NEST script (:meth:`~neurolab.network.Network.to_nest_script`).

What translates exactly (anything else raises a ``ValueError`` that says so):

* cells: :class:`~neurolab.models.LIF` and :class:`~neurolab.models.AdEx` (NEST's
  ``iaf_cond_*`` and ``aeif_cond_*`` models; a LIF with several receptor kinds becomes
  ``aeif_cond_beta_multisynapse`` with ``Delta_T = 0``, ``a = b = 0``);
* synapses, conductance-based without magnesium block: :class:`~neurolab.synapses.Exponential`
  (up to two receptors per population: ``iaf_cond_exp``/``aeif_cond_exp``),
  :class:`~neurolab.synapses.Alpha`, :class:`~neurolab.synapses.DualExponential` and
  :class:`~neurolab.synapses.RiseDecay` (a sum of two dual exponentials) as ports of
  ``aeif_cond_beta_multisynapse``;
* delays of at least one step between cells; spike sources (``spike_generator``),
  Poisson background (``poisson_generator``), constant or per-neuron currents (``I_e``),
  a time-varying stimulus (``step_current_generator``), ``V_init``.

NEST integrates the cells with an adaptive Runge–Kutta method and puts spikes on the
grid, so spike times agree with neurolab's to within a step, not to the last digit.
The translation is a plain dictionary (:func:`describe`) that one function,
:func:`build`, turns into NEST calls; the standalone script contains that function and
the dictionary, so what runs here and what runs on a cluster are the same code.
"""
from __future__ import annotations

import inspect
import json
import os

import numpy as np

from . import models, synapses
from ._network_run import NetworkResult

SUPPORTED = ("NEST runs LIF and AdEx populations coupled by conductance-based Exponential, "
             "Alpha, DualExponential or RiseDecay synapses without magnesium block, with "
             "delays >= dt; use engine='neurolab' for anything else.")


def _nest(threads=1):
    """Import NEST after numba has started its threads. The NEST wheel brings its own
    OpenMP runtime; if numba uses OpenMP too (its ``omp`` layer) and NEST's is loaded first,
    NEST hangs as soon as it runs on two threads. With the ``tbb`` layer neurolab chooses
    (see :mod:`neurolab._jit`) the order does not matter (checked: nest imported first,
    two threads)."""
    import sys

    from numba.np.ufunc import parallel

    from ._jit import THREADING_LAYER

    if ("nest" in sys.modules and not parallel._is_initialized and threads > 1
            and THREADING_LAYER != "tbb"):
        raise RuntimeError("NEST was imported before neurolab started its threads, and the two "
                           "OpenMP runtimes would hang on more than one thread: import "
                           "neurolab before nest (restart the kernel), or use threads=1.")
    parallel._launch_threads()
    try:
        os.environ.setdefault("PYNEST_QUIET", "1")
        import nest
    except ImportError as err:
        raise ImportError("engine='nest' needs NEST: pip install nest-simulator==3.10.0 "
                          "(the 'scale' extra of neurolab).") from err
    return nest


def _ports(syn):
    """NEST beta ports of one synapse: [(tau_rise, tau_decay, peak conductance per weight)]."""
    if isinstance(syn, synapses.Alpha):
        return [(syn.tau, syn.tau, syn.g_max)]
    if isinstance(syn, synapses.DualExponential):
        return [(syn.tau_rise, syn.tau_decay, syn.g_max)]
    # RiseDecay: g_max * norm * [a (e^-t/tf - e^-t/t1) + (1 - a)(e^-t/ts - e^-t/t2)]
    ports = []
    for share, tau in ((syn.a, syn.tau_fast), (1.0 - syn.a, syn.tau_slow)):
        if share > 0:
            rise = 1.0 / (1.0 / syn.tau_rise + 1.0 / tau)
            beta = synapses.DualExponential(tau_rise=rise, tau_decay=tau)
            ports.append((rise, tau, syn.g_max * syn._norm * share / beta._norm))
    return ports


def _cell(pop, receptors):
    """NEST model name, per-neuron parameters and receptor -> [(port, scale)] of a population."""
    model = pop.model
    if not isinstance(model, (models.LIF, models.AdEx)):
        raise ValueError(f"population {pop.name!r}: {type(model).__name__} has no exact NEST "
                         f"counterpart. {SUPPORTED}")
    for name, syn in receptors.items():
        if syn.Mg or syn.V_drive is not None or not isinstance(
                syn, (synapses.Exponential, synapses.Alpha, synapses.DualExponential,
                      synapses.RiseDecay)):
            kind = ("a magnesium block" if syn.Mg else "a frozen driving force (current-based)"
                    if syn.V_drive is not None else f"the kernel {type(syn).__name__}")
            raise ValueError(f"receptor {name!r} on population {pop.name!r} has {kind}. "
                             f"{SUPPORTED}")
    adex = isinstance(model, models.AdEx)
    rows = []
    for m in pop.models:
        if adex:
            rows.append(dict(C_m=m.C, g_L=m.g_L, E_L=m.E_L, V_th=m.V_T, Delta_T=m.Delta_T, a=m.a,
                             tau_w=m.tau_w, b=m.b, V_reset=m.V_r, V_peak=m.V_peak, t_ref=0.0))
        else:
            rows.append(dict(C_m=m.C, g_L=m.g_L, E_L=m.E_L, V_th=m.V_th, V_reset=m.V_reset,
                             t_ref=m.t_ref))
    exponential = all(isinstance(s, synapses.Exponential) for s in receptors.values())
    if exponential and len(receptors) <= 2:
        ports, extra = {}, {}
        for (name, syn), (side, sign) in zip(receptors.items(), (("ex", 1.0), ("in", -1.0))):
            ports[name] = [(0, sign * syn.g_max)]
            extra.update({f"E_{side}": syn.E_rev, f"tau_syn_{side}": syn.tau})
        return ("aeif_cond_exp" if adex else "iaf_cond_exp"), rows, extra, ports
    if any(isinstance(s, synapses.Exponential) for s in receptors.values()):
        raise ValueError(f"population {pop.name!r}: NEST has exponential conductances only in "
                         "models with at most two receptors, all exponential. " + SUPPORTED)
    ports, E, rise, decay = {}, [], [], []
    for name, syn in receptors.items():
        ports[name] = []
        for tau_r, tau_d, peak in _ports(syn):
            E.append(syn.E_rev)
            rise.append(tau_r)
            decay.append(tau_d)
            ports[name].append((len(E), peak))
    if not adex:       # LIF as an AdEx without exponential or adaptation
        for row in rows:
            row.update(Delta_T=0.0, a=0.0, b=0.0, tau_w=1.0, V_peak=row["V_th"])
    return "aeif_cond_beta_multisynapse", rows, dict(E_rev=E, tau_rise=rise, tau_decay=decay), ports


def describe(net, t_stop, dt, threads, exact=True):
    """The network as a JSON-able dictionary of NEST populations, devices and connections.

    ``exact``: connections as the drawn lists of neuron pairs (the same network as
    neurolab's); otherwise as NEST's connection rules (the same statistics, and a script
    whose size does not grow with the number of synapses).
    """
    from .simulate import _sample, time_grid

    receptors = net._receptors()
    spec = dict(dt=float(dt), t_stop=float(t_stop), threads=int(threads), seed=int(net.seed) + 1,
                populations=[], sources=[], connections=[], backgrounds=[], currents=[])
    ports = {}
    for pop in net.populations:
        mine = {r: receptors[r] for r in receptors
                if any(item["post"] is pop and item["receptor"] == r
                       for item in net.projections + net.backgrounds)}
        model, rows, extra, ports[pop.name] = _cell(pop, mine)
        g_of = {}
        for name, items in ports[pop.name].items():
            for port, scale in items:
                g_of[f"g_{port}" if port else ("g_ex" if scale > 0 else "g_in")] = name
        params = {k: v for k, v in rows[0].items() if all(row[k] == v for row in rows)}
        params.update(extra)
        per_neuron = {k: [row[k] for row in rows] for k in rows[0] if k not in params}
        V = pop.V_init if pop.V_init is not None else np.full(pop.n, rows[0]["E_L"])
        per_neuron["V_m"] = [float(v) for v in V]
        current = pop.current
        if isinstance(current, np.ndarray):
            per_neuron["I_e"] = [float(c) for c in current]
        elif isinstance(current, (int, float)) and not isinstance(current, bool):
            params["I_e"] = float(current)
        else:
            t = time_grid(t_stop, dt)
            values = _sample(current, t, dt, np.random.SeedSequence(net.seed), "pA")
            change = np.flatnonzero(np.diff(values)) + 1
            spec["currents"].append(dict(post=pop.name, times=[float(t[k]) for k in change],
                                         amplitudes=[float(values[k]) for k in change],
                                         first=float(values[0])))
        spec["populations"].append(dict(name=pop.name, model=model, n=pop.n, params=params,
                                        per_neuron=per_neuron, g_of=g_of))
    for src in net.sources:
        spec["sources"].append(dict(name=src.name, n=src.n, trains=[
            [float(x) for x in np.round(train / dt) * dt] for train in src.trains]))
    for proj in net.projections:
        own = any(proj.pre is p for p in net.populations)
        delay, shift = proj.delay, 0.0
        if delay < dt - 1e-12:
            if own:
                raise ValueError(f"projection {proj.pre.name!r} -> {proj.post.name!r}: delay="
                                 f"{proj.delay:g} ms; NEST needs delays of at least one step "
                                 f"(dt={dt:g} ms). " + SUPPORTED)
            delay, shift = dt, dt - delay       # a source spike sent a step early, same arrival
        for port, scale in ports[proj.post.name][proj.receptor]:
            item = dict(pre=proj.pre.name, post=proj.post.name, weight=scale * proj.weight,
                        delay=delay, shift=shift, receptor_type=port)
            if exact:
                item.update(pre_ids=proj.pre_ids.tolist(), post_ids=proj.post_ids.tolist())
            else:
                item.update(rule="one_to_one" if proj.one_to_one else "pairwise_bernoulli",
                            p=proj.p, allow_autapses=bool(proj.autapses or proj.pre is not proj.post))
            spec["connections"].append(item)
    for bg in net.backgrounds:
        for port, scale in ports[bg["post"].name][bg["receptor"]]:
            spec["backgrounds"].append(dict(post=bg["post"].name, rate=bg["rate"], delay=dt,
                                            weight=scale * bg["weight"], receptor_type=port))
    return spec


def build(nest, spec):
    """Create the network of ``spec`` (from :func:`describe`) in NEST; returns the
    populations and their spike recorders by name."""
    nest.ResetKernel()
    if hasattr(nest, "VerbosityLevel"):
        nest.verbosity = nest.VerbosityLevel.ERROR
    else:
        nest.set_verbosity("M_ERROR")
    nest.SetKernelStatus({"resolution": spec["dt"], "local_num_threads": spec["threads"],
                          "rng_seed": spec["seed"], "print_time": False})
    groups, recorders = {}, {}
    for pop in spec["populations"]:
        nodes = nest.Create(pop["model"], pop["n"], params=pop["params"])
        nodes.set(**pop["per_neuron"])
        groups[pop["name"]] = nodes
        recorders[pop["name"]] = nest.Create("spike_recorder")
        nest.Connect(nodes, recorders[pop["name"]])
    for src in spec["sources"]:
        groups[src["name"]] = nest.Create("parrot_neuron", src["n"])
    for item in spec["connections"]:
        pre, post = groups[item["pre"]], groups[item["post"]]
        syn = {"weight": item["weight"], "delay": item["delay"]}
        if item["receptor_type"]:
            syn["receptor_type"] = item["receptor_type"]
        if "pre_ids" in item:
            if item["pre_ids"]:
                size = len(item["pre_ids"])
                syn = {key: np.full(size, value, dtype=int if key == "receptor_type" else float)
                       for key, value in syn.items()}
                nest.Connect(np.asarray(pre.tolist())[item["pre_ids"]],
                             np.asarray(post.tolist())[item["post_ids"]], "one_to_one", syn)
        elif item["rule"] == "one_to_one":
            nest.Connect(pre, post, "one_to_one", syn)
        else:
            nest.Connect(pre, post, {"rule": "pairwise_bernoulli", "p": item["p"],
                                     "allow_autapses": item["allow_autapses"]}, syn)
    for src in spec["sources"]:
        # parrots relay each train; a projection with delay < dt had its spikes sent early
        shift = max([c["shift"] for c in spec["connections"] if c["pre"] == src["name"]] + [0.0])
        for parrot, train in zip(groups[src["name"]], src["trains"]):
            times = [round(t - shift - spec["dt"], 10) for t in train]   # the parrot adds a step
            if times and min(times) <= 0:
                raise ValueError(f"source {src['name']!r}: NEST cannot send a spike at "
                                 f"{min(train):g} ms this early; start spike trains after "
                                 f"{2 * spec['dt'] + shift:g} ms.")
            generator = nest.Create("spike_generator", params={"spike_times": times})
            nest.Connect(generator, parrot, syn_spec={"delay": spec["dt"]})
    for bg in spec["backgrounds"]:
        noise = nest.Create("poisson_generator", params={"rate": bg["rate"]})
        syn = {"weight": bg["weight"], "delay": bg["delay"]}
        if bg["receptor_type"]:
            syn["receptor_type"] = bg["receptor_type"]
        nest.Connect(noise, groups[bg["post"]], "all_to_all", syn)
    for cur in spec["currents"]:
        changes = {spec["dt"]: cur["first"]}
        changes.update({max(t, spec["dt"]): a for t, a in zip(cur["times"], cur["amplitudes"])})
        generator = nest.Create("step_current_generator", params={
            "amplitude_times": list(changes), "amplitude_values": list(changes.values())})
        nest.Connect(generator, groups[cur["post"]])
    return groups, recorders


def run(net, t_stop, dt, record, threads):
    """Simulate ``net`` in NEST; returns a :class:`~neurolab.network.NetworkResult`."""
    from .simulate import time_grid

    if not net.populations:
        raise ValueError("the network has no population: add one with net.population(...).")
    dt = 0.1 if dt is None else float(dt)
    spec = describe(net, t_stop, dt, threads)      # raises for what NEST cannot run exactly
    nest = _nest(threads)
    groups, recorders = build(nest, spec)

    t = time_grid(t_stop, dt)
    record = {} if record is None else dict(record)
    meters = {}
    for pop, desc in zip(net.populations, spec["populations"]):
        rec = np.asarray(record.get(pop.name, [0]), dtype=np.int64)
        if rec.size and (rec.min() < 0 or rec.max() >= pop.n):
            raise ValueError(f"record[{pop.name!r}]: indices must be in 0..{pop.n - 1}.")
        if rec.size:
            names = ["V_m"] + (["w"] if desc["model"].startswith("aeif") and
                               isinstance(pop.model, models.AdEx) else []) + list(desc["g_of"])
            meter = nest.Create("multimeter", params={"interval": dt, "record_from": names})
            nest.Connect(meter, groups[pop.name][rec.tolist()] if rec.size > 1
                         else groups[pop.name][int(rec[0])])
            meters[pop.name] = (meter, names, rec)
    nest.Simulate(float(t[-1]) + dt)
    receptors = net._receptors()
    arrays = [_arrays(pop, desc, groups[pop.name], t, dt, receptors, recorders[pop.name],
                      meters.get(pop.name)) for pop, desc in zip(net.populations, spec["populations"])]
    return NetworkResult(net, t, dt, {p.name: "nest:" + d["model"] for p, d in
                                      zip(net.populations, spec["populations"])}, list(receptors), arrays)


def _arrays(pop, desc, nodes, t, dt, receptors, recorder, meter):
    """A population's NEST output in the layout NetworkResult reads."""
    first = nodes.tolist()[0]
    events = recorder.get("events")
    senders = np.asarray(events["senders"], dtype=np.int64) - first
    times = np.asarray(events["times"], dtype=float)
    keep = times <= t[-1] + 1e-9
    senders, times = senders[keep], times[keep]
    counts = np.bincount(senders, minlength=pop.n)
    spikes = np.zeros((pop.n, max(1, counts.max(initial=0))))
    order = np.lexsort((times, senders))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    for i in np.flatnonzero(counts):
        spikes[i, :counts[i]] = times[order][starts[i]:starts[i] + counts[i]]
    S, R = len(pop.model.state_names), len(receptors)
    rec = np.zeros(0, np.int64) if meter is None else meter[2]
    trace = np.zeros((S + R + 1, rec.size, t.size))
    if meter is not None:
        device, names, _ = meter
        data = device.get("events")
        m = np.searchsorted(np.asarray(nodes.tolist())[rec], np.asarray(data["senders"]))
        k = np.rint(np.asarray(data["times"]) / dt).astype(np.int64)
        ok = k < t.size
        rows = {"V_m": 0, "w": 1}
        rows.update({g: S + list(receptors).index(r) for g, r in desc["g_of"].items()})
        for name in names:
            np.add.at(trace[rows[name]], (m[ok], k[ok]), np.asarray(data[name])[ok])
        trace[0, :, 0] = desc["per_neuron"]["V_m"][0] if rec.size == 0 else \
            np.asarray(desc["per_neuron"]["V_m"])[rec]
        E = [syn.E_rev for syn in receptors.values()]
        trace[S + R] = sum(trace[S + r] * (trace[0] - E[r]) for r in range(R))
    return dict(rec=rec, trace=trace, spikes=spikes, counts=counts)


SCRIPT = '''"""The network {name}, written by neurolab (Network.to_nest_script) for NEST 3.

Run it with `python {name}`, or on a cluster with a NEST built with MPI:
`mpirun -n 4 python {name}` (each process simulates a share of the neurons).
SCALE multiplies every population; the connection probabilities between populations are
divided by SCALE, so each cell keeps the same number of inputs and the same dynamics.
"""
import json
import os
import sys

import numpy as np

os.environ.setdefault("PYNEST_QUIET", "1")
import nest

SCALE = float(os.environ.get("SCALE", 1))
THREADS = int(os.environ.get("THREADS", {threads}))
SPEC = json.loads(r"""{spec}""")


{build}

def scaled(spec, factor):
    """The same network with every population factor times as large."""
    spec = json.loads(json.dumps(spec))
    pops = {{p["name"] for p in spec["populations"]}}
    for pop in spec["populations"]:
        pop["n"] = int(round(pop["n"] * factor))
        pop["per_neuron"] = {{k: np.resize(v, pop["n"]).tolist() for k, v in pop["per_neuron"].items()}}
    for item in spec["connections"]:
        if item["pre"] in pops and item["rule"] == "pairwise_bernoulli":
            item["p"] = min(1.0, item["p"] / factor)
    return spec


if __name__ == "__main__":
    spec = scaled(SPEC, SCALE)
    spec["threads"] = THREADS
    groups, recorders = build(nest, spec)
    nest.Simulate(spec["t_stop"])
    for pop in spec["populations"]:
        local = recorders[pop["name"]].get("n_events")       # spikes recorded on this process
        print(f"rank {{nest.Rank()}} of {{nest.NumProcesses()}}: population {{pop['name']}} "
              f"({{pop['n']}} cells): {{local}} spikes here, "
              f"{{local / pop['n'] / spec['t_stop'] * 1000.0 * nest.NumProcesses():.2f}} Hz "
              "per cell (estimated from this process)")
        sys.stdout.flush()
'''


def write_script(net, path, t_stop, dt, threads):
    """Write the standalone NEST script of ``net`` (see :meth:`Network.to_nest_script`)."""
    spec = describe(net, t_stop, dt, threads, exact=False)
    text = SCRIPT.format(name=os.path.basename(str(path)), threads=int(threads),
                         spec=json.dumps(spec), build=inspect.getsource(build))
    with open(path, "w") as out:
        out.write(text)
