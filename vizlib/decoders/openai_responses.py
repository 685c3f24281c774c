"""OpenAI Responses API (`/v1/responses`, also Azure and other hosts).

Streams are named SSE events whose data carries a `type`:
`response.output_text.delta`, `response.reasoning_summary_text.delta`,
`response.reasoning_text.delta`, `response.function_call_arguments.delta`,
output items added and done, built-in tool progress (web search...), and
`response.completed` with the usage. Input tokens include cached ones and
output tokens include reasoning, as in the normalised columns.
"""

from __future__ import annotations

from typing import Any

from vizlib.decoders._assembly import ResponseState
from vizlib.decoders._bodies import BodyEvent, JsonError, response_events
from vizlib.decoders.base import (
    Decoder,
    as_dict,
    as_int,
    as_list,
    as_str,
    dumps,
    request_json,
    with_total,
)
from vizlib.decoders.openai_chat import content_text
from vizlib.records import Chunk, Decoded, Exchange, HttpRequest, Message, ToolCallRef, Usage

CALL_ITEMS = ("function_call", "custom_tool_call")
BUILTIN_CALLS = (
    "web_search_call",
    "file_search_call",
    "code_interpreter_call",
    "computer_call",
    "image_generation_call",
    "mcp_call",
    "local_shell_call",
)
TEXT_DELTAS = ("response.output_text.delta", "response.refusal.delta")
REASONING_DELTAS = ("response.reasoning_summary_text.delta", "response.reasoning_text.delta")
DONE_EVENTS = ("response.completed", "response.incomplete", "response.failed")


def matches(request: HttpRequest) -> bool:
    """Responses requests end their path in `/responses` (polls: `openai_responses_polls`)."""
    return request.url.split("?", 1)[0].rstrip("/").endswith("/responses")


def decode(exchange: Exchange) -> Decoded:
    """Read one Responses exchange."""
    body = request_json(exchange.request)
    messages = tuple(read_input(body))
    events = response_events(exchange.response)
    state = _State(len(messages))
    for seq, event in enumerate(events.events):
        state.chunks.append(state.read(seq, event))
    response = state.message()
    return Decoded(
        api="openai-responses",
        stream=events.streamed,
        model=state.model or as_str(body.get("model")),
        request_model=as_str(body.get("model")),
        response_id=state.response_id,
        finish_reason=state.status,
        chunks=tuple(state.chunks),
        messages=messages + ((response,) if response else ()),
        tool_calls=state.tools.calls(),
        usage=state.usage,
        tools=declared_tools(body.get("tools")),
        n_comments=events.n_comments,
        complete=state.done or not events.streamed,
        error=state.error,
    )


