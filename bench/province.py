"""A throwaway province for the round benchmarks: `units` communes (every third a ward when
`wards`), its ranking groups, the 90-criterion benchmark framework and a 2026 round, not
opened. Call after django.setup() on an empty database (it migrates it)."""

from __future__ import annotations


def province_round(units: int, *, wards: bool):
    from django.core.management import call_command
    from import_appraisal import _framework_data

    from scoring import services
    from scoring.models import Period, RankingGroup, Unit

    call_command("migrate", verbosity=0)
    province = Unit.objects.create(code="BENCH-T", name="Tỉnh đo hiệu năng", kind="tinh")
    Unit.objects.bulk_create(
        Unit(
            code=f"BENCH-{i:04d}",
            name=f"{'Phường' if wards and i % 3 == 0 else 'Xã'} {i:04d}",
            kind="phuong" if wards and i % 3 == 0 else "xa",
            parent=province,
        )
        for i in range(units)
    )
    groups = [RankingGroup.objects.create(council_unit=province, name="Xã", kinds=["xa"])]
    if wards:
        groups.insert(
            0, RankingGroup.objects.create(council_unit=province, name="Phường", kinds=["phuong"])
        )
    period, _ = Period.objects.get_or_create(year=2026, kind="annual")
    return services.round_create(
        council_unit=province,
        framework=services.framework_create(data=_framework_data()),
        period=period,
        name="Đợt đo hiệu năng",
        groups=groups,
    )
