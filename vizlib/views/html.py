"""HTML fragments from jinja2 templates with autoescaping: cassette text never becomes markup."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

import jinja2
import pandas as pd
from markupsafe import Markup, escape

from vizlib.analysis.assembly import CallAssembly
from vizlib.analysis.problems import problems, secrets
from vizlib.analysis.raw import RawExchange
from vizlib.analysis.transcript import Turn
from vizlib.cassette import Cassette
from vizlib.frames.summary import interaction_summary
from vizlib.redact import redact_text
from vizlib.views.format import cost, count, seconds
from vizlib.views.labels import failed

FOLD_AT = 600
# Images a page may show: inline data of a raster type only, so nothing is fetched.
DATA_IMAGE = re.compile(r"data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/]+=*")
MAX_IMAGES = 8


def highlight(text: str, query: str) -> Markup:
    """`text` escaped, each case-insensitive match of `query` inside `<mark>`."""
    if not query:
        return escape(text)
    parts = re.split(f"({re.escape(query)})", text, flags=re.IGNORECASE)
    return Markup("").join(
        Markup("<mark>{}</mark>").format(p) if i % 2 else escape(p) for i, p in enumerate(parts)
    )


def images(text: str | None) -> list[str]:
    """The inline raster images (data URLs) in `text`, at most `MAX_IMAGES`."""
    return DATA_IMAGE.findall(text or "")[:MAX_IMAGES]


IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")


def request_images(body: str) -> list[str]:
    """Inline images a request body sends (data URLs; base64 sources of Anthropic and Gemini).

    Only raster types, only data already in the body, at most `MAX_IMAGES`:
    a remote URL is never turned into an image.
    """
    try:
        document = json.loads(body)
    except ValueError:
        return images(body)
    found: list[str] = []

    def add(media: object, data: object) -> None:
        if media in IMAGE_TYPES and isinstance(data, str):
            url = f"data:{media};base64,{data}"
            if DATA_IMAGE.fullmatch(url):
                found.append(url)

    def walk(node: object) -> None:
        if isinstance(node, dict):
            source = node.get("source")
            if isinstance(source, dict) and source.get("type") == "base64":
                add(source.get("media_type"), source.get("data"))
            inline = node.get("inline_data") or node.get("inlineData")
            if isinstance(inline, dict):
                add(inline.get("mime_type") or inline.get("mimeType"), inline.get("data"))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str) and node.startswith("data:image/"):
            found.extend(images(node))

    walk(document)
    return found[:MAX_IMAGES]


def without_images(text: str | None) -> str:
    """`text` with each inline image's data shortened to a placeholder."""
    return DATA_IMAGE.sub(lambda m: m.group(0)[: m.group(0).index(",") + 1] + "…", text or "")


