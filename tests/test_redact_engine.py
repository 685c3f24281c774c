"""Every secret kind, in every place, absent from every output; `redact=False` shows them.

One generated go-vcr cassette holds each kind (provider keys, bearer in any
case, JWTs, ya29 tokens, presigned S3 and Azure SAS URLs, OAuth form bodies,
session headers...) in each place (headers, URL, JSON body behind `\\n` and
`\\t` escapes, SSE events, tool-argument fragments split through a key).
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import string
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

import vizlib
from tests.hostile import Call, build, chat_request, chat_response
from tests.pages import readable
from vizlib import linear
from vizlib.analysis.assembly import assemble
from vizlib.analysis.diff import diff_many
from vizlib.analysis.raw import MAX_BODY_CHARS, raw_exchange
from vizlib.analysis.transcript import transcript
from vizlib.check.scan import scan_file
from vizlib.cli import main
from vizlib.redact import (
    MASK,
    mask_fragments,
    redact_body,
    redact_headers,
    redact_parts,
    redact_quoting,
    redact_text,
    redact_url,
)
from vizlib.sample import sample_cassette
from vizlib.secrets import add_pattern, clear_patterns, scan
from vizlib.secrets.records import BASE64_RUN, MAXBASE64_RUNS, base64_runs
from vizlib.secrets.rules import _LONG_NEEDLES, LONG, SHAPES
from vizlib.secrets.scan import _FIELD_HINT, _field_hint, holds_nothing
from vizlib.standalone import diff_page, report_html
from vizlib.views.corpusview import corpus_view
from vizlib.views.widget import static_of

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"


def _token(seed: str, length: int) -> str:
    digest = hashlib.sha256(seed.encode()).digest() * 4
    return "".join(_ALPHABET[b % len(_ALPHABET)] for b in digest[:length])


KEYS = {
    "after-newline": "sk-proj-" + _token("n", 40),
    "after-tab": "sk-ant-api03-" + _token("t", 40),
    "helicone": "sk-helicone-" + _token("h", 32),
    "litellm": _token("l", 36),
    "apim": _token("apim", 32).lower(),
    "fragments": "sk-or-v1-" + _token("f", 48),
    "amz-signature": _token("s", 64).lower(),
    "amz-token": "IQoJb3JpZ2luX2Vj" + _token("st", 60),
    "goog-signature": _token("g", 64).lower(),
    "apiKey": _token("ak", 32),
    "api-key": _token("ak2", 32),
    "access-token": _token("at", 32),
    "s3-in-body": _token("s3", 64).lower(),
    "sas-sig": _token("sas", 43) + "%3D",
    "userinfo": "pw" + _token("u", 14),
    "refresh-token": "1//0g" + _token("r", 60),
    "client-secret": "GOCSPX-" + _token("c", 28),
    "ya29": "ya29.a0" + _token("y", 60),
    "jwt": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMDk4NzY1NDMyMSJ9." + _token("j", 43),
    "pplx": "pplx-" + _token("p", 48),
    "tvly": "tvly-" + _token("v", 32),
    "lower-bearer": _token("b", 40),
    "url-encoded": "sk-" + _token("e", 48),
    "session": _token("sess", 32),
    "azureml-session": _token("az", 24),
    "deepgram-project": _token("dg", 32),
}


def _event(delta: dict[str, Any]) -> str:
    chunk = {"id": "c1", "model": "gpt-4o", "choices": [{"index": 0, "delta": delta}]}
    return "data: " + json.dumps(chunk)


def hostile_cassette(container: str = "go-vcr") -> str:
    """A cassette with every secret kind of issue 11 in every place it names."""
    k = KEYS
    url = (
        "https://api.openai.com/v1/chat/completions"
        f"?apiKey={k['apiKey']}&api-key={k['api-key']}&access-token={k['access-token']}"
        f"&X-Amz-Signature={k['amz-signature']}&X-Amz-Security-Token={k['amz-token']}"
        f"&X-Goog-Signature={k['goog-signature']}"
    )
    s3 = (
        "https://b.s3.amazonaws.com/f.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        f"&X-Amz-Signature={k['s3-in-body']}"
    )
    sas = f"https://acct.blob.core.windows.net/c/f.pdf?sv=2022-11-02&sr=b&sig={k['sas-sig']}"
    content = (
        f"first\n{k['after-newline']}\tthen\t{k['after-tab']} see {s3} and {sas} "
        f"token {k['ya29']} jwt {k['jwt']} keys {k['pplx']} {k['tvly']} "
        f"form a%3D{k['url-encoded']}"
    )
    request = {
        "model": "gpt-4o",
        "stream": True,
        "messages": [{"role": "user", "content": content}],
        "tools": [{"type": "function", "function": {"name": "login", "parameters": {}}}],
    }
    arguments = json.dumps({"api_key": k["fragments"], "user": "ada"})
    parts = [arguments[i : i + 7] for i in range(0, len(arguments), 7)]
    events = [_event({"role": "assistant", "content": f"your key is {k['after-newline']}"})]
    events.append(
        _event(
            {
                "tool_calls": [
                    {"index": 0, "id": "call_1", "function": {"name": "login", "arguments": ""}}
                ]
            }
        )
    )
    events += [_event({"tool_calls": [{"index": 0, "function": {"arguments": p}}]}) for p in parts]
    events += [_event({}), "data: [DONE]"]
    form = (
        f"grant_type=refresh_token&refresh_token={k['refresh-token']}"
        f"&client_secret={k['client-secret']}"
    )
    token_answer = json.dumps({"access_token": k["ya29"], "id_token": k["jwt"], "expires_in": 3599})
    document = {
        "version": 2,
        "interactions": [
            {
                "id": 0,
                "request": {
                    "body": json.dumps(request),
                    "headers": {
                        "Helicone-Auth": [f"Bearer {k['helicone']}"],
                        "x-litellm-api-key": [k["litellm"]],
                        "Ocp-Apim-Subscription-Key": [k["apim"]],
                        "authorization": [f"bearer {k['lower-bearer']}"],
                        "x-session-id": [k["session"]],
                        "azureml-model-session": [k["azureml-session"]],
                        "Dg-Project-Id": [k["deepgram-project"]],
                        "Content-Type": ["application/json"],
                    },
                    "url": url,
                    "method": "POST",
                },
                "response": {
                    "body": "\n\n".join(events) + "\n\n",
                    "headers": {"Content-Type": ["text/event-stream"]},
                    "status": "200 OK",
                    "code": 200,
                    "duration": "1.5s",
                },
            },
            {
                "id": 1,
                "request": {
                    "body": form,
                    "headers": {"Content-Type": ["application/x-www-form-urlencoded"]},
                    "url": f"https://ada:{k['userinfo']}@oauth2.googleapis.com/token",
                    "method": "POST",
                },
                "response": {
                    "body": token_answer,
                    "headers": {"Content-Type": ["application/json"]},
                    "status": "200 OK",
                    "code": 200,
                    "duration": "0.2s",
                },
            },
        ],
    }
    return CONVERT[container](document)


def _vcrpy(document: dict[str, Any]) -> str:
    interactions = [
        {
            "request": {
                "body": i["request"]["body"],
                "headers": i["request"]["headers"],
                "method": i["request"]["method"],
                "uri": i["request"]["url"],
            },
            "response": {
                "body": {"string": i["response"]["body"]},
                "headers": i["response"]["headers"],
                "status": {"code": i["response"]["code"], "message": "OK"},
            },
        }
        for i in document["interactions"]
    ]
    return yaml.safe_dump({"interactions": interactions, "version": 1}, width=10**6)


def _har(document: dict[str, Any]) -> str:
    def pairs(headers: dict[str, list[str]]) -> list[dict[str, str]]:
        return [{"name": k, "value": v} for k, values in headers.items() for v in values]

    entries = [
        {
            "startedDateTime": "2025-01-01T00:00:00.000Z",
            "time": 100,
            "request": {
                "method": i["request"]["method"],
                "url": i["request"]["url"],
                "headers": pairs(i["request"]["headers"]),
                "postData": {
                    "mimeType": i["request"]["headers"]["Content-Type"][0],
                    "text": i["request"]["body"],
                },
            },
            "response": {
                "status": i["response"]["code"],
                "headers": pairs(i["response"]["headers"]),
                "content": {
                    "mimeType": i["response"]["headers"]["Content-Type"][0],
                    "text": i["response"]["body"],
                },
            },
        }
        for i in document["interactions"]
    ]
    return json.dumps({"log": {"version": "1.2", "entries": entries}}, indent=1)


CONVERT = {
    "go-vcr": lambda d: yaml.safe_dump(d, sort_keys=False, width=10**6),
    "vcr.py": _vcrpy,
    "har": _har,
}


@pytest.fixture(scope="module", params=list(CONVERT))
def cassette(request: pytest.FixtureRequest) -> vizlib.Cassette:
    loaded = vizlib.load(hostile_cassette(request.param), name="hostile.yaml")
    assert loaded.container == request.param
    return loaded


def _leaks(text: str) -> list[str]:
    """The kinds of secret whose value, or a telling part of it, is in the text."""
    return [kind for kind, value in KEYS.items() if value in text or value[6:22] in text]


def _frame_text(cassette: vizlib.Cassette) -> str:
    parts = []
    for frame in ("interactions", "chunks", "messages", "tool_calls", "usage"):
        table = getattr(cassette, frame).drop(columns=["args"], errors="ignore")
        parts.append(table.to_csv())
    return "\n".join(parts)


def test_the_cassette_holds_every_secret_unredacted(cassette: vizlib.Cassette) -> None:
    shown = "\n".join(
        str(raw_exchange(cassette, i, redact=False)) for i in range(len(cassette))
    ) + str(assemble(cassette, 0))
    assert set(_leaks(shown)) == set(KEYS)  # the tests below can fail


def test_raw_exchange(cassette: vizlib.Cassette) -> None:
    for index in range(len(cassette)):
        assert _leaks(str(raw_exchange(cassette, index, redact=True))) == []


def test_transcript(cassette: vizlib.Cassette) -> None:
    for index in range(len(cassette)):
        assert _leaks(str(transcript(cassette, index, redact=True))) == []


def test_every_position_of_the_assembly_slider(cassette: vizlib.Cassette) -> None:
    (call,) = assemble(cassette, 0, redact=True)
    assert call.n_fragments if hasattr(call, "n_fragments") else len(call.fragments) > 3
    for seq, _ in call.fragments:
        text, newest = call.at(seq)
        assert _leaks(text + newest) == []
        assert not text.startswith('{"api_key": "sk-')  # not even the key's prefix
    assert call.at(call.fragments[-1][0])[0] == f'{{"api_key": "{MASK}", "user": "ada"}}'
    assert "".join(d for _, d in call.fragments) == call.arguments


def test_fragments_masked_to_match_at_every_cut() -> None:
    whole = f'{{"api_key": "{KEYS["fragments"]}", "n": 1}}'
    for size in range(1, 12):
        parts = [(i, whole[i * size : (i + 1) * size]) for i in range(-(-len(whole) // size))]
        masked = mask_fragments(parts)
        prefix = ""
        for _, delta in masked:
            prefix += delta
            assert KEYS["fragments"][:4] not in prefix.replace(MASK, "")
        assert prefix == redact_text(whole)


# pieces that make a secret, or half of one, or something a secret needs, cut anywhere
_PIECES = [
    *KEYS.values(),
    "sk-",
    "s",
    "k-",
    "AIza",
    "Bearer ",
    "=",
    "\\u0041",
    "\\/",
    '"api_key": ',
    '"pass',
    'word": ',
    "x",
    "Σ",
    "İ",
    "tok",
    'en\\":',
    " ",
    "\n",
    "data: ",
    "?api_key=",
    "&access_token=",
    '\n{"password": "' + _token("pw", 20) + '"}\n',
    '\n{"note": "\\u0073k-proj-' + _token("esc", 40) + '"}\n',  # a key behind an escape
    '{\\"client_secret\\": \\"' + _token("cs", 24) + '\\"}',
]


def test_parts_of_a_text_that_holds_nothing_hold_nothing() -> None:
    """What lets the timeline skip scanning a stream's deltas: never a secret missed."""
    rng = random.Random(13)
    held = {True: 0, False: 0}
    for _ in range(3000):
        pieces = rng.choices(_PIECES, k=rng.randint(1, 8))
        if rng.random() < 0.5:  # most streams hold nothing a secret needs
            pieces = [p for p in pieces if holds_nothing(p)] or ["x"]
        whole = "".join(pieces)
        cuts = sorted(rng.sample(range(len(whole) + 1), min(len(whole) + 1, rng.randint(1, 6))))
        parts = [whole[a:b] for a, b in zip([0, *cuts], [*cuts, len(whole)], strict=True)]
        empty = holds_nothing(whole)
        held[empty] += 1
        if empty:
            assert all(scan(part) == [] for part in parts), parts
        assert redact_parts(parts) == [redact_text(part) for part in parts]
    assert min(held.values()) > 500  # both ways, many times
    add_pattern("secret/corp", r"corp_[A-Za-z0-9]{30}")  # a shape without a needle
    try:
        assert not holds_nothing("plain words")
    finally:
        clear_patterns()


