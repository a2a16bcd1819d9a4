"""In a real Chromium: review a replayed log (filter, open, label by keyboard, see it in eval), and chat
on /chat (three turns, the replies, the debug panel). Screenshots land in test-artefacts/."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from chirpy.bot import Bot
from chirpy.server.app import create_app
from chirpy.store import open_log
from cli.main import cli
from review.app import create_review_app

from .conftest import bot_config


def test_a_person_filters_opens_and_labels_a_conversation_by_keyboard(replayed_log, serve, page, screenshot):
    store = open_log(replayed_log)
    try:
        server = serve(create_review_app(store, annotator="tester"))
        page.goto(server.url + "/")
        assert page.locator("a.open").count() == 6
        page.select_option("select[name=dissatisfaction]", "yes")
        page.click("#filters button[type=submit]")
        page.wait_for_url(re.compile(r"dissatisfaction=yes"))
        listed = page.locator("a.open").all_inner_texts()
        assert listed == ["conv-1"]  # "what?" and "you are not listening" are dissatisfaction, no other talk is
        screenshot(page, "list")

        page.click("a.open >> text=conv-1")
        page.wait_for_selector(".line.bot")
        page.keyboard.press("j")  # the launch turn's bot line
        page.keyboard.press("j")  # turn 1: the user's line
        page.keyboard.press("j")  # turn 1: the bot's line
        page.keyboard.press("5")  # bot error 5: ignoring
        page.wait_for_selector("#turn-1 .line.bot .chip.mine")
        page.keyboard.press("j")  # turn 2: the user's "what?"
        page.keyboard.press("1")  # dissatisfaction 1: clarification
        page.wait_for_selector("#turn-2 .line.user .chip.mine")
        page.keyboard.press("k")  # up to turn 1's bot line: 5 again takes the label off, and 5 puts it back
        page.keyboard.press("5")
        page.wait_for_selector("#turn-1 .line.bot .chip.mine", state="detached")
        page.keyboard.press("5")
        page.wait_for_selector("#turn-1 .line.bot .chip.mine")
        page.click("#turn-1 summary")  # the candidates of turn 1
        assert page.locator("#turn-1 table.candidates tr.chosen").count() >= 1
        screenshot(page, "conversation")
        page.keyboard.press("d")  # reviewed: done, on to the next
        page.wait_for_function("document.getElementById('reviewers').textContent.includes('tester')")
    finally:
        store.close()
    labels = {(lb.turn_index, lb.kind, lb.value, lb.annotator) for lb in open_log(replayed_log, read_only=True).labels()}
    assert labels == {(1, "bot_error", "ignoring", "tester"), (2, "dissatisfaction", "clarification", "tester"),
                      (-1, "reviewed", "complete", "tester")}

    result = CliRunner().invoke(cli, ["eval", "--db", str(replayed_log), "--json", "-", "--no-progress"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    human = report["labels"]
    assert human["reviewed_conversations"] == 1 and human["annotators"] == ["tester"]
    ignoring = next(r for r in human["bot_errors"]["rows"] if r["responder"] == "(any)" and r["type"] == "ignoring")
    assert ignoring["labelled"] == 1 and ignoring["turns"] == 5  # one of the conversation's five bot turns
    # The detector flagged "what?", "you are not listening" and "something else"; the person only "what?".
    detector = next(d for d in human["detectors"] if d["label"] == "dissatisfaction: (any)")
    assert (detector["true_positive"], detector["flagged"], detector["positive"]) == (1, 3, 1)
    assert report["replay"]["conversations"] == 6  # and the log is known to be a replay


def test_a_person_chats_on_the_web_page_and_sees_the_debug_panel(tmp_path, serve, page, screenshot):
    bot = Bot(bot_config(tmp_path / "chat.db"))
    try:
        server = serve(create_app(bot=bot, verify_alexa=False))
        page.goto(server.url + "/chat")
        page.wait_for_selector("#log .line.bot")  # the greeting
        for n, said in enumerate(("hi there", "i love dogs", "what is your favorite movie"), 2):
            page.fill("#text", said)
            page.press("#text", "Enter")
            page.wait_for_function(f"document.querySelectorAll('#log .line.bot').length === {n}")
        assert page.locator("#log .line.user").all_inner_texts() == ["hi there", "i love dogs",
                                                                     "what is your favorite movie"]
        assert page.locator("#log .line.bot").count() == 4 and all(page.locator("#log .line.bot").all_inner_texts())
        page.click("#debug summary")
        assert page.locator("#debug-rows tr").count() >= 1
        assert page.locator("#debug-rows tr.chosen").count() >= 1
        assert "turn 3" in page.inner_text("#debug-meta")
        screenshot(page, "chat")
        cid = page.inner_text("#conversation-id")
        assert [t["user_text"] for t in bot.store.turns(cid)][1:] == ["hi there", "i love dogs",
                                                                      "what is your favorite movie"]
    finally:
        bot.close()


def test_the_chat_page_sends_the_api_token_when_the_server_has_one(tmp_path, serve, page):
    bot = Bot(bot_config(tmp_path / "chat.db"))
    try:
        server = serve(create_app(bot=bot, verify_alexa=False, env={"CHIRPY_API_TOKEN": "s3cret"}))
        page.goto(server.url + "/chat")
        page.wait_for_selector("#token-box:not([hidden])")  # the API said 401: the page asks for the token
        assert page.locator("#log .line.bot").count() == 0
        page.fill("#token", "s3cret")
        page.dispatch_event("#token", "change")
        page.wait_for_selector("#log .line.bot")
        page.fill("#text", "hello")
        page.press("#text", "Enter")
        page.wait_for_function("document.querySelectorAll('#log .line.bot').length === 2")
        assert page.inner_text("#error") == ""
    finally:
        bot.close()
