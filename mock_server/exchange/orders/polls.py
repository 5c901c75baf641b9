"""Read counters for orders that move on polls (progression `polls:N` or `immediate`)."""

from __future__ import annotations

from integral_mock.exchange.orders.lifecycle import FINAL, Schedule
from integral_mock.store import Database, Store


class PollCounter:
    """Counts client reads of poll-progressed orders; time-progressed ones cost nothing."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def current(self, order_id: int) -> int:
        """How often the order has been read so far (without counting this look)."""
        rows = self.store.query("SELECT polls FROM order_polls WHERE order_id = ?", (order_id,))
        return int(rows[0]["polls"]) if rows else 0

    def count(self, db: Database, order_id: int, schedule: Schedule, now_ms: int) -> int:
        """Count one client read of the order (in the caller's transaction); the count to show.

        In the caller's transaction so that the book can note, in the same commit, that this
        read made the order final (its `final_ms`).
        """
        row = db.execute("SELECT polls FROM order_polls WHERE order_id = ?", (order_id,)).fetchone()
        polls = int(row[0]) if row else 0
        # A final order stays where it is: counting on would only grow the number.
        if schedule.status_at(now_ms, polls) in FINAL:
            return polls
        db.execute(
            "INSERT INTO order_polls VALUES (?, ?) "
            "ON CONFLICT (order_id) DO UPDATE SET polls = excluded.polls",
            (order_id, polls + 1),
        )
        return polls + 1
