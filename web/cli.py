"""``sverka serve`` and ``sverka demo``: run the web app with a production WSGI server."""
from __future__ import annotations

import threading

import click
from flask import Flask

from tm.cli.context import CliContext


def _serve(ctx: CliContext, host: str, port: int, threads: int) -> None:
    from waitress import serve as waitress_serve

    from web import create_app

    ctx.ensure_schema()
    app = create_app({"DATABASE_URL": ctx.url})
    _warm_search_index(app)
    click.echo(f"Sverka is running at http://{host}:{port}/  (database: "
               f"{ctx.engine.url.render_as_string(hide_password=True)}; Ctrl+C stops)")
    waitress_serve(app, host=host, port=port, threads=threads, ident="Sverka")


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
    click.option("--port", default=5000, show_default=True, type=int, envvar="SVERKA_PORT",
                 help="Port to listen on. Env: SVERKA_PORT."),
    click.option("--threads", default=4, show_default=True, type=int,
                 help="Worker threads of the WSGI server."),
]


def _with_serve_options(function):  # type: ignore[no-untyped-def]
    for option in reversed(serve_options):
        function = option(function)
    return function


@click.command("serve")
@_with_serve_options
@click.pass_obj
def serve(ctx: CliContext, host: str, port: int, threads: int) -> None:
    """Serve the web UI with waitress (a production WSGI server)."""
    _serve(ctx, host, port, threads)


@click.command("demo")
@_with_serve_options
@click.pass_obj
def demo(ctx: CliContext, host: str, port: int, threads: int) -> None:
    """Load the sample corpus into the database (if not there yet) and serve the web UI."""
    from tm.corpus import load_corpus

    with ctx.transaction() as session:
        entries = load_corpus(session)
    click.echo(f"Sample corpus: {sum(e.loaded for e in entries)} articles loaded, "
               f"{sum(not e.loaded for e in entries)} already present.")
    _serve(ctx, host, port, threads)
