"""Hostile workbooks are refused while they are read, in little time and memory.

Each file is built in the test (see `hostile.py`): a few hundred kilobytes that unpack into a
sheet of tens of megabytes, a million rows, a row of millions of cells, … The measurements
run in a child process of their own, so that its peak memory (ru_maxrss) is the reading's.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from exchange.parsing.grid import MAX_ROWS, FileProblem, read_workbook
from tests.exchange import hostile

ROOT = Path(__file__).resolve().parents[2]

_MEASURE = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from tests.exchange import hostile
from exchange.parsing.grid import FileProblem, read_workbook
data = getattr(hostile, {builder!r})(*{args!r})
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.monotonic()
try:
    read_workbook(data)
    refusal = None
except FileProblem as exc:
    refusal = str(exc)
seconds = time.monotonic() - start
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps({{"seconds": seconds, "megabytes": grown / 1024, "refusal": refusal,
                  "size": len(data)}}))
"""


def _measure(builder: str, *args) -> dict:
    code = _MEASURE.format(root=str(ROOT), builder=builder, args=args)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    ("builder", "args", "refusal"),
    [
        # The audit's file: 100,000 rows × 50 cells, a 76 MB sheet in a few hundred KB.
        ("numbers_sheet", (100_000, 50), "vượt giới hạn 16 MB"),
        # Under the size limit: refused at the first row past the limit, not at the end.
        ("numbers_sheet", (20_000, 20), f"dữ liệu ở dòng {MAX_ROWS + 1}"),
        ("far_row_sheet", (1_048_576,), "dữ liệu ở dòng 1048576"),
        ("empty_rows_sheet", (900_000,), "quá nhiều dòng"),
        ("wide_row_sheet", (4_000_000,), "quá nhiều ô"),
        ("rich_cell_sheet", (1_000_000,), "cấu trúc bất thường"),
        ("merges_sheet", (200_000,), "vùng gộp ô"),
    ],
)
def test_a_hostile_workbook_is_refused_within_2_seconds_and_200_mb(builder, args, refusal):
    measured = _measure(builder, *args)
    assert refusal in (measured["refusal"] or "")
    assert measured["size"] < 3_000_000
    assert measured["seconds"] < 2.0, measured
    assert measured["megabytes"] < 200, measured


def test_the_76_mb_sheet_is_what_the_audit_sent():
    import io
    import zipfile

    data = hostile.numbers_sheet(100_000, 50)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = archive.getinfo("xl/worksheets/sheet1.xml").file_size
    assert len(data) < 500_000 and unpacked > 76_000_000


def test_a_full_sheet_at_the_limits_is_still_read():
    grids = read_workbook(hostile.numbers_sheet(MAX_ROWS, 40))
    assert (grids[0].height, grids[0].width) == (MAX_ROWS, 40)


def test_merged_ranges_and_values_are_read_from_the_stream():
    row = '<row r="2"><c r="B2" t="inlineStr"><is><t>Mục</t></is></c><c r="D2"><v>1.5</v></c></row>'
    data = hostile.workbook(
        [row],
        '<mergeCells count="1"><mergeCell ref="B2:C3"/></mergeCells>',
    )
    grid = read_workbook(data)[0]
    assert grid.rows == [(None, None, None, None), (None, "Mục", None, 1.5)]
    assert grid.shown(3, 3) == "Mục"


def test_a_part_that_lies_about_its_size_is_refused_not_unpacked_further():
    data = bytearray(hostile.numbers_sheet(2000, 10))
    name = b"xl/worksheets/sheet1.xml"
    entry = bytes(data).rfind(b"PK\x01\x02", 0, bytes(data).rfind(name))  # central directory
    real = int.from_bytes(data[entry + 24 : entry + 28], "little")
    data[entry + 24 : entry + 28] = (real // 10).to_bytes(4, "little")  # "uncompressed size"
    with pytest.raises(FileProblem, match="hỏng"):
        read_workbook(bytes(data))
