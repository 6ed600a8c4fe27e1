"""Sample incoming mail for the mail-distribution project (stdlib only, fixed seed).

    python generate_data.py                 # writes mail.jsonl (600 records)
    python generate_data.py --count 5000 --seed 3 --out more.jsonl

Each record is one piece of incoming mail as the mail room registers it: channel, sender, the
addressee as written on the envelope, how well that addressee matches the firm's directory, the
marking on the envelope, the page count and, when the match is exact, the directory entry of the
recipient.

What the generator draws (see README.md, "Where the figures come from"):
- 80 % of the mail names a person the directory finds at once (match "exact"): the stated fact
  of the case;
- the other 20 % is split (an ASSUMPTION) between a name that needs a search (misspelt, maiden
  name, left the firm: "partial", 9 %), a department (6 %), a role (3 %) and the firm alone (2 %);
- channels, senders, markings and page counts are ASSUMED, for realism only: no figure of the
  simulation depends on them.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

FIRST_NAMES = [
    "Claire", "Thomas", "Sophie", "Nicolas", "Camille", "Julien", "Léa", "Antoine", "Manon",
    "Hugo", "Inès", "Mathieu", "Sarah", "Alexandre", "Chloé", "Pierre", "Émilie", "Karim",
    "Laura", "Olivier", "Nadia", "François", "Amélie", "Romain", "Yasmine", "Vincent",
]  # fmt: skip
LAST_NAMES = [
    "Dubois", "Martin", "Bernard", "Lefèvre", "Moreau", "Laurent", "Garnier", "Rousseau",
    "Fontaine", "Chevalier", "Benali", "Girard", "Mercier", "Blanc", "Faure", "Haddad",
    "Lambert", "Bonnet", "Marchand", "Perrin", "Morel", "Nguyen", "Roussel", "Gauthier",
]  # fmt: skip
DEPARTMENTS = [
    ("Tax", 3), ("Corporate law", 4), ("Employment law", 4), ("Audit", 5), ("Litigation", 6),
    ("Mergers and acquisitions", 6), ("Real estate", 7), ("Intellectual property", 7),
    ("Restructuring", 8), ("Human resources", 2), ("Finance", 2), ("IT", 1),
]  # fmt: skip
ROLES = [
    "Head of Tax", "Managing Partner", "Data Protection Officer", "Head of Human Resources",
    "Chief Financial Officer", "Head of Litigation", "Legal Secretary", "Compliance Officer",
]  # fmt: skip
SENDERS = [
    ("Tribunal judiciaire de Paris", "court", None),
    ("Cour d'appel de Versailles", "court", None),
    ("Direction générale des Finances publiques", "tax administration", None),
    ("URSSAF Île-de-France", "administration", None),
    ("INPI", "administration", "+33 1 56 65 89 98"),
    ("BNP Paribas", "bank", "+33 1 40 14 45 46"),
    ("Société Générale", "bank", "+33 1 42 14 20 00"),
    ("Groupe Alpha Industries", "client", "+33 4 72 10 20 30"),
    ("Horizon Immobilier", "client", "+33 1 53 00 11 22"),
    ("Verdier & Fils SAS", "client", "+33 5 56 44 12 90"),
    ("Maison Lenoir", "client", "+33 3 88 21 43 65"),
    ("Nova Biotech", "client", "+33 4 91 55 60 70"),
    ("Cabinet Roche Avocats", "law firm", "+33 1 47 20 30 40"),
    ("Office notarial Caron", "notary", "+33 1 45 22 11 00"),
    ("Fournitures Delacroix", "supplier", "+33 1 64 10 22 33"),
    ("A private individual", "individual", None),
]  # fmt: skip

# addressee kinds: "exact" is the stated 80 %; the split of the other 20 % is ASSUMED
ADDRESSEES = [
    ("exact", 0.80),
    ("partial", 0.09),
    ("department", 0.06),
    ("role", 0.03),
    ("firm", 0.02),
]
CHANNELS = [("post", 0.78), ("registered post", 0.10), ("courier", 0.08), ("hand-delivered", 0.04)]

STAFF_SIZE = 900


def weighted(rng: random.Random, table: list[tuple[str, float]]) -> str:
    roll, total = rng.random(), 0.0
    for value, share in table:
        total += share
        if roll < total:
            return value
    return table[-1][0]


def directory(rng: random.Random) -> list[dict]:
    """A firm directory: employees with department, floor and the floor's assistant."""
    people = []
    for number in range(1, STAFF_SIZE + 1):
        department, floor = rng.choice(DEPARTMENTS)
        people.append(
            {
                "employee_id": f"E{number:04d}",
                "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                "department": department,
                "floor": floor,
                "assistant": f"Assistant, floor {floor}",
            }
        )
    return people


def misspelt(name: str, rng: random.Random) -> str:
    first, last = name.split(" ", 1)
    variants = [
        f"{first[0]}. {last}",
        f"{first} {last[:-1]}",
        f"{first} {last}-{rng.choice(LAST_NAMES)}",
        f"{rng.choice(FIRST_NAMES)} {last}",
    ]
    return rng.choice(variants)


def record(number: int, people: list[dict], rng: random.Random) -> dict:
    kind = weighted(rng, ADDRESSEES)
    channel = weighted(rng, CHANNELS)
    sender, sender_kind, phone = rng.choice(SENDERS)
    person = rng.choice(people)
    recipient = None
    if kind == "exact":
        written, match, addressee_kind, recipient = person["name"], "exact", "person", person
        if rng.random() < 0.3:
            written = (
                f"Maître {written}"
                if sender_kind in ("court", "law firm", "notary")
                else f"M./Mme {written}"
            )
    elif kind == "partial":
        written, match, addressee_kind = misspelt(person["name"], rng), "partial", "person"
    elif kind == "department":
        department, _ = rng.choice(DEPARTMENTS)
        written, match, addressee_kind = f"Département {department}", "none", "department"
    elif kind == "role":
        written, match, addressee_kind = rng.choice(ROLES), "none", "role"
    else:
        written, match, addressee_kind = "Madame, Monsieur", "none", "firm"
    if channel == "registered post":
        marking = "registered"
    elif rng.random() < (0.25 if sender_kind in ("court", "tax administration", "bank") else 0.08):
        marking = "personal and confidential"
    else:
        marking = "none"
    return {
        "mail": {
            "id": f"M-{number:06d}",
            "channel": channel,
            "sender": {"name": sender, "kind": sender_kind, "phone": phone},
            "addressee": {"written": written, "kind": addressee_kind, "match": match},
            "marking": marking,
            "pages": max(1, int(rng.lognormvariate(1.0, 0.8))),
            "recipient": recipient,
        }
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=600)
    parser.add_argument("--seed", type=int, default=1986)
    parser.add_argument("--out", default=str(Path(__file__).with_name("mail.jsonl")))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    people = directory(rng)
    with open(args.out, "w", encoding="utf-8") as out:
        for number in range(1, args.count + 1):
            out.write(json.dumps(record(number, people, rng), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
