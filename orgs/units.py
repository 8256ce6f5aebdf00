"""Load the official administrative units from vietnam-provinces (pinned in requirements.txt).

Current units (34 provinces, 3,321 communes) and the pre-2025 ones (63 provinces, their
districts and wards) with the 2025 successions, so that an address written in 2022 still
resolves to the commune of today. Used by a data migration and by `manage.py load_units`.
"""

from __future__ import annotations

import datetime
from typing import Any

from .text import fold

REFORM_DATE = datetime.date(2025, 7, 1)
LAST_PRE_REFORM_DAY = datetime.date(2025, 6, 30)


def load_units(unit_model: Any, succession_model: Any) -> dict[str, int]:
    """Create every unit and succession that is missing; return how many of each kind exist."""
    from vietnam_provinces import Province, Ward
    from vietnam_provinces._province_conversion_2025 import OLD_TO_NEW as PROVINCE_OLD_TO_NEW
    from vietnam_provinces._ward_conversion_2025 import OLD_TO_NEW as WARD_OLD_TO_NEW
    from vietnam_provinces.legacy import District as LegacyDistrict
    from vietnam_provinces.legacy import Province as LegacyProvince
    from vietnam_provinces.legacy import Ward as LegacyWard

    existing = {(u.edition, u.level, u.code): u.pk for u in unit_model.objects.only("pk", "edition", "level", "code")}

    def upsert(rows: list[Any]) -> None:
        new = [r for r in rows if (r.edition, r.level, r.code) not in existing]
        for unit in unit_model.objects.bulk_create(new, batch_size=2000):
            existing[(unit.edition, unit.level, unit.code)] = unit.pk
        if new and any(u.pk is None for u in new):  # backends without RETURNING
            existing.update(
                {(u.edition, u.level, u.code): u.pk for u in unit_model.objects.only("pk", "edition", "level", "code")}
            )

    def unit(
        edition: str, level: str, code: int, name: str, division_type: str, parent: int | None, province_code: int
    ) -> Any:
        current = edition == "2025"
        return unit_model(
            edition=edition,
            level=level,
            code=code,
            name=name,
            division_type=division_type,
            parent_id=parent,
            province_code=province_code,
            valid_from=REFORM_DATE if current else None,
            valid_until=None if current else LAST_PRE_REFORM_DAY,
            search_name=fold(name),
        )

    upsert(
        [
            unit("2025", "province", int(p.code), p.name, str(p.division_type), None, int(p.code))
            for p in Province.iter_all()
        ]
    )
    upsert(
        [
            unit(
                "2025",
                "commune",
                int(w.code),
                w.name,
                str(w.division_type),
                existing[("2025", "province", int(w.province_code))],
                int(w.province_code),
            )
            for w in Ward.iter_all()
        ]
    )
    upsert(
        [
            unit("pre2025", "province", int(p.code), p.name, str(p.division_type), None, int(p.code))
            for p in LegacyProvince.iter_all()
        ]
    )
    upsert(
        [
            unit(
                "pre2025",
                "district",
                int(d.code),
                d.name,
                str(d.division_type),
                existing[("pre2025", "province", int(d.province_code))],
                int(d.province_code),
            )
            for d in LegacyDistrict.iter_all()
        ]
    )
    district_province = {int(d.code): int(d.province_code) for d in LegacyDistrict.iter_all()}
    upsert(
        [
            unit(
                "pre2025",
                "commune",
                int(w.code),
                w.name,
                str(w.division_type),
                existing[("pre2025", "district", int(w.district_code))],
                district_province[int(w.district_code)],
            )
            for w in LegacyWard.iter_all()
        ]
    )

    links = set(succession_model.objects.values_list("predecessor_id", "successor_id"))
    new_links = []
    for old_code, entry in WARD_OLD_TO_NEW.items():
        old_pk = existing.get(("pre2025", "commune", old_code))
        if old_pk is None:
            continue
        for index, ref in enumerate(entry.new_wards):
            new_pk = existing.get(("2025", "commune", ref.code))
            if new_pk is None or (old_pk, new_pk) in links:
                continue
            links.add((old_pk, new_pk))
            new_links.append(
                succession_model(
                    predecessor_id=old_pk,
                    successor_id=new_pk,
                    is_partial=entry.old_ward.is_partly_merged,
                    is_main=index == 0,
                    effective_on=REFORM_DATE,
                )
            )
    for old_code, province_entry in PROVINCE_OLD_TO_NEW.items():
        old_pk = existing.get(("pre2025", "province", old_code))
        for index, province_ref in enumerate(province_entry.new_provinces):
            new_pk = existing.get(("2025", "province", province_ref.code))
            if old_pk is None or new_pk is None or (old_pk, new_pk) in links:
                continue
            links.add((old_pk, new_pk))
            new_links.append(
                succession_model(
                    predecessor_id=old_pk,
                    successor_id=new_pk,
                    is_partial=len(province_entry.new_provinces) > 1,
                    is_main=index == 0,
                    effective_on=REFORM_DATE,
                )
            )
    succession_model.objects.bulk_create(new_links, batch_size=2000)
    counts: dict[str, int] = {}
    for edition, level, _code in existing:
        counts[f"{edition}/{level}"] = counts.get(f"{edition}/{level}", 0) + 1
    counts["successions"] = len(links)
    return counts
