/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define LW_TYPE_VPN_WATCH (lw_vpn_watch_get_type ())

G_DECLARE_FINAL_TYPE (LwVpnWatch, lw_vpn_watch, LW, VPN_WATCH, GObject)

LwVpnWatch *lw_vpn_watch_new                (void);
void        lw_vpn_watch_start              (LwVpnWatch *self);
gboolean    lw_vpn_watch_get_nm_running     (LwVpnWatch *self);
char       *lw_vpn_watch_dup_fingerprint    (LwVpnWatch *self);

G_END_DECLS
