"""Privacy requests: ``chirpy forget`` and ``DELETE /api/v1/users/{id}`` erase a user's data and say what went."""

from __future__ import annotations

from click.testing import CliRunner

from cli.main import cli
from chirpy.server import create_app
from chirpy.store import open_log


def _talk(bot, cid: str, user: str) -> None:
    bot.start(cid, user_id=user)
    bot.respond(cid, "my name is june")
    bot.respond(cid, "i like parrots")


def test_forget_command_erases_a_user_and_reports_it(make_bot, log_location):
    bot = make_bot(log_location)
    _talk(bot, "june-1", "june")
    _talk(bot, "june-2", "june")
    _talk(bot, "max-1", "max")
    turns = len(bot.store.turns("june-1")) + len(bot.store.turns("june-2"))
    result = CliRunner().invoke(cli, ["forget", "--db", log_location, "--user", "june"])
    assert result.exit_code == 0, result.output
    assert "erased user june from" in result.output
    assert f"2 conversations, {turns} turns," in result.output and "1 users" in result.output
    with open_log(log_location, read_only=True) as reader:
        assert reader.load_state("june-1") is None and reader.user_facts("june") == {}
        assert reader.load_state("max-1") is not None and reader.count_turns() == 3

    again = CliRunner().invoke(cli, ["forget", "--db", log_location, "--user", "june"])
    assert again.exit_code == 0 and "nothing stored for user june" in again.output
    one = CliRunner().invoke(cli, ["forget", "--db", log_location, "--conversation", "max-1"])
    assert one.exit_code == 0 and "erased conversation max-1" in one.output
    both = CliRunner().invoke(cli, ["forget", "--db", log_location])
    assert both.exit_code == 2 and "exactly one of --user" in both.output


def test_delete_user_route_erases_and_reports(make_bot, log_location):
    bot = make_bot(log_location)
    app = create_app(bot=bot, verify_alexa=False, env={})
    client = app.test_client()
    cid = client.post("/api/v1/conversations", json={"user_id": "amzn1.ask.account.JUNE"}).get_json()["conversation_id"]
    assert client.post(f"/api/v1/conversations/{cid}/turns", json={"text": "call me june"}).status_code == 200
    reply = client.delete("/api/v1/users/amzn1.ask.account.JUNE")
    assert reply.status_code == 200
    body = reply.get_json()
    assert body["user_id"] == "amzn1.ask.account.JUNE"
    assert body["removed"]["conversations"] == 1 and body["removed"]["turns"] == 2 and body["removed"]["users"] == 1
    assert client.get(f"/api/v1/conversations/{cid}").status_code == 404
    assert client.delete("/api/v1/users/amzn1.ask.account.JUNE").get_json()["removed"]["turns"] == 0
