/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lw-check.h"
#include "lw-history.h"
#include "lw-vpn-watch.h"

G_BEGIN_DECLS

#define LW_MONITOR_DEFAULT_INTERVAL 300

#define LW_TYPE_MONITOR (lw_monitor_get_type ())

G_DECLARE_FINAL_TYPE (LwMonitor, lw_monitor, LW, MONITOR, GObject)

LwMonitor  *lw_monitor_new            (const LwCheckOptions *options,
                                       LwHistory            *history,
                                       LwVpnWatch           *watch);
void        lw_monitor_start          (LwMonitor            *self);
void        lw_monitor_stop           (LwMonitor            *self);
void        lw_monitor_check_now      (LwMonitor            *self,
                                       const char           *reason);
void        lw_monitor_set_interval   (LwMonitor            *self,
                                       guint                 seconds);
void        lw_monitor_confirm        (LwMonitor            *self,
                                       LwConfirmation       *confirmation);
void        lw_monitor_set_options    (LwMonitor            *self,
                                       const LwCheckOptions *options);
LwReport   *lw_monitor_get_report     (LwMonitor            *self);
gboolean    lw_monitor_get_checking   (LwMonitor            *self);
guint       lw_monitor_get_n_checks   (LwMonitor            *self);
const char *lw_monitor_get_history_problem (LwMonitor       *self);

G_END_DECLS
