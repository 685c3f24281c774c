"""Cassettes as they were at a git revision: read with `git show`, never checked out."""

from __future__ import annotations

import subprocess
from pathlib import Path

from vizlib.cassette import CASSETTE_SUFFIXES, Cassette, decode_cassette
from vizlib.errors import CassetteError
from vizlib.limits import current as current_limits


def _git(repo: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=True)
    except FileNotFoundError as exc:
        raise CassetteError("git is not installed", file=str(repo)) from exc
    except subprocess.CalledProcessError as exc:
        reason = exc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise CassetteError(
            f"git {args[0]} failed: {reason[-1] if reason else exc}", file=str(repo)
        ) from exc
    return done.stdout


def cassettes_at(
    path: str | Path, revision: str
) -> tuple[dict[str, Cassette], list[CassetteError]]:
    """Every cassette under `path` at `revision`, named by its path relative to `path`.

    Files that cannot be read are returned as errors, never raised; a file
    over the `file_bytes` limit is refused by the size git lists, unread.
    """
    target = Path(path)
    folder = target if target.is_dir() else target.parent
    root = Path(_git(folder, "rev-parse", "--show-toplevel").decode().strip())
    inside = target.resolve().relative_to(root.resolve())
    prefix = "" if inside == Path() else inside.as_posix()  # the root is "", not "."
    listed = _git(root, "ls-tree", "-r", "-z", "-l", revision, "--", prefix or ".")
    limits = current_limits()
    cassettes: dict[str, Cassette] = {}
    errors: list[CassetteError] = []
    for entry in filter(None, listed.decode().split("\0")):
        details, _, name = entry.partition("\t")  # mode, type, object, size; then the path
        _, kind, _, size = details.split()
        if kind != "blob" or Path(name).suffix.lower() not in CASSETTE_SUFFIXES:
            continue
        relative = name[len(prefix) :].lstrip("/") if prefix and name != prefix else Path(name).name
        located = f"{revision}:{name}"
        try:
            if int(size) > limits.file_bytes:  # refused by its listed size, never read
                raise limits.refusal("file_bytes", f"the file is {int(size):,} bytes")
            content = _git(root, "show", located)
            cassettes[relative] = decode_cassette(content, relative)
        except CassetteError as exc:
            errors.append(exc.located(file=located))
    return cassettes, errors
