"""Order placement under load, beside a one-insert yardstick, on the stack production runs.

    uv run heyi bench orders [--database-url postgres://postgres@127.0.0.1:5432/heyi_bench]
        [--workers 4] [--clients 32] [--seconds 20] [--retry-share 0.1] [--endpoint products]

The bench database is dropped and created anew on the given PostgreSQL server, migrated, and
seeded through the real services (one person with a personal API token per client, and the
thing to order). gunicorn then serves heyi.wsgi with production settings (DEBUG off, a secret
key, persistent database connections, the database task queue) plus the probe endpoint, and
in one run the same clients drive, each for the same time:

1. the probe, `POST /api/v1/probe/writes`: authentication, the Idempotency-Key middleware and
   one insert, i.e. what the stack costs on its own;
2. order placement on the chosen endpoint;
3. the probe again, to show how much the machine drifted during the run.

Every request carries a fresh Idempotency-Key; a share of the answered ones is sent again at
once with the same key and body, and must come back with the same answer (the same order
number). After the run the rows in the database are counted against the keys that were
answered: an order row without its own answered key is a duplicate.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RATIO_AIM = 0.5
ADDRESS = "Room 1201, 288 Nanjing West Road, Huangpu District, Shanghai"
LATITUDE = "31.230400"
LONGITUDE = "121.473700"


# --- what the clients send --------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One endpoint under load: where to post, what, and how to count the rows it writes."""

    label: str
    path: str
    body: bytes
    # The answer's field naming the row written (the order number, the probe row's uid).
    answer_field: str
    # Fields every first answer must carry, else the request counts as an error.
    expect: dict[str, Any]
    rows: Callable[[], int]


def probe_target() -> Target:
    from heyi.probe.models import ProbeWrite

    return Target(
        label="probe (one insert)",
        path="/api/v1/probe/writes",
        body=json.dumps({"note": "load", "quantity": 1}).encode(),
        answer_field="uid",
        expect={"quantity": 1},
        rows=ProbeWrite.objects.count,
    )


def _order_body(**extra: Any) -> bytes:
    return json.dumps(
        {"quantity": 1, "address": ADDRESS, "latitude": LATITUDE, "longitude": LONGITUDE, **extra}
    ).encode()


def products_target_seed(*, operator: Any) -> Target:
    """A standard product, ordered directly (`POST /api/v1/products/{slug}/orders`)."""
    from decimal import Decimal

    from heyi.orders.models import Order
    from heyi.products.services import product_create

    product = product_create(
        actor=operator,
        name="Two-drawer fresh keeper",
        description="A fridge drawer that keeps greens crisp for two weeks.",
        list_price=Decimal("3999.00"),
    )
    return Target(
        label="product orders",
        path=f"/api/v1/products/{product.slug}/orders",
        body=_order_body(),
        answer_field="number",
        expect={"stage": "placed"},
        rows=Order.objects.filter(product=product).count,
    )


