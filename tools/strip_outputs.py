"""Remove outputs, execution counts and saved widget state from notebooks, in place.

    python3 tools/strip_outputs.py book/*.ipynb      # or: .venv/bin/python tools/strip_outputs.py ...

Notebooks are committed without outputs (tests/test_notebooks_clean.py checks it); the
book executes them when it is built.
"""

import json
import sys
from pathlib import Path


def strip(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    nb.get("metadata", {}).pop("widgets", None)
    new = json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    if new != text:
        path.write_text(new, encoding="utf-8")
        return True
    return False


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for name in sys.argv[1:]:
        if strip(Path(name)):
            print(f"stripped {name}")
