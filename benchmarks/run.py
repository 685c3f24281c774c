"""Load-time benchmarks: the floor, a naive loader, vizlib cold and warm, and peak memory.

Every variant runs in its own process on the same files, one after the other,
so times and peak memory (max RSS) compare. Each process imports its libraries
and warms up on the built-in sample before the clock starts, so one-time set-up
(imports, Parquet's reader) is not counted. Ratios are printed against the
floor: parsing every file with PyYAML's C loader plus `orjson.loads` of every
stream event, and nothing else.

    python benchmarks/run.py                      # the shared corpus
    python benchmarks/run.py --synthetic 1000000  # a synthetic corpus of that many events
    python benchmarks/run.py --huge 100000        # one cassette that many chunks long: report, view
    python benchmarks/run.py --interactions 20000 # one cassette of that many interactions: report
    python benchmarks/run.py --check              # vizlib check against vizlib summary
    python benchmarks/run.py --instructions       # instructions counted by callgrind, not time
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "cassettes"
SEED = SHARED / "seed" / "multi_tool_streaming_kimi-k2.yaml"
RUNS_PER_PROCESS = 3  # timed runs in each process of a round; its figure is their median


def _bodies(document: object) -> list[str]:
    """Every response body text a cassette document holds, whatever its container."""
    found: list[str] = []

    def walk(node: object, key: str = "") -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, str(k))
        elif isinstance(node, list):
            for item in node:
                walk(item, key)
        elif isinstance(node, str) and key in ("body", "string", "text"):
            found.append(node)

    walk(document)
    return found


def floor(files: list[Path], loader: str) -> int:
    """Parse each file (C or pure-Python YAML), then orjson.loads every stream event and body."""
    import orjson
    import yaml

    from vizlib.readers._document import CassetteLoader

    python_loader = type("PythonLoader", (yaml.SafeLoader,), {})
    for tag in ("!", "tag:yaml.org,2002:python/"):
        python_loader.add_multi_constructor(tag, lambda loader, suffix, node: None)
    python_loader.add_constructor("!binary", lambda loader, node: b"")
    events = 0
    for path in files:
        data = path.read_bytes()
        if data.startswith(b"httprr"):
            continue
        document = yaml.load(data, Loader=CassetteLoader if loader == "c" else python_loader)
        for body in _bodies(document):
            stripped = body.lstrip()
            if stripped.startswith(("data:", "event:")):
                for line in body.split("\n"):
                    if line.startswith("data:") and line[5:].strip() not in ("", "[DONE]"):
                        try:
                            orjson.loads(line[5:])
                            events += 1
                        except ValueError:
                            pass
            elif stripped.startswith(("{", "[")):
                try:
                    orjson.loads(body)
                    events += 1
                except ValueError:
                    pass
    return events


def floor_paused(files: list[Path]) -> int:
    """The floor with Python's cyclic collector paused, as `load_many` pauses it.

    The floor makes many objects, so about one run in two pays a full collection
    of every object the process holds (50 to 70 ms after the warm-up's imports);
    a load by vizlib does not.
    """
    from vizlib.collector import collector_paused

    with collector_paused():
        return floor(files, "c")


def vizlib_load(files: list[Path] | Path, cache: bool) -> int:
    """vizlib.load_many, in this process only, with every frame built."""
    from concurrent.futures import ThreadPoolExecutor

    import vizlib

    with ThreadPoolExecutor(max_workers=1) as one:  # a single worker: single-process timing
        corpus = vizlib.load_many(files, cache=cache, progress=False, executor=one)
    for frame in ("interactions", "chunks", "messages", "tool_calls", "usage"):
        getattr(corpus, frame)
    return len(corpus.chunks)


def vizlib_parallel(files: list[Path] | Path, cache: bool) -> int:
    """vizlib.load_many as a user calls it: the default process pool and progress bar."""
    import vizlib

    corpus = vizlib.load_many(files, cache=cache)
    for frame in ("interactions", "chunks", "messages", "tool_calls", "usage"):
        getattr(corpus, frame)
    return len(corpus.chunks)


def _load_then_report(
    path: Path, out: Path, clock: Callable[[], float]
) -> tuple[Any, float, float]:
    """Load one cassette, then write its report: the cassette, and the seconds each took."""
    import vizlib

    started = clock()
    cassette = vizlib.load(path)
    loaded = clock()
    vizlib.report(cassette, out)
    return cassette, loaded - started, clock() - loaded


def huge(path: Path, out: Path) -> str:
    """Build the report and the notebook view of one huge cassette."""
    from vizlib.views.widget import CassetteView

    started = time.perf_counter()
    floor_paused([path])
    floor_s = time.perf_counter() - started  # one run, just before the load
    cassette, load, report = _load_then_report(path, out, time.perf_counter)
    started = time.perf_counter()
    view = CassetteView(cassette)
    viewed = time.perf_counter()
    view.slider.value = view.slider.max // 2
    slid = time.perf_counter()
    return (
        f"floor-paused {floor_s:.2f}s, load {load:.2f}s ({load / floor_s:.2f}x), "
        f"report {report:.2f}s "
        f"({out.stat().st_size / 1e6:.1f} MB), view {viewed - started:.2f}s, "
        f"slider move {1000 * (slid - viewed):.0f} ms"
    )


def long_report(path: Path, out: Path) -> str:
    """Load, then report, one cassette of many interactions: the report's cost per interaction."""
    cassette, load, report = _load_then_report(path, out, time.process_time)
    return (
        f"load {load:.2f}s, report {report:.2f}s CPU ({out.stat().st_size / 1e6:.1f} MB, "
        f"{1000 * report / len(cassette):.2f} ms an interaction); report / load = "
        f"{report / load:.1f}"
    )


def folder_report(source: Path, out: Path) -> int:
    """`vizlib.report` of a folder as a user calls it (here with an empty cache): its HTML size."""
    import vizlib

    return vizlib.report(source, out).stat().st_size


def show_views(source: Path) -> int:
    """`vizlib.show` of a folder or a file, outside a notebook: the view objects are built."""
    import vizlib

    view = vizlib.show(source)
    return len(getattr(view, "names", [None]))


def _warm_up(directory: Path) -> None:
    """Pay one-time costs (lazy imports, Parquet reader set-up) on the sample, not the corpus."""
    import vizlib
    from vizlib.sample import sample_cassette

    directory.mkdir(exist_ok=True)
    (directory / "sample.yaml").write_text(sample_cassette())
    for cache in (False, True, True):  # decoding's own imports (jsonschema), then the cache's
        vizlib.load_many(directory, progress=False, cache=cache).chunks  # noqa: B018 - the frame
    floor([directory / "sample.yaml"], "c")


MEMOS = (  # vizlib's memos of what it has read: each keyed by values from cassettes
    ("vizlib.schema", "_validator"),
    ("vizlib.schema", "_check_json"),
    ("vizlib.schema", "_schema_nodes"),
    ("vizlib.schema", "_compiled"),
    ("vizlib.frames.extract", "_kept_url_parts"),
    ("vizlib.secrets.records", "_holds_secret"),
    ("vizlib.secrets.rules", "normalise_name"),
)


def _forget_memos() -> None:
    """Empty the memos of what earlier runs read (tool schemas, URLs, field names).

    A user's load in a new process starts without them, so every timed run
    here does too: a run after the first would otherwise check no schema
    again. Set-up kept for the process whatever the data (imports, the
    dtypes of declared categories, Arrow schemas) is paid by the warm-up.
    """
    import importlib
    import urllib.parse

    for module, name in MEMOS:
        getattr(importlib.import_module(module), name).cache_clear()
    urllib.parse.urlsplit.cache_clear()  # type: ignore[attr-defined]  # an lru_cache


def _with_empty_cache(run: Callable[[], int]) -> int:
    """Run against a new, empty cache directory: a first load, which also writes the cache."""
    with tempfile.TemporaryDirectory(prefix="vizlib-cache-") as empty:
        previous = os.environ.get("VIZLIB_CACHE_DIR")
        os.environ["VIZLIB_CACHE_DIR"] = empty
        try:
            return run()
        finally:
            if previous is None:
                del os.environ["VIZLIB_CACHE_DIR"]
            else:
                os.environ["VIZLIB_CACHE_DIR"] = previous


def _cpu() -> float:
    """CPU seconds of this process and of the worker processes it has waited for.

    From getrusage, to the microsecond (`os.times` counts in clock ticks of 10 ms, too
    coarse for a warm load of a few tens of milliseconds).
    """
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def _child(args: argparse.Namespace) -> None:
    import pyarrow.parquet  # noqa: F401 - imports are not what is measured
    import yaml  # noqa: F401

    import vizlib  # noqa: F401
    from vizlib.views import widget  # noqa: F401

    listed = json.loads(Path(args.files).read_text())
    files = [Path(p) for p in listed["files"]]
    source = Path(listed["source"])  # what a user passes to load_many: the folder
    _warm_up(Path(args.files).parent / "warm-up")
    runs = {
        "idle": lambda: 0,  # the warm-up alone, which an instruction count subtracts
        "floor": lambda: floor(files, "c"),
        "floor-paused": lambda: floor_paused(files),
        "naive": lambda: floor(files, "python"),
        "cold": lambda: vizlib_load(source, cache=False),
        "warm": lambda: vizlib_load(source, cache=True),
        "cold-filling": lambda: _with_empty_cache(lambda: vizlib_load(source, cache=True)),
        "cold-parallel": lambda: vizlib_parallel(source, cache=False),
        "huge": lambda: huge(files[0], Path(args.out)),
        "long": lambda: long_report(files[0], Path(args.out)),
        "cold-many": lambda: _with_empty_cache(lambda: vizlib_parallel(source, cache=True)),
        "report": lambda: _with_empty_cache(lambda: folder_report(source, Path(args.out))),
        "report-seed": lambda: folder_report(SEED, Path(args.out)),
        "show-seed": lambda: show_views(SEED),
        "show-folder-warm": lambda: show_views(source),
    }
    if args.variant in PAIRED:
        if "report" in PAIRED[args.variant]:  # the report's own imports and templates, first
            folder_report(SEED, Path(args.out))
        print(json.dumps(_paired(runs, PAIRED[args.variant], args.repeat)))
        return
    times, cpu = [], []
    for _ in range(1 if args.variant in ("huge", "long") else args.repeat):
        _forget_memos()
        started, started_cpu = time.perf_counter(), _cpu()
        result = runs[args.variant]()
        times.append(time.perf_counter() - started)
        cpu.append(_cpu() - started_cpu)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "seconds": statistics.median(times),
                "best": min(times),
                "cpu": statistics.median(cpu),
                "peak_mb": peak,
                "result": result,
            }
        )
    )


