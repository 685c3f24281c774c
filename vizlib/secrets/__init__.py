"""One secrets engine: what is secret, where it is in a text, and how every output masks it.

`scan` finds secrets in decoded text (key shapes, bearer and basic
credentials, signed URLs, credential-named JSON fields and URL or form
parameters, placeholders told apart); `redact_text`, `redact_url`,
`redact_headers` and `mask_fragments` mask them for display; `add_pattern`
registers another shape. `vizlib check` reports what `scan` finds, so what
is shown masked and what is reported are the same set.
"""

from __future__ import annotations

from vizlib.secrets.mask import (
    MASK,
    mask_fragments,
    mask_spans,
    redact_headers,
    redact_parts,
    redact_quoting,
    redact_text,
    redact_url,
)
from vizlib.secrets.placeholders import entropy, is_placeholder
from vizlib.secrets.rules import (
    SECRET_HEADERS,
    SHAPES,
    Rule,
    add_pattern,
    clear_patterns,
    is_secret_field,
    is_secret_header,
    is_secret_param,
)
from vizlib.secrets.scan import Secret, remembering, scan

__all__ = [
    "MASK",
    "SECRET_HEADERS",
    "SHAPES",
    "Rule",
    "Secret",
    "add_pattern",
    "clear_patterns",
    "entropy",
    "is_placeholder",
    "is_secret_field",
    "is_secret_header",
    "is_secret_param",
    "mask_fragments",
    "mask_spans",
    "redact_headers",
    "redact_parts",
    "redact_quoting",
    "redact_text",
    "redact_url",
    "remembering",
    "scan",
]
