"""Small pure pieces of the foundation: time, settings, links, throttling, suppression, heap policy."""

import platform
from datetime import UTC, datetime

import pytest

from openmsk.auth.secrets import LinkSigner, hash_password, verify_password
from openmsk.auth.throttle import AttemptThrottle
from openmsk.config import InsecureConfiguration, Settings
from openmsk.db import UTCDateTime
from openmsk.logs import JsonFormatter
from openmsk.memory import keep_freed_memory


def test_naive_datetimes_are_refused_and_aware_ones_come_back_utc():
    column = UTCDateTime()

    class Dialect:
        name = "sqlite"

    with pytest.raises(ValueError, match="naive"):
        column.process_bind_param(datetime(2026, 1, 1), Dialect())
    stored = column.process_bind_param(datetime(2026, 1, 1, 12, tzinfo=UTC), Dialect())
    assert column.process_result_value(stored, Dialect()) == datetime(2026, 1, 1, 12, tzinfo=UTC)


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(InsecureConfiguration):
        Settings(env="production", var_dir=tmp_path, secret_key="").resolved_secret_key()


def test_development_generates_and_keeps_a_secret_key(tmp_path):
    first = Settings(var_dir=tmp_path).resolved_secret_key()
    assert len(first) > 40 and Settings(var_dir=tmp_path).resolved_secret_key() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_links_are_bound_to_purpose_and_key():
    signer = LinkSigner("k" * 40)
    token = signer.sign("password-reset", "user-1", "fp")
    assert signer.check(token, "password-reset", 60) == ("user-1", "fp")
    assert signer.check(token, "invitation", 60) is None
    assert LinkSigner("other" * 10).check(token, "password-reset", 60) is None


def test_passwords_verify_only_against_their_own_hash():
    stored = hash_password("correct horse battery")
    assert verify_password(stored, "correct horse battery")
    assert not verify_password(stored, "wrong horse battery")
    assert not verify_password(None, "anything at all")


def test_throttle_allows_the_limit_then_refuses_until_the_window_passes():
    throttle = AttemptThrottle(limit=3, window_s=10)
    assert [throttle.allow("ip", now=t) for t in (0, 1, 2, 3)] == [True, True, True, False]
    assert throttle.allow("ip", now=11)
    assert throttle.allow("other-ip", now=3)


def test_log_lines_keep_only_allow_listed_fields():
    import logging

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "request", None, None)
    record.route = "/api/v1/members/{member_id}"
    record.family_name = "Quixotic"
    line = JsonFormatter().format(record)
    assert "/api/v1/members/{member_id}" in line and "Quixotic" not in line


def test_heap_policy_takes_effect_where_the_c_library_is_glibc():
    assert keep_freed_memory() is (platform.libc_ver()[0] == "glibc")
