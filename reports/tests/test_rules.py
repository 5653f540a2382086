"""The data-quality rules as parameter tables, without the database (STYLE §19)."""

from datetime import date
from decimal import Decimal

import pytest

from households.idnumber import check_digit
from households.rules import IncomeFacts, Standard
from reports import rules
from reports.rules import RULES, HouseholdRecord, MemberRecord, findings

AS_OF = date(2025, 12, 31)
STANDARD = Standard(year=2025, poverty_line=Decimal("4000"), dibao_line=Decimal("3600"))


def idn(birth: date, *, male: bool = True, seq: int = 12) -> str:
    first17 = f"370303{birth:%Y%m%d}{seq * 2 + (1 if male else 0):03d}"
    return first17 + check_digit(first17)


def m(pk: int = 1, *, birth: date = date(1970, 3, 1), male: bool = True, **fields: object) -> MemberRecord:
    values = {
        "name": f"成员{pk}",
        "id_number": idn(birth, male=male, seq=pk),
        "relation": "户主" if pk == 1 else "之子",
        "sex": "男" if male else "女",
        "birth_date": birth,
        **fields,
    }
    return MemberRecord(pk=pk, **values)


def h(*members: MemberRecord, **fields: object) -> HouseholdRecord:
    values = {
        "pk": 10,
        "status": "未脱贫",
        "attribute": "一般贫困户",
        "main_cause": "缺技术",
        "members": members or (m(),),
        "phone": "13800000000",
        "paired": True,
        "income": IncomeFacts(wage=Decimal("9000")),
        **fields,
    }
    return HouseholdRecord(**values)


