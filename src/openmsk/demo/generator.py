"""A deterministic generator of a synthetic demo clinic: no real person is in it."""

import random
from dataclasses import dataclass
from datetime import date, timedelta

GIVEN = ["Avery", "Jordan", "Riley", "Casey", "Morgan", "Taylor", "Jamie", "Quinn", "Rowan", "Sage",
         "Alex", "Devon", "Emerson", "Finley", "Harper", "Kai", "Logan", "Marlow", "Noel", "Parker",
         "Reese", "Skyler", "Tatum", "Wren", "Blair", "Cameron", "Dakota", "Ellis", "Hayden", "Lane"]
FAMILY = ["Abara", "Becker", "Castillo", "Dubois", "Eriksen", "Fontaine", "Gallo", "Haddad", "Ibarra",
          "Jensen", "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov", "Quintero",
          "Rossi", "Sato", "Tanaka", "Umar", "Varga", "Weber", "Xu", "Yilmaz", "Zamora"]
ZONES = [("America/New_York", "NY"), ("America/Chicago", "IL"), ("America/Denver", "CO"),
         ("America/Los_Angeles", "CA"), ("America/Phoenix", "AZ")]
ROLES = ["physical_therapist", "health_coach", "physician", "nutritionist", "behavioral_health"]


@dataclass(frozen=True)
class DemoClinician:
    """A synthetic clinician."""

    key: str
    display_name: str
    role: str
    team: str


@dataclass(frozen=True)
class DemoMember:
    """A synthetic member with a program start a few weeks back."""

    key: str
    given_name: str
    family_name: str
    birth_date: date
    sex: str
    timezone: str
    state: str
    program_start: date
    status: str
    extra_roles: tuple[str, ...]


def clinicians() -> list[DemoClinician]:
    """Care team A has one clinician per role; team B a physical therapist and a health coach."""
    names = {"physical_therapist": "Dana Reyes, PT", "health_coach": "Sam Okoye", "physician": "Dr. Lee Park",
             "nutritionist": "Mia Costa, RD", "behavioral_health": "Dr. Noor Haddad"}
    team_a = [DemoClinician(f"a-{r}", names[r], r, "A") for r in ROLES]
    team_b = [DemoClinician("b-physical_therapist", "Chris Novak, DPT", "physical_therapist", "B"),
              DemoClinician("b-health_coach", "Robin Ade", "health_coach", "B")]
    return team_a + team_b


def members(today: date, n: int = 50, seed: int = 20261129) -> list[DemoMember]:
    """`n` synthetic members enrolled over the last ten weeks, the same for the same seed and day."""
    rng = random.Random(seed)
    result = []
    for i in range(n):
        zone, state = rng.choice(ZONES)
        weeks_in = rng.randint(0, 10)
        status = "active"
        if weeks_in >= 8 and rng.random() < 0.3:
            status = "paused"
        extra = tuple(r for r, p in (("behavioral_health", 0.25), ("nutritionist", 0.3), ("physician", 0.15))
                      if rng.random() < p)
        result.append(DemoMember(
            key=f"m{i:03d}", given_name=rng.choice(GIVEN), family_name=rng.choice(FAMILY),
            birth_date=today - timedelta(days=rng.randint(24 * 365, 68 * 365)),
            sex=rng.choice(["female", "male", "female", "male", "other"]), timezone=zone, state=state,
            program_start=today - timedelta(weeks=weeks_in, days=rng.randint(0, 6)),
            status=status, extra_roles=extra,
        ))
    return result
