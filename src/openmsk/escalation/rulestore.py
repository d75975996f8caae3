"""Admin-edited rules kept in the database beside the shipped rules.yaml; the engine is built from both."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.db import utcnow
from openmsk.errors import Conflict, ErrorDetail, Invalid, NotFound
from openmsk.escalation.engine import Engine
from openmsk.escalation.live import after_commit
from openmsk.escalation.models import EscalationRuleRecord
from openmsk.escalation.rules import RULES_PATH, RuleError, parse_rules

_lock = threading.Lock()
_cache: dict[str, Any] = {}
# Saves a query per evaluation; a rule changed by another process applies within this many seconds.
RECHECK_S = 1.0


@dataclass(frozen=True)
class RuleView:
    """One rule as the admin page lists it."""

    id: str
    category: str
    severity: str
    route_to: str
    respond_within: str
    source: str  # shipped | custom
    enabled: bool
    explanation: str


def _shipped_document() -> dict[str, Any]:
    if "shipped" not in _cache:
        _cache["shipped"] = yaml.safe_load(Path(RULES_PATH).read_text(encoding="utf-8"))
    return _cache["shipped"]


def _combined(records: list[EscalationRuleRecord], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    document = dict(_shipped_document())
    disabled = {r.rule_id for r in records if not r.enabled}
    rules = [r for r in document["rules"] if r["id"] not in disabled]
    rules += [r.definition for r in records if r.definition is not None and r.enabled]
    if extra is not None:
        rules.append(extra)
    document["rules"] = rules
    return document


def engine_for(session: Session) -> Engine:
    """The engine over the shipped rules plus enabled admin rules, rebuilt only when they change."""
    url = str(session.get_bind().url)
    with _lock:
        checked = _cache.get("checked")
        if checked is not None and checked[0] == url and time.monotonic() - checked[1] < RECHECK_S:
            return _cache["engine"]
    stamp = session.execute(select(func.count(EscalationRuleRecord.id),
                                   func.max(EscalationRuleRecord.updated_at))).one()
    key = f"{url}|{stamp[0]}|{stamp[1]}"
    with _lock:
        if _cache.get("engine_key") == key:
            _cache["checked"] = (url, time.monotonic())
            return _cache["engine"]
    records = list(session.scalars(select(EscalationRuleRecord)))
    engine = Engine(parse_rules(_combined(records)))
    with _lock:
        _cache["engine_key"], _cache["engine"], _cache["checked"] = key, engine, (url, time.monotonic())
    return engine


def _recheck(session: Session) -> None:
    """This process applies a rule change at once: forget the last check now and after the commit."""
    with _lock:
        _cache.pop("checked", None)
    after_commit(session, lambda: _cache.pop("checked", None))


def list_rules(session: Session) -> list[RuleView]:
    """Shipped and admin rules with their enabled state, shipped first."""
    records = {r.rule_id: r for r in session.scalars(select(EscalationRuleRecord))}
    views = []
    for raw in _shipped_document()["rules"]:
        record = records.get(raw["id"])
        views.append(_view(raw, "shipped", record is None or record.enabled))
    views += [_view(r.definition, "custom", r.enabled) for r in records.values() if r.definition is not None]
    return views


def _view(raw: dict[str, Any], source: str, enabled: bool) -> RuleView:
    return RuleView(id=raw["id"], category=raw["category"], severity=raw["severity"], route_to=raw["route_to"],
                    respond_within=raw["respond_within"], source=source, enabled=enabled,
                    explanation=" ".join(str(raw["explanation"]).split()))


def parse_definition(text: str) -> dict[str, Any]:
    """A rule given as YAML or JSON text (one mapping, or a one-item list), or Invalid."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError:
        raise Invalid("the rule is not valid YAML or JSON") from None
    if isinstance(raw, list) and len(raw) == 1:
        raw = raw[0]
    if not isinstance(raw, dict):
        raise Invalid("a rule must be one mapping with id, category, severity, ... (see docs/escalation.md)")
    return raw


def add_rule(session: Session, *, definition: dict[str, Any], actor: Principal) -> RuleView:
    """Validate a rule with the shipped loader (together with every other rule) and store it."""
    records = list(session.scalars(select(EscalationRuleRecord)))
    rule_id = definition.get("id")
    if isinstance(rule_id, str) and any(r.rule_id == rule_id for r in records) or any(
            raw["id"] == rule_id for raw in _shipped_document()["rules"]):
        raise Conflict("a rule with this id exists; choose another id")
    try:
        parse_rules(_combined(records, definition))
    except RuleError as exc:
        raise Invalid("the rule is invalid", details=[ErrorDetail(location=["definition"], message=str(exc))]) from None
    now = utcnow()
    record = EscalationRuleRecord(rule_id=rule_id, definition=definition, enabled=True,
                                  created_by=actor.user_id, created_at=now, updated_at=now)
    session.add(record)
    session.flush()
    audit.record(session, actor, action="create", resource_type="EscalationRule", resource_id=rule_id)
    _recheck(session)
    return _view(definition, "custom", True)


def set_enabled(session: Session, *, rule_id: str, enabled: bool, actor: Principal) -> RuleView:
    """Enable or disable a shipped or admin rule."""
    record = session.scalar(select(EscalationRuleRecord).where(EscalationRuleRecord.rule_id == rule_id))
    shipped = next((raw for raw in _shipped_document()["rules"] if raw["id"] == rule_id), None)
    if record is None and shipped is None:
        raise NotFound("no rule with this id")
    if record is None:
        record = EscalationRuleRecord(rule_id=rule_id, definition=None, created_by=actor.user_id)
        session.add(record)
    record.enabled = enabled
    record.updated_at = utcnow()
    session.flush()
    audit.record(session, actor, action="update", resource_type="EscalationRule", resource_id=rule_id,
                 detail={"enabled": enabled})
    _recheck(session)
    return _view(record.definition or shipped, "custom" if record.definition else "shipped", enabled)
