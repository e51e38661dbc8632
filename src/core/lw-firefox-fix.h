/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The one-click fix for a Firefox profile: Leakwatch's prefs in a block
 * of its own at the end of the profile's user.js, which Firefox reads at
 * start-up and never rewrites. The only file of another program that
 * Leakwatch ever writes (docs/ARCHITECTURE.md, "The one-click fix"). */

typedef enum
{
  LW_FIREFOX_FIX_NONE,
  LW_FIREFOX_FIX_HIDE_ADDRESS,   /* default_address_only, no_host, proxy_only_if_behind_proxy */
  LW_FIREFOX_FIX_WEBRTC_OFF,     /* media.peerconnection.enabled = false */
} LwFirefoxFix;

#define LW_FIREFOX_FIX_BACKUP  "user.js.leakwatch-backup"
#define LW_FIREFOX_FIX_ABSENT  "user.js.leakwatch-absent"

const char   *lw_firefox_fix_title       (LwFirefoxFix   fix);
const char   *lw_firefox_fix_cost        (LwFirefoxFix   fix);
char         *lw_firefox_fix_block       (LwFirefoxFix   fix);
LwFirefoxFix  lw_firefox_fix_applied     (const char    *profile);
gboolean      lw_firefox_fix_apply       (const char    *profile,
                                          LwFirefoxFix   fix,
                                          GError       **error);
gboolean      lw_firefox_fix_undo        (const char    *profile,
                                          GError       **error);
gboolean      lw_firefox_profile_in_use  (const char    *profile,
                                          gint64        *since);

G_END_DECLS
