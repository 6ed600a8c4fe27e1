"""Expression evaluation speed: microseconds per evaluation of compiled expressions.

Run: .venv/bin/python benchmarks/bench_expressions.py
"""

from __future__ import annotations

import timeit
from datetime import UTC, datetime

from studio.expressions import default_engine

VARIABLES = {
    "amount": 1500,
    "status": "open",
    "claim": {"amount": 300, "kind": "car"},
    "invoice": {"po_amount": 1200, "amount": 1200, "received": True},
    "tags": ["vip", "fast"],
    "score": 8,
}
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
CASES = {
    "2 terms": 'amount > 1000 and status == "open"',
    "5 terms": 'amount > 1000 and status == "open" and claim.amount <= 500 '
    'and "vip" in tags or invoice["po_amount"] == invoice["amount"]',
    "conditional": '"high" if score > 7 else "low"',
    "dates": 'now() - datetime("2026-01-01T00:00:00Z") > duration("P2D")',
    "JUEL": '${amount > 100 && !(status == "closed")}',
}


def main() -> None:
    engine = default_engine()
    number = 100_000
    for label, source in CASES.items():
        compiled = engine.compile(source)
        compiled.evaluate(VARIABLES, now=NOW)
        best = min(
            timeit.repeat(
                lambda c=compiled: c.evaluate(VARIABLES, now=NOW), number=number, repeat=5
            )
        )
        print(f"{label:12} {best / number * 1e6:6.2f} µs/evaluation   {source}")
    compile_number = 2_000
    best = min(
        timeit.repeat(
            lambda: engine._compile(CASES["5 terms"]),  # uncached
            number=compile_number,
            repeat=3,
        )
    )
    print(f"{'compile':12} {best / compile_number * 1e6:6.2f} µs (5 terms, uncached)")


if __name__ == "__main__":
    main()
