"""A compact card for a call that is not a stream: what it was, what went in and came out.

Embeddings, token counts, images, audio, batches and plain JSON chat
answers have no timeline worth drawing; the card names the call (kind, api,
model, endpoint, status) and lists the facts its frames hold (inputs,
outputs, usage, cost, error), so the panel is never empty.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from vizlib.cassette import Cassette
from vizlib.frames.summary import per_interaction
from vizlib.redact import redact_text
from vizlib.views.format import cost, count, missing, seconds
from vizlib.views.html import render

if TYPE_CHECKING:
    import pandas as pd

    Row = Mapping[str, Any] | pd.Series

PREVIEW = 300


def _text(value: Any) -> str:
    return "" if missing(value) else str(value)


def card_rows(cassette: Cassette, index: int, *, redact: bool = True) -> list[tuple[str, str]]:
    """The card's `(label, value)` rows, missing values left out."""
    messages = cassette.messages[cassette.messages.interaction == index]
    sent = int((messages.source == "request").sum())
    answer = "\n".join(messages[messages.source == "response"].content.astype(str))
    return card_fields(
        cassette.interactions.iloc[index],
        per_interaction(cassette.usage).iloc[index],
        sent,
        answer,
        redact=redact,
    )


def card_fields(
    row: Row, usage: Row, sent: int, answer: str, *, redact: bool
) -> list[tuple[str, str]]:
    """`card_rows` from the facts: the interaction's `interactions` and `usage` rows.

    `sent` counts the messages its request sent; `answer` is the response's
    messages joined by newlines.
    """
    if redact:
        answer = redact_text(answer)
    rows = [
        ("kind", _text(row["kind"])),
        ("api", _text(row["api"])),
        ("model", _text(row["model"])),
        ("endpoint", f"{row['method']} {_text(row['endpoint'])}"),
        (
            "status",
            f"{row['status']}"
            + (f" · {row['call_status']}" if not missing(row["call_status"]) else ""),
        ),
        ("duration", seconds(row["duration_s"])),
        ("messages sent", count(sent) if sent else ""),
        ("inputs", count(row["n_inputs"])),
        ("outputs", count(row["n_outputs"])),
        ("dimensions", count(row["dimensions"])),
        ("image size", _text(row["image_size"])),
        ("audio", seconds(row["audio_s"])),
        ("characters", count(row["characters"])),
        ("counted tokens", count(row["counted_tokens"])),
        ("finish reason", _text(row["finish_reason"])),
        ("input tokens", count(usage["input_tokens"])),
        ("output tokens", count(usage["output_tokens"])),
        ("cost", cost(usage["cost_usd"], usage["cost_source"])),
        ("price", _text(usage["price_source"])),
        ("answer", answer[:PREVIEW] + ("…" if len(answer) > PREVIEW else "")),
        ("error", redact_text(_text(row["error"])) if redact else _text(row["error"])),
    ]
    return [(label, value) for label, value in rows if value]


def fields_html(rows: list[tuple[str, str]]) -> str:
    """A card of `card_fields` rows as an HTML fragment (autoescaped)."""
    return render("card.html.j2", rows=rows)


def card_html(cassette: Cassette, index: int, *, redact: bool = True) -> str:
    """The card of interaction `index` as an HTML fragment (autoescaped)."""
    return fields_html(card_rows(cassette, index, redact=redact))
