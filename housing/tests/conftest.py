"""Fixtures of the housing tests: a 住建 sector officer (zoe) besides the root personas, and households."""

import io
from datetime import date

import pytest
from PIL import Image

from accounts.models import Area, Role, User
from conftest import make_user
from households.models import Household
from households.tests.factories import make_household


@pytest.fixture
def zoe(areas: dict[str, Area]) -> User:
    """A 住建 sector officer of the district: writes retrofits everywhere."""
    return make_user("zoe", role=Role.SECTOR_OFFICER, area=areas["文昌湖区"], sector="housing")


@pytest.fixture
def household(areas: dict[str, Area], alice: User) -> Household:
    """A 商家镇 household whose registry says nothing of its house or water."""
    return make_household(village=areas["商家村"], actor=alice)


@pytest.fixture
def other_household(areas: dict[str, Area], bob: User) -> Household:
    """A 萌水镇 household: another town for alice."""
    return make_household(village=areas["萌水村"], actor=bob)


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, format=fmt)
    return buffer.getvalue()


ASSESSED = date(2017, 4, 1)
PLANNED = date(2017, 9, 1)
