"""Lead scores against contracts signed, on demo companies of several seeds.

    python bench/lead_scores.py [--seeds 7 21 33] [--cutoffs 2026-04-01 ...]

Each seed's demo company is generated in a temporary data directory (no analysis: the scores
read only journey events and firmographics). At each cut-off the prospects active in the 90
days before it are scored three ways, as `journey eval leads` does: the points model, the
learned score (trained on earlier cut-offs, as the product trains it) and recency alone; the
label is a contract signed within 90 days after the cut-off. One row a seed and cut-off, then
the mean over each seed's cut-offs, and how many cut-offs meet the target (learned or points
AUC >= 0.80 and above recency).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.table import Table

from app.container import Container
from app.demo.generator import generate
from assistant.next_steps.lead_score import evaluate
from journey.db import transaction
from journey.settings import Settings

CUTOFFS = ["2026-04-01", "2026-05-01", "2026-06-01", "2026-07-01", "2026-08-01"]
SCORES = ("points", "learned", "recency (baseline)")
TARGET = 0.80


def measured(seed: int, cutoffs: list[date]) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        container = Container(Settings(data_dir=Path(tmp)))
        container.init()
        with transaction(container.sessions) as session:
            generate(session, container.settings.vocabulary, seed=seed)
        scoring = container.next_steps_catalogue.lead_scoring
        reports = []
        with transaction(container.sessions) as session:
            for day in cutoffs:
                try:
                    reports.append(evaluate(session, scoring, day))
                except ValueError as exc:  # too little history before an early cut-off
                    reports.append({"cutoff": day.isoformat(), "missing": str(exc)})
        container.close()
    return reports


def meets(auc: dict[str, float]) -> bool:
    best = max(auc["points"], auc["learned"])
    return best >= TARGET and best > auc["recency (baseline)"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, nargs="+", default=[7])
    parser.add_argument("--cutoffs", nargs="+", default=CUTOFFS)
    args = parser.parse_args()
    cutoffs = [date.fromisoformat(day) for day in args.cutoffs]
    console = Console(width=150)
    title = "Lead scores: AUC against contracts signed within 90 days"
    table = Table("seed", "cut-off", "leads", "converted", *(f"{s} AUC" for s in SCORES),
                  "target met", title=title)  # fmt: skip
    for seed in args.seeds:
        reports = measured(seed, cutoffs)
        for report in reports:
            if "missing" in report:
                table.add_row(str(seed), report["cutoff"], "", "", "", "", "", "no history")
        reports = [report for report in reports if "missing" not in report]
        aucs = [{s["name"]: s["auc"] for s in report["scores"]} for report in reports]
        for report, auc in zip(reports, aucs, strict=True):
            table.add_row(str(seed), report["cutoff"], str(report["leads"]),
                          str(report["converted"]), *(f"{auc[s]:.3f}" for s in SCORES),
                          "yes" if meets(auc) else "no")  # fmt: skip
        means = {s: statistics.mean(auc[s] for auc in aucs) for s in SCORES}
        table.add_row(str(seed), "mean", "", "", *(f"{means[s]:.3f}" for s in SCORES),
                      f"{sum(map(meets, aucs))} of {len(aucs)}", end_section=True)  # fmt: skip
    console.print(table)


if __name__ == "__main__":
    main()
