"""What other apps add to the household page: sections (panels) and entries of its change log.

`households` imports none of the sector apps (DESIGN §3, STYLE §1). An app that has something to show for a
household registers from its AppConfig.ready():

- a **panel**, `(request, household) -> (template name, context) | None`, with an `order` (lower first; the
  registry's own sections come before 100: cadres 100, health 200, education 300, housing 400, funds 500). It
  is called only for a household the user was already given by `access_household`, and decides itself, from
  the user's permissions, whether to show anything (None: nothing);
- a **change source**, `(household) -> list[ChangeEntry]`, the app's own events for the household's change
  log (an expense recorded, a retrofit accepted …), in a fixed number of queries.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import HttpRequest

from .models import Household

Panel = Callable[[HttpRequest, Household], tuple[str, dict[str, Any]] | None]


@dataclass(frozen=True)
class ChangeEntry:
    """One line of a household's change log: when, who, what, why; `details` are the values changed
    ("住房安全等级：C → A", personal values masked); `version` marks a registry change the district office can
    revert the household to (the state right after it)."""

    at: datetime
    who: str
    what: str
    reason: str
    details: tuple[str, ...] = ()
    version: bool = False


ChangeSource = Callable[[Household], list[ChangeEntry]]

_panels: dict[Panel, int] = {}
_change_sources: list[ChangeSource] = []


def register_panel(panel: Panel, *, order: int = 100) -> None:
    _panels[panel] = order


def household_panels(request: HttpRequest, household: Household) -> list[tuple[str, dict[str, Any]]]:
    ordered = sorted(_panels.items(), key=lambda item: item[1])
    return [shown for panel, _order in ordered if (shown := panel(request, household)) is not None]


def register_change_source(source: ChangeSource) -> None:
    if source not in _change_sources:
        _change_sources.append(source)


def change_sources() -> list[ChangeSource]:
    return list(_change_sources)