class _State(ResponseState):
    def __init__(self, first_position: int) -> None:
        super().__init__(first_position)
        self.status: str | None = None
        self.usage = Usage()
        self.done = False
        self._tool_of_output: dict[int, int] = {}
        self._tool_of_item: dict[str, int] = {}

    def _tool(self, output_index: int | None, item_id: str | None) -> int:
        if item_id and item_id in self._tool_of_item:
            return self._tool_of_item[item_id]
        key = output_index if output_index is not None else -1 - len(self._tool_of_output)
        tool = self._tool_of_output.setdefault(key, len(self._tool_of_output))
        if item_id:
            self._tool_of_item[item_id] = tool
        return tool

    def read(self, seq: int, event: BodyEvent) -> Chunk:
        raw, line, value = event.data, event.line, event.value
        if isinstance(value, JsonError):
            return Chunk(seq, event.event or "", "error", raw, line=line, error=str(value))
        if not isinstance(value, dict):
            reason = f"expected a JSON object, found {type(value).__name__}"
            return Chunk(seq, event.event or "", "error", raw, line=line, error=reason)
        kind = as_str(value.get("type")) or event.event or ""
        if kind == "response" or ("output" in value and "object" in value):
            self._read_response(value, seq)
            return self._whole_response_chunk(seq, raw, line, value)
        if kind in TEXT_DELTAS:
            text = as_str(value.get("delta")) or ""
            self.text.append(text)
            return Chunk(seq, kind, "text", raw, text=text, line=line)
        if kind in REASONING_DELTAS:
            text = as_str(value.get("delta")) or ""
            self.reasoning.append(text)
            return Chunk(seq, kind, "reasoning", raw, text=text, line=line)
        if kind == "response.function_call_arguments.delta":
            tool = self._tool(as_int(value.get("output_index")), as_str(value.get("item_id")))
            fragment = as_str(value.get("delta")) or ""
            call_id, name = self.tools.add(tool, seq, delta=fragment)
            return Chunk(
                seq,
                kind,
                "tool_call",
                raw,
                line=line,
                tool_index=tool,
                tool_call_id=call_id,
                tool_name=name or None,
                args_delta=fragment,
            )
        if kind == "response.output_item.added":
            item = as_dict(value.get("item"))
            builtin = item.get("type") in BUILTIN_CALLS
            if builtin or item.get("type") in CALL_ITEMS:
                tool = self._tool(as_int(value.get("output_index")), as_str(item.get("id")))
                initial = "" if builtin else as_str(item.get("arguments")) or ""
                call_id, name = self.tools.add(
                    tool,
                    seq,
                    call_id=as_str(item.get("id" if builtin else "call_id")),
                    name=_builtin_name(item) if builtin else as_str(item.get("name")),
                    delta=initial,
                )
                return Chunk(
                    seq,
                    kind,
                    "tool_call",
                    raw,
                    line=line,
                    tool_index=tool,
                    tool_call_id=call_id,
                    tool_name=name,
                    args_delta=initial,
                )
            return Chunk(seq, kind, "control", raw, line=line)
        if kind == "response.output_item.done":
            self._item_done(value)
            return Chunk(seq, kind, "control", raw, line=line)
        if kind in DONE_EVENTS:
            self.done = True
            self._read_response(as_dict(value.get("response")), seq, outputs=False)
            return Chunk(seq, kind, "usage", raw, line=line)
        if kind in ("response.created", "response.in_progress"):
            self._read_response(as_dict(value.get("response")), seq, outputs=False)
            return Chunk(seq, kind, "control", raw, line=line)
        if kind == "error" or (kind.endswith(".failed") and "error" in value):
            self.error = _error_text(value.get("error") or value)
            return Chunk(seq, kind, "error", raw, line=line, error=self.error)
        if kind.startswith("response.") and (
            kind.endswith((".done", ".added")) or "_call." in kind
        ):
            return Chunk(seq, kind, "control", raw, line=line)
        return Chunk(seq, kind, "other", raw, line=line)

    def _item_done(self, value: dict[str, Any]) -> None:
        """Fill a call's arguments from its final item where no deltas carried them."""
        item = as_dict(value.get("item"))
        if item.get("type") not in CALL_ITEMS + BUILTIN_CALLS:
            return
        tool = self._tool(as_int(value.get("output_index")), as_str(item.get("id")))
        arguments = as_str(item.get("arguments")) or _builtin_arguments(item)
        known = {c.tool_index: c.arguments for c in self.tools.calls()}
        if arguments and not known.get(tool):
            self.tools.set_arguments(tool, arguments)

    def _read_response(self, response: dict[str, Any], seq: int, *, outputs: bool = True) -> None:
        self.model = as_str(response.get("model")) or self.model
        self.response_id = as_str(response.get("id")) or self.response_id
        status = as_str(response.get("status"))
        reason = as_str(as_dict(response.get("incomplete_details")).get("reason"))
        self.status = f"{status}: {reason}" if status and reason else status or self.status
        if response.get("error"):
            self.error = _error_text(response["error"])
        if isinstance(response.get("usage"), dict):
            self.usage = read_usage(response["usage"])
        if not outputs:
            return
        for index, item in enumerate(map(as_dict, as_list(response.get("output")))):
            kind = item.get("type")
            if kind == "message":
                self.text.append(content_text(item.get("content")))
            elif kind == "reasoning":
                summary = [
                    as_str(as_dict(s).get("text")) or "" for s in as_list(item.get("summary"))
                ]
                self.reasoning.append("\n".join(summary))
            elif kind in BUILTIN_CALLS:
                tool = self._tool(index, as_str(item.get("id")))
                self.tools.add(
                    tool,
                    seq,
                    call_id=as_str(item.get("id")),
                    name=_builtin_name(item),
                    delta=_builtin_arguments(item),
                )
            elif kind in CALL_ITEMS:
                tool = self._tool(index, as_str(item.get("id")))
                arguments = item.get("arguments", item.get("input"))
                self.tools.add(
                    tool,
                    seq,
                    call_id=as_str(item.get("call_id")),
                    name=as_str(item.get("name")),
                    delta=arguments if isinstance(arguments, str) else dumps(arguments or {}),
                )

    def _whole_response_chunk(
        self, seq: int, raw: str, line: int | None, value: dict[str, Any]
    ) -> Chunk:
        event = as_str(value.get("object")) or "response"
        calls = self.tools.calls()
        text = "".join(self.text)
        if self.error and not (text or calls):
            return Chunk(seq, event, "error", raw, line=line, error=self.error)
        if calls:
            first = calls[0]
            return Chunk(
                seq,
                event,
                "tool_call",
                raw,
                text=text,
                line=line,
                tool_index=first.tool_index,
                tool_call_id=first.id,
                tool_name=first.name,
                args_delta=first.arguments,
            )
        if not text and self.reasoning:
            return Chunk(seq, event, "reasoning", raw, text="".join(self.reasoning), line=line)
        return Chunk(seq, event, "text", raw, text=text, line=line)


