"""The secret scan of one cassette file, with line numbers: a pure function of the file's bytes.

`scan_file` reads the file once, reads its exchanges (no decoding of wire
formats: only containers, bodies and content encodings), finds the secrets of
each, and locates each in the file's text: the line where the value (in any
form it can be written in) first appears at or after its interaction's start,
else the interaction's start line.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path

from vizlib.check.findings import RULES, Finding, fingerprint
from vizlib.errors import CassetteError
from vizlib.limits import read_file
from vizlib.readers import read_exchanges
from vizlib.secrets.records import Found, exchange_secrets, preview
from vizlib.secrets.scan import forms

_STARTS = {
    "go-vcr": re.compile(r"^\s*- id: \d+", re.MULTILINE),
    "vcr.py": re.compile(r"^- request:", re.MULTILINE),
    "ruby-vcr": re.compile(r"^- request:", re.MULTILINE),
    "har": re.compile(r"\"request\"\s*:"),
}
_HTTPRR = re.compile(rb"^\d+ \d+\n", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class FileSecrets:
    """The secrets of one file, each a finding, and the values of each (for `scrub`)."""

    name: str
    findings: list[Finding]
    values: list[tuple[Finding, str, bool]]  # finding, secret value, encoded in the file
    error: str | None = None
    lines: tuple[int, ...] = ()  # the line where each interaction starts, where known


class Lines:
    """Line numbers of offsets in a text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._breaks = [m.start() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        """The 1-based line of an offset."""
        return bisect.bisect_left(self._breaks, offset) + 1

    def find(self, value: str, start: int = 0) -> int | None:
        """Offset of the first form of `value` at or after `start` (else anywhere), or None."""
        best: int | None = None
        for form in forms(value):
            at = self.text.find(form, start)
            if at < 0 and start:
                at = self.text.find(form)
            if at >= 0 and (best is None or at < best):
                best = at
        if best is None and len(value) > 24:  # folded across lines: its start locates it
            return self.find(value[:24], start)
        return best


def interaction_offsets(text: str, content: bytes, container: str, count: int) -> list[int]:
    """Where each interaction starts in the file's text, where that can be told; else []."""
    if container == "httprr":
        starts = [m.start() for m in _HTTPRR.finditer(content)]
        found = [len(content[:s].decode("utf-8", "replace")) for s in starts]
    else:
        pattern = _STARTS.get(container)
        found = [m.start() for m in pattern.finditer(text)] if pattern else []
    return found if len(found) == count else []


def _finding(name: str, index: int, item: Found, line: int | None) -> Finding:
    severity, meaning = RULES.get(item.rule, ("error", "a user-supplied secret pattern"))
    return Finding(
        file=name,
        rule=item.rule,
        severity=severity,
        message=f"{meaning} in the {item.where}: {preview(item.value)}",
        interaction=index,
        line=line,
        where=item.where,
        fingerprint=fingerprint(item.rule, item.value),
    )


def scan_content(content: bytes, name: str) -> FileSecrets:
    """The real secrets of a cassette's bytes, each located; placeholders are not reported."""
    try:
        container, exchanges = read_exchanges(content, name=name)
    except CassetteError as exc:
        return FileSecrets(name, [], [], exc.reason)
    except Exception as exc:
        return FileSecrets(name, [], [], f"unexpected structure: {type(exc).__name__}")
    text = content.decode("utf-8", "replace")
    lines = Lines(text)
    starts = interaction_offsets(text, content, container, len(exchanges))
    findings: list[Finding] = []
    values: list[tuple[Finding, str, bool]] = []
    for exchange in exchanges:
        start = starts[exchange.index] if starts else 0
        for item in exchange_secrets(exchange):
            if not item.real:
                continue
            at = None if item.encoded else lines.find(item.value, start)
            if at is not None:
                line: int | None = lines.line(at)
            else:
                line = lines.line(start) if starts else None
            finding = _finding(name, exchange.index, item, line)
            findings.append(finding)
            values.append((finding, item.value, at is None))
    return FileSecrets(name, findings, values, None, tuple(lines.line(s) for s in starts))


def scan_file(path: str | Path, name: str) -> FileSecrets:
    """`scan_content` of a file, read once; a file that cannot be read gives its error."""
    try:
        content = read_file(path)
    except CassetteError as exc:  # missing, not a regular file, or over the size limit
        return FileSecrets(name, [], [], exc.reason)
    return scan_content(content, name)


def scan_files(items: list[tuple[str, str]]) -> list[FileSecrets]:
    """`scan_file` of each (path, name): a pure function of the files, for any executor."""
    return [scan_file(path, name) for path, name in items]
