"""The public column contract: every frame's columns, dtypes and meanings, declared once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from vizlib.kinds import KINDS as CALL_KINDS
from vizlib.records import Api, ChunkKind
from vizlib.threads import RELATIONS


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its name, pandas dtype, and a one-line meaning."""

    name: str
    dtype: str
    doc: str
    categories: tuple[str, ...] | None = None


STR = "string[pyarrow]"
CAT = "category"
APIS = get_args(Api)
KINDS = get_args(ChunkKind)
ROLES = ("system", "developer", "user", "assistant", "tool")

_KEY = (
    Column("cassette", STR, "the cassette's file name, or the name it was given"),
    Column("interaction", "int64", "0-based position of the interaction in the file"),
)

INTERACTIONS = (
    *_KEY,
    Column("api", CAT, "wire format: openai-chat, openai-responses, embeddings, ...", APIS),
    Column(
        "kind",
        CAT,
        "what the call is for: chat, embeddings, images, audio, token-count, moderation, "
        "rerank, batch; side requests search, download, telemetry, auth, mcp, files; else other",
        CALL_KINDS,
    ),
    Column("url", STR, "request URL, secrets redacted"),
    Column(
        "endpoint",
        STR,
        "what the path asks for, without versions and ids; for side requests their kind",
    ),
    Column("method", STR, "HTTP method"),
    Column("model", CAT, "model that answered (the response's, else the request's)"),
    Column("request_model", STR, "model the request asked for"),
    Column("provider", STR, "upstream provider a router reported (OpenRouter's `provider`)"),
    Column("stream", "bool", "whether the response was a stream"),
    Column("status", "int64", "HTTP status code (0 where none was recorded)"),
    Column("duration_s", "float64", "recorded duration in seconds; NaN where none was recorded"),
    Column(
        "started_at",
        "datetime64[ns, UTC]",
        "when the request was made, where recorded (HAR, Ruby VCR)",
    ),
    Column("n_chunks", "int64", "rows in `chunks` for this interaction"),
    Column("n_comments", "int64", "SSE comment lines (keep-alives), not events"),
    Column("n_tool_calls", "int64", "tool calls the model made"),
    Column("finish_reason", STR, "why generation stopped, as the provider said it"),
    Column("complete", "bool", "False where a stream ended early (no end marker)"),
    Column("error", STR, "error message the response carried, if any"),
    Column("response_id", STR, "the provider's response id"),
    Column("n_inputs", "Int64", "inputs of a non-chat call: texts embedded, documents, requests"),
    Column("n_outputs", "Int64", "vectors, images, results or scores a non-chat call returned"),
    Column("dimensions", "Int64", "length of the embedding vectors returned"),
    Column("image_size", STR, "image size asked for or returned (`1024x1024`)"),
    Column("audio_s", "float64", "seconds of audio transcribed, where the response says"),
    Column("characters", "Int64", "characters of text sent to be spoken"),
    Column("counted_tokens", "Int64", "tokens a token-counting call reported (not consumed)"),
    Column("call_status", STR, "state of a batch, run or background response (`completed`...)"),
    Column("thread", "int64", "the conversation this request belongs to, numbered as they appear"),
    Column(
        "parent",
        "Int64",
        "the interaction this request continues (spawned it, or was followed by it); NA if none",
    ),
    Column(
        "relation",
        CAT,
        "to its parent: first, continues, retry, branch, side, poll or subagent",
        RELATIONS,
    ),
)

CHUNKS = (
    *_KEY,
    Column("seq", "int64", "0-based position of the event in the stream"),
    Column("event", STR, "SSE event name, or the payload's type"),
    Column("kind", CAT, "text, reasoning, tool_call, usage, control, error or other", KINDS),
    Column("text", STR, "text delta (reasoning delta for kind reasoning); empty otherwise"),
    Column("tool_index", "Int64", "index of the tool call this event extends"),
    Column("tool_call_id", STR, "id of that tool call"),
    Column("tool_name", STR, "name of that tool call"),
    Column("args_delta", STR, "argument fragment this event carries"),
    Column(
        "raw", STR, "the event's data exactly as recorded, unredacted (see Cassette.redacted())"
    ),
    Column("line", "Int64", "1-based line of the event in the response body"),
    Column("error", STR, "why the event could not be read, for kind error"),
    Column(
        "time_s",
        "float64",
        "seconds since the first event, where the format records "
        "per-event times (Ollama's created_at); NaN otherwise",
    ),
)

MESSAGES = (
    *_KEY,
    Column("position", "int64", "0-based position in the conversation"),
    Column("role", CAT, "system, developer, user, assistant or tool (others kept as sent)", ROLES),
    Column("content", STR, "text content; non-text parts as [type]"),
    Column(
        "source",
        CAT,
        "request (from the client) or response (the model's output)",
        ("request", "response"),
    ),
    Column("tool_call_id", STR, "for tool results, the call they answer"),
    Column("name", STR, "participant or tool name, where given"),
    Column("reasoning", STR, "reasoning text carried by the message"),
    Column("n_tool_calls", "int64", "tool calls the message carries"),
)

TOOL_CALLS = (
    *_KEY,
    Column("tool_index", "int64", "index of the call within its response"),
    Column("id", STR, "the call's id"),
    Column("name", STR, "name of the tool the model called"),
    Column("arguments", STR, "the assembled argument string"),
    Column("args", "object", "the parsed arguments, or None where not valid JSON"),
    Column("valid_json", "bool", "whether `arguments` parses as JSON"),
    Column("n_fragments", "int64", "stream events that carried this call"),
    Column(
        "roundtrip",
        "boolean",
        "the request that sent this call back kept it unchanged; NA where none sent it back",
    ),
    Column(
        "schema_valid", "boolean", "arguments match the tool's declared JSON schema; NA if none"
    ),
    Column("result", STR, "the result a later request sent for this call"),
    Column(
        "result_interaction",
        "Int64",
        "the interaction whose request carried the result (the call's echo, where it had one)",
    ),
)

USAGE = (
    *_KEY,
    Column("model", CAT, "model that answered"),
    Column("kind", CAT, "what the call is for, as in `interactions.kind`", CALL_KINDS),
    Column("input_tokens", "Int64", "prompt tokens, cache reads and writes included"),
    Column("output_tokens", "Int64", "generated tokens, reasoning included"),
    Column("cached_tokens", "Int64", "input tokens read from the prompt cache"),
    Column("cache_write_tokens", "Int64", "input tokens written to the prompt cache"),
    Column("reasoning_tokens", "Int64", "output tokens spent on reasoning"),
    Column("total_tokens", "Int64", "total as reported, else input plus output"),
    Column("cost_usd", "float64", "cost in USD; NaN where unknown"),
    Column("cost_source", STR, "reported (by the provider) or estimated; NA where unknown"),
    Column("price_source", STR, "for estimated costs, the price's source and as-of date"),
    Column("reported_input_tokens", "Int64", "the provider's own input count, before normalising"),
    Column(
        "reported_output_tokens", "Int64", "the provider's own output count, before normalising"
    ),
    Column("raw_usage", STR, "the provider's usage object as JSON"),
    Column(
        "batch",
        "bool",
        "one result of a downloaded batch results file (priced at batch rates); "
        "False for a row that is a whole interaction",
    ),
    Column("custom_id", STR, "for a batch result, the id its request was given (`custom_id`)"),
)

FRAMES: dict[str, tuple[Column, ...]] = {
    "interactions": INTERACTIONS,
    "chunks": CHUNKS,
    "messages": MESSAGES,
    "tool_calls": TOOL_CALLS,
    "usage": USAGE,
}
