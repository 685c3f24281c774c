"""The diff of two recordings as HTML: a notebook object with a rich repr, and a report section."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from vizlib.analysis.diff import CassetteDiff
from vizlib.redact import redact_text
from vizlib.views.html import render, style


def _number(value: float) -> str:
    if math.isnan(value):
        return "—"
    if value and abs(value) < 0.01:
        return f"{value:.6f}"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.3f}"


def _percent(value: float) -> str:
    return "" if math.isnan(value) else f"{value:+.0%}"


def diff_html(
    diffs: Sequence[CassetteDiff], old_label: str, new_label: str, *, redact: bool = True
) -> str:
    """The diff as an HTML fragment (autoescaped; unchanged parts folded; secrets masked).

    The changes hold what `diff_many` compared, masked there where it redacts;
    `redact` masks key shapes in the rest of the page (labels, file names).
    """
    counts = sorted(Counter(d.status for d in diffs).items())
    page = render(
        "diff.html.j2",
        diffs=diffs,
        counts=counts,
        old_label=old_label,
        new_label=new_label,
        fmt=_number,
        pct=_percent,
    )
    return redact_text(page) if redact else page


class DiffView:
    """What `vizlib.diff` returns: the compared cassettes, shown as HTML in a notebook."""

    def __init__(
        self,
        diffs: Sequence[CassetteDiff],
        old_label: str,
        new_label: str,
        redact: bool = True,
    ) -> None:
        self.cassettes = list(diffs)
        self.old_label = old_label
        self.new_label = new_label
        self.redact = redact

    def __repr__(self) -> str:
        lines = [f"{d.status:8s} {d.name}: {d.summary}" for d in self.cassettes]
        return "\n".join([f"diff {self.old_label} → {self.new_label}", *lines])

    def _repr_html_(self) -> str:
        return f"<style>{style()}</style>" + diff_html(
            self.cassettes, self.old_label, self.new_label, redact=self.redact
        )
