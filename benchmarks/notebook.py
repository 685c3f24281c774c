"""How soon a view is on screen in JupyterLab and Notebook 7, against a plain widget.

For each front end a server is started on loopback and a notebook opened in
headless Chromium (the browser tests' helpers). Every time is from the cell's
run to its output drawn: for a view, every chart with a trace in it; for the
baseline, an `ipywidgets.HTML` on screen. The baseline runs in the same kernel
just before the view, so the ratio is what vizlib adds to a round trip any
widget makes:

- first: the kernel's first widget against its first view of the seed cassette,
  whose time includes plotly's import and plotly.js reaching the page;
- again: the same cells run again, `--rounds` times (medians shown).

    python benchmarks/notebook.py --rounds 5
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.browser import launch_chromium
from tests.notebook_server import (
    DRAWN,
    Server,
    cell,
    open_notebook,
    run_cell,
    start,
    wait_done,
    write_notebook,
)
from tests.shared import SEED

BASELINE_CELL = "import ipywidgets\nipywidgets.HTML('<b class=\"vz-baseline\">ready</b>')"
VIEW_CELL = "vizlib.show(seed)"
CHARTS_PER_VIEW = 3
SHOWN = """([el, selector, want]) => {
  const found = [...el.querySelectorAll(selector)];
  return found.length === want && (selector !== '.vz-chart'
    || found.every(c => c.querySelector('DRAWN')));
}""".replace("DRAWN", DRAWN)


def _time_cell(page: object, index: int, selector: str, want: int) -> float:
    """Seconds from running cell `index` until its output holds `want` drawn `selector`s."""
    output = cell(page, index).locator(".jp-Cell-outputArea")  # type: ignore[attr-defined]
    started = time.monotonic()
    run_cell(page, index)
    page.wait_for_function(  # type: ignore[attr-defined]
        SHOWN, arg=[output.element_handle(), selector, want], timeout=120_000
    )
    elapsed = time.monotonic() - started
    wait_done(page, index)
    return elapsed


def _measure(browser: object, server: Server, rounds: int) -> dict[str, list[float]]:
    name = write_notebook(
        server.root,
        "bench.ipynb",
        [f"import vizlib\nseed = vizlib.load({str(SEED)!r})", BASELINE_CELL, VIEW_CELL],
    )
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page = open_notebook(context, server, name)
    run_cell(page, 0)
    wait_done(page, 0)
    times: dict[str, list[float]] = {"widget": [], "view": []}
    for _ in range(rounds + 1):  # the first round is the kernel's first widget and view
        times["widget"].append(_time_cell(page, 1, ".vz-baseline", 1))
        times["view"].append(_time_cell(page, 2, ".vz-chart", CHARTS_PER_VIEW))
    context.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="runs of each cell after the first")
    parser.add_argument("--kinds", nargs="+", default=["lab", "notebook"], help="front ends")
    args = parser.parse_args()
    browsers = launch_chromium()
    browser = next(browsers)
    try:
        for kind in args.kinds:
            with tempfile.TemporaryDirectory(prefix="vizlib-bench-") as root:
                servers = start(kind, Path(root))
                server = next(servers)
                try:
                    times = _measure(browser, server, args.rounds)
                finally:
                    servers.close()
            widget, view = times["widget"], times["view"]
            again_widget, again_view = statistics.median(widget[1:]), statistics.median(view[1:])
            print(f"{kind}:")
            print(
                f"  first  widget {widget[0]:.2f} s  view {view[0]:.2f} s  "
                f"ratio {view[0] / widget[0]:.2f}"
            )
            print(
                f"  again  widget {again_widget:.2f} s  view {again_view:.2f} s  "
                f"ratio {again_view / again_widget:.2f}  (median of {args.rounds}; "
                f"views {min(view[1:]):.2f} to {max(view[1:]):.2f} s)"
            )
    finally:
        browsers.close()


if __name__ == "__main__":
    main()