def preorders_target_seed(*, operator: Any) -> Target:
    """Pre-orders in an open campaign whose threshold the run cannot reach."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from heyi.accounts.services import user_create
    from heyi.core.services import category_ensure
    from heyi.demands.services import demand_raise
    from heyi.designs.services import claim_make, proposal_post, selection_make
    from heyi.orders.models import PreOrder
    from heyi.orders.services import THRESHOLD_MAX, campaign_start

    author = user_create(email="author@bench.example", password=None, display_name="Author")
    designer = user_create(email="designer@bench.example", password=None, display_name="Designer")
    category_ensure(slug="kitchen", name="Kitchen")
    demand = demand_raise(
        author=author,
        title="A fridge drawer that keeps greens crisp for two weeks",
        description="My vegetables wilt after three days; I want them fresh for two weeks.",
        category="kitchen",
    )
    claim_make(demand=demand, user=designer)
    proposal = proposal_post(
        demand=demand,
        user=designer,
        title="Two-drawer fresh keeper",
        description="Two humidity-controlled drawers under the main shelf.",
        base_price=Decimal("3999.00"),
    )
    selection_make(demand=demand, user=author, proposal=proposal)
    campaign_start(
        demand=demand,
        user=operator,
        threshold=THRESHOLD_MAX,
        deadline=timezone.now() + timedelta(days=30),
        max_quantity=10,
    )
    return Target(
        label="pre-orders",
        path=f"/api/v1/demands/{demand.number}/preorders",
        body=_order_body(options={}),
        answer_field="number",
        expect={"status": "placed"},
        rows=PreOrder.objects.count,
    )


TARGET_SEEDS: dict[str, Callable[..., Target]] = {
    "products": products_target_seed,
    "preorders": preorders_target_seed,
}


# --- the clients --------------------------------------------------------------------------------


@dataclass
class Tally:
    """What one client saw in one phase."""

    # Seconds per request: first attempts (placements) and retries (replays) apart.
    latencies: list[float] = field(default_factory=list)
    replay_latencies: list[float] = field(default_factory=list)
    successes: int = 0
    errors: int = 0
    first_successes: int = 0
    retries: int = 0
    replay_mismatches: int = 0
    answered_keys: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)

    def error(self, sample: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 3:
            self.error_samples.append(sample)


def _client_run(
    *,
    port: int,
    token: str,
    target: Target,
    deadline: list[float],
    retry_share: float,
    seed: int,
    tally: Tally,
    start: threading.Barrier,
) -> None:
    rng = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Accept": "application/json",
    }

    def attempt(key: str, latencies: list[float], kind: str) -> str | None:
        """Post once with the key; the answer's identifier, or None (an error, recorded)."""
        began = time.perf_counter()
        try:
            connection.request(
                "POST", target.path, body=target.body, headers={**headers, "Idempotency-Key": key}
            )
            response = connection.getresponse()
            body = response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as error:
            connection.close()  # the next request opens a new connection
            status, body = 0, f"{type(error).__name__}: {error}".encode()
        latencies.append(time.perf_counter() - began)
        answer = _answer(status, body, target)
        if answer is None:
            tally.error(f"{kind} {status} {body[:200]!r}")
        else:
            tally.successes += 1
        return answer

    start.wait()  # the barrier's action has set the deadline
    try:
        while time.perf_counter() < deadline[0]:
            key = uuid.uuid4().hex
            answer = attempt(key, tally.latencies, "first")
            if answer is None:
                continue
            tally.first_successes += 1
            tally.answered_keys.append(key)
            tally.answers.append(answer)
            if rng.random() < retry_share:
                tally.retries += 1
                replayed = attempt(key, tally.replay_latencies, "retry")
                if replayed is not None and replayed != answer:
                    tally.replay_mismatches += 1
    finally:
        connection.close()


def _answer(status: int, body: bytes, target: Target) -> str | None:
    """The written row's identifier from a 2xx answer of the expected shape, else None."""
    if not 200 <= status < 300:
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if any(data.get(name) != value for name, value in target.expect.items()):
        return None
    value = data.get(target.answer_field)
    return None if value is None else str(value)


@dataclass(frozen=True)
class PhaseResult:
    name: str
    seconds: float
    tally: Tally
    rows_written: int
    records_answered: int
    # CPU seconds spent during the phase: "clients" (this process), "server" (gunicorn),
    # "database" (the PostgreSQL backends of the bench database), "machine" (all cores).
    cpu: dict[str, float]

    @property
    def requests(self) -> int:
        return len(self.tally.latencies) + len(self.tally.replay_latencies)

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds

    @property
    def writes_per_second(self) -> float:
        return self.tally.first_successes / self.seconds

    def latency_ms(self, quantile: float, *, replays: bool = False) -> float:
        """Nearest-rank quantile of the first attempts' (or the replays') latency."""
        values = sorted(self.tally.replay_latencies if replays else self.tally.latencies)
        if not values:
            return float("nan")
        return 1000 * values[max(0, math.ceil(quantile * len(values)) - 1)]

    @property
    def duplicates(self) -> int:
        """Rows written beyond one per answered key (keys answered twice are counted once)."""
        return self.rows_written - len(set(self.tally.answered_keys))


