"""A JupyterLab 4 or Notebook 7 server on loopback, and helpers to drive its notebooks in Chromium.

One server per test module (started by a module-scoped fixture), serving a
temporary folder of notebooks the tests write.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

TOKEN = "vizlib-test"
# A drawn chart has at least one of these inside it.
DRAWN = ".scatterlayer .trace, .barlayer .trace, .gl-container canvas"


@dataclass
class Server:
    """A running server: its kind (`lab` or `notebook`), URL and folder."""

    kind: str
    url: str
    root: Path

    def notebook_url(self, name: str) -> str:
        path = "lab/tree" if self.kind == "lab" else "notebooks"
        return f"{self.url}/{path}/{name}?token={TOKEN}&reset"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(kind: str, root: Path) -> Iterator[Server]:
    """Run `jupyter lab` or `jupyter notebook` over `root` until the generator closes."""
    port = _free_port()
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(root / ".jupyter"),
        JUPYTER_RUNTIME_DIR=str(root / ".runtime"),
        JUPYTER_DATA_DIR=str(root / ".data"),
        JUPYTERLAB_SETTINGS_DIR=str(root / ".settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(root / ".workspaces"),
    )
    # every cell stays in the DOM (no windowing), so a test can always reach its prompt
    settings = root / ".settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    log_path = root / f"{kind}.log"
    log = log_path.open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            kind,
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--IdentityProvider.token={TOKEN}",
            f"--ServerApp.root_dir={root}",
            "--allow-root",
            "--ServerApp.open_browser=False",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), 0.5).close()
                break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail(f"jupyter {kind} did not start: {log_path.read_text()[-2000:]}")
        yield Server(kind, f"http://127.0.0.1:{port}", root)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def write_notebook(root: Path, name: str, cells: list[str]) -> str:
    """A notebook of code cells in the server's folder; returns its name."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(notebook, root / name)
    return name


def open_notebook(context: object, server: Server, name: str) -> object:
    """Open a notebook and wait until its kernel has answered a first cell."""
    page = context.new_page()  # type: ignore[attr-defined]
    page.goto(server.notebook_url(name))
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
    return page


def cell(page: object, index: int) -> object:
    """Cell `index` of the notebook on screen (another one may be open in a hidden tab)."""
    notebook = page.locator(".jp-Notebook:visible").first  # type: ignore[attr-defined]
    return notebook.locator(".jp-Cell").nth(index)


def run_cell(page: object, index: int) -> None:
    """Select cell `index` in command mode and run it (Ctrl+Enter keeps the selection).

    Until the kernel is ready the keys may go nowhere, so this tries again
    until the prompt shows the cell queued or run.
    """
    prompt = cell(page, index).locator(".jp-InputPrompt")  # type: ignore[attr-defined]
    before = prompt.text_content()
    for _ in range(60):
        dialog = page.locator(".jp-Dialog .jp-mod-accept")  # type: ignore[attr-defined]
        if dialog.count():  # e.g. the kernel choice, asked while the server is still loading
            dialog.first.click()
        try:
            prompt.click(timeout=5_000)
            page.keyboard.press("Control+Enter")  # type: ignore[attr-defined]
            page.wait_for_function(  # type: ignore[attr-defined]
                "([el, before]) => el.textContent.includes('*') || el.textContent !== before",
                arg=[prompt.element_handle(), before],
                timeout=2_000,
            )
            return
        except PlaywrightTimeout:
            continue
    pytest.fail(f"cell {index} never started")


def wait_done(page: object, index: int, timeout: float = 240_000) -> None:
    """Wait until cell `index` has an execution count (it ran to the end)."""
    prompt = cell(page, index).locator(".jp-InputPrompt")  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "(el) => /\\[\\d+\\]/.test(el.textContent)", arg=prompt.element_handle(), timeout=timeout
    )


CHARTS = """(el) => {
  const charts = [...el.querySelectorAll('.vz-chart')];
  return {
    views: el.querySelectorAll('.vz-view').length,
    charts: charts.length,
    drawn: charts.filter(c => c.querySelector('DRAWN')).length,
    traces: charts.map(c => c.querySelectorAll('.trace').length),
  };
}""".replace("DRAWN", DRAWN)


def ensure_shown(page: object, index: int) -> None:
    """Run cell `index` unless its output already holds a view."""
    if cell(page, index).locator(".vz-view").count() == 0:  # type: ignore[attr-defined]
        run_cell(page, index)
        wait_done(page, index)
        cell(page, index).locator(".vz-chart .trace").first.wait_for(
            state="attached", timeout=60_000
        )  # type: ignore[attr-defined]


def charts(page: object, index: int) -> dict[str, object]:
    """Views, charts and drawn charts in the output of cell `index`."""
    output = cell(page, index).locator(".jp-Cell-outputArea")  # type: ignore[attr-defined]
    return output.evaluate(CHARTS)  # type: ignore[no-any-return]
