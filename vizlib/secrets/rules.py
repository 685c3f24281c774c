r"""What counts as a secret: value shapes with rule ids, and the names of secret headers and fields.

Every shape is one `Rule`: a rule id (`secret/...`), a regular expression
whose group `value` (or whole match) is the secret, and a one-line meaning.
`add_pattern` registers more, at run time or from `[tool.vizlib.check]`.
Shapes start only where a token can start: after a character that cannot be
part of the token, after a JSON escape (`\\n`, `\\t`, `\\u0022`...) or after a
percent-encoded byte (`%3D`), so escapes never hide a key.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from vizlib import linear

# A token starts after a non-token character, a JSON escape or a %XX byte.
_START = r"(?:(?<![A-Za-z0-9_\-])|(?<=\\[nrtbf/])|(?<=%[0-9A-Fa-f]{2})|(?<=\\u[0-9A-Fa-f]{4}))"
_END = r"(?![A-Za-z0-9_\-])"


def _token(prefix: str, rest: str, *, joined: bool = False) -> str:
    """A shape that starts with the literal `prefix`, where a token can start (`_START`).

    The start is checked behind the prefix once it has matched, which finds
    the same spans as `_START + prefix + rest` but lets the regex engine
    search for the literal instead of trying the lookbehinds at every position.
    A `joined` prefix, distinctive enough to be a key wherever it is, may also
    start after a `-` or `_` (`broken-sk-proj-...`).
    """
    p = re.escape(prefix)
    before = "[A-Za-z0-9]" if joined else r"[A-Za-z0-9_\-]"
    start = (
        rf"(?:(?<!{before}{p})|(?<=\\[nrtbf/]{p})"
        rf"|(?<=%[0-9A-Fa-f]{{2}}{p})|(?<=\\u[0-9A-Fa-f]{{4}}{p}))"
    )
    return p + start + rest


def _tokens(prefixes: Sequence[str], rest: str, *, joined: bool = False) -> str:
    """Shapes of several literal prefixes with the same rest (see `_token`)."""
    return "(?:" + "|".join(_token(prefix, rest, joined=joined) for prefix in prefixes) + ")"


@dataclass(frozen=True, slots=True)
class Rule:
    """One secret shape: its rule id, its expression, and what it finds."""

    id: str
    pattern: re.Pattern[str]
    description: str
    needles: tuple[str, ...] = ()  # one of these (lowercase) is in any text the rule matches

    def values(self, text: str, lowered: str | None = None) -> list[tuple[int, int]]:
        """Spans of the secret values this rule finds in `text` (`lowered`: its lowercase)."""
        if self.needles:
            low = text.lower() if lowered is None else lowered
            if not any(n in low for n in self.needles):
                return []
        out = []
        for match in self.pattern.finditer(text):
            group = "value" if "value" in self.pattern.groupindex else 0
            if match.start(group) >= 0:
                out.append((match.start(group), match.end(group)))
        return out


def _rule(rule_id: str, pattern: str, description: str, *needles: str) -> Rule:
    return Rule(rule_id, re.compile(pattern), description, needles)


# What follows `sk-` in the project, service-account, admin and OpenRouter keys.
_OPENAI_KINDS = ("proj-", "svcacct-", "admin-", "or-v1-")

SHAPES: list[Rule] = [
    _rule(
        "secret/anthropic-key",
        _token("sk-ant-", r"[A-Za-z0-9_\-]{20,}", joined=True),
        "Anthropic API key (sk-ant-)",
        "sk-ant-",
    ),
    _rule(
        "secret/openai-key",
        "(?:"
        + _token("sk-", rf"(?!ant-)(?:{'|'.join(_OPENAI_KINDS)})?[A-Za-z0-9_\-]{{20,}}")
        + "|"
        + _tokens([f"sk-{kind}" for kind in _OPENAI_KINDS], r"[A-Za-z0-9_\-]{20,}", joined=True)
        + ")",
        "OpenAI (sk-, sk-proj-) and OpenRouter (sk-or-v1-) keys",
        "sk-",
    ),
    _rule(
        "secret/google-api-key",
        _token("AIza", r"[0-9A-Za-z_\-]{35}" + _END),
        "Google API key",
        "aiza",
    ),
    _rule(
        "secret/oauth-token",
        _token("ya29.", r"[0-9A-Za-z_\-.]{20,}"),
        "Google OAuth access token",
        "ya29.",
    ),
    _rule(
        "secret/aws",
        _tokens(("AKIA", "ASIA"), r"[0-9A-Z]{16}" + _END),
        "AWS access key id",
        "akia",
        "asia",
    ),
    _rule(
        "secret/jwt",
        _token("eyJ", r"[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}"),
        "JSON Web Token",
        "eyj",
    ),
    _rule(
        "secret/provider-key",
        "(?:"
        + "|".join(
            [
                _tokens(
                    ("gsk_", "xai-", "hf_", "r8_", "pplx-", "sk_live_", "csk-", "fw_"),
                    r"[A-Za-z0-9]{20,}",
                ),
                _token("tvly-", r"[A-Za-z0-9\-]{20,}"),
                _tokens(("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), r"[A-Za-z0-9]{30,}"),
                _token("github_pat_", r"[A-Za-z0-9_]{30,}"),
                _tokens(("xoxa-", "xoxb-", "xoxp-", "xoxr-"), r"[A-Za-z0-9\-]{20,}"),
                _tokens(("glpat-", "nvapi-"), r"[A-Za-z0-9_\-]{20,}"),
            ]
        )
        + ")",
        "Groq, xAI, Hugging Face, Replicate, Perplexity, Tavily, GitHub, Slack, Stripe, GitLab, "
        "Cerebras, Fireworks, NVIDIA keys",
        *[
            "gsk_",
            "xai-",
            "hf_",
            "r8_",
            "pplx-",
            "tvly-",
            "ghp_",
            "gho_",
            "ghu_",
            "ghs_",
            "ghr_",
            "github_pat_",
            "xox",
            "sk_live_",
        ],
        *["glpat-", "csk-", "fw_", "nvapi-"],
    ),
    _rule(
        "secret/bearer",
        r"(?i:bearer)(?:\s|%20|\+)+(?P<value>[A-Za-z0-9._~+/\-]{8,}=*)",
        "a bearer token, in any letter case",
        "bearer",
    ),
    _rule(
        "secret/basic-auth",
        r"(?i:basic)\s+(?P<value>[A-Za-z0-9+/]{12,}={0,2})(?![A-Za-z0-9+/=])",
        "HTTP basic credentials",
        "basic",
    ),
    _rule(
        "secret/basic-auth",
        # the user info runs to the last `@` before a `/`, as URL parsers read it: a password
        # (or a user name, such as an email address) may hold an `@`, a `#` or a `?` left
        # unescaped (a port's query holding an `@`, `host:8080?to=a@b`, is masked too)
        r"[A-Za-z][A-Za-z0-9+.\-]{0,30}://(?P<value>[^/?#\s:\"'<>\\]*:[^/\s\"'<>\\]+)@",
        "user:password@ in a URL (the user name may be empty)",
        "@",
    ),
    _rule(
        "secret/signed-url",
        r"(?i:(?:[?&;]|\\u0026|&amp;)(?:x-amz-signature|x-amz-security-token|x-goog-signature"
        r"|x-goog-credential|sig|signature)=)(?P<value>[^&\s\"'<>\\#]{8,})",
        "signatures and session tokens of presigned S3, GCS and Azure SAS URLs",
        "sig",
        "x-amz-security-token",
    ),
    _rule(
        "secret/private-key",
        # a key's body stops at the next BEGIN: each start looks no further, so a text of
        # many BEGIN lines is searched once, not once per line
        r"-----BEGIN [A-Z ]*PRIVATE KEY-----(?:(?!-----BEGIN )[\s\S]){0,8192}?"
        r"-----END [A-Z ]*PRIVATE KEY-----",
        "a PEM private key",
        "private key-----",
    ),
]

_EXTRA: list[Rule] = []


def add_pattern(rule_id: str, pattern: str, description: str = "a user-supplied pattern") -> Rule:
    """Register another secret shape; a group named `value` marks the secret part.

    `rule_id` should start with `secret/`. Every output redacts it and
    `vizlib check` reports it from then on.
    """
    rule = Rule(rule_id, re.compile(pattern), description)
    _EXTRA.append(rule)
    return rule


def clear_patterns() -> None:
    """Forget the shapes `add_pattern` registered."""
    _EXTRA.clear()


@contextmanager
def patterns_added(patterns: Sequence[tuple[str, str]], description: str) -> Iterator[None]:
    """Shapes (rule id, expression) registered for the duration of a block."""
    before = list(_EXTRA)
    for rule_id, pattern in patterns:
        add_pattern(rule_id, pattern, description)
    try:
        yield
    finally:
        _EXTRA[:] = before


def added() -> tuple[str, ...]:
    """The expressions of the shapes `add_pattern` registered: what a cached answer depends on."""
    return tuple(rule.pattern.pattern for rule in _EXTRA)


def shapes() -> list[Rule]:
    """Every shape: the built-in ones, then those added."""
    return SHAPES + _EXTRA


_ALL_NEEDLES = tuple(sorted({n for r in SHAPES for n in r.needles}))
_NEEDLES = re.compile("|".join(re.escape(n) for n in _ALL_NEEDLES))
_LONG_NEEDLES = linear.any_of(_ALL_NEEDLES)
LONG = 500  # characters: from here RE2's one pass beats Python's (which tries each position)


def candidates(lowered: str) -> list[Rule]:
    """The shapes that can match a text, given its lowercase (each still checks its needles).

    Every built-in shape is ruled out at once where no needle is in the text.
    """
    if len(lowered) < LONG:
        found = _NEEDLES.search(lowered) is not None
    else:
        found = linear.found(_LONG_NEEDLES, lowered)
    return SHAPES + _EXTRA if found else list(_EXTRA)


# Headers whose whole value is a credential or a session identifier.
SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "x-api-key",
        "api-key",
        "x-goog-api-key",
        "cookie",
        "set-cookie",
        "openai-organization",
        "openai-project",
        "x-amz-security-token",
        "x-amz-content-sha256",
        "anthropic-organization-id",
        "helicone-auth",
        "x-litellm-api-key",
        "ocp-apim-subscription-key",
        "x-session-id",
        "azureml-model-session",
        "dg-project-id",
        "x-stainless-api-key",
        "x-goog-user-project",
        "cf-access-token",
        "x-auth-token",
        "x-csrf-token",
        "x-portkey-api-key",
        "x-portkey-virtual-key",
    }
)
# Identifiers, not credentials: masked in every output, not reported by `vizlib check`.
ACCOUNT_HEADERS = frozenset(
    {
        "openai-organization",
        "openai-project",
        "anthropic-organization-id",
        "x-amz-content-sha256",
        "x-goog-user-project",
    }
)
SESSION_HEADERS = frozenset(
    {"cookie", "set-cookie", "x-session-id", "azureml-model-session", "dg-project-id"}
)
_SECRET_HEADER_NAME = re.compile(
    r"(?:^|[-_])(?:auth|authentication|authorization|api[-_]?key|key|secret|token|password|"
    r"credentials?|session|session[-_]id|signature)$"
)


_NOT_SECRET_HEADERS = frozenset({"idempotency-key", "sec-websocket-key", "x-stainless-retry-key"})


def is_secret_header(name: str) -> bool:
    """True for headers that carry credentials or session ids (by list, then by name shape)."""
    lowered = name.lower()
    if lowered in SECRET_HEADERS:
        return True
    return lowered not in _NOT_SECRET_HEADERS and bool(_SECRET_HEADER_NAME.search(lowered))


@lru_cache(maxsize=4096)  # field names repeat across a corpus's bodies
def normalise_name(name: str) -> str:
    """A field or parameter name as lowercase words joined by `_` (`apiKey` -> `api_key`)."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return re.sub(r"[^a-z0-9]+", "_", spaced.lower()).strip("_")


