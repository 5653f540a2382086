"""Test data for the assistance app, written through the services like real data."""

import itertools
from datetime import date

from accounts.models import User
from assistance.models import Cadre, Pairing
from assistance.services import cadre_create, pairing_create
from households.models import Household

_serial = itertools.count(1)


def make_cadre(*, actor: User, name: str | None = None, rank: str = "科级干部", **fields: object) -> Cadre:
    n = next(_serial)
    data = {"name": name or f"干部{n}", "rank": rank, "unit": "区财政局", "phone": f"1390000{n:04d}", **fields}
    return cadre_create(actor=actor, data=data)


def pair(*, actor: User, household: Household, cadre: Cadre, on: date = date(2025, 3, 1)) -> Pairing:
    return pairing_create(actor=actor, household=household, cadre=cadre, started_on=on)
