"""Sample data for the agricultural-subsidies project: one funding campaign's requests.

    python generate_data.py            # writes requests.jsonl and requests-threshold-55.jsonl
    python generate_data.py --count 1000 --seed 11

Standard library only, fixed seed: the same command writes the same files. Each line is the
case file a subsidy request starts with (valid against SubsidyRequest.schema.json): the request
as filed, the campaign it was filed in, and the first line of its audit trail.

What is drawn, and why (these are assumptions of the sample, not facts of a real programme):
- 320 requests filed over the eight weeks of the call (5 January to 27 February 2026), more of
  them in the last fortnight (applicants file close to the deadline).
- 60 % groups of farmers (GIEE, farmers' associations), 40 % cooperatives (CUMA, SCA, SICA);
  their size, share of young farmers and of organic farms, seat and less-favoured-area status.
- the project type and its eligible cost (log-normal per type), the amount requested (40-60 %
  of the eligible cost), jobs created, agri-environmental commitment.
- the documents attached: about a quarter of the files lack at least one required document.

The budget is the one figure a case cannot know by itself: the campaign's envelope is shared
by every request. A case reads it from its case file (campaign.committed: what the budget ledger
had already committed when the file is scored). This script plays the ledger in filing order:
it scores each request with the same grid and aid rate as grid.dmn, and commits the proposed
amount of every request above the threshold that still fits in the envelope. So the requests
the model finds "budget exhausted" are the ones this ledger could not fund. The ledger depends
on the threshold, hence one file per threshold (45 is the campaign's; 55 is the what-if).
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent

CAMPAIGN = {
    "id": "AGRI-2026-1",
    "name": "Collective investments in agriculture 2026",
    "envelope": 12_000_000,
    "threshold": 45,
    "ceiling": 200_000,
    "opens": "2026-01-05",
    "closes": "2026-06-30",
}
FILING_END = date(2026, 2, 27)

# department, region, share of its farms in a less-favoured area (mountain, natural handicap)
DEPARTMENTS = [
    ("Puy-de-Dôme", "Auvergne-Rhône-Alpes", 0.85, ["Ambert", "Thiers", "Issoire", "Besse", "Riom"]),
    ("Cantal", "Auvergne-Rhône-Alpes", 0.95, ["Aurillac", "Salers", "Murat", "Mauriac"]),
    ("Drôme", "Auvergne-Rhône-Alpes", 0.45, ["Die", "Nyons", "Crest", "Dieulefit"]),
    ("Aveyron", "Occitanie", 0.8, ["Réquista", "Espalion", "Millau", "Rignac"]),
    ("Gers", "Occitanie", 0.15, ["Auch", "Mirande", "Eauze", "Lectoure"]),
    ("Lot", "Occitanie", 0.6, ["Gramat", "Figeac", "Cahors", "Gourdon"]),
    ("Orne", "Normandie", 0.1, ["Domfront", "Alençon", "Vimoutiers", "Flers"]),
    ("Manche", "Normandie", 0.05, ["Coutances", "Saint-Lô", "Valognes", "Avranches"]),
    ("Ille-et-Vilaine", "Bretagne", 0.0, ["Vitré", "Redon", "Fougères", "Janzé"]),
    ("Finistère", "Bretagne", 0.05, ["Carhaix", "Landerneau", "Châteaulin", "Quimperlé"]),
    ("Jura", "Bourgogne-Franche-Comté", 0.75, ["Poligny", "Champagnole", "Arbois", "Morez"]),
    ("Doubs", "Bourgogne-Franche-Comté", 0.7, ["Pontarlier", "Ornans", "Maîche", "Morteau"]),
    ("Vienne", "Nouvelle-Aquitaine", 0.1, ["Civray", "Loudun", "Montmorillon", "Lusignan"]),
    ("Corrèze", "Nouvelle-Aquitaine", 0.9, ["Ussel", "Tulle", "Égletons", "Meymac"]),
]

# type: (share of requests, median eligible cost EUR, spread of log cost, title ideas)
PROJECTS = {
    "water saving": (
        0.2,
        160_000,
        0.5,
        [
            "Shared drip irrigation",
            "Rainwater storage pond",
            "Collective irrigation network upgrade",
            "Soil moisture sensors and irrigation scheduling",
        ],
    ),
    "short supply chain": (
        0.22,
        120_000,
        0.55,
        [
            "Farmers' shop refit",
            "Collective cutting room",
            "Cheese maturing cellar",
            "Mobile slaughter unit",
            "Vegetable packing hall",
        ],
    ),
    "shared machinery": (
        0.28,
        70_000,
        0.5,
        [
            "Shared no-till seed drill",
            "Hay dryer",
            "Mechanical weeding equipment",
            "Slurry spreader with trailing shoes",
            "Fodder harvesting chain",
        ],
    ),
    "renewable energy": (
        0.15,
        180_000,
        0.55,
        [
            "Solar panels on barn roofs",
            "Farm biogas unit",
            "Wood chip boiler network",
            "Solar hay drying",
        ],
    ),
    "animal welfare building": (
        0.15,
        110_000,
        0.5,
        [
            "Free-stall barn ventilation",
            "Calf barn",
            "Sheep fold extension",
            "Outdoor access for poultry houses",
        ],
    ),
}

FIRST = [
    "Claire",
    "Jean-Luc",
    "Annick",
    "Pierre",
    "Sophie",
    "Mathieu",
    "Élodie",
    "Bernard",
    "Camille",
    "Julien",
    "Nathalie",
    "Thierry",
    "Aurélie",
    "Yann",
    "Marion",
    "Gilles",
    "Laura",
    "Franck",
    "Hélène",
    "Romain",
    "Céline",
    "Patrick",
    "Émilie",
    "Loïc",
]
LAST = [
    "Fayolle",
    "Bessière",
    "Leroux",
    "Martin",
    "Bernard",
    "Roux",
    "Chassaing",
    "Le Gall",
    "Vidal",
    "Moreau",
    "Cazals",
    "Guérin",
    "Lefèvre",
    "Rivière",
    "Morin",
    "Mercier",
    "Boyer",
    "Garnier",
    "Perrin",
    "Faure",
    "Andrieu",
    "Tanguy",
    "Gauthier",
    "Delmas",
]

REQUIRED_DOCUMENTS = [
    "statutes",
    "members list",
    "quotes",
    "bank details",
    "tax and social certificates",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=320, help="requests in the campaign")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    requests = draw_requests(random.Random(args.seed), args.count)
    check_schemas()
    for threshold, name in ((45, "requests.jsonl"), (55, "requests-threshold-55.jsonl")):
        records = with_ledger(requests, threshold)
        write(HERE / name, records)
        report(name, records)


def draw_requests(rng: random.Random, count: int) -> list[dict]:
    days = filing_days(rng, count)
    return [draw_request(rng, n + 1, day) for n, day in enumerate(days)]


def filing_days(rng: random.Random, count: int) -> list[date]:
    """Working days of the call, the last two weeks twice as likely (the deadline rush)."""
    start = date.fromisoformat(CAMPAIGN["opens"])
    days = [start + timedelta(d) for d in range((FILING_END - start).days + 1)]
    days = [d for d in days if d.weekday() < 5]
    weights = [2 if (FILING_END - d).days < 14 else 1 for d in days]
    return sorted(rng.choices(days, weights, k=count))


def draw_request(rng: random.Random, number: int, filed: date) -> dict:
    department, region, lfa_share, communes = rng.choice(DEPARTMENTS)
    commune = rng.choice(communes)
    group = rng.random() < 0.6
    if group:
        members = max(3, round(rng.lognormvariate(2.4, 0.5)))  # median 11
        legal_form = rng.choice(["GIEE (association)", "farmers' association", "GIE"])
        name = rng.choice(
            [
                f"GIEE {commune}",
                f"Groupement des éleveurs de {commune}",
                f"Collectif agricole du pays de {commune}",
                f"Association des producteurs de {commune}",
            ]
        )
    else:
        members = max(5, round(rng.lognormvariate(3.0, 0.6)))  # median 20
        legal_form = rng.choice(["CUMA", "CUMA", "agricultural cooperative (SCA)", "SICA"])
        short = legal_form.split()[0] if legal_form != "agricultural cooperative (SCA)" else "SCA"
        name = rng.choice(
            [
                f"{short} de {commune}",
                f"{short} des Trois Vallons",
                f"{short} {commune} Avenir",
                f"{short} du canton de {commune}",
            ]
        )
    young = sum(rng.random() < 0.2 for _ in range(members))
    organic_rate = rng.choice([0.05, 0.15, 0.3, 0.5])
    organic = sum(rng.random() < organic_rate for _ in range(members))
    kind = weighted(rng, {k: v[0] for k, v in PROJECTS.items()})
    _, median, spread, titles = PROJECTS[kind]
    eligible = round(median * rng.lognormvariate(0, spread) / 100) * 100
    eligible = min(max(eligible, 8_000), 900_000)
    requested = round(eligible * rng.uniform(0.4, 0.6) / 100) * 100
    title = rng.choice(titles)
    commitment = rng.random() < 0.45
    documents = list(REQUIRED_DOCUMENTS)
    if commitment:
        documents.append("environmental commitment")
    if kind == "animal welfare building" or title.startswith(("Solar panels", "Farm biogas")):
        documents.append("building permit")
    if rng.random() < 0.25:  # an incomplete file: one or two documents missing
        for missing in rng.sample(documents, rng.choice([1, 1, 2])):
            documents.remove(missing)
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return {
        "request": {
            "id": f"SUB-2026-{number:04d}",
            "filed_on": filed.isoformat(),
            "applicant": {
                "kind": "farmers group" if group else "cooperative",
                "name": name,
                "legal_form": legal_form,
                "registration_number": siren(rng),
                "members": members,
                "young_farmers": young,
                "organic_farms": organic,
                "region": region,
                "department": department,
                "commune": commune,
                "less_favoured_area": rng.random() < lfa_share,
                "representative": {
                    "name": f"{first} {last}",
                    "email": f"{slug(first)}.{slug(last)}@example.org",
                    "phone": f"+33 {rng.randint(1, 5)} {rng.randint(10, 99)} "
                    f"{rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                },
            },
            "project": {
                "type": kind,
                "title": title,
                "eligible_cost": eligible,
                "requested_amount": requested,
                "jobs_created": weighted(rng, {0: 0.5, 1: 0.3, 2: 0.15, 3: 0.05}),
                "agri_environment_commitment": commitment,
                "start": (filed + timedelta(days=rng.randint(60, 150))).replace(day=1).isoformat(),
                "duration_months": rng.choice([6, 12, 12, 18, 24]),
            },
            "documents": documents,
        },
        "audit_trail": [
            {
                "on": filed.isoformat(),
                "step": "Request filed",
                "by": "Applicant",
                "outcome": "filed",
                "amount": requested,
                "note": "on the portal",
            }
        ],
    }


def with_ledger(requests: list[dict], threshold: int) -> list[dict]:
    """Each request with its campaign, the ledger's committed amount read at its scoring."""
    campaign = {**CAMPAIGN, "threshold": threshold}
    committed = 0
    records = []
    for request in requests:
        records.append({
            "request": request["request"],
            "campaign": {**campaign, "committed": committed},
            "audit_trail": request["audit_trail"],
        })  # fmt: skip
        score = grid_score(request["request"])
        amount = proposed_amount(request["request"], score, campaign)
        if score >= threshold and amount <= campaign["envelope"] - committed:
            committed += amount
    return records