PAIRED = {  # variants run in turn in one process, round after round
    "paired": ("floor", "floor-paused", "cold", "warm"),
    "paired-report": ("cold-many", "report"),
}


def _timed_decoding() -> list[float]:
    """Count the CPU seconds `load` spends in decoders; returns the one-item list they add to.

    Decoding is what turns a container's exchanges into chunks, messages and
    tool calls (`decode_exchange`: splitting streams, parsing each event's
    JSON, the wire format's decoder); timed per thread, so a load run in a
    worker thread counts its own time only.
    """
    from vizlib import cassette

    spent = [0.0]
    decode = cassette.decode_exchange

    def timed(exchange: Any) -> Any:
        started = time.thread_time()
        try:
            return decode(exchange)
        finally:
            spent[0] += time.thread_time() - started

    cassette.decode_exchange = timed
    return spent


def _paired(
    runs: dict[str, Callable[[], int]], variants: tuple[str, ...], rounds: int
) -> dict[str, dict[str, list[float]]]:
    """CPU and wall seconds of each of `variants`, run in turn in this process, `rounds` times.

    Runs next to each other share the machine's state of the moment, so the
    ratio within a round is steadier than a ratio of medians taken apart. Each
    variant's CPU seconds spent decoding come with them.
    """
    out: dict[str, dict[str, list[float]]] = {
        v: {"cpu": [], "wall": [], "decoding": []} for v in variants
    }
    decoding = _timed_decoding()
    for _ in range(rounds):
        for variant in variants:
            _forget_memos()
            started, started_cpu, started_decoding = time.perf_counter(), _cpu(), decoding[0]
            runs[variant]()
            out[variant]["wall"].append(time.perf_counter() - started)
            out[variant]["cpu"].append(_cpu() - started_cpu)
            out[variant]["decoding"].append(decoding[0] - started_decoding)
    return out


