"""``chirpy serve``: the development server. Production runs the same app under gunicorn (README)."""

from __future__ import annotations

import click

from chirpy.registry import commands
from cli.options import BotOptions, bot_options, build_bot


@commands.register("serve")
@click.command()
@bot_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--dev-skip-alexa-verification", "skip_verification", is_flag=True,
              help="DEVELOPMENT ONLY: accept unsigned Alexa requests (e.g. from curl or a simulator).")
def serve(bot_options: BotOptions, host: str, port: int, skip_verification: bool) -> None:
    """Serve the Alexa skill endpoint (/alexa) and the JSON API (/api/v1, /openapi.json)."""
    from chirpy.server.app import create_app

    bot = build_bot(bot_options)
    try:
        app = create_app(bot=bot, verify_alexa=not skip_verification)
        if skip_verification:
            click.secho("Alexa request verification is OFF: for local development only.", fg="yellow", err=True)
        click.echo(f"chirpy serving on http://{host}:{port}  (API spec: /openapi.json; Ctrl-C to stop)", err=True)
        app.run(host=host, port=port, threaded=True, use_reloader=False)
    finally:
        bot.close()
