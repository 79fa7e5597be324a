# SPDX-License-Identifier: Apache-2.0
"""Credentials stay with their broker (docs/cli-contract.md): a profile's username, client ID
and secrets go only to the host the profile names. A fake broker records each CONNECT, so the
tests see what reached it; --no-profile and TSMQTT_NO_PROFILE leave profiles out; -v names the
profile and each setting as in force; -vv shows each packet, never a secret."""

import pytest

from fake_broker import FakeBroker
from harness import TSMQTT, Process, wait_for
from profile_support import env_for, run

PASSWORD = "Profile-Secret-9f3kQ"
WRITE_KEY = "PROFILEWRITEKEY42"
USERNAME = "ts-device-user"
CLIENT_ID = "ts-device-client"
SECRETS = (PASSWORD, WRITE_KEY)


@pytest.fixture
def fake():
    broker = FakeBroker()
    yield broker
    broker.close()


@pytest.fixture
def env(tmp_path):
    return env_for(tmp_path / "profiles.toml")


def add_profile(env, tmp_path, name, *options):
    """A profile with a device's username, client ID and password (from a file)."""
    secret = tmp_path / f"{name}.password"
    secret.write_text(PASSWORD + "\n")
    result = run(["profile", "add", name, "-u", USERNAME, "-i", CLIENT_ID, "--password-file", str(secret),
                  *options], env)
    assert result.code == 0, result.err
    return result


def said(result):
    return [line.removeprefix("tsmqtt: ") for line in result.err.splitlines()]


def assert_nothing_of_the_profile(connect):
    assert connect.username is None
    assert connect.password is None
    assert connect.client_id.startswith("tsmqtt-"), connect.client_id


def assert_no_secret(result):
    for secret in SECRETS:
        assert secret not in result.all, result.all


# Each way the command line or the environment names the fake broker's host, 127.0.0.1.
def naming(fake):
    port = str(fake.port)
    return {
        "--url": (["--url", fake.url()], {}),
        "-h": (["-h", "127.0.0.1", "-p", port, "-T", "tcp"], {}),
        "TSMQTT_URL": ([], {"TSMQTT_URL": fake.url()}),
        "TSMQTT_HOST": ([], {"TSMQTT_HOST": "127.0.0.1", "TSMQTT_PORT": port, "TSMQTT_TRANSPORT": "tcp"}),
    }


@pytest.mark.parametrize("how", ["--url", "-h", "TSMQTT_URL", "TSMQTT_HOST"])
def test_a_thingspeak_profile_sends_nothing_to_another_host(fake, env, tmp_path, how):
    add_profile(env, tmp_path, "home", "-c", "1587079")  # no host: ThingSpeak's
    args, extra = naming(fake)[how]
    result = run(["publish", "-v", *args, "-t", "x", "-m", "1"], dict(env, **extra))
    assert result.code == 0, result.err
    assert "profile 'home' not used: it is for mqtt3.thingspeak.com, not 127.0.0.1" in said(result)
    assert "username none" in said(result) and "password none" in said(result)
    fake.wait_connects()
    assert len(fake.connects) == 1
    assert_nothing_of_the_profile(fake.connects[0])
    assert [(p.topic, p.payload) for p in fake.published] == [("x", b"1")]
    assert_no_secret(result)


def test_subscribe_keeps_the_profile_to_its_host_too(fake, env, tmp_path):
    add_profile(env, tmp_path, "home", "-c", "1587079")
    result = run(["subscribe", "-v", "--url", fake.url(), "--timeout", "0.5"], env)
    assert result.code == 2 and "no channel" in result.err, result.err  # not even its channel
    assert fake.connects == []
    result = run(["subscribe", "-v", "--url", fake.url(), "-c", "5", "--timeout", "0.5"], env)
    assert result.code == 6, result.err
    assert "profile 'home' not used: it is for mqtt3.thingspeak.com, not 127.0.0.1" in said(result)
    assert_nothing_of_the_profile(fake.connects[0])
    assert fake.subscribed == [[("channels/5/subscribe", 0)]]


