"""Numbers, notations and identifiers of outgoing documents (NĐ 30 Điều 15, Phụ lục I.II.3;
regulations.md §1.3 and §4.2).

* :func:`series_for` — the series a type uses in an agency (configurable; default one administrative
  series per agency).
* :func:`number_take` — the next number of a series in a year, from 1 on 1 January, under a row lock on
  the counter inside the caller's transaction: no duplicate, no gap (a rolled-back numbering gives its
  number back).
* :func:`number_text` — ``01``…``09``, then ``10``, ``11``…
* :func:`notation_for` — ``QĐ-UBND``; công văn ``UBND-VHXH``.
* :func:`identifier_for` — ``<organ_id>,<yyyy/MM/dd>,<number>/<notation>`` by default.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import IntegrityError, transaction

from qlvb.core.errors import ValidationFailed
from qlvb.directory.models import Unit
from qlvb.documents.models import DocumentType

from .models import AgencySetting, NumberSeries, SeriesCounter, SeriesKind, TypeSetting

DEFAULT_IDENTIFIER_TEMPLATE = "{organ_id},{date:%Y/%m/%d},{number}/{notation}"
PLACE_PREFIXES = re.compile(
    r"^(ủy ban nhân dân|ủy ban|hội đồng nhân dân|trạm y tế|trường|văn phòng)?\s*"
    r"(xã|phường|thị trấn|huyện|quận|thị xã|thành phố|tỉnh)\s+",
    re.IGNORECASE,
)


def series_for(*, agency: Unit, doc_type: DocumentType) -> NumberSeries:
    found = NumberSeries.objects.filter(agency=agency, doc_types=doc_type).order_by("pk").first()
    if found is not None:
        return found
    default = NumberSeries.objects.filter(agency=agency, is_default=True).first()
    if default is not None:
        return default
    try:
        with transaction.atomic():
            return NumberSeries.objects.create(
                agency=agency, name="Văn bản hành chính", kind=SeriesKind.ADMINISTRATIVE, is_default=True
            )
    except IntegrityError:
        return NumberSeries.objects.get(agency=agency, is_default=True)


def _counter(series: NumberSeries, year: int) -> SeriesCounter:
    found = SeriesCounter.objects.filter(series=series, year=year).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return SeriesCounter.objects.create(series=series, year=year)
    except IntegrityError:
        return SeriesCounter.objects.get(series=series, year=year)


def number_take(series: NumberSeries, year: int) -> int:
    """The next number of ``series`` in ``year``. Call inside the transaction that uses the number."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_take must run inside the numbering transaction")
    counter = _counter(series, year)
    locked = SeriesCounter.objects.select_for_update().get(pk=counter.pk)
    locked.last_number += 1
    locked.save(update_fields=["last_number"])
    return locked.last_number


def number_text(number: int) -> str:
    """NĐ 30 Phụ lục I.II.3: numbers below 10 take a leading zero."""
    return f"{number:02d}"


def notation_for(*, agency: Unit, doc_type: DocumentType, drafting_unit: Unit | None) -> str:
    setting = TypeSetting.objects.filter(agency=agency, doc_type=doc_type).first()
    template = setting.notation_template if setting is not None and setting.notation_template else ""
    if not template:
        template = "{type}-{agency}" if doc_type.abbreviation else "{agency}-{unit}"
    unit_short = drafting_unit.short_name if drafting_unit is not None and drafting_unit != agency else ""
    notation = template.format(type=doc_type.abbreviation, agency=agency.short_name, unit=unit_short)
    notation = notation.strip("-").replace(" ", "")
    if not notation:
        raise ValidationFailed("Không lập được ký hiệu văn bản: cơ quan chưa có tên viết tắt.")
    if len(notation) > 30:
        raise ValidationFailed("Ký hiệu văn bản dài quá 30 ký tự (Nghị định 30/2020, Phụ lục VI).")
    return notation


def identifier_for(*, agency: Unit, issued: dt.date, number: str, notation: str) -> str:
    setting = AgencySetting.objects.filter(agency=agency).first()
    template = (setting.identifier_template if setting is not None else "") or DEFAULT_IDENTIFIER_TEMPLATE
    return template.format(organ_id=agency.organ_id, date=issued, year=issued.year, number=number, notation=notation)[
        :100
    ]


def place_name(agency: Unit) -> str:
    """The place of the place-and-date line: configured, else the administrative unit in the agency's
    name ("Ủy ban nhân dân xã Liên Minh" → "Liên Minh")."""
    setting = AgencySetting.objects.filter(agency=agency).first()
    if setting is not None and setting.place_name:
        return setting.place_name
    return PLACE_PREFIXES.sub("", agency.name).strip() or agency.name


def date_line(place: str, day: dt.date) -> str:
    """``Liên Minh, ngày 05 tháng 01 năm 2026`` — days below 10 and months 1–2 take a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"
