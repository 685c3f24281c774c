"""The frame cache stays bounded, and a segment that vanishes costs a decode, never a load."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import vizlib
from vizlib.cache import _BUILDERS, FrameCache, max_bytes
from vizlib.cli import main
from vizlib.frames import FRAMES
from vizlib.sample import sample_cassette
from vizlib.synthetic import synthetic_cassette, write_corpus


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("VIZLIB_CACHE_DIR", str(cache))
    monkeypatch.delenv("VIZLIB_CACHE_MAX_MB", raising=False)
    return cache


def segments(cache: Path) -> list[Path]:
    return sorted(p.parent for p in cache.glob("*/*/keys.txt"))


def keys_in(segment: Path) -> set[str]:
    return set((segment / "keys.txt").read_text().split())


def size_of(place: Path) -> int:
    return sum(p.stat().st_size for p in place.rglob("*") if p.is_file())


def assert_same_frames(left: vizlib.Corpus, right: vizlib.Corpus) -> None:
    assert left.names == right.names
    for frame in FRAMES:
        pd.testing.assert_frame_equal(getattr(left, frame), getattr(right, frame))


def test_a_segment_no_file_can_use_is_dropped(tmp_path: Path, private_cache: Path) -> None:
    folder = tmp_path / "suite"
    files = write_corpus(folder, files=3, events_per_file=40)
    vizlib.load_many(folder, progress=False)
    (first,) = segments(private_cache)
    files[0].write_text(synthetic_cassette(70, seed=5, calls=1))
    vizlib.load_many(folder, progress=False)
    assert first in segments(private_cache)  # it still serves the two unchanged files
    assert len(segments(private_cache)) == 2
    for seed, path in enumerate(files[1:], start=6):
        path.write_text(synthetic_cassette(70, seed=seed, calls=1))
    again = vizlib.load_many(folder, progress=False)
    assert first not in segments(private_cache)  # every file it held has changed
    assert len(segments(private_cache)) == 2
    assert_same_frames(again, vizlib.load_many(folder, progress=False, cache=False))


def test_files_that_are_gone_leave_the_index_and_their_segment_goes(
    tmp_path: Path, private_cache: Path
) -> None:
    gone = tmp_path / "gone"
    write_corpus(gone, files=2, events_per_file=30)
    vizlib.load_many(gone, progress=False)
    (old,) = segments(private_cache)
    shutil.rmtree(gone)
    kept = tmp_path / "kept"
    write_corpus(kept, files=2, events_per_file=30, seed=11)
    vizlib.load_many(kept, progress=False)
    (new,) = segments(private_cache)
    assert new != old
    (index,) = private_cache.glob("*/stat-index.json")
    assert sorted(json.loads(index.read_text())) == sorted(
        f"{path}\0{path.name}" for path in kept.iterdir()
    )


def test_the_cache_keeps_within_its_budget_least_recently_used_first(
    tmp_path: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folders = [tmp_path / f"suite-{n}" for n in range(4)]
    for n, folder in enumerate(folders):
        write_corpus(folder, files=2, events_per_file=200, seed=n)
    monkeypatch.setenv("VIZLIB_CACHE_DIR", str(tmp_path / "trial"))
    vizlib.load_many(folders[3], progress=False)  # what the last load will store, measured
    stored = sum(size_of(p) for p in (tmp_path / "trial").glob("*/*") if p.is_dir())
    monkeypatch.setenv("VIZLIB_CACHE_DIR", str(private_cache))
    for folder in folders[:3]:
        vizlib.load_many(folder, progress=False)
    older = dict(zip(folders, segments_in_load_order(private_cache), strict=False))
    for place, when in zip(older.values(), (1000, 3000, 2000), strict=True):
        os.utime(place, (when, when))  # the first used longest ago, then the third
    for entry in private_cache.glob("*/corpora/*"):
        shutil.rmtree(entry)
    budget = stored + 1.5 * max(size_of(p) for p in older.values())
    monkeypatch.setenv("VIZLIB_CACHE_MAX_MB", str(budget / 2**20))
    loaded = vizlib.load_many(folders[3], progress=False)
    left = segments(private_cache)
    assert older[folders[0]] not in left
    assert older[folders[2]] not in left
    assert older[folders[1]] in left  # the most recently used of the older three
    assert len(left) == 2
    assert sum(size_of(p) for p in private_cache.glob("*/*") if p.is_dir()) <= budget
    assert_same_frames(loaded, vizlib.load_many(folders[3], progress=False, cache=False))
    again = vizlib.load_many(folders[0], progress=False)  # decoded again, never refused
    assert_same_frames(again, vizlib.load_many(folders[0], progress=False, cache=False))


def segments_in_load_order(cache: Path) -> list[Path]:
    return sorted(segments(cache), key=lambda p: (p / "keys.txt").stat().st_mtime_ns)


def test_directories_of_other_versions_and_cut_writes_go_past_the_budget(
    tmp_path: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "suite"
    write_corpus(folder, files=2, events_per_file=50)
    vizlib.load_many(folder, progress=False)
    (current,) = [p for p in private_cache.iterdir() if p.name.startswith("frames-")]
    older = private_cache / "frames-v0.0.1-arrow1-000000000000-0000"
    shutil.copytree(current, older)
    for place in [older, *older.rglob("*")]:
        os.utime(place, (1000, 1000))
    unrelated = private_cache / "notes.txt"  # what vizlib did not write is never touched
    unrelated.write_text("mine")
    partial = current / "0123.partial"
    partial.mkdir()
    stale = time.time() - 2 * 24 * 3600
    os.utime(partial, (stale, stale))
    monkeypatch.setenv("VIZLIB_CACHE_MAX_MB", "0")  # all but what this load relies on goes
    files = sorted(folder.iterdir())
    files[0].write_text(synthetic_cassette(60, seed=9, calls=1))
    vizlib.load_many(folder, progress=False)
    assert not older.exists()
    assert not partial.exists()
    assert unrelated.read_text() == "mine"
    assert len(segments(private_cache)) == 2


def test_a_segment_gone_before_it_is_read_is_decoded_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "suite"
    write_corpus(folder, files=3, events_per_file=40)
    vizlib.load_many(folder, progress=False)
    for entry in Path(os.environ["VIZLIB_CACHE_DIR"]).glob("*/corpora/*"):
        shutil.rmtree(entry)
    found = FrameCache.lookup

    def vanishing(self: FrameCache, keys: list[str]) -> dict[str, Path]:
        out = found(self, keys)
        for segment in set(out.values()):  # another process pruned it meanwhile
            shutil.rmtree(segment)
        return out

    monkeypatch.setattr(FrameCache, "lookup", vanishing)
    loaded = vizlib.load_many(folder, progress=False)
    assert loaded.errors.empty
    assert_same_frames(loaded, vizlib.load_many(folder, progress=False, cache=False))


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", 2 * 2**30), ("512", 512 * 2**20), ("0.5", 2**19), ("lots", 2 * 2**30), ("-3", 0)],
)
def test_the_budget_is_read_from_the_environment(
    value: str, expected: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIZLIB_CACHE_MAX_MB", value)
    assert max_bytes() == expected


def test_the_cache_command_shows_the_cache_and_clears_only_frames(
    tmp_path: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIZLIB_CACHE_MAX_MB", "300")
    write_corpus(tmp_path / "suite", files=2, events_per_file=30)
    vizlib.load_many(tmp_path / "suite", progress=False)
    (store,) = private_cache.glob("frames-*")
    (store / "0123.partial").mkdir()  # a write under way: not a segment yet
    size = size_of(store)
    shown = CliRunner().invoke(main, ["cache"])
    assert shown.exit_code == 0
    assert shown.output.splitlines() == [
        f"frame cache: {private_cache} ($VIZLIB_CACHE_DIR moves it)",
        f"{size / 1024:.1f} KB of its 300.0 MB budget ($VIZLIB_CACHE_MAX_MB sets it)",
        f"  {store.name} (this vizlib): 1 segment, 1 corpus entry, {size / 1024:.1f} KB",
    ]
    (private_cache / "notes.txt").write_text("mine")
    cleared = CliRunner().invoke(main, ["cache", "--clear"])
    assert cleared.output == f"removed {size / 1024:.1f} KB of cached frames from {private_cache}\n"
    assert sorted(p.name for p in private_cache.iterdir()) == ["notes.txt"]
    again = vizlib.load_many(tmp_path / "suite", progress=False)
    assert_same_frames(again, vizlib.load_many(tmp_path / "suite", progress=False, cache=False))


def test_an_inode_past_64_bits_is_kept_in_the_stat_index(tmp_path: Path) -> None:
    cassette = tmp_path / "a.yaml"
    cassette.write_text(synthetic_cassette(20), encoding="utf-8")
    real = cassette.stat()
    huge = os.stat_result((real.st_mode, 2**64 + 5, *tuple(real)[2:]))  # as ReFS may give
    key = FrameCache(root=tmp_path / "cache").keys({"a.yaml": cassette}, {"a.yaml": huge})
    again = FrameCache(root=tmp_path / "cache")
    assert [entry[3] for entry in again._index().values()] == [2**64 + 5]
    assert again.keys({"a.yaml": cassette}, {"a.yaml": huge}) == key


def test_every_module_a_load_runs_counts_toward_the_cache_s_code_fingerprint(
    tmp_path: Path,
) -> None:
    cassette = tmp_path / "sample.yaml"
    cassette.write_text(sample_cassette(), encoding="utf-8")
    script = (
        "import sys, vizlib; from pathlib import Path\n"
        f"vizlib.load_many([{str(cassette)!r}], progress=False, cache=False)\n"
        "root = Path(vizlib.__file__).parent\n"
        "for module in list(sys.modules.values()):\n"
        "    name = getattr(module, '__file__', None) or ''\n"
        "    if name.startswith(str(root)): print(Path(name).relative_to(root).as_posix())\n"
    )
    ran = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True)
    loaded = set(ran.stdout.split())
    assert "readers/__init__.py" in loaded, ran.stderr
    # the package's door, the cache itself, errors (never cached), prices (fingerprinted by
    # their table), the built-in sample and the collector's pause (it changes no value)
    outside = {"__init__.py", "cache.py", "collector.py", "errors.py", "pricing.py", "sample.py"}
    uncovered = {
        name
        for name in loaded - outside
        if not any(name == b or name.startswith(f"{b}/") for b in _BUILDERS)
    }
    assert not uncovered
