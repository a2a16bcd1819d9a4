"""Suite-wide settings: never touch the network or the user's cache, and keep spaCy's model loaded
once per session."""

import os
import tempfile

# The starter knowledge store is built on first use into a cache: a throw-away one for the test run.
os.environ.setdefault("CHIRPY_CACHE_DIR", tempfile.mkdtemp(prefix="chirpy-test-cache-"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


# -- PostgreSQL ------------------------------------------------------------------------------------------
# `make test` and CI run the suite through .ci/with-postgres, which starts a private server and exports
# its URL. A developer's plain `pytest` without one skips these tests with the reason; CI sets
# CHIRPY_REQUIRE_POSTGRES=1, which turns that skip into a failure so they can never silently not run.
import uuid  # noqa: E402
from typing import Iterator  # noqa: E402
from urllib.parse import quote  # noqa: E402

import pytest  # noqa: E402

POSTGRES_URL_VARIABLE = "CHIRPY_TEST_POSTGRES_URL"


def postgres_server_url() -> str:
    url = os.environ.get(POSTGRES_URL_VARIABLE, "")
    if not url:
        reason = (f"PostgreSQL tests need a server: {POSTGRES_URL_VARIABLE} is not set "
                  "(`make test` or `bash .ci/with-postgres python -m pytest` start a private one)")
        if os.environ.get("CHIRPY_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason + "; CHIRPY_REQUIRE_POSTGRES=1 makes this a failure", pytrace=False)
        pytest.skip(reason)
    return url


def with_search_path(url: str, schema: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}options={quote(f'-csearch_path={schema}', safe='')}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL on the test server whose tables land in a fresh schema, dropped afterwards: every test
    starts from an empty database without paying for CREATE DATABASE."""
    import psycopg

    server = postgres_server_url()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield with_search_path(server, schema)
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            # Connections other tests' stores left behind must not keep the schema alive.
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def log_location(request: pytest.FixtureRequest, tmp_path: "os.PathLike[str]") -> str:
    """The log under test, once per engine: the store's contract holds for both."""
    if request.param == "sqlite":
        return str(os.path.join(tmp_path, "log.db"))
    return request.getfixturevalue("postgres_url")