def _ratio_line(name: str, numerators: list[float], denominators: list[float]) -> str:
    """The median of round-by-round ratios, and their range."""
    values = [n / d for n, d in zip(numerators, denominators, strict=True)]
    low, middle, high = min(values), statistics.median(values), max(values)
    return f"  {name:19s} = {middle:5.2f}  ({low:.2f} to {high:.2f})"


def _print_paired(files_json: Path, cache_dir: Path, rounds: int) -> None:
    """Floor, floor-paused, cold and warm in turn in one process: each round's ratio's median."""
    runs = _run("paired", files_json, cache_dir, repeat=rounds)
    cpu = {variant: times["cpu"] for variant, times in runs.items()}  # type: ignore[index]
    print(
        f"paired: {rounds} rounds of floor, floor-paused, cold and warm in turn in one "
        "process; the median of each round's CPU ratio, and its range:"
    )
    print(_ratio_line("cold / floor", cpu["cold"], cpu["floor"]))
    print(_ratio_line("cold / floor-paused", cpu["cold"], cpu["floor-paused"]))
    print(_ratio_line("cold / warm", cpu["cold"], cpu["warm"]))
    decoding = runs["cold"]["decoding"]  # type: ignore[index]
    rest = [total - part for total, part in zip(cpu["cold"], decoding, strict=True)]
    print("  the cold load in two parts, each against the floor of its round:")
    print(_ratio_line("decoding", decoding, cpu["floor"]))
    print(_ratio_line("all but that", rest, cpu["floor"]))


