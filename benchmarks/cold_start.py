"""What a student waits for in a fresh session (e.g. Colab): compilation, chapter by chapter.

Each chapter notebook runs once, top to bottom, in a new kernel that sees a fresh copy of
the ``neurolab`` package (so no kernel module written before exists) and empty numba and
user caches (``NUMBA_CACHE_DIR`` and ``XDG_CACHE_HOME`` point into an empty temporary
folder), as in a new Colab session. A cell added in front of the notebook records every
numba compilation (numba's ``numba:compile`` event; nested compilations count once) and a
cell added at the end reports the total. Loading a kernel from the cache is not a
compilation, so this is exactly the time the chapter spends compiling.

    python benchmarks/cold_start.py [chapter.ipynb ...]     # default: every chapter

It is heavy (every chapter runs): it belongs to ``python3 dev.py bench``, not to the tests.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"

# Runs first in the chapter's kernel: sums the duration of outermost numba compilations.
RECORDER = '''\
import time as _time
from numba.core import event as _event


class _CompileClock(_event.Listener):
    depth, seconds, started = 0, 0.0, 0.0
    names = []

    def on_start(self, event):
        if self.depth == 0:
            self.started = _time.perf_counter()
        self.depth += 1

    def on_end(self, event):
        self.depth -= 1
        if self.depth == 0:
            self.seconds += _time.perf_counter() - self.started
            self.names.append(event.data["dispatcher"].py_func.__name__)


_compile_clock = _CompileClock()
_event.register("numba:compile", _compile_clock)
'''

REPORT = '''\
import json as _json
import neurolab as _nl
assert _nl.__file__.startswith({package!r}), _nl.__file__
print(_json.dumps({{"seconds": _compile_clock.seconds, "names": _compile_clock.names}}))
'''


def chapters() -> list[Path]:
    """The chapter notebooks in the order of the table of contents."""
    toc = (ROOT / "_toc.yml").read_text()
    names = [line.split("file:")[1].strip() for line in toc.splitlines() if "file:" in line]
    return [ROOT / f"{name}.ipynb" for name in names if (ROOT / f"{name}.ipynb").exists()]


def cold_run(notebook: Path) -> dict:
    """Run ``notebook`` in a fresh kernel with empty caches; compile and total seconds."""
    import nbformat
    from nbclient import NotebookClient

    with tempfile.TemporaryDirectory(prefix="neurolab-cold-") as tmp:
        tmp = Path(tmp)
        shutil.copytree(ROOT / "neurolab", tmp / "pkg" / "neurolab",
                        ignore=shutil.ignore_patterns("_generated", "__pycache__"))
        nb = nbformat.read(notebook, as_version=4)
        nb.cells.insert(0, nbformat.v4.new_code_cell(RECORDER))
        nb.cells.append(nbformat.v4.new_code_cell(REPORT.format(package=str(tmp / "pkg"))))
        saved = dict(os.environ)
        os.environ.update(PYTHONPATH=str(tmp / "pkg"), NUMBA_CACHE_DIR=str(tmp / "numba"),
                          XDG_CACHE_HOME=str(tmp / "cache"), MPLBACKEND="agg")
        try:
            started = time.perf_counter()
            NotebookClient(nb, timeout=900, kernel_name="python3",
                           resources={"metadata": {"path": str(notebook.parent)}}).execute()
            total = time.perf_counter() - started
        finally:
            os.environ.clear()
            os.environ.update(saved)
        report = json.loads(nb.cells[-1].outputs[-1]["text"])
    names = report["names"]
    counts = {name: names.count(name) for name in dict.fromkeys(names)}
    return {"chapter": notebook.stem, "compile": report["seconds"], "total": total,
            "compiled": ", ".join(f"{name}×{k}" if k > 1 else name for name, k in counts.items())}


def main(argv: list[str]) -> list[dict]:
    notebooks = [Path(a).resolve() for a in argv] or chapters()
    print(f"{'cold start, per chapter (empty caches)':<40} {'compiling':>10} {'whole run':>10}  "
          "functions compiled")
    rows = []
    for notebook in notebooks:
        row = cold_run(notebook)
        rows.append(row)
        print(f"{row['chapter']:<40} {row['compile']:9.1f}s {row['total']:9.1f}s  {row['compiled']}",
              flush=True)
    return rows


if __name__ == "__main__":
    main(sys.argv[1:])
