"""Test data: households with valid members, written through the services like real data."""

import itertools
from datetime import date

from accounts.models import Area, User
from households.idnumber import check_digit
from households.models import Household, HouseholdAttribute, PovertyCause, Relation
from households.services import household_create

_serial = itertools.count(1)


def id_number(*, birth: date = date(1960, 5, 1), male: bool = True, region: str = "370303") -> str:
    """A valid, unique 18-digit ID number for the given birth date and sex."""
    seq = next(_serial) * 2 % 1000
    seq = seq + 1 if male else seq  # odd 17th digit: male
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)


def member(
    name: str, relation: str = Relation.HEAD, *, birth: date = date(1960, 5, 1), male: bool = True, **fields: object
) -> dict:
    number = id_number(birth=birth, male=male)
    return {
        "name": name,
        "id_number": number,
        "relation": relation,
        "sex": "男" if male else "女",
        "birth_date": birth,
        **fields,
    }


def make_household(
    *, village: Area, actor: User, number: str | None = None, members: list[dict] | None = None, **fields: object
) -> Household:
    """A 未脱贫 household under `village` (head 张三 unless members are given), created by `actor`."""
    data = {
        "number": number or f"T{next(_serial):07d}",
        "village": village,
        "attribute": HouseholdAttribute.ORDINARY,
        "main_cause": PovertyCause.ILLNESS,
        **fields,
    }
    return household_create(actor=actor, data=data, members=members or [member("张三")])
