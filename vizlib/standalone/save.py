"""Writing pages to disk: the only place the report package touches files.

A file is written atomically (a temporary file in the same folder, then
renamed into place), so a reader never sees half a page and a failed write
leaves what was there. An output that is, or resolves to, one of the inputs
is refused before anything is written.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


class OutputIsInput(ValueError):
    """The output path is one of the inputs (or a link to one): writing it would destroy it."""


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name the same file or folder: equal once resolved, or the same inode."""
    if a.resolve() == b.resolve():
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist
        return False


def check_output(path: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str]]) -> None:
    """Raise `OutputIsInput` where `path` is, or resolves to, any of `inputs`."""
    target = Path(path)
    for given in inputs:
        if same_file(target, Path(given)):
            raise OutputIsInput(
                f"{os.fspath(path)} is an input ({os.fspath(given)}); not overwritten"
            )


def write_text(
    text: str,
    path: str | os.PathLike[str],
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """Write `text` atomically to `path`, refusing a path that is one of `inputs`; return it."""
    check_output(path, inputs)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes 0600; a report is an ordinary file
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def write_report(
    html: str,
    path: str | os.PathLike[str],
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """Write the report atomically (a temporary file renamed into place) and return its path.

    Raises `OutputIsInput` where `path` is one of `inputs`, and OSError where
    it cannot be written.
    """
    return write_text(html, path, inputs=inputs)
