"""Corpora: parallel, distributed and serial loads agree; the cache is used and never stale;
Parquet round-trips; one bad file never stops the rest."""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

import vizlib
from tests.shared import SHARED, require_shared
from vizlib.cassette import CASSETTE_SUFFIXES, cassette_files
from vizlib.corpus import _batches, read_parquet
from vizlib.frames import FRAMES
from vizlib.synthetic import synthetic_cassette, write_corpus


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("VIZLIB_CACHE_DIR", str(cache))
    return cache


def models_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    if "model" not in frame:
        return frame
    assert isinstance(frame.model.dtype, pd.CategoricalDtype)
    return frame.assign(model=frame.model.astype("string[pyarrow]"))


def assert_same_frames(left: vizlib.Corpus, right: vizlib.Corpus) -> None:
    assert left.names == right.names
    for frame in FRAMES:
        pd.testing.assert_frame_equal(getattr(left, frame), getattr(right, frame))


@pytest.fixture(scope="module")
def serial() -> vizlib.Corpus:
    require_shared()
    return vizlib.load_many(SHARED, cache=False, progress=False)


def test_the_corpus_is_the_cassettes_concatenated(serial: vizlib.Corpus) -> None:
    files = [p for p in SHARED.rglob("*") if p.is_file() and p.name != "README.md"]
    assert len(serial) == len(files)
    assert serial.errors.empty
    one = vizlib.load(
        SHARED / "seed/multi_tool_streaming_kimi-k2.yaml",
        name="seed/multi_tool_streaming_kimi-k2.yaml",
    )
    for frame in FRAMES:
        rows = getattr(serial, frame)
        mine = rows[rows.cassette == one.name].reset_index(drop=True)
        # an open categorical (model) has the categories of the frame it is in
        pd.testing.assert_frame_equal(models_as_text(mine), models_as_text(getattr(one, frame)))
    assert (
        serial.interactions.cassette.iloc[0]
        == "fantasy/TestAnthropicCommon/claude-sonnet-4/multi_tool.yaml"
    )


def test_parallel_and_serial_loads_are_identical(serial: vizlib.Corpus) -> None:
    with ProcessPoolExecutor(max_workers=2) as pool:
        parallel = vizlib.load_many(SHARED, cache=False, progress=False, executor=pool)
    assert_same_frames(serial, parallel)


def test_a_dask_distributed_cluster_gives_identical_frames(serial: vizlib.Corpus) -> None:
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        corpus = vizlib.load_many(
            SHARED, cache=False, progress=False, executor=client.get_executor()
        )
    assert_same_frames(serial, corpus)


def test_warm_loads_read_the_cache_and_agree(serial: vizlib.Corpus, private_cache: Path) -> None:
    cold = vizlib.load_many(SHARED, progress=False)
    segments = list(private_cache.rglob("keys.txt"))
    assert len(segments) == 1
    warm = vizlib.load_many(SHARED, progress=False)
    assert list(private_cache.rglob("keys.txt")) == segments  # nothing decoded again
    assert_same_frames(serial, cold)
    assert_same_frames(serial, warm)


def test_a_changed_file_is_never_served_stale(tmp_path: Path, private_cache: Path) -> None:
    folder = tmp_path / "cassettes"
    write_corpus(folder, files=3, events_per_file=60)
    first = vizlib.load_many(folder, progress=False)
    target = folder / "openai-00001.yaml"
    target.write_text(synthetic_cassette(90, seed=99, calls=1))
    second = vizlib.load_many(folder, progress=False)
    changed = second.interactions[second.interactions.cassette == target.name]
    assert (
        changed.n_chunks.sum()
        != first.interactions[first.interactions.cassette == target.name].n_chunks.sum()
    )
    assert second.tool_calls[second.tool_calls.cassette == target.name].tool_index.tolist() == [0]
    fresh = vizlib.load_many(folder, progress=False, cache=False)
    for frame in FRAMES:
        pd.testing.assert_frame_equal(getattr(second, frame), getattr(fresh, frame))
    assert (
        len(list(private_cache.rglob("keys.txt"))) == 2
    )  # only the changed file was decoded again


