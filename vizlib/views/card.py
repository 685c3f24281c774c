"""A compact card for a call that is not a stream: what it was, what went in and came out.

Embeddings, token counts, images, audio, batches and plain JSON chat
answers have no timeline worth drawing; the card names the call (kind, api,
model, endpoint, status) and lists the facts its frames hold (inputs,
outputs, usage, cost, error), so the panel is never empty.
"""

from __future__ import annotations

from typing import Any

from vizlib.cassette import Cassette
from vizlib.frames.summary import per_interaction
from vizlib.redact import redact_text
from vizlib.views.format import cost, count, missing, seconds
from vizlib.views.html import render

PREVIEW = 300


def _text(value: Any) -> str:
    return "" if missing(value) else str(value)


def card_rows(cassette: Cassette, index: int, *, redact: bool = True) -> list[tuple[str, str]]:
    """The card's `(label, value)` rows, missing values left out."""
    row = cassette.interactions.iloc[index]
    usage = per_interaction(cassette.usage).iloc[index]
    messages = cassette.messages[cassette.messages.interaction == index]
    sent = messages[messages.source == "request"]
    answer = "\n".join(messages[messages.source == "response"].content.astype(str))
    if redact:
        answer = redact_text(answer)
    rows = [
        ("kind", _text(row.kind)),
        ("api", _text(row.api)),
        ("model", _text(row.model)),
        ("endpoint", f"{row.method} {_text(row.endpoint)}"),
        (
            "status",
            f"{row.status}" + (f" · {row.call_status}" if not missing(row.call_status) else ""),
        ),
        ("duration", seconds(row.duration_s)),
        ("messages sent", count(len(sent)) if len(sent) else ""),
        ("inputs", count(row.n_inputs)),
        ("outputs", count(row.n_outputs)),
        ("dimensions", count(row.dimensions)),
        ("image size", _text(row.image_size)),
        ("audio", seconds(row.audio_s)),
        ("characters", count(row.characters)),
        ("counted tokens", count(row.counted_tokens)),
        ("finish reason", _text(row.finish_reason)),
        ("input tokens", count(usage.input_tokens)),
        ("output tokens", count(usage.output_tokens)),
        ("cost", cost(usage.cost_usd, usage.cost_source)),
        ("price", _text(usage.price_source)),
        ("answer", answer[:PREVIEW] + ("…" if len(answer) > PREVIEW else "")),
        ("error", redact_text(_text(row.error)) if redact else _text(row.error)),
    ]
    return [(label, value) for label, value in rows if value]


def card_html(cassette: Cassette, index: int, *, redact: bool = True) -> str:
    """The card of interaction `index` as an HTML fragment (autoescaped)."""
    return render("card.html.j2", rows=card_rows(cassette, index, redact=redact))
