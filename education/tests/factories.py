"""Education test data, written through the services like real data."""

from datetime import date
from decimal import Decimal

from accounts.models import User
from education.models import Benefit, Enrolment, LeftBehindChild
from education.rules import school_year_start
from education.services import benefit_record, enrolment_record, left_behind_open
from households.models import Person


def enrol(*, actor: User, person: Person, year: int, stage: str = "初中", **fields: object) -> Enrolment:
    data = {"school_year": year, "stage": stage, "school": "商家中学", "grade": "七年级", "status": "在校",
            "started_on": school_year_start(year), **fields}  # fmt: skip
    return enrolment_record(actor=actor, person=person, data=data)


def give(*, actor: User, enrolment: Enrolment, item: str, amount: str = "100", on: date | None = None) -> Benefit:
    data = {"item": item, "amount": Decimal(amount), "way": "发放" if item == "定额补助" else "免除",
            "on": on or date(enrolment.school_year, 9, 10), "given_by": enrolment.school}  # fmt: skip
    return benefit_record(actor=actor, enrolment=enrolment, data=data)


def open_file(*, actor: User, child: Person, **fields: object) -> LeftBehindChild:
    data = {
        "father_state": "外出务工", "father_name": "李强", "father_phone": "13800000001", "father_workplace": "青岛市",
        "mother_state": "外出务工", "mother_name": "王芳", "mother_phone": "13800000002", "mother_workplace": "济南市",
        "guardian_name": "李大爷", "guardian_relation": "祖父", "guardian_phone": "13800000003",
        "school": "商家中学", "teacher_name": "王老师", "teacher_phone": "13800000004",
        "cadre_name": "", "cadre_phone": "", "registered_on": date(2025, 10, 1), "note": "", **fields,
    }  # fmt: skip
    return left_behind_open(actor=actor, child=child, data=data)
