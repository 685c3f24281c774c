"""A folder's report decodes each file once: the load keeps the cassettes its sections need.

`load_many(each=...)` hands every decoded cassette to a callable; the report
keeps them and builds its sections from them, in this process or in forked
workers, so the files are not read again: a report of files deleted after
their load still holds every section, byte for byte.
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.pages import payloads
from tests.shared import require_shared
from vizlib.cassette import Cassette, folder_files
from vizlib.corpus import load_many
from vizlib.standalone import parallel, source
from vizlib.standalone.build import corpus_report_html
from vizlib.standalone.parallel import PARALLEL_SECTIONS
from vizlib.standalone.sections import Section, build_section
from vizlib.standalone.source import kept, report_corpus


def _size(cassette: Cassette) -> tuple[str, int]:
    return cassette.name, len(cassette)


def _copy(count: int, tmp_path: Path) -> Path:
    """The first `count` shared cassettes, copied under `tmp_path` with their relative paths."""
    folder = tmp_path / "copy"
    for path, name in folder_files(require_shared())[:count]:
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return folder


def test_each_gets_every_cassette_decoded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIZLIB_CACHE_DIR", str(tmp_path / "cache"))
    folder = _copy(30, tmp_path)
    (folder / "broken.yaml").write_text("interactions: [")
    corpus = load_many(folder, progress=False, each=_size)
    counts = corpus.interactions.groupby("cassette", observed=True).size()
    assert len(corpus.names) == 30
    assert corpus.errors.file.tolist() == ["broken.yaml"]  # a bad file has no result
    assert corpus.results == {name: (name, int(counts.get(name, 0))) for name in corpus.names}
    assert sum(n for _, n in corpus.results.values()) == len(corpus.interactions)
    # read from the cache, nothing is decoded: no result
    assert load_many(folder, progress=False, each=_size).results == {}
    # decoded by worker processes, the results come back from them
    with ProcessPoolExecutor(max_workers=2) as pool:
        pooled = load_many(folder, progress=False, cache=False, executor=pool, each=_size)
    assert pooled.results == corpus.results


def test_cassettes_are_kept_only_for_a_corpus_decoded_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIZLIB_CACHE_DIR", str(tmp_path / "cache"))
    folder = _copy(5, tmp_path)
    corpus = report_corpus(folder, progress=False, cache=False)
    held = kept(corpus)
    assert list(held) == corpus.names
    assert [len(c) for c in held.values()] == [len(corpus.cassette(n)) for n in corpus.names]
    expected = payloads(corpus_report_html(corpus))
    # a corpus as large as load_many decodes in a pool keeps nothing: sections read the files
    monkeypatch.setattr(source, "PARALLEL_BYTES", 1)
    large = report_corpus(folder, progress=False, cache=False)
    assert large.names == corpus.names
    assert kept(large) == {}
    assert payloads(corpus_report_html(large)) == expected


@pytest.mark.parametrize("count", [PARALLEL_SECTIONS - 1, 195], ids=["here", "workers"])
def test_sections_come_from_the_load_not_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    monkeypatch.setenv("VIZLIB_CACHE_DIR", str(tmp_path / "cache"))  # empty: every file decoded
    folder = _copy(count, tmp_path)
    expected = payloads(corpus_report_html(load_many(folder, progress=False, cache=False)))
    corpus = report_corpus(folder, progress=False)
    shutil.rmtree(folder)  # a second read of any file would now fail
    seen: list[str] = []
    page = corpus_report_html(corpus, progress=seen.append)
    assert seen == corpus.names
    assert len(corpus.names) == count
    assert "no such file" not in page
    assert payloads(page) == expected


_PARENT = os.getpid()


def _dies_in_a_worker(cassette: Cassette, position: int, **kwargs: Any) -> Section:
    if os.getpid() != _PARENT:
        os._exit(1)  # a worker killed (out of memory)
    return build_section(cassette, position, **kwargs)


def test_a_worker_that_dies_still_leaves_every_section(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIZLIB_CACHE_DIR", str(tmp_path / "cache"))
    corpus = report_corpus(require_shared(), progress=False)
    expected = payloads(corpus_report_html(corpus))
    monkeypatch.setattr(parallel, "build_section", _dies_in_a_worker)
    seen: list[str] = []
    page = corpus_report_html(corpus, progress=seen.append)
    assert seen == corpus.names  # progress still names each cassette once, in order
    assert payloads(page) == expected


def test_a_generator_of_paths_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIZLIB_CACHE_DIR", str(tmp_path / "cache"))
    folder = _copy(3, tmp_path)
    paths = sorted(folder.rglob("*.*"))
    corpus = report_corpus(p for p in paths)
    assert corpus.names == [p.name for p in paths]
    assert list(kept(corpus)) == corpus.names
