# SPDX-License-Identifier: GPL-3.0-or-later
"""A browser of the tests' own, by its desktop entry, for "Test in my
browser": it records the address it was opened on, reads the page (which
must say what it does), and posts what a page would get: one srflx
candidate with ADDRESS, or none. Nothing but the test page is asked."""

import os
import sys

SCRIPT = """
import json, sys, urllib.request
url = sys.argv[1]
with open(sys.argv[2], "w") as f:
    f.write(url)
page = urllib.request.urlopen(url).read().decode()
assert "Nothing is sent anywhere else." in page
lines = ["candidate:1 1 udp 1677729535 %s 5000 typ srflx raddr 0.0.0.0 rport 0" % a for a in sys.argv[3:]]
body = json.dumps({"kind": "ordinary", "candidates": lines, "errors": [], "error": None,
                   "user_agent": "stub", "camera": False}).encode()
urllib.request.urlopen(urllib.request.Request(url + "result", data=body,
                                              headers={"Content-Type": "application/json"}))
"""


def install(data_home, tmp, desktop_id, name="Stub Browser", address=None, config_home=None):
    """Writes DESKTOP_ID under DATA_HOME/applications, its script in TMP;
    with CONFIG_HOME, makes it the default browser there (mimeapps.list).
    Returns the file that gets the address it was opened on."""
    apps = os.path.join(data_home, "applications")
    os.makedirs(apps, exist_ok=True)
    script = os.path.join(tmp, "stub-browser.py")
    record = os.path.join(tmp, desktop_id + ".url")
    with open(script, "w") as f:
        f.write(SCRIPT)
    with open(os.path.join(apps, desktop_id), "w") as f:
        f.write(f"[Desktop Entry]\nType=Application\nName={name}\n"
                f"MimeType=x-scheme-handler/http;x-scheme-handler/https;text/html;\n"
                f"Exec={sys.executable} {script} %u {record}{' ' + address if address else ''}\n")
    if config_home is not None:
        os.makedirs(config_home, exist_ok=True)
        with open(os.path.join(config_home, "mimeapps.list"), "w") as f:
            f.write("[Default Applications]\n"
                    f"x-scheme-handler/http={desktop_id}\nx-scheme-handler/https={desktop_id}\n"
                    f"text/html={desktop_id}\n")
    return record
