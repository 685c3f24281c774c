"""Cassettes as they were at a git revision: read with `git show`, never checked out."""

from __future__ import annotations

import subprocess
from pathlib import Path

from vizlib.cassette import CASSETTE_SUFFIXES, Cassette, decode_cassette
from vizlib.errors import CassetteError


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

    Files that cannot be read are returned as errors, never raised.
    """
    target = Path(path)
    folder = target if target.is_dir() else target.parent
    root = Path(_git(folder, "rev-parse", "--show-toplevel").decode().strip())
    prefix = target.resolve().relative_to(root.resolve()).as_posix()
    listed = _git(root, "ls-tree", "-r", "-z", "--name-only", revision, "--", prefix or ".")
    cassettes: dict[str, Cassette] = {}
    errors: list[CassetteError] = []
    for name in filter(None, listed.decode().split("\0")):
        if Path(name).suffix.lower() not in CASSETTE_SUFFIXES:
            continue
        relative = name[len(prefix) :].lstrip("/") if prefix and name != prefix else Path(name).name
        try:
            content = _git(root, "show", f"{revision}:{name}")
            cassettes[relative] = decode_cassette(content, relative)
        except CassetteError as exc:
            errors.append(exc.located(file=f"{revision}:{name}"))
    return cassettes, errors
