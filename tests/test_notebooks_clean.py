"""Notebooks are committed without outputs: the book runs them when it is built.

Strip a notebook with
    .venv/bin/jupyter nbconvert --clear-output --inplace book/<name>.ipynb
(or "Edit > Clear Outputs of All Cells" in JupyterLab, then save).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(p for p in (ROOT / "book").rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in p.parts and "_build" not in p.parts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_has_no_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    dirty = [i for i, cell in enumerate(nb["cells"]) if cell["cell_type"] == "code"
             and (cell.get("outputs") or cell.get("execution_count") is not None)]
    assert not dirty, (f"{path.name}: code cells {dirty} have outputs or execution counts; "
                       f"run `jupyter nbconvert --clear-output --inplace {path.relative_to(ROOT)}`")
    assert "widgets" not in nb.get("metadata", {}), f"{path.name}: saved widget state in metadata"


def test_book_has_notebooks():
    assert NOTEBOOKS, "no notebooks found in book/"
