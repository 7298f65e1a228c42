"""The application's services as the UI sees them: one object, plain data in and out.

Widgets call this and nothing below it: writes go through the storage
repository (row + outbox in one transaction), reads of the big supporter table
through ``storage.supporter_queries``, sync through ``sync.client``, secrets
through ``sync.credentials``. No SQL and no HTTP here; no Qt either, so every
method can run on a worker thread (each call opens its own session).
"""

from __future__ import annotations

import datetime as dt
import logging
import platform
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from silon_desktop import __version__
from silon_desktop.config import Settings
from silon_desktop.paths import AppPaths

log = logging.getLogger(__name__)


@dataclass(slots=True)
class VerifyResult:
    """Records after a verification write (by id) and the first error, if any."""

    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    error: str = ""


@dataclass(frozen=True, slots=True)
class SubregionFigure:
    code: str
    name: str
    ms: int
    bms: int
    tms: int
    unchecked: int


@dataclass(frozen=True, slots=True)
class DashboardData:
    """Figures of one pair's support against its election's rule set."""

    pair_label: str
    election_label: str
    level: str  # "kecamatan" or "kabkota"
    counts: dict[str, int]
    required: int | None
    spread_needed: int | None
    subregion_total: int | None
    subregions: list[SubregionFigure]
    subregions_met: int
    gap: int
    correction_needed: int
    notes: list[str]
    route: str = "perseorangan"  # "partai": nominated by parties, no supporters needed
    party_count: int = 0
    party_seats: int = 0
    party_votes: int = 0


@dataclass(frozen=True, slots=True)
class SyncSummary:
    pending: int
    sent: int
    conflicts: int
    last_success: str
    last_error: str
    online: bool | None  # None: not checked yet


@dataclass(frozen=True, slots=True)
class LoginResult:
    ok: bool
    online: bool
    message: str = ""
    keyring: bool = True
    role: str = ""
    scope: str = ""


