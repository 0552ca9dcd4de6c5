"""The network kernel's drivers (templates that :mod:`neurolab._netgen` fills in).

:data:`WINDOW` is the code of one window of one chunk: it routes the spikes of the window
before to the chunk's own targets, then the sources' spikes, then advances the chunk's
neurons (see :mod:`neurolab._netgen` for the order of work). Both drivers have it written
in (a function of its own would cost a fresh session seconds more to compile):
``run_serial`` runs the windows of one chunk; ``run`` runs every chunk in one parallel
region: one long-lived task per thread, which hand windows to each other through the
atomic counters of :mod:`neurolab._atomic`.
"""


def source(populations: int, block) -> str:
    """The drivers of a module with ``populations`` populations (``block`` indents code)."""
    ps = range(populations)
    pop_args = ",\n        ".join(POP_ARGS.format(p=p) for p in ps)
    window = WINDOW.format(
        pops_parallel=block([POP_PARALLEL.format(p=p, line=LINE) for p in ps], 4),
        pops_route=block([POP_ROUTE.format(p=p, line=LINE) for p in ps], 4))
    unpack = UNPACK.format(pops_unpack="\n".join(POP_UNPACK.format(p=p) for p in ps))
    return RUN.format(args=ARGS, pop_args=pop_args, window_serial=block([window], 8),
                      window_parallel=block([window], 20), unpack_serial=block([unpack], 4),
                      unpack_parallel=block([unpack], 8))


RUN = '''

@njit(cache=True, error_model="numpy")
def _route_part(g, k, count, c, lags, proj_lo, proj_n, proj_row, proj_post, proj_rec, proj_w,
                cuts, targets, buf):
    """Add presynaptic neuron g's spikes (count of them) to the delay buffers of those of
    its targets that chunk c owns: row r of the connections (sorted targets) holds them
    at cuts[c, r] .. cuts[c + 1, r]. Chunks write disjoint parts of the buffer, in the
    same order as one thread would."""
    D = buf.shape[0]
    for q in range(proj_lo.size):
        j = g - proj_lo[q]
        if 0 <= j < proj_n[q]:
            slot = (k + lags[q]) % D
            r = proj_rec[q]
            post = proj_post[q]
            w = proj_w[q] * count
            row = proj_row[q] + j
            into = buf[slot, r, post:]
            for e in range(np.uint64(cuts[c, row]), np.uint64(cuts[c + 1, row])):  # unsigned
                into[targets[e]] += w


@njit(cache=True, error_model="numpy")
def run_serial(k0, k1, n, dt, {args}, sync,
               {pop_args}):
    """Advance the network (one chunk) over steps k0 .. k1 - 1 (records states at t_k);
    returns a status. The last window has no steps: it routes the spikes of the one before."""
    n_chunks = bad.size
    c = np.int64(0)
{unpack_serial}
    for wi in range((k1 - k0 + window - 1) // window + 1):
{window_serial}
        if bad[0] != OK:
            return bad[0]
    return OK


@njit(cache=True, parallel=True, error_model="numpy")
def run(k0, k1, n, dt, {args}, sync,
        {pop_args}):
    """Advance the network over steps k0 .. k1 - 1 in parallel; returns a status.

    One parallel region for the whole call, one task per thread; the work comes in
    windows of each chunk, and window wi of a chunk may start once every chunk has done
    window wi - 1 (its spikes are routed at the start of the next). A thread takes its own
    chunk's next window when it can, else any other chunk's that is free (so the run
    finishes even if the threading layer runs the tasks one after another). The counters
    live in ``sync`` (one cache line each): taken[c] at 8 c, done[c] at 8 (n_chunks + c)."""
    n_chunks = bad.size
    n_windows = (k1 - k0 + window - 1) // window + 1
    for z in range(sync.size):      # (a loop: `sync[:] = 0` would be a parallel region)
        sync[z] = 0
    for task in prange(n_chunks):
{unpack_parallel}
        me = np.int64(task)
        idle = 0
        while True:
            lowest = n_windows      # the window every chunk has reached
            failed = False
            for c in range(n_chunks):
                lowest = min(lowest, load_acquire(sync, 8 * (n_chunks + c)))
                failed |= load_acquire(bad, c) != OK
            if lowest >= n_windows or failed:
                break
            # the first free window: this thread's chunk's, else another's; if none is free,
            # read the counters again (a chunk is running: waiting here is short)
            for turn in range(n_chunks):
                c = (me + turn) % n_chunks
                if (load_acquire(sync, 8 * c) == lowest
                        and compare_exchange(sync, 8 * c, lowest, lowest + 1)):
                    wi = lowest
{window_parallel}
                    store_release(sync, 8 * (n_chunks + c), lowest + 1)
                    idle = -1
                    break
            idle += 1
            if idle > 10000:        # long: the chunk's thread may have lost its core
                yield_core()
    for c in range(n_chunks):
        if bad[c] != OK:
            return bad[c]
    return OK
'''


