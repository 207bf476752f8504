"""Telemetry ingest: simulated devices → Mosquitto → `heyi gateway` → PostgreSQL, beside the
rate at which a plain subscriber receives the same messages from the same broker in the same run.

    uv run heyi bench ingest [--database-url postgres://postgres@127.0.0.1:5432/heyi_bench_ingest]
        [--mqtt-url mqtt://127.0.0.1:1883] [--devices 1000] [--messages 60000]
        [--publishers 2] [--gateways 1 2]

The bench database is dropped, created and migrated; `--devices` devices are made with their
credentials (the simulator's fleet). Then, for each gateway count, a phase:

1. the gateways start as their own processes (`run_gateway`, the code behind `heyi gateway`),
   in a share group of their own, QoS 1, persistent sessions, acknowledging after commit;
2. a plain subscriber (QoS 1, no shared group, nothing stored) starts as its own process: the
   yardstick, the broker's raw delivery rate to one consumer;
3. publisher processes send `--messages` single-reading telemetry messages at QoS 1, as fast as
   the broker takes them, spread over the devices, each stamped with the time it was published;
4. the bench watches the readings table until every message is stored (or a time-out), and
   samples 1 message in 50 to see when its row became visible: the end-to-end latency;
5. the gateways stop and report their peak resident memory (VmHWM).

A message the plain subscriber got but no row holds is lost; the phase says how many.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RATIO_AIM = 0.5
SAMPLE_EVERY = 50
# Message ids are derived from the run and the message's number, so the bench knows the ids of
# the sampled messages before they are published and can watch for their rows from the start.
ID_NAMESPACE = uuid.UUID("6f1c2d9e-4b7a-4e0f-9a51-3c8d2e7b1a60")


def message_id(run: str, number: int) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, f"{run}:{number}"))


TELEMETRY_FILTER = "heyi/v1/devices/+/telemetry"


# --- children (run as `python -m bench.ingest --child …`) -------------------------------------


def _vm_hwm_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def child_gateway(args: argparse.Namespace) -> int:
    """One gateway process: prints `ready` once subscribed, its stats and peak memory at exit."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heyi.settings")
    import django

    django.setup()
    from heyi.devices.gateway.runner import run_gateway

    stop = threading.Event()

    def announce(gateway: Any) -> None:
        def wait() -> None:
            gateway.subscribed.wait(30)
            print("ready", flush=True)

        threading.Thread(target=wait, daemon=True).start()

    import signal

    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stats = run_gateway(
        client_id=args.client_id,
        url=args.mqtt_url,
        shared=True,
        group=args.group,
        stats_interval=3600,
        stop_event=stop,
        on_start=announce,
    )
    print(
        json.dumps({"stats": stats.snapshot(), "vm_hwm_kib": _vm_hwm_kib()}, default=str),
        flush=True,
    )
    return 0