class Backend:
    """Services for the UI; safe to call from any thread (one session per call).

    Args:
        paths: the data folders.
        settings: operator settings (saved with :meth:`save_settings`).
        db: the open local database (``storage.db.Database``).
    """

    def __init__(self, paths: AppPaths, settings: Settings, db: Any) -> None:
        self.paths = paths
        self.settings = settings
        self.db = db
        self.user = settings.username
        self.online: bool | None = None
        #: region code of the logged-in account (the scope of new elections)
        self.session_scope = ""
        self._regions: Any = None
        self._repo: Any = None
        self._lock = threading.Lock()
        self._token: str | None = None

    # -- plumbing --------------------------------------------------------------

    @property
    def engine(self) -> Any:
        return self.db.engine

    @property
    def regions(self) -> Any:
        if self._regions is None:
            from silon_desktop.domain.regions import default_table

            self._regions = default_table()
        return self._regions

    @property
    def repo(self) -> Any:
        with self._lock:
            if self._repo is None or getattr(self._repo, "user", self.user) != self.user:
                from silon_desktop.storage.repository import Repository

                self._repo = Repository(self.db, self.settings.device_id, user=self.user)
            return self._repo

    def save_settings(self) -> None:
        self.settings.save(self.paths.settings)

    def region_name(self, code: str) -> str:
        name = self.regions.name(code) if code else None
        return str(name) if name else code

    # -- records -----------------------------------------------------------------

    def get(self, entity: str, record_id: str | None) -> dict[str, Any] | None:
        if not record_id:
            return None
        record = self.repo.get(entity, record_id)
        return dict(record) if record is not None else None

    def list(self, entity: str, **filters: Any) -> list[dict[str, Any]]:
        return [dict(r) for r in self.repo.list(entity, **filters)]

    def create(
        self, entity: str, values: dict[str, Any], scope: str
    ) -> tuple[str | None, str | None]:
        """Create a record; (id, None) or (None, the operator's message)."""
        try:
            return str(self.repo.create(entity, values, scope)), None
        except Exception as error:  # noqa: BLE001 - shown to the operator
            return None, self._message(error)

    def update(self, entity: str, record_id: str, values: dict[str, Any]) -> str | None:
        """Save fields of a record; None when committed, else the operator's message."""
        try:
            self.repo.update(entity, record_id, values)
        except Exception as error:  # noqa: BLE001 - shown to the operator
            return self._message(error)
        return None

    def delete(self, entity: str, record_id: str) -> str | None:
        try:
            self.repo.delete(entity, record_id)
        except Exception as error:  # noqa: BLE001 - shown to the operator
            return self._message(error)
        return None

    def validate(self, entity: str, values: dict[str, Any]) -> dict[str, str]:
        """Field -> Indonesian message for each problem the domain finds in ``values``."""
        try:
            from silon_desktop.domain.records import validate_record
        except ImportError:  # the domain module is not there yet in this checkout
            return {}
        out: dict[str, str] = {}
        for problem in validate_record(entity, values):
            name = str(getattr(problem, "field", ""))
            if name in values and name not in out:
                out[name] = _problem_message(problem)
        return out

    def parse_nik(self, text: str) -> dict[str, Any]:
        from silon_desktop.domain.nik import parse_nik
        from silon_desktop.ui.labels import reason_label

        result = parse_nik(text)
        reasons = [str(r) for r in result.reasons]
        return {
            "reasons": reasons,
            "messages": [reason_label(r) for r in reasons],
            "birth_date": result.birth_date,
            "sex": str(result.sex) if result.sex else "",
        }

    def _message(self, error: BaseException) -> str:
        message = getattr(error, "message", None)
        if isinstance(message, str) and message:
            return message
        log.exception("unexpected error while saving", exc_info=error)
        return f"{type(error).__name__}: {error}"

    # -- verification ---------------------------------------------------------------

    def status_for(self, reasons: list[str], election: dict[str, Any]) -> str:
        from silon_desktop.domain.rules import rule_set_for

        if not reasons:
            return "MS"
        return str(rule_set_for(election.get("rule_set") or None).status_for(reasons))

    def verify(
        self,
        ids: list[str],
        stage: str,
        reasons: list[str],
        method: str,
        election: dict[str, Any],
    ) -> VerifyResult:
        """Record an administrative (``admin``) or field (``field``) verdict on supporters."""
        status = self.status_for(reasons, election)
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        prefix = "admin" if stage == "admin" else "field"
        values: dict[str, Any] = {
            f"{prefix}_status": status,
            f"{prefix}_reasons": list(reasons),
            f"{prefix}_by": self.user,
            f"{prefix}_at": now,
        }
        if prefix == "field":
            values["field_method"] = method
        result = VerifyResult()
        for record_id in ids:
            error = self.update("supporter", record_id, values)
            if error:
                result.error = result.error or error
                continue
            record = self.get("supporter", record_id)
            if record is not None:
                result.rows[record_id] = record
        return result

    def recheck_supporter(self, record_id: str, election: dict[str, Any]) -> str | None:
        """Run the domain's automatic check on a supporter typed in by hand.

        Writes ``check_status``/``check_reasons`` (through the repository, so the
        effective status follows) when they change; returns an error message or None.
        """
        from dataclasses import fields as dc_fields

        from silon_desktop.domain.rules import rule_set_for
        from silon_desktop.domain.supporters import (
            SupporterInput,
            ValidationContext,
            validate_supporter,
        )

        record = self.get("supporter", record_id)
        if record is None:
            return None
        names = {f.name for f in dc_fields(SupporterInput)}
        row = SupporterInput(**{k: v for k, v in record.items() if k in names and v is not None})
        reference = election.get("support_end") or dt.date.today()
        ctx = ValidationContext(
            region_code=str(election.get("region_code") or record.get("scope") or ""),
            reference_date=reference,
            rule_set=rule_set_for(election.get("rule_set") or None),
        )
        verdict = validate_supporter(row, ctx)
        values = {"check_status": str(verdict.status), "check_reasons": list(verdict.codes)}
        if (record.get("check_status"), record.get("check_reasons")) == tuple(values.values()):
            return None
        return self.update("supporter", record_id, values)

    def recap(self, pair_id: str) -> Any:
        """The pair's verification recap (``reports.recap.PairRecap``; slow: a job)."""
        from silon_desktop.reports.recap import pair_recap

        return pair_recap(self.engine, pair_id)

    def export_b11(
        self, pair_id: str, target: Path, progress: Callable[[int], None] | None = None
    ) -> int:
        """Write the pair's supporters to an XLSX list (B.1.1-KWK; slow: a job);
        returns how many were written."""
        from silon_desktop.reports.xlsx_export import export_b11

        return export_b11(self.engine, pair_id, target, progress)

    def export_b2(self, pair_id: str, target: Path) -> Path:
        """Write the pair's recap of counts and spread to XLSX (B.2-KWK; slow: a job)."""
        from silon_desktop.reports.recap import pair_recap
        from silon_desktop.reports.xlsx_export import export_b2

        return export_b2(pair_recap(self.engine, pair_id), target)

    def status_counts(self, pair_id: str) -> dict[str, int]:
        from silon_desktop.storage.supporter_queries import status_counts

        return status_counts(self.engine, pair_id)

    def dashboard(self, pair_id: str) -> DashboardData:
        """MS/BMS/TMS against the threshold, spread and correction shortfall (slow: a job)."""
        from silon_desktop.domain.rules import rule_set_for
        from silon_desktop.storage import supporter_queries as sq

        pair = self.get("pair", pair_id) or {}
        election = self.get("election", pair.get("election_id")) or {}
        rules = rule_set_for(election.get("rule_set") or None)
        kind = str(election.get("kind") or "bupati")
        level = "kabkota" if kind == "gubernur" else "kecamatan"
        counts = sq.status_counts(self.engine, pair_id)
        by_region = sq.counts_by_subregion(self.engine, pair_id, level)
        notes: list[str] = []
        dpt = election.get("dpt")
        required = rules.support_threshold(kind, int(dpt)) if dpt else None
        region_code = str(election.get("region_code") or "")
        children = self.regions.children(region_code) if region_code else []
        total = election.get("subregion_count") or (len(children) or None)
        spread = rules.spread_required(int(total)) if total else None
        figures = []
        names = {r.code: r.name for r in children}
        for code in sorted(set(names) | set(by_region)):
            c = by_region.get(code, {})
            figures.append(
                SubregionFigure(
                    code=code,
                    name=names.get(code) or self.region_name(code) or "-",
                    ms=c.get("MS", 0),
                    bms=c.get("BMS", 0),
                    tms=c.get("TMS", 0),
                    unchecked=c.get("-", 0),
                )
            )
        met = sum(1 for f in figures if f.ms > 0 and f.code)
        gap = max(0, (required or 0) - counts.get("MS", 0))
        correction = rules.correction_shortfall(required, counts.get("MS", 0)) if required else 0
        if required is None:
            notes.append("no_dpt")
        number = f"{pair['number']}. " if pair.get("number") else ""  # as in the navigation
        names = " - ".join(str(n) for n in (pair.get("head_name"), pair.get("deputy_name")) if n)
        label = number + names
        parties = self.list("party", pair_id=pair_id) if pair.get("route") == "partai" else []
        return DashboardData(
            pair_label=label.strip(),
            election_label=str(election.get("name") or ""),
            level=level,
            counts=counts,
            required=required,
            spread_needed=spread,
            subregion_total=int(total) if total else None,
            subregions=figures,
            subregions_met=met,
            gap=gap,
            correction_needed=correction,
            notes=notes,
            route=str(pair.get("route") or "perseorangan"),
            party_count=len(parties),
            party_seats=sum(int(p.get("seats") or 0) for p in parties),
            party_votes=sum(int(p.get("votes") or 0) for p in parties),
        )

    # -- sync ------------------------------------------------------------------------

    def _transport(self) -> Any:
        from sync.transport import HttpTransport

        transport = HttpTransport(self.settings.server_url, ca_bundle=self.settings.ca_bundle)
        transport.set_token(self._token or self._stored_token())
        return transport

    def _stored_token(self) -> str | None:
        from sync.credentials import TokenStore

        if not self.user:
            return None
        return TokenStore(self.settings.server_url, self.user).get()

    def sync_status(self) -> SyncSummary:
        from sync.client import status

        s = status(self.db)
        return SyncSummary(
            pending=s.pending,
            sent=s.sent,
            conflicts=s.conflicts_open,
            last_success=s.last_success_at,
            last_error=s.last_error,
            online=self.online,
        )

    def check_online(self, timeout_s: float = 3.0) -> bool:
        """Ask the server's health endpoint (on a worker thread)."""
        from sync.transport import HttpTransport, RetryPolicy, TransportError

        transport = HttpTransport(
            self.settings.server_url,
            ca_bundle=self.settings.ca_bundle,
            connect_timeout_s=timeout_s,
            read_timeout_s=timeout_s,
            retry=RetryPolicy(attempts=1, max_total_s=timeout_s),
        )
        try:
            transport.call("GET", "/v1/health", auth=False)
            self.online = True
        except TransportError:
            self.online = False
        finally:
            transport.close()
        return self.online

    def run_sync(self, progress: Callable[[Any], None], cancel: threading.Event) -> dict[str, Any]:
        """One sync run (worker thread); returns the report as plain data."""
        from sync.client import SyncEngine

        transport = self._transport()
        try:
            engine = SyncEngine(self.db, self.settings, transport, derive=_derive())
            report = engine.run(progress, cancel)
        finally:
            transport.close()
        self.online = report.error_kind != "offline"
        return {
            "pushed": report.pushed,
            "pulled": report.pulled,
            "conflicts_new": report.conflicts_new,
            "conflicts_open": report.conflicts_open,
            "remaining": report.remaining,
            "cancelled": report.cancelled,
            "error": report.error,
            "error_kind": report.error_kind,
            "complete": report.complete,
        }

    def conflicts(self) -> list[dict[str, Any]]:
        from sync.client import open_conflicts

        return open_conflicts(self.db)

    def resolve(self, conflict_id: int, choice: str, value: Any = None) -> str | None:
        """Resolve one field conflict; None when done, else the operator's message."""
        from sync.client_conflicts import resolve_conflict

        try:
            resolve_conflict(self.db, conflict_id, choice, value)
        except Exception as error:  # noqa: BLE001 - shown to the operator
            return self._message(error)
        return None

    def history(self, entity: str, record_id: str) -> list[Any]:
        from sync.receipts import record_history

        return list(record_history(self.db, entity, record_id))

    def conflict_history(self, entity: str, record_id: str) -> list[dict[str, Any]]:
        """Every conflict of a record, open and resolved (nothing is dropped)."""
        from sync.client_conflicts import conflict_history

        return conflict_history(self.db, entity, record_id)

    def journal(self, entity: str, record_id: str) -> list[dict[str, Any]]:
        """Each local edit as made: who, when, which fields."""
        return [dict(r) for r in self.repo.history(entity, record_id)]

    # -- login -------------------------------------------------------------------------

    def keyring_available(self) -> bool:
        from sync.credentials import keyring_available

        return keyring_available()

    def login_online(self, username: str, password: str) -> LoginResult:
        """Log in at the server (worker thread); keeps the token and an offline verifier."""
        from sync import signing
        from sync.client_api import ServerApi
        from sync.client_login import save_server_key
        from sync.credentials import TokenStore, device_key, new_device_id, store_offline_verifier
        from sync.transport import HttpTransport, Offline, TransportError

        if not self.settings.device_id:
            self.settings.device_id = new_device_id()
            self.save_settings()
        # The device key signs USB bundles; the server learns it at login.
        public_key = signing.public_key_b64(device_key(self.settings.device_id, self.paths.data))
        transport = HttpTransport(self.settings.server_url, ca_bundle=self.settings.ca_bundle)
        api = ServerApi(transport)
        try:
            answer = api.login(username, password, self.settings.device_id, public_key)
            save_server_key(self.db, api)
        except Offline as error:
            self.online = False
            return LoginResult(False, False, error.message)
        except TransportError as error:
            self.online = True
            return LoginResult(False, True, error.message)
        finally:
            transport.close()
        self.online = True
        in_keyring = TokenStore(self.settings.server_url, answer.username).set(answer.token)
        self._token = answer.token
        store_offline_verifier(
            self.db,
            answer.username,
            password,
            role=answer.role,
            scope=answer.region,
            server_url=self.settings.server_url,
        )
        self._set_user(answer.username)
        self.session_scope = answer.region
        return LoginResult(True, True, "", in_keyring, answer.role, answer.region)

    def login_offline(self, username: str, password: str) -> LoginResult:
        from sync.credentials import verify_offline

        account = verify_offline(self.db, username, password)
        if account is None:
            return LoginResult(False, False, "offline_refused")
        self._set_user(account.username)
        self.session_scope = account.scope
        self._token = self._stored_token()
        return LoginResult(True, False, "", self.keyring_available(), account.role, account.scope)

    def resume_session(self) -> bool:
        """Carry on as the last user when the keyring still holds their token.

        Without a keyring (or without a token) the operator must log in again.
        """
        if not self.settings.username or not self.keyring_available():
            return False
        self.user = self.settings.username
        token = self._stored_token()
        if not token:
            self.user = ""
            return False
        self._token = token
        return True

    def _set_user(self, username: str) -> None:
        self.user = username
        self.settings.username = username
        self.save_settings()

    # -- diagnostics ---------------------------------------------------------------------

    def diagnostics(self, qt_version: str = "", log_lines: int = 40) -> str:
        """Version, paths, database figures, sync status and the log's tail; never secrets."""
        from silon_desktop.storage.supporter_queries import database_stats

        lines = [
            f"Silon Desktop {__version__}",
            f"Python {platform.python_version()} on {platform.platform()}",
            f"Qt {qt_version}",
            f"data: {self.paths.data}",
            f"database: {self.paths.database}",
            f"logs: {self.paths.log_file}",
            f"server: {self.settings.server_url}",
            f"ca_bundle: {self.settings.ca_bundle or '-'}",
            f"language: {self.settings.language}",
            f"user: {self.user or '-'}",
            f"device: {self.settings.device_id or '-'}",
        ]
        try:
            size = self.paths.database.stat().st_size
            lines.append(f"database size: {size:,} bytes")
            for table, n in database_stats(self.engine).items():
                lines.append(f"  {table}: {n:,}")
            s = self.sync_status()
            lines.append(
                f"sync: pending={s.pending} sent={s.sent} conflicts={s.conflicts} "
                f"last_success={s.last_success or '-'} last_error={s.last_error or '-'}"
            )
        except Exception as error:  # noqa: BLE001 - diagnostics must not fail
            lines.append(f"(database figures unavailable: {error})")
        lines.append(f"online: {self.online}")
        lines.append("--- log ---")
        try:
            text = self.paths.log_file.read_text(encoding="utf-8", errors="replace")
            lines.extend(text.splitlines()[-log_lines:])
        except OSError:
            lines.append("(no log file)")
        return "\n".join(_scrub(line) for line in lines)


def _scrub(line: str) -> str:
    """Drop anything that looks like a secret from a diagnostics line."""
    lowered = line.lower()
    for word in ("token", "password", "sandi", "authorization", "bearer"):
        if word in lowered:
            return "(line hidden: may contain a secret)"
    return line


def _problem_message(problem: Any) -> str:
    """Indonesian text of a domain FieldError."""
    from silon_desktop.ui.labels import field_error_message

    return field_error_message(
        str(getattr(problem, "field", "")),
        str(getattr(problem, "code", "")),
        str(getattr(problem, "message_id", "")),
        str(getattr(problem, "detail", "")),
    )


def _derive() -> Any:
    try:
        from silon_desktop.storage.derived import derive_for_sync
    except ImportError:
        return None
    return derive_for_sync