def grid_score(request: dict) -> int:
    """The decision Scoring grid of grid.dmn, for the ledger (the model evaluates the DMN)."""
    applicant, project = request["applicant"], request["project"]
    young = applicant["young_farmers"] / applicant["members"]
    organic = applicant["organic_farms"] / applicant["members"]
    points = 10 if applicant["kind"] == "farmers group" else 5
    points += 10 if applicant["members"] >= 20 else 5 if applicant["members"] >= 8 else 0
    points += 20 if young >= 0.3 else 10 if young >= 0.1 else 0
    points += 15 if organic >= 0.5 else 8 if organic >= 0.2 else 0
    points += 10 if applicant["less_favoured_area"] else 0
    points += {
        "water saving": 15,
        "short supply chain": 15,
        "shared machinery": 10,
        "renewable energy": 10,
        "animal welfare building": 5,
    }[project["type"]]
    points += 10 if project["agri_environment_commitment"] else 0
    points += 10 if project["jobs_created"] >= 2 else 5 if project["jobs_created"] == 1 else 0
    return points


def proposed_amount(request: dict, score: int, campaign: dict) -> int:
    """Decision Aid rate of grid.dmn and the script Compute the proposal of propose-aid.bpmn."""
    applicant, project = request["applicant"], request["project"]
    young = applicant["young_farmers"] / applicant["members"]
    lfa = applicant["less_favoured_area"]
    if score >= 75 and (lfa or young >= 0.3):
        rate = 0.6
    elif score >= 75 or lfa:
        rate = 0.5
    else:
        rate = 0.4
    return min(
        project["requested_amount"], round(project["eligible_cost"] * rate), campaign["ceiling"]
    )


