"""OpenAI Responses objects read back or reworked: polls, cancels, compactions.

`GET /v1/responses/{id}` reads a background response back (polled until
done, or streamed again with `?stream=true`); `/cancel` stops one;
`POST /v1/responses/compact` compacts a conversation.

Each body is a Response object (or its stream) in the shape the Responses
decoder reads; the response's status goes to `call_status` too. A poll
repeats the usage of the response it reads back: the usage frame counts a
response's usage once per cassette (see `frames.extract.usage_rows`).
"""

from __future__ import annotations

import re
from dataclasses import replace

from vizlib.decoders import openai_responses
from vizlib.decoders.base import Decoder
from vizlib.records import CallFacts, Decoded, Exchange, HttpRequest

_PATH = re.compile(r"/responses/(?:compact|resp_[^/]+(?:/cancel)?)$")


def matches(request: HttpRequest) -> bool:
    """A response read back by id, cancelled, or a compaction."""
    return _PATH.search(request.url.split("?", 1)[0].rstrip("/")) is not None


def decode(exchange: Exchange) -> Decoded:
    """Read one poll, cancel or compaction exchange."""
    decoded = openai_responses.decode(exchange)
    return replace(decoded, facts=CallFacts(status=decoded.finish_reason))


DECODER = Decoder(api="openai-responses", matches=matches, decode=decode)
