"""Sample customer requests of a life insurer, one JSON case file per line (requests.jsonl).

Standard library only, fixed seed: `python generate_data.py` writes the same file every time;
`python generate_data.py --count 2000 --seed 7 --out more.jsonl` makes another sample.

Every figure below is an ASSUMPTION of this sample (the case gives no volumes): the channel
mix, the share of requests typed at capture, the mix of request types and the amounts. The
README lists them with the simulation inputs they feed.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Channel mix of the platform, and the share of each channel typed at capture (the customer picks
# the type on the web form, the phone agent picks it, the mail room tags scanned letters, the
# contact form proposes subjects for e-mails). Untyped requests go to the intake clerk.
CHANNELS = {"web": 0.35, "email": 0.25, "letter": 0.25, "phone": 0.15}
TYPED_AT_CAPTURE = {"web": 1.0, "phone": 1.0, "letter": 0.90, "email": 0.60}

# Mix of request types (share of all requests).
TYPES = {
    "information": 0.14,
    "address_change": 0.11,
    "beneficiary_change": 0.06,
    "fund_switch": 0.10,
    "partial_surrender": 0.12,
    "full_surrender": 0.05,
    "premium_change": 0.08,
    "new_cover": 0.07,
    "cancellation": 0.04,
    "death_claim": 0.05,
    "disability_claim": 0.03,
    "employee_change": 0.10,
    "complaint": 0.05,
}

# Products a request of each type can concern (None: a prospect without a policy).
PRODUCTS = {
    "information": {
        "savings": 0.45,
        "retirement": 0.15,
        "term_life": 0.1,
        "loan_cover": 0.1,
        "group_pension": 0.1,
        None: 0.1,
    },
    "address_change": {
        "savings": 0.45,
        "retirement": 0.15,
        "term_life": 0.1,
        "loan_cover": 0.15,
        "group_pension": 0.1,
        "group_protection": 0.05,
    },
    "beneficiary_change": {"savings": 0.6, "retirement": 0.1, "term_life": 0.2, "loan_cover": 0.1},
    "fund_switch": {"savings": 0.8, "retirement": 0.2},
    "partial_surrender": {"savings": 0.85, "retirement": 0.1, "group_pension": 0.05},
    "full_surrender": {"savings": 0.9, "retirement": 0.05, "group_pension": 0.05},
    "premium_change": {"savings": 0.45, "retirement": 0.2, "term_life": 0.15, "loan_cover": 0.2},
    "new_cover": {None: 1.0},
    "cancellation": {"savings": 0.2, "term_life": 0.3, "loan_cover": 0.4, "retirement": 0.1},
    "death_claim": {"savings": 0.35, "term_life": 0.3, "loan_cover": 0.25, "group_protection": 0.1},
    "disability_claim": {"loan_cover": 0.6, "term_life": 0.2, "group_protection": 0.2},
    "employee_change": {"group_pension": 0.6, "group_protection": 0.4},
    "complaint": {
        "savings": 0.5,
        "retirement": 0.1,
        "term_life": 0.15,
        "loan_cover": 0.2,
        "group_pension": 0.05,
    },
}

PREFIX = {
    "savings": "AV",
    "retirement": "PER",
    "term_life": "PR",
    "loan_cover": "EM",
    "group_pension": "GP",
    "group_protection": "GX",
}

SUBJECTS = {
    "information": [
        "What is the current value of my policy?",
        "Please send me the annual statement again",
        "Which funds can I choose in my policy?",
        "How are the guaranteed returns computed this year?",
        "Question about the tax certificate for last year",
    ],
    "address_change": [
        "New postal address after moving house",
        "Please update my e-mail address and phone number",
        "Change of bank account for premium debits",
    ],
    "beneficiary_change": [
        "I want to change the beneficiary clause of my policy",
        "Add my partner as beneficiary",
        "New beneficiary clause after my divorce",
    ],
    "fund_switch": [
        "Switch part of my euro fund to the equity fund",
        "Move all units to the sustainable fund",
        "Rebalance my policy: 50 % euro fund, 50 % unit-linked",
    ],
    "partial_surrender": [
        "Partial surrender to finance a car",
        "I would like to withdraw part of my savings",
        "Partial surrender for my daughter's studies",
    ],
    "full_surrender": [
        "I want to close my policy and get the full value",
        "Full surrender of my life-insurance policy",
        "Close the policy, transfer to my bank account",
    ],
    "premium_change": [
        "Lower my monthly premium from next month",
        "Stop the scheduled payments for six months",
        "Raise my monthly payment by 100 EUR",
    ],
    "new_cover": [
        "Loan cover application for a mortgage",
        "Term life cover for my family",
        "Quote and application for borrower insurance",
    ],
    "cancellation": [
        "Please cancel my policy at its next anniversary",
        "I want to cancel my policy",
        "Cancellation within the cooling-off period",
    ],
    "death_claim": [
        "Death of the insured: settlement of the policy",
        "Notification of death and request for payment to the beneficiaries",
        "Estate of the late insured: please settle the benefit",
    ],
    "disability_claim": [
        "Claim for incapacity to work after an accident",
        "Disability claim: benefits under my cover",
        "Sick leave for more than 90 days, claim under my cover",
    ],
    "employee_change": [
        "Three new employees to enrol in the scheme",
        "Employees leaving at the end of the month",
        "Change of category for two employees",
    ],
    "complaint": [
        "Complaint: my surrender was paid late",
        "I disagree with the value shown on my statement",
        "Complaint about the refusal of my claim",
        "Nobody answers my e-mails about my policy",
    ],
}

UNTYPED_SUBJECTS = [
    "About my policy, see the attached letter",
    "Request concerning my contract",
    "Please see my letter",
    "Follow-up of my previous mail",
    "Question and request, details inside",
]

FIRST = [
    "Claire",
    "Julien",
    "Sophie",
    "Nicolas",
    "Isabelle",
    "Thomas",
    "Camille",
    "Pierre",
    "Nathalie",
    "Laurent",
    "Émilie",
    "Antoine",
    "Marie",
    "Olivier",
    "Sandrine",
    "François",
    "Céline",
    "Mathieu",
    "Hélène",
    "Karim",
    "Aurélie",
    "Yannick",
    "Fatima",
    "Luc",
    "Inès",
    "Bruno",
    "Anne",
    "Hugo",
    "Léa",
    "Patrick",
    "Sylvie",
    "Mehdi",
    "Chantal",
    "Marc",
]
LAST = [
    "Martin",
    "Bernard",
    "Dubois",
    "Moreau",
    "Laurent",
    "Lefèvre",
    "Roux",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "Nicolas",
    "Henry",
    "Roussel",
    "Mathieu",
]
EMPLOYERS = [
    "Nordwind Logistics SAS",
    "Boulangeries Artisanales du Centre",
    "Clinique Saint-Roch",
    "Atelier Mécanique Vallet",
    "Cabinet Durand & Associés",
    "Transports Lebrun",
    "Hôtel des Voyageurs",
    "Menuiserie Caron",
    "Pharmacie du Marché",
    "Groupe Altiplan",
]
NOTARIES = [
    "Maître Antoine Garnier",
    "Maître Hélène Rivière",
    "Maître Paul Sabatier",
    "Maître Chloé Marchand",
]

START = datetime(2026, 1, 5, tzinfo=UTC)


def pick(rng: random.Random, weights: dict) -> object:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def amount_for(rng: random.Random, request_type: str) -> float | None:
    """EUR at stake (lognormal around a typical value), or None."""
    if request_type == "partial_surrender":
        return round(min(150_000, max(500, rng.lognormvariate(9.0, 0.9))), -1)  # median ~8,100
    if request_type == "full_surrender":
        return round(min(600_000, max(2_000, rng.lognormvariate(10.5, 1.0))), -1)  # median ~36,000
    if request_type == "new_cover":
        return round(min(2_000_000, max(50_000, rng.lognormvariate(12.2, 0.7))), -3)  # ~200,000
    if request_type in ("death_claim", "disability_claim"):
        return round(min(800_000, max(3_000, rng.lognormvariate(10.8, 0.9))), -1)  # ~49,000
    return None


def person(rng: random.Random, kind: str) -> dict:
    if kind == "employer":
        return {"id": f"E{rng.randrange(10**6):07d}", "name": rng.choice(EMPLOYERS), "kind": kind}
    if kind == "notary":
        return {"id": f"N{rng.randrange(10**6):07d}", "name": rng.choice(NOTARIES), "kind": kind}
    return {
        "id": f"C{rng.randrange(10**7):07d}",
        "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        "birth_year": rng.randint(1938, 2002),
        "kind": kind,
    }


def documents(rng: random.Random, channel: str, request_type: str) -> list[str]:
    docs = {"email": ["email.eml"], "letter": ["letter.pdf"], "web": [], "phone": []}[channel]
    extra = {
        "partial_surrender": ["iban.pdf"],
        "full_surrender": ["iban.pdf", "id_card.pdf"],
        "beneficiary_change": ["beneficiary_clause.pdf"],
        "new_cover": ["health_questionnaire.pdf"],
        "death_claim": ["death_certificate.pdf"],
        "disability_claim": ["medical_certificate.pdf"],
        "employee_change": ["staff_list.xlsx"],
    }.get(request_type, [])
    return docs + [d for d in extra if rng.random() < 0.7]


def record(rng: random.Random, number: int, received: datetime) -> dict:
    request_type = pick(rng, TYPES)
    channel = pick(rng, CHANNELS)
    if request_type in ("death_claim",) and channel == "web":
        channel = "letter"  # death claims come from notaries and families, mostly on paper
    typed = rng.random() < TYPED_AT_CAPTURE[channel]
    product = pick(rng, PRODUCTS[request_type])
    kind = (
        "employer"
        if request_type == "employee_change"
        else "notary"
        if request_type == "death_claim" and rng.random() < 0.4
        else "beneficiary"
        if request_type == "death_claim"
        else "person"
    )
    policy = None
    if product is not None:
        since = START - timedelta(days=rng.randint(200, 9000))
        policy = {
            "number": f"{PREFIX[product]}-{rng.randrange(10**7):07d}",
            "product": product,
            "since": since.date().isoformat(),
        }
    subject = rng.choice(SUBJECTS[request_type]) if typed else rng.choice(UNTYPED_SUBJECTS)
    return {
        "request": {
            "id": f"REQ-2026-{number:06d}",
            "received": received.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "channel": channel,
            "language": pick(rng, {"fr": 0.86, "en": 0.06, "de": 0.04, "nl": 0.04}),
            "customer": person(rng, kind),
            "policy": policy,
            "subject": subject,
            "amount": amount_for(rng, request_type),
            "documents": documents(rng, channel, request_type),
        },
        "request_type": request_type if typed else None,
        "answer": None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=600)
    parser.add_argument("--seed", type=int, default=20260105)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("requests.jsonl"))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    received = START + timedelta(hours=7)
    lines = []
    for number in range(1, args.count + 1):
        received += timedelta(seconds=rng.expovariate(1 / 420))  # one every 7 minutes on average
        lines.append(json.dumps(record(rng, number, received), ensure_ascii=False))
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{args.count} requests written to {args.out}")


if __name__ == "__main__":
    main()
