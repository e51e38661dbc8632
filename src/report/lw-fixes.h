/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lw-analyzer.h"

G_BEGIN_DECLS

/* The browsers Leakwatch gives steps for, as bit flags so a set of them is
 * one value. */
typedef enum
{
  LW_BROWSER_FIREFOX  = 1 << 0,
  LW_BROWSER_CHROMIUM = 1 << 1,   /* Chromium and Google Chrome */
  LW_BROWSER_BRAVE    = 1 << 2,
  LW_BROWSER_TOR      = 1 << 3,
} LwBrowsers;

#define LW_BROWSERS_ALL (LW_BROWSER_FIREFOX | LW_BROWSER_CHROMIUM | LW_BROWSER_BRAVE | LW_BROWSER_TOR)

/* One way to fix a finding: for a browser, or for a VPN setting. */
typedef struct
{
  char *title;   /* "Firefox", "VPN: kill switch", ... */
  char *steps;   /* numbered steps, one per line */
  char *cost;    /* what the fix costs, one sentence */
  char **commands; /* what the steps ask to type, as they write it; shown
                    * with a button that copies each */
} LwFix;

void        lw_fix_free               (LwFix            *self);

/* The browsers installed on this machine: native, Flatpak and Snap, looked
 * up in the desktop files under the XDG data directories and in PATH. */
LwBrowsers  lw_browsers_detect        (void);
const char *lw_browser_name           (LwBrowsers        browser);

/* The fixes for a finding (LwFix), browser steps first, for the browsers
 * in @browsers only (none found: all of them); then the VPN settings that
 * matter for it. Empty for findings that need no fix. */
GPtrArray  *lw_fixes_for_finding      (const LwFinding  *finding,
                                       LwBrowsers        browsers);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwFix, lw_fix_free)

G_END_DECLS
