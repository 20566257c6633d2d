"""What an import would do, row by row: the preview shown before anything is applied. No Django.

A preview is stored with its import record as JSON (`as_dict` / `from_dict`). Confirming applies
the stored `payload`, which the server computed from the kept file; nothing is taken from the
confirming form.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

ERROR = "error"
WARNING = "warning"


@dataclass
class Problem:
    severity: str  # ERROR blocks the import; WARNING is shown and the user decides
    message: str
    row: int | None = None  # Excel row number; None for the file as a whole

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def error(message: str, row: int | None = None) -> Problem:
    return Problem(ERROR, message, row)


def warning(message: str, row: int | None = None) -> Problem:
    return Problem(WARNING, message, row)


@dataclass
class Change:
    label: str  # Vietnamese field name, e.g. "Điểm thẩm định"
    old: str
    new: str


# Row actions, as shown in the preview.
CREATE = "create"
UPDATE = "update"
UNCHANGED = "unchanged"
CHECK_ONLY = "check_only"  # a parent row: checked against its children, never written
SKIPPED = "skipped"
REFUSED = "refused"

ACTION_LABELS = {
    CREATE: "Thêm mới",
    UPDATE: "Cập nhật",
    UNCHANGED: "Không đổi",
    CHECK_ONLY: "Chỉ đối chiếu",
    SKIPPED: "Bỏ qua",
    REFUSED: "Lỗi",
}


@dataclass
class PreviewRow:
    row: int | None
    code: str
    title: str
    action: str = UNCHANGED
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    @property
    def has_error(self) -> bool:
        return any(p.is_error for p in self.problems)


@dataclass
class Preview:
    rows: list[PreviewRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # about the file as a whole
    payload: dict[str, Any] = field(default_factory=dict)  # what confirming applies
    notes: list[str] = field(default_factory=list)  # plain information lines

    def all_problems(self) -> list[Problem]:
        found = list(self.problems)
        for row in self.rows:
            found.extend(row.problems)
        return sorted(found, key=lambda p: (p.row is not None, p.row or 0, p.severity))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.all_problems() if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.all_problems() if not p.is_error]

    @property
    def change_count(self) -> int:
        return sum(1 for row in self.rows if row.action in (CREATE, UPDATE))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Preview:
        rows = [
            PreviewRow(
                row=r["row"],
                code=r["code"],
                title=r["title"],
                action=r["action"],
                changes=[Change(**c) for c in r["changes"]],
                problems=[Problem(**p) for p in r["problems"]],
            )
            for r in data.get("rows", [])
        ]
        return cls(
            rows=rows,
            problems=[Problem(**p) for p in data.get("problems", [])],
            payload=data.get("payload", {}),
            notes=list(data.get("notes", [])),
        )

    def as_text(self) -> str:
        """The preview for a terminal: each problem with its row number, then the changes."""
        lines = []
        for problem in self.all_problems():
            where = f"Dòng {problem.row}: " if problem.row is not None else ""
            kind = "LỖI" if problem.is_error else "Cảnh báo"
            lines.append(f"{kind}: {where}{problem.message}")
        for row in self.rows:
            if row.action not in (CREATE, UPDATE):
                continue
            where = f"Dòng {row.row}" if row.row is not None else "—"
            changes = "; ".join(f"{c.label}: {c.old or '(trống)'} → {c.new}" for c in row.changes)
            lines.append(f"{where} {row.code}: {row.action_label} — {changes}")
        lines.extend(self.notes)
        lines.append(
            f"Tổng: {self.change_count} dòng thay đổi, {len(self.errors)} lỗi, "
            f"{len(self.warnings)} cảnh báo."
        )
        return "\n".join(lines)
