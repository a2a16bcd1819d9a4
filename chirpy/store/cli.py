"""``chirpy forget``: erase a user's (or one conversation's) data from the log, for privacy requests."""

from __future__ import annotations

import click


@click.command("forget")
@click.option("--db", "db", required=True, metavar="LOG",
              help="The conversation log: an SQLite path or a postgresql:// URL.")
@click.option("--user", "user_id", default=None, metavar="USER_ID",
              help="Erase every conversation of this user id, and the facts remembered about them.")
@click.option("--conversation", "conversation_id", default=None, metavar="ID", help="Erase this one conversation.")
def forget_command(db: str, user_id: str | None, conversation_id: str | None) -> None:
    """Remove a user's conversations, turns, candidates, runs, state, labels and facts in one transaction.

    Copies made outside the log (JSONL exports, backups) are not touched: erase those too."""
    from chirpy.errors import ChirpyError
    from chirpy.store import open_log

    if (user_id is None) == (conversation_id is None):
        raise ChirpyError("give exactly one of --user USER_ID or --conversation ID")
    with open_log(db) as store:
        report = store.forget(user_id=user_id, conversation_id=conversation_id)
        where = store.display
    who = f"user {user_id}" if user_id is not None else f"conversation {conversation_id}"
    if not report.total:
        click.echo(f"nothing stored for {who} in {where}")
        return
    counts = ", ".join(f"{n} {table.replace('_', ' ')}" for table, n in report.to_dict().items() if n)
    click.echo(f"erased {who} from {where}: {counts}")