_SECRET_PARAM = re.compile(
    r"(?:^|_)(?:key|api_?key|token|secret|signature|sig|password|passwd|pwd|auth|credential)$"
)
_SECRET_FIELD = re.compile(
    r"(?:^|_)(?:api_?key|access_?key|secret_?key|private_?key|secret|password|passwd|pwd"
    r"|credentials?|auth|authorization)$|_token$"
)
OAUTH_FIELDS = frozenset(
    {"access_token", "refresh_token", "id_token", "client_secret", "session_token", "auth_token"}
)


def is_secret_param(name: str) -> bool:
    """True for URL or form parameters that carry credentials (`key`, `apiKey`, `access-token`)."""
    normal = normalise_name(name)
    return bool(_SECRET_PARAM.search(normal)) and "page" not in normal


def is_secret_field(name: str) -> bool:
    """True for JSON fields named like credentials (`api_key`, `refresh_token`, `password`)."""
    normal = normalise_name(name)
    return bool(_SECRET_FIELD.search(normal)) and "page" not in normal


def field_rule(name: str) -> str:
    """The rule id a credential-named field's value is reported under."""
    normal = normalise_name(name)
    if normal in OAUTH_FIELDS or normal.endswith(("_token", "client_secret")):
        return "secret/oauth-token"
    if "passw" in normal or normal == "pwd":
        return "secret/password"
    return "secret/high-entropy"