def phase_run(
    *,
    name: str,
    target: Target,
    port: int,
    tokens: list[str],
    seconds: float,
    retry_share: float,
    seed: int,
    server_pid: int,
    database: str,
) -> PhaseResult:
    """Drive the target with one thread (one keep-alive connection) per token for `seconds`."""
    from django.db import connection

    from heyi.core.models import IdempotencyRecord

    rows_before = target.rows()
    records = IdempotencyRecord.objects.filter(
        path=target.path, status_code__gte=200, status_code__lt=300
    )
    records_before = records.count()
    connection.close()
    cpu_before = cpu_sample(server_pid=server_pid, database=database)
    tallies = [Tally() for _ in tokens]
    clock: list[float] = []
    # All clients start together; the clock starts when the last of them is ready.
    start = threading.Barrier(
        len(tokens) + 1, action=lambda: clock.extend([time.perf_counter() + seconds])
    )
    threads = [
        threading.Thread(
            target=_client_run,
            kwargs={
                "port": port,
                "token": token,
                "target": target,
                "deadline": clock,
                "retry_share": retry_share,
                "seed": seed * 1000 + index,
                "tally": tallies[index],
                "start": start,
            },
            daemon=True,
        )
        for index, token in enumerate(tokens)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - (clock[0] - seconds)
    cpu_after = cpu_sample(server_pid=server_pid, database=database)
    total = Tally()
    for tally in tallies:
        total.latencies += tally.latencies
        total.replay_latencies += tally.replay_latencies
        total.successes += tally.successes
        total.errors += tally.errors
        total.first_successes += tally.first_successes
        total.retries += tally.retries
        total.replay_mismatches += tally.replay_mismatches
        total.answered_keys += tally.answered_keys
        total.answers += tally.answers
        total.error_samples += tally.error_samples[: max(0, 3 - len(total.error_samples))]
    return PhaseResult(
        name=name,
        seconds=elapsed,
        tally=total,
        rows_written=target.rows() - rows_before,
        records_answered=records.count() - records_before,
        cpu={part: cpu_after[part] - cpu_before[part] for part in cpu_before},
    )


def cpu_sample(*, server_pid: int, database: str) -> dict[str, float]:
    """CPU seconds used so far by this process, gunicorn, the bench database's backends and
    the whole machine (from /proc; zeros where it cannot be read)."""
    ticks = os.sysconf("SC_CLK_TCK")
    server = backends = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        used = int(fields[11]) + int(fields[12])  # utime + stime
        if int(entry.name) == server_pid or int(fields[1]) == server_pid:
            server += used
        elif title.startswith("postgres: ") and f" {database} " in title:
            backends += used
    try:
        cpu_line = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        machine = sum(int(v) for i, v in enumerate(cpu_line[:8]) if i not in (3, 4))
    except (OSError, IndexError, ValueError):
        machine = 0
    return {
        "clients": time.process_time(),
        "server": server / ticks,
        "database": backends / ticks,
        "machine": machine / ticks,
    }


# --- the database and the server ----------------------------------------------------------------


def database_recreate(url: str) -> str:
    """Drop and create the bench database; returns its name. Only names containing "bench"."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit(f"--database-url must be a PostgreSQL URL, not {url}")
    name = str(config["NAME"])
    if "bench" not in name:
        raise SystemExit(f"refusing to drop {name!r}: the bench database's name must say bench")
    with psycopg.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        autocommit=True,
    ) as admin:
        quoted = '"' + name.replace('"', '""') + '"'
        admin.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")  # type: ignore[arg-type]
        admin.execute(f"CREATE DATABASE {quoted}")  # type: ignore[arg-type]
    return name


def server_environment(*, database_url: str, var_dir: str) -> dict[str, str]:
    """Production settings (see heyi/settings.py) plus the probe, for the server and this process."""
    Path(var_dir, "static").mkdir(parents=True, exist_ok=True)  # collectstatic's place
    return {
        "HEYI_VAR_DIR": var_dir,
        "DJANGO_SETTINGS_MODULE": "heyi.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # No TLS terminator in front of the bench server; everything else as in production.
        "SECURE_SSL_REDIRECT": "0",
        "HEYI_BENCH_PROBE": "1",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "600",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "LOG_LEVEL": "WARNING",
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_start(
    *, port: int, workers: int, worker_class: str, threads: int, env: dict[str, str], log: Any
) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "heyi.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--threads",
        str(threads),
        "--timeout",
        "60",
        "--graceful-timeout",
        "20",
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT
    )


def server_wait(*, port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> float:
    """Wait until the server answers HTTP; returns the seconds it took."""
    began = time.perf_counter()
    while time.perf_counter() - began < timeout:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode} before answering")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/api/v1/openapi.json")
            connection.getresponse().read()
            connection.close()
            return time.perf_counter() - began
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within {timeout:.0f} s")


def server_stop(process: subprocess.Popen[bytes]) -> str:
    """Stop gunicorn gracefully (SIGTERM lets the workers finish their requests)."""
    if process.poll() is not None:
        return f"had already exited with {process.returncode}"
    process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        return f"did not stop within 30 s and was killed (exit {process.wait()})"
    return f"stopped cleanly (exit {code})" if code == 0 else f"stopped with exit {code}"


def _uptime() -> str:
    try:
        # Django sets TZ to the project's time zone; the machine's clock is read in UTC.
        return subprocess.run(
            ["uptime"], capture_output=True, text=True, check=True, env={**os.environ, "TZ": "UTC"}
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        one, five, fifteen = os.getloadavg()
        return f"load average: {one:.2f}, {five:.2f}, {fifteen:.2f}"


# --- the run ------------------------------------------------------------------------------------


def people_seed(*, count: int) -> tuple[Any, list[str]]:
    """An operator, and `count` people with a personal API token each (their secrets)."""
    from heyi.accounts.models import Role
    from heyi.accounts.services import api_token_create, user_create

    operator = user_create(
        email="operator@bench.example",
        password=None,
        display_name="Operator",
        roles=[Role.OPERATOR],
        is_staff=True,
    )
    tokens = []
    for index in range(count):
        person = user_create(
            email=f"buyer{index}@bench.example", password=None, display_name=f"Buyer {index}"
        )
        _token, secret = api_token_create(user=person, name="load benchmark")
        tokens.append(secret)
    return operator, tokens


def _row(result: PhaseResult) -> str:
    tally = result.tally
    return (
        f"{result.name:<22} {result.seconds:7.1f} {result.requests:8d} {tally.successes:8d} "
        f"{tally.errors:6d} {tally.retries:7d} {result.requests_per_second:8.1f} "
        f"{result.writes_per_second:8.1f} {result.latency_ms(0.50):7.1f} "
        f"{result.latency_ms(0.95):7.1f} {result.latency_ms(0.99):7.1f}"
    )


def _duplicates_line(result: PhaseResult, *, noun: str) -> str:
    tally = result.tally
    keys = len(set(tally.answered_keys))
    return (
        f"  {result.name}: {result.rows_written} {noun} rows for {keys} answered keys "
        f"(server: {result.records_answered} answered idempotency records) -> "
        f"{result.duplicates} duplicates; distinct {noun} identifiers answered "
        f"{len(set(tally.answers))}; retries {tally.retries}, replayed with a different answer "
        f"{tally.replay_mismatches}"
    )


def queries_per_request(*, target: Target, token: str) -> list[str]:
    """The SQL a request runs, sent in process through the same middleware (a diagnosis).

    The second of two requests is the one counted: the first also fills per-process caches.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    for _request in range(2):
        with CaptureQueriesContext(connection) as captured:
            response = client.post(
                target.path,
                data=target.body,
                content_type="application/json",
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex},
            )
        if not 200 <= response.status_code < 300:
            return [f"(answered {response.status_code})"]
    return [query["sql"].split(" ", 1)[0].upper() for query in captured.captured_queries]


