"""One cassette's section of the report: a list of panels, stored compressed in the page.

A section is markup (from autoescaped templates) plus the data its script
draws (chart specs, tool-call replays, downloadable bodies), packed as one
deflate-compressed, base64 JSON payload. The page inflates it with
`DecompressionStream` only when the section is opened.

Panels are functions of a `Context`: add one to `CASSETTE_PANELS` (once per
cassette) or `INTERACTION_PANELS` (once per interaction) to extend the report.
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jinja2
import orjson

from vizlib.analysis.assembly import CallAssembly, assemble
from vizlib.analysis.problems import problems, secrets
from vizlib.analysis.raw import raw_exchange
from vizlib.analysis.transcript import transcript
from vizlib.analysis.turns import request_growth
from vizlib.cassette import Cassette
from vizlib.collector import collector_paused
from vizlib.records import Decoded
from vizlib.redact import redact_body, redact_stream, shown_name
from vizlib.secrets import remembering
from vizlib.standalone.caps import DOWNLOAD_CAP, RAW_CAP, REPLAY_CAP, capped
from vizlib.standalone.frames import CassetteRows, SplitFrames
from vizlib.views.card import card_fields, fields_html
from vizlib.views.corpus import turns_html
from vizlib.views.figures import (
    ChunkArrays,
    UsageArrays,
    context_spec,
    timeline_spec,
    usage_spec,
)
from vizlib.views.html import overview_html
from vizlib.views.labels import interaction_label, row_label
from vizlib.views.runview import is_linear, run_figure_dict, threads_html

MAX_TIMELINE_POINTS = 3000


@dataclass(frozen=True, slots=True)
class Panel:
    """One titled part of a section; `html` comes from an autoescaped template."""

    title: str
    html: str


@dataclass(slots=True)
class Context:
    """What a panel is built from; `data` collects what the page's script reads, by key.

    `rows` holds the cassette's rows of the frames (its summary, chunk and
    usage arrays), converted once for many cassettes. What several panels
    read (each interaction's tool calls assembled, the cassette's problems) is
    computed once, on first use.
    """

    cassette: Cassette
    position: int
    redact: bool
    rows: CassetteRows
    data: dict[str, Any] = field(default_factory=dict)
    interaction: int = 0
    _calls: dict[int, list[CallAssembly]] = field(default_factory=dict)
    _found: dict[int, list[str]] | None = None
    _leaks: dict[int, list[str]] | None = None

    @property
    def summary(self) -> list[dict[str, Any]]:
        """The cassette's `interaction_summary` records."""
        return self.rows.summary

    def row(self) -> dict[str, Any] | None:
        """The current interaction's summary record."""
        summary = self.rows.summary
        return summary[self.interaction] if self.interaction < len(summary) else None

    @property
    def usage(self) -> UsageArrays:
        """The cassette's usage columns as arrays, with the messages each request sent."""
        return self.rows.usage_arrays

    @property
    def chunks(self) -> ChunkArrays:
        """The cassette's chunk columns as arrays."""
        return self.rows.chunk_arrays

    def calls(self, interaction: int) -> list[CallAssembly]:
        """The interaction's tool calls assembled (unredacted: checks run on what was recorded)."""
        if interaction not in self._calls:
            self._calls[interaction] = assemble(self.cassette, interaction)
        return self._calls[interaction]

    @property
    def found(self) -> dict[int, list[str]]:
        """The cassette's `problems`."""
        if self._found is None:
            self._found = problems(self.cassette, self.calls)
        return self._found

    @property
    def leaks(self) -> dict[int, list[str]]:
        """The cassette's `secrets`."""
        if self._leaks is None:
            self._leaks = secrets(self.cassette)
        return self._leaks

    @property
    def key(self) -> str:
        """The key of the current interaction's data: `<cassette>-<interaction>`."""
        return f"{self.position}-{self.interaction}"


PanelMaker = Callable[[Context], Panel | None]


@cache
def environment() -> jinja2.Environment:
    """The report's templates, autoescaped."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("vizlib.standalone", "templates"),
        auto_reload=False,  # templates ship with the package: no stat of the file per render
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, **context: Any) -> str:
    """Render one of the report's templates."""
    return environment().get_template(template).render(**context)


def _plots(*keys: str) -> str:
    return render("plots.html.j2", keys=keys)


def overview_panel(ctx: Context) -> Panel:
    """The interactions table."""
    return Panel("Overview", overview_html(ctx.cassette, ctx.summary, ctx.found, ctx.leaks))