def _decoding_fails(*args: object, **kwargs: object) -> object:
    raise AssertionError("a file was decoded")


def _corpus_entries(cache: Path) -> list[Path]:
    return sorted(p for p in cache.glob("*/corpora/*") if not p.name.endswith(".partial"))


def test_a_folder_loaded_again_is_read_whole_from_its_corpus_entry(
    tmp_path: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "suite"
    write_corpus(folder, files=4, events_per_file=50)
    first = vizlib.load_many(folder, progress=False)
    assert len(_corpus_entries(private_cache)) == 1
    for segment in list(private_cache.rglob("keys.txt")):  # only the corpus entry serves it
        shutil.rmtree(segment.parent)
    monkeypatch.setattr("vizlib.corpus.decode_batch", _decoding_fails)
    again = vizlib.load_many(folder, progress=False)
    assert_same_frames(first, again)
    assert again.path("openai-00000.yaml") == folder / "openai-00000.yaml"
    with pytest.raises(AssertionError, match="a file was decoded"):  # another set of files
        vizlib.load_many(sorted(folder.iterdir())[:2], progress=False)


def test_no_corpus_entry_where_a_file_failed_and_a_damaged_one_is_replaced(
    tmp_path: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "suite"
    write_corpus(folder, files=3, events_per_file=40)
    (folder / "broken.yaml").write_text("interactions: [\n  {request: ")
    for _ in range(2):  # a file that cannot be read is read (and reported) every time
        corpus = vizlib.load_many(folder, progress=False)
        assert corpus.errors.file.tolist() == ["broken.yaml"]
        assert _corpus_entries(private_cache) == []
    (folder / "broken.yaml").unlink()
    vizlib.load_many(folder, progress=False)
    (entry,) = _corpus_entries(private_cache)
    chunks = entry / "chunks.arrow"
    chunks.write_bytes(chunks.read_bytes()[:100])
    damaged = vizlib.load_many(folder, progress=False)
    fresh = vizlib.load_many(folder, progress=False, cache=False)
    assert_same_frames(damaged, fresh)
    for segment in list(private_cache.rglob("keys.txt")):
        shutil.rmtree(segment.parent)
    monkeypatch.setattr("vizlib.corpus.decode_batch", _decoding_fails)
    assert_same_frames(vizlib.load_many(folder, progress=False), fresh)  # stored again, whole


def test_only_the_most_recently_used_corpus_entries_are_kept(
    tmp_path: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("vizlib.cache.CORPORA_KEPT", 2)
    files = write_corpus(tmp_path / "suite", files=4, events_per_file=20)
    subsets = [files[:1], files[:2], files[:3]]
    vizlib.load_many(subsets[0], progress=False)
    vizlib.load_many(subsets[1], progress=False)
    entries = _corpus_entries(private_cache)
    os.utime(entries[0], (1, 1))
    os.utime(entries[1], (1, 1))
    vizlib.load_many(subsets[0], progress=False)  # used again: the most recent
    vizlib.load_many(subsets[2], progress=False)  # stored; the least recently used goes
    assert len(_corpus_entries(private_cache)) == 2
    for segment in list(private_cache.rglob("keys.txt")):
        shutil.rmtree(segment.parent)
    monkeypatch.setattr("vizlib.corpus.decode_batch", _decoding_fails)
    vizlib.load_many(subsets[0], progress=False)
    vizlib.load_many(subsets[2], progress=False)
    with pytest.raises(AssertionError, match="a file was decoded"):
        vizlib.load_many(subsets[1], progress=False)


def test_to_parquet_round_trips_every_frame(serial: vizlib.Corpus, tmp_path: Path) -> None:
    out = serial.to_parquet(tmp_path / "parquet")
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{f}.parquet" for f in FRAMES] + ["errors.parquet"]
    )
    for frame in FRAMES:
        back = read_parquet(out, frame)
        pd.testing.assert_frame_equal(back, getattr(serial, frame))
        assert back.dtypes.to_dict() == getattr(serial, frame).dtypes.to_dict()
    assert read_parquet(out, "errors").columns.tolist() == [
        "file",
        "interaction",
        "event",
        "message",
    ]


def test_bad_files_become_error_rows_and_the_rest_loads(tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    write_corpus(folder, files=4, events_per_file=40)
    (folder / "broken.yaml").write_text("interactions: [\n  {request: ")
    (folder / "not-a-cassette.json").write_text('{"hello": "world"}')
    (folder / "bad-interaction.yaml").write_text("version: 2\ninteractions:\n  - 7\n")
    corpus = vizlib.load_many(folder, progress=False)
    assert len(corpus) == 4
    assert sorted(corpus.errors.file) == [
        "bad-interaction.yaml",
        "broken.yaml",
        "not-a-cassette.json",
    ]
    bad = corpus.errors.set_index("file")
    assert bad.loc["bad-interaction.yaml", "interaction"] == 0
    assert bad.loc["bad-interaction.yaml", "message"].startswith(
        "expected a mapping with request and response"
    )
    assert (
        bad.loc["not-a-cassette.json", "message"]
        == "not a cassette: found a mapping with keys hello"
    )
    assert bad.loc["broken.yaml", "message"].startswith("not valid YAML or JSON")


def test_a_corpus_entry_holds_one_batch_per_frame_however_many_the_load_decoded(
    tmp_path: Path, private_cache: Path
) -> None:
    folder = tmp_path / "suite"
    write_corpus(folder, files=6, events_per_file=40)
    with ThreadPoolExecutor(max_workers=2) as pool:  # several batches, so several chunks
        first = vizlib.load_many(folder, progress=False, executor=pool)
    assert first._tables["chunks"].column("seq").num_chunks > 1
    (entry,) = _corpus_entries(private_cache)
    for frame in FRAMES:
        with pa.ipc.open_file(entry / f"{frame}.arrow") as stored:
            assert stored.num_record_batches == 1, frame
    again = vizlib.load_many(folder, progress=False)
    assert_same_frames(first, again)


def test_a_large_corpus_entry_keeps_its_batches_and_reads_alike(
    tmp_path: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("vizlib.cache.UNCOMPRESSED_BYTES", 0)  # every entry counts as large
    folder = tmp_path / "suite"
    write_corpus(folder, files=6, events_per_file=40)
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = vizlib.load_many(folder, progress=False, executor=pool)
    batches = first._tables["chunks"].column("seq").num_chunks
    (entry,) = _corpus_entries(private_cache)
    with pa.ipc.open_file(entry / "chunks.arrow") as stored:  # not joined: no copy of the frame
        assert stored.num_record_batches == batches > 1
    assert_same_frames(first, vizlib.load_many(folder, progress=False))


def test_a_folder_is_named_alike_however_its_path_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = write_corpus(tmp_path / "suite" / "sub", files=2, events_per_file=20)
    # names that would read as cassette text, were they not known to be paths
    shutil.copy(written[0], tmp_path / "suite" / "sub" / "{odd}.yaml")
    shutil.copy(written[1], tmp_path / "suite" / "sub" / "two\nlines.yaml")
    (tmp_path / "outside.yaml").write_text(written[0].read_text())
    (tmp_path / "suite" / "sub" / "link.yaml").symlink_to(tmp_path / "outside.yaml")
    names = sorted(
        f"sub/{name}"
        for name in [*(path.name for path in written), "{odd}.yaml", "two\nlines.yaml"]
    )
    monkeypatch.chdir(tmp_path)
    loads = [
        vizlib.load_many(source, progress=False, cache=cache)
        for source in ("suite", "./suite/", "suite//", Path("suite"), tmp_path / "suite")
        for cache in (False, True)
    ]
    for corpus in loads:
        assert corpus.names == names
        assert corpus.errors.file.tolist() == ["sub/link.yaml"]  # a link out of the folder
        assert corpus.path(names[0]).resolve() == tmp_path / "suite" / names[0]
        assert isinstance(corpus.path(names[0]), Path)
        assert len(corpus.cassette("sub/{odd}.yaml").records) == 2
        assert len(corpus.cassette("sub/two\nlines.yaml").records) == 2
        assert_same_frames(loads[0], corpus)


def test_a_load_from_a_removed_working_directory_reads_absolute_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = write_corpus(tmp_path / "suite", files=2, events_per_file=20)
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    for _ in range(2):  # the first fills the cache, the second reads it
        corpus = vizlib.load_many(tmp_path / "suite", progress=False)
        assert corpus.names == sorted(path.name for path in written)
        assert corpus.errors.empty


def test_sources_can_be_globs_and_lists(tmp_path: Path) -> None:
    paths = write_corpus(tmp_path / "g", files=3, events_per_file=30)
    by_glob = vizlib.load_many(str(tmp_path / "g" / "openai-*.yaml"), progress=False)
    assert by_glob.names == ["openai-00000.yaml", "openai-00001.yaml"]
    by_list = vizlib.load_many(paths, progress=False)
    assert by_list.names == [p.name for p in paths]
    missing = vizlib.load_many([*paths, tmp_path / "nope.yaml"], progress=False)
    assert missing.errors.message.tolist() == ["no such file"]


def test_a_corpus_can_be_reported(tmp_path: Path) -> None:
    write_corpus(tmp_path / "r", files=2, events_per_file=30)
    corpus = vizlib.load_many(tmp_path / "r", progress=False)
    page = vizlib.report(corpus, tmp_path / "corpus.html").read_text()
    assert page.count('class="vz-cassette"') == 2
    assert "openai-00000.yaml" in page
    assert "openai-00001.yaml" in page
    assert "Cassettes compared" in page


def test_synthetic_cassettes_are_realistic() -> None:
    for wire in ("openai", "anthropic"):
        c = vizlib.load(synthetic_cassette(400, wire=wire, calls=3), name=f"{wire}.yaml")
        assert c.tool_calls.roundtrip.tolist() == [True, True, True]
        assert c.tool_calls.valid_json.all()
        assert 380 <= len(c.chunks) <= 420
        assert c.interactions.complete.all()


def test_progress_bar_shows_for_many_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_corpus(tmp_path / "many", files=25, events_per_file=20)
    vizlib.load_many(tmp_path / "many", cache=False)
    assert "reading cassettes" in capsys.readouterr().err


def test_a_folder_is_listed_as_os_walk_lists_it(tmp_path: Path) -> None:
    # hidden files and folders are skipped, links to files in the folder are listed, links to
    # files outside it are not (each is reported), links to folders are not followed, and a
    # folder that cannot be listed is reported
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "far.yaml").write_text("x")
    root = tmp_path / "suite"
    for relative in ["a.yaml", "b/c.json", "b/d/e.har", ".hidden/f.yaml", "b/.g.yaml", "h.txt"]:
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text("x")
    (root / "link.yaml").symlink_to(outside / "far.yaml")
    (root / "near.yaml").symlink_to(root / "a.yaml")
    (root / "linked").symlink_to(outside, target_is_directory=True)
    locked = root / "locked"
    locked.mkdir()
    (locked / "i.yaml").write_text("x")
    locked.chmod(0)
    try:
        errors: list[OSError] = []
        found = cassette_files(root, errors)
        expected: list[OSError] = []
        walked = sorted(
            os.path.join(top, name)
            for top, folders, names in os.walk(root, onerror=expected.append)
            if not any(part.startswith(".") for part in Path(top).relative_to(root).parts)
            for name in names
            if not name.startswith(".") and Path(name).suffix in CASSETTE_SUFFIXES
            if name != "link.yaml"
        )
    finally:
        locked.chmod(0o755)
    assert [str(p) for p in found] == walked
    names = [p.relative_to(root).as_posix() for p in found]
    assert names[:3] == ["a.yaml", "b/c.json", "b/d/e.har"]
    assert names[-1] == "near.yaml"
    assert "link.yaml" not in names
    assert len(errors) == len(expected) + 1
    (link,) = [e for e in errors if e.filename == str(root / "link.yaml")]
    assert link.strerror == "a link to a file outside the folder; not read"


def test_a_subfolder_that_cannot_be_read_is_an_error_row_not_a_silent_gap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the permission error is raised where the folder is listed: root reads any folder
    root = tmp_path / "suite"
    write_corpus(root / "ok", files=2, events_per_file=20)
    write_corpus(root / "locked" / "deep", files=1, events_per_file=20)
    scandir = os.scandir

    def refusing(path: str) -> object:
        if Path(path) == root / "locked":
            raise PermissionError(13, "Permission denied", path)
        return scandir(path)

    monkeypatch.setattr("vizlib.cassette.os.scandir", refusing)
    corpus = vizlib.load_many(root, progress=False, cache=False)
    assert corpus.names == ["ok/openai-00000.yaml", "ok/openai-00001.yaml"]
    assert corpus.errors[["file", "message"]].values.tolist() == [
        ["locked", "cannot read folder: Permission denied"]
    ]


def test_frames_are_the_user_s_to_change(private_cache: Path, tmp_path: Path) -> None:
    # frames built from Arrow buffers (a cold load, a warm one, one cassette) own their
    # columns: a user may set a value, where a view of Arrow's memory would be read-only
    write_corpus(tmp_path / "suite", files=2, events_per_file=30)
    cold = vizlib.load_many(tmp_path / "suite", progress=False)
    warm = vizlib.load_many(tmp_path / "suite", progress=False)
    one = vizlib.load(tmp_path / "suite" / "openai-00000.yaml")
    for source in (cold, warm, one):
        for frame in FRAMES:
            table = getattr(source, frame)
            for column in table.columns:
                kind = table[column].dtype.kind
                if kind in "biuf":
                    value = True if kind == "b" else 1
                    table.loc[0, column] = value
                    assert table.loc[0, column] == value, (frame, column)


def test_batches_are_runs_of_files_of_about_equal_size() -> None:
    sizes = [90_000, 1_000, 2_000, 500, 88_000, 3_000, 1_000, 45_000, 45_000, 0]
    items = [(f"{n}.yaml", f"{n}.yaml", str(n)) for n in range(len(sizes))]
    batches = _batches(items, 4, sizes)
    assert [item for batch in batches for item in batch] == items  # every file once, in order
    assert len(batches) == 4
    weights = [sum(sizes[int(key)] + 1024 for _, _, key in batch) for batch in batches]
    assert max(weights) < 2.2 * min(weights)  # by count: 96,072 to 1,024
    assert _batches(items[:3], 4, sizes[:3]) == [[items[0]], [items[1]], [items[2]]]
    assert _batches(items, 1, sizes) == [items]


def test_each_load_has_its_own_errors_frame(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(synthetic_cassette(20, seed=1))
    first = vizlib.load_many(tmp_path, progress=False, cache=False)
    second = vizlib.load_many(tmp_path, progress=False, cache=False)
    assert first.errors.empty
    first.errors.loc[0] = ["x.yaml", 1, None, "edited"]
    assert second.errors.empty
    assert vizlib.load_many(tmp_path, progress=False, cache=False).errors.empty
    assert list(second.errors.columns) == ["file", "interaction", "event", "message"]
