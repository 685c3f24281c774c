"""What looks wrong in a cassette, per interaction, in a few words each.

One definition for every view: `problems` are the stream and tool-call
problems, exactly what the dashboard's `problems` column counts from the
frames (and `vizlib check`'s stream, HTTP and tool rules report). Secrets
are listed apart, by `secrets`: the findings `vizlib check` reports
(`secret/...` labels: rule, place, first 4 characters and length), which
the panels show under their own heading.
"""

from __future__ import annotations

from collections.abc import Callable

from vizlib.analysis.assembly import CallAssembly, assemble
from vizlib.cassette import Cassette
from vizlib.secrets.records import exchange_secrets


def problems(
    cassette: Cassette, calls: Callable[[int], list[CallAssembly]] | None = None
) -> dict[int, list[str]]:
    """Short labels of what went wrong in each interaction (empty where nothing did).

    The dashboard's `problems` column counts exactly these labels. `calls(index)`
    gives an interaction's `assemble` where the caller already has it.
    """
    assembled = calls or (lambda index: assemble(cassette, index))
    out: dict[int, list[str]] = {}
    for record in cassette.records:
        decoded, status = record.decoded, record.exchange.response.status
        found = []
        if status >= 400:
            found.append(f"HTTP {status}")
        if decoded.error and status < 400:
            found.append("error in response")
        bad = sum(1 for c in decoded.chunks if c.kind == "error")
        if bad and not decoded.error:
            found.append(f"{bad} unreadable event{'s' if bad > 1 else ''}")
        if decoded.stream and not decoded.complete:
            found.append("stream ended early")
        for call in assembled(record.index):
            if not call.valid_json:
                found.append(f"{call.name}: arguments not JSON")
            elif call.schema.valid is False:
                found.append(f"{call.name}: schema mismatch")
            if call.roundtrip is False:
                found.append(f"{call.name}: {call.change or 'sent back changed'}")
        out[record.index] = found
    return out


def secrets(cassette: Cassette) -> dict[int, list[str]]:
    """The secrets recorded in each interaction, as `vizlib check` labels them (never the value)."""
    return {
        record.index: [s.label for s in exchange_secrets(record.exchange) if s.real]
        for record in cassette.records
    }
