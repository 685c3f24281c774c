"""How a folder's report stays fast without changing a byte of it: sections from the corpus's
rows (no frame of their own), built in worker processes, each text scanned for secrets once,
key shapes searched by their literal prefix."""

from __future__ import annotations

import os
import re
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import vizlib
import vizlib.frames
from tests.shared import SEED, require_shared
from vizlib.cassette import folder_files
from vizlib.corpus import Corpus, load_many
from vizlib.frames.summary import interaction_summary
from vizlib.secrets import remembering, scan
from vizlib.secrets.rules import _END, _START, SHAPES, _token, _tokens
from vizlib.standalone.build import sections_of
from vizlib.standalone.frames import FRAME_NAMES, SplitFrames
from vizlib.standalone.parallel import (
    PARALLEL_SECTIONS,
    PER_WORKER,
    sections_in_pool,
    workers_for,
)
from vizlib.standalone.sections import unpack


def _corpus() -> Corpus:
    return load_many(require_shared(), progress=False, cache=False)


def test_sections_built_in_workers_are_those_built_here() -> None:
    corpus = _corpus()
    split = SplitFrames({name: getattr(corpus, name) for name in FRAME_NAMES})
    here = sections_of((corpus.cassette(name) for name in corpus.names), redact=True, split=split)
    items = [
        (str(corpus.path(name)), name, position, split.part(name))
        for position, name in enumerate(corpus.names)
    ]
    seen: list[str] = []
    pooled = sections_in_pool(items, redact=True, workers=2, progress=seen.append)
    assert seen == corpus.names  # progress names each cassette, in order
    assert len(pooled) == len(here) == 195
    for a, b in zip(here, pooled, strict=True):
        assert (a.position, a.name, a.container, a.n_interactions) == (
            b.position,
            b.name,
            b.container,
            b.n_interactions,
        )
        assert unpack(a.payload) == unpack(b.payload)


def test_a_folder_is_reported_by_workers_and_a_few_files_here() -> None:
    cores = os.cpu_count() or 1
    assert workers_for(PARALLEL_SECTIONS - 1) == 0
    assert workers_for(195) == (min(cores, 195 // PER_WORKER) if cores > 1 else 0)


def test_a_section_builds_no_frame_of_its_cassette(monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = _corpus()
    split = SplitFrames({name: getattr(corpus, name) for name in FRAME_NAMES})
    cassettes = [corpus.cassette(name) for name in corpus.names]
    built: list[str] = []
    original = vizlib.frames.build_frame

    def counted(frame: str, *args: Any, **kwargs: Any) -> Any:
        built.append(frame)
        return original(frame, *args, **kwargs)

    monkeypatch.setattr(vizlib.frames, "build_frame", counted)
    sections = sections_of(cassettes, redact=True, split=split)
    assert len(sections) == 195
    assert built == []
    # a cassette reported alone builds its own frames once, as before
    sections_of([vizlib.load(SEED)], redact=True)
    assert sorted(built) == sorted(FRAME_NAMES)


def test_a_text_seen_again_is_not_scanned_again() -> None:
    texts = [
        text
        for path, name in folder_files(require_shared())
        for record in vizlib.load(path, name=name).records
        for text in (
            record.exchange.request.url,
            record.exchange.request.body,
            record.exchange.response.body,
        )
        if isinstance(text, str)
    ]
    fresh = [scan(text) for text in texts]
    assert sum(bool(found) for found in fresh) == 3  # the few secrets the shared folder holds
    with remembering():
        first = [scan(text) for text in texts]
        again = [scan(text) for text in texts]
        for found in again:
            found.clear()  # what a caller does with its list does not reach the memory
        assert [scan(text) for text in texts] == fresh
    assert first == fresh


PREFIXES = ["sk-", "sk-ant-", "AKIA", "ASIA", "AIza", "ya29.", "eyJ", "gsk_", "xoxb-", "ghp_"]
PIECES = [*PREFIXES, "\\n", "\\u0022", "%3D", "%zz", "\\", "-", "_", "a", "Z", "9", " ", '"', "."]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text("aZ9_-.x", max_size=40)), max_size=12))
def test_a_shape_found_by_its_prefix_is_the_shape_found_by_its_start(parts: list[str]) -> None:
    text = "".join(parts)
    rest = r"[A-Za-z0-9_\-]{8,}" + _END
    for prefix in PREFIXES:
        reference = re.compile(_START + re.escape(prefix) + rest)
        found = re.compile(_token(prefix, rest))
        assert [m.span() for m in found.finditer(text)] == [
            m.span() for m in reference.finditer(text)
        ]
    both = re.compile(_tokens(("AKIA", "ASIA"), rest))
    reference = re.compile(_START + "(?:AKIA|ASIA)" + rest)
    assert [m.span() for m in both.finditer(text)] == [m.span() for m in reference.finditer(text)]


def test_every_shape_still_finds_its_key() -> None:
    keys = {
        "secret/anthropic-key": "sk-ant-api03-" + "a" * 30,
        "secret/openai-key": "sk-proj-" + "b1" * 15,
        "secret/google-api-key": "AIza" + "c" * 35,
        "secret/oauth-token": "ya29." + "d" * 25,
        "secret/aws": "AKIA" + "E" * 16,
        "secret/jwt": "eyJ" + "f" * 12 + ".eyJ" + "g" * 12 + "." + "h" * 12,
        "secret/provider-key": "xoxb-" + "i" * 24,
    }
    for rule in SHAPES:
        if rule.id in keys:
            key = keys[rule.id]
            for before in ("", " ", "\\n", "\\u0022", "%3D"):
                text = f"{before}{key} end"
                assert rule.values(text) == [(len(before), len(before) + len(key))], (
                    rule.id,
                    before,
                )
            assert rule.values(f"x{key}") == []  # inside a longer token: not a key


def test_tool_names_are_counted_in_order_of_first_call() -> None:
    keys = ["cassette", "interaction"]
    calls = pd.DataFrame(
        {
            "cassette": pd.array(["b", "a", "b", "b", "b", "a", "c"], dtype="string[pyarrow]"),
            "interaction": [0, 1, 0, 0, 0, 1, 2],
            "name": pd.array(["z", "q", "y", None, "z", "q", None], dtype="string[pyarrow]"),
        }
    )
    interactions = pd.DataFrame(
        {
            "cassette": ["a", "b", "c"],
            "interaction": [1, 0, 2],
            **{c: [None] * 3 for c in ("api", "model", "stream", "status", "duration_s")},
            **{c: [0] * 3 for c in ("n_chunks", "n_tool_calls")},
        }
    )
    usage = pd.DataFrame(
        {
            **{k: interactions[k] for k in keys},
            **{c: [0] * 3 for c in ("input_tokens", "output_tokens", "cached_tokens")},
            "cost_usd": [0.0] * 3,
            "cost_source": ["reported"] * 3,
            "batch": [False] * 3,
        }
    )
    table = interaction_summary(interactions, usage, calls)
    assert table.tools.tolist() == ["q ×2", "z ×2, y", ""]  # a missing name is not counted
    assert table.tools.dtype == "string"
