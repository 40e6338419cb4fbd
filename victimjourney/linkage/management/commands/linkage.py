"""victimjourney linkage: the batch linkage, the persistently-targeted proposals, and the
evaluation against the synthetic population (docs/LINKAGE.md)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from victimjourney.audit.services import audit_record
from victimjourney.core import clock
from victimjourney.linkage import evaluation, services, splinkmodel
from victimjourney.linkage.synthetic import population


class Command(BaseCommand):
    help = ("Link victim records across cases (run), propose the persistently-targeted "
            "category (propose), measure precision and recall on synthetic data (evaluate), "
            "or retrain the shipped model (train-default).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="index the victims and store candidate links")
        run.add_argument("--retrain", action="store_true", help="train the model on the records")
        run.add_argument("--backend", choices=("duckdb", "spark"), default="duckdb")
        run.add_argument("--threshold", type=float, help="match probability (default: model's)")
        sub.add_parser("propose", help="propose the persistently-targeted category")
        ev = sub.add_parser("evaluate", help="precision and recall on a synthetic population")
        ev.add_argument("--records", type=int, default=20_000)
        ev.add_argument("--seed", type=int, default=1)
        ev.add_argument("--threshold", type=float, default=services.DEFAULT_THRESHOLD)
        ev.add_argument("--shipped-model", action="store_true",
                        help="use the shipped model instead of training on the population")
        ev.add_argument("--json", action="store_true")
        train = sub.add_parser("train-default", help="retrain the shipped model (synthetic)")
        train.add_argument("--records", type=int, default=100_000)
        train.add_argument("--seed", type=int, default=7)

    def handle(self, *args, **opts):
        action = opts["action"]
        if action == "run":
            run = services.linkage_run(now=clock.now(), backend=opts["backend"],
                                       retrain=opts["retrain"], threshold=opts["threshold"])
            audit_record(user=None, action="linkage_run",
                         detail=f"{run.records} records, {run.pairs} pairs, "
                                f"{run.links_new} new links; {run.timings}")
            self.stdout.write(f"{run.records} records linked: {run.pairs} pairs at or above "
                              f"{run.model.threshold if run.model else '?'}, {run.links_new} "
                              f"new candidate links (model: {run.model}). Seconds: {run.timings}")
        elif action == "propose":
            made = services.proposals_find(now=clock.now())
            audit_record(user=None, action="linkage_propose", detail=f"{len(made)} proposals")
            self.stdout.write(f"{len(made)} persistently-targeted proposals made.")
        elif action == "evaluate":
            model = services.default_settings() if opts["shipped_model"] else None
            result = evaluation.evaluate(records=opts["records"], seed=opts["seed"],
                                         threshold=opts["threshold"], model=model)
            if opts["json"]:
                self.stdout.write(json.dumps(result.as_dict(), indent=1))
                return
            self._report(result)
        elif action == "train-default":
            if opts["records"] < services.MIN_TRAINING_RECORDS:
                raise CommandError("train on at least 5,000 records")
            table = evaluation.synthetic_table(list(population(opts["records"],
                                                               seed=opts["seed"])))
            model = splinkmodel.train(table)
            services.DEFAULT_MODEL.write_text(json.dumps(model, indent=1) + "\n")
            frequencies = splinkmodel.term_frequencies(table)
            services.DEFAULT_FREQUENCIES.write_text(json.dumps(frequencies, sort_keys=True)
                                                    + "\n")
            self.stdout.write(f"Wrote {services.DEFAULT_MODEL} ({opts['records']} records).")

    def _report(self, result: evaluation.Evaluation) -> None:
        w = self.stdout.write
        w(f"{result.records} records, {result.people} people, {result.true_pairs} true pairs "
          f"({result.scored_true_pairs} scored at p >= {evaluation.CURVE[0]}).")
        w(f"At match probability >= {result.threshold}: precision {result.precision:.4f}, "
          f"recall {result.recall:.4f}.")
        w("threshold  precision  recall  predicted")
        for p in result.curve:
            w(f"{p.threshold:>9}  {p.precision:>9.4f}  {p.recall:>6.4f}  {p.predicted:>9}")
        w(f"False positives by relation: {result.false_positives}")
        w(f"Missed pairs by variation: {result.missed}")
        w(f"Seconds: {result.timings}")
