"""Agent runs: threads, parents and relations, and tool calls followed across the whole file.

The expected structures below were written by reading the raw recordings;
the comments say what in each file decides each value.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pandas as pd
import pytest
from click.testing import CliRunner

import vizlib
from tests.agentrun import EXPECTED_LINKS, agent_run_har
from tests.shared import SHARED, need, require_shared, shared_files
from vizlib.analysis.problems import problems
from vizlib.analysis.threads import thread_table, thread_transcript
from vizlib.analysis.turns import request_growth
from vizlib.cli import main
from vizlib.readers import read_exchanges

INCOMING = SHARED.parent / "incoming"
LANGCHAIN_AGENT = (
    "openllmetry/packages__opentelemetry-instrumentation-langchain__tests__cassettes__"
    "test_agents__test_agents_with_events_with_content.yaml"
)
RECIPES = (
    "openllmetry/packages__opentelemetry-instrumentation-openai-agents__tests__cassettes__"
    "test_recipe_agents_hierarchy__test_recipe_agents_hierarchy.yaml"
)
TEAM = (
    "openllmetry/packages__opentelemetry-instrumentation-agno__tests__cassettes__"
    "test_team__test_team_discussion.yaml"
)
NOVA = (
    "pydantic-ai/tests__models__cassettes__test_multimodal_tool_returns__"
    "test_multimodal_tool_return_matrix[direct-url_force_download-document-bedrock_nova].yaml"
)
BACKGROUND = (
    "pydantic-ai/tests__models__cassettes__test_openai_responses__"
    "test_background_mode_with_tool_vcr.yaml"
)
LANGCHAINGO = "langchaingo/agents__testdata__TestOpenAIFunctionsAgentWithHTTPRR.httprr"
NA = None


def _incoming(name: str) -> vizlib.Cassette:
    require_shared()
    path = INCOMING / name
    if not path.exists():
        pytest.fail(f"{path} is missing")
    return vizlib.load(path)


def _links(cassette: vizlib.Cassette) -> list[tuple[int, int | None, str]]:
    ia = cassette.interactions
    return [
        (int(t), None if p is pd.NA else int(p), str(r))
        for t, p, r in zip(ia.thread, ia.parent, ia.relation, strict=True)
    ]


# The LangChain agent runs three times in one file, each run the same: LangSmith
# `GET /info` and the prompt pull `GET /commits/...` (no messages: side), the
# chat request [system, user] whose streamed answer calls tavily_search_results_json,
# the `POST api.tavily.com/search` (side), then the chat request that sends the
# call and its result back (tool_call_id = the call's id: continues it). Runs two
# and three repeat [system, user] after run one's was already continued, and
# share nothing past those opening messages: new conversations, new threads.
# The two LangSmith requests before any chat request join the first thread.
LANGCHAIN_LINKS = [
    (0, NA, "side"),
    (0, NA, "side"),
    (0, NA, "first"),
    (0, 2, "side"),
    (0, 2, "continues"),
    (0, 4, "side"),
    (0, 4, "side"),
    (1, NA, "first"),
    (1, 7, "side"),
    (1, 7, "continues"),
    (1, 9, "side"),
    (1, 9, "side"),
    (2, NA, "first"),
    (2, 12, "side"),
    (2, 12, "continues"),
]

# OpenAI Agents SDK over Responses. 0: the triage agent's instructions and the user
# question; it calls transfer_to_recipe_editor_agent (call_SnH1...). 1: the recipe
# editor's instructions (a new system message, so no prefix is shared) but its
# input carries function_call_output for call_SnH1: the handoff continues 0.
# 3 and 6 answer call_LajgH... (made by 1) and call_n4VX... (made by 3). Every
# `/v1/traces/ingest` post is a side request. 7 starts the editor agent again
# with only its instructions and the question: a new conversation; 9 answers
# 7's call_TK3d..., 10 answers 9's call_3Mfl....
RECIPE_LINKS = [
    (0, NA, "first"),
    (0, 0, "continues"),
    (0, 1, "side"),
    (0, 1, "continues"),
    (0, 3, "side"),
    (0, 3, "side"),
    (0, 3, "continues"),
    (1, NA, "first"),
    (1, 7, "side"),
    (1, 7, "continues"),
    (1, 9, "continues"),
]

# Agno team. 0: the leader (developer prompt "You are the leader of a team...")
# calls delegate_task_to_members with {"task": "Analyze the advantages and ..."}.
# 1 and 3: member agents (their own developer prompts) whose first user message
# starts with exactly that task: sub-agents of 0, each a thread of its own. Each
# member's run ends with a telemetry post to os-api.agno.com (side). 5: the
# leader again, sending the call back with the members' answers as its result.
TEAM_LINKS = [
    (0, NA, "first"),
    (1, 0, "subagent"),
    (1, 1, "side"),
    (2, 0, "subagent"),
    (2, 3, "side"),
    (0, 0, "continues"),
    (0, 5, "side"),
]

# pydantic-ai on Bedrock Converse: 0 calls get_file (tooluse_d682...), 1 downloads
# https://pdfobject.com/pdf/sample.pdf (side), 2 sends toolResult for that id.
NOVA_LINKS = [(0, NA, "first"), (0, 0, "side"), (0, 0, "continues")]

# Responses background mode: 0 is queued (no output), 1 polls its id
# resp_01b4... and gets the get_weather call, 2 sends that call and its output
# back (answers the poll's call id), 3 and 4 poll 2's id resp_0e6b... (in_progress,
# then completed with the answer).
BACKGROUND_LINKS = [
    (0, NA, "first"),
    (0, 0, "poll"),
    (0, 1, "continues"),
    (0, 2, "poll"),
    (0, 2, "poll"),
]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (LANGCHAIN_AGENT, LANGCHAIN_LINKS),
        (RECIPES, RECIPE_LINKS),
        (TEAM, TEAM_LINKS),
        (NOVA, NOVA_LINKS),
        (BACKGROUND, BACKGROUND_LINKS),
    ],
    ids=["langchain-agent", "recipe-hierarchy", "agno-team", "bedrock-nova-download", "background"],
)
def test_agent_runs_have_their_structure(name: str, expected: list[Any]) -> None:
    assert _links(_incoming(name)) == expected


def test_a_search_between_call_and_echo_no_longer_hides_the_round_trip() -> None:
    calls = _incoming(LANGCHAIN_AGENT).tool_calls
    assert calls.interaction.tolist() == [2, 7, 12]
    assert calls.roundtrip.tolist() == [True, True, True]
    assert calls.result_interaction.tolist() == [4, 9, 14]


def test_the_background_poll_yields_the_call_the_next_request_sends_back() -> None:
    c = _incoming(BACKGROUND)
    assert c.interactions.api.astype(str).tolist() == ["openai-responses"] * 5
    assert c.interactions.n_tool_calls.tolist() == [0, 1, 0, 0, 0]
    assert c.interactions.finish_reason.tolist() == [
        "queued",
        "completed",
        "queued",
        "in_progress",
        "completed",
    ]
    call = c.tool_calls.iloc[0]
    assert (call.interaction, call["name"], call.args, call.id) == (
        1,
        "get_weather",
        {"city": "Paris"},
        "call_JcaYgcpgGGTn4GjzjNDDB1xE",
    )
    assert (call.roundtrip, call.result, call.result_interaction) == (
        True,
        "Sunny and 72F in Paris",
        2,
    )
    answer = c.messages[(c.messages.interaction == 4) & (c.messages.source == "response")]
    assert answer.content.str.startswith("The weather in Paris is currently sunny").tolist() == [
        True
    ]


def test_the_team_leader_gets_its_members_answers_back() -> None:
    c = _incoming(TEAM)
    call = c.tool_calls.iloc[0]
    assert (call.interaction, call["name"], call.roundtrip, call.result_interaction) == (
        0,
        "delegate_task_to_members",
        True,
        5,
    )
    assert call.result.startswith("Agent TechnicalExpert:")


def test_a_plain_string_sent_back_is_flagged() -> None:
    # langchaingo's functions agent: the model called calculator with
    # {"__arg1":"15 * 4"}; the next request sends the arguments "15 * 4".
    require_shared()
    c = vizlib.load(SHARED / LANGCHAINGO)
    call = c.tool_calls.iloc[0]
    assert (call.roundtrip, call.result, call.result_interaction) == (False, "60", 1)
    assert problems(c)[0] == [
        "calculator: sent back as a plain string ('15 * 4') instead of its JSON arguments"
    ]
    assert _links(c) == [(0, NA, "first"), (0, 0, "continues")]


def test_a_synthetic_run_with_every_relation() -> None:
    c = vizlib.load(agent_run_har(), name="run.har")
    assert c.container == "har"
    assert _links(c) == EXPECTED_LINKS
    calls = c.tool_calls
    assert calls[["interaction", "name", "roundtrip", "result_interaction"]].values.tolist() == [
        [0, "research", True, 5],
        [1, "web_search", True, 3],  # sent back first by the request that failed
        [5, "book", False, 7],
    ]
    assert problems(c)[3] == ["HTTP 500"]
    assert problems(c)[5] == [
        "book: sent back as a plain string ('Lisbon') instead of its JSON arguments"
    ]


def test_a_linear_cassette_is_one_thread(seed: vizlib.Cassette) -> None:
    assert _links(seed) == [(0, NA, "first"), (0, 0, "continues")]
    assert seed.tool_calls.result_interaction.tolist() == [1, 1]


# --- every tool call sent back, checked against the raw request bodies ---

ID_KEYS = ("id", "call_id", "toolUseId")
RESULT_KEYS = ("tool_call_id", "tool_use_id", "toolUseId", "call_id")


def _objects(value: Any) -> list[dict[str, Any]]:
    found, stack = [], [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            found.append(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _echoes(objects: list[dict[str, Any]], call_id: str) -> list[dict[str, Any]]:
    """Tool calls in a request body with this id: an id key, and a name or a function."""
    return [
        o
        for o in objects
        if any(o.get(k) == call_id for k in ID_KEYS) and ("name" in o or "function" in o)
    ]


def _answers(objects: list[dict[str, Any]], call_id: str) -> bool:
    """Whether a request body carries a tool result for this id."""
    return any(
        any(o.get(k) == call_id for k in RESULT_KEYS) and "name" not in o and "function" not in o
        for o in objects
    )


def _raw_call(echo: dict[str, Any]) -> tuple[str, Any]:
    """The name and arguments (parsed where JSON) of a call as the raw request sends it."""
    function = echo.get("function") if isinstance(echo.get("function"), dict) else echo
    arguments = next((function[k] for k in ("arguments", "input", "args") if k in function), None)
    if isinstance(arguments, str):
        try:
            arguments = orjson.loads(arguments) if arguments.strip() else {}
        except orjson.JSONDecodeError:
            return function.get("name"), ("not JSON", arguments)
    return function.get("name"), {} if arguments is None else arguments


def _request_objects(path: Path | None, content: str | None) -> tuple[str, list[Any]]:
    raw = path.read_bytes() if path else (content or "").encode()
    container, exchanges = read_exchanges(raw, name=str(path or "run.har"))
    bodies = []
    for exchange in exchanges:
        try:
            bodies.append(_objects(orjson.loads(exchange.request.body or b"null")))
        except orjson.JSONDecodeError:
            bodies.append([])
    return container, bodies


def _check_sent_back(cassette: vizlib.Cassette, container: str, bodies: list[Any]) -> Counter[str]:
    """Assert every call's round trip against the raw bodies; count the echoes seen."""
    seen: Counter[str] = Counter()
    flat = [link for row in cassette.call_links for link in row]  # in the frame's row order
    for call, link in zip(cassette.tool_calls.itertuples(), flat, strict=True):
        where = f"interaction {call.interaction}, call {call.id} {call.name}"
        # roundtrip and result_interaction never contradict each other
        assert (call.roundtrip is pd.NA) == (link.echo is None), where
        if call.result_interaction is not pd.NA and link.echo is not None:
            assert call.result_interaction == link.echo, where
        if call.id is pd.NA:
            continue
        echo = next(
            (
                (later, found)
                for later in range(call.interaction + 1, len(bodies))
                if (found := _echoes(bodies[later], call.id))
            ),
            None,
        )
        if echo is None:
            # no later body carries this id: NA, unless the client rewrote the id and
            # the next request of the thread sends a call of that name in its place
            if call.roundtrip is not pd.NA:
                sent = [o for o in bodies[link.echo] if "name" in o or "function" in o]
                assert call.name in {_raw_call(o)[0] for o in sent}, where
            continue
        later, found = echo
        expected = any(_raw_call(o) == (call.name, call.args) for o in found)
        assert call.roundtrip is not pd.NA, where
        assert bool(call.roundtrip) is expected, where
        assert link.echo == later, where
        if _answers(bodies[later], call.id):
            assert call.result_interaction == later, where
        seen[container] += 1
    return seen