def test_a_key_behind_needless_escapes_is_found_and_masked(tmp_path: Path) -> None:
    """JSON may escape any character, and `\\u0073k-` is `sk-` to whatever reads the body."""
    key = KEYS["after-newline"]  # sk-proj-...
    hidden = "".join(f"\\u{ord(c):04X}" if i % 3 == 0 else c for i, c in enumerate(key))
    password = "p\u00e9\U0001f600" + _token("pw-escaped", 16)  # beyond U+FFFF: two escapes
    written = json.dumps(password)[1:-1]  # ensure_ascii: every non-ASCII character escaped
    body = f'{{"note": "{hidden}", "password": "{written}"}}'
    assert json.loads(body) == {"note": key, "password": password}
    assert {s.value for s in scan(body)} == {key, password}
    assert redact_text(body) == f'{{"note": "{MASK}", "password": "{MASK}"}}'
    seed = yaml.safe_load(sample_cassette())
    seed["interactions"][0]["request"]["body"] = body
    cassette = tmp_path / "escaped.yaml"
    cassette.write_text(yaml.safe_dump(seed))
    found = scan_file(cassette, cassette.name)
    assert {f.rule for f in found.findings} >= {"secret/openai-key", "secret/password"}
    assert key not in report_html([vizlib.load(cassette)])


