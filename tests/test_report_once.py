"""A folder's report decodes each file once: its sections come from the load.

`load_many(each=...)` hands every decoded cassette to a callable, and
`each_batch=...` each batch of them with its tables. A large folder's report
builds each section in the worker that decoded the file, from the batch's
rows; a small one keeps the cassettes and builds the sections from them. The
files are not read again: a report of files deleted after their load still
holds every section, byte for byte.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from tests.pages import payloads
from tests.shared import require_shared
from vizlib import corpus as corpus_module
from vizlib.cassette import Cassette, folder_files
from vizlib.corpus import load_many
from vizlib.standalone import build, parallel, source
from vizlib.standalone.build import corpus_report_html
from vizlib.standalone.parallel import PARALLEL_SECTIONS
from vizlib.standalone.sections import Section, build_section
from vizlib.standalone.source import kept, prebuilt, report_corpus


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
    monkeypatch.setattr(corpus_module, "PARALLEL_BYTES", 1)
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
    corpus = load_many(require_shared(), progress=False)  # no section built by the load
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


def _keys_and_rows(
    cassettes: Sequence[tuple[str, Cassette]], tables: Mapping[str, pa.Table]
) -> dict[str, Any]:
    keys = tables["chunks"].column("_key").to_pylist()
    return {key: (os.getpid(), cassette.name, keys.count(key)) for key, cassette in cassettes}


def test_each_batch_gets_the_cassettes_of_a_batch_and_its_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIZLIB_CACHE_DIR", str(tmp_path / "cache"))
    folder = _copy(30, tmp_path)
    (folder / "broken.yaml").write_text("interactions: [")
    with ProcessPoolExecutor(max_workers=2) as pool:
        corpus = load_many(folder, progress=False, executor=pool, each_batch=_keys_and_rows)
    chunks = corpus.chunks.groupby("cassette", observed=True).size()
    assert list(corpus.results) == corpus.names  # a bad file has no result
    assert {name: (name, int(chunks.get(name, 0))) for name in corpus.names} == {
        name: result[1:] for name, result in corpus.results.items()
    }
    assert os.getpid() not in {pid for pid, _, _ in corpus.results.values()}  # in the workers
    assert load_many(folder, progress=False, each_batch=_keys_and_rows).results == {}  # cached


def _no_section_here(*args: object, **kwargs: object) -> Section:
    raise AssertionError("a section was built after the load")


def test_a_large_folder_has_its_sections_built_where_its_files_are_decoded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIZLIB_CACHE_DIR", str(tmp_path / "cache"))
    shared = require_shared()
    plain = {
        redact: payloads(
            corpus_report_html(load_many(shared, progress=False, cache=False), redact=redact)
        )
        for redact in (True, False)
    }
    corpus = report_corpus(shared, progress=False, cache=False)
    assert set(prebuilt(corpus, redact=True)) == set(corpus.names)
    assert prebuilt(corpus, redact=False) == {}  # built redacted: not for an unredacted page
    monkeypatch.setattr(build, "build_section", _no_section_here)
    monkeypatch.setattr(build, "sections_in_pool", _no_section_here)
    seen: list[str] = []
    assert payloads(corpus_report_html(corpus, progress=seen.append)) == plain[True]
    assert seen == corpus.names
    monkeypatch.undo()
    monkeypatch.setenv("VIZLIB_CACHE_DIR", str(tmp_path / "cache"))
    assert payloads(corpus_report_html(corpus, redact=False)) == plain[False]
    unredacted = report_corpus(shared, progress=False, cache=False, redact=False)
    assert set(prebuilt(unredacted, redact=False)) == set(corpus.names)


def test_sections_placed_after_a_file_that_failed_are_built_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIZLIB_CACHE_DIR", str(tmp_path / "cache"))
    folder = _copy(PARALLEL_SECTIONS + 10, tmp_path)
    names = [name for _, name in folder_files(folder)]
    neighbour = Path(names[20])
    broken = folder / neighbour.with_name(neighbour.stem + "-broken.yaml")  # in the middle
    broken.write_text("interactions: [")
    expected = payloads(corpus_report_html(load_many(folder, progress=False, cache=False)))
    corpus = report_corpus(folder, progress=False, cache=False)
    assert corpus.errors.file.tolist() == [broken.relative_to(folder).as_posix()]
    listed = [name for _, name in folder_files(folder)]
    failed_at = listed.index(corpus.errors.file[0])
    assert 20 <= failed_at < len(listed) - 20
    fitting = prebuilt(corpus, redact=True)
    assert set(fitting) == set(listed[:failed_at])  # those after it moved up one place
    assert payloads(corpus_report_html(corpus)) == expected


def _section_dies_in_a_worker(cassette: Cassette, position: int, **kwargs: Any) -> Section:
    if os.getpid() != _PARENT:
        os._exit(1)  # a worker killed (out of memory) while it loads
    return build_section(cassette, position, **kwargs)


def test_a_load_worker_that_dies_still_leaves_every_section(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIZLIB_CACHE_DIR", str(tmp_path / "cache"))
    shared = require_shared()
    expected = payloads(corpus_report_html(load_many(shared, progress=False, cache=False)))
    monkeypatch.setattr(source, "build_section", _section_dies_in_a_worker)
    corpus = report_corpus(shared, progress=False)
    assert corpus.errors.empty
    assert prebuilt(corpus, redact=True) == {}
    assert list(kept(corpus)) == corpus.names  # loaded here, keeping what it decoded
    assert payloads(corpus_report_html(corpus)) == expected
