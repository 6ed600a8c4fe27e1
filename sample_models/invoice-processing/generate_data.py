"""Sample supplier invoices for the invoice-processing project (stdlib only, fixed seed).

    python generate_data.py            # writes invoices.jsonl (400 records)
    python generate_data.py --count 2000 --seed 11 --out more.jsonl

Each record is what the accounts-payable system holds when an invoice arrives: the invoice as
captured, the purchase order it names (or null) and the delivery note of the goods received (or
null). The three-way match of the model (a script task and the DMN table three-way-match.dmn)
decides from these fields alone, so the share of invoices it automates is read from the data.

What the generator draws (see README.md, "Where the figures come from"):
- about 80 % clean invoices (the stated fact of the case), some of them with a price rounding
  difference inside the 2 % tolerance;
- about 20 % with one discrepancy. The mix of discrepancies below is an ASSUMPTION:
  price gap 7 %, partial return 4 %, short delivery 3 %, cancelled order 2 %,
  no purchase order 2.5 %, no delivery note 1.5 %.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import date, timedelta
from pathlib import Path

SUPPLIERS = [
    ("S-1001", "Bureau Vallée Pro"), ("S-1002", "Lyreco France"), ("S-1003", "Dell Technologies"),
    ("S-1004", "Manutan"), ("S-1005", "Rexel Distribution"), ("S-1006", "Würth France"),
    ("S-1007", "Elior Services"), ("S-1008", "Onet Propreté"), ("S-1009", "Securitas"),
    ("S-1010", "Econocom"), ("S-1011", "Raja"), ("S-1012", "Fiducial Office Solutions"),
    ("S-1013", "Kiloutou"), ("S-1014", "Sodexo Entreprises"), ("S-1015", "Orange Business"),
    ("S-1016", "Bechtle"), ("S-1017", "Legallais"), ("S-1018", "Cegid"),
    ("S-1019", "Adista"), ("S-1020", "Vulco Pneus"),
]  # fmt: skip

DEPARTMENTS = [
    ("Facilities", "CC-210", "Nadia Benali"), ("IT", "CC-310", "Thomas Girard"),
    ("Marketing", "CC-410", "Julie Marchand"), ("Operations", "CC-510", "Karim Haddad"),
    ("Human resources", "CC-610", "Sophie Lambert"), ("Finance", "CC-710", "Marc Rousseau"),
    ("Logistics", "CC-520", "Élodie Fontaine"),
]  # fmt: skip

ARTICLES = [
    ("Printer paper, A4, box of 5 reams", 21.90), ("Toner cartridge, black", 84.00),
    ("Laptop, 14-inch, standard build", 1049.00), ("Docking station", 189.00),
    ("Office chair, ergonomic", 329.00), ("Safety gloves, pair", 4.80),
    ("Cleaning service, per day", 410.00), ("Security guard, per night", 265.00),
    ("Network switch, 24 ports", 612.00), ("Cable trunking, 2 m", 7.35),
    ("Pallet wrap, roll", 18.60), ("Forklift rental, per day", 145.00),
    ("Software licence, per user per month", 39.00), ("Catering, per person", 23.50),
    ("Tyre, van", 119.00), ("LED panel, 60x60", 42.90),
]  # fmt: skip

# share of each kind of invoice; "clean" is the stated fact (about 80 %), the rest ASSUMED
KINDS = [
    ("clean", 0.800),
    ("price gap", 0.070),
    ("partial return", 0.040),
    ("short delivery", 0.030),
    ("cancelled order", 0.020),
    ("no purchase order", 0.025),
    ("no delivery note", 0.015),
]

FIRST_DAY = date(2026, 1, 5)


def pick_kind(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for kind, share in KINDS:
        total += share
        if roll < total:
            return kind
    return "clean"


def record(number: int, rng: random.Random) -> dict:
    supplier_id, supplier = rng.choice(SUPPLIERS)
    department, cost_centre, holder = rng.choice(DEPARTMENTS)
    article, list_price = rng.choice(ARTICLES)
    kind = pick_kind(rng)
    ordered_on = FIRST_DAY + timedelta(days=rng.randint(0, 150))
    received_on = ordered_on + timedelta(days=rng.randint(2, 15))
    issued = received_on + timedelta(days=rng.randint(0, 6))
    received = issued + timedelta(days=rng.randint(1, 6))
    due = issued + timedelta(days=rng.choice([30, 30, 30, 45, 60]))
    quantity = rng.choice([1, 1, 2, 3, 4, 5, 6, 8, 10, 12, 20, 25, 40, 50, 100])
    unit_price = round(list_price * rng.uniform(0.9, 1.05), 2)
    po_number = f"PO-45{number + 1000:05d}"

    order: dict | None = {
        "number": po_number,
        "status": "open",
        "ordered_on": ordered_on.isoformat(),
        "department": department,
        "cost_centre": cost_centre,
        "budget_holder": holder,
        "article": article,
        "quantity": quantity,
        "unit_price": unit_price,
        "net_amount": round(quantity * unit_price, 2),
    }
    delivery: dict | None = {
        "note": f"DN-{supplier_id[2:]}-{number + 50000}",
        "received_on": received_on.isoformat(),
        "received_quantity": quantity,
        "returned_quantity": 0,
    }
    invoiced_quantity, invoiced_price = quantity, unit_price

    if kind == "clean" and rng.random() < 0.06:  # rounding difference inside the tolerance
        invoiced_price = round(unit_price * rng.uniform(1.001, 1.015), 2)
    elif kind == "price gap":
        invoiced_price = round(unit_price * rng.uniform(1.03, 1.18), 2)
    elif kind == "partial return":
        quantity = max(quantity, 4)
        order["quantity"] = quantity
        order["net_amount"] = round(quantity * unit_price, 2)
        delivery["received_quantity"] = quantity
        delivery["returned_quantity"] = rng.randint(1, max(1, quantity // 3))
        invoiced_quantity = quantity
    elif kind == "short delivery":
        quantity = max(quantity, 4)
        order["quantity"] = quantity
        order["net_amount"] = round(quantity * unit_price, 2)
        delivery["received_quantity"] = quantity - rng.randint(1, max(1, quantity // 4))
        invoiced_quantity = quantity
    elif kind == "cancelled order":
        order["status"] = "cancelled"
        delivery = None
    elif kind == "no purchase order":
        order = None
        po_number = None
    elif kind == "no delivery note":
        delivery = None
    if kind == "clean" and rng.random() < 0.25 and order is not None:
        order["status"] = "closed"  # fully received orders are closed: still a valid match

    net = round(invoiced_quantity * invoiced_price, 2)
    vat = round(net * 0.2, 2)
    invoice = {
        "number": f"INV-{supplier_id[2:]}-{2026}{number:05d}",
        "supplier": {"id": supplier_id, "name": supplier},
        "issued": issued.isoformat(),
        "received": received.isoformat(),
        "due": due.isoformat(),
        "po_number": po_number,
        "description": article,
        "currency": "EUR",
        "quantity": invoiced_quantity,
        "unit_price": invoiced_price,
        "net_amount": net,
        "vat_rate": 0.2,
        "vat_amount": vat,
        "gross_amount": round(net + vat, 2),
    }
    return {"invoice": invoice, "order": order, "delivery": delivery}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=400)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", default=str(Path(__file__).with_name("invoices.jsonl")))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with open(args.out, "w", encoding="utf-8") as out:
        for number in range(1, args.count + 1):
            out.write(json.dumps(record(number, rng), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
