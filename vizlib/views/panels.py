"""What the notebook view's tabs show, built from a cassette's frames: figures and HTML.

`vizlib.views.widget` holds the widgets and their wiring and imports this
module only once its view is on the page and its charts are filled (see
`vizlib.views.built`), so the analyses load while the page is already
drawing the view.
"""

from __future__ import annotations

from dataclasses import dataclass

from vizlib.analysis.assembly import CallAssembly, assemble
from vizlib.analysis.raw import raw_exchange
from vizlib.analysis.transcript import transcript
from vizlib.analysis.turns import request_growth
from vizlib.cassette import Cassette
from vizlib.views.built import made
from vizlib.views.card import card_html
from vizlib.views.charts import Figure, figure_json
from vizlib.views.corpus import turns_html
from vizlib.views.html import (
    assembly_html,
    error_html,
    overview_html,
    raw_html,
    request_images,
    style,
    transcript_html,
)
from vizlib.views.labels import interaction_label
from vizlib.views.runview import is_linear, run_figure_dict, threads_html
from vizlib.views.static import report_page, static_bundle
from vizlib.views.tool_images import tool_result_images


def styled_html(fragment: str) -> str:
    """An HTML fragment with the stylesheet it needs."""
    return f"<style>{style()}</style>{fragment}"


def overview(cassette: Cassette) -> str:
    """The Overview tab: the interactions table, and how the requests grew across turns."""
    turns = turns_html(request_growth(cassette)) if len(cassette) > 1 else ""
    return made(cassette, "overview", lambda: overview_html(cassette) + turns)  # type: ignore[no-any-return]


def choices(cassette: Cassette) -> list[tuple[str, int]]:
    """The interaction selector's options."""
    return [(interaction_label(cassette, i), i) for i in range(len(cassette))]


LINEAR_NOTE = "<p class='vz vz-muted'>One conversation: each request continues the one before.</p>"


def run_parts(cassette: Cassette) -> tuple[str, list[Figure]]:
    """The Run tab: the threads table, and its swimlanes (none for a single conversation)."""
    table = styled_html(threads_html(cassette))
    if is_linear(cassette):
        return table, []
    return table, made(cassette, "run", lambda: [figure_json(run_figure_dict(cassette))])


@dataclass(frozen=True)
class Picked:
    """What the per-interaction tabs show of one interaction, besides its timeline."""

    card: str
    calls: list[CallAssembly]
    events: list[str]
    streamed: bool
    raw: str
    sent_images: list[str]
    result_images: dict[str, list[str]]


def picked(cassette: Cassette, index: int, *, redact: bool) -> Picked:
    """Interaction `index`'s card (calls that are not streams), tool calls, events and raw text."""
    chunks = cassette.chunks
    events = chunks.event[chunks.interaction == index].fillna("").tolist()
    stream = bool(cassette.interactions.stream.iloc[index])
    # one response: its timeline is one point, so a card of the call comes with it
    card = "" if stream else styled_html(card_html(cassette, index, redact=redact))
    raw = raw_exchange(cassette, index, redact=redact)
    return Picked(
        card=card,
        calls=assemble(cassette, index, redact=redact),
        events=events,
        streamed=stream and len(events) > 1,
        raw=raw_html(raw, redacted=redact, copy=True),
        sent_images=request_images(raw.request_body),
        result_images=result_images(cassette, redact=redact),
    )


def result_images(cassette: Cassette, *, redact: bool) -> dict[str, list[str]]:
    """The images sent back in tool results, by tool call id, from every request of the cassette.

    A call id's first result wins, as in the transcript.
    """

    def build() -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for index in range(len(cassette)):
            body = raw_exchange(cassette, index, redact=redact).request_body
            for call_id, urls in tool_result_images(body).items():
                found.setdefault(call_id, urls)
        return found

    return made(cassette, ("result images", redact), build)  # type: ignore[no-any-return]


def assembly(picked: Picked, received: int) -> str:
    """The Tool-call assembly tab after `received` chunks of the picked interaction."""
    events = picked.events
    seq = received - 1
    event = events[seq] if 0 <= seq < len(events) else ""
    return assembly_html(
        picked.calls, seq, len(events) - 1, event, result_images=picked.result_images
    )


def transcript_of(
    cassette: Cassette, index: int, query: str, *, picked: Picked, redact: bool
) -> str:
    """The Transcript tab of interaction `index`, filtered by `query`; a failure's error on top."""
    row = cassette.interactions.iloc[index]
    return error_html(row, redact=redact) + transcript_html(
        transcript(cassette, index, redact=redact),
        query,
        copy=True,
        sent_images=picked.sent_images,
        result_images=picked.result_images,
    )


def static_copy(cassette: Cassette, *, redact: bool) -> dict[str, str]:
    """The static copy shown beside a cassette's view (its report page built once)."""
    page = made(cassette, ("page", redact), lambda: report_page(cassette, redact=redact))
    return static_bundle([cassette], redact=redact, page=page)