def _corpus_files() -> list[Any]:
    files = shared_files() + sorted(
        p for p in INCOMING.glob("**/*") if p.is_file() and p.name != "README.md"
    )
    if not files:
        return [pytest.param(None, id="shared-cassettes-missing")]
    return [pytest.param(p, id=str(p.relative_to(SHARED.parent))) for p in files]


@pytest.mark.parametrize("path", _corpus_files())
def test_every_call_sent_back_agrees_with_the_raw_file(path: Path | None) -> None:
    path = need(path)
    cassette = vizlib.load(path)
    container, bodies = _request_objects(path, None)
    _check_sent_back(cassette, container, bodies)


def test_echoes_are_checked_in_every_container() -> None:
    require_shared()
    seen: Counter[str] = Counter()
    for path in shared_files() + sorted(INCOMING.glob("**/*.yaml")):
        container, bodies = _request_objects(path, None)
        seen += _check_sent_back(vizlib.load(path), container, bodies)
    har = agent_run_har()  # the shared HAR files hold no tool calls sent back
    container, bodies = _request_objects(None, har)
    seen += _check_sent_back(vizlib.load(har, name="run.har"), container, bodies)
    assert set(seen) >= {"go-vcr", "vcr.py", "ruby-vcr", "har", "httprr"}, seen
    assert seen["har"] == 3
    assert seen["httprr"] == 1