def child_raw(args: argparse.Namespace) -> int:
    """The yardstick: a plain QoS 1 subscriber that counts, keeps nothing, and reports."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heyi.settings")
    import django

    django.setup()
    from heyi.devices.gateway.publisher import connect_arguments, mqtt_client, mqtt_endpoint

    endpoint = mqtt_endpoint(args.mqtt_url)
    client = mqtt_client(endpoint, client_id=f"bench-raw-{secrets.token_hex(3)}")
    state = {"count": 0, "first": 0.0, "last": 0.0}
    done = threading.Event()
    ready = threading.Event()

    def on_message(_client: Any, _userdata: Any, _message: Any) -> None:
        now = time.monotonic()
        if state["count"] == 0:
            state["first"] = now
        state["count"] += 1
        state["last"] = now
        if state["count"] >= args.expect:
            done.set()

    client.on_message = on_message
    client.on_subscribe = lambda *_a, **_k: ready.set()
    client.on_connect = lambda c, *_a, **_k: c.subscribe(TELEMETRY_FILTER, qos=1)
    client.connect(
        **connect_arguments(endpoint, receive_maximum=65535),
    )
    client.loop_start()
    ready.wait(30)
    print("ready", flush=True)
    done.wait(args.timeout)
    client.loop_stop()
    client.disconnect()
    seconds = state["last"] - state["first"]
    print(
        json.dumps(
            {
                "count": state["count"],
                "seconds": seconds,
                "rate": state["count"] / seconds if seconds > 0 else 0.0,
            }
        ),
        flush=True,
    )
    return 0


def _publish_share(
    mqtt_url: str,
    devices: list[tuple[str, str]],
    count: int,
    offset: int,
    queue: Any,
    rate: float = 0.0,
    run: str = "",
) -> None:
    """A publisher process: `count` single-reading messages at QoS 1, as fast as acknowledged."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heyi.settings")
    import django

    django.setup()
    import random

    from heyi.devices.gateway.publisher import connect_arguments, mqtt_client, mqtt_endpoint

    endpoint = mqtt_endpoint(mqtt_url)
    client = mqtt_client(endpoint, client_id=f"bench-pub-{offset}-{secrets.token_hex(3)}")
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    acked = threading.Semaphore(0)
    client.on_publish = lambda *_a, **_k: acked.release()
    connected = threading.Event()
    client.on_connect = lambda *_a, **_k: connected.set()
    client.connect(**connect_arguments(endpoint))
    client.loop_start()
    connected.wait(30)
    rng = random.Random(offset)
    started = time.monotonic()
    in_flight = 0
    for index in range(count):
        if rate > 0:
            # Paced: this publisher's share of the target rate, not faster.
            ahead = started + index / rate - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)
        serial, token = devices[(offset + index) % len(devices)]
        body = {
            "v": 1,
            "id": message_id(run, offset + index),
            "ts": int(time.time() * 1000),
            "auth": token,
            "values": {
                "temperature": round(20 + rng.gauss(0, 2), 2),
                "humidity": round(min(100, max(0, 45 + rng.gauss(0, 5))), 1),
                "window_open": rng.random() < 0.05,
            },
        }
        client.publish(
            f"heyi/v1/devices/{serial}/telemetry", json.dumps(body, separators=(",", ":")), qos=1
        )
        in_flight += 1
        # Keep at most 1000 unacknowledged, as paho's in-flight window does.
        while in_flight >= 1000:
            acked.acquire()
            in_flight -= 1
    while in_flight:
        acked.acquire()
        in_flight -= 1
    seconds = time.monotonic() - started
    client.loop_stop()
    client.disconnect()
    queue.put({"count": count, "seconds": seconds})


# --- the bench --------------------------------------------------------------------------------


