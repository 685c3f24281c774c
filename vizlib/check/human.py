"""The human format of `vizlib check`: one coloured line per finding, then a summary (rich)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.text import Text

from vizlib.check.findings import Finding
from vizlib.check.formats import summary_line

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def print_human(console: Console, files: Sequence[str], findings: Sequence[Finding]) -> None:
    """Print each finding (file:line, interaction, severity, rule, message) and the summary.

    Built from `Text` parts, never markup: a cassette's text cannot style or
    break the output.
    """
    for f in findings:
        line = Text()
        line.append(f.file + (f":{f.line}" if f.line else ""), style="bold")
        if f.interaction is not None:
            line.append(f" interaction {f.interaction}", style="dim")
        line.append("  ")
        line.append(f.severity, style=_STYLE[f.severity])
        line.append(f"  {f.rule}", style="magenta")
        line.append(f"  {f.message}")
        console.print(line, soft_wrap=True)
    style = "bold red" if any(f.severity == "error" for f in findings) else "bold green"
    console.print(Text(summary_line(files, findings), style=style if findings else "bold green"))
