"""Findings written as text, JSON, GitHub workflow annotations, SARIF 2.1.0 or JUnit XML.

Each writer is a pure function from findings to a string. Every text taken
from a cassette is already cleaned of control characters (`findings.clean`),
and no writer ever sees a secret: findings carry its first characters only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree as ET

import orjson

from vizlib.check.findings import RULES, Finding

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_URI = "https://github.com/vizlib/vizlib"


def summary_line(files: Sequence[str], findings: Sequence[Finding]) -> str:
    """`3 findings (1 error, 2 warnings) in 2 of 10 files`, or that all files are clean."""
    if not findings:
        return f"no findings in {len(files)} file{'s' if len(files) != 1 else ''}"
    counts = Counter(f.severity for f in findings)
    parts = [
        f"{counts[s]} {s if counts[s] == 1 else s + 's'}"
        for s in ("error", "warning", "info")
        if counts[s]
    ]
    touched = len({f.file for f in findings})
    return (
        f"{len(findings)} finding{'s' if len(findings) != 1 else ''} ({', '.join(parts)}) "
        f"in {touched} of {len(files)} file{'s' if len(files) != 1 else ''}"
    )


def _place(finding: Finding) -> str:
    line = f":{finding.line}" if finding.line else ""
    index = f" interaction {finding.interaction}" if finding.interaction is not None else ""
    return f"{finding.file}{line}{index}"


def to_text(files: Sequence[str], findings: Sequence[Finding]) -> str:
    """One plain line per finding, then the summary."""
    lines = [f"{_place(f)}: {f.severity} {f.rule}: {f.message}" for f in findings]
    return "\n".join([*lines, summary_line(files, findings)]) + "\n"


def to_json(files: Sequence[str], findings: Sequence[Finding]) -> str:
    """A JSON array: one object per finding, with stable field names."""
    return orjson.dumps([f.to_dict() for f in findings], option=orjson.OPT_INDENT_2).decode() + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def to_github(files: Sequence[str], findings: Sequence[Finding]) -> str:
    """GitHub Actions workflow commands: each finding an annotation on its file and line."""
    out = []
    for f in findings:
        props = [f"file={_escape_property(f.file)}"]
        if f.line:
            props.append(f"line={f.line}")
        props.append(f"title={_escape_property(f.rule)}")
        where = f"interaction {f.interaction}: " if f.interaction is not None else ""
        out.append(
            f"::{_GITHUB_LEVEL[f.severity]} {','.join(props)}::{_escape_data(where + f.message)}"
        )
    out.append(_escape_data(summary_line(files, findings)))
    return "\n".join(out) + "\n"


_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def sarif_log(findings: Sequence[Finding]) -> dict[str, Any]:
    """The findings as a SARIF 2.1.0 log (one run, the rules that fired described)."""
    used = sorted({f.rule for f in findings})
    rule_index = {rule: i for i, rule in enumerate(used)}
    rules = [
        {
            "id": rule,
            "shortDescription": {"text": RULES.get(rule, ("error", "a custom secret pattern"))[1]},
            "defaultConfiguration": {"level": _SARIF_LEVEL[RULES.get(rule, ("error", ""))[0]]},
        }
        for rule in used
    ]
    results = []
    for f in findings:
        region = {"startLine": f.line} if f.line else {}
        location: dict[str, Any] = {"artifactLocation": {"uri": quote(f.file, safe="/")}}
        if region:
            location["region"] = region
        results.append(
            {
                "ruleId": f.rule,
                "ruleIndex": rule_index[f.rule],
                "level": _SARIF_LEVEL[f.severity],
                "message": {
                    "text": (
                        f"interaction {f.interaction}: {f.message}"
                        if f.interaction is not None
                        else f.message
                    )
                },
                "locations": [{"physicalLocation": location}],
                "partialFingerprints": {"vizlibFindingHash/v1": f.fingerprint},
            }
        )
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "vizlib check",
                        "informationUri": TOOL_URI,
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }


def to_sarif(files: Sequence[str], findings: Sequence[Finding]) -> str:
    """SARIF 2.1.0 JSON, for code-scanning upload."""
    return orjson.dumps(sarif_log(findings), option=orjson.OPT_INDENT_2).decode() + "\n"


def to_junit(files: Sequence[str], findings: Sequence[Finding]) -> str:
    """JUnit XML: one test case per file, failed by its findings (errors and warnings)."""
    by_file: dict[str, list[Finding]] = {name: [] for name in files}
    for f in findings:
        by_file.setdefault(f.file, []).append(f)
    failing = sum(1 for found in by_file.values() if found)
    suites = ET.Element("testsuites", name="vizlib check")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="vizlib check",
        tests=str(len(by_file)),
        failures=str(failing),
        errors="0",
    )
    for name, found in by_file.items():
        case = ET.SubElement(suite, "testcase", classname="vizlib.check", name=name)
        if found:
            failure = ET.SubElement(
                case,
                "failure",
                message=summary_line([name], found),
                type=found[0].rule,
            )
            failure.text = "\n".join(
                f"{_place(f)}: {f.severity} {f.rule}: {f.message}" for f in found
            )
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


FORMATS: dict[str, Callable[[Sequence[str], Sequence[Finding]], str]] = {
    "text": to_text,
    "json": to_json,
    "github": to_github,
    "sarif": to_sarif,
    "junit": to_junit,
}
