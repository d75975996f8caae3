"""Run the real rules, policy and outbox over a scripted member history with an hourly clock."""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from openmsk.coaching.care_rules import evaluate_rules
from openmsk.coaching.kinds import COACH_HANDOFF, COACH_TASK_CHANNEL
from openmsk.coaching.localtime import start_of_local_day, to_local
from openmsk.coaching.outbox import Outbox, OutboxEntry, due_for_sending, mark_sent, record_pending
from openmsk.coaching.policy import decide
from openmsk.coaching.scenario import Scenario, ScenarioEvent
from openmsk.coaching.sim_state import MemberState, scripted_events
from openmsk.coaching.snapshot import SentNudgeRecord

TICK = timedelta(hours=1)


@dataclass(frozen=True)
class SentNudge:
    """A nudge (or coach hand-off) the simulation delivered."""

    at: datetime
    local_time: datetime
    kind: str
    channel: str
    reason: str
    episode: str
    key: str

    def to_json(self) -> dict[str, str]:
        """The CLI's JSON shape."""
        return {
            "at": self.at.isoformat().replace("+00:00", "Z"),
            "local_time": self.local_time.isoformat(),
            "kind": self.kind,
            "channel": self.channel,
            "reason": self.reason,
        }


def simulation_window(scenario: Scenario) -> tuple[datetime, datetime]:
    """UTC instants of local midnight on the start date and weeks*7 local days later."""
    first = start_of_local_day(scenario.start, scenario.timezone)
    last = start_of_local_day(scenario.start + timedelta(days=7 * scenario.weeks), scenario.timezone)
    return first, last


def _deliver(outbox: Outbox, entry: OutboxEntry, now: datetime) -> Outbox:
    outbox = record_pending(outbox, entry)
    for due in due_for_sending(outbox, now):
        outbox = mark_sent(outbox, due.key, now)  # the simulated channel always accepts
    return outbox


def simulate(scenario: Scenario) -> list[SentNudge]:
    """Every nudge and coach hand-off the engine would send over the scenario, in order."""
    begin, end = simulation_window(scenario)
    events: list[ScenarioEvent] = sorted(scripted_events(scenario, begin, end), key=lambda e: e.at)
    state = MemberState(scenario, begin)
    outbox = Outbox()
    sent: list[SentNudge] = []
    next_event = 0
    now = begin
    while now < end:
        while next_event < len(events) and events[next_event].at <= now:
            state.apply(events[next_event])
            next_event += 1
        snap = state.snapshot(now)
        decision = decide(evaluate_rules(snap, now, scenario.rules), snap, state.preferences, now, scenario.policy)
        local = to_local(now, scenario.timezone)
        for handoff in decision.handoffs:
            entry = OutboxEntry(handoff.key, scenario.member_id, COACH_HANDOFF, COACH_TASK_CHANNEL, now)
            outbox = _deliver(outbox, entry, now)
            state.history.append(SentNudgeRecord(COACH_HANDOFF, handoff.episode, now, COACH_TASK_CHANNEL))
            sent.append(SentNudge(now, local, COACH_HANDOFF, COACH_TASK_CHANNEL, handoff.reason, handoff.episode,
                                  handoff.key))
        if decision.send is not None:
            chosen = decision.send
            kind = chosen.candidate.kind.value
            outbox = _deliver(outbox, OutboxEntry(chosen.key, scenario.member_id, kind, chosen.channel, now), now)
            record = SentNudgeRecord(kind, chosen.candidate.episode, now, chosen.channel)
            if scenario.behaviour.nudges == "open":
                record = replace(record, responded_at=now + timedelta(hours=scenario.behaviour.response_delay_hours))
            state.history.append(record)
            sent.append(SentNudge(now, local, kind, chosen.channel, chosen.candidate.reason,
                                  chosen.candidate.episode, chosen.key))
        now += TICK
    return sent