def test_a_profile_named_for_another_host_is_left_out_with_a_warning(fake, env, tmp_path):
    add_profile(env, tmp_path, "home")
    named = run(["publish", "--profile", "home", "--url", fake.url(), "-t", "x", "-m", "1"], env)
    assert named.code == 0, named.err
    assert named.err == "tsmqtt: profile 'home' not used: it is for mqtt3.thingspeak.com, not 127.0.0.1\n"
    by_env = run(["publish", "--url", fake.url(), "-t", "x", "-m", "2"], dict(env, TSMQTT_PROFILE="home"))
    assert by_env.code == 0 and "profile 'home' not used" in by_env.err, by_env.err
    # The default profile is left out quietly: only -v tells.
    default = run(["publish", "--url", fake.url(), "-t", "x", "-m", "3"], env)
    assert default.code == 0 and default.err == "", default.err
    fake.wait_connects(3)
    for connect in fake.connects:
        assert_nothing_of_the_profile(connect)


def test_a_profile_for_the_same_host_on_another_port_is_used(fake, env, tmp_path):
    # The profile names 127.0.0.1 on a port nothing listens on; port, transport and path may differ.
    add_profile(env, tmp_path, "local", "--url", "ws://127.0.0.1:1/elsewhere", "-c", "1001")
    result = run(["publish", "-v", "--url", fake.url(), "field1=5"], env)
    assert result.code == 0, result.err
    assert f"profile 'local' (default) from {tmp_path / 'profiles.toml'}" in said(result)
    assert f"client-id {CLIENT_ID} (profile 'local')" in said(result)
    fake.wait_connects()
    connect = fake.connects[0]
    assert (connect.client_id, connect.username, connect.password) == (CLIENT_ID, USERNAME, PASSWORD.encode())
    assert [(p.topic, p.payload) for p in fake.published] == [("channels/1001/publish", b"field1=5")]
    assert_no_secret(result)


@pytest.mark.parametrize("how", ["--no-profile", "TSMQTT_NO_PROFILE"])
def test_no_profile_leaves_the_profile_out_even_for_its_own_host(fake, env, tmp_path, how):
    add_profile(env, tmp_path, "local", "--url", fake.url())
    args, extra = (["--no-profile"], {}) if how == "--no-profile" else ([], {"TSMQTT_NO_PROFILE": "1"})
    result = run(["publish", "-v", *args, "--url", fake.url(), "-t", "x", "-m", "1"], dict(env, **extra))
    assert result.code == 0, result.err
    assert f"profile none ({how})" in said(result)
    fake.wait_connects()
    assert_nothing_of_the_profile(fake.connects[0])
    # Without it, the same command sends the profile's credentials.
    used = run(["publish", "--url", fake.url(), "-t", "x", "-m", "1"], env)
    assert used.code == 0, used.err
    fake.wait_connects(2)
    assert fake.connects[1].username == USERNAME


def test_no_profile_reads_no_profile_file(fake, env, tmp_path):
    config = tmp_path / "profiles.toml"
    config.write_text("this is not TOML\n")
    config.chmod(0o600)
    for args, extra in ((["--no-profile"], {}), ([], {"TSMQTT_NO_PROFILE": "yes"})):
        result = run(["publish", *args, "--url", fake.url(), "-t", "x", "-m", "1"], dict(env, **extra))
        assert result.code == 0, result.err
    assert run(["publish", "--url", fake.url(), "-t", "x", "-m", "1"], env).code == 7


def test_profile_choices_that_contradict_are_refused_before_connecting(fake, env, tmp_path):
    add_profile(env, tmp_path, "local", "--url", fake.url())
    cases = [
        (["--profile", ""], {}, "--profile: a profile name is needed (for none: --no-profile)"),
        (["--profile", "local", "--no-profile"], {}, "--profile excludes --no-profile"),
        ([], {"TSMQTT_NO_PROFILE": "perhaps"}, "invalid TSMQTT_NO_PROFILE 'perhaps'"),
    ]
    for args, extra, words in cases:
        result = run(["publish", *args, "-t", "x", "-m", "1"], dict(env, **extra))
        assert result.code == 2, (args, result.err)
        assert words in result.err and result.err.count("\n") == 1, (args, result.err)
    assert fake.connects == []
    # --profile on the command line beats TSMQTT_NO_PROFILE; TSMQTT_NO_PROFILE=0 is no request.
    cases = ((["--profile", "local"], {"TSMQTT_NO_PROFILE": "1"}), ([], {"TSMQTT_NO_PROFILE": "0"}))
    for n, (args, extra) in enumerate(cases, start=1):
        result = run(["publish", "-v", *args, "-t", "x", "-m", "1"], dict(env, **extra))
        assert result.code == 0, result.err
        # Each run's CONNECT before the next run; -v's report says where a run went if not.
        wait_for(lambda: len(fake.connects) >= n, 10, f"CONNECT {n}; run said {result.err!r}")
    assert [c.username for c in fake.connects] == [USERNAME, USERNAME]