def test_base64_runs_are_those_the_expression_finds() -> None:
    """The prefilter skips a text only where the expression finds no run in it."""
    rng = random.Random(7)
    letters = string.ascii_letters + string.digits + "+/"
    others = '=-_ é日\n"\\\x00\xff'
    seen = 0
    for _ in range(5000):
        pieces = [
            "".join(rng.choices(letters, k=rng.randint(30, 60)))
            if rng.random() < 0.3
            else "".join(rng.choices(letters + others, k=rng.randint(1, 10)))
            for _ in range(rng.randint(0, 12))
        ]
        text = "".join(pieces)
        expected = [m.span() for m in BASE64_RUN.finditer(text)][:MAXBASE64_RUNS]
        assert [m.span() for m in base64_runs(text)] == expected, text
        seen += bool(expected)
    assert 1000 < seen < 4000  # texts with runs and texts without, many of each


def test_long_texts_are_searched_by_re2_as_by_python() -> None:
    """The one-pass searches of long texts find what Python's would, character for character."""
    rng = random.Random(11)
    needles = sorted({n for rule in SHAPES for n in rule.needles})
    odd = [*linear.PYTHON_SPACES, "\ud800", "é", "日", "\U0001f600", "\\", '"', ":", "\x00"]
    words = [*needles, "api_key", "passwd_x", "credentials", "token", "pwd", "x", " ", *odd]
    both = {True: 0, False: 0}
    for _ in range(400):
        pieces = rng.choices(words, k=rng.randint(500, 900))
        if rng.random() < 0.5:
            pieces = [p for p in pieces if p not in needles]
        text = "".join(pieces).lower().ljust(LONG, "x")
        expected = any(n in text for n in needles)
        assert linear.found(_LONG_NEEDLES, text) == expected
        both[expected] += 1
        assert _field_hint(text) == (_FIELD_HINT.search(text) is not None)
    assert min(both.values()) > 100
    assert "".join(c for c in map(chr, range(0x110000)) if c.isspace()) == linear.PYTHON_SPACES


