"""What every stage removed and why: counts per stage and reason, plus the quarantined rows.

Nothing is dropped silently (style principle 4): stages call `report.drop(...)` or
`report.quarantine(...)`, the build writes the totals into build.json and the dataset card,
and every quarantined item (file:line or imdb_id, reason) into quarantine.jsonl.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path


def objects(values, index=None):
    """A pandas object column: pandas 3 would otherwise infer a `str` dtype and turn None into NaN."""
    import pandas as pd

    return pd.Series(list(values), dtype=object, index=index)


class DatasetError(Exception):
    """A problem the user can fix (bad path, bad flag, unusable input): one clear sentence, exit 1."""


@dataclass
class Report:
    """Counts per stage and reason, rows in/out per stage, and the quarantine list."""

    removed: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    noted: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    rows: dict[str, dict[str, int]] = field(default_factory=dict)
    quarantined: list[dict] = field(default_factory=list)
    max_quarantine: int = 100_000
    quarantined_total: int = 0  # every bad item, also those past the file's cap

    def drop(self, stage: str, reason: str, n: int = 1) -> None:
        """Count `n` rows removed by `stage` for `reason`."""
        if n:
            self.removed[stage][reason] += int(n)

    def note(self, stage: str, what: str, n: int = 1) -> None:
        """Count `n` values changed (not rows removed), e.g. a budget set to null."""
        if n:
            self.noted[stage][what] += int(n)

    def quarantine(self, stage: str, where: str, reason: str) -> None:
        """Remember one bad input item (kept to `max_quarantine` entries; counts are always exact)."""
        self.quarantined_total += 1
        if len(self.quarantined) < self.max_quarantine:
            self.quarantined.append({"stage": stage, "where": where, "reason": reason})

    def removed_text(self, stage: str) -> str:
        """'title_type_not_wanted 406, votes_le_125 3': what `stage` removed, for an error sentence."""
        counts = self.removed.get(stage) or {}
        return ", ".join(f"{reason} {n:,}" for reason, n in counts.items() if n) or "nothing removed"

    def stage_rows(self, stage: str, rows_in: int, rows_out: int) -> None:
        self.rows[stage] = {"in": int(rows_in), "out": int(rows_out)}

    def merge(self, part: Report) -> None:
        """Add a batch's report: counts and rows in/out summed, its quarantine entries appended up to the cap."""
        for stage, counts in part.removed.items():
            self.removed[stage].update(counts)
        for stage, counts in part.noted.items():
            self.noted[stage].update(counts)
        for stage, rows in part.rows.items():
            mine = self.rows.setdefault(stage, {"in": 0, "out": 0})
            mine["in"] += rows["in"]
            mine["out"] += rows["out"]
        self.quarantined.extend(part.quarantined[:max(0, self.max_quarantine - len(self.quarantined))])
        self.quarantined_total += part.quarantined_total

    def room(self) -> int:
        """Quarantine entries the file can still take."""
        return max(0, self.max_quarantine - len(self.quarantined))

    def to_dict(self) -> dict:
        return {
            "rows": self.rows,
            "removed": {s: dict(sorted(c.items())) for s, c in self.removed.items() if c},
            "changed": {s: dict(sorted(c.items())) for s, c in self.noted.items() if c},
            "quarantined": self.quarantined_total,
            "quarantine_file_entries": len(self.quarantined),  # fewer than `quarantined` when capped
        }

    def write_quarantine(self, path: Path) -> None:
        """One JSON object per bad item, in the order they were met."""
        with open(path, "w", encoding="utf-8") as fh:
            for entry in self.quarantined:
                fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
