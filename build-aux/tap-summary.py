#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Counts the subtests in meson test logs, so the suite ends with one line
"tests: N passed, N failed, N skipped" that counts every TAP test point.
Before it, each failed point is printed with the comment lines that follow
it, since meson prints only a TAP test's stderr and a CI log must say why."""

import json
import re
import sys

passed = failed = skipped = 0
failures = []
for path in sys.argv[1:]:
    try:
        lines = open(path).read().splitlines()
    except OSError:
        failed += 1
        continue
    for line in lines:
        entry = json.loads(line)
        points = 0
        out_lines = (entry.get("stdout") or "").splitlines()
        for index, out in enumerate(out_lines):
            m = re.match(r"(not ok|ok)\b.*?(#\s*(SKIP|TODO).*)?$", out, re.IGNORECASE)
            if not m:
                if re.match(r"1\.\.0\s*#\s*SKIP", out, re.IGNORECASE):
                    skipped += 1
                    points += 1
                continue
            points += 1
            if m.group(3) and m.group(3).upper() == "SKIP":
                skipped += 1
            elif m.group(1) == "ok":
                passed += 1
            else:
                failed += 1
                why = []
                for comment in out_lines[index + 1:]:
                    if not comment.startswith("#"):
                        break
                    why.append(comment)
                failures.append(f"{path}: {entry.get('name')}: {out}\n" + "\n".join(why[-60:]))
        if points == 0:
            # A test that printed no TAP counts by its own result.
            if entry.get("result") in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif entry.get("result") == "SKIP":
                skipped += 1
            else:
                failed += 1
        elif entry.get("result") not in ("OK", "EXPECTEDFAIL", "SKIP"):
            # Crashed after its last test point: count the crash.
            failed += 1

for failure in failures:
    print(f"--- {failure}")
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