def test_tokens_and_cost_per_thread_and_sub_agent() -> None:
    c = _incoming(TEAM)
    table = thread_table(c).set_index("thread")
    usage = c.usage.set_index("interaction")
    # the leader (0 and 5), then each member agent with its own request
    assert table.requests.tolist() == [2, 1, 1]
    assert table.side_requests.tolist() == [1, 1, 1]
    assert table.relation.tolist() == ["first", "subagent", "subagent"]
    assert table.parent_thread.tolist() == [pd.NA, 0, 0]
    own = [usage.loc[[0, 5]], usage.loc[[1]], usage.loc[[3]]]
    assert table.input_tokens.tolist() == [int(u.input_tokens.sum()) for u in own]
    assert table.output_tokens.tolist() == [int(u.output_tokens.sum()) for u in own]
    assert table.at[0, "total_input_tokens"] == int(usage.input_tokens.sum())
    assert table.at[0, "total_cost_usd"] == pytest.approx(usage.cost_usd.sum())
    assert table.at[1, "total_cost_usd"] == pytest.approx(usage.at[1, "cost_usd"])


def test_a_thread_transcript_reads_each_message_once() -> None:
    c = vizlib.load(agent_run_har(), name="run.har")
    main = [(t.role, t.source, t.content) for t in thread_transcript(c, 0)]
    assert main == [
        (
            "system",
            "request",
            "You coordinate trip planning. Delegate research with the research tool.",
        ),
        ("user", "request", "Plan Lisbon."),
        ("assistant", "response", ""),
        ("tool", "request", "Lisbon in May is mostly sunny, around 22C."),
        ("assistant", "response", ""),
        ("tool", "request", "Booked."),
        ("assistant", "response", "Booked Lisbon for May; expect sun."),
    ]
    research = thread_transcript(c, 1)
    # the sub-agent: its task, the search call, its result, then (the retry's) answer
    assert [t.role for t in research] == ["system", "user", "assistant", "tool", "assistant"]
    assert research[-1].content == "Lisbon in May is mostly sunny, around 22C."
    assert [t.content for t in thread_transcript(c, 2)] == [
        "Make it June.",
        "June in Lisbon is warmer still.",
    ]


