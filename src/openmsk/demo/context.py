"""What each capability's demo hook receives to add its synthetic history to the demo clinic."""

import random
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from openmsk.careteam.models import Clinician
from openmsk.demo.generator import DemoMember
from openmsk.members.models import Member


@dataclass
class DemoContext:
    """The seeded clinic: a session in the seeding transaction, its people, and a seeded RNG per hook."""

    session: Session
    today: date
    organization_id: str
    members: list[tuple[Member, DemoMember]]
    clinicians: dict[str, list[Clinician]]
    seed: int = 20261129
    notes: list[str] = field(default_factory=list)

    def rng(self, capability: str) -> random.Random:
        """A random generator of its own for each capability, so adding one never shifts another."""
        return random.Random(f"{self.seed}:{capability}")
