"""The notebook view: `show(x)` displays an ipywidgets panel over one cassette or several.

This module holds the widgets and their wiring; what the tabs show is built
by `vizlib.views.panels` (pandas and the analyses), imported only once a
view is on the page. `show` sends plotly.js first (`vizlib.views.loader`),
then displays a view's widgets and fills them after, charts first, so the
page evaluates plotly.js and lays out the view while the kernel builds what
it shows. Charts are `Charts` widgets (plotly.js once
per page, complete figures in their state, as one JSON buffer); the tabs are a list of (title,
builder) panels, so a new tab is one entry. Beside the live view, `show`
displays a static copy that notebooks keep for readers without a kernel
(see `vizlib.views.static`).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

import ipywidgets as widgets
from IPython import get_ipython
from IPython.display import display

from vizlib.cassette import Cassette
from vizlib.collector import paused
from vizlib.redact import shown_name
from vizlib.views.charts import Charts
from vizlib.views.hooks import Hooks
from vizlib.views.loader import load_plotly

if TYPE_CHECKING:
    from vizlib.views.corpusview import CorpusView
    from vizlib.views.panels import Picked

Panel = tuple[str, Callable[["CassetteView"], widgets.Widget]]
# Seconds a whole stream takes to play at the default speed.
PLAY_SECONDS = 10
PLAY_TICK_MS = 100
SPEEDS = (1, 3, 10, 30, 100, 300, 1000)


@cache
def _style() -> str:
    """The views' stylesheet (`vizlib.views.html.style`, read here without pandas)."""
    sheet = resources.files("vizlib.views").joinpath("templates/style.css")
    return sheet.read_text(encoding="utf-8")


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _overview(view: CassetteView) -> widgets.Widget:
    return view.overview


def _timeline(view: CassetteView) -> widgets.Widget:
    return widgets.VBox([view.card, view.timeline])


def _assembly(view: CassetteView) -> widgets.Widget:
    return widgets.VBox([view.controls, view.assembly])


def _usage(view: CassetteView) -> widgets.Widget:
    return view.usage


def _transcript(view: CassetteView) -> widgets.Widget:
    return widgets.VBox([view.search, view.transcript])


def _raw(view: CassetteView) -> widgets.Widget:
    return view.raw


def _run(view: CassetteView) -> widgets.Widget:
    """The run's threads as swimlanes; clicking a request selects it in the other tabs."""
    return view.run


PANELS: list[Panel] = [
    ("Overview", _overview),
    ("Token timeline", _timeline),
    ("Tool-call assembly", _assembly),
    ("Usage and cost", _usage),
    ("Transcript", _transcript),
    ("Raw", _raw),
    ("Run", _run),
]
TABS = tuple(title for title, _ in PANELS)