def test_frames_of_the_redacted_cassette(cassette: vizlib.Cassette) -> None:
    assert _leaks(_frame_text(cassette.redacted())) == []
    redacted = cassette.redacted()
    assert redacted.chunks.shape == cassette.chunks.shape
    assert redacted.tool_calls.name.tolist() == ["login"]
    # the plain frames keep chunks.raw as recorded; their URL column is redacted
    assert "after-newline" in _leaks("".join(cassette.chunks.raw))
    assert _leaks(" ".join(cassette.interactions.url)) == []


def test_the_report_and_its_no_redact_twin(cassette: vizlib.Cassette) -> None:
    page = readable(report_html([cassette]))
    assert _leaks(page) == []
    assert MASK in page
    assert "secret/signed-url in the request body" in page  # the problems panel lists it
    shown = readable(report_html([cassette], redact=False))
    assert KEYS["after-newline"] in shown
    assert KEYS["client-secret"] in shown


def test_the_diff_page_and_its_labels(cassette: vizlib.Cassette) -> None:
    other = vizlib.load(hostile_cassette().replace("ada", "bob"), name="hostile.yaml")
    diffs = diff_many({"hostile.yaml": cassette}, {"hostile.yaml": other})
    old = f"https://ci:{KEYS['userinfo']}@git.example.com/repo/a"
    page = diff_page(diffs, old, "b")
    assert _leaks(page) == []
    assert KEYS["userinfo"] in diff_page(diffs, old, "b", redact=False)


