"""End to end: JupyterLab on localhost runs the tour notebook in headless Chromium; the view's
charts render and moving the assembly slider changes the shown arguments."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import screenshot
from tests.shared import ROOT

TOKEN = "vizlib-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def jupyterlab(tmp_path: Path) -> Iterator[str]:
    """A JupyterLab server on loopback serving a copy of the notebooks folder."""
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    port = _free_port()
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(tmp_path / ".jupyter"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / ".runtime"),
        JUPYTER_DATA_DIR=str(tmp_path / ".data"),
    )
    log = (tmp_path / "lab.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--IdentityProvider.token={TOKEN}",
            f"--ServerApp.root_dir={tmp_path}",
            "--allow-root",
            "--LabApp.news_url=",
            "--ServerApp.open_browser=False",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), 0.5).close()
                break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail(f"JupyterLab did not start: {(tmp_path / 'lab.log').read_text()[-2000:]}")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def test_tour_runs_in_jupyterlab(chromium: object, jupyterlab: str) -> None:
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{jupyterlab}/lab/tree/notebooks/tour.ipynb?token={TOKEN}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=180_000)
    # wait for the kernel to be ready before running everything
    page.wait_for_function(
        "() => /Idle/.test(document.querySelector('.jp-StatusBar-Widget, #jp-main-statusbar')?.innerText || '')",
        timeout=180_000,
    )
    page.click("text=Run")
    page.click("text=Run All Cells")
    page.wait_for_selector(".vz-assembly", state="attached", timeout=240_000)
    page.wait_for_function(
        "() => document.querySelectorAll('.jp-OutputArea .main-svg').length >= 4", timeout=60_000
    )
    plots = page.locator(".jp-OutputArea .js-plotly-plot")
    assert plots.count() >= 3
    assert page.locator(".jp-OutputArea .js-plotly-plot .scatterlayer .trace").count() > 0
    assert (
        page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
        ).count()
        == 0
    )
    assert (
        page.locator(".jp-OutputArea-output .jp-RenderedText[data-mime-type*=error]").count() == 0
    )

    page.locator(".lm-TabBar-tab", has_text="Tool-call assembly").first.click()
    panel = page.locator(".vz-assembly:visible").first
    before = panel.inner_text()
    assert "chunk 43 of 43" in before
    assert '{"city": "Paris", "unit": "celsius"}' in before
    handle = page.locator(
        ".widget-hslider:visible [role=slider], .widget-slider:visible .noUi-handle"
    ).first
    handle.focus()
    for _ in range(10):
        page.keyboard.press("ArrowLeft")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.vz-assembly')].some(e => e.innerText.includes('chunk 33 of 43'))",
        timeout=15_000,
    )
    after = panel.inner_text()
    assert '{"city": "Paris", "unit":' in after
    assert '{"city": "Paris", "unit": "celsius"}' not in after
    screenshot(page, "jupyterlab-tour", full_page=False)
    assert errors == []
    context.close()
