"""Run notebooks/tour.ipynb top to bottom and store it with its outputs, for GitHub and readers.

Usage: .venv/bin/python scripts/tour.py

The stored copy keeps every output: tables, the views' static copies (a
summary table and the report's page) and the widget state. Only plotly.js is
left out, to keep the file small in the repository: the copy the first static
copy carries and the one the loader widget's state holds. `jupyter nbconvert
--execute` builds a complete one.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
TOUR = ROOT / "notebooks" / "tour.ipynb"
PLOTLY_JS = re.compile(r'<script type="text/plain" class="vz-plotly-js">.*?</script>\n?', re.S)
LOADER = "vizlib.views.loader.PlotlyLoader"


def regenerate(path: Path = TOUR) -> Path:
    """Execute the notebook in its folder and write it back with its outputs."""
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html")
            if isinstance(html, str) and "vz-plotly-js" in html:
                output["data"]["text/html"] = PLOTLY_JS.sub("", html)
    widgets = notebook.metadata.get("widgets", {})
    for saved in (
        widgets.get("application/vnd.jupyter.widget-state+json", {}).get("state", {}).values()
    ):
        if saved.get("state", {}).get("_anywidget_id") == LOADER:
            saved["buffers"] = []  # the loader's plotly.js
    nbformat.write(notebook, path)
    return path


if __name__ == "__main__":
    written = regenerate(Path(sys.argv[1]) if len(sys.argv) > 1 else TOUR)
    print(f"{written} ({written.stat().st_size:,} bytes)")
