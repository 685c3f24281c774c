"""The one exception vizlib raises for input it cannot read."""

from __future__ import annotations


class CassetteError(ValueError):
    """A cassette, or part of one, could not be read.

    The message names the file, and where known the interaction (0-based) and
    the event or line, then says what was expected and what was found. What
    it quotes of the input has its secrets masked: errors are printed, logged
    and shown in reports.
    """

    def __init__(
        self,
        reason: str,
        *,
        file: str | None = None,
        interaction: int | None = None,
        event: int | str | None = None,
    ) -> None:
        from vizlib.secrets import redact_text  # noqa: PLC0415 - the engine imports this module

        self.reason = redact_text(reason)
        self.file = file
        self.interaction = interaction
        self.event = event
        super().__init__(self._format())

    def _format(self) -> str:
        where = [self.file or "<cassette>"]
        if self.interaction is not None:
            where.append(f"interaction {self.interaction}")
        if self.event is not None:
            where.append(f"event {self.event}")
        return f"{', '.join(where)}: {self.reason}"

    def located(self, *, file: str | None = None, interaction: int | None = None) -> CassetteError:
        """Return a copy with the location filled in where it was missing."""
        return CassetteError(
            self.reason,
            file=self.file or file,
            interaction=self.interaction if self.interaction is not None else interaction,
            event=self.event,
        )