def test_cli_report_and_summary(tmp_path: Path) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(hostile_cassette())
    runner = CliRunner()
    out = tmp_path / "r.html"
    assert runner.invoke(main, ["report", str(path), "-o", str(out)]).exit_code == 0
    assert _leaks(readable(out.read_text())) == []
    summary = runner.invoke(main, ["summary", str(path)])
    assert _leaks(summary.output) == []
    assert runner.invoke(main, ["report", "--no-redact", str(path), "-o", str(out)]).exit_code == 0
    assert KEYS["ya29"] in readable(out.read_text())


def test_file_names_are_masked_in_the_report_and_the_notebook_views(tmp_path: Path) -> None:
    # a cassette named after a parametrized test id, and a broken one: in the page, the
    # dashboard, the list of files not read and the views, their keys are masked
    folder = tmp_path / "suite"
    folder.mkdir()
    good, broken = f"test_chat[{KEYS['after-newline']}].yaml", f"test_x[{KEYS['pplx']}].yaml"
    (folder / good).write_text(sample_cassette())
    (folder / broken).write_text("interactions: [")
    (folder / "plain.yaml").write_text(sample_cassette())
    out = tmp_path / "r.html"
    runner = CliRunner()
    result = runner.invoke(main, ["report", str(folder), "-o", str(out)])
    assert result.exit_code == 1  # a file could not be read
    assert _leaks(result.output) == []
    assert f"test_x[{MASK}].yaml: not valid YAML" in result.output
    page = readable(out.read_text())
    assert _leaks(page) == []
    assert f"test_chat[{MASK}].yaml" in page
    assert f"test_x[{MASK}].yaml" in page
    assert "plain.yaml" in page
    one = tmp_path / "one.html"
    assert runner.invoke(main, ["report", str(folder / good), "-o", str(one)]).exit_code == 0
    assert _leaks(readable(one.read_text())) == []
    view = corpus_view(folder)
    shown = view.dashboard.value + repr(view.picker.options) + str(static_of(view))
    view.open_cassette(0)
    opened = view.holder.children[0]
    shown += opened.children[0].value + repr(opened) + str(static_of(opened))
    assert _leaks(shown) == []
    assert f"test_chat[{MASK}].yaml" in shown
    result = runner.invoke(main, ["report", "--no-redact", str(folder), "-o", str(out)])
    assert broken in result.output
    assert good in out.read_text()
    assert broken in out.read_text()