def turns_panel(ctx: Context) -> Panel | None:
    """Each request against the one before (only with several interactions)."""
    if len(ctx.cassette) < 2:
        return None
    growth = request_growth(ctx.cassette, ctx.rows.usage)
    return Panel("Requests turn by turn", turns_html(growth))


def run_panel(ctx: Context) -> Panel | None:
    """The run's threads as swimlanes, and tokens and cost per thread (not for one linear chat)."""
    if is_linear(ctx.cassette):
        return None
    key = f"run-{ctx.position}"
    usage = ctx.rows.usage
    ctx.data[key] = run_figure_dict(
        ctx.cassette, ctx.found, ctx.rows.interactions, usage, ctx.leaks
    )
    table = threads_html(ctx.cassette, usage)
    return Panel("Run", render("run_panel.html.j2", key=key, table=table))


def usage_panel(ctx: Context) -> Panel:
    """Tokens and cost per turn, and the context's growth."""
    position = ctx.position
    ctx.data[f"usage-{position}"] = usage_spec(ctx.usage)
    ctx.data[f"context-{position}"] = context_spec(ctx.usage)
    return Panel("Usage and cost", _plots(f"usage-{position}", f"context-{position}"))


def card_panel(ctx: Context) -> Panel | None:
    """What a call that is not a stream was for: model, inputs, usage, cost."""
    index = ctx.interaction
    if ctx.cassette.records[index].decoded.stream:
        return None
    messages = ctx.cassette.records[index].decoded.messages
    sent = sum(1 for m in messages if m.source == "request")
    answer = "\n".join(m.content for m in messages if m.source == "response")
    rows = card_fields(
        ctx.rows.interactions[index],
        ctx.rows.usage[index],
        sent,
        answer,
        redact=ctx.redact,
    )
    return Panel("Call", fields_html(rows))


def timeline_panel(ctx: Context) -> Panel:
    """The interaction's stream, chunk by chunk."""
    key = f"timeline-{ctx.key}"
    ctx.data[key] = timeline_spec(ctx.chunks, ctx.interaction, max_points=MAX_TIMELINE_POINTS)
    return Panel("Token timeline", _plots(key))


def assembly_data(calls: list[CallAssembly], last_seq: int) -> dict[str, Any]:
    """What the assembly slider replays: each call's fragments, then its checks.

    Replays hold at most `REPLAY_CAP` characters of fragments per interaction;
    `cut` counts the fragments left out, and the texts are capped like others.
    """
    budget = REPLAY_CAP
    out = []
    for c in calls:
        seqs: list[int] = []
        deltas: list[str] = []
        for seq, delta in c.fragments:
            if budget < len(delta):
                break
            budget -= len(delta)
            seqs.append(seq)
            deltas.append(delta)
        arguments, pretty = capped(c.arguments, fold_at=0), capped(c.pretty, fold_at=0)
        result = None if c.result is None else capped(c.result, fold_at=0)
        out.append(
            {
                "index": c.tool_index,
                "name": c.name,
                "id": c.id or "",
                "seqs": seqs,
                "deltas": deltas,
                "cut": len(c.fragments) - len(seqs),
                "arguments": arguments.rest,
                "argumentsCut": arguments.cut,
                "valid": c.valid_json,
                "pretty": pretty.rest,
                "schema": c.schema.valid,
                "schemaMessage": c.schema.message,
                "roundtrip": c.roundtrip,
                "change": c.change,
                "result": None if result is None else result.rest,
                "resultCut": 0 if result is None else result.cut,
                "resultInteraction": c.result_interaction,
            }
        )
    return {"last": last_seq, "calls": out}


def assembly_panel(ctx: Context) -> Panel:
    """The tool calls' arguments as they arrived, with a slider and a play button."""
    key = f"assembly-{ctx.key}"
    n_chunks = len(ctx.cassette.records[ctx.interaction].decoded.chunks)
    calls = ctx.calls(ctx.interaction)
    if ctx.redact:
        calls = [c.redacted() for c in calls]
    ctx.data[key] = assembly_data(calls, max(n_chunks - 1, 0))
    return Panel("Tool-call assembly", render("assembly_panel.html.j2", key=key))


def transcript_panel(ctx: Context) -> Panel:
    """The conversation, each text once: long ones folded, very long ones cut."""
    turns = transcript(ctx.cassette, ctx.interaction, redact=ctx.redact)
    return Panel("Transcript", render("transcript.html.j2", turns=turns, capped=capped))