class CassetteView(widgets.VBox):  # type: ignore[misc]
    """Tabs over one cassette; a selector chooses the interaction the per-interaction tabs show.

    With `fill=False` the widgets start empty, ready to be displayed, and
    `fill()` builds what they show.
    """

    def __init__(
        self,
        cassette: Cassette,
        *,
        redact: bool = True,
        panels: list[Panel] | None = None,
        fill: bool = True,
    ) -> None:
        self.cassette = cassette
        self.redact = redact
        self.index = 0
        self.overview = widgets.HTML()
        self.selector = widgets.Dropdown(
            options=[],
            description="interaction",
            layout={"width": "min(640px, 100%)"},
            style={"description_width": "initial"},
        )
        self.timeline = Charts()
        self.timeline.on_click(self._clicked)
        self.usage = Charts()
        self.run = widgets.VBox()
        self.slider = widgets.IntSlider(
            description="chunks received",
            min=0,
            max=0,
            continuous_update=True,
            layout={"width": "min(560px, 100%)"},
            style={"description_width": "initial"},
        )
        self.play = widgets.Play(interval=PLAY_TICK_MS, min=0, max=0, show_repeat=False)
        widgets.jslink((self.play, "value"), (self.slider, "value"))
        self.speed = widgets.Dropdown(
            options=[(f"{s:,} chunks/s", s) for s in SPEEDS],
            value=SPEEDS[0],
            description="speed",
            layout={"width": "190px"},
            style={"description_width": "initial"},
        )
        self.end = widgets.Button(description="end", tooltip="jump to the last chunk")
        self.controls = widgets.HBox([self.play, self.slider, self.speed, self.end])
        self.controls.add_class("vz-keys")
        self.controls.layout.display = "none"
        self.assembly = widgets.HTML()
        self.search = widgets.Text(
            placeholder="filter the transcript", layout={"width": "min(400px, 100%)"}
        )
        self.transcript = widgets.HTML()
        self.raw = widgets.HTML()
        self.hooks = Hooks({"goto": lambda m: self._goto(m.get("interaction"))})
        self.card = widgets.HTML()
        chosen = PANELS if panels is None else panels
        self.tabs = widgets.Tab(children=[build(self) for _, build in chosen])
        self.tabs.titles = tuple(title for title, _ in chosen)
        self._picked: Picked | None = None
        self.filled = False
        name = shown_name(cassette.name, redact=redact)
        super().__init__(
            [
                widgets.HTML(
                    f"<style>{_style()}</style><div class='vz'><b>{html.escape(name)}</b> "
                    f"<span class='vz-muted'>{html.escape(cassette.container)}, "
                    f"{_plural(len(cassette), 'interaction')}</span></div>"
                ),
                self.selector,
                self.tabs,
                self.hooks,
            ]
        )
        self.add_class("vz-view")
        if fill:
            self.fill()

    def __repr__(self) -> str:
        name = shown_name(self.cassette.name, redact=self.redact)
        return f"<CassetteView of {name}: {_plural(len(self.cassette), 'interaction')}>"

    @paused
    def fill(self) -> None:
        """Build what the tabs show: the charts first, then the tables and texts."""
        if self.filled:
            return
        from vizlib.views import built  # noqa: PLC0415 - pandas loads once the view is on the page

        self.filled = True
        c = self.cassette
        if len(c):
            self.timeline.figures = built.timeline_figures(c, 0)
        self.usage.figures = built.usage_figures(c)
        from vizlib.views import panels  # noqa: PLC0415 - the analyses, once the charts are out

        self.overview.value = panels.overview(c)
        self.selector.options = panels.choices(c)
        self.selector.value = 0 if len(c) else None
        self.selector.observe(lambda change: self.select(change["new"]), names="value")
        self.slider.observe(lambda change: self._show_assembly(change["new"]), names="value")
        self.speed.observe(lambda change: self._set_speed(change["new"]), names="value")
        self.end.on_click(lambda _: setattr(self.slider, "value", self.slider.max))
        self.search.observe(lambda change: self._show_transcript(change["new"]), names="value")
        if len(c):
            self.select(0)
        table, lanes = panels.run_parts(c)
        if lanes:
            charts = Charts(lanes)
            charts.on_click(self._goto)
            self.run.children = [charts, widgets.HTML(table)]
        else:
            self.run.children = [widgets.HTML(panels.LINEAR_NOTE), widgets.HTML(table)]

    @paused
    def select(self, index: int) -> None:
        """Show interaction `index` in the per-interaction tabs."""
        from vizlib.views import built, panels  # noqa: PLC0415 - loaded by `fill` already

        self.fill()
        self.index = index
        c = self.cassette
        self.timeline.figures = built.timeline_figures(c, index)
        self._picked = picked = panels.picked(c, index, redact=self.redact)
        self.card.value = picked.card
        total = len(picked.events)
        self.controls.layout.display = None if picked.streamed else "none"
        self.play.playing = False
        self.play.min = self.slider.min = 0  # lowered first: max may never go below min
        self.play.max = self.slider.max = total
        self.play.min = self.slider.min = min(1, total)
        self.play.value = total  # the page's link copies the player's value to the slider
        self.speed.value = next((s for s in SPEEDS if s * PLAY_SECONDS >= total), SPEEDS[-1])
        self._set_speed(self.speed.value)
        if self.slider.value == total:
            self._show_assembly(total)
        self.slider.value = total
        self._show_transcript(self.search.value)
        self.raw.value = picked.raw

    def _set_speed(self, per_second: int) -> None:
        per_tick = per_second * PLAY_TICK_MS / 1000
        self.play.step = max(1, round(per_tick))
        self.play.interval = max(PLAY_TICK_MS, round(1000 / per_second))

    def _show_assembly(self, received: int) -> None:
        from vizlib.views import panels  # noqa: PLC0415 - loaded by `fill` already

        if self._picked is not None:
            self.assembly.value = panels.assembly(self._picked, received)

    def _show_transcript(self, query: str) -> None:
        from vizlib.views import panels  # noqa: PLC0415 - loaded by `fill` already

        if self._picked is not None:
            self.transcript.value = panels.transcript_of(
                self.cassette, self.index, query, picked=self._picked, redact=self.redact
            )

    def _clicked(self, seq: int) -> None:
        """A timeline chunk was clicked: the assembly shows the stream up to it."""
        self.slider.value = min(max(seq + 1, self.slider.min), self.slider.max)
        self.tabs.selected_index = TABS.index("Tool-call assembly")

    def _goto(self, interaction: object) -> None:
        if isinstance(interaction, int) and 0 <= interaction < len(self.cassette):
            self.selector.value = interaction


