"""`[tool.vizlib.check]` in pyproject.toml, and the flags that override it.

    [tool.vizlib.check]
    select = ["secret", "stream"]          # rule ids, prefixes or globs; default: all
    ignore = ["http/error-status"]
    fail-on = "error"                      # error, warning, info or never
    severity = { "tool/schema-mismatch" = "error" }
    allow = [
      { path = "tests/legacy/*.yaml", rule = "secret/cookie" },
      { fingerprint = "3f2a9c0e5b7d1a24" },
    ]
    patterns = [{ id = "secret/internal", pattern = "itk_[A-Za-z0-9]{32}" }]

Inline ignores cannot live in generated files, so the allowlist is by file
glob, rule and finding fingerprint (any of them; all given must match).
"""

from __future__ import annotations

import fnmatch
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from vizlib.check.findings import RULES, SEVERITIES, Finding, Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

FAIL_ON = ("error", "warning", "info", "never")


class ConfigError(ValueError):
    """The configuration or a flag cannot be used: a usage error."""


@dataclass(frozen=True)
class Allow:
    """An allowlist entry: a finding matching every field given is dropped."""

    path: str | None = None
    rule: str | None = None
    fingerprint: str | None = None

    def matches(self, finding: Finding) -> bool:
        """True when every field given matches the finding."""
        return (
            (self.path is None or _path_matches(self.path, finding.file))
            and (self.rule is None or rule_matches(self.rule, finding.rule))
            and (self.fingerprint is None or self.fingerprint == finding.fingerprint)
        )


@dataclass(frozen=True)
class CheckConfig:
    """What to check and what fails the run."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str = "error"
    severity: dict[str, Severity] = field(default_factory=dict)
    allow: tuple[Allow, ...] = ()
    patterns: tuple[tuple[str, str], ...] = ()
    source: Path | None = None

    def wants(self, rule: str) -> bool:
        """True for rules selected and not ignored."""
        selected = not self.select or any(rule_matches(s, rule) for s in self.select)
        return selected and not any(rule_matches(i, rule) for i in self.ignore)

    def keeps(self, finding: Finding) -> bool:
        """True for a finding of a wanted rule that no allowlist entry matches."""
        return self.wants(finding.rule) and not any(a.matches(finding) for a in self.allow)

    def apply(self, findings: Sequence[Finding]) -> list[Finding]:
        """The findings kept, with the configured severities."""
        out = []
        for finding in findings:
            if not self.keeps(finding):
                continue
            severity = self.severity.get(finding.rule)
            out.append(replace(finding, severity=severity) if severity else finding)
        return out

    def fails(self, findings: Sequence[Finding]) -> bool:
        """True when a finding is at or above `fail_on`."""
        if self.fail_on == "never":
            return False
        floor = SEVERITIES.index(self.fail_on)
        return any(SEVERITIES.index(f.severity) >= floor for f in findings)


def rule_matches(selector: str, rule: str) -> bool:
    """A selector names a rule, a prefix of rules (`secret` or `secret/`) or a glob (`tool/*`)."""
    selector = selector.strip()
    return (
        rule == selector
        or rule.startswith(selector.rstrip("/") + "/")
        or fnmatch.fnmatchcase(rule, selector)
    )


def _path_matches(pattern: str, file: str) -> bool:
    return fnmatch.fnmatchcase(file, pattern) or fnmatch.fnmatchcase(Path(file).name, pattern)


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above `start`."""
    for folder in [start, *start.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def _strings(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(f"[tool.vizlib.check] {key} must be a list of strings")


def parse_config(table: dict[str, Any], source: Path | None = None) -> CheckConfig:
    """A `CheckConfig` from the `[tool.vizlib.check]` table; raises `ConfigError`."""
    known = {"select", "ignore", "fail-on", "severity", "allow", "patterns"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"[tool.vizlib.check] has unknown keys: {', '.join(unknown)}")
    fail_on = table.get("fail-on", "error")
    if fail_on not in FAIL_ON:
        raise ConfigError(f"fail-on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
    severity: dict[str, Severity] = {}
    for rule, level in dict(table.get("severity", {})).items():
        if level not in SEVERITIES:
            raise ConfigError(f"severity of {rule} must be one of {', '.join(SEVERITIES)}")
        severity[str(rule)] = level
    allow = []
    for entry in table.get("allow", []):
        if not isinstance(entry, dict) or not set(entry) <= {"path", "rule", "fingerprint"}:
            raise ConfigError("each allow entry is a table of path, rule and/or fingerprint")
        allow.append(Allow(entry.get("path"), entry.get("rule"), entry.get("fingerprint")))
    patterns = []
    for entry in table.get("patterns", []):
        if not isinstance(entry, dict) or "pattern" not in entry:
            raise ConfigError("each pattern entry needs a pattern (and an id)")
        try:
            re.compile(entry["pattern"])
        except re.error as exc:
            raise ConfigError(f"pattern {entry['pattern']!r} is not valid: {exc}") from exc
        patterns.append((str(entry.get("id", "secret/custom")), str(entry["pattern"])))
    return CheckConfig(
        select=_strings(table.get("select", []), "select"),
        ignore=_strings(table.get("ignore", []), "ignore"),
        fail_on=fail_on,
        severity=severity,
        allow=tuple(allow),
        patterns=tuple(patterns),
        source=source,
    )


def load_config(path: Path | None = None, start: Path | None = None) -> CheckConfig:
    """The configuration of `path` (a pyproject.toml), else of the nearest one above `start`."""
    found = path or find_pyproject(start or Path.cwd())
    if found is None:
        return CheckConfig()
    try:
        data = tomllib.loads(found.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {found}: {exc}") from exc
    table = data.get("tool", {}).get("vizlib", {}).get("check", {})
    return parse_config(table, found)


def with_flags(
    config: CheckConfig,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    fail_on: str | None = None,
) -> CheckConfig:
    """The configuration with command-line flags applied: they replace select, add to ignore."""
    for selector in [*select, *ignore]:
        if not any(rule_matches(selector, r) for r in RULES) and not selector.startswith("secret"):
            raise ConfigError(f"no rule matches {selector!r}")
    return replace(
        config,
        select=tuple(select) or config.select,
        ignore=config.ignore + tuple(ignore),
        fail_on=fail_on or config.fail_on,
    )
