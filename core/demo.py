"""A believable demo organisation, generated deterministically (same seed, same people).

The rows use the participant-import columns, so the demo data enters the database through the
same path as a coordinator's CSV.
"""

from __future__ import annotations

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


DEMO_LOGINS = [
    DemoLogin(f"admin@{DEMO_DOMAIN}", "site admin"),
    DemoLogin(f"coordinator@{DEMO_DOMAIN}", "program coordinator"),
    DemoLogin(f"mentor@{DEMO_DOMAIN}", "mentor"),
    DemoLogin(f"mentee@{DEMO_DOMAIN}", "mentee"),
    DemoLogin(f"hr@{DEMO_DOMAIN}", "HR viewer"),
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
    named = iter(login.email for login in DEMO_LOGINS[1:])
    while len(rows) < size:
        for head in heads:
            lead = person(head["department"], rng.randint(5, 7), head, next(named, None))
            for _ in range(rng.randint(3, 6)):
                if len(rows) >= size:
                    break
                person(head["department"], rng.randint(1, 4), lead, next(named, None))
            if len(rows) >= size:
                break
    return rows
