# SPDX-License-Identifier: Apache-2.0
"""The demo: a throwaway mosquitto (TLS, password, ThingSpeak-like ACL) and the ThingSpeak
relay on free loopback ports; a profile; entries published; the channel tailed three ways."""
import os
import shlex
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build")
os.environ["TSMQTT_BIN"] = os.path.join(BUILD, "src", "tsmqtt")
os.environ["TSMQTT_RELAY_BIN"] = os.path.join(BUILD, "tests", "support", "tsmqtt-relay")
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))

from harness import DEVICES, Broker, Process, clean_env, start_relay  # noqa: E402

TSMQTT = os.environ["TSMQTT_BIN"]
BOLD, DIM, RESET = ("\033[1m", "\033[2m", "\033[0m") if sys.stdout.isatty() else ("", "", "")


def show(title):
    print(f"\n{BOLD}{title}{RESET}")


def command(args, shown=None, stdin=None, env=None):
    print(f"{DIM}${RESET} {shown or 'tsmqtt ' + shlex.join(args)}")
    result = subprocess.run([TSMQTT, *args], input=stdin, capture_output=True, text=True, env=env)
    if result.stdout:
        print(result.stdout, end="")
    if result.stderr:
        print(result.stderr, end="")
    if result.returncode != 0:
        raise SystemExit(f"demo failed: tsmqtt exited {result.returncode}")
    return result


def main():
    broker = Broker()
    relay = None
    subscribers = []
    work = tempfile.mkdtemp(prefix="tsmqtt-demo-")
    try:
        relay = start_relay(broker)
        env = clean_env(TSMQTT_CONFIG=os.path.join(work, "profiles.toml"), NO_COLOR="1")
        password_file = os.path.join(work, "device1.password")
        with open(password_file, "w") as f:
            f.write(DEVICES["device1"][0] + "\n")
        url = broker.url("tls", host="localhost")
        show(f"A local broker on {url} (TLS, password, ThingSpeak ACL) and the ThingSpeak relay.")
        show("1. Save the device's credentials once, in a profile (stored 0600, password never on the command line):")
        command(["profile", "add", "demo", "--url", url, "--cafile", broker.pki["ca"], "-u", "device1",
                 "--client-id", "device1", "--password-file", password_file, "-c", "1001"], env=env)
        command(["profile", "show", "demo"], env=env)

        show("2. Tail channel 1001 three ways (running in the background):")
        for fmt in ("text", "csv", "json"):
            args = ["subscribe", "--format", fmt, "--count", "4", "--timeout", "30", "-v", "--client-id", f"demo-{fmt}"]
            print(f"{DIM}${RESET} tsmqtt {shlex.join(args)} &")
            proc = Process([TSMQTT, *args], env=env)
            proc.wait_stderr("subscribed to", timeout=15)
            subscribers.append((fmt, proc))

        # The stream first: its entries carry the second each line was read as created_at, and
        # ThingSpeak keeps one entry per created_at, so an unstamped one-shot that arrived in
        # the same second just before would cost the stream its first line.
        show("3. Publish: lines piped from another program (paced: one entry per 15 s, the free "
             "licence's limit), an entry, a single field:")
        command(["publish", "--stdin", "--columns", "field1,field2,status"], env=env,
                shown="printf '22.0,41,warming\\n22.5,42,\\n' | tsmqtt publish --stdin --columns field1,field2,status",
                stdin="22.0,41,warming\n22.5,42,\n")
        command(["publish", "field1=21.5", "field2=40", "--status", "all good", "--lat", "52.52", "--long", "13.40"],
                env=env)
        command(["publish", "--field", "3", "7.5"], env=env)

        for fmt, proc in subscribers:
            code = proc.wait_exit(timeout=30)
            show(f"4. What `tsmqtt subscribe --format {fmt}` printed (exit {code}):")
            print(proc.stdout)
            if code != 0 or len(proc.out) < 4:
                raise SystemExit(f"demo failed: the {fmt} subscriber got {proc.out!r}, stderr {proc.err!r}")
        show("Done: every entry went device -> broker -> relay -> subscribers. Try `tsmqtt --help`.")
    finally:
        for _, proc in subscribers:
            proc.kill()
        if relay:
            relay.kill()
        broker.close()
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
