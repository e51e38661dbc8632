#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the Flatpak manifest, which CI cannot build: it is valid JSON, it
builds the right app with the right command and exactly the permissions
docs/ARCHITECTURE.md allows, and it builds every library the GNOME runtime
lacks, each from a pinned source. Prints TAP.

Usage: check-manifest.py MANIFEST APP_ID
"""

import json
import sys

FINISH_ARGS = {
    '--share=network',
    '--share=ipc',
    '--socket=wayland',
    '--socket=fallback-x11',
    '--system-talk-name=org.freedesktop.NetworkManager',
    '--talk-name=org.kde.StatusNotifierWatcher',
}
# What the GNOME 49 runtime does not have: the ayatana indicator stack, in
# build order, and then Leakwatch itself, last.
MODULES = [
    'libdbusmenu-gtk3',
    'ayatana-ido',
    'libayatana-indicator',
    'libayatana-appindicator',
    'leakwatch',
]

results = []


def check(ok, what, detail=''):
    results.append((bool(ok), what, detail))


def source_is_pinned(source):
    """A source that always yields the same bytes."""
    kind = source.get('type')
    if kind in ('archive', 'file'):
        return bool(source.get('url')) and len(source.get('sha256', '')) == 64
    if kind == 'git':
        return bool(source.get('url')) and len(source.get('commit', '')) == 40
    # The app's own tree, patches and commands are part of this repository.
    return kind in ('dir', 'patch', 'shell')


def all_modules(modules):
    for module in modules:
        if isinstance(module, str):
            # A path to a module file: cannot be checked from here.
            yield {'name': module}
            continue
        yield module
        yield from all_modules(module.get('modules', []))


def main():
    path, app_id = sys.argv[1], sys.argv[2]
    try:
        with open(path, encoding='utf-8') as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        print('1..1')
        print(f'not ok 1 - {path} is valid JSON')
        print(f'# {e}')
        return 1
    check(True, 'the manifest is valid JSON')

    found_id = manifest.get('id', manifest.get('app-id'))
    check(found_id == app_id, f'the app id is {app_id}', f'found {found_id!r}')
    check(manifest.get('command') == 'leakwatch', 'the command is leakwatch',
          f"found {manifest.get('command')!r}")
    check(manifest.get('runtime') == 'org.gnome.Platform' and
          manifest.get('sdk') == 'org.gnome.Sdk' and
          manifest.get('runtime-version') == '49',
          'the runtime is org.gnome.Platform 49 with org.gnome.Sdk')

    args = manifest.get('finish-args', [])
    extra = sorted(set(args) - FINISH_ARGS)
    missing = sorted(FINISH_ARGS - set(args))
    check(not extra and not missing and len(args) == len(FINISH_ARGS),
          'finish-args are exactly the minimal set',
          f'extra: {extra}, missing: {missing}, duplicates: {len(args) != len(set(args))}')

    modules = list(all_modules(manifest.get('modules', [])))
    names = [m.get('name') for m in modules]
    for name in MODULES:
        module = next((m for m in modules if m.get('name') == name), None)
        check(module is not None, f'module {name} is built', f'modules: {names}')
        if module is None:
            continue
        sources = module.get('sources', [])
        check(sources and all(source_is_pinned(s) for s in sources),
              f'module {name} has sources, each pinned (sha256 or git commit)',
              f'sources: {sources}')
    order = [n for n in names if n in MODULES]
    check(order == MODULES and names[-1:] == ['leakwatch'],
          'the modules are built in dependency order, leakwatch last', f'order: {names}')

    app = next((m for m in modules if m.get('name') == 'leakwatch'), {})
    check(app.get('buildsystem') == 'meson' and
          any(s.get('type') == 'dir' and s.get('path') == '..' for s in app.get('sources', [])),
          'leakwatch builds with meson from this tree')

    print(f'1..{len(results)}')
    failed = 0
    for number, (ok, what, detail) in enumerate(results, 1):
        if ok:
            print(f'ok {number} - {what}')
        else:
            failed += 1
            print(f'not ok {number} - {what}')
            print(f'# {detail}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