def test_problems_panel_lists_secrets_without_them(cassette: vizlib.Cassette) -> None:
    from vizlib.analysis.problems import secrets  # noqa: PLC0415

    found = secrets(cassette)
    labels = [label for labels in found.values() for label in labels]
    assert any(label.startswith("secret/signed-url") for label in labels)
    assert any(label.startswith("secret/oauth-token in the request body") for label in labels)
    assert _leaks("\n".join(labels)) == []


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("https://h/p?X-Amz-Signature=abc&x=1", "https://h/p?X-Amz-Signature=[REDACTED]&x=1"),
        ("https://h/p?apiKey=abc", "https://h/p?apiKey=[REDACTED]"),
        ("https://h/p?api-key=abc", "https://h/p?api-key=[REDACTED]"),
        ("https://h/p?access-token=abc", "https://h/p?access-token=[REDACTED]"),
        ("https://h/p?X-Goog-Signature=abc", "https://h/p?X-Goog-Signature=[REDACTED]"),
        ("https://h/p?max_tokens=5&page_token=x", "https://h/p?max_tokens=5&page_token=x"),
    ],
)
def test_url_parameters(url: str, masked: str) -> None:
    assert redact_url(url) == masked


def test_session_and_gateway_headers_but_not_rate_limits() -> None:
    headers = {
        "x-session-id": ["a"],
        "Dg-Project-Id": ["b"],
        "azureml-model-session": ["c"],
        "Helicone-Auth": ["d"],
        "x-ratelimit-remaining-tokens": ["100"],
        "Idempotency-Key": ["stainless-retry-1"],
    }
    shown = redact_headers(headers)
    assert [name for name, values in shown.items() if values == [MASK]] == list(headers)[:4]


