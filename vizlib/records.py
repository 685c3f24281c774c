"""Pure value records: what a cassette holds, and what a decoder reads from it.

These types know nothing of files, pandas or rendering. Readers produce
`Exchange` records from a cassette container; decoders turn each exchange
into a `Decoded` record; frames turn records into DataFrames.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

Api = Literal[
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
    "embeddings",
    "token-count",
    "images",
    "audio",
    "moderation",
    "rerank",
    "batch",
    "unknown",
]
ChunkKind = Literal["text", "reasoning", "tool_call", "usage", "control", "error", "other"]
Role = Literal["system", "developer", "user", "assistant", "tool"]
Source = Literal["request", "response"]
CostSource = Literal["reported", "estimated"]

Body = str | bytes
Headers = dict[str, list[str]]


def header_value(headers: Headers, name: str) -> str | None:
    """First value of a header, matched case-insensitively."""
    wanted = name.lower()
    for key, values in headers.items():
        if key.lower() == wanted and values:
            return values[0]
    return None


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """One recorded HTTP request."""

    method: str
    url: str
    headers: Headers
    body: Body

    def header(self, name: str) -> str | None:
        """First value of a header, matched case-insensitively."""
        return header_value(self.headers, name)


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """One recorded HTTP response; `duration_s` is NaN where none was recorded."""

    status: int
    headers: Headers
    body: Body
    duration_s: float = math.nan
    started_at: str | None = None

    def header(self, name: str) -> str | None:
        """First value of a header, matched case-insensitively."""
        return header_value(self.headers, name)


@dataclass(frozen=True, slots=True)
class Exchange:
    """A request/response pair as a container stores it, before any decoding."""

    index: int
    request: HttpRequest
    response: HttpResponse


class Chunk(NamedTuple):
    """One stream event (or the whole body of a non-streamed response).

    A named tuple: one is built per stream event, and as tuples a stream's
    chunks turn into the frame's columns in one `zip`, which saves several
    times what a tuple costs to build over a slots dataclass.
    """

    seq: int
    event: str
    kind: ChunkKind
    raw: str
    text: str = ""
    tool_index: int | None = None
    tool_call_id: str | None = None
    tool_name: str | None = None
    args_delta: str | None = None
    line: int | None = None
    error: str | None = None
    time_s: float | None = None


@dataclass(frozen=True, slots=True)
class ToolCallRef:
    """A tool call as a message carries it: what a client sends back."""

    id: str | None
    name: str
    arguments: str


@dataclass(frozen=True, slots=True)
class Message:
    """One conversation message, from the request or the response."""

    position: int
    role: str
    content: str
    source: Source
    tool_call_id: str | None = None
    name: str | None = None
    reasoning: str = ""
    tool_calls: tuple[ToolCallRef, ...] = ()


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A tool call the model made, assembled from its stream fragments.

    `fragments` holds `(chunk seq, argument delta)` pairs in arrival order;
    a non-streamed call has one fragment with seq 0.
    """

    tool_index: int
    id: str | None
    name: str
    arguments: str
    fragments: tuple[tuple[int, str], ...] = ()

    @property
    def n_fragments(self) -> int:
        """How many argument fragments built this call."""
        return len(self.fragments)


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts and cost of one response, normalised across providers.

    - `input_tokens`: every prompt token the provider processed, cached reads
      and cache writes included.
    - `cached_tokens`: the part of `input_tokens` read from the prompt cache.
    - `cache_write_tokens`: the part of `input_tokens` written to the cache.
    - `output_tokens`: every generated token, reasoning included.
    - `reasoning_tokens`: the part of `output_tokens` spent on reasoning.
    - `total_tokens`: as the provider reported it, else input plus output.
    - `reported_input_tokens`, `reported_output_tokens`: the provider's own
      top-level counts, before normalisation (Anthropic's `input_tokens`
      excludes cache reads and writes; Gemini's `candidatesTokenCount`
      excludes thoughts).
    - `raw`: the provider's own usage object, as JSON text.
    """

    input_tokens: int | None = None
    output_tokens: int | None = None
    cached_tokens: int | None = None
    cache_write_tokens: int | None = None
    reasoning_tokens: int | None = None
    total_tokens: int | None = None
    cost_usd: float = math.nan
    cost_source: CostSource | None = None
    price_source: str | None = None
    reported_input_tokens: int | None = None
    reported_output_tokens: int | None = None
    raw: str | None = None


@dataclass(frozen=True, slots=True)
class CallFacts:
    """What a call that is not a chat turn asked for and got back (None where not said).

    - `n_inputs`: texts embedded, documents reranked, requests in a batch...
    - `n_outputs`: vectors, images, results or scores returned.
    - `dimensions`: length of the embedding vectors returned.
    - `image_size`: the image size asked for or returned (`1024x1024`).
    - `audio_s`: seconds of audio transcribed, where the response says.
    - `characters`: characters of text sent to be spoken.
    - `counted_tokens`: tokens a token-counting call reported (counted, not consumed).
    - `status`: the state of a batch, run or background response (`in_progress`...).
    """

    n_inputs: int | None = None
    n_outputs: int | None = None
    dimensions: int | None = None
    image_size: str | None = None
    audio_s: float | None = None
    characters: int | None = None
    counted_tokens: int | None = None
    status: str | None = None


@dataclass(frozen=True, slots=True)
class BatchResult:
    """One result line of a downloaded batch results file: its id, model and usage."""

    custom_id: str
    model: str | None
    usage: Usage


@dataclass(frozen=True, slots=True)
class Decoded:
    """What a decoder read from one exchange."""

    api: Api
    stream: bool
    model: str | None = None
    request_model: str | None = None
    provider: str | None = None
    response_id: str | None = None
    finish_reason: str | None = None
    chunks: tuple[Chunk, ...] = ()
    messages: tuple[Message, ...] = ()
    tool_calls: tuple[ToolCall, ...] = ()
    usage: Usage = field(default_factory=Usage)
    tools: dict[str, Any] = field(default_factory=dict)
    n_comments: int = 0
    complete: bool = True
    error: str | None = None
    facts: CallFacts = field(default_factory=CallFacts)
    results: tuple[BatchResult, ...] = ()


@dataclass(frozen=True, slots=True)
class Interaction:
    """One recorded exchange with what was decoded from it."""

    exchange: Exchange
    decoded: Decoded

    @property
    def index(self) -> int:
        """0-based position in the cassette."""
        return self.exchange.index
