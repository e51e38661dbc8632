# SPDX-License-Identifier: GPL-3.0-or-later
"""A minimal TAP producer for the Python tests, which meson reads."""

import sys
import traceback

_tests = []


def test(fn):
    _tests.append(fn)
    return fn


def skip_all(reason):
    print(f"1..0 # SKIP {reason}")
    sys.exit(0)


def main(setup=None):
    print(f"1..{len(_tests)}", flush=True)
    failed = 0
    context = setup() if setup else None
    try:
        env = context.__enter__() if context else None
        for number, fn in enumerate(_tests, 1):
            name = fn.__name__.replace("_", "-")
            try:
                fn(env) if context else fn()
                print(f"ok {number} - {name}", flush=True)
            except Exception:
                failed += 1
                print(f"not ok {number} - {name}", flush=True)
                for line in traceback.format_exc().splitlines():
                    print(f"# {line}", flush=True)
    finally:
        if context:
            context.__exit__(None, None, None)
    sys.exit(1 if failed else 0)


def print_results(results, planned):
    """Prints (ok, text) test points collected by hand, the first line of
    TEXT as the description and the rest as comments; points that were
    planned but never reached fail. Returns the exit status."""
    for number, (ok, text) in enumerate(results, 1):
        first, *rest = text.splitlines() or [""]
        print(f"{'ok' if ok else 'not ok'} {number} - {first}")
        for line in rest:
            print(f"# {line}")
    for number in range(len(results) + 1, planned + 1):
        print(f"not ok {number} - not reached")
    return 0 if len(results) == planned and all(ok for ok, _ in results) else 1


def expect(condition, message, report=None):
    if not condition:
        if report is not None:
            import json
            message += "\n" + json.dumps(report, indent=1)[:6000]
        raise AssertionError(message)
