"""Writing frozen results, and their history, set-based: a fixed number of statements for any
number of assessments.

Publication stores each assessment's total, percentage, classification, rank "x/y" and change
on its row, so that published pages read them instead of summing scores again. `bulk_update`
would build a `CASE WHEN` per row and field (3 s at 3 300 units); this is one UPDATE joined to
the new values: on PostgreSQL the values travel as eight arrays (`unnest`), so the statement
stays the same size whatever the number of rows; SQLite gets a `VALUES` list (≥ 3.33).
The history rows are copied from the updated rows by one INSERT … SELECT instead of building
a model instance per row.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import connection

from scoring.models import Assessment

COLUMNS = "id, total, percentage, classification, rank, rank_of, change, rescaled"
# SQLite: one VALUES row per assessment, 8 parameters each, within its 32 766 parameters.
SQLITE_ROW = (
    "(CAST(%s AS INTEGER), CAST(%s AS NUMERIC), CAST(%s AS NUMERIC), %s, "
    "CAST(%s AS INTEGER), CAST(%s AS INTEGER), CAST(%s AS NUMERIC), CAST(%s AS NUMERIC))"
)
SQLITE_CHUNK = 4000
POSTGRES_VALUES = (
    "SELECT * FROM unnest(%s::integer[], %s::numeric[], %s::numeric[], %s::varchar[], "
    "%s::integer[], %s::integer[], %s::numeric[], %s::numeric[])"
)
HISTORY_OWN = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
}


def _columns(row) -> list[Any]:
    return [
        row.assessment.pk,
        str(row.total),
        str(row.percentage),
        row.classification or "",
        row.rank,
        row.rank_of,
        None if row.change is None else str(row.change),
        None if getattr(row, "rescaled", None) is None else str(row.rescaled),
    ]


def results_write(rows: Sequence[Any], **also: Any) -> None:
    """Store each row's results on its assessment (`rows` have assessment, total, percentage,
    classification, rank, rank_of, change and rescaled (điểm quy đổi), as `RankingRow` and the
    publication preview's rows do); `also` sets further columns to one value on every row
    (e.g. status)."""
    if not rows:
        return
    table = Assessment._meta.db_table
    quote = connection.ops.quote_name
    fields = {Assessment._meta.get_field(name): value for name, value in also.items()}
    extra = "".join(f", {quote(f.column)} = %s" for f in fields)
    extra_params = [f.get_db_prep_save(v, connection) for f, v in fields.items()]
    update = (
        f"UPDATE {table} SET result_total = v.total, result_percentage = v.percentage, "
        "result_classification = v.classification, result_rank = v.rank, "
        f"result_rank_of = v.rank_of, result_change = v.change, "
        f"result_rescaled = v.rescaled{extra} "
        f"FROM v WHERE {table}.id = v.id"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = [list(column) for column in zip(*(_columns(r) for r in rows), strict=True)]
            cursor.execute(
                f"WITH v({COLUMNS}) AS ({POSTGRES_VALUES}) {update}", arrays + extra_params
            )
            return
        for start in range(0, len(rows), SQLITE_CHUNK):
            chunk = rows[start : start + SQLITE_CHUNK]
            values = ", ".join([SQLITE_ROW] * len(chunk))
            params = [value for row in chunk for value in _columns(row)]
            cursor.execute(
                f"WITH v({COLUMNS}) AS (VALUES {values}) {update}", params + extra_params
            )


def history_write(ids: Sequence[int], *, user, reason: str, when: datetime.datetime) -> None:
    """One history row ("~", changed) per assessment, as the rows now are, with who, why and
    when: what `bulk_history_create` writes, copied by the database."""
    if not ids:
        return
    history = Assessment.history.model
    quote = connection.ops.quote_name
    copied = [quote(f.column) for f in history._meta.concrete_fields if f.name not in HISTORY_OWN]
    own = ["history_date", "history_change_reason", "history_type", "history_user_id"]
    insert = (
        f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(copied + own)}) "
        f"SELECT {', '.join(copied)}, %s, %s, %s, %s FROM {quote(Assessment._meta.db_table)} "
    )
    params = [
        connection.ops.adapt_datetimefield_value(when),
        reason[:100],
        "~",
        user.pk if user is not None else None,
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"{insert} WHERE id = ANY(%s)", [*params, list(ids)])
            return
        for start in range(0, len(ids), SQLITE_CHUNK):
            chunk = list(ids[start : start + SQLITE_CHUNK])
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"{insert} WHERE id IN ({marks})", params + chunk)
