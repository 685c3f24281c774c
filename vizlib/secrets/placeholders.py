"""Values that only stand in for a secret (`<API_KEY>`, `REDACTED`, `sk-test...`), and entropy."""

from __future__ import annotations

import math
import re
from collections import Counter

_WORDS = re.compile(
    r"redact|placeholder|dummy|fake|test|example|mock|sample|your|changeme|replace|filtered"
    r"|hidden|masked|removed|scrubbed|secret_here|key_here|insert|xxxx|\*\*\*|\.\.\.|<|>|\{\{|\$\{"
    r"|%\(|not[-_ ]?set|none|null|undefined|foobar|abc123|1234567",
    re.IGNORECASE,
)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z_.\-]{0,39}[,;)\]]*")  # API_KEY, os.environ: code
_SCHEME = re.compile(r"^(?:bearer|basic|token|apikey|key)\s+", re.IGNORECASE)
MIN_LENGTH = 8
ENTROPY_BITS = 3.0  # bits per character a credential-named field's value must reach


def strip_scheme(value: str) -> str:
    """The value without an auth scheme word (`Bearer abc` -> `abc`)."""
    return _SCHEME.sub("", value.strip())


def is_placeholder(value: str) -> bool:
    """True for values that stand in for a secret: words like REDACTED or test, masks, short ones.

    A recorder's filter leaves such values (`<API_KEY>`, `**********`,
    `DUMMY`, `sk-test-...`, `Bearer test-api-key`); they are not secrets.
    """
    bare = strip_scheme(value).strip("\"'")
    if len(bare) < MIN_LENGTH or _WORDS.search(bare) or _IDENTIFIER.fullmatch(bare):
        return True
    most = Counter(bare).most_common(1)[0][1]
    return most / len(bare) > 0.5 or len(set(bare)) < 5


def entropy(value: str) -> float:
    """Shannon entropy of the value's characters, in bits per character."""
    if not value:
        return 0.0
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in Counter(value).values())


def looks_random(value: str) -> bool:
    """True for values random enough to be a generated credential."""
    bare = strip_scheme(value)
    return len(bare) >= MIN_LENGTH and entropy(bare) >= ENTROPY_BITS
