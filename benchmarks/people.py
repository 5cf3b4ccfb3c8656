"""A synthetic organisation as a participant CSV: the import benchmark's data, and a file to
try the command-line flow with (see the README's command-line section).

    .venv/bin/python benchmarks/people.py --rows 1500 --out people.csv [--seed 0] [--questions]

Without --questions the file has the standard columns only, so it imports into any cohort;
with it, it also answers the benchmark program's questions (focus, meeting_style,
confidence, goals).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
from pathlib import Path

TAGS = [f"topic {n}" for n in range(60)]
LANGUAGES = ["en", "de", "fr", "es", "pt", "ja", "zh", "sw"]
ZONES = ["Europe/Berlin", "Europe/London", "America/New_York", "Asia/Tokyo", "UTC"]
DEPARTMENTS = ["Engineering", "Product", "Sales", "Finance", "People", "Operations"]
FOCUS = ["career growth", "technical depth", "leadership"]
STYLES = ["structured", "casual", "walk and talk"]
QUESTION_COLUMNS = ("focus", "meeting_style", "confidence", "goals")


def synthetic_rows(n: int, seed: int, *, questions: bool = True) -> list[dict[str, str]]:
    """A reporting tree eight wide (each person's manager is an earlier row), every question
    answered for the enrolled; shuffled, so many managers come after their reports."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        depth = 0
        j = i
        while j:
            j = (j - 1) // 8
            depth += 1
        role = rng.choice(["mentor", "mentee", "mentee", "both", ""])
        row = {
            "email": f"person{i:06d}@bench.example.org",
            "first_name": f"First{i}",
            "last_name": f"Last{i}",
            "role": role,
            "department": rng.choice(DEPARTMENTS),
            "job_title": "Engineer",
            "seniority": str(max(1, 10 - 2 * depth)),
            "manager_email": f"person{(i - 1) // 8:06d}@bench.example.org" if i else "",
            "expertise": ";".join(rng.sample(TAGS, 3)),
            "interests": ";".join(rng.sample(TAGS, 2)),
            "languages": ";".join(rng.sample(LANGUAGES, 2)),
            "timezone": rng.choice(ZONES),
            "location": "Somewhere",
            "capacity": str(rng.randint(1, 3)) if role in ("mentor", "both") else "",
            "bio": "A synthetic person for the benchmark.",
            "focus": rng.choice(FOCUS) if role else "",
            "meeting_style": ";".join(rng.sample(STYLES, rng.randint(1, 2))) if role else "",
            "confidence": str(rng.randint(1, 5)) if role else "",
            "goals": "Learn something new." if role else "",
        }
        if not questions:
            for column in QUESTION_COLUMNS:
                del row[column]
        rows.append(row)
    rng.shuffle(rows)
    return rows


def as_csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--questions", action="store_true", help="Add the benchmark program's question columns."
    )
    args = parser.parse_args()
    args.out.write_bytes(as_csv(synthetic_rows(args.rows, args.seed, questions=args.questions)))
    print(f"Wrote {args.rows:,} people to {args.out}.")


if __name__ == "__main__":
    main()
