"""The standalone HTML report: one file with plotly.js inside, offline, the notebook's views."""

from vizlib.standalone.build import diff_page, report_html
from vizlib.standalone.save import write_report

__all__ = ["diff_page", "report_html", "write_report"]
