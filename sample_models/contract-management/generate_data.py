"""Sample contract requests of an industrial company, one JSON case file per line (contracts.jsonl).

Standard library only, fixed seed: `python generate_data.py` writes the same file every time;
`python generate_data.py --count 1000 --seed 3 --out more.jsonl` makes another sample.

Every figure below is an ASSUMPTION of this sample (the case gives no volumes): the mix of
contract types, their values, terms and notice periods, how often personal data is processed,
the counterparties' countries and the governing law. The README lists them with the simulation
inputs they feed. Each record is the case file a Contract case starts with: the request, empty
version and decision logs, and an empty review outcome, approval sheet and renewal decision.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import date, timedelta
from pathlib import Path

# type: (share, median value EUR over a term, lognormal sigma, terms in months, notice periods in
# days, probability that the counterparty processes personal data)
TYPES = {
    "supply": (0.25, 150_000, 1.0, [12, 24, 36], [60, 90, 180], 0.02),
    "services": (0.25, 120_000, 1.1, [12, 24, 36], [30, 60, 90], 0.40),
    "software_licence": (0.15, 60_000, 1.0, [12, 36], [60, 90], 0.60),
    "nda": (0.15, 0, 0.0, [24, 36], [30], 0.05),
    "consulting": (0.08, 50_000, 0.8, [6, 12], [30], 0.20),
    "distribution": (0.05, 400_000, 0.9, [24, 36], [180], 0.05),
    "lease": (0.07, 80_000, 0.7, [36, 48, 60], [90], 0.0),
}

COUNTRIES = {
    "FR": 0.70,
    "DE": 0.08,
    "IT": 0.05,
    "ES": 0.04,
    "NL": 0.04,
    "GB": 0.04,
    "CH": 0.02,
    "US": 0.03,
}
LAW_OF = {
    "FR": "FR",
    "DE": "DE",
    "IT": "IT",
    "ES": "ES",
    "NL": "NL",
    "GB": "UK",
    "CH": "CH",
    "US": "US-NY",
}

SUFFIX = {
    "FR": "SAS",
    "DE": "GmbH",
    "IT": "S.r.l.",
    "ES": "S.L.",
    "NL": "B.V.",
    "GB": "Ltd",
    "CH": "AG",
    "US": "Inc.",
}
STEMS = [
    "Polyfilm",
    "Talentia",
    "Kessler",
    "Altiplan",
    "Nordica",
    "Vallet",
    "Caron",
    "Meridia",
    "Soltex",
    "Brightline",
    "Orbis",
    "Castel",
    "Helio",
    "Verdana",
    "Lumen",
    "Atlas",
    "Quadra",
    "Sigma Ingénierie",
    "Rhône Logistique",
    "Ferrand",
    "Delta Conseil",
    "Arbor",
    "Novalis",
]
ACTIVITY = {
    "supply": ["Industries", "Matériaux", "Components", "Plastics", "Steel"],
    "services": ["Services", "Facility", "Maintenance", "Cleaning", "Security"],
    "software_licence": ["Software", "Cloud", "Systems", "Digital"],
    "nda": ["Technologies", "Research", "Innovation", "Labs"],
    "consulting": ["Conseil", "Partners", "Consulting", "Advisory"],
    "distribution": ["Distribution", "Trading", "Vertrieb", "Export"],
    "lease": ["Leasing", "Equipment Finance", "Rent"],
}
TITLES = {
    "supply": [
        "Supply of packaging film",
        "Supply of steel coils",
        "Supply of electronic components",
        "Supply of industrial lubricants",
        "Supply of spare parts for line {n}",
    ],
    "services": [
        "Maintenance of the production lines",
        "Cleaning of the head office",
        "Security of the warehouses",
        "Facility management of site {n}",
        "Canteen services",
    ],
    "software_licence": [
        "HR information system (SaaS)",
        "Maintenance planning software",
        "Document management platform",
        "CAD licences for engineering",
        "Expense management app",
    ],
    "nda": [
        "Mutual NDA for the joint development project",
        "NDA for the supplier audit",
        "NDA for the acquisition study",
        "NDA for the pilot of the new process",
    ],
    "consulting": [
        "Lean manufacturing consulting",
        "Energy audit of the plants",
        "Cybersecurity assessment",
        "Support for the ERP migration",
    ],
    "distribution": ["Exclusive distribution in {c}", "Non-exclusive distribution in {c}"],
    "lease": ["Lease of forklifts", "Lease of the vehicle fleet", "Lease of printers and copiers"],
}
DEPARTMENTS = {
    "supply": ["Purchasing"],
    "services": ["General services", "Operations", "Purchasing"],
    "software_licence": ["IT", "Human resources", "Finance"],
    "nda": ["Research", "Strategy"],
    "consulting": ["Operations", "IT", "Finance"],
    "distribution": ["Export sales"],
    "lease": ["General services", "Logistics"],
}
OWNERS = [
    "Hélène Rivière",
    "Marc Blanc",
    "Nicolas Girard",
    "Sandrine Faure",
    "Karim Mercier",
    "Patrick Henry",
    "Claire Fontaine",
    "Olivier Roux",
    "Aurélie Dubois",
    "Yannick Morel",
    "Fatima Benali",
    "Luc Garnier",
    "Inès Lambert",
    "Bruno Chevalier",
]
COUNTRY_NAMES = {
    "FR": "France",
    "DE": "Germany and Austria",
    "IT": "Italy",
    "ES": "Spain",
    "NL": "the Benelux",
    "GB": "the United Kingdom",
    "CH": "Switzerland",
    "US": "North America",
}


def pick(rng: random.Random, weights: dict) -> object:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def record(rng: random.Random, number: int, requested: date) -> dict:
    kind = pick(rng, {t: spec[0] for t, spec in TYPES.items()})
    _, median, sigma, terms, notices, data_share = TYPES[kind]
    country = pick(rng, COUNTRIES)
    if kind == "distribution":
        country = rng.choice([c for c in COUNTRIES if c != "FR"])
    law = "FR" if country == "FR" or rng.random() < 0.5 else LAW_OF[country]
    value = 0 if median == 0 else round(rng.lognormvariate(0, sigma) * median, -2)
    name = f"{rng.choice(STEMS)} {rng.choice(ACTIVITY[kind])} {SUFFIX[country]}"
    title = rng.choice(TITLES[kind]).format(n=rng.randint(1, 6), c=COUNTRY_NAMES[country])
    return {
        "contract": {
            "id": f"CTR-{requested.year}-{number:04d}",
            "title": title,
            "type": kind,
            "counterparty": {
                "name": name,
                "country": country,
                "size": pick(rng, {"small": 0.3, "medium": 0.45, "large": 0.25}),
            },
            "value": value,
            "term_months": rng.choice(terms),
            "notice_days": rng.choice(notices),
            "personal_data": rng.random() < data_share,
            "governing_law": law,
            "business_owner": {
                "name": rng.choice(OWNERS),
                "department": rng.choice(DEPARTMENTS[kind]),
            },
            "requested": requested.isoformat(),
            "renewals": 0,
        },
        "versions": [],
        "decisions": [],
        "legal_review": None,
        "legal_approval": None,
        "finance_approval": None,
        "management_approval": None,
        "privacy_approval": None,
        "renewal_decision": None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=240)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("contracts.jsonl"))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    requested = date(2026, 1, 5)
    lines = []
    for number in range(1, args.count + 1):
        requested += timedelta(days=round(rng.expovariate(1 / 0.75)))  # about 40 a month
        lines.append(json.dumps(record(rng, number, requested), ensure_ascii=False))
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{args.count} contract requests written to {args.out}")


if __name__ == "__main__":
    main()
