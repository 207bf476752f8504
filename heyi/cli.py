"""The `heyi` command: run the demo, serve, run task workers, and pass through to Django."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heyi.settings")
    import django

    django.setup()


def _ensure_var_dir() -> None:
    from django.conf import settings

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)


def cmd_demo(args: argparse.Namespace) -> int:
    """Migrate, load the demo world (once), print the sign-ins and serve."""
    # The demo's people sign in at once: confirming e-mail is switched off for the demo only.
    os.environ.setdefault("ACCOUNT_EMAIL_VERIFICATION", "optional")
    _setup_django()
    _ensure_var_dir()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from heyi.demo.world import demo_world_load, demo_world_sign_ins

    summary = demo_world_load(reset=args.reset)
    print(summary)
    sign_ins = demo_world_sign_ins()
    print(f"\nDemo sign-ins (password for all: {sign_ins['password']}):")
    for role, email in sign_ins["accounts"]:
        print(f"  {role:<10} {email}")
    if args.no_serve:
        return 0
    if not args.no_devices:
        try:
            _demo_devices_start()
        except Exception as error:  # the demo serves without live devices rather than not at all
            print(f"\nLive devices are off: {error}")
    print(f"\nheyi is running on http://{args.bind}/  (Ctrl+C to stop)\n")
    _serve(bind=args.bind, workers=args.workers)
    return 0


DEMO_SIMULATED_DEVICES = 50


def _demo_devices_start() -> None:
    """The demo's devices come alive: an MQTT broker (embedded, unless MQTT_URL names one),
    the gateway and a simulator for the bound devices, all in background threads of this
    process. A failure here is said plainly and the demo goes on without live devices."""
    import threading

    from django.conf import settings

    from heyi.devices.gateway.broker import BrokerStartError, EmbeddedBroker
    from heyi.devices.gateway.runner import run_gateway
    from heyi.devices.simulator import existing_fleet_credentials, simulator_run_in_thread

    if "MQTT_URL" not in os.environ:
        broker = EmbeddedBroker()
        try:
            broker.start()
        except BrokerStartError as error:
            print(f"\nLive devices are off: {error}. Stop what holds the port, or set MQTT_URL.")
            return
        settings.MQTT_URL = broker.url
        settings.MQTT_SHARED_SUBSCRIPTIONS = False
    started = threading.Event()
    threading.Thread(
        target=run_gateway,
        kwargs={
            "shared": False if "MQTT_URL" not in os.environ else None,
            "stats_interval": 300.0,
            "on_start": lambda _gateway: started.set(),
        },
        name="heyi-gateway",
        daemon=True,
    ).start()
    started.wait(10)
    from heyi.demo.devices import demo_live_serials

    serials = demo_live_serials(limit=DEMO_SIMULATED_DEVICES)
    identities = existing_fleet_credentials(serials=serials) if serials else []
    if identities:
        simulator_run_in_thread(identities, interval=15.0)
    print(
        f"\nLive devices: MQTT broker at {settings.MQTT_URL}, the gateway, and "
        f"{len(identities)} simulated devices reporting every 15 s."
    )


def cmd_gateway(args: argparse.Namespace) -> int:
    """Run the MQTT gateway until SIGTERM or Ctrl+C (docs/mqtt.md)."""
    _setup_django()
    from heyi.devices.gateway.runner import gateway_client_id, run_gateway

    stats = run_gateway(
        client_id=args.client_id or gateway_client_id(args.number),
        shared=False if args.no_shared else None,
        batch_size=args.batch_size,
        stats_interval=args.stats_interval,
    )
    print(stats.snapshot())
    return 0


def cmd_simulate_devices(args: argparse.Namespace) -> int:
    """Run simulated devices against the broker (MQTT_URL)."""
    _setup_django()
    import threading

    from heyi.devices.simulator import (
        Simulator,
        existing_fleet_credentials,
        simulated_fleet_create,
    )

    if args.create:
        identities = simulated_fleet_create(args.create)
        print(f"created {len(identities)} simulated devices ({identities[0].serial} …)")
    else:
        identities = existing_fleet_credentials(serials=args.serial or (), limit=args.devices)
    if not identities:
        print(
            "heyi simulate-devices: no bound devices to simulate (try --create N)", file=sys.stderr
        )
        return 1
    simulator = Simulator(identities, interval=args.interval, connections=args.connections)
    stop = threading.Event()
    import signal

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_args: stop.set())
    print(
        f"simulating {len(identities)} devices over {len(simulator.connections)} connections "
        f"to {simulator.endpoint}, one reading each every {args.interval:g} s"
    )
    simulator.run(stop=stop, duration=args.duration)
    print(simulator.stats.line())
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _setup_django()
    _ensure_var_dir()
    from django.core.management import call_command

    if args.migrate:
        call_command("migrate", interactive=False, verbosity=1)
    if args.dev:
        call_command("runserver", args.bind)
    else:
        _serve(bind=args.bind, workers=args.workers)
    return 0


def _serve(*, bind: str, workers: int) -> None:
    """Serve the WSGI application with gunicorn (threads per worker; static by WhiteNoise).

    With the in-process task backend (the embedded default) this process also runs the
    scheduler, so deadlines are kept without any other process.
    """
    from django.conf import settings
    from django.urls import get_resolver
    from gunicorn.app.base import BaseApplication

    from heyi.wsgi import application

    # Import every page and API module now, in this thread: gunicorn forks its workers from
    # this process, and a module another thread (the scheduler) is still importing at the
    # fork would stay half-initialised in the workers.
    get_resolver().url_patterns  # noqa: B018
    if settings.TASKS["default"]["BACKEND"].endswith("ImmediateBackend"):
        from heyi.core.schedule import scheduler_start_in_thread

        scheduler_start_in_thread()

    class HeyiServer(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", bind)
            self.cfg.set("workers", workers)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", 4)
            self.cfg.set("accesslog", "-")
            self.cfg.set("timeout", 60)

        def load(self) -> object:
            return application

    HeyiServer().run()


def cmd_worker(args: argparse.Namespace) -> int:
    """Run a database task worker; with --scheduler it also enqueues the periodic tasks."""
    _setup_django()
    from django.core.management import call_command

    if args.scheduler:
        from heyi.core.schedule import scheduler_start_in_thread

        scheduler_start_in_thread()
    call_command("db_worker", *args.extra)
    return 0


def cmd_scheduler(args: argparse.Namespace) -> int:
    """Run only the scheduler loop (one per deployment), enqueueing periodic tasks."""
    _setup_django()
    import threading

    from heyi.core.schedule import scheduler_run

    scheduler_run(stop=threading.Event())
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    """Plan a station's delivery waves for a date: the management command `plan_routes`."""
    _setup_django()
    from django.core.management import CommandError, call_command

    # As command-line words, so that the command's own parser converts and checks them (options
    # given to call_command as keywords skip its type conversions).
    words = ["--station", args.station, "--date", args.date]
    if args.wave:
        words += ["--wave", args.wave]
    if args.seconds is not None:
        words += ["--seconds", repr(args.seconds)]
    try:
        call_command("plan_routes", *words)
    except CommandError as error:
        print(f"heyi plan: {error}", file=sys.stderr)
        return 1
    return 0


