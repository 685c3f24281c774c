"""The standalone HTML report: one offline file, its sections compressed until opened."""

from vizlib.standalone.build import corpus_report_html, diff_page, report_html
from vizlib.standalone.save import write_report

__all__ = ["corpus_report_html", "diff_page", "report_html", "write_report"]
