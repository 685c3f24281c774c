"""What looks wrong in a cassette, per interaction, in a few words each.

One definition for every view: the problems panels list exactly these, and
the dashboard's `problems` column counts exactly these, from the frames
(`interactions.n_secrets` counts the secrets). Secrets are the findings
`vizlib check` reports (`secret/...` labels: rule, place, first 4 characters
and length), so the views and the check agree too.
"""

from __future__ import annotations

from vizlib.analysis.assembly import assemble
from vizlib.cassette import Cassette
from vizlib.secrets.records import exchange_secrets


def problems(cassette: Cassette) -> dict[int, list[str]]:
    """Short labels of what went wrong in each interaction (empty where nothing did).

    Secret labels start with `secret/` (the dashboard's `secrets` column
    counts them); the dashboard's `problems` column counts every label.
    """
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
        for call in assemble(cassette, record.index):
            if not call.valid_json:
                found.append(f"{call.name}: arguments not JSON")
            elif call.schema.valid is False:
                found.append(f"{call.name}: schema mismatch")
            if call.roundtrip is False:
                found.append(f"{call.name}: {call.change or 'sent back changed'}")
        found += [s.label for s in exchange_secrets(record.exchange) if s.real]
        out[record.index] = found
    return out
