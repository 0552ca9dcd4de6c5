#!/usr/bin/env python3
"""Write the kernel sources of every model into neurolab/_generated, to ship them in a wheel.

    python tools/ship_kernels.py && python -m build

An installed neurolab imports a kernel from its own ``_generated`` folder, read-only, when
the folder has it; only other kernels (a model with extra channels, a network) are written
to the user's cache. Run it in the source tree that is built: the files are git-ignored.
"""
from __future__ import annotations

import inspect
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from neurolab import _codegen, models  # noqa: E402
from neurolab.models._base import METHODS, Model  # noqa: E402


def default_models():
    """One default instance of every model class that has all-default parameters."""
    for _, cls in inspect.getmembers(models, inspect.isclass):
        if issubclass(cls, Model) and cls is not Model:
            try:
                yield cls()
            except (TypeError, ValueError, NotImplementedError):
                continue


def main() -> int:
    target = _codegen.SHIPPED
    written = set()
    for model in default_models():
        for method in METHODS:
            name, text = _codegen.kernel_file(model.equations(), method)
            if name not in written:
                _codegen.write_atomically(target / name, text)
                written.add(name)
    print(f"wrote {len(written)} kernel sources to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