MCP_TOKEN = "uJoFyErQ4gHFUkb8Z7LZXyCWza7kpCXVZtPpAecx"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # an MCP server's OAuth token and headers in a Responses request's tools
        (
            f'{{"type": "mcp", "authorization": "{MCP_TOKEN}"}}',
            f'{{"type": "mcp", "authorization": "{MASK}"}}',
        ),
        (
            f'{{"headers": {{"Authorization": "{MCP_TOKEN}"}}}}',
            f'{{"headers": {{"Authorization": "{MASK}"}}}}',
        ),
        (f'{{"auth": "{MCP_TOKEN}"}}', f'{{"auth": "{MASK}"}}'),
        # an MCP server's headers, named as headers are: whatever the name, where it is one
        (
            f'{{"extra_headers": {{"X-Custom-Key": "{MCP_TOKEN}", "Accept": "text/plain"}}}}',
            f'{{"extra_headers": {{"X-Custom-Key": "{MASK}", "Accept": "text/plain"}}}}',
        ),
        ('{"user": "ada", "pwd": "Pw8fT2xQ7vLm4Nz"}', f'{{"user": "ada", "pwd": "{MASK}"}}'),
        # a token in a URL's fragment (an OAuth implicit-grant redirect)
        (
            f"Location: https://app.example.com/cb#access_token={MCP_TOKEN}&token_type=Bearer",
            f"Location: https://app.example.com/cb#access_token={MASK}&token_type=Bearer",
        ),
        # a password with an empty user name, as Redis URLs write it
        (
            "redis://:Gn6QD67bKSqqy2VY9vNbccmV@redis.example.com:6379/0",
            f"redis://{MASK}@redis.example.com:6379/0",
        ),
        # a field named as an HTTP extension header, outside a `headers` object, is that header
        (
            '{"default_headers_json": {"X-Custom-Key": "Gn6QD67bKSqq"}, "X-Request-Id": "r_1"}',
            f'{{"default_headers_json": {{"X-Custom-Key": "{MASK}"}}, "X-Request-Id": "r_1"}}',
        ),
        # an `@` left unescaped in a password or a user name: the user info ends at the last
        (
            "https://ada:Gn6Q@D67bKSqq@db.example.com/x?to=a@b",
            f"https://{MASK}@db.example.com/x?to=a@b",
        ),
        (
            "ftp://ada@example.com:Gn6QD67bKSqq@files.example.com/",
            f"ftp://{MASK}@files.example.com/",
        ),
        # a password holding an unescaped `#` or `?`
        ("postgres://admin:p#ss@db.internal:5432/x", f"postgres://{MASK}@db.internal:5432/x"),
        ("redis://:s3cr3t?1@cache:6379", f"redis://{MASK}@cache:6379"),
        # not user info: a port, then a path holding an `@`
        ("https://host:8080/users/ada@example.com", "https://host:8080/users/ada@example.com"),
        # a bare `token` or `key` where its value is written as a generated credential is
        (f'{{"ok": true, "token": "{MCP_TOKEN}"}}', f'{{"ok": true, "token": "{MASK}"}}'),
        (f'{{"key": "{MCP_TOKEN}"}}', f'{{"key": "{MASK}"}}'),
        # a key with a distinctive prefix joined to a word by a `-` or `_`, as in a file name
        (
            "broken-sk-proj-Gn6QD67bKSqqy2VY9vNbccmV.yaml",
            f"broken-{MASK}.yaml",
        ),
        ("run_sk-ant-api03-Gn6QD67bKSqqy2VY9vNb", f"run_{MASK}"),
        # not keys: a bare `sk-` joined to a word, a word ending in `sk` before `-proj-`
        ("task-sk-Gn6QD67bKSqqy2VY9vNbccmV", "task-sk-Gn6QD67bKSqqy2VY9vNbccmV"),
        ("disk-proj-Gn6QD67bKSqqy2VY9vNbccmV", "disk-proj-Gn6QD67bKSqqy2VY9vNbccmV"),
        # not credentials: a field and a parameter of the same words, a logprob, a setting
        ('{"author": "ada", "authored": true}', '{"author": "ada", "authored": true}'),
        (
            '{"token": " understanding", "logprob": -0.25, "bytes": [32, 117]}',
            '{"token": " understanding", "logprob": -0.25, "bytes": [32, 117]}',
        ),
        (
            '{"key": "temperature_setting_v2", "value": 0.2}',
            '{"key": "temperature_setting_v2", "value": 0.2}',
        ),
        ("https://h/p#section=intro", "https://h/p#section=intro"),
    ],
)
def test_credential_names_and_urls(text: str, masked: str) -> None:
    assert redact_text(text) == masked


CONFIG = 'File: config/settings.json (4 lines)\n{\n  "db": {"password": "Pw8fT2xQ7vLm4Nz"},\n  "api_key": "JCuM2bxTq8LmNz4Wc7Rt"\n}'


@pytest.mark.parametrize(
    "text",
    [
        CONFIG,  # a file a tool read, after its header line
        json.dumps({"role": "tool", "content": CONFIG}),  # the same, sent back in a request
        f"The config is:\n```json\n{CONFIG.split(chr(10), 1)[1]}\n```\nShall I fix it?",
        CONFIG[: CONFIG.index("api_key") + 20],  # cut short
    ],
)
def test_credential_fields_quoted_in_text_that_is_not_json(text: str) -> None:
    shown = redact_text(text)
    assert "Pw8fT2xQ7vLm4Nz" not in shown
    assert "JCuM2bxTq8LmNz4Wc7Rt"[:12] not in shown
    assert MASK in shown
    assert "config/settings.json" in shown or "The config" in shown or "tool" in shown
    ordinary = text.replace("password", "passage").replace("api_key", "api_url")
    assert redact_text(ordinary) == ordinary  # the same text, no credential's name: unchanged


