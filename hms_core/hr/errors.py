"""Why an import of HR figures is refused: every bad line, named."""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from hms_core.errors import InvalidValue


class LineProblem(msgspec.Struct, frozen=True):
    """What is wrong with one field of one line."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"linje {self.line}, {self.field}: {self.message}"


class HRImportRejectedError(InvalidValue):
    """Some lines are bad; nothing was recorded. `problems` names each one."""

    code = "hr_import_rejected"

    def __init__(self, problems: Iterable[LineProblem]) -> None:
        self.problems = tuple(problems)
        listed = "; ".join(str(p).rstrip(".") for p in self.problems)
        super().__init__("lines", f"{len(self.problems)} feil, ingenting er lagret: {listed}.")


class NoLinesError(InvalidValue):
    code = "hr_import_empty"

    def __init__(self) -> None:
        super().__init__("lines", "Importen har ingen linjer med tall.")
