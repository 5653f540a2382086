"""Sections other apps add to the household page.

`households` imports none of the sector apps (DESIGN §3, STYLE §1). An app that has something to show for a
household registers a panel from its AppConfig.ready(); the detail view renders every registered panel that
answers, in registration order. A panel is `(request, household) -> (template name, context) | None`; it is
called only for a household the user was already given by `access_household`, and decides itself, from the
user's permissions, whether to show anything.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from .models import Household

Panel = Callable[[HttpRequest, Household], tuple[str, dict[str, Any]] | None]

_panels: list[Panel] = []


def register_panel(panel: Panel) -> None:
    if panel not in _panels:
        _panels.append(panel)


def household_panels(request: HttpRequest, household: Household) -> list[tuple[str, dict[str, Any]]]:
    return [shown for panel in _panels if (shown := panel(request, household)) is not None]