def _query_summary(statements: list[str]) -> str:
    counts: dict[str, int] = {}
    for statement in statements:
        counts[statement] = counts.get(statement, 0) + 1
    kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items()))
    return f"{len(statements)} ({kinds})"


@dataclass(frozen=True)
class Stage:
    """The seeded bench database: the clients' tokens and the two endpoints to drive."""

    database: str
    tokens: list[str]
    probe: Target
    target: Target


def stage_prepare(args: argparse.Namespace, *, env: dict[str, str]) -> Stage:
    """Re-create, migrate and seed the bench database, in this process (Django set up here)."""
    name = database_recreate(args.database_url)
    os.environ.update(env)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    began = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    migrate_seconds = time.perf_counter() - began
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
    began = time.perf_counter()
    operator, tokens = people_seed(count=args.clients)
    stage = Stage(
        database=name,
        tokens=tokens,
        probe=probe_target(),
        target=TARGET_SEEDS[args.endpoint](operator=operator),
    )
    seed_seconds = time.perf_counter() - began
    connection.close()
    print(
        f"  database: PostgreSQL {server_version}, {name} dropped and created, migrated in "
        f"{migrate_seconds:.1f} s, seeded through the services in {seed_seconds:.1f} s "
        f"({args.clients} people with API tokens, an operator, the {stage.target.label} target)"
    )
    return stage


