"""Units and officials lists: an import-export dataset as a plain, readable workbook."""

from __future__ import annotations

import tablib

from exchange.writers import header_row, new_workbook, put, to_bytes, widths


def dataset_workbook(dataset: tablib.Dataset, title: str) -> bytes:
    """One header line and one line per record; the same columns the import reads."""
    workbook, sheet = new_workbook(title)
    header_row(sheet, 1, list(dataset.headers))
    for row, values in enumerate(dataset, start=2):
        for col, value in enumerate(values, start=1):
            put(sheet, row, col, value if value not in (None, "") else None)
    widths(sheet, [max(14, min(48, len(h) + 4)) for h in dataset.headers])
    sheet.freeze_panes = "A2"
    return to_bytes(workbook)
