"""Tool-call assembly: each call's arguments as they grew, fragment by fragment, then checked."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace
from typing import Any

import orjson

from vizlib.cassette import Cassette
from vizlib.conversation import parse_arguments
from vizlib.redact import mask_fragments, redact_quoting, redact_text
from vizlib.schema import SchemaCheck, check_schema


@dataclass(frozen=True, slots=True)
class CallAssembly:
    """Everything the assembly view shows of one tool call."""

    tool_index: int
    id: str | None
    name: str
    fragments: tuple[tuple[int, str], ...]
    arguments: str
    args: Any
    valid_json: bool
    schema: SchemaCheck
    roundtrip: bool | None
    change: str | None
    result: str | None
    result_interaction: int | None
    pretty: str

    def redacted(self) -> CallAssembly:
        """A copy whose shown text has secrets masked: fragments, arguments, result and checks.

        Secrets are found in the assembled arguments, and each fragment is
        masked to match, so no position of the assembly shows part of one. The
        schema check's message and the round trip's change quote the arguments.
        """
        return replace(
            self,
            fragments=mask_fragments(self.fragments),
            arguments=redact_text(self.arguments),
            pretty=redact_text(self.pretty),
            result=redact_text(self.result) if self.result is not None else None,
            schema=replace(
                self.schema, message=redact_quoting(self.schema.message, self.arguments)
            ),
            change=redact_text(self.change) if self.change is not None else None,
        )

    def at(self, seq: int) -> tuple[str, str]:
        """The arguments assembled up to chunk `seq`, and the fragment that arrived last."""
        seqs = [s for s, _ in self.fragments]
        count = bisect.bisect_right(seqs, seq)
        if count == 0:
            return "", ""
        if count == len(self.fragments):
            text = self.arguments
        else:
            text = "".join(delta for _, delta in self.fragments[:count])
        newest = self.fragments[count - 1][1] if self.fragments[count - 1][0] == seq else ""
        return text, newest


def _pretty(arguments: str, args: Any, valid: bool) -> str:
    """Parsed arguments pretty-printed; the raw string where they are not JSON."""
    return orjson.dumps(args, option=orjson.OPT_INDENT_2).decode() if valid else arguments


def assemble(cassette: Cassette, interaction: int, *, redact: bool = False) -> list[CallAssembly]:
    """The tool calls of one interaction, with their checks, round trips and results.

    Checks always run on the recorded arguments; `redact=True` masks secrets
    in the text the calls carry for display.
    """
    item = cassette.records[interaction]
    declared = item.decoded.tools
    out = []
    for call, link in zip(item.decoded.tool_calls, cassette.call_links[interaction], strict=True):
        result = link.result
        args, valid = parse_arguments(call.arguments)
        schema = (
            check_schema(args, declared.get(call.name))
            if valid
            else SchemaCheck(False, "arguments are not valid JSON")
        )
        out.append(
            CallAssembly(
                tool_index=call.tool_index,
                id=call.id,
                name=call.name,
                fragments=call.fragments,
                arguments=call.arguments,
                args=args,
                valid_json=valid,
                schema=schema,
                roundtrip=link.roundtrip,
                change=link.change,
                result=result.content if result else None,
                result_interaction=result.interaction if result else None,
                pretty=_pretty(call.arguments, args, valid),
            )
        )
    return [c.redacted() for c in out] if redact else out
