"""Fixtures for the review app and the browser tests: a small replayed log, a server in a thread, and a
real Chromium (Debian's, driven by Playwright) with screenshots kept as test artefacts."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from chirpy.bot import Bot
from chirpy.config import Config
from chirpy.replay import RecordedConversation, replay

CHROMIUM = os.environ.get("CHIRPY_CHROMIUM", "/usr/bin/chromium")
# Chromium's own calls home are refused on a closed network; these keep it from trying (and stalling).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ARTEFACTS = Path(os.environ.get("CHIRPY_TEST_ARTEFACTS", Path(__file__).resolve().parents[2] / "test-artefacts"))

RECORDINGS = [
    ["hi there", "i love dogs and long walks", "what do you think about music", "i like jazz"],
    ["hello", "what?", "you are not listening to me", "can we talk about something else"],
    ["hey", "i watched a movie about space yesterday", "it was really good", "the actors were great"],
    ["hi", "i like cooking pasta", "tell me about food", "i make it with tomatoes"],
    ["hello bot", "my dog is called rex", "he is a good boy", "he likes to play"],
    ["hi", "i play football on weekends", "what sports do you like", "my team won"],
]


def bot_config(db: Path | str) -> Config:
    config = Config.from_dict({
        "bot": {"db": str(db), "seed": 5, "deadline_seconds": 2.0, "spacy_model": "blank"},
        "pipeline": {"annotators": ["offense", "dissatisfaction"], "filters": ["no_repeat"], "shapers": []},
        "responders": {"order": ["launch", "closing", "simple_topic", "fallback"]},
    })
    config.data["experiments"] = {"style": {"arms": ["plain", "warm"]}}
    return config


def replay_into(location: Path | str) -> None:
    bot = Bot(bot_config(location))
    try:
        replay(bot, [RecordedConversation(f"conv-{i}", said) for i, said in enumerate(RECORDINGS)], progress=False)
    finally:
        bot.close()


@pytest.fixture
def replayed_log(tmp_path: Path) -> Path:
    db = tmp_path / "replayed.db"
    replay_into(db)
    return db


class ServerThread:
    """A WSGI app on 127.0.0.1 and a free port, in a thread, until ``stop``."""

    def __init__(self, app: Any) -> None:
        from werkzeug.serving import make_server

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture
def serve() -> Iterator[Callable[[Any], ServerThread]]:
    servers: list[ServerThread] = []

    def start(app: Any) -> ServerThread:
        servers.append(ServerThread(app))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: run `bash .ci/ensure-chromium` (installs Debian's chromium) "
                    "or set CHIRPY_CHROMIUM")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[[Any, str], Path]:
    """Save a full-page screenshot under test-artefacts/ (printed, so a person can look at it)."""
    def take(page: Any, name: str) -> Path:
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTEFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        print(f"screenshot: {path}")
        return path

    return take


