"""What a roster import did, or would do: counts per kind and one line per change."""

from dataclasses import dataclass, field

KINDS = ("classes", "pupils", "guardians", "staff")


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    left: int = 0


@dataclass
class ImportSummary:
    """What an import did (or, rolled back, would do): counts per kind and one line per change."""

    tallies: dict[str, Tally] = field(default_factory=lambda: {kind: Tally() for kind in KINDS})
    changes: list[str] = field(default_factory=list)

    def count(self, kind: str, outcome: str, change: str | None = None) -> None:
        tally = self.tallies[kind]
        setattr(tally, outcome, getattr(tally, outcome) + 1)
        if change:
            self.changes.append(change)

    def record(self, kind: str, label: str, changes: list[str]) -> None:
        """An existing row: updated when anything differed, unchanged otherwise."""
        if changes:
            self.count(kind, "updated", f"{label}: {'; '.join(changes)}")
        else:
            self.count(kind, "unchanged")

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def describe(self) -> list[str]:
        """One line per kind: "Pupils: 3 new, 1 changed, 170 unchanged, 2 marked as left"."""
        lines = []
        for kind, tally in self.tallies.items():
            left = f", {tally.left} marked as left" if kind == "pupils" else ""
            lines.append(
                f"{kind.capitalize()}: {tally.created} new, {tally.updated} changed, "
                f"{tally.unchanged} unchanged{left}"
            )
        return lines
