"""Register numbers stay unique when letters are issued at the same moment, with real
concurrent connections (threads, each its own PostgreSQL connection, as gunicorn's would be).

Without the lock on the issuing unit, every thread would read the same highest number and
take the same next one: one would win and the others fail on the unique constraint, or (with
another series' number in between) numbers would be skipped. With it, eight công văn issued
at once get 01 to 08 and two báo cáo issued alongside get 01 and 02 of their own series.
"""

import threading
from datetime import date

import pytest
from django.db import connection

from documents import services
from documents.models import Letter, LetterKind
from scoring.demo import load_demo
from scoring.models import Assessment
from tests.documents_helpers import approved
from tests.test_concurrency import _run

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite has one writer at a time and ignores SELECT … FOR UPDATE; "
        "CI runs this file against PostgreSQL",
    ),
]


@pytest.fixture(autouse=True)
def demo():
    # transactional tests start from whatever the last one left
    load_demo(province_2026=False, legacy_round=True)
    yield
    load_demo(province_2026=False, legacy_round=True)


def test_letters_issued_at_once_get_consecutive_numbers_in_each_series():
    assessment = Assessment.objects.get(unit__code="TXQT-P1", period__year=2023)
    kinds = [LetterKind.CONG_VAN] * 8 + [LetterKind.BAO_CAO] * 2
    letters = [approved(services.letter_create(assessment=assessment, kind=kind)) for kind in kinds]
    start = threading.Barrier(len(letters), timeout=30)

    def issue(letter):
        def target():
            start.wait()
            services.letter_issue(letter=letter, when=date(2024, 3, 1))

        return target

    _run(*[issue(letter) for letter in letters])
    issued = Letter.objects.filter(pk__in=[x.pk for x in letters])
    numbers = {
        series: sorted(issued.filter(number_series=series).values_list("number", flat=True))
        for series in ("", "BC")
    }
    assert numbers == {"": [1, 2, 3, 4, 5, 6, 7, 8], "BC": [1, 2]}
    assert all(letter.status == "issued" and letter.pdf for letter in issued)
