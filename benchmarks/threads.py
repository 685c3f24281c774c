"""What the run structure costs: threads and round trips against decoding, on one long agent run.

The run is a HAR of `--turns` chat requests, each resending the whole history
and making one tool call that the next request answers, with a side request
between every two turns; the last requests carry thousands of messages. The
baseline, measured in the same run, is reading and decoding the file; the
ratios printed are the structure's time (`run_links`, then `call_links`)
over that baseline.

    python benchmarks/threads.py --turns 400
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable

from vizlib.cassette import decode_cassette
from vizlib.conversation import call_links
from vizlib.threads import run_links


def long_run(turns: int) -> str:
    """A HAR of `turns` chat requests with growing history, and side requests between them."""
    messages: list[dict[str, object]] = [
        {"role": "system", "content": "You are an agent."},
        {"role": "user", "content": "Work through the task list."},
    ]
    entries = []
    for turn in range(turns):
        call = {
            "id": f"call_{turn}",
            "type": "function",
            "function": {"name": "step", "arguments": json.dumps({"n": turn})},
        }
        response = {
            "id": f"chatcmpl-{turn}",
            "object": "chat.completion",
            "model": "gpt-4o-mini",
            "choices": [{"index": 0, "message": {"role": "assistant", "tool_calls": [call]}}],
            "usage": {"prompt_tokens": 10 * len(messages), "completion_tokens": 5},
        }
        for url, request, body in (
            (
                "https://api.openai.com/v1/chat/completions",
                {"model": "gpt-4o-mini", "messages": messages},
                response,
            ),
            ("https://search.example.com/v1/search", {"query": f"step {turn}"}, {"ok": True}),
        ):
            entries.append(
                {
                    "startedDateTime": f"2026-03-02T09:{turn // 60 % 60:02}:{turn % 60:02}.000Z",
                    "time": 500,
                    "request": {
                        "method": "POST",
                        "url": url,
                        "headers": [],
                        "postData": {"mimeType": "application/json", "text": json.dumps(request)},
                    },
                    "response": {
                        "status": 200,
                        "headers": [{"name": "content-type", "value": "application/json"}],
                        "content": {"mimeType": "application/json", "text": json.dumps(body)},
                    },
                }
            )
        messages = [
            *messages,
            {"role": "assistant", "content": None, "tool_calls": [call]},
            {"role": "tool", "tool_call_id": f"call_{turn}", "content": f"done {turn}"},
        ]
    return json.dumps({"log": {"version": "1.2", "entries": entries}})


def _best(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    text = long_run(args.turns)
    cassette = decode_cassette(text, "long-run.har")
    records = cassette.records
    messages = sum(len(r.decoded.messages) for r in records)
    baseline = _best(lambda: decode_cassette(text, "long-run.har"), args.repeat)
    links = _best(lambda: run_links(records), args.repeat)
    calls = _best(lambda: call_links(records, run_links(records)), args.repeat)
    print(f"{len(records)} interactions, {messages:,} messages, {len(text) / 1e6:.1f} MB")
    print(f"read and decode (baseline)   {baseline:8.3f} s  1.00")
    print(f"run_links                    {links:8.3f} s  {links / baseline:.2f}")
    print(f"run_links + call_links       {calls:8.3f} s  {calls / baseline:.2f}")
    relations = statistics.mode(link.relation for link in run_links(records))
    print(f"most common relation: {relations}")


if __name__ == "__main__":
    main()
