"""The fast YAML parser gives exactly PyYAML's document, or steps aside for PyYAML.

PyYAML's C loader is the reference: wherever `fast_load` returns a document,
it must equal PyYAML's, value for value and type for type.
"""

from __future__ import annotations

import base64
import json
import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vizlib
from tests.shared import SHARED, need, shared_params
from vizlib.limits import Limits, using
from vizlib.readers import _fastyaml
from vizlib.readers._document import CassetteLoader, check_structure, parse_document
from vizlib.readers._fastyaml import REFUSED, fast_load

INCOMING = SHARED.parent / "incoming"
CHECKED_SHARED = 9  # shared YAML files the screen leaves to the checks (see below)
YAML_SUFFIXES = (".yaml", ".yml")

pytestmark = pytest.mark.skipif(not _fastyaml.available(), reason="py-yaml12 is not installed")


def reference(content: str | bytes) -> Any:
    return yaml.load(content, Loader=CassetteLoader)


def same(a: Any, b: Any) -> bool:
    """Equal values of equal types all the way down (NaN equals NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return len(a) == len(b) and all(
            same(k, j) and same(a[k], b[j]) for k, j in zip(a, b, strict=True)
        )
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def _parsed(text: str) -> Any:
    try:
        return _fastyaml._parser()(text, handlers=_fastyaml._HANDLERS)  # type: ignore[misc]
    except Exception:
        return REFUSED


def screen_lets_through(content: str | bytes, max_depth: int = 64) -> bool:
    """Whether the screen alone takes `content` (the checks then never run), as `fast_load`."""
    if _fastyaml._unlike(content) or not _fastyaml._screened(content):
        return False
    data = _parsed(content.decode("utf-8", "replace") if isinstance(content, bytes) else content)
    return data is not REFUSED and _fastyaml._dump_alike(data, max_depth)


def checks_let_through(content: str | bytes, max_depth: int = 64) -> bool:
    """Whether the checks before and after parsing take `content`."""
    text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
    if _fastyaml._text_differs(text):
        return False
    data = _parsed(text)
    return data is not REFUSED and not _fastyaml._document_differs(data, text, max_depth)


def assert_screen_within_checks(content: str | bytes, max_depth: int = 64) -> None:
    """The screen takes nothing the checks would refuse: it only saves their time.

    A text the screen passes needs no check before parsing (`fast_load` then walks
    a large one's document instead of dumping it), so the screen finds all the
    check before parsing finds.
    """
    if _fastyaml._screened(content):
        text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
        assert not _fastyaml._text_differs(text), content
    if screen_lets_through(content, max_depth):
        assert checks_let_through(content, max_depth), content


def yaml_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in YAML_SUFFIXES)


@pytest.mark.shared
@pytest.mark.parametrize(
    "path",
    [
        *shared_params("**/*.yaml"),
        *shared_params("**/*.yml"),
        *[pytest.param(p, id=f"incoming/{p.relative_to(INCOMING)}") for p in yaml_files(INCOMING)],
    ],
)
def test_every_shared_cassette_parses_to_pyyamls_document(path: Path | None) -> None:
    content = need(path).read_bytes()
    fast = fast_load(content)
    if fast is not REFUSED:
        assert same(fast, reference(content))
    assert_screen_within_checks(content)


@pytest.mark.shared
def test_most_shared_cassettes_take_the_fast_path() -> None:
    files = yaml_files(need(SHARED if SHARED.is_dir() else None)) + yaml_files(INCOMING)
    refused = [p.name for p in files if fast_load(p.read_bytes()) is REFUSED]
    # what is refused: in "14,094,034", inside a quoted body, "094" could start a flow
    # collection's plain scalar with a leading zero (YAML 1.1 octal)
    assert len(files) == 200
    assert refused == ["generate.yaml"]
    # and most go by the screen alone: the checks run on the rest
    checked = [p.name for p in files if not screen_lets_through(p.read_bytes())]
    assert len(checked) == CHECKED_SHARED, checked


@pytest.mark.parametrize("space", ["\xa0", "\u1680", "\u2000", "\u200a", "\u202f", "\u3000"])
def test_a_node_of_unicode_spaces_is_read_by_pyyaml(space: str) -> None:
    # YAML 1.2 (the fast parser) trims such a node to null; PyYAML keeps the character
    cases = [
        (f"interactions: {{{space}: null}}\n", {"interactions": {space: None}}),
        (f"interactions:\n- {space}\n", {"interactions": [space]}),
        (f"a: [x, {space}]\n", {"a": ["x", space]}),
    ]
    for text, document in cases:
        assert fast_load(text.encode()) is REFUSED
        assert reference(text) == document


def test_binary_bodies_are_decoded_as_pyyaml_decodes_them() -> None:
    raw = bytes(range(256)) * 3
    wrapped = base64.encodebytes(raw).decode().replace("\n", "\n        ")
    for tag in ("!!binary", "!binary"):
        text = f"interactions:\n- response:\n    body:\n      string: {tag} |\n        {wrapped}\n"
        fast = fast_load(text)
        assert fast is not REFUSED
        assert fast["interactions"][0]["response"]["body"]["string"] == raw
        assert same(fast, reference(text))


@pytest.mark.parametrize(
    "scalar",
    [
        # YAML 1.1 only: booleans, octal, binary, sexagesimal, underscores, timestamps, merge
        "yes",
        "No",
        "ON",
        "off",
        "017",
        "0b101",
        "-0x1F",
        "0x1F",
        "1_000",
        "1:20",
        "1:20.5",
        "2024-01-02",
        "2024-01-02T10:00:00Z",
        "2001-12-14 21:59:43.10 -5",
        "<<",
        "=",
        # YAML 1.2 only: octal, exponents without a dot or sign, signed dots
        "0o17",
        "09",
        "1e3",
        "1E3",
        "1.5e3",
        "+.5",
        "-.5",
        "1e400",
        ".5e-3",
        # integers past 2^63, which the fast parser makes floats
        "9223372036854775807",
        "9223372036854775808",
        "18446744073709551616",
        "-99999999999999999999",
        # read alike by both
        "0",
        "-0",
        "+12",
        "200",
        "1.5",
        "-2.25",
        "1.",
        "1.0e+400",
        ".inf",
        "-.Inf",
        ".nan",
        "~",
        "null",
        "Null",
        "true",
        "False",
        "y",
        "n",
        "tRUE",
        "1,000",
        "12 monkeys",
        "721.622792ms",
        "1m2.5s",
        "0.0.1",
        "v1.2",
        "-",
        "--",
        ".",
        "..",
    ],
)
@pytest.mark.parametrize(
    "template",
    [
        "a: {}\n", "- {}\n", "{}: a\n", "a: [{}]\n", "a: [b, {}]\n", "a: {{b: {}}}\n",
        "a:\n  - b\n  - {}\n", "a: '{}'\n", 'a: "{}"\n', "a: |\n  {}\n", "a: b {}\n",
        '{{"a": {}}}\n', '{{"a":{}}}\n', "? {}\n: a\n",
    ],
)  # fmt: skip
def test_scalars_read_alike_or_go_to_pyyaml(scalar: str, template: str) -> None:
    text = template.format(scalar)
    assert_screen_within_checks(text)
    try:
        expected = reference(text)
    except yaml.YAMLError:
        assert fast_load(text) is REFUSED
        return
    fast = fast_load(text)
    assert fast is REFUSED or same(fast, expected), (text, fast, expected)


@pytest.mark.parametrize(
    "text",
    [
        "a: &x [1]\nb: *x\n",  # anchors: aliases are expanded by PyYAML under its limits
        "a: !ruby/object:Foo {b: 1}\n",
        "a: !!int '12'\n",
        "a: !!python/tuple [1, 2]\n",
        "a: 1\n---\nb: 2\n",
        "%YAML 1.1\n---\na: yes\n",
        "a: \x01\n",
        "a: b\u2028c\n",
        "a: b\x85c\n",
        "\ufeffa: 1\n",
        "[1, 2]: a\n",
        "x:\n" + "".join(" " * (i + 1) + f"k{i}:\n" for i in range(300)) + " " * 301 + "v: 1\n",
        "x: " + "- " * 5000 + "1\n",
        "x: " + "[" * 5000 + "]" * 5000 + "\n",
    ],
)
def test_what_the_fast_parser_cannot_match_goes_to_pyyaml(text: str) -> None:
    assert not screen_lets_through(text)
    assert fast_load(text) is REFUSED
    assert fast_load(text.encode("utf-8", "surrogatepass")) is REFUSED


@pytest.mark.parametrize(
    "text",
    [
        # header values go-vcr quotes because YAML 1.1 would read them as dates or aliases
        "headers:\n  Anthropic-Version:\n  - \"2023-06-01\"\n  Allow-Origin:\n  - '*'\n",
        'headers:\n  Openai-Processing-Ms:\n  - "523"\n  Date:\n  - Wed, 17 Dec 2025 09:02:42 GMT\n',
        'body: \'{"type":"text-generation","text":"!!!"}\'\n',
        "a: ['yes', \"no\", '017', '1_000', '<<', '=', '2024-01-02']\n",
        "temperature: 0.7\ntop_p: 1.0\n",
        "a: '" + "1" + "_000" * 30 + "'\nb: \"" + "deadbeef" * 12 + '"\n',  # long, quoted
        "x:\n" + "- " * 40 + "1\n",  # compact nesting, well within bounds
        "a: '2024-01-02T03:04:05." + "1" * 60 + "Z'\n",
    ],
)
def test_quoted_look_alikes_take_the_fast_path(text: str) -> None:
    # what YAML 1.1 would read as another type, quoted, is a string to both parsers
    fast = fast_load(text)
    assert fast is not REFUSED
    assert same(fast, reference(text))


@pytest.mark.parametrize(
    "text",
    [
        "a: !!int '017'\n",
        "a: !!null ''\n",
        "a: !<tag:yaml.org,2002:int> '017'\n",
        "%TAG !e! tag:yaml.org,2002:\n---\na: !e!int '017'\n",
        "a: [1,017]\n",
        '{"a":017}\n',
        "a: -017\n",
        "a: 0o17\n",
        "a: yes\n",
        "- [no]\n",
        "{on: 1}\n",
        "a: 1e3\n",
        "a: +.5\n",
        "a: 18446744073709551616\n",
        "a: 0x8000000000000000\n",  # hex past 2^63: an integer to PyYAML, text to YAML 1.2's
        "a: [-0x1234567890abcdef0]\n",
        "a: " + "1" + "_000" * 30 + "\n",
        "a: 2001-12-14\n  21:59:43.10 -5\n",  # a timestamp folded over two lines
        "a: 2024-01-02T03:04:05." + "1" * 60 + "Z\n",  # a timestamp longer than a key
        "k: [a, ?utm=1]\n",  # a `?` starting a node in a flow collection: a key to PyYAML
        "- {?x: 1}\n",
        "k: [a,\n  ?x]\n",
        "a: [2024-01-02 03:04:05." + "1" * 60 + "]\n",
        "a:\n- \xa0\n",
        "x:\n" + "- " * 5000 + "1\n",  # deep enough to overflow the fast parser's stack
        "--- " + "- " * 5000 + "1\n",
        "x:\r" + "".join(" " * (i + 1) + f"k{i}:\r" for i in range(300)) + " " * 301 + "v: 1\r",
        "x: 1\r---\ry: 2\r",
    ],
)
def test_plain_scalars_read_differently_go_to_pyyaml(text: str) -> None:
    assert not screen_lets_through(text)
    assert fast_load(text) is REFUSED
    assert fast_load(text.encode()) is REFUSED


def test_a_text_cut_inside_a_block_scalar_is_read_by_pyyaml() -> None:
    # PyYAML keeps no line break where the text ends without one; the fast parser adds one
    assert reference("body: |\n  hello") == {"body": "hello"}
    assert fast_load("body: |\n  hello") is REFUSED
    assert fast_load("body: |\n  hello\n") == reference("body: |\n  hello\n")


@pytest.mark.parametrize("text", ["a: |\n", "a: >\n", "- |\n\n", "x:\n  string: |  # cut\n  \n"])
def test_a_block_scalar_left_empty_at_the_end_is_read_by_pyyaml(text: str) -> None:
    # a recording cut after a body's first line: no text to PyYAML, a line break to YAML 1.2
    assert _parsed(text) != reference(text)
    assert fast_load(text) is REFUSED
    assert same(parse_document(text, name="cut.yaml"), reference(text))


def test_a_document_start_and_end_are_read() -> None:
    text = "---\ninteractions: []\nversion: 1\n...\n"
    assert fast_load(text) == {"interactions": [], "version": 1}
    assert fast_load(text + "---\nb: 2\n") is REFUSED


@pytest.mark.parametrize(
    "text",
    [
        "{yes:, b: c}\n",
        "x: {a :, b: c}\n",
        "- [a:]\n",
        "a: [1:, 2]\n",
        "interactions:\n-\trequest: {}\n",
        "a: |\n \tcode\n",
        "interactions:\n- \trequest: {}\n",  # a tab after an indicator and a space
        "- - \ta\n",
        "a: 1\n\t\n",
    ],
)
def test_what_pyyaml_refuses_for_a_tab_or_a_flow_colon_it_reports(text: str) -> None:
    # the fast parser reads these; a hand-edited cassette may hold them
    assert _parsed(text) is not REFUSED
    with pytest.raises(yaml.YAMLError):
        reference(text)
    assert not screen_lets_through(text)
    assert fast_load(text) is REFUSED
    with pytest.raises(vizlib.CassetteError, match="not valid YAML or JSON"):
        parse_document(text, name="edited.yaml")


def test_broken_yaml_is_reported_by_pyyaml() -> None:
    with pytest.raises(vizlib.CassetteError, match=r"^broken\.yaml: not valid YAML or JSON: "):
        parse_document("interactions:\n- request: [1, 2\n", name="broken.yaml")


_TRICKY = st.sampled_from(
    [
        "yes", "no", "on", "017", "0o17", "1e3", "1_000", "1:20", "2024-01-02", "<<", "=",
        "18446744073709551616", "- **bold**", ": x", "#", "'", '"', "&a", "*a", "!tag", "? x",
        "\t", "\n", "\r\n", " ", "\\", "{", "]", ",", "é", "\U0001f600", "data: {}",
    ]
)  # fmt: skip
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.binary(max_size=40),
    st.text(max_size=30),
    st.lists(_TRICKY, max_size=4).map("".join),
)
_DOCUMENTS = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.text(max_size=8), _TRICKY, st.integers()), inner, max_size=4),
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    document=_DOCUMENTS,
    flow=st.sampled_from([None, True, False]),
    width=st.sampled_from([20, 80, 10_000]),
)
def test_documents_written_by_pyyaml_read_alike(
    document: Any, flow: bool | None, width: int
) -> None:
    text = yaml.safe_dump(
        {"interactions": document}, default_flow_style=flow, width=width, allow_unicode=True
    )
    fast = fast_load(text.encode())
    assert fast is REFUSED or same(fast, reference(text)), text
    assert_screen_within_checks(text.encode())


@settings(max_examples=300, deadline=None)
@given(
    tokens=st.lists(
        st.one_of(_TRICKY, st.sampled_from(["a", "b", "1", "- ", ": ", "  "])), max_size=12
    )
)
def test_hand_written_yaml_reads_alike_or_goes_to_pyyaml(tokens: list[str]) -> None:
    text = "".join(tokens)
    assert_screen_within_checks(text)
    try:
        expected = reference(text)
    except (yaml.YAMLError, ValueError):
        return  # PyYAML refuses it: parse_document reports PyYAML's error either way
    fast = fast_load(text)
    assert fast is REFUSED or same(fast, expected), (text, fast, expected)


@pytest.mark.parametrize("levels", [9, 10, 11, 12])
def test_the_depth_limit_holds_on_the_fast_path(levels: int) -> None:
    # the fast path's walk refuses exactly what PyYAML's document and check_structure refuse
    text = "interactions:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, levels))
    text += "  " * levels + "v: 1\n"
    assert_screen_within_checks(text, max_depth=10)
    with using(Limits(depth=10)):
        try:
            check_structure(reference(text), name="deep.yaml", aliases=False)
        except vizlib.CassetteError:
            with pytest.raises(vizlib.CassetteError, match="nesting deeper than 10 levels"):
                parse_document(text, name="deep.yaml")
            return
        assert fast_load(text, max_depth=10) is not REFUSED
        assert same(parse_document(text, name="deep.yaml"), reference(text))


@settings(max_examples=500, deadline=None)
@given(
    scalar=st.text(alphabet="0123456789_:.-+eExXoObBaf TtZ\t!&*<=yesnNO", max_size=14),
    template=st.sampled_from(
        ["a: {}\n", "- {}\n", "{}: a\n", "a: [b, {}]\n", "a: '{}'\n", "a: {{b: {}}}\n"]
    ),
)
def test_the_screen_takes_no_number_like_scalar_the_checks_refuse(
    scalar: str, template: str
) -> None:
    text = template.format(scalar)
    assert_screen_within_checks(text)
    assert_screen_within_checks(text.encode())


def test_a_text_over_the_screen_s_size_is_walked_not_dumped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the screen's dump grows with depth times values: larger texts are walked instead
    values = ", ".join(["1"] * (_fastyaml.SCREENED_BYTES // 3))
    text = "a: [[[" + values + "]]]\nb: yes\n"
    assert len(text) > _fastyaml.SCREENED_BYTES
    monkeypatch.setattr(_fastyaml, "_dump_alike", lambda *_: pytest.fail("dumped"))
    assert fast_load(text) is REFUSED  # `yes`, found by the screen, then by the checks
    assert same(fast_load(text.replace("yes", "x")), reference(text.replace("yes", "x")))


def test_a_large_text_the_screen_passes_skips_the_check_before_parsing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    body = "".join(f'data: {{"n": {n}, "text": "word {n}"}}\n\n' for n in range(8_000))
    text = f"interactions:\n- response:\n    body: {json.dumps(body)}\n    code: 200\n"
    assert len(text) > _fastyaml.SCREENED_BYTES
    assert _fastyaml._screened(text)
    assert not _fastyaml._text_differs(text)
    monkeypatch.setattr(_fastyaml, "_text_differs", lambda *_: pytest.fail("checked"))
    assert same(fast_load(text), reference(text))
    assert same(fast_load(text.encode()), reference(text))


@pytest.mark.parametrize(("line", "cut"), [("---x: 1", 3), ("b: 0123a", 7), ("b: 012:x", 7)])
def test_the_first_line_is_checked_whole_not_cut(line: str, cut: int) -> None:
    # a token cut at a fixed width looked complete there: a document marker, a leading zero
    prefix = 'a: "' + "p" * (256 - cut - len('a: ""\n')) + '"\n'
    text = prefix + line + "\n"
    assert len(prefix) + cut == 256
    assert _fastyaml._screened(text)
    assert not _fastyaml._text_differs(text)
    assert same(fast_load(text), reference(text))
    assert_screen_within_checks(text)