def _child_command(
    variant: str, files_json: Path, repeat: int, out: Path | None = None
) -> list[str]:
    """The command that runs `variant` in a child process of this script."""
    command = [sys.executable, __file__, "--child", variant, "--files", str(files_json)]
    command += ["--repeat", str(repeat)]
    if out:
        command += ["--out", str(out)]
    return command


def _run(
    variant: str, files_json: Path, cache_dir: Path, out: Path | None = None, repeat: int = 5
) -> dict[str, object]:
    env = dict(os.environ, VIZLIB_CACHE_DIR=str(cache_dir))
    command = _child_command(variant, files_json, repeat, out)
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--synthetic", type=int, help="benchmark a synthetic corpus of this many events"
    )
    parser.add_argument("--huge", type=int, help="report and view one cassette of this many chunks")
    parser.add_argument(
        "--interactions", type=int, help="report one cassette of this many interactions"
    )
    parser.add_argument(
        "--report",
        action="store_true",
        help="the report and views of the shared folder against its cold load_many",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=9,
        help="rounds (runs of each variant); the median is shown (not used by --instructions)",
    )
    parser.add_argument(
        "--check", action="store_true", help="time vizlib check against vizlib summary"
    )
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="count the instructions of the floor, floor-paused and the cold load (callgrind) "
        "instead of timing them; with --synthetic or alone",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--variant", help=argparse.SUPPRESS)
    parser.add_argument("--files", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        args.variant = args.child
        _child(args)
        return
    modes = ("check", "huge", "interactions", "report")
    other = [f"--{name}" for name in modes if vars(args)[name]]
    if args.instructions and other:
        parser.error(f"--instructions counts the load of a corpus; it does not take {other[0]}")
    work = Path(tempfile.mkdtemp(prefix="vizlib-bench-"))
    try:
        if args.check:
            check_vs_summary(min(args.repeat, 5), work)
            return
        _benchmark(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _one_cassette(variant: str, text: str, label: str, work: Path) -> None:
    """Run `variant` on one cassette of `text`, in its own process, and print what it says."""
    path = work / f"{variant}.yaml"
    path.write_text(text, encoding="utf-8")
    files_json = work / "files.json"
    files_json.write_text(json.dumps({"files": [str(path)], "source": str(path)}))
    result = _run(variant, files_json, work / "cache", work / f"{variant}.html")
    print(f"{label}: {result['result']}; peak {result['peak_mb']:.0f} MB")


def _benchmark(args: argparse.Namespace, work: Path) -> None:
    """Run the variants the arguments ask for, in scratch directory `work`."""
    from vizlib.cassette import cassette_files
    from vizlib.synthetic import long_cassette, synthetic_cassette, write_corpus

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, "
        f"{platform.platform()}"
    )
    if args.huge:
        text = synthetic_cassette(args.huge, calls=2)
        _one_cassette("huge", text, f"one cassette of about {args.huge:,} chunks", work)
        return
    if args.interactions:
        text = long_cassette(args.interactions)
        _one_cassette("long", text, f"one cassette of {args.interactions:,} interactions", work)
        return
    if args.report:
        _report_benchmark(args, work)
        return
    if args.synthetic:
        per_file = 1000
        source = work / "corpus"
        files = write_corpus(
            source, files=max(1, args.synthetic // per_file), events_per_file=per_file
        )
        label = f"synthetic corpus: {len(files)} files, about {args.synthetic:,} events"
        variants = ["floor", "floor-paused", "cold-parallel", "cold", "warm"]
    else:
        source = SHARED
        files = cassette_files(SHARED)
        label = f"shared corpus: {len(files)} files in {SHARED}"
        variants = [
            "floor",
            "floor-paused",
            "naive",
            "cold",
            "cold-filling",
            "cold-parallel",
            "warm",
        ]
    files_json = work / "files.json"
    files_json.write_text(json.dumps({"files": [str(p) for p in files], "source": str(source)}))
    if args.instructions:
        _print_instructions(label, files_json)
        return
    print(
        f"{label}; median of {args.repeat} rounds, each running every variant in a fresh "
        f"process (median of {RUNS_PER_PROCESS} runs there), CPU and wall time"
    )
    _run("warm", files_json, work / "cache", repeat=1)  # fill the cache: that run is cold
    results = _rounds(variants, files_json, work / "cache", args.repeat)
    for variant in variants:
        result = results[variant]
        what = "events" if variant.startswith(("floor", "naive")) else "chunk rows"
        print(
            f"  {variant:14s} cpu {result['cpu']:7.3f} s  wall {result['seconds']:7.3f} s"
            f"  (best {result['best']:.3f})  peak {result['peak_mb']:6.0f} MB"
            f"  ({int(result['result']):,} {what})"
        )
    base = results["floor"]
    print("side by side with the floor (CPU; wall in brackets):")
    for variant in variants[1:]:
        print(
            f"  {variant:14s} / floor = {results[variant]['cpu'] / base['cpu']:5.2f}"
            f"  ({results[variant]['seconds'] / base['seconds']:.2f})"
        )
    paused = results["floor-paused"]
    print(
        f"  cold           / floor-paused = {results['cold']['cpu'] / paused['cpu']:5.2f}"
        f"  ({results['cold']['seconds'] / paused['seconds']:.2f})"
    )
    warm = results["warm"]
    for variant in ("cold", "cold-filling", "cold-parallel"):
        if variant in results:
            print(
                f"  {variant:14s} / warm  = {results[variant]['cpu'] / warm['cpu']:5.1f}"
                f"  ({results[variant]['seconds'] / warm['seconds']:.1f})"
            )
    _print_paired(files_json, work / "cache", rounds=max(5, 3 * args.repeat))
    _import_times(args.repeat)


def _instructions(variant: str, files_json: Path) -> int:
    """Instructions a child process runs for `variant`, warm-up included, counted by callgrind.

    A count, not a time: it does not depend on how busy the machine is (hash
    randomisation is fixed, so sets and dicts iterate alike). Each variant has a
    scratch directory of its own, so children run side by side warm up alike.
    """
    scratch = Path(tempfile.mkdtemp(prefix=f"{variant}-", dir=files_json.parent))
    listed = scratch / "files.json"
    shutil.copyfile(files_json, listed)
    env = dict(os.environ, VIZLIB_CACHE_DIR=str(scratch / "cache"), PYTHONHASHSEED="0")
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    command += _child_command(variant, listed, repeat=1)
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    counted = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode or counted is None:
        raise RuntimeError(f"callgrind counted nothing for {variant}: {done.stderr[-2000:]}")
    return int(counted.group(1))


def _print_instructions(label: str, files_json: Path) -> None:
    """The floor and the cold load by instructions run, each less the warm-up's own."""
    from concurrent.futures import ThreadPoolExecutor

    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind (Debian: apt-get install valgrind)")
    variants = ("idle", "floor", "floor-paused", "cold")
    with ThreadPoolExecutor(max_workers=os.cpu_count()) as pool:
        counted = pool.map(lambda v: _instructions(v, files_json), variants)
        counts = dict(zip(variants, counted, strict=True))
    print(f"{label}; instructions counted by callgrind, each less the warm-up's:")
    spent = {v: counts[v] - counts["idle"] for v in variants[1:]}
    for variant, count in spent.items():
        print(f"  {variant:14s} {count / 1e6:9,.0f} M instructions")
    print(f"  cold / floor        = {spent['cold'] / spent['floor']:.2f}")
    print(f"  cold / floor-paused = {spent['cold'] / spent['floor-paused']:.2f}")


def _rounds(
    variants: list[str], files_json: Path, cache_dir: Path, rounds: int
) -> dict[str, dict[str, float]]:
    """Each variant's median over `rounds` rounds, a round running every variant once.

    Round by round rather than variant by variant, so that a change in the load of a shared
    machine weighs on every variant alike and the ratios of one run stay comparable. Each
    round's figure is the median of `RUNS_PER_PROCESS` runs in one process.
    """
    samples: dict[str, list[dict[str, float]]] = {variant: [] for variant in variants}
    for _ in range(rounds):
        for variant in variants:
            sample = _run(variant, files_json, cache_dir, repeat=RUNS_PER_PROCESS)
            samples[variant].append(sample)  # type: ignore[arg-type]
    return {
        variant: {
            "cpu": statistics.median(s["cpu"] for s in runs),
            "seconds": statistics.median(s["seconds"] for s in runs),
            "best": min(s["best"] for s in runs),
            "peak_mb": max(s["peak_mb"] for s in runs),
            "result": runs[0]["result"],
        }
        for variant, runs in samples.items()
    }


def _import_seconds(module: str) -> float:
    """Cumulative seconds of importing `module` in a fresh interpreter, by `-X importtime`."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=True,
    )
    for line in reversed(done.stderr.splitlines()):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1]) / 1e6
    raise RuntimeError(f"no import time for {module}")


def _import_times(repeat: int) -> None:
    """`import vizlib` beside the libraries it no longer imports up front."""
    print(f"import time (-X importtime, cumulative, median of {repeat}):")
    base = statistics.median(_import_seconds("vizlib") for _ in range(repeat))
    print(f"  {'vizlib':14s} {base:7.3f} s")
    for module in ("pandas", "plotly.graph_objects", "jsonschema"):
        seconds = statistics.median(_import_seconds(module) for _ in range(repeat))
        print(f"  {module:14s} {seconds:7.3f} s  ({seconds / base:.1f}x vizlib)")


def _report_benchmark(args: argparse.Namespace, work: Path) -> None:
    """The report and the views at folder scale, each against its baseline from the same run."""
    from vizlib.cassette import cassette_files

    files = cassette_files(SHARED)
    on_disk = sum(p.stat().st_size for p in files)
    files_json = work / "files.json"
    files_json.write_text(json.dumps({"files": [str(p) for p in files], "source": str(SHARED)}))
    print(f"shared folder: {len(files)} files, {on_disk / 1e6:.2f} MB on disk; {args.repeat} runs")
    out = work / "report.html"
    results = {}
    for variant in ("cold-many", "report", "report-seed", "show-seed", "show-folder-warm"):
        if variant == "show-folder-warm":
            _run("warm", files_json, work / "cache", repeat=1)  # fill the cache
        results[variant] = result = _run(
            variant, files_json, work / "cache", out=out, repeat=args.repeat
        )
        print(
            f"  {variant:17s} median {result['seconds']:7.3f} s  best {result['best']:7.3f} s"
            f"  cpu {result['cpu']:7.3f} s  peak {result['peak_mb']:6.0f} MB"
            f"  (result {result['result']:,})"
        )
    seconds = {k: float(v["seconds"]) for k, v in results.items()}  # type: ignore[arg-type]
    cpu = {k: float(v["cpu"]) for k, v in results.items()}  # type: ignore[arg-type]
    html = int(results["report"]["result"])  # type: ignore[call-overload]
    seed = int(results["report-seed"]["result"])  # type: ignore[call-overload]
    print("ratios:")
    print(f"  report / cold load_many = {seconds['report'] / seconds['cold-many']:.2f}  (<= 3)")
    # CPU seconds, workers included: the work each does, however busy the machine is
    print(f"  (CPU: report / cold load_many = {cpu['report'] / cpu['cold-many']:.2f})")
    print(f"  report HTML / folder on disk = {html / on_disk:.2f}  (<= 2; {html / 1e6:.2f} MB)")
    print(f"  one-cassette report (seed) = {seed / 1e6:.2f} MB  (< 1.8)")
    ratio = seconds["show-folder-warm"] / seconds["show-seed"]
    print(f"  show(folder), warm cache / show(seed) = {ratio:.2f}  (<= 2)")
    rounds = max(5, 3 * args.repeat)
    paired = _run("paired-report", files_json, work / "cache", out=out, repeat=rounds)
    load, report = paired["cold-many"], paired["report"]  # type: ignore[index]
    print(
        f"paired: {rounds} rounds of the cold load_many and the report in turn in one "
        "process; the median of each round's ratio, and its range:"
    )
    print(_ratio_line("wall", report["wall"], load["wall"]))
    print(_ratio_line("CPU", report["cpu"], load["cpu"]))


def check_vs_summary(repeat: int, work: Path) -> None:
    """`vizlib check` against `vizlib summary` on the shared corpus, alternating, same run.

    Both run as a user runs them: a fresh process each. `check` is timed warm
    (its frame cache filled by a first run) and cold (`--no-cache`).
    """
    env = dict(os.environ, VIZLIB_CACHE_DIR=str(work / "check-cache"))
    cli = [sys.executable, "-c", "from vizlib.cli import main; main()"]
    commands = {
        "summary": [*cli, "summary", str(SHARED)],
        "check (warm cache)": [*cli, "check", "--fail-on", "never", str(SHARED)],
        "check (no cache)": [*cli, "check", "--no-cache", "--fail-on", "never", str(SHARED)],
    }
    subprocess.run(commands["check (warm cache)"], env=env, capture_output=True, check=True)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            started = time.perf_counter()
            subprocess.run(command, env=env, capture_output=True, check=True)
            times[name].append(time.perf_counter() - started)
    print(f"vizlib check vs vizlib summary on {SHARED}; median of {repeat} runs each")
    base = statistics.median(times["summary"])
    for name, measured in times.items():
        median = statistics.median(measured)
        print(f"  {name:20s} median {median:7.3f} s  ({median / base:.2f} x summary)")


if __name__ == "__main__":
    main()
