"""``sverka serve`` and ``sverka demo``: run the web app with a production WSGI server."""
from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from tm.cli.context import CliContext
from tm.errors import InputError
from tm.messages import system_reason

if TYPE_CHECKING:  # Flask is imported when a server starts, not for `sverka --help`
    from flask import Flask
    from sqlalchemy.orm import Session

    from tm.queue import JobQueue

# Worker threads of the WSGI server: at least one answers; past a few dozen, the database
# (one SQLite writer, a PostgreSQL pool) is the limit, not the threads.
MAX_THREADS = 64
# Room for a multipart upload's boundaries and headers beyond the app's own body limit, so
# the app (not waitress) refuses a too-large upload, with a page in the user's language.
UPLOAD_OVERHEAD_BYTES = 1 << 20


def _listen(ctx: CliContext, host: str, port: int, threads: int, run_jobs: bool) -> Any:
    """Create the app and a WSGI server bound to ``host:port`` (not yet answering).

    With ``run_jobs`` the app's job queue is consumed in this process (the embedded default).
    """
    from waitress import create_server

    from web import create_app
    from web.jobs import job_queue, start_consumer

    listening = _bind(host, port)
    try:
        ctx.ensure_schema()
        app = create_app({"DATABASE_URL": ctx.url, "DATA_DIR": str(ctx.data_dir)})
        _refuse_a_weak_key(app)
        server = create_server(
            app, sockets=[listening], threads=threads, ident="Sverka",
            max_request_body_size=app.config["MAX_CONTENT_LENGTH"] + UPLOAD_OVERHEAD_BYTES)
    except BaseException:
        listening.close()
        raise
    _warm_search_index(app)
    tidy_jobs(ctx, job_queue(app), log=app.logger.warning)
    if run_jobs:
        start_consumer(app)
    return server


def tidy_jobs(ctx: CliContext, queue: JobQueue, log: Callable[..., None]) -> None:
    """At start: say which jobs died with their process, drop old inputs and orphan uploads."""
    from tm.queue import tidy

    with ctx.transaction() as session:
        interrupted, removed = tidy(session, queue)
    if interrupted:
        log("%d jobs were interrupted when their process stopped", interrupted)
    if removed:
        log("removed %d uploads no job needs any more", removed)


def _refuse_a_weak_key(app: Flask) -> None:
    """Refuse to serve with a key anyone could sign session cookies with."""
    from web.secret_key import SECRET_KEY_ENV, weakness

    if (why := weakness(app.config["SECRET_KEY"])) is not None:
        app.extensions["sverka_engine"].dispose()
        raise InputError("secret-key-weak", "refusing to serve with this secret key "
                         "({reason}): set {variable} to a long random string, or unset it to "
                         "use a generated one", reason=why, variable=SECRET_KEY_ENV)


def _bind(host: str, port: int) -> socket.socket:
    """Return a socket bound to ``host:port``, or say in one line why there can be none."""
    listening = None
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM)[0]
        listening = socket.socket(family, kind, proto)
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind(address)
    except OSError as error:  # a busy port, a host name or address not on this machine
        if listening is not None:
            listening.close()
        raise InputError("listen-failed", "cannot listen on {host}:{port}: {reason}",
                         host=host, port=port, reason=system_reason(error)) from error
    return listening


def _run(ctx: CliContext, server: Any) -> None:
    """Say where the server listens (it does by now), then answer until stopped."""
    click.echo(f"Sverka is running at http://{server.effective_host}:{server.effective_port}/"
               f"  (database: {ctx.engine.url.render_as_string(hide_password=True)}; "
               "Ctrl+C stops)")
    try:
        server.run()
    finally:
        from web.jobs import close_queue

        close_queue(server.application, wait=False)  # Ctrl+C stops now: its job, interrupted