def _builtin_name(item: dict[str, Any]) -> str:
    return (as_str(item.get("type")) or "").removesuffix("_call")


def _builtin_arguments(item: dict[str, Any]) -> str:
    """What a built-in tool call was asked to do (web search's `action`), as JSON."""
    action = item.get("action")
    return dumps(action) if isinstance(action, dict) else ""


def _error_text(error: object) -> str:
    if isinstance(error, dict):
        return str(error.get("message") or dumps(error))
    return str(error)


def read_usage(usage: dict[str, Any]) -> Usage:
    """Responses usage: input includes cached tokens, output includes reasoning."""
    return with_total(
        Usage(
            input_tokens=as_int(usage.get("input_tokens")),
            output_tokens=as_int(usage.get("output_tokens")),
            cached_tokens=as_int(as_dict(usage.get("input_tokens_details")).get("cached_tokens")),
            reasoning_tokens=as_int(
                as_dict(usage.get("output_tokens_details")).get("reasoning_tokens")
            ),
            total_tokens=as_int(usage.get("total_tokens")),
            raw=dumps(usage),
        )
    )


def read_input(body: dict[str, Any]) -> list[Message]:
    """Request input as messages: instructions, messages, function calls and their outputs."""
    out: list[Message] = []
    instructions = body.get("instructions")
    if isinstance(instructions, str) and instructions:
        out.append(Message(0, "system", instructions, "request"))
    items = body.get("input")
    if isinstance(items, str):
        out.append(Message(len(out), "user", items, "request"))
        return out
    for item in map(as_dict, as_list(items)):
        kind = as_str(item.get("type")) or "message"
        if kind == "message" or ("role" in item and kind not in CALL_ITEMS):
            out.append(
                Message(
                    len(out),
                    as_str(item.get("role")) or "user",
                    content_text(item.get("content")),
                    "request",
                )
            )
        elif kind in CALL_ITEMS:
            arguments = item.get("arguments", item.get("input"))
            ref = ToolCallRef(
                as_str(item.get("call_id")),
                as_str(item.get("name")) or "",
                arguments if isinstance(arguments, str) else dumps(arguments or {}),
            )
            out.append(Message(len(out), "assistant", "", "request", tool_calls=(ref,)))
        elif kind in ("function_call_output", "custom_tool_call_output"):
            output = item.get("output")
            out.append(
                Message(
                    len(out),
                    "tool",
                    output if isinstance(output, str) else content_text(output),
                    "request",
                    tool_call_id=as_str(item.get("call_id")),
                )
            )
        elif kind == "reasoning":
            summary = [as_str(as_dict(s).get("text")) or "" for s in as_list(item.get("summary"))]
            out.append(Message(len(out), "assistant", "", "request", reasoning="\n".join(summary)))
    return out


def declared_tools(tools: object) -> dict[str, Any]:
    """The parameters schema of each function tool a request declares, by name."""
    return {
        name: as_dict(tool.get("parameters"))
        for tool in map(as_dict, as_list(tools))
        if (name := as_str(tool.get("name")))
    }


DECODER = Decoder(api="openai-responses", matches=matches, decode=decode)
