#!/usr/bin/env python3
"""Build every assignment from its master notebook, offline (what `make assignments` runs).

    .venv/bin/python tools/build_assignments.py                  # all masters in assignments/
    .venv/bin/python tools/build_assignments.py part1_membrane_and_hh --no-run-tests

For each master ``assignments/<name>.ipynb`` (an otter-grader notebook) it runs
``otter assign`` into ``_build/assignments/<name>/`` and adds three files for handing out:

    _build/assignments/<name>/
        student/<name>.ipynb, student/tests/    what otter assign makes for students
        autograder/<name>-autograder_<time>.zip what otter assign makes for grading
        <name>-student.zip      the student folder in one zip: hand this out (Jupyter, JupyterHub)
        <name>-colab.ipynb      one self-contained notebook for Google Colab (writes its tests/)
        <name>-autograder.zip   the autograder zip under a stable name: `otter run -a` it

By default ``otter assign`` also grades the solutions of the master with the autograder and
fails if they do not score full marks; ``--no-run-tests`` skips that check. Needs the
``teach`` extra (otter-grader): ``python3 dev.py assignments`` installs it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MASTERS = ROOT / "assignments"
OUT = ROOT / "_build" / "assignments"


def masters(names=()) -> list[Path]:
    """The master notebooks (``assignments/*.ipynb``), or the named ones."""
    found = sorted(p for p in MASTERS.glob("*.ipynb") if not p.name.startswith("."))
    if names:
        wanted = {n.removesuffix(".ipynb") for n in names}
        unknown = wanted - {p.stem for p in found}
        if unknown:
            sys.exit(f"build_assignments: no master notebook for {', '.join(sorted(unknown))} "
                     f"in {MASTERS.relative_to(ROOT)}/")
        found = [p for p in found if p.stem in wanted]
    return found


def otter_executable() -> str:
    """The ``otter`` next to this Python (the venv's), else the one on PATH."""
    here = Path(sys.executable).parent / "otter"
    if here.exists():
        return str(here)
    found = shutil.which("otter")
    if not found:
        sys.exit("build_assignments: otter-grader is not installed; run `python3 dev.py "
                 "assignments` (or `.venv/bin/pip install -r requirements-teach.txt`).")
    return found


def zip_folder(folder: Path, target: Path, prefix: str) -> None:
    """Zip ``folder`` into ``target``, with every path under ``prefix/``."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and ".ipynb_checkpoints" not in path.parts:
                zf.write(path, f"{prefix}/{path.relative_to(folder).as_posix()}")


def colab_notebook(student_nb: Path, tests: Path, target: Path) -> None:
    """The student notebook as one file for Colab: a locked cell after the setup cell writes
    the public tests to ``tests/`` when they are missing, and the export cell explains how to
    download the notebook instead (Colab keeps no notebook file next to the kernel)."""
    nb = json.loads(student_nb.read_text(encoding="utf-8"))
    files = {p.name: p.read_text(encoding="utf-8") for p in sorted(tests.glob("*.py"))}
    source = ["# Colab: writes this assignment's public tests to tests/ (the grader.check cells\n",
              "# read them there). Run it once; it changes nothing when the tests are present.\n",
              "import pathlib\n",
              f"_public_tests = {json.dumps(files, indent=1, ensure_ascii=False)}\n",
              'pathlib.Path("tests").mkdir(exist_ok=True)\n',
              "for _name, _text in _public_tests.items():\n",
              '    if not (pathlib.Path("tests") / _name).exists():\n',
              '        (pathlib.Path("tests") / _name).write_text(_text, encoding="utf-8")\n']
    writer = {"cell_type": "code", "execution_count": None, "outputs": [], "source": source,
              "metadata": {"deletable": False, "editable": False, "tags": ["colab_tests"]}}
    cells = nb["cells"]
    cells.insert(1, writer)          # after the setup cell, before `grader = otter.Notebook(...)`
    for cell in cells:
        text = "".join(cell["source"])
        if cell["cell_type"] == "code" and "grader.export(" in text:
            cell["source"] = ["# In Colab: File > Download > Download .ipynb, then submit that file.\n",
                              'print("Colab: File > Download > Download .ipynb, and submit that file.")']
        elif cell["cell_type"] == "markdown" and text.startswith("## Submission"):
            cell["source"] = ["## Submission\n", "\n",
                              "Run all cells in order, so that every figure is in the notebook, then "
                              "download it (*File → Download → Download .ipynb*) and submit that file "
                              "as your instructor asks.\n"]
    target.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def build(master: Path, out: Path, run_tests: bool) -> Path:
    """``otter assign`` one master into ``out/<name>/`` plus the hand-out files; the folder."""
    name = master.stem
    dest = out / name
    if dest.exists():
        shutil.rmtree(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    cmd = [otter_executable(), "assign", *([] if run_tests else ["--no-run-tests"]),
           str(master), str(dest)]
    print("+", " ".join(cmd), flush=True)
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    noise = "Kernel is running over TCP without encryption"
    log = "\n".join(line for line in (proc.stdout + proc.stderr).splitlines() if noise not in line)
    if proc.returncode != 0:
        print(log, file=sys.stderr)
        raise RuntimeError(f"otter assign failed for {master.relative_to(ROOT)}")
    student, autograder = dest / "student", dest / "autograder"
    zips = sorted(autograder.glob(f"{name}-autograder_*.zip"))
    if not (student / f"{name}.ipynb").exists() or len(zips) != 1:
        print(log, file=sys.stderr)
        raise RuntimeError(f"otter assign made no student notebook or autograder zip for {name}")
    shutil.copyfile(zips[0], dest / f"{name}-autograder.zip")
    zip_folder(student, dest / f"{name}-student.zip", name)
    colab_notebook(student / f"{name}.ipynb", student / "tests", dest / f"{name}-colab.ipynb")
    return dest


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="assignments to build (default: all)")
    parser.add_argument("--out", type=Path, default=OUT, help=f"output folder (default {OUT})")
    parser.add_argument("--no-run-tests", action="store_true",
                        help="do not grade the master's solutions while building")
    args = parser.parse_args(argv)
    todo = masters(args.names)
    if not todo:
        sys.exit(f"build_assignments: no master notebooks in {MASTERS}")
    failed = []
    for master in todo:
        try:
            dest = build(master, args.out.resolve(), run_tests=not args.no_run_tests)
        except RuntimeError as error:
            print(f"build_assignments: {error}", file=sys.stderr)
            failed.append(master.stem)
            continue
        shown = dest.relative_to(ROOT) if dest.is_relative_to(ROOT) else dest
        print(f"  {master.stem}: hand out {shown}/{master.stem}-student.zip "
              f"(Colab: {master.stem}-colab.ipynb); grade with {shown}/{master.stem}-autograder.zip")
    if failed:
        print(f"build_assignments: {len(failed)} failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"\n{len(todo)} assignment(s) in {args.out.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
