"""Units and officials lists: a sheet into an import-export dataset, its result into a preview."""

from __future__ import annotations

import tablib
from import_export import widgets
from import_export.results import Result, RowResult

from exchange.parsing.grid import Grid
from exchange.parsing.text import cell_text, fold
from exchange.preview import (
    CREATE,
    REFUSED,
    UNCHANGED,
    UPDATE,
    Change,
    Preview,
    PreviewRow,
    error,
    warning,
)
from exchange.resources import ScopedResource

HEADER_SEARCH_ROWS = 15


def list_dataset(grids: list[Grid], resource: ScopedResource) -> tuple[tablib.Dataset, list[int]]:
    """The list on the first sheet with the resource's columns, and each data row's Excel row.

    Raises ValueError (Vietnamese) when no sheet has the key columns.
    """
    columns = {fold(f.column_name): f.column_name for f in resource.get_export_fields()}
    key_columns = [resource.fields[name].column_name for name in resource._meta.import_id_fields]
    for grid in grids:
        if grid.hidden:
            continue
        for row in range(1, min(grid.height, HEADER_SEARCH_ROWS) + 1):
            found = {
                col: columns[fold(grid.cell(row, col))]
                for col in range(1, grid.width + 1)
                if fold(grid.cell(row, col)) in columns
            }
            if all(name in found.values() for name in key_columns):
                return _dataset(grid, row, found)
    raise ValueError(
        "Không tìm thấy dòng tiêu đề của danh sách: cần các cột "
        + ", ".join(f"“{c}”" for c in key_columns)
        + ". Hãy dùng tệp tải về từ ứng dụng làm mẫu."
    )


def _dataset(grid: Grid, header_row: int, found: dict[int, str]) -> tuple[tablib.Dataset, list]:
    headers = list(found.values())
    dataset = tablib.Dataset(headers=headers)
    excel_rows = []
    for row in range(header_row + 1, grid.height + 1):
        values = [grid.cell(row, col) for col in found]
        if all(cell_text(v) == "" for v in values):
            continue
        dataset.append([v if hasattr(v, "year") else cell_text(v) for v in values])
        excel_rows.append(row)
    return dataset, excel_rows


def _messages(row_result: RowResult) -> list[str]:
    if row_result.validation_error is not None:
        found = []
        error_dict = getattr(row_result.validation_error, "error_dict", None)
        for messages in (error_dict or {}).values():
            found.extend(m for e in messages for m in e.messages)
        return found or list(row_result.validation_error.messages)
    return [str(e.error) for e in row_result.errors]


def result_preview(
    resource: ScopedResource, result: Result, excel_rows: list[int], key_column: str
) -> Preview:
    """Row by row: created, updated (old → new for each column), unchanged, or refused."""
    preview = Preview()
    for error_row in result.base_errors:
        preview.problems.append(error(f"Không đọc được danh sách: {error_row.error}"))
    fields = [f for f in resource.get_export_fields() if not f.readonly]
    for index, row_result in enumerate(result.rows):
        excel_row = excel_rows[index] if index < len(excel_rows) else None
        values = row_result.row_values or {}
        line = PreviewRow(row=excel_row, code=cell_text(values.get(key_column)), title="")
        preview.rows.append(line)
        kind = row_result.import_type
        if kind in (RowResult.IMPORT_TYPE_ERROR, RowResult.IMPORT_TYPE_INVALID):
            line.action = REFUSED
            line.problems.extend(error(m, excel_row) for m in _messages(row_result))
            continue
        instance = row_result.instance
        line.title = str(instance) if instance is not None else ""
        if kind == RowResult.IMPORT_TYPE_SKIP:
            line.action = UNCHANGED
            continue
        original = row_result.original if kind == RowResult.IMPORT_TYPE_UPDATE else None
        line.action = UPDATE if original is not None else CREATE
        for field in fields:
            if isinstance(field.widget, widgets.ManyToManyWidget):
                # The saved links were rolled back with the dry run: read them from the row.
                new = ", ".join(u.code for u in field.widget.clean(values.get(field.column_name)))
            else:
                new = resource.export_field(field, instance) if instance is not None else ""
            old = resource.export_field(field, original) if original is not None else ""
            if str(new) != str(old):
                line.changes.append(Change(field.column_name, str(old), str(new)))
    for username in getattr(resource, "new_usernames", []):
        preview.problems.append(
            warning(
                f"Chưa có tài khoản “{username}”: tài khoản sẽ được tạo, chưa có mật khẩu; "
                "sau khi nhập, gửi lời mời đặt mật khẩu ở Tài khoản → Gửi lời mời (hoặc người "
                "dùng dùng “Quên mật khẩu?” với địa chỉ thư trong danh sách)."
            )
        )
    return preview
