"""Prepared statements give what Connection.execute gives, on SQLite and on PostgreSQL (through the async
driver, as the store runs them): bound and read through the columns' types, rows counted, fixed values kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Connection, bindparam, delete, insert, select, update

from bot.store import SqlStore
from bot.store.prepared import Prepared
from bot.store.schema import outbox

WHEN = datetime(2026, 11, 29, 8, 30, 15, 123456, tzinfo=UTC)
INSERT = Prepared(
    insert(outbox).values(key=bindparam("k"), timer_row=None, reply=bindparam("body"), created_at=bindparam("now"))
)
CLAIMABLE = Prepared(
    select(outbox).where(outbox.c.key == bindparam("k"), outbox.c.claimed_until.is_(None)).order_by(outbox.c.id)
)
CLAIM = Prepared(update(outbox).where(outbox.c.id == bindparam("id")).values(claimed_until=bindparam("until")))
DROP = Prepared(delete(outbox).where(outbox.c.id == bindparam("id")))


async def test_values_go_in_and_come_out_through_the_column_types(store: SqlStore) -> None:
    dubai = WHEN.astimezone(timezone(timedelta(hours=4)))

    def work(conn: Connection) -> tuple[list[Any], list[Any]]:
        assert INSERT.execute(conn, {"k": "telegram:1", "body": "{}", "now": dubai}) == 1
        INSERT.execute(conn, {"k": "telegram:1", "body": '{"n": 2}', "now": WHEN})
        INSERT.execute(conn, {"k": "telegram:2", "body": "{}", "now": WHEN})
        mine = CLAIMABLE.rows(conn, {"k": "telegram:1"})
        seen = list(conn.execute(select(outbox).where(outbox.c.key == "telegram:1").order_by(outbox.c.id)))
        return mine, seen

    mine, seen = await store.run(work)
    assert [tuple(r) for r in mine] == [tuple(r) for r in seen], "the same rows as Connection.execute reads"
    assert [r.reply for r in mine] == ["{}", '{"n": 2}']
    assert mine[0].created_at == WHEN and mine[0].created_at.tzinfo is not None, "a UTC instant, read back as one"
    assert mine[0].timer_row is None


async def test_rows_are_counted_and_each_value_set_runs(store: SqlStore) -> None:
    def work(conn: Connection) -> tuple[int, int, object, int]:
        for n in range(3):
            INSERT.execute(conn, {"k": "telegram:1", "body": str(n), "now": WHEN})
        ids = [r.id for r in CLAIMABLE.rows(conn, {"k": "telegram:1"})]
        claimed = CLAIM.execute(conn, {"id": ids[0], "until": WHEN + timedelta(minutes=1)})
        missing = CLAIM.execute(conn, {"id": 10**9, "until": WHEN})
        DROP.execute_each(conn, ({"id": i} for i in ids[1:]))
        until = conn.scalar(select(outbox.c.claimed_until).where(outbox.c.id == ids[0]))
        return claimed, missing, until, len(CLAIMABLE.rows(conn, {"k": "telegram:1"}))

    claimed, missing, until, left = await store.run(work)
    assert (claimed, missing) == (1, 0)
    assert until == WHEN + timedelta(minutes=1)
    assert left == 0, "one claimed, two dropped"


async def test_a_scalar_of_nothing_is_none(store: SqlStore) -> None:
    first = Prepared(select(outbox.c.reply).where(outbox.c.key == bindparam("k")))
    assert await store.run(lambda conn: first.scalar(conn, {"k": "nobody"})) is None


async def test_values_rendered_at_execution_time_are_refused(store: SqlStore) -> None:
    listed = Prepared(select(outbox).where(outbox.c.id.in_(bindparam("ids", expanding=True))))
    with pytest.raises(TypeError, match="rendered at execution time"):
        await store.run(lambda conn: listed.rows(conn, {"ids": [1, 2]}))
