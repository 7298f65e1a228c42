"""Persisted sync state (the ``sync_state`` table): cursor, stage statuses, last run.

Keys:

- ``feed_cursor``: the change-feed cursor; written in the same transaction as
  the page it ends, so the cursor never runs ahead of the data.
- ``feed_entities``: the entities this client knew when it last moved the
  cursor (comma-separated). A feed block of an entity the client does not know
  is skipped (an older client facing a newer server); once an upgrade knows
  more entities than the cursor was moved with, the next pull starts from the
  beginning (:func:`feed_start`), so those records arrive after all. Applying a
  record again is harmless (versions decide).
- ``server_read_rules``: what the account reads and by which rules, as the server
  last announced it (``read_rules`` of the login answer and of every feed page: its
  rules' version and the account's read scope; "" from a server that announces none).
- ``feed_read_rules``: the server's read rules when the cursor was last moved
  (``server_read_rules`` then). When the server announces other ones (the rules
  widened, or the account was moved to a wider reach: it now reads records it did
  not, behind the cursor), the next pull
  starts from the beginning (:func:`feed_start`), as after an upgrade that knows
  more entities. A desktop that moved its cursor before servers announced rules
  has none saved, so it pulls again once.
- ``stage.<name>``: a :class:`~sync.client.report.StageStatus` as JSON (state,
  when, detail) for each :class:`~sync.client.report.StageName`.
- ``last_success_at``, ``last_error``, ``last_run_at``.
- ``server_public_key``: the server's Ed25519 key for receipts and feed bundles.
"""

from __future__ import annotations

from sqlalchemy import Connection, Table, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from silon_desktop.storage.models import SyncState, utcnow
from sync.client.report import StageName, StageState, StageStatus
from sync.protocol import ENTITIES

CURSOR_KEY = "feed_cursor"
#: Times kept in ``sync_state`` (UTC, to the second, ISO 8601 without a zone).
STAMP_FORMAT = "%Y-%m-%dT%H:%M:%S"
FEED_ENTITIES_KEY = "feed_entities"
SERVER_RULES_KEY = "server_read_rules"
FEED_RULES_KEY = "feed_read_rules"
SERVER_KEY = "server_public_key"
#: the server's X25519 public key outbox bundles are sealed to (``sync.sealed``)
SERVER_BOX_KEY = "server_box_key"
#: this device's X25519 private key (base64) feed bundles are sealed to
#: (``sync.sealed.device_box_key``; kept in the encrypted database only)
DEVICE_BOX_KEY = "device_box_key"

_table: Table = SyncState.__table__  # type: ignore[assignment]


def get_state(conn: Connection, key: str, default: str = "") -> str:
    value = conn.execute(select(_table.c.value).where(_table.c.key == key)).scalar_one_or_none()
    return default if value is None else str(value)


def set_state(conn: Connection, key: str, value: str) -> None:
    stmt = sqlite_insert(_table).values(key=key, value=value)
    conn.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": value}))


def feed_start(conn: Connection) -> str:
    """The cursor to pull the feed after: the saved one, or the beginning ("")
    when this client knows entities the saved cursor was moved without, or the
    server announces other read rules than those it was moved under."""
    cursor = get_state(conn, CURSOR_KEY)
    saved = get_state(conn, FEED_ENTITIES_KEY)
    if cursor and saved and set(ENTITIES) - set(saved.split(",")):
        return ""
    if cursor and get_state(conn, FEED_RULES_KEY) != get_state(conn, SERVER_RULES_KEY):
        return ""
    return cursor


def save_cursor(conn: Connection, cursor: str) -> None:
    """Save the feed cursor, with the entities whose records it has brought and
    the server's read rules they were read under."""
    set_state(conn, CURSOR_KEY, cursor)
    set_state(conn, FEED_ENTITIES_KEY, ",".join(sorted(ENTITIES)))
    set_state(conn, FEED_RULES_KEY, get_state(conn, SERVER_RULES_KEY))


def heard_read_rules(conn: Connection, rules: str) -> bool:
    """Keep the read rules the server announced; whether they differ from the last
    announced (then :func:`feed_start` may start again from the beginning)."""
    if get_state(conn, SERVER_RULES_KEY) == rules:
        return False
    set_state(conn, SERVER_RULES_KEY, rules)
    return True


def set_stage(
    conn: Connection, stage: StageName, state: StageState, detail: str = ""
) -> StageStatus:
    """Record a stage's state with the time (UTC) and an optional detail."""
    status = StageStatus(state, utcnow().strftime(STAMP_FORMAT), detail)
    set_state(conn, f"stage.{stage.value}", status.to_json())
    return status


def get_stages(conn: Connection) -> dict[StageName, StageStatus]:
    """Every stage's last saved status (idle for a stage that never ran)."""
    return {
        stage: StageStatus.from_json(get_state(conn, f"stage.{stage.value}")) for stage in StageName
    }
