# SPDX-License-Identifier: Apache-2.0
"""./scripts/demo, the README's first command, runs its job (a broker, the relay, three
subscribers and three publishes) against the build under test and succeeds: every entry
published reaches every subscriber."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_the_demo_delivers_every_entry_to_every_subscriber():
    build = os.path.dirname(os.path.dirname(os.environ["TSMQTT_BIN"]))
    result = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "demo.py"), build],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Done: every entry went device -> broker -> relay -> subscribers." in result.stdout
    for fmt in ("text", "csv", "json"):
        assert f"What `tsmqtt subscribe --format {fmt}` printed (exit 0)" in result.stdout
