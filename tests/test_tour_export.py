"""`jupyter nbconvert --execute --to html notebooks/tour.ipynb` gives a page that shows the tour's
charts offline (network blocked in headless Chromium) and stays small."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.browser import open_page, screenshot
from tests.shared import ROOT, require_shared

MAX_BYTES = 10_000_000


def test_exported_tour_shows_its_charts_offline(chromium: object, tmp_path: Path) -> None:
    require_shared()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyter",
            "nbconvert",
            "--execute",
            "--to",
            "html",
            "--output-dir",
            str(tmp_path),
            str(ROOT / "notebooks" / "tour.ipynb"),
        ],
        check=True,
        cwd=ROOT,
        timeout=900,
    )
    page_path = tmp_path / "tour.html"
    size = page_path.stat().st_size
    print(f"exported tour: {size:,} bytes")
    assert size < MAX_BYTES
    watched = open_page(chromium, page_path.as_uri())
    page = watched.page
    frames = page.locator(".vz-static-frame")  # type: ignore[attr-defined]
    assert frames.count() == 2  # the sample's view and the seed's
    drawn = []
    for i in range(frames.count()):
        frames.nth(i).scroll_into_view_if_needed()
        frame = frames.nth(i).locator("iframe")
        frame.wait_for(timeout=30_000)
        inner = frame.content_frame
        inner.locator(".js-plotly-plot .trace").first.wait_for(timeout=60_000)
        drawn.append(inner.locator(".js-plotly-plot").count())
    assert all(n >= 1 for n in drawn)
    screenshot(page, "exported-tour", full_page=False)
    assert watched.outgoing  # the page asks for the widget loader from a CDN; it is blocked
    assert not [e for e in watched.errors if "Plotly" in e]