def __getattr__(name: str) -> Any:
    """`CorpusView` lives in `vizlib.views.corpusview` (pandas and pyarrow load with it)."""
    if name == "CorpusView":
        from vizlib.views.corpusview import CorpusView  # noqa: PLC0415

        return CorpusView
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _view(
    x: Any, redact: bool, errors: Literal["show", "raise"], *, fill: bool
) -> CassetteView | CorpusView:
    if isinstance(x, Cassette):  # the common case, before the corpus modules load
        return CassetteView(x, redact=redact, fill=fill)
    from vizlib.views.corpusview import corpus_view  # noqa: PLC0415 - pandas and pyarrow

    cassettes = corpus_view(x, redact=redact, errors=errors)
    if isinstance(cassettes, list):
        return CassetteView(cassettes[0], redact=redact, fill=fill)
    return cassettes


def view(
    x: Any, *, redact: bool = True, errors: Literal["show", "raise"] = "show"
) -> CassetteView | CorpusView:
    """The view of a cassette or a corpus (paths, a `Cassette`, a `Corpus`), not yet displayed.

    Folders, globs and lists of paths load through `load_many` (see `vizlib.show`).
    """
    return _view(x, redact, errors, fill=True)


def static_of(shown: CassetteView | CorpusView) -> dict[str, str]:
    """The static copy of a view, shown beside it."""
    if isinstance(shown, CassetteView):
        from vizlib.views.panels import static_copy  # noqa: PLC0415 - the report's modules

        return static_copy(shown.cassette, redact=shown.redact)
    from vizlib.views.static import dashboard_bundle  # noqa: PLC0415

    return dashboard_bundle(shown.table, redact=shown.redact)


def show(x: Any, *, redact: bool = True, errors: Literal["show", "raise"] = "show") -> None:
    """Display the view of a cassette or a corpus (paths, a `Cassette`, a `Corpus`).

    Like IPython's `display`, it returns nothing, so each call shows exactly
    one view: as a cell's last line, in a loop, or assigned. Outside IPython
    it does nothing; `view(x)` builds the widget without displaying it. The
    view's widgets are displayed first and filled after, so the page lays
    them out while the kernel builds their charts and tables.
    """
    if get_ipython() is None:
        view(x, redact=redact, errors=errors)
        return
    load_plotly()  # the page evaluates plotly.js while the kernel builds the view
    shown = _view(x, redact, errors, fill=False)
    display(shown)  # type: ignore[no-untyped-call]
    if isinstance(shown, CassetteView):
        shown.fill()
    display(static_of(shown), raw=True)  # type: ignore[no-untyped-call]