# --- -v: the setting in force; -vv: each packet ------------------------------------------------

def test_verbose_reports_the_channels_in_force_and_their_source(env, tmp_path):
    add_profile(env, tmp_path, "plain", "-c", "1587079")
    cases = [
        (["subscribe", "-c", "2002"], "channel 2002 (command line)"),
        (["subscribe", "-c", "2002", "-c", "3003", "-c", "2002"], "channel 2002, 3003 (command line)"),
        (["subscribe"], "channel 1587079 (profile 'plain')"),
        (["publish", "-c", "2002", "field1=1"], "channel 2002 (command line)"),
        (["publish", "field1=1"], "channel 1587079 (profile 'plain')"),
    ]
    for args, line in cases:
        result = run([*args, "--dry-run", "-v"], env)
        assert result.code == 0, result.err
        shown = [text.removeprefix("tsmqtt: ") for text in result.out.splitlines()]
        assert [text for text in shown if text.startswith("channel ")] == [line], (args, shown)


def test_very_verbose_shows_each_packet_and_no_secret(fake, env, tmp_path):
    add_profile(env, tmp_path, "local", "--url", fake.url(), "--write-key", WRITE_KEY)
    result = run(["publish", "-vv", "-t", "a/topic", "-m", "hello", "--qos", "1", "--retain"], env)
    assert result.code == 0, result.err
    lines = said(result)
    packets = [line for line in lines if line[:3] in ("-> ", "<- ")]
    assert packets == [
        f"-> CONNECT tcp://127.0.0.1:{fake.port} client-id {CLIENT_ID}, username {USERNAME}, password given, "
        "MQTT 3.1.1, keepalive 60 s",
        "<- CONNACK 0 (accepted)",
        "-> PUBLISH a/topic (qos 1, retain yes, 5 bytes)",
        "<- PUBACK",
        "-> DISCONNECT",
    ], lines
    # -v alone shows no packet.
    quieter = run(["publish", "-v", "-t", "a/topic", "-m", "hello"], env)
    assert quieter.code == 0 and not [line for line in said(quieter) if line[:3] in ("-> ", "<- ")]
    # The write key in a topic is masked in the packet line as everywhere.
    keyed = run(["publish", "-vv", "-c", "1001", "field1=2"], env)
    assert keyed.code == 0, keyed.err
    assert f"-> PUBLISH channels/1001/publish/****{WRITE_KEY[-2:]} (qos 0, retain no, 8 bytes)" in said(keyed)
    for output in (result, quieter, keyed):
        assert_no_secret(output)


def test_very_verbose_names_a_refusal_and_the_suback_and_escapes_network_text(env, tmp_path):
    refusing = FakeBroker(connack=5)
    sending = FakeBroker(after_suback=[("t/\x1b[31mred", b"abc")])
    try:
        refused = run(["publish", "-vv", "--url", refusing.url(), "-t", "x", "-m", "1"], env)
        assert refused.code == 5, refused.err
        assert "<- CONNACK 5 (not authorized)" in said(refused)

        sub = Process([TSMQTT, "subscribe", "-vv", "--url", sending.url(), "-t", "t/#", "--count", "1",
                       "--timeout", "10", "-F", "json"], env=env)
        assert sub.wait_exit() == 0, sub.err
        lines = [line.removeprefix("tsmqtt: ") for line in sub.err]
        assert "-> SUBSCRIBE t/# qos 0" in lines, lines
        assert "<- SUBACK t/# 0 (granted qos 0)" in lines, lines
        assert "<- PUBLISH t/\\x1B[31mred (qos 0, retain no, 3 bytes)" in lines, lines
        assert not any("\x1b" in line for line in sub.err)
    finally:
        refusing.close()
        sending.close()
