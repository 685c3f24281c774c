"""Images a client sent back inside tool results, by tool call id, for thumbnails.

A tool's result can carry images as content parts: OpenAI chat
(`image_url` parts of a `tool` message), OpenAI Responses (`input_image`
parts of a `function_call_output`), Anthropic (`image` blocks with a base64
`source` inside a `tool_result`) and Gemini (`inlineData` inside a
`functionResponse`). The decoders keep a result's text; this finds its
images in the request body that sent it. Only inline raster data already in
the body becomes a thumbnail (`data:` URLs, see `request_images`): a remote
URL is never fetched.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from vizlib.views.html import request_images

# Cheap tests before a body is parsed: some inline image must be in it.
MARKS = ("data:image/", '"base64"', "inlineData", "inline_data")


def _dicts(value: object) -> Iterator[dict[str, Any]]:
    if isinstance(value, list):
        yield from (item for item in value if isinstance(item, dict))


def _results(document: dict[str, Any]) -> Iterator[tuple[str, object]]:
    """Each tool result in a request body: `(tool call id, what the result holds)`."""
    for message in _dicts(document.get("messages")):
        call_id = message.get("tool_call_id")
        if message.get("role") == "tool" and isinstance(call_id, str):  # OpenAI chat
            yield call_id, message.get("content")
        for block in _dicts(message.get("content")):  # Anthropic
            if block.get("type") == "tool_result" and isinstance(block.get("tool_use_id"), str):
                yield block["tool_use_id"], block.get("content")
    for item in _dicts(document.get("input")):  # OpenAI Responses
        if item.get("type") == "function_call_output" and isinstance(item.get("call_id"), str):
            yield item["call_id"], item.get("output")
    for content in _dicts(document.get("contents")):  # Gemini
        for part in _dicts(content.get("parts")):
            response = part.get("functionResponse") or part.get("function_response")
            if isinstance(response, dict) and isinstance(response.get("id"), str):
                yield response["id"], response


def tool_result_images(body: str) -> dict[str, list[str]]:
    """The inline images inside each tool result a request body sends, by tool call id."""
    if not any(mark in body for mark in MARKS):
        return {}
    try:
        document = json.loads(body)
    except ValueError:
        return {}
    found: dict[str, list[str]] = {}
    if isinstance(document, dict):
        for call_id, result in _results(document):
            urls = request_images(json.dumps(result))
            if urls and call_id not in found:
                found[call_id] = urls
    return found