def cmd_ledger_export(args: argparse.Namespace) -> int:
    """The whole ledger as beancount text: the management command `ledger_export`."""
    _setup_django()
    from django.core.management import call_command

    call_command("ledger_export", *(["--output", args.output] if args.output else []))
    return 0


def cmd_messages(args: argparse.Namespace) -> int:
    """Update and compile the translation catalogues: the management command `messages`."""
    _setup_django()
    from django.core.management import call_command

    options = ["--compile-only"] if args.compile_only else []
    call_command("messages", *args.units, *options, *(["--new"] if args.new else []))
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heyi.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["heyi manage", *args.extra])
    return 0


def _bench_module(name: str) -> Any:
    """Import a module of the repository's bench/ package (beside heyi/, not inside it)."""
    import importlib

    root = str(Path(__file__).resolve().parent.parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    return importlib.import_module(f"bench.{name}")


def cmd_bench_gap(args: argparse.Namespace) -> int:
    """Run the OR-Library GAP benchmark (no Django: the allocation core is pure)."""
    return int(_bench_module("gap").run(args))


def cmd_bench_platform(args: argparse.Namespace) -> int:
    """Run the daily order contention at platform scale (no Django)."""
    return int(_bench_module("platform_scale").run(args))


def cmd_bench_orders(args: argparse.Namespace) -> int:
    """Order placement under load on gunicorn and PostgreSQL, beside a one-insert probe."""
    return int(_bench_module("order_load").run(args))


def cmd_bench_vrptw(args: argparse.Namespace) -> int:
    """Solomon VRPTW files through the route planner (no Django: the solver is pure)."""
    return int(_bench_module("vrptw").run(args))


def cmd_bench_covering(args: argparse.Namespace) -> int:
    """Station covering over China's populated places (no Django: the network core is pure)."""
    return int(_bench_module("covering").run(args))


def cmd_bench_national_day(args: argparse.Namespace) -> int:
    """100,000 orders over the network, allocated to stock and planned (no Django)."""
    return int(_bench_module("national_day").run(args))


def cmd_bench_ingest(args: argparse.Namespace) -> int:
    """MQTT telemetry ingest through the gateway into PostgreSQL, beside a plain subscriber."""
    return int(_bench_module("ingest").run(args))


def _bench_parser_add(sub: Any) -> None:
    # The arguments are declared here, not imported from bench/, so that other commands do
    # not load the solvers; bench/gap.py and bench/platform_scale.py accept the same ones, and
    # `python -m bench.order_load` comes through here.
    bench = sub.add_parser("bench", help="run a benchmark and print its figures")
    bench_sub = bench.add_subparsers(dest="bench", required=True)
    gap = bench_sub.add_parser("gap", help="OR-Library generalized assignment files")
    gap.add_argument("files", nargs="+", type=Path, help="OR-Library GAP files")
    gap.add_argument("--seconds", type=float, default=15.0, help="time limit per problem")
    gap.add_argument(
        "--optima", type=Path, help="CSV of known optima (default: gap_optima.csv beside a file)"
    )
    gap.add_argument("--workers", type=int, default=2, help="threads (default 2)")
    gap.add_argument("--sense", choices=["min", "max"], help="override the file's sense")
    gap.set_defaults(func=cmd_bench_gap)
    scale = bench_sub.add_parser("platform", help="daily order contention at platform scale")
    scale.add_argument("--orders", type=int, default=100_000)
    scale.add_argument("--ventures", type=int, default=2_000)
    scale.add_argument("--seconds", type=float, default=10.0, help="time limit, mapping included")
    scale.add_argument("--seed", type=int, default=7)
    scale.add_argument("--workers", type=int, default=2)
    scale.add_argument(
        "--lead-time-penalty",
        default="0.05",
        help="cost of a day of lead time per unit, added to the unit price (default 0.05)",
    )
    scale.set_defaults(func=cmd_bench_platform)
    covering = bench_sub.add_parser("covering", help="fewest stations covering China's places")
    covering.add_argument(
        "--min-population", type=int, choices=[500, 1000, 5000, 15000], default=5000
    )
    covering.add_argument("--radius", type=float, default=50.0, help="km (default 50)")
    covering.add_argument("--seconds", type=float, default=60.0, help="solver time limit")
    covering.add_argument("--centres", type=int, default=90, help="largest cities (default 90)")
    covering.set_defaults(func=cmd_bench_covering)
    orders = bench_sub.add_parser(
        "orders", help="order placement under load (gunicorn, PostgreSQL) beside a one-insert probe"
    )
    orders.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/heyi_bench",
        help="the bench database: dropped and created anew (its name must contain bench)",
    )
    orders.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    orders.add_argument("--worker-class", choices=["gthread", "sync"], default="gthread")
    orders.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    orders.add_argument("--clients", type=int, default=32, help="concurrent API clients")
    orders.add_argument("--seconds", type=float, default=20.0, help="per measured phase")
    orders.add_argument("--warmup", type=float, default=3.0, help="per endpoint, not measured")
    orders.add_argument(
        "--retry-share", type=float, default=0.1, help="share of requests retried with their key"
    )
    orders.add_argument(
        "--endpoint",
        choices=["products", "preorders"],
        default="products",
        help="standard-product orders (default) or pre-orders in an open campaign",
    )
    orders.add_argument(
        "--no-probe-after",
        dest="probe_after",
        action="store_false",
        help="skip the second probe phase (it shows the drift)",
    )
    orders.add_argument("--port", type=int, default=0, help="default: a free port")
    orders.set_defaults(func=cmd_bench_orders)
    vrptw = bench_sub.add_parser("vrptw", help="Solomon VRPTW files through the route planner")
    vrptw.add_argument("files", nargs="+", type=Path, help="Solomon-format VRPTW files")
    vrptw.add_argument("--seconds", type=float, default=10.0, help="time limit per instance")
    vrptw.add_argument("--objective", choices=["distance", "vehicles"], default="distance")
    vrptw.add_argument("--seed", type=int, default=0)
    vrptw.add_argument(
        "--references", type=Path, help="CSV of references (default: *_bks.csv beside the folder)"
    )
    vrptw.set_defaults(func=cmd_bench_vrptw)
    day = bench_sub.add_parser(
        "national-day", help="a national day: orders by population, allocated and planned"
    )
    day.add_argument("--orders", type=int, default=100_000)
    day.add_argument("--seed", type=int, default=11)
    day.add_argument(
        "--stock-cover",
        type=float,
        default=1.0,
        help="units per centre and product = cover × its expected orders (default 1.0)",
    )
    day.add_argument(
        "--max-stops", type=int, default=200, help="largest district planned at once (200)"
    )
    day.add_argument("--seconds-per-100-stops", type=float, default=1.0)
    day.add_argument(
        "--min-seconds", type=float, default=0.2, help="least time for a district (0.2)"
    )
    day.add_argument("--workers", type=int, default=2, help="planning processes (0: inline)")
    day.add_argument("--min-population", type=int, choices=[500, 1000, 5000, 15000], default=5000)
    day.add_argument("--radius", type=float, default=50.0, help="station radius, km (50)")
    day.add_argument("--centres", type=int, default=90, help="largest cities (default 90)")
    day.add_argument(
        "--covering-seconds", type=float, default=60.0, help="station covering time limit"
    )
    day.set_defaults(func=cmd_bench_national_day)

    ingest = bench_sub.add_parser(
        "ingest", help="MQTT telemetry ingest through the gateway, beside a plain subscriber"
    )
    ingest.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/heyi_bench_ingest"
    )
    ingest.add_argument(
        "--mqtt-url", help="an existing broker (default: a private Mosquitto started for the run)"
    )
    ingest.add_argument("--devices", type=int, default=1000)
    ingest.add_argument("--messages", type=int, default=60000)
    ingest.add_argument("--publishers", type=int, default=2)
    ingest.add_argument("--gateways", type=int, nargs="+", default=[1, 2])
    ingest.add_argument("--timeout", type=float, default=300.0)
    ingest.add_argument(
        "--rate",
        type=float,
        default=0.0,
        help="messages per second over all publishers (default 0: as fast as the broker takes)",
    )
    ingest.set_defaults(func=cmd_bench_ingest)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="heyi", description="The heyi platform.")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="set up SQLite under var/, load the demo world and serve")
    demo.add_argument("--bind", default="127.0.0.1:8000")
    demo.add_argument("--reset", action="store_true", help="delete the demo world and load it anew")
    demo.add_argument("--no-serve", action="store_true", help="load the demo world and exit")
    demo.add_argument("--workers", type=int, default=2)
    demo.add_argument(
        "--no-devices",
        action="store_true",
        help="no MQTT broker, gateway or simulated devices",
    )
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help="serve the platform")
    serve.add_argument("--bind", default="127.0.0.1:8000")
    serve.add_argument("--migrate", action="store_true")
    serve.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    serve.add_argument(
        "--dev", action="store_true", help="Django's auto-reloading development server"
    )
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run a task worker (with TASKS_BACKEND=database)")
    worker.add_argument("--scheduler", action="store_true", help="also run the scheduler loop")
    worker.add_argument("extra", nargs=argparse.REMAINDER)
    worker.set_defaults(func=cmd_worker)

    scheduler = sub.add_parser("scheduler", help="enqueue periodic tasks (deadline sweeps)")
    scheduler.set_defaults(func=cmd_scheduler)

    plan = sub.add_parser("plan", help="plan a station's delivery routes for a date")
    plan.add_argument("--station", required=True, help="the station's name or uid")
    plan.add_argument("--date", required=True, help="the delivery date, YYYY-MM-DD")
    plan.add_argument(
        "--wave", choices=["morning", "afternoon", "all"], help="one wave (default: all)"
    )
    plan.add_argument(
        "--seconds", type=float, help="solver time per wave (default: by the wave's size)"
    )
    plan.set_defaults(func=cmd_plan)

    gateway = sub.add_parser("gateway", help="run the MQTT device gateway (docs/mqtt.md)")
    gateway.add_argument("--client-id", help="default: heyi-gateway-<host>-<number>")
    gateway.add_argument(
        "--number", type=int, default=1, help="the <number> of the default client id (1)"
    )
    gateway.add_argument(
        "--no-shared",
        action="store_true",
        help="plain subscriptions, for a broker without shared subscriptions (one gateway only)",
    )
    gateway.add_argument("--batch-size", type=int, default=500, help="messages per commit (500)")
    gateway.add_argument(
        "--stats-interval", type=float, default=10.0, help="seconds between stats lines (10)"
    )
    gateway.set_defaults(func=cmd_gateway)

    simulate = sub.add_parser(
        "simulate-devices", help="simulated devices publishing to the MQTT broker"
    )
    chosen = simulate.add_mutually_exclusive_group()
    chosen.add_argument("--devices", type=int, help="the first N bound devices")
    chosen.add_argument("--serial", nargs="+", help="these bound devices")
    chosen.add_argument(
        "--create", type=int, metavar="N", help="create N simulated devices (tests, benchmark)"
    )
    simulate.add_argument("--interval", type=float, default=5.0, help="seconds between readings")
    simulate.add_argument("--duration", type=float, help="stop after this many seconds")
    simulate.add_argument(
        "--connections",
        type=int,
        help="MQTT connections shared by the devices (default: one per device)",
    )
    simulate.set_defaults(func=cmd_simulate_devices)

    ledger_export = sub.add_parser(
        "ledger-export", help="write the whole ledger as beancount text (bean-check accepts it)"
    )
    ledger_export.add_argument("--output", "-o", help="the file to write (default: stdout)")
    ledger_export.set_defaults(func=cmd_ledger_export)

    messages = sub.add_parser(
        "messages",
        help="update the translation catalogues from the code and compile them (docs/i18n.md)",
    )
    messages.add_argument(
        "units", nargs="*", help="apps (e.g. accounts) or 'heyi' for the project level"
    )
    messages.add_argument("--compile-only", action="store_true", help="only compile .po → .mo")
    messages.add_argument("--new", action="store_true", help="create catalogues for these units")
    messages.set_defaults(func=cmd_messages)

    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("extra", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)

    _bench_parser_add(sub)

    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
