/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lw-report.h"

G_BEGIN_DECLS

typedef enum
{
  LW_SERVICE_CONNECTING,   /* looking for the service on the session bus */
  LW_SERVICE_STARTING,     /* asked D-Bus to start it, or started it; waiting for its name */
  LW_SERVICE_READY,        /* connected: the report and the status follow it */
  LW_SERVICE_STOPPED,      /* it was running and went away */
  LW_SERVICE_FAILED,       /* it could not be reached or started: see the error */
} LwServiceState;

#define LW_TYPE_SERVICE (lw_service_get_type ())

G_DECLARE_FINAL_TYPE (LwService, lw_service, LW, SERVICE, GObject)

LwService      *lw_service_new               (void);
void            lw_service_start             (LwService  *self);
void            lw_service_check_now         (LwService  *self);
LwServiceState  lw_service_get_state         (LwService  *self);
const char     *lw_service_get_error         (LwService  *self);
const char     *lw_service_get_status        (LwService  *self);
gboolean        lw_service_get_checking      (LwService  *self);
LwReport       *lw_service_get_report        (LwService  *self);
const char     *lw_service_get_report_error  (LwService  *self);
void            lw_service_get_changes_async (LwService           *self,
                                              guint                limit,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
char           *lw_service_get_changes_finish (LwService    *self,
                                               GAsyncResult *result,
                                               GError      **error);
void            lw_service_start_browser_test_async  (LwService           *self,
                                                      const char          *desktop_id,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
char           *lw_service_start_browser_test_finish (LwService    *self,
                                                      GAsyncResult *result,
                                                      GError      **error);

G_END_DECLS