def test_multipart_form_fields_named_like_credentials() -> None:
    part = '--b0\r\nContent-Disposition: form-data; name="{}"{}\r\n\r\n{}\r\n'
    form = (
        part.format("file", '; filename="a.txt"\r\nContent-Type: text/plain', "hello")
        + part.format("api_key", "", "cwbkeGZBahcNwXjocFRbdSKSK4dVNgG9")
        + part.format("password", "", "PwKrUscaVsTAbk3PwDuS9!")
        + part.format("model", "", "whisper-1")
        + "--b0--\r\n"
    )
    shown = redact_text(form)
    assert "cwbkeGZBahcNwXjocFRbdSKSK4dVNgG9" not in shown
    assert "PwKrUscaVsTAbk3PwDuS9!" not in shown
    assert shown == form.replace("cwbkeGZBahcNwXjocFRbdSKSK4dVNgG9", MASK).replace(
        "PwKrUscaVsTAbk3PwDuS9!", MASK
    )


def test_base64_that_check_reports_a_secret_in_is_masked(tmp_path: Path) -> None:
    dotenv = f"OPENAI_API_KEY={KEYS['after-newline']}\nDEBUG=1\n"
    encoded = base64.b64encode(dotenv.encode()).decode()
    body = json.dumps({"file_data": f"data:text/plain;base64,{encoded}", "note": "env"})
    plain = base64.b64encode(b"a file with nothing secret in it, long enough").decode()
    assert redact_body(body) == body.replace(encoded, MASK)
    assert redact_body(plain) == plain
    request = chat_request()
    request["messages"][0]["content"] = [{"type": "file", "file": {"file_data": body}}]
    path = tmp_path / "upload.yaml"
    path.write_text(build("go-vcr", [Call(request, chat_response())]))
    found = scan_file(path, path.name).values
    assert [(f.rule, value, encoded) for f, value, encoded in found] == [
        ("secret/openai-key", KEYS["after-newline"], True)
    ]
    c = vizlib.load(path)
    assert encoded not in raw_exchange(c, 0).request_body
    assert encoded not in readable(report_html([c]))


def test_a_message_that_quotes_a_secret_without_its_field_name() -> None:
    arguments = (
        '{"user": "ada", "password": "Pw8fT2xQ7vLm4Nz", "token": "sk-proj-' + "a1B2" * 8 + '"}'
    )
    message = (
        "password: 'Pw8fT2xQ7vLm4Nz' is too short; token: 'sk-proj-" + "a1B2" * 8 + "' is too long"
    )
    assert redact_text(message).startswith("password: 'Pw8fT2xQ7vLm4Nz'")  # no field shape here
    assert (
        redact_quoting(message, arguments)
        == f"password: '{MASK}' is too short; token: '{MASK}' is too long"
    )


def test_added_patterns_are_masked_and_found() -> None:
    secret = "corp_" + _token("corp", 30)
    assert redact_text(f"x {secret} y") == f"x {secret} y"
    add_pattern("secret/corp", r"corp_[A-Za-z0-9]{30}")
    try:
        assert redact_text(f"x {secret} y") == f"x {MASK} y"
        assert [s.rule for s in scan(secret)] == ["secret/corp"]
    finally:
        clear_patterns()


def test_raw_truncation_never_leaves_a_prefix() -> None:
    key = "sk-proj-" + _token("cut", 40)
    body = json.dumps({"text": "x" * (MAX_BODY_CHARS - 30) + " " + key})
    cassette = vizlib.load(
        yaml.safe_dump(
            {
                "version": 2,
                "interactions": [
                    {
                        "id": 0,
                        "request": {
                            "body": body,
                            "headers": {},
                            "url": "https://api.openai.com/v1/chat/completions",
                            "method": "POST",
                        },
                        "response": {"body": "{}", "headers": {}, "status": "200 OK", "code": 200},
                    }
                ],
            },
            width=10**7,
        ),
        name="cut.yaml",
    )
    shown = raw_exchange(cassette, 0, redact=True).request_body
    assert key[:10] not in shown


def test_a_private_key_after_many_begin_lines_is_found_alone() -> None:
    # each BEGIN line's search stops at the next one: a text of them is searched once
    body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" + "Q" * 1600
    key = f"-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----"
    text = "-----BEGIN PRIVATE KEY-----\n" * 20_000 + key + "\nthe end"
    (found,) = scan(text)
    assert (found.rule, found.value) == ("secret/private-key", key)
    assert redact_text(text).endswith(f"-----BEGIN PRIVATE KEY-----\n{MASK}\nthe end")