def complete(request: dict) -> bool:
    needed = set(REQUIRED_DOCUMENTS)
    if request["project"]["agri_environment_commitment"]:
        needed.add("environmental commitment")
    return needed <= set(request["documents"])


def report(name: str, records: list[dict]) -> None:
    scores = [grid_score(r["request"]) for r in records]
    threshold = records[0]["campaign"]["threshold"]
    above = [r for r, s in zip(records, scores, strict=True) if s >= threshold]
    funded = [
        r
        for r in above
        if proposed_amount(r["request"], grid_score(r["request"]), r["campaign"])
        <= r["campaign"]["envelope"] - r["campaign"]["committed"]
    ]
    incomplete = sum(not complete(r["request"]) for r in records)
    last = records[-1]
    score = grid_score(last["request"])
    amount = proposed_amount(last["request"], score, last["campaign"])
    committed = last["campaign"]["committed"] + (
        amount
        if score >= threshold
        and amount <= last["campaign"]["envelope"] - last["campaign"]["committed"]
        else 0
    )
    print(
        f"{name}: {len(records)} requests, {incomplete} incomplete files "
        f"({incomplete / len(records):.0%}), mean score {sum(scores) / len(scores):.1f}, "
        f"{len(above)} at or above the threshold {threshold} "
        f"({len(above) / len(records):.0%}), {len(funded)} within the envelope, "
        f"{len(above) - len(funded)} budget exhausted; {committed:,} EUR of "
        f"{last['campaign']['envelope']:,} committed"
    )


