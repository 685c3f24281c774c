"""Estimated costs from a price table, for responses whose provider reported none.

The shipped table (`vizlib/data/prices.csv`) gives USD per million tokens for
input, cached input, cache writes and output, each row with its source and
as-of date. A model matches a row when its normalised name starts with the
row's `model` (longest match wins): `anthropic/claude-sonnet-4`,
`us.anthropic.claude-haiku-4-5-20251001-v1:0` and `claude-3-7-sonnet@20250219`
all match. A row whose `model` ends in `$` matches that name only
(`command$` is Cohere's legacy Command, not every `command-...` model).
Unknown models cost NaN: a price is never guessed.

A row's `batch_factor` is the share of the list price its provider charges
for results of its batch API (0.5 where batches cost half); a batch result
of a model whose row has none costs NaN, since the discount is not known.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from vizlib.records import Usage

_VENDOR_PREFIX = re.compile(r"^(?:[a-z0-9-]+/)+|^(?:[a-z]{2}\.)?(?:anthropic|amazon|meta|google)\.")


@dataclass(frozen=True, slots=True)
class Price:
    """USD per million tokens for one model family, with where the numbers came from."""

    model: str
    input: float
    cached_input: float | None
    cache_write: float | None
    output: float
    source: str
    as_of: str
    batch_factor: float | None = None

    @property
    def label(self) -> str:
        """Where the price came from, and as of when."""
        return f"{self.source} (as of {self.as_of})"

    @property
    def batch_label(self) -> str:
        """The label of a batch result's price: the list price's, and the discount."""
        share = f"{(self.batch_factor or 0) * 100:g}%"
        return f"{self.label}; batch results at {share} of the list price"


def normalise_model(model: str) -> str:
    """A model name without router prefixes, cloud vendor prefixes or Vertex `@version`."""
    name = _VENDOR_PREFIX.sub("", model.strip().lower())
    return name.split("@", 1)[0]


def _matches(name: str, pattern: str) -> bool:
    """A model name against a row: a prefix, or the whole name where the row ends in `$`."""
    return name == pattern[:-1] if pattern.endswith("$") else name.startswith(pattern)


def _number(text: str | None) -> float | None:
    return float(text) if text not in (None, "") else None


class PriceTable:
    """Prices by model-name prefix; `PriceTable.default()` is the shipped table."""

    def __init__(self, prices: list[Price]) -> None:
        self.prices = sorted(prices, key=lambda p: len(p.model), reverse=True)
        self.fingerprint = hashlib.blake2b(repr(self.prices).encode(), digest_size=6).hexdigest()
        self._found: dict[str, Price | None] = {}  # by model as given: a corpus repeats a few

    @classmethod
    def from_csv(cls, source: str | Path) -> PriceTable:
        """Read a table with the shipped file's columns (a path, or CSV text)."""
        if isinstance(source, str) and "\n" in source:
            text = source
        else:
            text = Path(source).read_text(encoding="utf-8")
        rows = csv.DictReader(io.StringIO(text))
        return cls(
            [
                Price(
                    model=row["model"].strip().lower(),
                    input=float(row["input_per_mtok"]),
                    cached_input=_number(row.get("cached_input_per_mtok")),
                    cache_write=_number(row.get("cache_write_per_mtok")),
                    output=float(row["output_per_mtok"]),
                    source=row["source"],
                    as_of=row["as_of"],
                    batch_factor=_number(row.get("batch_factor")),
                )
                for row in rows
            ]
        )

    @classmethod
    def default(cls) -> PriceTable:
        """The table shipped with vizlib."""
        return _DEFAULT

    def find(self, model: str | None) -> Price | None:
        """The price of a model, or None where the table has none."""
        if not model:
            return None
        if model not in self._found:
            name = normalise_model(model)
            self._found[model] = next((p for p in self.prices if _matches(name, p.model)), None)
        return self._found[model]

    def estimate(
        self, model: str | None, usage: Usage, *, batch: bool = False
    ) -> tuple[float, str | None]:
        """Estimated cost in USD and the price's label; (NaN, None) where it cannot be known.

        `batch` prices a result of a batch API at the row's `batch_factor`.
        """
        price = self.find(model)
        if price is None or usage.input_tokens is None or usage.output_tokens is None:
            return math.nan, None
        if batch and price.batch_factor is None:
            return math.nan, None
        cached = usage.cached_tokens or 0
        written = usage.cache_write_tokens or 0
        uncached = max(usage.input_tokens - cached - written, 0)
        cost = (
            uncached * price.input
            + cached * (price.cached_input if price.cached_input is not None else price.input)
            + written * (price.cache_write if price.cache_write is not None else price.input)
            + usage.output_tokens * price.output
        ) / 1e6
        if batch:
            return cost * (price.batch_factor or 0.0), price.batch_label
        return cost, price.label


_DEFAULT = PriceTable.from_csv(
    resources.files("vizlib").joinpath("data/prices.csv").read_text(encoding="utf-8")
)
