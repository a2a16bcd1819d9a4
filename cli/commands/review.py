"""``chirpy review``: read and label logged conversations in a browser (review/)."""

from __future__ import annotations

import getpass

import click

from chirpy.registry import commands


@commands.register("review")
@click.command("review")
@click.option("--db", "db", required=True, metavar="LOG", help="The conversation log: an SQLite path or a postgresql:// URL.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on. The app answers clients on this machine only, whatever the interface.")
@click.option("--port", type=click.IntRange(1, 65535), default=8001, show_default=True)
@click.option("--annotator", default=None, help="Your name on the labels you give (default: your login name).")
def review_command(db: str, host: str, port: int, annotator: str | None) -> None:
    """Browse, filter and label the conversations of a log (http://HOST:PORT)."""
    from chirpy.store import open_log, reading

    from review.app import create_review_app

    with reading(db):  # a missing or foreign log is an error here, never a new empty log
        pass
    store = open_log(db)  # a writer: labels are written to the log (its schema gains a labels table)
    try:
        app = create_review_app(store, annotator=annotator or _login(), extra_hosts=(host,))
        _check_free(host, port)
        click.echo(f"chirpy review on http://{host}:{port}  ({store.display}; Ctrl-C to stop)", err=True)
        app.run(host=host, port=port, threaded=True, use_reloader=False)
    finally:
        store.close()


def _check_free(host: str, port: int) -> None:
    """Werkzeug answers a taken port by printing and exiting 1; say it as one error line instead."""
    import socket

    from chirpy.errors import ChirpyError

    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will
            probe.bind((host, port))
    except OSError as exc:
        raise ChirpyError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "anonymous"