@dataclass
class Phase:
    gateways: int
    published: int
    publish_seconds: float
    raw: dict[str, Any]
    stored: int
    stored_seconds: float
    latencies_ms: list[float]
    receipt_ms: dict[str, float]
    peak_kib: list[int]
    gateway_stats: list[dict[str, Any]]
    lost: int

    @property
    def stored_rate(self) -> float:
        return self.stored / self.stored_seconds if self.stored_seconds > 0 else 0.0

    @property
    def ratio(self) -> float:
        raw = float(self.raw.get("rate", 0.0))
        return self.stored_rate / raw if raw > 0 else 0.0


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _child(mode: str, env: dict[str, str], *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bench.ingest", "--child", mode, *extra],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def _wait_ready(process: subprocess.Popen[str], what: str) -> None:
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if line != "ready":
        raise SystemExit(f"the {what} did not start (said {line!r})")


def _last_json(process: subprocess.Popen[str]) -> dict[str, Any]:
    output, _ = process.communicate(timeout=120)
    for line in reversed(output.strip().splitlines()):
        if line.startswith("{"):
            return dict(json.loads(line))
    return {}


def _session_clear(mqtt_url: str, client_id: str) -> None:
    """End a stopped gateway's persistent session, so that the broker stops queueing for it."""
    from heyi.devices.gateway.publisher import connect_arguments, mqtt_client, mqtt_endpoint

    endpoint = mqtt_endpoint(mqtt_url)
    client = mqtt_client(endpoint, client_id=client_id)
    connected = threading.Event()
    client.on_connect = lambda *_a, **_k: connected.set()
    client.connect(**connect_arguments(endpoint))
    client.loop_start()
    connected.wait(10)
    client.disconnect()
    client.loop_stop()


def phase_run(
    *,
    gateways: int,
    devices: list[tuple[str, str]],
    messages: int,
    publishers: int,
    env: dict[str, str],
    mqtt_url: str,
    timeout: float,
    rate: float = 0.0,
) -> Phase:
    from django.db import connection

    from heyi.devices.models import Device, Reading

    Reading.objects.all().delete()
    group = f"bench-{secrets.token_hex(3)}"
    children = [
        _child(
            "gateway",
            env,
            "--client-id",
            f"{group}-gw{number}",
            "--group",
            group,
            "--mqtt-url",
            mqtt_url,
        )
        for number in range(1, gateways + 1)
    ]
    for child in children:
        _wait_ready(child, "gateway")
    raw = _child(
        "raw", env, "--expect", str(messages), "--timeout", str(timeout), "--mqtt-url", mqtt_url
    )
    _wait_ready(raw, "plain subscriber")
    queue: Any = multiprocessing.get_context("spawn").Queue()
    share = messages // publishers
    counts = [share + (1 if index < messages % publishers else 0) for index in range(publishers)]
    processes = [
        multiprocessing.get_context("spawn").Process(
            target=_publish_share,
            args=(
                mqtt_url,
                devices,
                count,
                sum(counts[:index]),
                queue,
                rate / publishers,
                group,
            ),
        )
        for index, count in enumerate(counts)
    ]
    for process in processes:
        process.start()
    started = time.monotonic()
    results: list[dict[str, Any]] = []
    # Watch the table: when rows first appear and when the last one does; sample visibility.
    seen_at: dict[str, float] = {}
    pks = dict(Device.objects.values_list("serial", "pk"))
    pending = {
        message_id(group, number): pks[devices[number % len(devices)][0]]
        for number in range(0, messages, SAMPLE_EVERY)
    }
    first_row = 0.0
    stored = 0
    deadline = started + timeout
    while time.monotonic() < deadline:
        while not queue.empty():
            results.append(queue.get())
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM devices_reading")
            stored = int(cursor.fetchone()[0])
            now = time.monotonic()
            if stored and not first_row:
                first_row = now
            if pending:
                # By (device, message id): the unique index answers it.
                cursor.execute(
                    "SELECT message_id, device_ts FROM devices_reading "
                    "WHERE device_id = ANY(%s) AND message_id = ANY(%s)",
                    [sorted(set(pending.values())), list(pending)],
                )
                wall = time.time()
                for found, device_ts in cursor.fetchall():
                    if found in pending:
                        seen_at[found] = (wall - device_ts.timestamp()) * 1000
                        del pending[found]
        if stored >= messages and len(results) == publishers and not pending:
            break
        time.sleep(0.1)
    last_row = time.monotonic()
    for process in processes:
        process.join(timeout=60)
    for child in children:
        child.terminate()
    outputs = [_last_json(child) for child in children]
    for number in range(1, gateways + 1):
        _session_clear(mqtt_url, f"{group}-gw{number}")
    raw_result = _last_json(raw)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP "
            "(ORDER BY extract(epoch FROM received_at - device_ts) * 1000) FROM devices_reading"
        )
        p50, p95, p99 = cursor.fetchone()[0] or [float("nan")] * 3
        cursor.execute("SELECT count(DISTINCT message_id) FROM devices_reading")
        distinct = int(cursor.fetchone()[0])
    published = sum(result["count"] for result in results)
    return Phase(
        gateways=gateways,
        published=published,
        publish_seconds=max((result["seconds"] for result in results), default=0.0),
        raw=raw_result,
        stored=stored,
        stored_seconds=last_row - first_row if first_row else 0.0,
        latencies_ms=list(seen_at.values()),
        receipt_ms={"p50": p50, "p95": p95, "p99": p99},
        peak_kib=[int(output.get("vm_hwm_kib", 0)) for output in outputs],
        gateway_stats=[dict(output.get("stats", {})) for output in outputs],
        lost=published - distinct,
    )


