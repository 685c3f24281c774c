"""What an interaction is for: the kind of call a wire format makes, and side requests named.

Model calls are labelled by what they produce (`chat`, `embeddings`,
`images`...). Requests no decoder claims are named from their address where
that is clear (`search`, `download`, `telemetry`, `auth`, `mcp`, `files`),
so views can label them; anything else is `other`. Pure functions of the
request: nothing here reads a body beyond a JSON-RPC marker.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from vizlib.records import Api, HttpRequest

CHAT_APIS: frozenset[Api] = frozenset(
    {
        "openai-chat",
        "openai-responses",
        "openai-completions",
        "anthropic-messages",
        "gemini",
        "bedrock",
        "ollama",
        "cohere",
        "cohere-v1",
        "xai",
        "writer",
        "tgi",
        "openai-assistants",
    }
)
SIDE_KINDS = ("search", "download", "telemetry", "auth", "mcp", "files")
KINDS = (
    "chat",
    "embeddings",
    "images",
    "audio",
    "token-count",
    "moderation",
    "rerank",
    "batch",
    *SIDE_KINDS,
    "other",
)

_AUTH_HOSTS = ("oauth2.googleapis.com", "login.microsoftonline.com", "sts.amazonaws.com")
_AUTH_PATH = re.compile(r"/(?:oauth2?|auth)(?:/|$)|/token$")
_SEARCH_HOSTS = (
    "api.tavily.com",
    "serpapi.com",
    "api.search.brave.com",
    "api.bing.microsoft.com",
    "api.exa.ai",
    "google.serper.dev",
    "customsearch.googleapis.com",
    "api.duckduckgo.com",
    "api.firecrawl.dev",
    "r.jina.ai",
    "s.jina.ai",
)
_TELEMETRY_HOSTS = (
    "api.smith.langchain.com",
    "os-api.agno.com",
    "us.i.posthog.com",
    "app.posthog.com",
    "telemetry.crewai.com",
    "api.honeycomb.io",
    "logfire-api.pydantic.dev",
    "cloud.langfuse.com",
)
_TELEMETRY_PATH = re.compile(r"/(?:telemetry|traces?/ingest|v1/traces|v1/logs|v1/metrics)(?:/|$)")
_DOWNLOAD_EXT = re.compile(
    r"\.(?:pdf|png|jpe?g|gif|webp|svg|mp3|wav|ogg|m4a|mp4|txt|csv|json|jsonl|zip|gz|docx?)$",
    re.IGNORECASE,
)


def side_kind(request: HttpRequest) -> str | None:
    """What a request no decoder claims is, where its address says so; None otherwise."""
    try:
        parts = urlsplit(request.url)
        host, path = (parts.hostname or "").lower(), parts.path.rstrip("/")
    except ValueError:  # not a URL (an unclosed IPv6 bracket...): nothing to name
        return None
    if host in _AUTH_HOSTS or _AUTH_PATH.search(path):
        return "auth"
    if host in _SEARCH_HOSTS or path.endswith("/search"):
        return "search"
    if request.method.upper() == "GET" and (_DOWNLOAD_EXT.search(path) or "/commits/" in path):
        return "download"
    if host in _TELEMETRY_HOSTS or _TELEMETRY_PATH.search(path):
        return "telemetry"
    if path.endswith(("/mcp", "/sse")) or host.startswith("mcp."):
        return "mcp"
    if "/files" in path or "/uploads" in path or "Collections/" in path:
        return "files"
    if path.endswith("/api/pull"):
        return "download"
    return None


def call_kind(api: Api, request: HttpRequest) -> str:
    """The kind of call: `chat` for conversation APIs, the family for others, a side label."""
    if api in CHAT_APIS:
        return "chat"
    if api != "unknown":
        return api
    return side_kind(request) or "other"