def phases_run(
    args: argparse.Namespace, *, stage: Stage, port: int, server_pid: int
) -> tuple[list[PhaseResult], list[PhaseResult]]:
    """Warm both endpoints up, then probe, orders and (by default) probe again."""
    common = {
        "port": port,
        "tokens": stage.tokens,
        "retry_share": args.retry_share,
        "server_pid": server_pid,
        "database": stage.database,
    }
    warm = [
        phase_run(name="warm-up probe", target=stage.probe, seconds=args.warmup, seed=1, **common),
        phase_run(
            name="warm-up orders", target=stage.target, seconds=args.warmup, seed=2, **common
        ),
    ]
    measured = [
        phase_run(name="probe", target=stage.probe, seconds=args.seconds, seed=3, **common),
        phase_run(name="orders", target=stage.target, seconds=args.seconds, seed=4, **common),
    ]
    if args.probe_after:
        measured.append(
            phase_run(
                name="probe again", target=stage.probe, seconds=args.seconds, seed=5, **common
            )
        )
    return warm, measured


def report_print(*, stage: Stage, warm: list[PhaseResult], measured: list[PhaseResult]) -> bool:
    """Print the figures beside their aims; True when no error and no duplicate was seen."""
    print(
        f"{'phase':<22} {'seconds':>7} {'requests':>8} {'2xx':>8} {'errors':>6} {'retries':>7} "
        f"{'req/s':>8} {'writes/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
    )
    for result in measured:
        print(_row(result))
    print(
        "(writes/s: first attempts answered 2xx per second; latency: first attempts; "
        "retries are replays)"
    )
    print()
    cores = os.cpu_count() or 1
    print(
        f"{'CPU per write (ms)':<22} {'server':>7} {'database':>8} {'clients':>8} "
        f"{'machine busy':>12} {'replay p50 ms':>13}"
    )
    for result in measured:
        writes = max(result.tally.first_successes, 1)
        busy = result.cpu["machine"] / (result.seconds * cores)
        print(
            f"{result.name:<22} {1000 * result.cpu['server'] / writes:7.2f} "
            f"{1000 * result.cpu['database'] / writes:8.2f} "
            f"{1000 * result.cpu['clients'] / writes:8.2f} {busy:12.0%} "
            f"{result.latency_ms(0.5, replays=True):13.1f}"
        )
    print(
        f"(server: gunicorn master and workers; database: the PostgreSQL backends of "
        f"{stage.database}; clients: this process; machine busy: all {cores} cores, others' "
        f"work included)"
    )
    print()
    probes = [r for r in measured if r.name.startswith("probe")]
    orders = next(r for r in measured if r.name == "orders")
    yardstick = sum(r.writes_per_second for r in probes) / len(probes)
    ratio = orders.writes_per_second / yardstick if yardstick else 0.0
    drift = (
        f"; probe drift {probes[-1].writes_per_second / probes[0].writes_per_second - 1:+.1%}"
        if len(probes) > 1 and probes[0].writes_per_second
        else ""
    )
    print(
        f"orders/probe: {orders.writes_per_second:.1f} / {yardstick:.1f} writes/s = {ratio:.2f} "
        f"(aim >= {RATIO_AIM}: {'met' if ratio >= RATIO_AIM else 'NOT met'}){drift}"
    )
    cost = {
        result.name: (result.cpu["server"] + result.cpu["database"])
        / max(result.tally.first_successes, 1)
        for result in measured
    }
    probe_cost = sum(cost[r.name] for r in probes) / len(probes)
    print(
        f"CPU cost ratio: probe {1000 * probe_cost:.2f} ms / orders "
        f"{1000 * cost['orders']:.2f} ms per write (server + database) = "
        f"{probe_cost / cost['orders'] if cost['orders'] else 0.0:.2f} "
        f"(the throughput ratio if CPU were the only limit)"
    )
    everything = [*warm, *measured]
    errors = sum(r.tally.errors for r in everything)
    duplicates = sum(r.duplicates + r.tally.replay_mismatches for r in everything)
    print(
        f"errors: {errors} (aim 0: {'met' if errors == 0 else 'NOT met'}); "
        f"duplicates: {duplicates} (aim 0: {'met' if duplicates == 0 else 'NOT met'})"
    )
    for result in everything:
        print(_duplicates_line(result, noun="order" if "orders" in result.name else "probe"))
        for sample in result.tally.error_samples:
            print(f"    error: {sample}")
    token = stage.tokens[0]
    print(
        "SQL statements per request (two more of each, in this process, after the run): "
        f"probe {_query_summary(queries_per_request(target=stage.probe, token=token))}; "
        f"orders {_query_summary(queries_per_request(target=stage.target, token=token))}"
    )
    return errors == 0 and duplicates == 0


