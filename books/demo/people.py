"""Invented but plausible people: names family-first, IDs that pass the CCCD checks, addresses."""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence

from faker import Faker

from members.models import Sex, cccd_century_digit
from orgs.text import fold

from . import data


def weighted[T](rng: random.Random, pairs: Sequence[tuple[T, float]]) -> T:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def random_date(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    """A uniformly random day in [start, end] (start when the range is empty)."""
    span = (end - start).days
    return start + datetime.timedelta(days=rng.randint(0, span)) if span > 0 else start


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29/02
        return day.replace(year=day.year + years, day=28)


class People:
    """Draws names, IDs, card numbers, phones and address lines; deterministic for a seed."""

    def __init__(self, rng: random.Random, seed: int):
        self.rng = rng
        self.fake = Faker("vi_VN")
        self.fake.seed_instance(seed)
        names = self.fake.provider("faker.providers.person")
        self._given_male = tuple(dict.fromkeys(names.first_names_male + data.GIVEN_MALE))
        self._given_female = tuple(dict.fromkeys(names.first_names_female + data.GIVEN_FEMALE))
        self._given_unisex = tuple(names.first_names_unisex)
        self._ids: set[str] = set()
        self._cards: set[str] = set()

    def sex(self) -> str:
        return Sex.FEMALE if self.rng.random() < 0.45 else Sex.MALE

    def name(self, sex: str) -> str:
        family = weighted(self.rng, data.FAMILY_NAMES)
        if sex == Sex.FEMALE:
            middle = weighted(self.rng, data.MIDDLE_FEMALE)
            pool = self._given_female if self.rng.random() < 0.85 else self._given_unisex
        else:
            middle = weighted(self.rng, data.MIDDLE_MALE)
            pool = self._given_male if self.rng.random() < 0.85 else self._given_unisex
        given = self.fake.random_element(pool)
        return f"{family} {middle} {given}"

    def honorific_name(self) -> str:
        """'Ông Lê Văn Tư' / 'Bà Trần Thị Ba', for the Mặt trận representative."""
        sex = self.sex()
        return ("Bà " if sex == Sex.FEMALE else "Ông ") + self.name(sex)

    def national_id(self, sex: str, birth: datetime.date) -> str:
        province = weighted(self.rng, data.BIRTH_PROVINCES)
        while True:
            value = f"{province:03d}{cccd_century_digit(sex, birth.year)}{birth.year % 100:02d}"
            value += f"{self.rng.randrange(1_000_000):06d}"
            if value not in self._ids:
                self._ids.add(value)
                return value

    def party_card(self) -> str:
        while True:
            value = str(self.rng.randrange(10_000_000, 100_000_000))
            if value not in self._cards:
                self._cards.add(value)
                return value

    def phone(self) -> str:
        return self.rng.choice(data.PHONE_PREFIXES) + f"{self.rng.randrange(10_000_000):07d}"

    def email(self, full_name: str, domain: str) -> str:
        words = fold(full_name).split()
        return f"{words[-1]}{''.join(w[0] for w in words[:-1])}{self.rng.randrange(10, 99)}@{domain}"

    def street(self, commune_code: int) -> str:
        if self.rng.random() < 0.3:
            return self.fake.street_name()
        if commune_code in data.BEN_TRE_CODES:
            return self.rng.choice(data.STREETS["ben_tre"])
        if commune_code in data.TRA_VINH_CODES:
            return self.rng.choice(data.STREETS["tra_vinh"])
        return self.rng.choice(data.STREETS["vinh_long"])

    def address_line(self, commune_code: int, area: str, urban: bool) -> str:
        """House number, street (towns) or tổ (countryside), then the khóm / khu phố / ấp."""
        number = self.rng.randint(1, 480)
        if urban:
            if self.rng.random() < 0.25:
                return f"Số {number}/{self.rng.randint(2, 60)}, hẻm {self.rng.randint(3, 120)}, đường {self.street(commune_code)}, {area}"  # noqa: E501
            return f"Số {number}, đường {self.street(commune_code)}, {area}"
        if self.rng.random() < 0.5:
            return f"Số {number}, tổ {self.rng.randint(1, 12)}, {area}"
        return f"Tổ {self.rng.randint(1, 12)}, {area}"
