"""The reports app's part of `seed_demo`: the figures and problem lists computed once, so the dashboard of a
fresh demo shows numbers at once. Idempotent (a refresh replaces the figures)."""

from accounts.models import User

from .services import figures_refresh


def seed_reports_demo(actor: User) -> str:
    run = figures_refresh(trigger="演示数据")
    return f"统计看板：已计算 {run.areas} 个区域的统计数字，待核实疑点 {run.problems_open} 条"
