"""Reference months `YYYY-MM`: the one pattern and the month arithmetic every layer uses."""
from __future__ import annotations

import datetime as dt
import re

MONTH_TEXT = r"^[0-9]{4}-(?:0[1-9]|1[0-2])$"
MONTH = re.compile(MONTH_TEXT)

MAANDNAMEN = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)


def is_month(text) -> bool:
    """True for an existing month written `YYYY-MM` (2026-10; not 2026-13 or 2026-1)."""
    return bool(MONTH.match(str(text or "")))


def month_index(maand: str) -> int:
    return int(maand[:4]) * 12 + int(maand[5:7]) - 1


def from_index(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def add_months(maand: str, n: int) -> str:
    """`maand` moved by `n` months (negative: back)."""
    return from_index(month_index(maand) + n)


def month_range(first: str, last: str) -> list[str]:
    """Every month from first to last inclusive, oldest first."""
    return [from_index(i) for i in range(month_index(first), month_index(last) + 1)]


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def last_completed_month(today: dt.date | None = None) -> str:
    """The month before `today`'s (the latest that can be processed)."""
    return add_months(month_of(today or dt.date.today()), -1)


def first_day(maand: str) -> dt.date:
    return dt.date(int(maand[:4]), int(maand[5:7]), 1)


def last_day(maand: str) -> dt.date:
    return first_day(add_months(maand, 1)) - dt.timedelta(days=1)


def maandnaam(maand: str) -> str:
    """'2026-10' -> 'oktober 2026'."""
    return f"{MAANDNAMEN[int(maand[5:7]) - 1]} {maand[:4]}"
