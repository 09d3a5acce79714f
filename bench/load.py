"""The editor under load: N clients reading editor pages and saving segments, 1–4 processes.

For each ``--processes`` count the bench starts that many ``sverka serve`` processes on
loopback ports, all on one fresh PostgreSQL database, and plays the load balancer itself:
every request goes to the next process in turn (round-robin over all clients' requests).
The database is made for the run (``CREATE DATABASE`` on the ``--postgres`` server, which
must be on this machine), given its schema (``sverka db upgrade``), the sample corpus
(``sverka load-corpora``), a reviewer and an API token (``sverka user add``, ``sverka token
create``), and dropped at the end. ``--history N`` gives every translation N earlier
revisions first, as on a desk whose segments were saved many times (the sample corpus's have
one each).

Each of ``--clients`` threads logs in with a password (a session cookie, as a browser does)
and then loops for ``--seconds``: open the editor page of a document (``GET
/documents/<id>/edit``), then save one of its units (``PUT /api/translations/<id>`` with a
changed text, the ``X-CSRF-Token`` of the page and, as ``expected_version``, the version the
page showed). Every client edits its own translations only, so a 409 is a bug, not a race;
every non-2xx answer (and every failed connection) counts as an error, and a few are printed.

Printed per process count: requests per second, p50/p95/p99 of page reads and of saves
(wall time at the client, loopback included), errors, and CPU seconds in the measured window
of the servers (``/proc/<pid>/stat``), of PostgreSQL's backends serving the database, and of
the bench's own clients — all on the same cores, so the bench's share is said too.

    python bench/load.py [--clients 8] [--seconds 10] [--processes 1,2,4] [--threads 4]
                         [--history 0] [--json]
                         [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""
from __future__ import annotations

import argparse
import contextlib
import http.client
import ipaddress
import itertools
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
MAX_CLIENTS = 64  # past this, the bench's own threads (one interpreter) are what is measured
MAX_SECONDS = 60  # per process count: the machine is shared, runs stay short
MAX_PROCESSES = 8
MAX_THREADS = 64  # as `sverka serve --threads`
MAX_HISTORY = 1000  # earlier revisions per translation: 60,000 rows for the corpus, seconds
# Requests in the first second after the logins are not counted: connections, the first
# template renders and SQLAlchemy's compiled-statement caches are made then.
WARMUP_S = 1.0
START_TIMEOUT_S = 60.0  # a server's start (imports, schema check) on a loaded machine
STOP_TIMEOUT_S = 10.0
REQUEST_TIMEOUT_S = 30.0
ERROR_SAMPLES = 5
PASSWORD = "load-bench-password-" + secrets.token_urlsafe(12)
LOGIN = "loadbench"
TRACK = "human"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
UNIT_ROW = re.compile(r'data-translation="(\d+)" data-version="(\d+)"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


@dataclass
class Sample:
    """One request as a client saw it."""

    kind: str  # "page" or "save"
    started: float
    ms: float
    status: int  # 0: no answer (the connection failed)
    detail: str = ""


@dataclass
class Work:
    """What one client edits: (document id, translation id, original text) triples."""

    units: list[tuple[int, int, str]] = field(default_factory=list)


class Servers:
    """Round-robin over the servers' addresses: the bench's load balancer."""

    def __init__(self, ports: Sequence[int]) -> None:
        self.ports = list(ports)
        self._turn = itertools.count()  # next() on a count is atomic under the GIL

    def next_port(self) -> int:
        """Return the port of the server whose turn it is."""
        return self.ports[next(self._turn) % len(self.ports)]


class Client:
    """A browser's worth of state: one session cookie, one kept-alive connection per port."""

    def __init__(self) -> None:
        self.cookie: str | None = None
        self.connections: dict[int, http.client.HTTPConnection] = {}

    def request(self, port: int, method: str, path: str, *, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        """Send one request to the server on ``port``; return its status and body."""
        sent = dict(headers or {})
        if self.cookie:
            sent["Cookie"] = f"session={self.cookie}"
        for attempt in (1, 2):  # a kept-alive connection the server closed: reconnect once
            connection = self.connections.get(port)
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", port,
                                                        timeout=REQUEST_TIMEOUT_S)
                self.connections[port] = connection
            try:
                connection.request(method, path, body=body, headers=sent)
                response = connection.getresponse()
                data = response.read()
            except (http.client.HTTPException, OSError):
                connection.close()
                del self.connections[port]
                if attempt == 2:
                    raise
                continue
            for header in response.msg.get_all("Set-Cookie") or []:
                jar = SimpleCookie(header)
                if "session" in jar:
                    self.cookie = jar["session"].value or None
            return response.status, data
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Close the connections."""
        for connection in self.connections.values():
            connection.close()


def loopback(url: str) -> str:
    """Return ``url`` if its host is a loopback address; refuse any other."""
    host = urllib.parse.urlsplit(url).hostname
    try:
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(host, None)} if host else set()
    except OSError:
        addresses = set()
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback
                                for a in addresses):
        raise SystemExit(f"--postgres must name a server on this machine (127.0.0.1, ::1, "
                         f"localhost), not {host or 'a socket'!r}")
    return url


def percentile(values: list[float], share: float) -> float:
    """Return the ``share`` quantile (nearest rank) of ``values``, as bench/editor_save.py."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def cpu_seconds(pid: int) -> float:
    """Return the user + system CPU seconds of process ``pid`` so far (0 if it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()  # the name in parentheses may hold spaces
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime (fields 14, 15)


def free_port() -> int:
    """Return a loopback port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def sverka(*args: str, env: dict[str, str], stdin: str | None = None) -> str:
    """Run one ``sverka`` command; return its standard output, or stop with its error."""
    done = subprocess.run([sys.executable, "-m", "tm.cli", *args], input=stdin, env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"sverka {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


@contextlib.contextmanager
def database(admin_url: str) -> Iterator[str]:
    """Create a database of the bench's own on ``admin_url``'s server; drop it afterwards."""
    from sqlalchemy import create_engine, text

    name = f"sverka_load_{secrets.token_hex(4)}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield str(engine.url.set(database=name).render_as_string(hide_password=False))
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def backend_pids(admin_url: str, name: str) -> list[int]:
    """Return the PostgreSQL backends connected to database ``name`` now."""
    from sqlalchemy import create_engine, text

    engine = create_engine(admin_url)
    with engine.connect() as connection:
        pids = list(connection.scalars(
            text("SELECT pid FROM pg_stat_activity WHERE datname = :name"), {"name": name}))
    engine.dispose()
    return pids


def prepare(env: dict[str, str], *, history: int) -> str:
    """Give the database its schema, the corpus (each translation with ``history`` earlier
    revisions) and a reviewer; return an API token."""
    sverka("db", "upgrade", env=env)
    sverka("load-corpora", "--json", env=env)
    if history:
        add_history(env["SVERKA_DATABASE_URL"], history)
    sverka("user", "add", LOGIN, "--role", "reviewer", "--password-stdin", env=env,
           stdin=PASSWORD + "\n")
    return str(json.loads(sverka("token", "create", "--user", LOGIN, "--name", "load bench",
                                 "--json", env=env))["token"])


def add_history(url: str, count: int) -> None:
    """Give every translation ``count`` more revisions, copies of its first (in one INSERT)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO translation_revision (translation_id, number, text, status, author, "
            "author_id, action, changed_at) SELECT translation_id, number + n, text, status, "
            "author, author_id, action, changed_at FROM translation_revision, "
            "generate_series(1, :count) AS n WHERE number = 1"), {"count": count})
    engine.dispose()


@contextlib.contextmanager
def serving(count: int, threads: int, env: dict[str, str],
            folder: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Start ``count`` servers and wait until each answers; stop them all afterwards."""
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for n in range(count):
            port = free_port()
            with (folder / f"serve-{count}-{n}.log").open("wb") as log:
                process = subprocess.Popen(
                    [sys.executable, "-m", "tm.cli", "serve", "--port", str(port),
                     "--threads", str(threads)], env=env, stdout=log, stderr=subprocess.STDOUT,
                    start_new_session=True)  # Ctrl+C reaches the bench, which stops them
            process.port = port  # type: ignore[attr-defined]
            processes.append(process)
        for process in processes:
            wait_ready(process, folder)
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_ready(process: subprocess.Popen[bytes], folder: Path) -> None:
    """Wait until ``process`` answers ``/healthz``; stop with its log if it does not."""
    port = process.port  # type: ignore[attr-defined]
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(OSError, http.client.HTTPException):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                connection.close()
                return
            connection.close()
        time.sleep(0.1)
    logs = "\n".join(p.read_text(errors="replace")[-2000:] for p in folder.glob("serve-*.log"))
    raise SystemExit(f"a server on port {port} did not start:\n{logs}")


def discover(port: int, token: str, clients: int) -> list[Work]:
    """Find the corpus's translations and deal them out, each to one client."""
    api = Client()
    bearer = {"Authorization": f"Bearer {token}"}
    status, body = api.request(port, "GET", "/api/documents", headers=bearer)
    assert status == 200, body[:300]
    units = []
    for document in json.loads(body):
        status, body = api.request(port, "GET", f"/api/documents/{document['id']}/units"
                                   f"?track={TRACK}", headers=bearer)
        assert status == 200, body[:300]
        units += [(document["id"], u["translation"]["id"], u["translation"]["text"])
                  for u in json.loads(body)["units"] if u["translation"]]
    api.close()
    if len(units) < clients:
        raise SystemExit(f"the corpus has {len(units)} translations, fewer than --clients")
    work = [Work() for _ in range(clients)]
    for n, unit in enumerate(units):
        work[n % clients].units.append(unit)
    return work


def log_in(client: Client, servers: Servers) -> None:
    """Log in as the bench's reviewer through the login form, as a browser does."""
    status, body = client.request(servers.next_port(), "GET", "/login")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', body)
    assert status == 200 and token, (status, body[:300])
    form = urllib.parse.urlencode({"login": LOGIN, "password": PASSWORD,
                                   "csrf_token": token.group(1).decode(), "next": "/"})
    status, body = client.request(
        servers.next_port(), "POST", "/login", body=form.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 303, (status, body[:300])


def run_client(number: int, work: Work, servers: Servers, start: threading.Barrier,
               stop_at: list[float], samples: list[Sample], failures: list[str]) -> None:
    """Log in, wait for the others, then open a page and save a unit until ``stop_at``."""
    client = Client()
    try:
        try:
            log_in(client, servers)
        except (AssertionError, OSError, http.client.HTTPException) as error:
            failures.append(f"client {number} could not log in: {error!r}")
            start.abort()  # the bench stops with this, not a traceback per thread
            return
        start.wait()
        for n in itertools.count():
            if time.monotonic() >= stop_at[0]:
                break
            document_id, translation_id, original = work.units[n % len(work.units)]
            page = timed(client, servers, "page", "GET",
                         f"/documents/{document_id}/edit?track={TRACK}")
            samples.append(page[0])
            if page[0].status != 200:
                continue
            html = page[1].decode()
            versions = {int(t): int(v) for t, v in UNIT_ROW.findall(html)}
            csrf = CSRF_META.search(html)
            if translation_id not in versions or csrf is None:
                page[0].status, page[0].detail = 599, "the page lacks the unit or CSRF token"
                continue
            body = json.dumps({"text": f"{original} [{number}.{n}]",
                               "expected_version": versions[translation_id]}).encode()
            samples.append(timed(client, servers, "save", "PUT",
                                 f"/api/translations/{translation_id}", body=body,
                                 headers={"Content-Type": "application/json",
                                          "X-CSRF-Token": csrf.group(1)})[0])
    except threading.BrokenBarrierError:
        pass
    finally:
        client.close()


def timed(client: Client, servers: Servers, kind: str, method: str, path: str,
          **options: Any) -> tuple[Sample, bytes]:
    """Send one request to the next server; return how it went and its body."""
    started = time.monotonic()
    try:
        status, body = client.request(servers.next_port(), method, path, **options)
    except (http.client.HTTPException, OSError) as error:
        status, body = 0, repr(error).encode()
    sample = Sample(kind, started, (time.monotonic() - started) * 1000, status)
    if not 200 <= status < 300:
        sample.detail = f"{method} {path}: {body[:200].decode(errors='replace')}"
    return sample, body


def measure(processes: list[subprocess.Popen[bytes]], work: list[Work], seconds: float,
            admin_url: str, name: str) -> dict[str, Any]:
    """Run the clients against ``processes`` for ``seconds``; return what was measured."""
    servers = Servers([p.port for p in processes])  # type: ignore[attr-defined]
    start = threading.Barrier(len(work) + 1)
    stop_at = [float("inf")]
    samples: list[Sample] = []
    failures: list[str] = []
    threads = [threading.Thread(target=run_client, args=(n, w, servers, start, stop_at,
                                                          samples, failures), daemon=True)
               for n, w in enumerate(work)]
    for thread in threads:
        thread.start()
    try:
        start.wait(timeout=START_TIMEOUT_S)  # every client has logged in
    except threading.BrokenBarrierError:
        raise SystemExit(failures[0] if failures else "the clients did not log in within "
                         f"{START_TIMEOUT_S:.0f} s") from None
    began = time.monotonic()
    window = (began + WARMUP_S, began + WARMUP_S + seconds)
    stop_at[0] = window[1]
    time.sleep(WARMUP_S)
    pids = [p.pid for p in processes]
    backends = backend_pids(admin_url, name)
    server_cpu, backend_cpu = [cpu_seconds(p) for p in pids], [cpu_seconds(p) for p in backends]
    bench_cpu = time.process_time()
    time.sleep(max(0.0, window[1] - time.monotonic()))
    server_cpu = [cpu_seconds(p) - c for p, c in zip(pids, server_cpu, strict=True)]
    # The backends connected when the window began (the pools are full by then); one that
    # ended in it counts nothing rather than less than nothing.
    backend_cpu = [max(0.0, cpu_seconds(p) - c)
                   for p, c in zip(backends, backend_cpu, strict=True)]
    bench_cpu = time.process_time() - bench_cpu
    for thread in threads:
        thread.join(REQUEST_TIMEOUT_S)
    # Requests that ended in the window: as many as the servers answered in it, whenever
    # they began (requests/s counted by starts would leave out those in flight at its end).
    counted = [s for s in samples if window[0] <= s.started + s.ms / 1000 <= window[1]]
    return summary(len(processes), counted, seconds, server_cpu=sum(server_cpu),
                   backend_cpu=sum(backend_cpu), bench_cpu=bench_cpu)


def summary(processes: int, samples: list[Sample], seconds: float, *, server_cpu: float,
            backend_cpu: float, bench_cpu: float) -> dict[str, Any]:
    """Return the figures of one process count."""
    errors = [s for s in samples if not 200 <= s.status < 300]

    def latency(kind: str) -> dict[str, float | int]:
        times = [s.ms for s in samples if s.kind == kind and 200 <= s.status < 300]
        if not times:
            return {"count": 0}
        return {"count": len(times), "p50": round(percentile(times, 0.50), 1),
                "p95": round(percentile(times, 0.95), 1),
                "p99": round(percentile(times, 0.99), 1)}

    return {"processes": processes, "requests": len(samples),
            "requests_per_s": round(len(samples) / seconds, 1),
            "page_ms": latency("page"), "save_ms": latency("save"),
            "errors": len(errors),
            "error_samples": [f"{s.status} {s.detail}" for s in errors[:ERROR_SAMPLES]],
            "server_cpu_s": round(server_cpu, 2), "postgres_cpu_s": round(backend_cpu, 2),
            "bench_cpu_s": round(bench_cpu, 2),
            "server_cpu_ms_per_request": round(1000 * server_cpu / max(1, len(samples)), 2)}


def bounded(low: int, high: int) -> Any:
    """An argparse type: an int from ``low`` to ``high``."""
    def parse(value: str) -> int:
        number = int(value)
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"must be {low} to {high}")
        return number
    return parse


def process_counts(value: str) -> list[int]:
    """Parse ``--processes`` (``1,2,4``)."""
    counts = [bounded(1, MAX_PROCESSES)(part) for part in value.split(",") if part.strip()]
    if not counts:
        raise argparse.ArgumentTypeError("give at least one process count")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=bounded(1, MAX_CLIENTS), default=8)
    parser.add_argument("--seconds", type=bounded(1, MAX_SECONDS), default=10,
                        help="measured seconds per process count (after a second's warm-up)")
    parser.add_argument("--processes", type=process_counts, default=[1, 2, 4])
    parser.add_argument("--threads", type=bounded(1, MAX_THREADS), default=4,
                        help="worker threads of each server (sverka serve --threads)")
    parser.add_argument("--history", type=bounded(0, MAX_HISTORY), default=0,
                        help="earlier revisions each translation has before the run (a desk "
                             "whose segments were saved often)")
    parser.add_argument("--postgres", type=loopback, default=DEFAULT_POSTGRES,
                        help="a PostgreSQL server on this machine; the bench creates and "
                             "drops a database of its own there")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    # Ctrl+C (even when started in the background, where SIGINT comes ignored) and a plain
    # kill both unwind through the finally blocks: the servers stop, the database is dropped.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    results = []
    if not args.json:
        print(f"{args.clients} clients, {args.seconds} s per process count, {args.threads} "
              f"threads per server, {args.history} earlier revisions per translation, "
              f"{os.cpu_count()} cores shared with the bench; the bench is the load balancer "
              "(round-robin per request)")
    with tempfile.TemporaryDirectory(prefix="sverka-load-") as folder, \
            database(args.postgres) as url:
        env = {**os.environ, "SVERKA_DATABASE_URL": url, "SVERKA_DATA_DIR": folder,
               # One key for every process: a session begun on one is valid on the others.
               "SVERKA_SECRET_KEY": secrets.token_urlsafe(48)}
        token = prepare(env, history=args.history)
        name = url.rsplit("/", 1)[1]
        for count in args.processes:
            with serving(count, args.threads, env, Path(folder)) as processes:
                work = discover(processes[0].port, token, args.clients)  # type: ignore[attr-defined]
                results.append(measure(processes, work, args.seconds, args.postgres, name))
            if not args.json:
                show(results[-1])
    report = {"clients": args.clients, "seconds": args.seconds, "threads": args.threads,
              "history": args.history,
              "cores": os.cpu_count(), "balancer": "the bench, round-robin per request",
              "results": results}
    if args.json:
        print(json.dumps(report, indent=2))


def show(result: dict[str, Any]) -> None:
    """Print one process count's figures."""
    def ms(figures: dict[str, Any]) -> str:
        if not figures["count"]:
            return "none answered"
        return (f"p50 {figures['p50']} ms, p95 {figures['p95']} ms, p99 {figures['p99']} ms "
                f"({figures['count']})")

    print(f"{result['processes']} process{'es' if result['processes'] > 1 else ''}: "
          f"{result['requests_per_s']} requests/s; page {ms(result['page_ms'])}; "
          f"save {ms(result['save_ms'])}; {result['errors']} errors; CPU s: servers "
          f"{result['server_cpu_s']}, PostgreSQL {result['postgres_cpu_s']}, bench "
          f"{result['bench_cpu_s']} ({result['server_cpu_ms_per_request']} ms of server CPU "
          "per request)")
    for sample in result["error_samples"]:
        print(f"  error: {sample}")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:  # the servers were stopped and the database dropped on the way
        sys.exit(130)
