"""Derived views of a cassette's records: pure data, no plotting, no HTML.

`assembly` replays tool-call arguments fragment by fragment, `transcript`
lays out a conversation with tool results, `raw` gives redacted, pretty
request and response text. Views and reports render these.
"""
