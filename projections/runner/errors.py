"""What the projection runner raises to its callers."""

from __future__ import annotations


class RebuildError(RuntimeError):
    """A rebuild met an event a read model cannot fold; the live tables are unchanged."""

    def __init__(self, name: str, position: int, event_type: str, error: str) -> None:
        super().__init__(name, position, event_type, error)
        self.name, self.position, self.event_type, self.error = name, position, event_type, error

    def __str__(self) -> str:
        return (
            f"{self.name}: cannot fold the event at position {self.position} "
            f"({self.event_type}): {self.error}"
        )


class ProjectionVersionError(RuntimeError):
    """The read model's tables were built by another version of its code."""
