# SPDX-License-Identifier: Apache-2.0
"""The command line a user already knows: -q/-v before or after the command, typo'd options
get the nearest valid one, a first run says what to do first, and a failed write of --help or
--version is a failure."""
import json
import re
import subprocess

import pytest

from harness import TSMQTT


def one_line(result):
    err = result.stderr.decode()
    assert err.count("\n") == 1 and err.startswith("tsmqtt: "), err
    return err


def raw(tsmqtt, *args, env=None):
    """tsmqtt with exactly these arguments (no connection options inserted)."""
    return subprocess.run([TSMQTT, *args], capture_output=True, env=env or tsmqtt.env("admin"), timeout=30)


# --- item 9: -q and -v before or after the command -----------------------------------------

@pytest.mark.parametrize("before", [True, False])
def test_quiet_goes_before_or_after_the_command(tsmqtt, before):
    watcher = tsmqtt.subscriber("--topic", "ux/quiet", "--format", "json", "--count", "1", "--timeout", "20",
                                user="admin")
    flags = ["-q"]
    cmd = (flags + ["publish"] if before else ["publish"] + flags) + \
        [*tsmqtt.connection(user="admin"), "-t", "ux/quiet", "-m", "before" if before else "after"]
    result = raw(tsmqtt, *cmd)
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    assert watcher.wait_exit() == 0, watcher.stderr
    assert json.loads(watcher.out[0])["payload"] == ("before" if before else "after")


@pytest.mark.parametrize("flags", [["-v"], ["-vv"], ["--verbose"], ["-v", "-v"]])
def test_verbose_before_the_command_is_the_commands_verbose(tsmqtt, flags):
    result = raw(tsmqtt, *flags, "subscribe", *tsmqtt.connection(user="admin"), "-t", "ux/verbose", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert b"profile none" in result.stdout


def test_diagnostics_flags_before_a_command_without_them_are_a_usage_error(tsmqtt):
    result = raw(tsmqtt, "-q", "profile", "list")
    assert result.returncode == 2
    assert "-q" in one_line(result)


# --- item 10: -h is the host -------------------------------------------------------------------

def test_dash_h_is_the_host_as_in_mosquitto_pub(tsmqtt, broker):
    watcher = tsmqtt.subscriber("--topic", "ux/h", "--format", "payload", "--count", "1", "--timeout", "20",
                                user="admin")
    result = raw(tsmqtt, "pub", "-h", "127.0.0.1", "-p", str(broker.ports["tcp"]), "-T", "tcp", "-u", "admin",
                 "-t", "ux/h", "-m", "via -h")
    assert result.returncode == 0, result.stderr
    assert result.stdout == b""
    assert watcher.wait_exit() == 0, watcher.stderr
    assert watcher.out == ["via -h"]


@pytest.mark.parametrize("args", [["-h"], ["pub", "-h"], ["sub", "-t", "x", "-h"], ["pub", "-h", "-t", "x"]])
def test_a_bare_dash_h_says_it_wants_a_host_and_points_to_help(tsmqtt, args):
    result = raw(tsmqtt, *args)
    assert result.returncode == 2
    line = one_line(result)
    assert "-h needs a HOST" in line and "--help" in line, line
    assert result.stdout == b""


def test_help_is_long_only(tsmqtt):
    result = raw(tsmqtt, "publish", "--help")
    assert result.returncode == 0
    assert b"--help" in result.stdout and b"-h,--help" not in result.stdout
    assert re.search(rb"-h,-H,--host", result.stdout), result.stdout


# --- item 11: did you mean ...? ---------------------------------------------------------------

@pytest.mark.parametrize("args,suggestion,help_named", [
    (["publish", "--chanel", "1001", "field1=1"], "did you mean --channel?", "tsmqtt publish --help"),
    (["pub", "--chanel=1001", "field1=1"], "did you mean --channel?", "tsmqtt publish --help"),
    (["subscribe", "-c", "1001", "--cuont", "3"], "did you mean --count?", "tsmqtt subscribe --help"),
    (["sub", "-t", "x", "--fromat", "json"], "did you mean --format?", "tsmqtt subscribe --help"),
])
def test_a_typo_gets_the_nearest_option_and_the_commands_help(tsmqtt, args, suggestion, help_named):
    result = raw(tsmqtt, *args)
    assert result.returncode == 2
    line = one_line(result)
    assert suggestion in line and f"(see {help_named})" in line, line


def test_an_option_unlike_any_names_the_commands_help_without_a_guess(tsmqtt):
    result = raw(tsmqtt, "publish", "-c", "1001", "--zzzzzzzz", "field1=1")
    assert result.returncode == 2
    line = one_line(result)
    assert "--zzzzzzzz" in line and "did you mean" not in line and "(see tsmqtt publish --help)" in line


# --- item 12: what to do first ----------------------------------------------------------------

def test_bare_tsmqtt_says_what_to_do_first(tsmqtt):
    result = raw(tsmqtt)
    assert result.returncode == 2
    assert "tsmqtt profile import NAME mqtt_secrets.h -c CHANNEL" in one_line(result)


def test_publish_without_profile_or_channel_says_what_to_do_first(tsmqtt):
    result = tsmqtt.run("publish", "field1=1")
    assert result.returncode == 2
    line = one_line(result)
    assert "no channel" in line and "tsmqtt profile import NAME mqtt_secrets.h -c CHANNEL" in line, line


def test_a_refusal_with_no_credentials_says_none_were_given(tsmqtt):
    result = tsmqtt.run("publish", "-t", "x", "-m", "1", user=None)
    assert result.returncode == 5
    line = one_line(result)
    assert "not authorized" in line and "no username or password was given" in line, line


def test_a_refusal_of_given_credentials_does_not_say_none_were_given(tsmqtt):
    result = tsmqtt.run("publish", "-t", "x", "-m", "1", env=tsmqtt.env(password="wrong-password-123"))
    assert result.returncode == 5
    assert "no username or password was given" not in one_line(result)


# --- item 16: a failed write of --help or --version -------------------------------------------

@pytest.mark.parametrize("args", [["--help"], ["--version"], ["-V"], ["publish", "--help"], ["sub", "--help"]])
def test_help_and_version_to_a_full_disk_exit_1(tsmqtt, args):
    with open("/dev/full", "wb") as full:
        result = subprocess.run([TSMQTT, *args], stdout=full, stderr=subprocess.PIPE, env=tsmqtt.env(), timeout=10)
    assert result.returncode == 1
    err = result.stderr.decode()
    assert err == "tsmqtt: cannot write to standard output: No space left on device\n", err


@pytest.mark.parametrize("args,words", [(["--help"], b"Usage: tsmqtt"), (["--version"], b"tsmqtt ")])
def test_help_and_version_that_are_written_exit_0(tsmqtt, args, words):
    result = raw(tsmqtt, *args)
    assert result.returncode == 0 and words in result.stdout and result.stderr == b""
