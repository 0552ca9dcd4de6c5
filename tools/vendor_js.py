"""Fetch the JavaScript the built book needs, so that it loads nothing from the internet.

    python3 tools/vendor_js.py          # idempotent: does nothing when everything is present

Into ``book/_vendor/`` (git-ignored; Sphinx copies it to ``_build/html/_static/``):

* ``mathjax/``       MathJax 3 (its ``es5`` folder: ``tex-chtml.js``, fonts, extensions)
* ``requirejs/``     RequireJS, the AMD loader the ipywidgets manager needs
* ``html-manager/``  ``@jupyter-widgets/html-manager``: ``embed-amd.js`` (renders saved widget
                     state), its fonts, and ``widgets-setup.js`` (see below)
* ``plotly/``        ``plotly.min.js`` copied from the installed ``plotly`` Python package,
                     so the JavaScript matches plotly.py exactly

The npm packages come from the npm registry with ``npm pack`` (no ``node_modules``,
no install scripts); without npm, the same tarballs are downloaded from the registry and
checked against its sha512 integrity. The folder must not be called ``_static``: jupyter-book 1 adds every
``.js`` file below a ``_static`` folder to every page.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "book" / "_vendor"

# npm spec -> (folder inside the tarball to keep, destination folder under book/_vendor)
NPM_PACKAGES = {
    "mathjax@3.2.2": ("package/es5", "mathjax"),
    "requirejs@2.3.8": ("package/require.js", "requirejs/require.js"),
    "@jupyter-widgets/html-manager@1.0.15": ("package/dist", "html-manager"),
}
VERSION = 5  # bump when the layout or the files of book/_vendor change

# Loaded between require.js and embed-amd.js (see nb_ipywidgets_js in _config.yml):
# 1. the widget manager computes where its icon fonts live from its AMD module's URL, which
#    require.js would put next to the page: map that module to the vendored folder;
# 2. widgets typeset their labels with the MathJax 2 API (MathJax.Hub.Queue); the book
#    uses MathJax 3, so translate that call to MathJax.typesetPromise;
# 3. images that widgets draw (an explorer's plot in an Output widget) get no alt text from
#    the widget manager (cell metadata cannot reach them): describe them for screen readers.
WIDGETS_SETUP_JS = """\
// Written by tools/vendor_js.py: let @jupyter-widgets/html-manager work offline with MathJax 3.
(function () {
  var here = document.currentScript.src.replace(/\\/[^/]*$/, "");
  require.config({paths: {"@jupyter-widgets/html-manager/dist": here}});
  document.addEventListener("DOMContentLoaded", function () {
    var mj = window.MathJax;
    if (mj && mj.typesetPromise && !mj.Hub) {
      mj.Hub = {Queue: function (job) {
        var el = job && job[2];
        if (el) { mj.startup.promise.then(function () { return mj.typesetPromise([el]); }); }
      }};
    }
  });
  var widgetImageAlt = "Plot of the live explorer at its starting values; the sliders recompute " +
                       "it only in a running notebook.";
  new MutationObserver(function () {
    document.querySelectorAll(".jupyter-widgets img:not([alt]), .jupyter-widgets img[alt='']")
      .forEach(function (img) { img.alt = widgetImageAlt; });
  }).observe(document.documentElement, {childList: true, subtree: true});
})();
"""
STAMP = VENDOR / "versions.json"
REGISTRY = "https://registry.npmjs.org"


def _wanted() -> dict:
    import plotly

    return {"npm": sorted(NPM_PACKAGES), "plotly": plotly.__version__, "layout": VERSION}


def _fetch_tarball(spec: str, tmp: str) -> Path:
    """``npm pack`` the package into ``tmp``; without npm, download the same tarball from the
    npm registry and check it against the registry's sha512 integrity."""
    npm = shutil.which("npm")
    if npm is not None:
        out = subprocess.run([npm, "pack", spec, "--silent", "--pack-destination", tmp],
                             check=True, capture_output=True, text=True).stdout.split()
        return Path(tmp) / out[-1]
    name, version = spec.rsplit("@", 1)
    with urllib.request.urlopen(f"{REGISTRY}/{name.replace('/', '%2F')}/{version}") as r:
        dist = json.load(r)["dist"]
    with urllib.request.urlopen(dist["tarball"]) as r:
        data = r.read()
    algo, _, expected = dist["integrity"].partition("-")
    if base64.b64encode(hashlib.new(algo, data).digest()).decode() != expected:
        sys.exit(f"vendor_js: {spec}: downloaded tarball does not match the registry's integrity")
    tarball = Path(tmp) / "package.tgz"
    tarball.write_bytes(data)
    return tarball


def _npm_pack(spec: str, member: str, dest: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tarball = _fetch_tarball(spec, tmp)
        with tarfile.open(tarball) as tar:
            members = [m for m in tar.getmembers()
                       if m.name == member or m.name.startswith(member + "/")]
            if not members:
                sys.exit(f"vendor_js: {member} not found in {spec}")
            tar.extractall(tmp, members=members, filter="data")
        src = Path(tmp) / member
        if dest.exists():
            shutil.rmtree(dest) if dest.is_dir() else dest.unlink()
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(src), dest)


def main() -> None:
    wanted = _wanted()
    if STAMP.exists() and json.loads(STAMP.read_text()) == wanted:
        print(f"vendor_js: {VENDOR.relative_to(ROOT)} is up to date")
        return
    VENDOR.mkdir(parents=True, exist_ok=True)
    for spec, (member, dest) in NPM_PACKAGES.items():
        print(f"vendor_js: fetching {spec} from the npm registry")
        _npm_pack(spec, member, VENDOR / dest)

    manager = VENDOR / "html-manager"
    for extra in [*manager.glob("*.map"), manager / "embed.js", manager / "embed.js.LICENSE.txt"]:
        extra.unlink(missing_ok=True)
    (manager / "widgets-setup.js").write_text(WIDGETS_SETUP_JS)

    import plotly

    src = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    (VENDOR / "plotly").mkdir(exist_ok=True)
    shutil.copy2(src, VENDOR / "plotly" / "plotly.min.js")
    print(f"vendor_js: copied plotly.min.js from plotly {plotly.__version__}")
    STAMP.write_text(json.dumps(wanted, indent=1) + "\n")


if __name__ == "__main__":
    main()