def _report(phases: list[Phase], *, devices: int, load: str, pace: str) -> bool:
    print(f"\nTelemetry ingest: {devices} devices, QoS 1, Mosquitto → gateway → PostgreSQL")
    print(f"publishing: {pace}")
    print(f"load average before the run: {load}")
    print(
        f"{'gateways':>8} {'published':>9} {'publish/s':>9} {'raw recv/s':>10} "
        f"{'stored/s':>9} {'ratio':>6} {'e2e p50':>8} {'p95':>7} {'p99':>7} "
        f"{'peak MiB':>9} {'lost':>5}"
    )
    ok = True
    for phase in phases:
        raw_rate = float(phase.raw.get("rate", 0.0))
        peak = "/".join(f"{kib / 1024:.0f}" for kib in phase.peak_kib)
        latencies = phase.latencies_ms
        print(
            f"{phase.gateways:>8} {phase.published:>9} "
            f"{phase.published / phase.publish_seconds if phase.publish_seconds else 0:>9.0f} "
            f"{raw_rate:>10.0f} {phase.stored_rate:>9.0f} {phase.ratio:>6.2f} "
            f"{_quantile(latencies, 0.5):>6.0f}ms {_quantile(latencies, 0.95):>5.0f}ms "
            f"{_quantile(latencies, 0.99):>5.0f}ms {peak:>9} {phase.lost:>5}"
        )
        refused = {k: v for s in phase.gateway_stats for k, v in s.get("refused", {}).items()}
        print(
            f"         plain subscriber got {phase.raw.get('count', 0)} of {phase.published}; "
            f"stored {phase.stored}; gateway receipt latency p50/p95/p99 "
            f"{phase.receipt_ms['p50']:.0f}/{phase.receipt_ms['p95']:.0f}/"
            f"{phase.receipt_ms['p99']:.0f} ms; e2e sample {len(latencies)} messages; "
            f"refused {refused or 'none'}"
        )
        ok = ok and phase.lost == 0 and phase.stored == phase.published
    if phases:
        first = phases[0]
        aim = "met" if first.ratio >= RATIO_AIM else "NOT met"
        print(f"\naim: 1 gateway stores ≥ {RATIO_AIM:.0%} of the raw rate with none lost: {aim}")
        if len(phases) > 1 and first.stored_rate:
            growth = ", ".join(
                f"{p.gateways} gateways ×{p.stored_rate / first.stored_rate:.2f}"
                for p in phases[1:]
            )
            print(f"scaling against 1 gateway: {growth}")
    return ok


BROKER_CONFIG = """\
listener {port} 127.0.0.1
allow_anonymous true
persistence false
# Mosquitto's default keeps 1,000 queued QoS 1 messages per session and drops the rest silently;
# a gateway that falls behind must find every message still queued.
max_queued_messages 1000000
max_queued_bytes 0
log_dest none
"""


def broker_start() -> tuple[subprocess.Popen[bytes], str]:
    """A private Mosquitto for the run (same binary as the machine's), configured not to drop."""
    import shutil
    import socket

    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = Path(tempfile.mkdtemp(prefix="heyi-bench-broker-")) / "mosquitto.conf"
    config.write_text(BROKER_CONFIG.format(port=port))
    process = subprocess.Popen([binary, "-c", str(config)], stdout=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    return process, f"mqtt://127.0.0.1:{port}"


def run(args: argparse.Namespace) -> int:
    sys.path.insert(0, str(ROOT))

    broker = None
    if args.mqtt_url is None:
        broker, args.mqtt_url = broker_start()
        print(f"private Mosquitto at {args.mqtt_url} (max_queued_messages 1000000)")
    try:
        return _run(args)
    finally:
        if broker is not None:
            broker.terminate()
            broker.wait(10)


def _run(args: argparse.Namespace) -> int:
    from bench.order_load import database_recreate

    database_recreate(args.database_url)
    env = {
        "DATABASE_URL": args.database_url,
        "MQTT_URL": args.mqtt_url,
        "MQTT_SHARED_SUBSCRIPTIONS": "1",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "heyi.settings",
    }
    os.environ.update(env)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
        cwd=ROOT,
        env={**os.environ},
        check=True,
    )
    import django

    django.setup()
    from heyi.devices.simulator import simulated_fleet_create

    fleet = simulated_fleet_create(args.devices, prefix=f"B{secrets.token_hex(2).upper()}")
    devices = [(identity.serial, identity.token) for identity in fleet]
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    phases = [
        phase_run(
            gateways=count,
            devices=devices,
            messages=args.messages,
            publishers=args.publishers,
            env=env,
            mqtt_url=args.mqtt_url,
            timeout=args.timeout,
            rate=args.rate,
        )
        for count in args.gateways
    ]
    pace = f"paced at {args.rate:.0f} messages/s" if args.rate else "as fast as possible"
    ok = _report(phases, devices=len(devices), load=load, pace=pace)
    latencies = [value for phase in phases for value in phase.latencies_ms]
    if latencies:
        print(f"all phases: mean end-to-end latency {statistics.fmean(latencies):.0f} ms")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest")
    parser.add_argument("--child", choices=["gateway", "raw"], required=True)
    parser.add_argument("--client-id")
    parser.add_argument("--group")
    parser.add_argument("--mqtt-url", default="mqtt://127.0.0.1:1883")
    parser.add_argument("--expect", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args(argv)
    return child_gateway(args) if args.child == "gateway" else child_raw(args)


if __name__ == "__main__":
    raise SystemExit(main())
