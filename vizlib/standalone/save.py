"""Writing a report to disk: the only place the report package touches files."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_report(html: str, path: str | os.PathLike[str]) -> Path:
    """Write the report atomically (a temporary file renamed into place) and return its path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(html)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes 0600; a report is an ordinary file
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
