"""A run's structure from its traffic alone: which request continues which, and in what way.

An agent's recording interleaves several conversations: the main loop, side
requests (search, downloads, telemetry), sub-agents, retries and background
polls. Each interaction gets a `Link`: its thread (a small integer, in order
of first appearance), its parent (the interaction it continues) and its
relation to that parent. Pure functions over decoded records; no pandas.

How a request's parent is chosen, first rule that applies:

- `poll`: a Responses `GET /responses/{id}`; the parent made that response.
- `continues` via `previous_response_id` (Responses API).
- `retry`: exactly the messages of an earlier request that nothing has
  continued yet (after `length`, an error, or to a fallback model).
- `continues`: it answers an earlier request's tool calls by id (the latest
  such request), else it extends an earlier request's messages (the one it
  extends the most). A second request continuing the same parent is a `branch`.
- `branch`: it shares a prefix with an earlier request that reaches past the
  opening messages (an assistant or tool message), then differs.
- `subagent`: a new conversation whose first user message is the arguments
  (or one string argument) of a tool call not yet answered.
- `first`: none of these; a new conversation.
- `side`: a request that carries no conversation at all; it joins the thread
  of the conversation request before it (that request is its parent).

Only requests of the same API are compared.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

import orjson

from vizlib.records import Interaction, Message

Relation = Literal["first", "continues", "retry", "branch", "side", "poll", "subagent"]
RELATIONS: tuple[str, ...] = get_args(Relation)
_NEW_THREAD = frozenset({"first", "branch", "subagent"})
_SHORTEST_ARGUMENT = 8  # a string argument shorter than this does not identify a task


@dataclass(frozen=True, slots=True)
class Link:
    """Where one interaction sits in the run."""

    thread: int
    parent: int | None
    relation: Relation


def polled_response_id(item: Interaction) -> str | None:
    """The response id a Responses `GET /responses/{id}` polls, else None."""
    request = item.exchange.request
    if request.method.upper() != "GET" or item.decoded.api != "openai-responses":
        return None
    segments = request.url.split("?", 1)[0].split("#", 1)[0].rstrip("/").split("/")
    return segments[-1] if len(segments) > 1 and segments[-2] == "responses" else None


def previous_response_id(item: Interaction) -> str | None:
    """The `previous_response_id` a Responses request names, else None."""
    if item.decoded.api != "openai-responses":
        return None
    body = item.exchange.request.body
    needle = "previous_response_id"
    if needle not in body if isinstance(body, str) else needle.encode() not in body:
        return None
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    found = value.get(needle) if isinstance(value, dict) else None
    return found if isinstance(found, str) and found else None


def request_messages(item: Interaction) -> list[Message]:
    """The messages the request sent (the response's output left out)."""
    return [m for m in item.decoded.messages if m.source == "request"]


def string_arguments(arguments: str) -> list[str]:
    """A tool call's argument text, and every string value inside it where it is JSON."""
    out = [arguments]
    try:
        value: Any = orjson.loads(arguments)
    except orjson.JSONDecodeError:
        return out
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return out


def _prefix_hashes(api: str, messages: Sequence[Message]) -> Iterator[int]:
    """A hash of each non-empty prefix of the messages, shortest first."""
    running = hash(api)
    for message in messages:
        running = hash((running, message))
        yield running


def _is_subtask(first_user: str, strings: list[str]) -> bool:
    text = first_user.strip()
    return any(
        len(value) >= _SHORTEST_ARGUMENT and value in text for value in (s.strip() for s in strings)
    )


class _Builder:
    """Links built in one pass, with the indexes the rules look things up in."""

    def __init__(self) -> None:
        self.links: list[Link | None] = []
        self.threads = 0
        self.exact: dict[tuple[int, int], int] = {}  # (length, hash) -> latest request
        self.prefixes: dict[tuple[int, int], int] = {}  # (length, hash) -> latest sharing it
        self.signature: dict[int, tuple[int, int]] = {}  # request -> (length, hash)
        self.continued: set[int] = set()
        self.by_response: dict[str, int] = {}
        self.call_maker: dict[str, int] = {}
        self.calls: list[tuple[int, str | None, list[str]]] = []  # maker, call id, strings
        self.answered: set[str] = set()
        self.last_conversation: int | None = None

    def new_thread(self) -> int:
        self.threads += 1
        return self.threads - 1

    def link(self, parent: int | None, relation: Relation) -> Link:
        if parent is None or relation in _NEW_THREAD:
            return Link(self.new_thread(), parent, relation)
        parent_link = self.links[parent]
        assert parent_link is not None
        return Link(parent_link.thread, parent, relation)

    def extension(self, parent: int) -> Link:
        """`continues` the parent, or `branch` where another request already continues it."""
        if parent in self.continued:
            return self.link(parent, "branch")
        self.continued.add(parent)
        return self.link(parent, "continues")

    def conversation(self, item: Interaction, messages: list[Message]) -> Link:
        api = item.decoded.api
        hashes = list(_prefix_hashes(api, messages))
        count = len(hashes)
        answers = [m.tool_call_id for m in messages if m.role == "tool" and m.tool_call_id]
        by_id = max((self.call_maker[i] for i in answers if i in self.call_maker), default=None)
        same = self.exact.get((count, hashes[-1]))
        extended = next(
            (
                (length, self.exact[(length, hashes[length - 1])])
                for length in range(count - 1, 0, -1)
                if (length, hashes[length - 1]) in self.exact
            ),
            None,
        )
        if by_id is not None and extended is not None:
            # the id's maker, unless a request it led to is extended further
            length, value = self.signature.get(by_id, (0, 0))
            if extended[0] <= length <= count and hashes[length - 1] == value:
                extended = None
        shared = next(
            (
                (length, self.prefixes[(length, hashes[length - 1])])
                for length in range(count, 0, -1)
                if (length, hashes[length - 1]) in self.prefixes
            ),
            None,
        )
        previous = self.by_response.get(previous_response_id(item) or "")
        if previous is not None:
            link = self.extension(previous)
        elif same is not None and same not in self.continued:
            link = self.link(same, "retry")
        elif extended is not None and (by_id is None or extended[1] > by_id):
            link = self.extension(extended[1])
        elif by_id is not None:
            link = self.extension(by_id)
        elif shared and any(m.role in ("assistant", "tool") for m in messages[: shared[0]]):
            link = self.link(shared[1], "branch")
        else:
            link = self.link(self.spawner(messages), "subagent")
            if link.parent is None:
                link = Link(link.thread, None, "first")
        for length, value in enumerate(hashes, 1):
            self.prefixes[(length, value)] = item.index
        self.exact[(count, hashes[-1])] = item.index
        self.signature[item.index] = (count, hashes[-1])
        self.answered.update(answers)
        return link

    def spawner(self, messages: list[Message]) -> int | None:
        """The latest unanswered tool call whose arguments are this conversation's task."""
        first_user = next((m.content for m in messages if m.role == "user"), None)
        if not first_user:
            return None
        for maker, call_id, strings in reversed(self.calls):
            if call_id not in self.answered and _is_subtask(first_user, strings):
                return maker
        return None

    def record_output(self, item: Interaction) -> None:
        decoded = item.decoded
        if decoded.response_id:
            self.by_response.setdefault(decoded.response_id, item.index)
        for call in decoded.tool_calls:
            if call.id:
                self.call_maker[call.id] = item.index
            self.calls.append((item.index, call.id, string_arguments(call.arguments)))

    def add(self, item: Interaction) -> None:
        polled = polled_response_id(item)
        messages = request_messages(item)
        if polled is not None:
            link = self.link(self.by_response.get(polled), "poll")
        elif messages:
            link = self.conversation(item, messages)
        else:
            self.links.append(None)  # a side request: placed once the whole run is known
            return
        self.links.append(link)
        self.record_output(item)


def run_links(interactions: Sequence[Interaction]) -> list[Link]:
    """Each interaction's thread, parent and relation, in the order of the file."""
    builder = _Builder()
    for item in interactions:
        builder.add(item)
    links = builder.links
    # side requests before any conversation join the first one's thread (0 where none is)
    first = next((link for link in links if link is not None), None)
    out: list[Link] = []
    before: int | None = None
    for position, link in enumerate(links):
        if link is not None:
            before = position
            out.append(link)
            continue
        if before is not None:
            anchor = links[before]
            assert anchor is not None
            out.append(Link(anchor.thread, before, "side"))
            continue
        out.append(Link(first.thread if first else 0, None, "side"))
    return out
