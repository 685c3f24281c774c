"""The standalone HTML report: one file with plotly.js inside, offline, the notebook's views."""

from vizlib.standalone.build import report_html
from vizlib.standalone.save import write_report

__all__ = ["report_html", "write_report"]