def _download(body: object, *, redact: bool, decoded: Decoded | None = None) -> str | None:
    """The body's full text for the download button, where it is text and small enough.

    `decoded`: the response the body is, where a secret may span its events.
    """
    if not isinstance(body, str) or len(body) > DOWNLOAD_CAP:
        return None
    if not redact:
        return body
    return redact_body(body) if decoded is None else redact_stream(body, decoded)


def raw_panel(ctx: Context) -> Panel:
    """The request and response as text; bodies cut at `RAW_CAP`, downloadable when small."""
    raw = raw_exchange(ctx.cassette, ctx.interaction, redact=ctx.redact)
    record = ctx.cassette.records[ctx.interaction]
    exchange = record.exchange
    downloads = {}
    for side, body, decoded in (
        ("request", exchange.request.body, None),
        ("response", exchange.response.body, record.decoded),
    ):
        text = _download(body, redact=ctx.redact, decoded=decoded)
        if text is not None:
            ctx.data[f"body-{side}-{ctx.key}"] = text
            downloads[side] = f"body-{side}-{ctx.key}"
    return Panel(
        "Raw",
        render(
            "raw.html.j2",
            raw=raw,
            request_body=capped(raw.request_body, fold_at=RAW_CAP, cap=RAW_CAP),
            response_body=capped(raw.response_body, fold_at=RAW_CAP, cap=RAW_CAP),
            downloads=downloads,
            download_cap=DOWNLOAD_CAP,
            redacted=ctx.redact,
        ),
    )


CASSETTE_PANELS: list[PanelMaker] = [overview_panel, turns_panel, run_panel, usage_panel]
INTERACTION_PANELS: list[PanelMaker] = [
    card_panel,
    timeline_panel,
    assembly_panel,
    transcript_panel,
    raw_panel,
]


def section_payload(
    cassette: Cassette,
    position: int,
    *,
    redact: bool,
    rows: CassetteRows | None = None,
) -> dict[str, Any]:
    """The section's markup and data, before compression.

    `rows` holds the cassette's rows of frames built for many cassettes at
    once; without them, the cassette's own frames are used.
    """
    part = rows or SplitFrames.of(cassette).part(cassette.name)
    ctx = Context(cassette, position, redact, part)
    with remembering():  # panels show the same texts: each is scanned for secrets once
        panels = [p for make in CASSETTE_PANELS if (p := make(ctx)) is not None]
        interactions = []
        for index in range(len(cassette)):
            ctx.interaction = index
            row = ctx.row()
            interactions.append(
                {
                    "index": index,
                    "label": interaction_label(cassette, index) if row is None else row_label(row),
                    "panels": [p for make in INTERACTION_PANELS if (p := make(ctx)) is not None],
                }
            )
    body = render("section.html.j2", position=position, panels=panels, interactions=interactions)
    return {"html": body, "data": ctx.data}


# deflate's level: 3 takes about half the time of the default 6 on report sections, for
# about 8% more compressed bytes (about 4% more page: plotly.js is the most of it)
COMPRESSION = 3


def pack(payload: dict[str, Any]) -> str:
    """JSON, deflate-compressed (zlib format), base64: inert text for a `<script>` element."""
    raw = orjson.dumps(payload, option=orjson.OPT_SERIALIZE_NUMPY)
    return base64.b64encode(zlib.compress(raw, COMPRESSION)).decode("ascii")


def unpack(text: str) -> dict[str, Any]:
    """The payload `pack` wrote (for tests and tools)."""
    loaded: dict[str, Any] = orjson.loads(zlib.decompress(base64.b64decode(text)))
    return loaded


@dataclass(frozen=True, slots=True)
class Section:
    """A cassette's entry in the page: its summary line and its packed payload."""

    position: int
    name: str
    container: str
    n_interactions: int
    payload: str
    redacted: bool = True


def build_section(
    cassette: Cassette,
    position: int,
    *,
    redact: bool,
    rows: CassetteRows | None = None,
) -> Section:
    """The section of one cassette, ready to write into the page (see `section_payload`)."""
    with collector_paused():
        payload = pack(section_payload(cassette, position, redact=redact, rows=rows))
    name = shown_name(cassette.name, redact=redact)
    return Section(position, name, cassette.container, len(cassette), payload, redact)
