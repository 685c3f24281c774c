"""Reading report pages in tests: the compressed sections inflated back to text."""

from __future__ import annotations

import json
import re

from vizlib.standalone.sections import unpack

PACKED = re.compile(r'<script type="application/x-vizlib-deflate" id="[^"]*">([^<]*)</script>')


def payloads(html: str) -> list[dict[str, object]]:
    """Each section's payload: its markup and the data its script draws."""
    return [unpack(m) for m in PACKED.findall(html)]


def _inflated(packed: str) -> str:
    payload = unpack(packed)
    return str(payload["html"]) + json.dumps(payload["data"], ensure_ascii=False)


def readable(html: str) -> str:
    """The page with each section inflated in place: its markup, then its data as JSON."""
    return PACKED.sub(lambda m: _inflated(m.group(1)), html)