CASES = [
    # (rule function, household, expected subjects: None for the household, a pk for a member)
    (rules.q01_school_stage_age, h(m(), m(2, birth=date(1995, 1, 1), school_status="小学")), [2]),
    (rules.q01_school_stage_age, h(m(), m(2, birth=date(2015, 1, 1), school_status="小学")), []),
    (rules.q01_school_stage_age, h(m(), m(2, birth=date(2024, 1, 1), school_status="初中")), [2]),
    (rules.q02_healthy_without_labour, h(m(health="健康", labour_ability="无劳动力")), [1]),
    (rules.q02_healthy_without_labour, h(m(birth=date(1950, 1, 1), health="健康", labour_ability="无劳动力")), []),
    (rules.q02_healthy_without_labour, h(m(health="残疾", labour_ability="丧失劳动力")), []),
    (rules.q03_exited_below_line, h(status="已脱贫", per_capita=Decimal("4000")), [None]),
    (rules.q03_exited_below_line, h(status="已脱贫", per_capita=Decimal("4000.01")), []),
    (rules.q03_exited_below_line, h(status="未脱贫", per_capita=Decimal("100")), []),
    (rules.q04_no_cadre, h(paired=False), [None]),
    (rules.q04_no_cadre, h(status="返贫", paired=False), [None]),
    (rules.q04_no_cadre, h(status="已脱贫", paired=False), []),
    (rules.q04_no_cadre, h(paired=True), []),
    (rules.q05_exited_unsafe_house, h(status="已脱贫", house_grade="D"), [None]),
    (rules.q05_exited_unsafe_house, h(status="已脱贫", house_grade="B"), []),
    (rules.q05_exited_unsafe_house, h(status="未脱贫", house_grade="C"), []),
    (rules.q06_over_100, h(m(birth=date(1924, 6, 1))), [1]),
    (rules.q06_over_100, h(m(birth=date(1925, 12, 31))), []),  # exactly 100 on the day
    (rules.q07_duplicate_id, h(m(), m(2), duplicate_ids=frozenset({idn(date(1970, 3, 1), seq=2)})), [2]),
    (rules.q07_duplicate_id, h(m(), m(2)), []),
    (
        rules.q08_per_capita_contradicts,
        h(m(), m(2), income=IncomeFacts(wage=Decimal("8000"), per_capita_given=Decimal("5000"))),
        [None],
    ),
    (
        rules.q08_per_capita_contradicts,
        h(m(), m(2), income=IncomeFacts(wage=Decimal("8000"), per_capita_given=Decimal("4000.80"))),
        [],
    ),
    (rules.q08_per_capita_contradicts, h(income=IncomeFacts(per_capita_given=Decimal("5000"))), []),
    (rules.q09_dibao_above_line, h(attribute="低保贫困户", per_capita=Decimal("3600.01")), [None]),
    (rules.q09_dibao_above_line, h(attribute="低保贫困户", per_capita=Decimal("3600")), []),
    (rules.q09_dibao_above_line, h(m(dibao=True), per_capita=Decimal("5000")), [None]),
    (rules.q09_dibao_above_line, h(per_capita=Decimal("5000")), []),
    (rules.q10_no_phone, h(phone=" "), [None]),
    (rules.q10_no_phone, h(), []),
    (rules.q11_bad_id_number, h(m(id_number="370303197003010000")), [1]),
    (rules.q11_bad_id_number, h(), []),
    (rules.q12_birth_date_vs_id, h(m()._replace(birth_date=date(1971, 3, 1))), [1]),
    (rules.q12_birth_date_vs_id, h(), []),
    (rules.q13_sex_vs_id, h(m()._replace(sex="女")), [1]),
    (rules.q13_sex_vs_id, h(m(male=False)), []),
    (rules.q14_head, h(m()._replace(relation="配偶")), [None]),
    (rules.q14_head, h(m(birth=date(2012, 1, 1))), [1]),
    (rules.q14_head, h(), []),
    (rules.q15_disability, h(m(health="残疾")), [1]),
    (rules.q15_disability, h(m(health="健康", disability_grade="二级")), [1]),
    (rules.q15_disability, h(m(health="残疾", disability_grade="二级")), []),
    (rules.q16_cause_vs_members, h(main_cause="因病"), [None]),
    (rules.q16_cause_vs_members, h(m(health="患有大病"), main_cause="因病"), []),
    (rules.q16_cause_vs_members, h(main_cause="因残"), [None]),
    (rules.q16_cause_vs_members, h(m(disability_grade="三级", health="残疾"), main_cause="因残"), []),
    (rules.q16_cause_vs_members, h(main_cause="因学"), [None]),
    (rules.q16_cause_vs_members, h(m(), m(2, school_status="普通高中"), main_cause="因学"), []),
    (rules.q17_work_vs_labour, h(m(work_status="省外务工", labour_ability="丧失劳动力")), [1]),
    (rules.q17_work_vs_labour, h(m(work_status="未务工", work_months=6)), [1]),
    (rules.q17_work_vs_labour, h(m(work_status="县内务工", labour_ability="普通劳动力", work_months=6)), []),
    (rules.q18_no_income, h(income=None), [None]),
    (rules.q18_no_income, h(status="已脱贫", income=None), []),
    (rules.q19_education_vs_age, h(m(), m(2, birth=date(2016, 1, 1), education="初中")), [2]),
    (rules.q19_education_vs_age, h(m(), m(2, birth=date(2010, 1, 1), education="学龄前儿童")), [2]),
    (rules.q19_education_vs_age, h(m(), m(2, birth=date(2020, 1, 1), education="学龄前儿童")), []),
]


@pytest.mark.parametrize(("rule", "household", "subjects"), CASES)
def test_rule_table(rule: rules.RuleFunction, household: HouseholdRecord, subjects: list[int | None]) -> None:
    found = rule(household, standard=STANDARD, as_of=AS_OF)
    assert [f.person for f in found] == subjects
    assert all(f.detail for f in found)


def test_every_rule_has_a_table_row_that_fires_and_one_that_does_not() -> None:
    fired = {rule for rule, _h, subjects in CASES if subjects}
    quiet = {rule for rule, _h, subjects in CASES if not subjects}
    assert {r.func for r in RULES} == fired == quiet


def test_at_least_fifteen_numbered_rules_each_citing_the_plan() -> None:
    assert len(RULES) >= 15
    assert [r.code for r in RULES] == [f"Q{n:02d}" for n in range(1, len(RULES) + 1)]
    for rule in RULES:
        assert rule.chapter.startswith("规划第")
        assert rule.check.endswith("。")
        assert "plan ch." in (rule.func.__doc__ or "")


def test_findings_key_one_per_rule_and_subject_and_none_without_a_standard() -> None:
    household = h(m(health="健康", labour_ability="无劳动力"), phone="", status="已脱贫", per_capita=Decimal("1"))
    found = findings(household, standard=STANDARD, as_of=AS_OF)
    assert set(found) == {("Q02", 1), ("Q03", None), ("Q10", None)}
    assert ("Q03", None) not in findings(household, standard=None, as_of=AS_OF)
