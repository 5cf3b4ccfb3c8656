"""A believable demo organisation, generated deterministically (same seed, same people).

The rows use the participant-import columns, so the demo data enters the database through the
same path as a coordinator's CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass

DEMO_PASSWORD = "mentoring-demo-2026"  # noqa: S105 - printed for the local demo only
DEMO_DOMAIN = "demo.example.org"

FIRST_NAMES = [
    "Ada",
    "Amara",
    "Ana",
    "Anders",
    "Aroha",
    "Ayesha",
    "Bea",
    "Bilal",
    "Bruno",
    "Camila",
    "Carlos",
    "Chen",
    "Chiara",
    "Dara",
    "Dev",
    "Diego",
    "Elif",
    "Emeka",
    "Emma",
    "Farah",
    "Felix",
    "Fatima",
    "Grace",
    "Hana",
    "Hugo",
    "Ines",
    "Ivan",
    "Jamal",
    "Jana",
    "Jin",
    "Joao",
    "Kai",
    "Keiko",
    "Lars",
    "Lea",
    "Leila",
    "Liam",
    "Lucia",
    "Maya",
    "Mei",
    "Mateo",
    "Nadia",
    "Naledi",
    "Nikhil",
    "Noor",
    "Olu",
    "Omar",
    "Pia",
    "Priya",
    "Rafael",
    "Rosa",
    "Sami",
    "Sara",
    "Sofia",
    "Tariq",
    "Thandi",
    "Tomas",
    "Uma",
    "Vera",
    "Wei",
    "Yara",
    "Yusuf",
    "Zoe",
    "Zainab",
]
LAST_NAMES = [
    "Abebe",
    "Adeyemi",
    "Ahmed",
    "Alvarez",
    "Andersen",
    "Bauer",
    "Bianchi",
    "Chen",
    "Costa",
    "Da",
    "Silva",
    "Dubois",
    "Eriksen",
    "Fernandez",
    "Fischer",
    "Garcia",
    "Gupta",
    "Haddad",
    "Hansen",
    "Hoffmann",
    "Ito",
    "Jensen",
    "Kim",
    "Kowalski",
    "Kumar",
    "Larsen",
    "Lopez",
    "Mensah",
    "Moreau",
    "Muller",
    "Nakamura",
    "Nguyen",
    "Novak",
    "Okafor",
    "Oliveira",
    "Park",
    "Patel",
    "Rossi",
    "Santos",
    "Schmidt",
    "Silva",
    "Singh",
    "Suzuki",
    "Tanaka",
    "Van",
    "Dijk",
    "Wagner",
    "Wang",
    "Yilmaz",
    "Zhang",
]
DEPARTMENTS = {
    "Engineering": ("Software Engineer", ["python", "architecture", "testing", "cloud"]),
    "Product": ("Product Manager", ["product strategy", "user research", "roadmapping"]),
    "Sales": ("Account Executive", ["negotiation", "public speaking", "customer success"]),
    "Finance": ("Financial Analyst", ["budgeting", "forecasting", "stakeholder management"]),
    "People": ("People Partner", ["coaching", "hiring", "career development"]),
    "Operations": ("Operations Specialist", ["process design", "project management", "data"]),
}
SHARED_TAGS = ["leadership", "career development", "public speaking", "time management"]
LOCATIONS = [
    ("Berlin", "Europe/Berlin", ["de", "en"]),
    ("London", "Europe/London", ["en"]),
    ("Lisbon", "Europe/Lisbon", ["pt", "en"]),
    ("New York", "America/New_York", ["en", "es"]),
    ("Toronto", "America/Toronto", ["en", "fr"]),
    ("Nairobi", "Africa/Nairobi", ["en", "sw"]),
    ("Singapore", "Asia/Singapore", ["en", "zh"]),
    ("Tokyo", "Asia/Tokyo", ["ja", "en"]),
]
SENIOR_TITLES = {10: "Chief Executive", 9: "Vice President", 8: "Director", 7: "Head of"}


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str


COORDINATOR_EMAIL = f"coordinator@{DEMO_DOMAIN}"
MENTOR_EMAIL = f"mentor@{DEMO_DOMAIN}"
MENTEE_EMAIL = f"mentee@{DEMO_DOMAIN}"
HR_EMAIL = f"hr@{DEMO_DOMAIN}"
DEMO_LOGINS = [
    DemoLogin(f"admin@{DEMO_DOMAIN}", "site admin"),
    DemoLogin(COORDINATOR_EMAIL, "program coordinator"),
    DemoLogin(MENTOR_EMAIL, "mentor"),
    DemoLogin(MENTEE_EMAIL, "mentee"),
    DemoLogin(HR_EMAIL, "HR viewer"),
]


def demo_login_lines() -> list[str]:
    return [f"Demo logins (password for all: {DEMO_PASSWORD})"] + [
        f"  {login.role:<20} {login.email}" for login in DEMO_LOGINS
    ]


def organisation_rows(size: int = 150, seed: int = 2026) -> list[dict[str, str]]:
    """People with a reporting tree: a CEO, department heads, managers and their teams.

    Managers always come before their reports, so the rows can be imported in order.
    """
    rng = random.Random(seed)
    rows: list[dict[str, str]] = []
    used: set[str] = set()

    def person(department: str, seniority: int, manager: dict[str, str] | None, email=None):
        while True:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            address = email or f"{first}.{last}".lower().replace(" ", "") + f"@{DEMO_DOMAIN}"
            if address not in used:
                break
        used.add(address)
        location, tz, languages = rng.choice(LOCATIONS)
        title, tags = DEPARTMENTS.get(department, ("Chief Executive", SHARED_TAGS))
        if seniority in SENIOR_TITLES:
            title = f"{SENIOR_TITLES[seniority]} {department}".strip()
        elif seniority >= 5:
            title = f"Senior {title}"
        row = {
            "email": address,
            "first_name": first,
            "last_name": last,
            "department": department,
            "job_title": title,
            "seniority": str(seniority),
            "manager_email": manager["email"] if manager else "",
            "timezone": tz,
            "languages": ";".join(languages),
            "location": location,
            "bio": f"{title} in {location}.",
            "expertise": ";".join(rng.sample(tags + SHARED_TAGS, 3)),
            "interests": ";".join(rng.sample(tags + SHARED_TAGS, 2)),
        }
        rows.append(row)
        return row

    ceo = person("Executive", 10, None)
    heads = [person(name, 8, ceo) for name in DEPARTMENTS]
    # The coordinator and the demo mentor lead teams; the demo mentee and HR are in one.
    named_leads = iter([COORDINATOR_EMAIL, MENTOR_EMAIL])
    named_staff = iter([MENTEE_EMAIL, HR_EMAIL])
    while len(rows) < size:
        for head in heads:
            lead = person(head["department"], rng.randint(5, 7), head, next(named_leads, None))
            for _ in range(rng.randint(3, 6)):
                if len(rows) >= size:
                    break
                person(head["department"], rng.randint(1, 4), lead, next(named_staff, None))
            if len(rows) >= size:
                break
    return rows


# --- Programs and cohorts, filled through the participant import ------------------------------


@dataclass(frozen=True)
class DemoQuestion:
    slug: str
    text: str
    kind: str
    choices: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class DemoProgram:
    slug: str
    name: str
    format: str
    enrolment: str
    description: str
    questions: tuple[DemoQuestion, ...] = ()


@dataclass(frozen=True)
class DemoCohort:
    program: str  # the program's slug
    slug: str
    name: str
    status: str
    start: dt.date
    end: dt.date
    opens: dt.date
    closes: dt.date
    mentors: int = 0
    mentees: int = 0
    peers: int = 0  # enrolled as "both"


DEMO_PROGRAMS = [
    DemoProgram(
        slug="engineering-leadership",
        name="Engineering Leadership",
        format="one_to_one",
        enrolment="invite_only",
        description="Experienced leaders mentor engineers who are growing into leadership.",
        questions=(
            DemoQuestion(
                "focus",
                "What do you most want to work on?",
                "single",
                ("career growth", "technical depth", "leadership"),
                required=True,
            ),
            DemoQuestion(
                "meeting_style",
                "How do you like to meet?",
                "multiple",
                ("structured", "casual", "walk and talk"),
            ),
        ),
    ),
    DemoProgram(
        slug="peer-learning-circles",
        name="Peer Learning Circles",
        format="peer",
        enrolment="open",
        description="Colleagues pair up across departments to learn from each other.",
    ),
    DemoProgram(
        slug="speed-mentoring",
        name="Speed Mentoring",
        format="flash",
        enrolment="invite_only",
        description=(
            "One afternoon of short conversations in rounds: meet several mentors in an hour, "
            "then choose whom to continue with."
        ),
    ),
]


def demo_cohorts(today: dt.date) -> list[DemoCohort]:
    """The demo cohorts, dated around today so an active cohort is always mid-way."""
    day = dt.timedelta(days=1)
    active_start = today - 61 * day
    # The upcoming cohorts keep their seasons, or move a month ahead once those have passed.
    spring = max(dt.date(2027, 3, 1), today + 30 * day)
    circles = max(dt.date(2027, 1, 11), today + 30 * day)
    return [
        DemoCohort(
            "engineering-leadership",
            "spring-2027",
            "Spring 2027",
            "enrolling",
            start=spring,
            end=spring + 183 * day,
            opens=min(today, spring - 30 * day),
            closes=spring - 7 * day,
            mentors=20,
            mentees=40,
        ),
        DemoCohort(
            "engineering-leadership",
            "autumn-2026",
            "Autumn 2026",
            "active",
            start=active_start,
            end=today + 122 * day,
            opens=active_start - 42 * day,
            closes=active_start - 14 * day,
            mentors=20,
            mentees=40,
        ),
        DemoCohort(
            "peer-learning-circles",
            "circles-2027",
            "Circles 2027",
            "enrolling",
            start=circles,
            end=circles + 170 * day,
            opens=min(today, circles - 30 * day),
            closes=circles - 7 * day,
            peers=16,
        ),
        # A flash event under way today: some rounds held, the rest still to come.
        DemoCohort(
            "speed-mentoring",
            "speed-mentoring-today",
            "Speed mentoring afternoon",
            "active",
            start=today,
            end=today,
            opens=today - 21 * day,
            closes=today - day,
            mentors=8,
            mentees=14,
            peers=4,
        ),
    ]


def cohort_rows(
    people: list[dict[str, str]], cohort: DemoCohort, questions: tuple[DemoQuestion, ...]
) -> list[dict[str, str]]:
    """Import rows for everyone: the cohort's participants with a role, the rest without one.

    Deterministic: the same people and cohort give the same roles, capacities and answers.
    """
    rng = random.Random(f"{cohort.slug}:2026")
    # The coordinator runs the programs and HR only watches; neither takes part.
    pool = [p for p in people if p["email"] not in (COORDINATOR_EMAIL, HR_EMAIL)]
    roles: dict[str, str] = {}
    if cohort.peers:
        roles = {p["email"]: "both" for p in rng.sample(pool, cohort.peers)}
    if cohort.mentors:
        named = (MENTOR_EMAIL, MENTEE_EMAIL)
        senior = [p for p in pool if int(p["seniority"]) >= 4 and p["email"] not in named]
        roles[MENTOR_EMAIL] = "mentor"
        roles |= {p["email"]: "mentor" for p in rng.sample(senior, cohort.mentors - 1)}
        junior = [
            p
            for p in pool
            if int(p["seniority"]) <= 4 and p["email"] not in roles and p["email"] not in named
        ]
        roles[MENTEE_EMAIL] = "mentee"
        roles |= {p["email"]: "mentee" for p in rng.sample(junior, cohort.mentees - 1)}

    rows = []
    for person in people:
        role = roles.get(person["email"], "")
        row = person | {"role": role, "capacity": "", "expertise": "", "interests": ""}
        if role in ("mentor", "both"):
            row["expertise"] = person["expertise"]
            row["capacity"] = str(rng.randint(1, 3)) if role == "mentor" else ""
        if role in ("mentee", "both"):
            row["interests"] = person["interests"]
        for question in questions:
            row[question.slug] = _demo_answer(rng, question) if role else ""
        rows.append(row)
    return rows


def _demo_answer(rng: random.Random, question: DemoQuestion) -> str:
    if question.kind == "multiple":
        return ";".join(rng.sample(question.choices, rng.randint(1, 2)))
    return rng.choice(question.choices)


def as_csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()
