import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from qms.bench import database, report
from qms.bench.build import build
from qms.bench.measure import measure
from qms.bench.sizes import SIZES


class Command(BaseCommand):
    help = (
        "Benchmark datasets and measurements (issue 14). "
        "'bench build --size S' builds and caches a size; 'bench run --size S --size N' measures and prints the table."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["build", "run"])
        parser.add_argument("--size", action="append", choices=list(SIZES), help="T, S, M or N; repeat to compare.")
        parser.add_argument("--repeat", type=int, default=10, help="Timed requests per view (p50/p95 over them).")
        parser.add_argument("--json", dest="json_path", help="Also write the table, datasets and EXPLAINs here.")
        parser.add_argument("--rebuild", action="store_true", help="Drop the cached database of the size first.")
        parser.add_argument(
            "--here",
            action="store_true",
            help="Use the current database as it is, without a cached one per size (the tests' tiny size).",
        )
        parser.add_argument(
            "--skip", action="append", default=[], help="Leave out a view by its name (e.g. 'public search')."
        )
        parser.add_argument("--result-file", help=argparse_suppress())

    def handle(self, *args, action, size, repeat, json_path, rebuild, here, skip, result_file, **options):
        self.skip = skip
        sizes = size or ["S"]
        if here and len(sizes) > 1:
            raise CommandError("--here takes one size.")
        if action == "build":
            for name in sizes:
                self._build(name, here=here, rebuild=rebuild)
            return
        if result_file:  # one size measured in a process of its own, for the parent run
            self._prepare(sizes[0], here=here, rebuild=rebuild)
            Path(result_file).write_text(json.dumps(self._measure(sizes[0], repeat)), encoding="utf-8")
            return
        if here:
            results = {sizes[0]: self._measure(sizes[0], repeat)}
        else:
            results = {name: self._measure_apart(name, repeat, rebuild) for name in sizes}
        table = report.rows({name: r["values"] for name, r in results.items()})
        self.stdout.write(report.markdown(table, sizes))
        for name, r in results.items():
            failing = {view: status for view, status in r["statuses"].items() if status != 200}
            if failing:
                self.stderr.write(
                    f"{name}: views that did not answer 200 (their figures measure an error page): {failing}"
                )
        if json_path:
            Path(json_path).write_text(
                report.as_json(
                    table,
                    sizes,
                    explain={name: r["explain"] for name, r in results.items()},
                    datasets={name: r["dataset"] for name, r in results.items()},
                    statuses={name: r["statuses"] for name, r in results.items()},
                ),
                encoding="utf-8",
            )

    def _build(self, name: str, *, here: bool, rebuild: bool) -> dict:
        size = SIZES[name]
        if here:
            return build(size, stream=self.stderr._out)
        if rebuild:
            database.forget(name)
        if database.is_built(name):
            self.stdout.write(f"{name}: cached in {database.database_name(name)}")
            return database.built_info(name)
        database.forget(name)
        target = database.switch_to(name)
        start = time.perf_counter()
        self.stderr.write(f"{name}: migrating {target}")
        call_command("migrate", verbosity=0)
        self.stderr.write(f"{name}: reference data and demo")
        call_command("setup_demo", stdout=self.stdout._out)
        info = build(size, stream=self.stderr._out)
        self._analyze(name)
        info["build_seconds"] = round(time.perf_counter() - start, 1)
        database.mark_built(name, info)
        self.stdout.write(f"{name}: built in {info['build_seconds']} s: {info}")
        return info

    def _prepare(self, name: str, *, here: bool, rebuild: bool) -> None:
        if not here:
            self._build(name, here=False, rebuild=rebuild)
            database.switch_to(name)
            call_command("migrate", verbosity=0)  # a size cached before the latest migrations
            self._analyze(name)

    def _analyze(self, name: str) -> None:
        """PostgreSQL: the planner's statistics of the rows just built (or indexed by a new migration)."""
        if database.vendor() == "postgresql":
            self.stderr.write(f"{name}: ANALYZE")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    def _measure(self, name: str, repeat: int) -> dict:
        result = measure(
            SIZES[name], repeat=repeat, skip=self.skip, progress=lambda step: self.stderr.write(f"{name}: {step}")
        )
        dataset = database.built_info(name) if database.is_built(name) else {}
        return {"values": result.values, "explain": result.explain, "statuses": result.statuses, "dataset": dataset}

    def _measure_apart(self, name: str, repeat: int, rebuild: bool) -> dict:
        """Each size in a process of its own: nothing cached from one database leaks into the next."""
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "result.json"
            command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "bench", "run", "--size", name]
            command += ["--repeat", str(repeat), "--result-file", str(out)] + (["--rebuild"] if rebuild else [])
            command += [f"--skip={name}" for name in self.skip]
            subprocess.run(command, check=True, env=os.environ.copy(), stdout=sys.stderr)
            return json.loads(out.read_text(encoding="utf-8"))


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS
