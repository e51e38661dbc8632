/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lw-analyzer.h"
#include "lw-browsers.h"

G_BEGIN_DECLS

/* The catalogue: for each kind of finding, what to do about it (the
 * advice every view shows) and the concrete fixes, for each browser and
 * for the VPN, each with its cost. It is the one place this knowledge is
 * written; see docs/ARCHITECTURE.md, "Findings and fixes". */

/* What an incomplete check could not establish, where the advice for
 * LW_FINDING_CHECK_INCOMPLETE differs. */
typedef enum
{
  LW_GAP_NONE,
  LW_GAP_STUN,         /* no STUN server answered (or none could be asked) */
  LW_GAP_HTTPS,        /* no address service answered */
  LW_GAP_EVERYTHING,   /* nothing answered at all, and names were asked */
  LW_GAP_UNREACHABLE,  /* nothing answered at all; every server was an address */
  LW_GAP_TUNNEL_SILENT,/* nothing came back through the tunnel; outside it, answers */
  LW_GAP_OFFLINE,      /* no default route */
} LwGap;

/* One way to fix a finding: for a browser, or for a VPN setting. */
typedef struct
{
  char *title;   /* "Firefox", "VPN: kill switch", ... */
  char *steps;   /* numbered steps, one per line */
  char *cost;    /* what the fix costs, one sentence */
  char **commands; /* what the steps ask to type, as they write it; shown
                    * with a button that copies each */
  gboolean workaround; /* a browser setting that covers for a cause the fixes
                        * before it remove */
  gboolean as_it_is;   /* nothing to change: the browser is safe as it ships */
} LwFix;

void        lw_fix_free               (LwFix            *self);

/* What to do about @finding, in one paragraph; never NULL. Reads its
 * kind, level, audience and family. */
char       *lw_catalogue_advice       (const LwFinding  *finding,
                                       LwGap             gap);

/* The fixes for a finding (LwFix), browser steps first, for the browsers
 * in @browsers only (none found: all of them); then the VPN settings that
 * matter for it. Empty for findings that need no fix. */
GPtrArray  *lw_catalogue_fixes        (const LwFinding  *finding,
                                       LwBrowsers        browsers);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwFix, lw_fix_free)

G_END_DECLS