# window wi of chunk c (see neurolab._netgen): route the spikes of window wi - 1 (fired
# lists `prev`) to the chunk's own targets, then the sources' spikes of this window, then
# advance its neurons (they fire into lists `cur`)
WINDOW = '''\
k = min(k0 + wi * window, k1)
routed = k - min(k0 + (wi - 1) * window, k1) if wi > 0 else 0
width = min(window, k1 - k)
cur = wi % 2
prev = 1 - cur
for kk in range(k - routed, min(k, n - 1)):
    w = kk - (k - routed)
{pops_route}
for kk in range(k, k + width):
    for j in range(src_indptr[kk], src_indptr[kk + 1]):
        _route_part(n_neurons + src_ids[j], kk, 1.0, c, lags, proj_lo, proj_n, proj_row,
                    proj_post, proj_rec, proj_w, cuts, targets, buf)
for kk in range(k, k + width):
    last = kk == n - 1
    w = kk - k
{pops_parallel}
    if last or bad[c] != OK:
        break
'''

# the arrays arrive packed, a few per population (a parallel region costs compilation time
# for every array it receives): unpacked as views, once per call and task
UNPACK = '''\
E, Mg, V_drive = consts[0], consts[1], consts[2]
lags, proj_lo, proj_n, proj_row, proj_post, proj_rec = (
    table[0], table[1], table[2], table[3], table[4], table[5])
{pops_unpack}'''


POP_PARALLEL = '''\
# population {p}
lo, hi = bounds_{p}[c], bounds_{p}[c + 1]
synaptic(lo, hi, offset_{p}, kk, dt, y_{p}, current_{p}, itot_{p}, dt_over_C_{p}, rec_slot_{p},
         rec_{p}, trace_{p}, work_{p}, s, buf, prop, jump, readout, E, Mg, V_drive, bg_w_{p},
         bg_pieces_{p}, bg_cdf_{p}, rng)
if not last:
    step_{p}(lo, hi, params_{p}, y_{p}, y_old_{p}, g_old_{p}, g_new_{p}, clamp_end_{p},
           itot_{p}, kk, dt, spikes_{p}, counts_{p}, status_{p}, error_{p})
    fired = 0
    for i in range(lo, hi):
        if status_{p}[i] != OK:
            bad[c] = status_{p}[i]
        new = counts_{p}[i] - last_{p}[i]
        if new:
            last_{p}[i] = counts_{p}[i]
            fired_{p}[cur, w, int(lo) + fired] = i
            fired_count_{p}[cur, w, int(lo) + fired] = new
            fired += 1
    n_fired_{p}[cur, w, {line} * c] = fired
'''

POP_ROUTE = '''\
for c2 in range(n_chunks):
    first = int(bounds_{p}[c2])
    for f in range(first, first + n_fired_{p}[prev, w, {line} * c2]):
        _route_part(offset_{p} + fired_{p}[prev, w, f], kk, float(fired_count_{p}[prev, w, f]),
                    np.int64(c), lags, proj_lo, proj_n, proj_row, proj_post, proj_rec, proj_w,
                    cuts, targets, buf)
'''

#: Numbers per cache line (64 bytes of int64 or float64): each chunk's count of fired
#: neurons has a line of its own, and chunks start on a line (_network_run._chunk_bounds).
LINE = 8

# what the drivers receive besides the steps, dt, sync and the populations
ARGS = ("s, buf, prop, jump, readout, consts, rng, table, proj_w, cuts, targets, src_indptr, "
        "src_ids, n_neurons, bad, window")

POP_ARGS = ("params_{p}, ys_{p}, floats_{p}, ints_{p}, current_{p}, itot_{p}, spikes_{p}, "
            "error_{p}, rec_{p}, trace_{p}, work_{p}, offset_{p}, bg_w_{p}, bg_pieces_{p}, "
            "bg_cdf_{p}, bounds_{p}, fired_lists_{p}, n_fired_{p}")

# the packed arrays of population p (see _network_run.PACKED), as the names the code uses
POP_UNPACK = '''\
y_{p}, y_old_{p} = ys_{p}[0], ys_{p}[1]
g_old_{p}, g_new_{p}, clamp_end_{p}, dt_over_C_{p} = floats_{p}[0], floats_{p}[1], floats_{p}[2], floats_{p}[3]
last_{p}, counts_{p}, status_{p}, rec_slot_{p} = ints_{p}[0], ints_{p}[1], ints_{p}[2], ints_{p}[3]
fired_{p}, fired_count_{p} = fired_lists_{p}[0], fired_lists_{p}[1]
'''