def check_schemas() -> None:
    """request.schema.json (the caseFileItemDefinition's structureRef) must say what the case
    file schema says about the request."""
    whole = json.loads((HERE / "SubsidyRequest.schema.json").read_text(encoding="utf-8"))
    item = json.loads((HERE / "request.schema.json").read_text(encoding="utf-8"))
    item = {k: v for k, v in item.items() if k not in ("$schema", "$id")}
    if whole["properties"]["request"] != item:
        raise SystemExit("request.schema.json and SubsidyRequest.schema.json disagree on request")


def weighted(rng: random.Random, shares: dict) -> object:
    return rng.choices(list(shares), list(shares.values()))[0]


def siren(rng: random.Random) -> str:
    """A nine-digit SIREN with a valid Luhn check digit."""
    digits = [rng.randint(0, 9) for _ in range(8)]
    total = 0
    for i, d in enumerate(reversed(digits)):
        d = d * 2 if i % 2 == 0 else d
        total += d - 9 if d > 9 else d
    return "".join(map(str, digits)) + str((10 - total % 10) % 10)


def slug(text: str) -> str:
    table = str.maketrans("éèêëàâîïôöûüçÉ", "eeeeaaiioouucE")
    return text.translate(table).lower().replace(" ", "").replace("-", "")


def write(path: Path, records: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