@cache
def environment() -> jinja2.Environment:
    """The template environment: autoescape on for every template."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("vizlib.views", "templates"),
        auto_reload=False,  # templates ship with the package: no stat of the file per render
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(images=images, without_images=without_images)
    env.globals["highlight"] = highlight
    return env


def render(template: str, **context: Any) -> str:
    """Render one template with autoescaping."""
    return environment().get_template(template).render(**context)


@cache
def style() -> str:
    """The stylesheet every fragment uses."""
    return (
        resources.files("vizlib.views").joinpath("templates/style.css").read_text(encoding="utf-8")
    )


def overview_rows(
    cassette: Cassette,
    summary: list[dict[str, Any]] | None = None,
    found: dict[int, list[str]] | None = None,
    leaks: dict[int, list[str]] | None = None,
) -> list[dict[str, Any]]:
    """The overview table's rows, formatted for reading.

    `summary` holds the cassette's `interaction_summary` records, `found`
    its `problems` and `leaks` its `secrets`, where the caller has them.
    """
    if summary is None:
        table = interaction_summary(cassette.interactions, cassette.usage, cassette.tool_calls)
        summary = table.to_dict(orient="records")  # type: ignore[assignment]
    if found is None:
        found = problems(cassette)
    if leaks is None:
        leaks = secrets(cassette)
    rows = []
    for row in summary or ():
        index = int(row["interaction"])
        rows.append(
            {
                "interaction": index,
                "api": row["api"],
                "model": "" if pd.isna(row["model"]) else row["model"],
                "stream": bool(row["stream"]),
                "status": row["status"],
                "duration": seconds(row["duration_s"]),
                "n_chunks": row["n_chunks"],
                "tools": row["tools"] if isinstance(row["tools"], str) else "",
                "input": count(row["input_tokens"]),
                "cached": count(row["cached_tokens"]),
                "output": count(row["output_tokens"]),
                "cost": cost(row["cost_usd"], row["cost_source"]),
                "problems": found.get(index, []),
                "secrets": leaks.get(index, []),
            }
        )
    return rows


OVERVIEW_NOTE = (
    "Durations are what the recorder kept for the whole interaction; ~ marks costs estimated "
    "from a price table (the usage chart names its source and date)."
)


def overview_html(
    cassette: Cassette,
    summary: list[dict[str, Any]] | None = None,
    found: dict[int, list[str]] | None = None,
    leaks: dict[int, list[str]] | None = None,
) -> str:
    """The interactions table: api, model, status, duration, tokens, cost, problems, secrets.

    Problems are what the dashboard counts; secrets recorded in the cassette are listed apart.
    """
    rows = overview_rows(cassette, summary, found, leaks)
    return render("overview.html.j2", rows=rows, note=OVERVIEW_NOTE)


def _state(value: bool | None, yes: str, no: str, unknown: str) -> tuple[str, str]:
    if value is None:
        return "vz-na", unknown
    return ("vz-ok", yes) if value else ("vz-bad", no)


def assembly_context(calls: list[CallAssembly], seq: int) -> list[dict[str, Any]]:
    """Each call as the assembly panel shows it after chunk `seq`."""
    out = []
    for call in calls:
        text, newest = call.at(seq)
        roundtrip_class, roundtrip_text = _state(
            call.roundtrip,
            "sent back unchanged",
            call.change or "sent back changed",
            "not sent back by a later request",
        )
        schema_class = _state(call.schema.valid, "", "", "")[0]
        out.append(
            {
                "tool_index": call.tool_index,
                "name": call.name,
                "id": call.id,
                "n_fragments": len(call.fragments),
                "before": text[: len(text) - len(newest)],
                "newest": newest,
                "valid_json": call.valid_json,
                "pretty": call.pretty,
                "schema_class": schema_class,
                "schema_message": call.schema.message,
                "roundtrip_class": roundtrip_class,
                "roundtrip_text": roundtrip_text,
                "result": call.result,
                "result_interaction": call.result_interaction,
            }
        )
    return out


def assembly_html(
    calls: list[CallAssembly],
    seq: int,
    last_seq: int,
    event: str = "",
    *,
    result_images: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """Every tool call's arguments as assembled after chunk `seq`; checks once all have arrived.

    `result_images` holds the inline images sent back in each call's result, by call id.
    """
    return render(
        "assembly.html.j2",
        calls=assembly_context(calls, seq),
        seq=seq,
        last_seq=last_seq,
        event=event,
        done=seq >= last_seq,
        result_images=result_images or {},
    )


def turn_context(turns: list[Turn]) -> list[dict[str, Any]]:
    """Transcript turns with the lowercase text the search box matches against."""
    return [
        {
            "position": t.position,
            "role": t.role,
            "source": t.source,
            "content": t.content,
            "reasoning": t.reasoning,
            "tool_call_id": t.tool_call_id,
            "tool_uses": t.tool_uses,
            "search": " ".join(
                [
                    t.role,
                    t.content,
                    t.reasoning,
                    *(f"{u.name} {u.arguments} {u.result or ''}" for u in t.tool_uses),
                ]
            ).lower(),
        }
        for t in turns
    ]


def transcript_html(
    turns: list[Turn],
    query: str = "",
    *,
    copy: bool = False,
    sent_images: Sequence[str] = (),
    result_images: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """The conversation; only turns whose text contains `query` (case-insensitive), marked.

    With `copy`, arguments, results and long messages get copy buttons (the
    notebook view wires them up). `result_images` holds the inline images
    sent back in tool results, by tool call id, shown as thumbnails there.
    """
    shown = [t for t in turn_context(turns) if query.lower() in t["search"]]
    return render(
        "transcript.html.j2",
        turns=shown,
        fold_at=FOLD_AT,
        query=query,
        total=len(turns),
        copy=copy,
        sent_images=sent_images,
        result_images=result_images or {},
    )


def error_html(interaction: Any, *, redact: bool = True) -> str:
    """A failed interaction's status and error message, above its transcript; empty otherwise.

    With `redact`, secrets in the message (a 401 that echoes the key) are masked.
    """
    problem = failed(interaction.status, interaction.error)
    if not problem:
        return ""
    message = interaction.error if isinstance(interaction.error, str) else ""
    if redact:
        message = redact_text(message)
    return render("error.html.j2", problem=problem, message=message)


def raw_html(raw: RawExchange, *, redacted: bool = True, copy: bool = False) -> str:
    """The request and response as text; with `copy`, copy buttons on the bodies."""
    return render("raw.html.j2", raw=raw, redacted=redacted, copy=copy)
