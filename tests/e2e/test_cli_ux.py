"""The command line a user already knows: -q/-v before or after the command, typo'd options
get the nearest valid one, a first run says what to do first, and a failed write of --help or
--version is a failure."""
import json
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
