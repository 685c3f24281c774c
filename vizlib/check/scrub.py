"""`vizlib scrub`: each secret the scan finds replaced by a placeholder, by exact text substitution.

Every other byte of the file stays as it was, so the recorder can still
replay it. A secret is replaced wherever it is written in the file, in each
form it can take there (as is, JSON-escaped, URL-encoded); one only present
inside a compressed or binary body, or folded across lines, is reported as
not scrubbable; one inside a base64 run of a text body is replaced in the
decoded text and the run re-encoded in place. The result is read again
before it is kept: a substitution that would leave a file unreadable is
refused.
"""

from __future__ import annotations

import base64
import binascii
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from vizlib.check.config import CheckConfig
from vizlib.check.findings import Finding
from vizlib.check.scan import scan_content
from vizlib.errors import CassetteError
from vizlib.readers import read_exchanges
from vizlib.secrets.records import BASE64_RUN as _BASE64_RUN
from vizlib.secrets.scan import forms

PLACEHOLDER = "REDACTED"


@dataclass(slots=True)
class Scrubbed:
    """What scrubbing one file did: its new content, what was replaced and what could not be."""

    name: str
    content: bytes
    replaced: list[Finding] = field(default_factory=list)
    unscrubbable: list[Finding] = field(default_factory=list)
    error: str | None = None

    @property
    def changed(self) -> bool:
        """True when some secret was replaced."""
        return bool(self.replaced)


def scrub_content(content: bytes, name: str, config: CheckConfig | None = None) -> Scrubbed:
    """The content with every real secret replaced by `REDACTED`; pure, no file access."""
    config = config or CheckConfig()
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return Scrubbed(name, content, error="not UTF-8 text: cannot substitute exactly")
    scanned = scan_content(content, name)
    if scanned.error:
        return Scrubbed(name, content, error=scanned.error)
    wanted = [(f, v, enc) for f, v, enc in scanned.values if config.keeps(f)]
    out = Scrubbed(name, content)
    values = sorted({v for _, v, _ in wanted}, key=len, reverse=True)
    found: set[str] = set()
    for value in values:
        for form in sorted(forms(value), key=len, reverse=True):
            if form and form in text:
                text = text.replace(form, PLACEHOLDER)
                found.add(value)
    if any(encoded for _, _, encoded in wanted):
        text = _BASE64_RUN.sub(lambda m: _rebase64(m.group(0), values, found), text)
    for finding, value, _ in wanted:
        (out.replaced if value in found else out.unscrubbable).append(finding)
    if not found:
        return out
    new = text.encode("utf-8")
    try:
        _, before = read_exchanges(content, name=name)
        _, after = read_exchanges(new, name=name)
    except CassetteError as exc:
        return Scrubbed(name, content, unscrubbable=out.replaced + out.unscrubbable, error=str(exc))
    if len(before) != len(after):
        return Scrubbed(
            name,
            content,
            unscrubbable=out.replaced + out.unscrubbable,
            error="substitution would change the interactions read",
        )
    out.content = new
    return out


def _rebase64(run: str, values: list[str], found: set[str]) -> str:
    """A base64 run with the secrets in its decoded text replaced, re-encoded the same way."""
    padded = run + "=" * (-len(run) % 4)
    try:
        text = base64.b64decode(padded, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return run
    changed = text
    for value in values:
        for form in sorted(forms(value), key=len, reverse=True):
            if form in changed:
                changed = changed.replace(form, PLACEHOLDER)
                found.add(value)
    if changed == text:
        return run
    encoded = base64.b64encode(changed.encode("utf-8")).decode()
    return encoded if run.endswith("=") or len(run) % 4 == 0 else encoded.rstrip("=")


def write_atomic(path: Path, content: bytes) -> None:
    """Write a file through a temporary file in its folder, then rename it over the target."""
    folder = path.resolve().parent
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
