"""Atomic operations on int64 arrays, for the threads of one parallel network run.

The network kernel's parallel driver runs one long-lived task per thread and lets the
threads hand windows of work to each other through a few counters (see
:mod:`neurolab._netgen`); numba has no atomics, so these are LLVM's, as intrinsics. A load
with *acquire* order sees everything the thread that stored with *release* order wrote
before it; a plain load in a waiting loop could be hoisted out of the loop by the compiler.
The generated kernels' file names include a hash of this file (as of :mod:`neurolab._math`).
"""
import os

from numba import types
from numba.core import cgutils
from numba.extending import intrinsic


def _pointer(context, builder, sig, args):
    """Pointer to ``array[index]`` (a 1-D int64 array, index already checked by the caller)."""
    array_type = sig.args[0]
    array = context.make_array(array_type)(context, builder, args[0])
    index = context.cast(builder, args[1], sig.args[1], types.intp)
    return cgutils.get_item_pointer(context, builder, array_type, array, [index],
                                    wraparound=False)


def _int64_array(array, index):
    return (isinstance(array, types.Array) and array.ndim == 1 and array.dtype == types.int64
            and isinstance(index, types.Integer))


@intrinsic
def load_acquire(typingctx, array, index):
    """``array[index]``, read atomically with acquire order."""
    if not _int64_array(array, index):
        return None

    def codegen(context, builder, sig, args):
        return builder.load_atomic(_pointer(context, builder, sig, args), "acquire", 8)
    return types.int64(array, index), codegen


@intrinsic
def store_release(typingctx, array, index, value):
    """``array[index] = value``, written atomically with release order."""
    if not (_int64_array(array, index) and isinstance(value, types.Integer)):
        return None

    def codegen(context, builder, sig, args):
        number = context.cast(builder, args[2], sig.args[2], types.int64)
        builder.store_atomic(number, _pointer(context, builder, sig, args), "release", 8)
        return context.get_dummy_value()
    return types.none(array, index, value), codegen


@intrinsic
def compare_exchange(typingctx, array, index, expected, new):
    """If ``array[index] == expected``, set it to ``new`` and return True (atomically);
    else return False and leave it."""
    if not (_int64_array(array, index) and isinstance(expected, types.Integer)
            and isinstance(new, types.Integer)):
        return None

    def codegen(context, builder, sig, args):
        old = context.cast(builder, args[2], sig.args[2], types.int64)
        value = context.cast(builder, args[3], sig.args[3], types.int64)
        pair = builder.cmpxchg(_pointer(context, builder, sig, args), old, value,
                               "acq_rel", "acquire")
        return builder.extract_value(pair, 1)
    return types.boolean(array, index, expected, new), codegen



@intrinsic
def _keep_core(typingctx):
    def codegen(context, builder, sig, args):
        return context.get_constant(types.int32, 0)
    return types.int32(), codegen


#: Give the core to another thread: POSIX ``sched_yield`` (returns at once on an idle
#: core); on Windows, which has no such C function, nothing (the caller just waits on).
yield_core = _keep_core if os.name == "nt" else types.ExternalFunction("sched_yield", types.int32())
