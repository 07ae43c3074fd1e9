#!/usr/bin/env python3
"""Turns the results of scripts/bench.sh into a markdown table.

  report.py RESULTS_TSV

Each line of RESULTS_TSV is: endpoint, server, the JSON line of bench/wrk/bench.lua,
peak RSS in KiB (tab-separated). Ratios are of requests/s: to django-polaris with 4
gunicorn workers on the same endpoint, and to the actix-web ceiling.
"""

import json
import sys

DJANGO_REF = "django-polaris 4w"
CEILING = "ceiling"


def fmt_ms(us: float) -> str:
    return f"{us / 1000:.2f} ms"


def fmt_ratio(a: float, b: float | None) -> str:
    if not b:
        return "–"
    return f"{a / b:.2f}x"


def main() -> None:
    rows = []
    for line in open(sys.argv[1]):
        endpoint, server, result, rss = line.rstrip("\n").split("\t")
        rows.append((endpoint, server, json.loads(result), int(rss or 0)))
    django = {e: r["rps"] for e, s, r, _ in rows if s == DJANGO_REF}
    ceiling = next((r["rps"] for e, s, r, _ in rows if s == CEILING), None)
    print(
        "| endpoint | server | req/s | p50 | p99 | errors | peak RSS "
        "| vs django-polaris 4w | vs ceiling |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for endpoint, server, r, rss in rows:
        errors = f"{r['errors']}/{r['requests']}"
        if r.get("bodies_exhausted"):
            errors += f" (pool short by {r['bodies_exhausted']})"
        print(
            f"| {endpoint} | {server} | {r['rps']:,.0f} | {fmt_ms(r['p50_us'])} "
            f"| {fmt_ms(r['p99_us'])} | {errors} | {rss / 1024:.0f} MiB "
            f"| {fmt_ratio(r['rps'], django.get(endpoint))} "
            f"| {fmt_ratio(r['rps'], ceiling)} |"
        )


if __name__ == "__main__":
    main()
