/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lw-report.h"

G_BEGIN_DECLS

#define LW_NOTIFICATION_ID "leak"

#define LW_TYPE_NOTIFIER (lw_notifier_get_type ())

G_DECLARE_FINAL_TYPE (LwNotifier, lw_notifier, LW, NOTIFIER, GObject)

/* What to tell the user, before it becomes a GNotification. */
typedef struct
{
  char     *title;
  char     *body;
  gboolean  urgent;     /* a leak: high priority (never "critical", which ignores Do Not Disturb) */
  LwStatus  status;     /* its icon */
} LwNotice;

void           lw_notice_free             (LwNotice       *self);
GNotification *lw_notice_to_notification  (const LwNotice *self);

LwNotifier    *lw_notifier_new            (void);
LwNotice      *lw_notifier_update         (LwNotifier     *self,
                                           LwReport       *report,
                                           gboolean        notify,
                                           gboolean        notify_warnings);
void           lw_notifier_set_notify_vpn_down (LwNotifier *self,
                                           gboolean        notify_vpn_down);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwNotice, lw_notice_free)

G_END_DECLS
