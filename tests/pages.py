"""Reading report pages in tests: the compressed sections inflated back to text."""

from __future__ import annotations

import json
import re

from vizlib.standalone.sections import unpack

PACKED = re.compile(r'<script type="application/x-vizlib-deflate" id="[^"]*">([^<]*)</script>')


def payloads(html: str) -> list[dict[str, object]]:
    """Each section's payload: its markup and the data its script draws."""
    return [unpack(m) for m in PACKED.findall(html)]


def readable(html: str) -> str:
    """The page with each section's compressed payload inflated in place (JSON text)."""
    return PACKED.sub(lambda m: json.dumps(unpack(m.group(1)), ensure_ascii=False), html)