def _warm_search_index(app: Flask) -> None:
    """Load the memory search index in a thread, so the first suggestions come at once."""
    from tm.search import warm_index

    def warm() -> None:
        try:
            rows = warm_index(app.extensions["sverka_engine"])
        except Exception:  # the lookups load it themselves, and report what is wrong
            app.logger.exception("loading the search index at start failed")
        else:
            app.logger.info("search index loaded: %d units", rows)

    threading.Thread(target=warm, name="sverka-search-index", daemon=True).start()


serve_options = [
    click.option("--host", default="127.0.0.1", show_default=True, envvar="SVERKA_HOST",
                 help="Address to listen on. Env: SVERKA_HOST."),
    click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535),
                 envvar="SVERKA_PORT", help="Port to listen on. Env: SVERKA_PORT."),
    click.option("--threads", default=4, show_default=True,
                 type=click.IntRange(1, MAX_THREADS), help="Worker threads of the WSGI server."),
    click.option("--jobs/--no-jobs", "run_jobs", default=True, show_default=True,
                 envvar="SVERKA_SERVE_JOBS",
                 help="Run queued jobs (imports) in this process; --no-jobs when `sverka "
                      "worker` processes run them. Env: SVERKA_SERVE_JOBS."),
]


def _with_serve_options(function: Callable[..., None]) -> Callable[..., None]:
    for option in reversed(serve_options):
        function = option(function)
    return function


@click.command("serve")
@_with_serve_options
@click.pass_obj
def serve(ctx: CliContext, host: str, port: int, threads: int, run_jobs: bool) -> None:
    """Serve the web UI with waitress (a production WSGI server)."""
    from tm.accounts.users import count_users

    server = _listen(ctx, host, port, threads, run_jobs)
    with ctx.transaction() as session:
        if not count_users(session):  # serve never makes one: say how
            click.echo("No users yet: add the first with `sverka user add LOGIN --role admin`.")
    _run(ctx, server)


@click.command("demo")
@_with_serve_options
@click.pass_obj
def demo(ctx: CliContext, host: str, port: int, threads: int, run_jobs: bool) -> None:
    """Load the demo desk (the sample corpus, a memory, a scored test set; what is not there
    yet) and serve the web UI."""
    from tm.accounts.tokens import LOGIN_LINK_MINUTES
    from tm.demo import ARCHIVE_MEMORY, TEST_SET, load_demo

    # A busy port fails before the corpus loads.
    server = _listen(ctx, host, port, threads, run_jobs)
    with ctx.transaction() as session:
        desk = load_demo(session)
        secret = demo_login_link(session)
    click.echo(f"Sample corpus: {desk.articles_loaded} articles loaded, "
               f"{desk.articles_present} already present.")
    if desk.memory_units:
        click.echo(f"Memory {ARCHIVE_MEMORY!r}: {desk.memory_units} units from the desk's TMX.")
    if desk.test_set_loaded:
        click.echo(f"Test set {TEST_SET!r}: two systems scored with a paired bootstrap.")
    click.echo(f"Log in as {DEMO_LOGIN!r} (admin) with this link, once, within "
               f"{LOGIN_LINK_MINUTES} minutes: "
               f"http://{server.effective_host}:{server.effective_port}/login/link/{secret}")
    _run(ctx, server)


DEMO_LOGIN = "demo"


def demo_login_link(session: Session) -> str:
    """Make the demo user (an admin with no password) if there is none; return a login link.

    Only ``sverka demo`` makes a user by itself, and only this one: ``sverka serve`` never
    does, and a desk's real users come from ``sverka user add``.
    """
    from tm.accounts import create_user, find_user, record_event
    from tm.accounts.tokens import create_login_link
    from tm.models import AuditAction, Role

    user = find_user(session, DEMO_LOGIN)
    if user is None:
        user = create_user(session, DEMO_LOGIN, role=Role.ADMIN, password=None,
                           display_name="Demo")
        record_event(session, AuditAction.USER_ADD, actor="sverka demo", object_type="user",
                     object_id=user.login, detail={"role": user.role.value})
    _token, secret = create_login_link(session, user)
    return secret