def test_turns_compare_each_request_with_its_parent() -> None:
    growth = request_growth(_incoming(LANGCHAIN_AGENT))
    # 4 continues 2 across the Tavily search; 7 starts again though 6 came before it
    assert [(g.interaction, g.parent, g.shared_prefix, g.diverged) for g in growth[2:8]] == [
        (2, None, 0, "first request"),
        (3, 2, 0, "side request (no conversation)"),
        (4, 2, 2, "extends #2"),
        (5, 4, 0, "side request (no conversation)"),
        (6, 4, 0, "side request (no conversation)"),
        (7, None, 0, "first request"),
    ]


def test_summary_shows_thread_and_relation() -> None:
    require_shared()
    result = CliRunner().invoke(main, ["summary", str(INCOMING / TEAM)])
    assert result.exit_code == 0, result.output
    rows = [line for line in result.output.splitlines() if line.startswith("│")]
    cells = [[cell.strip() for cell in row.strip("│").split("│")][:2] for row in rows]
    # each row: the interaction, then its thread, relation and parent
    assert cells == [
        ["0", "0 first"],
        ["1", "1 subagent #0"],
        ["2", "1 side #1"],
        ["3", "2 subagent #0"],
        ["4", "2 side #3"],
        ["5", "0 continues #0"],
        ["6", "0 side #5"],
    ]
