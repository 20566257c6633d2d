"""Writing frozen results: one set-based UPDATE for any number of assessments.

Publication stores each assessment's total, percentage, classification, rank "x/y" and change
on its row, so that published pages read them instead of summing scores again. `bulk_update`
would build a `CASE WHEN` per row and field (3 s at 3 300 units); this is one
`WITH v AS (VALUES …) UPDATE … FROM v`, the same statement on PostgreSQL and SQLite ≥ 3.33.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

from scoring.models import Assessment

COLUMNS = "id, total, percentage, classification, rank, rank_of, change"
ROW = (
    "(CAST(%s AS INTEGER), CAST(%s AS NUMERIC), CAST(%s AS NUMERIC), %s, "
    "CAST(%s AS INTEGER), CAST(%s AS INTEGER), CAST(%s AS NUMERIC))"
)
# PostgreSQL takes at most 65 535 parameters in one statement: 7 per row.
CHUNK = 5000


def results_write(rows: Sequence[Any], **also: Any) -> None:
    """Store each row's results on its assessment (`rows` have assessment, total, percentage,
    classification, rank, rank_of and change, as `RankingRow` and the publication preview's
    rows do); `also` sets further columns to one value on every row (e.g. status)."""
    table = Assessment._meta.db_table
    quote = connection.ops.quote_name
    fields = {Assessment._meta.get_field(name): value for name, value in also.items()}
    extra = "".join(f", {quote(f.column)} = %s" for f in fields)
    extra_params = [f.get_db_prep_save(v, connection) for f, v in fields.items()]
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        params: list[Any] = []
        for row in chunk:
            params += [
                row.assessment.pk,
                str(row.total),
                str(row.percentage),
                row.classification or "",
                row.rank,
                row.rank_of,
                None if row.change is None else str(row.change),
            ]
        sql = (
            f"WITH v({COLUMNS}) AS (VALUES {', '.join([ROW] * len(chunk))}) "
            f"UPDATE {table} SET result_total = v.total, result_percentage = v.percentage, "
            "result_classification = v.classification, result_rank = v.rank, "
            f"result_rank_of = v.rank_of, result_change = v.change{extra} "
            f"FROM v WHERE {table}.id = v.id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params + extra_params)