def _log_summary(log: str, *, limit: int = 10) -> str:
    """The server's log lines, alike ones counted once (Django logs every 4xx and 5xx)."""
    counts: dict[str, int] = {}
    for line in log.splitlines():
        counts[line] = counts.get(line, 0) + 1
    lines = [f"  {count:6d} x {line}" for line, count in list(counts.items())[:limit]]
    more = f"\n  ... and {len(counts) - limit} other lines" if len(counts) > limit else ""
    return f"{sum(counts.values())} lines\n" + "\n".join(lines) + more


def run(args: argparse.Namespace) -> int:
    print("Order placement under load (heyi bench orders)")
    print(f"  machine: {os.cpu_count()} cores; at start: {_uptime()}")
    with (
        tempfile.TemporaryDirectory(prefix="heyi-bench-orders-") as var_dir,
        tempfile.TemporaryFile() as log,
    ):
        env = server_environment(database_url=args.database_url, var_dir=var_dir)
        stage = stage_prepare(args, env=env)
        threads = 1 if args.worker_class == "sync" else args.threads
        print(
            f"  server: gunicorn heyi.wsgi, {args.workers} {args.worker_class} workers x "
            f"{threads} threads; DEBUG=0, persistent database connections (600 s), database "
            f"task queue (no task worker running), no access log"
        )
        print(
            f"  clients: {args.clients} threads in this process, each with its own token and a "
            f"keep-alive connection; a fresh Idempotency-Key per request, "
            f"{args.retry_share:.0%} of answered requests sent again with the same key and body"
        )
        print(f"  probe:  POST {stage.probe.path}")
        print(f"  orders: POST {stage.target.path}")
        port = args.port or _free_port()
        process = server_start(
            port=port,
            workers=args.workers,
            worker_class=args.worker_class,
            threads=threads,
            env=env,
            log=log,
        )
        try:
            ready = server_wait(port=port, process=process)
            print(f"  gunicorn answered after {ready:.1f} s; warm-up {args.warmup:g} s each")
            warm, measured = phases_run(args, stage=stage, port=port, server_pid=process.pid)
        finally:
            stopped = server_stop(process)
        print(f"  at end: {_uptime()}")
        print()
        clean = report_print(stage=stage, warm=warm, measured=measured)
        print(f"gunicorn {stopped}")
        log.seek(0)
        server_log = log.read().decode(errors="replace").strip()
    if server_log:
        print(f"server log: {_log_summary(server_log)}")
    return 0 if clean and "stopped cleanly" in stopped else 1


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.order_load …` is `heyi bench orders …` (the options live in heyi/cli.py)."""
    from heyi.cli import main as heyi_main

    return heyi_main(["bench", "orders", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
