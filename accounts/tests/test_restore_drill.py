"""The restore drill of SECURITY.md, run for real on PostgreSQL: pg_dump, pg_restore into a scratch database,
the same rows in every table."""

import pytest
from django.db import connection

from accounts.models import User
from households.tests.factories import make_household
from ops.restore_drill import drill

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump/pg_restore need PostgreSQL")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_restores_every_row(areas: dict, dora: User) -> None:
    make_household(village=areas["商家村"], actor=dora)  # committed: pg_dump reads from its own connection
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    assert drill(url) == []
