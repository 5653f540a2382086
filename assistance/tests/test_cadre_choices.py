"""Cadre choices a clerk can use (issue 17): cadres with room first, typed to filter, never the current cadre
as her own successor; a clerk sees the phones only of cadres paired in her own town."""

import re

from django.test import Client
from django.urls import reverse

from accounts.models import Area, User
from households.tests.factories import make_household

from .factories import make_cadre, pair


def options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no select {name}"
    return [
        re.sub(r"\s+", " ", o).strip()
        for o in re.findall(r"<option value=\"\d+\"[^>]*>(.*?)</option>", select.group(1))
    ]


def test_the_handover_offers_cadres_with_room_first_and_never_the_current_one(
    client: Client, areas: dict[str, Area], alice: User, dora: User
) -> None:
    households = [make_household(village=areas["商家村"], actor=alice) for _ in range(4)]
    full = make_cadre(actor=dora, name="满员甲", rank="科级干部")
    for h in households[:3]:
        pair(actor=alice, household=h, cadre=full)
    make_cadre(actor=dora, name="空闲乙", rank="科级干部")  # 0 of 3
    half = make_cadre(actor=dora, name="半满丙", rank="一般干部")
    pair(actor=alice, household=households[3], cadre=half)  # 1 of 2
    client.force_login(alice)
    page = client.get(reverse("assistance:handover", args=[households[0].pk])).content.decode()
    names = [o.split(" · ")[0] for o in options(page, "successor")]
    assert names == ["空闲乙", "半满丙"]  # the current cadre (满员甲) is not offered as her own successor
    assert "data-searchable" in page
    pairing_page = client.get(reverse("assistance:measure_create", args=[households[0].pk])).content.decode()
    labels = options(pairing_page, "cadre")
    assert [label.split(" · ")[0] for label in labels] == ["空闲乙", "半满丙", "满员甲"]  # full ones last
    assert "已结对 3/3 户（已满）" in labels[-1]
    assert "已结对 0/3 户（还可结对 3 户）" in labels[0]


def test_a_clerk_sees_the_phones_of_cadres_in_her_town_only(
    client: Client, areas: dict[str, Area], alice: User, bob: User, dora: User
) -> None:
    ours = make_cadre(actor=dora, name="本镇干部", phone="13900001111")
    theirs = make_cadre(actor=dora, name="外镇干部", phone="13900002222")
    pair(actor=alice, household=make_household(village=areas["商家村"], actor=alice), cadre=ours)
    pair(actor=bob, household=make_household(village=areas["萌水村"], actor=bob), cadre=theirs)
    client.force_login(alice)
    listing = client.get(reverse("assistance:cadres")).content.decode()
    assert "13900001111" in listing
    assert "13900002222" not in listing
    assert "139****2222" in listing
    detail = client.get(reverse("assistance:cadre", args=[theirs.pk])).content.decode()
    assert "13900002222" not in detail
    household = make_household(village=areas["商家村"], actor=alice)
    form = client.get(reverse("assistance:pair", args=[household.pk])).content.decode()
    assert "13900001111" in form
    assert "13900002222" not in form
    client.force_login(dora)  # the district office keeps the roster: every phone
    assert "13900002222" in client.get(reverse("assistance:cadres")).content.decode()
