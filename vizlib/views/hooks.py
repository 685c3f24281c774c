"""A small widget inside each view that relays clicks the ipywidgets cannot observe."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from typing import Any, Literal, TypedDict

import anywidget
import traitlets


class Goto(TypedDict):
    """A result's link to the interaction that carried it was clicked."""

    type: Literal["goto"]
    interaction: int


class Open(TypedDict):
    """A cassette's name in the dashboard was clicked (its position in the folder)."""

    type: Literal["open"]
    position: int


class Sort(TypedDict):
    """A dashboard column header was clicked."""

    type: Literal["sort"]
    key: str


def _esm() -> str:
    return resources.files("vizlib.views").joinpath("hooks.js").read_text(encoding="utf-8")


class Hooks(anywidget.AnyWidget):
    """Calls `handlers[type](message)` for each message the view's page sends."""

    _esm = traitlets.Unicode(_esm()).tag(sync=True)

    def __init__(self, handlers: dict[str, Callable[[dict[str, Any]], None]]) -> None:
        super().__init__(layout={"height": "0px", "overflow": "hidden"})
        self.handlers = handlers
        self.on_msg(self._message)

    def _message(self, _widget: object, content: dict[str, Any], _buffers: object) -> None:
        handler = self.handlers.get(content.get("type", "")) if isinstance(content, dict) else None
        if handler is not None:
            handler(content)
