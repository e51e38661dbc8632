/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "lw-analyzer.h"
#include "lw-report.h"

G_BEGIN_DECLS

#define LW_HISTORY_DEFAULT_MAX_AGE     (90 * 24 * 60 * 60)
#define LW_HISTORY_DEFAULT_MAX_CHECKS  20000
#define LW_HISTORY_DEFAULT_MAX_CHANGES 2000

typedef struct
{
  gint64    time;        /* unix seconds */
  LwStatus  old_status;  /* LW_STATUS_CHECKING when there was none before */
  LwStatus  new_status;
  char     *headline;    /* lw_report_dup_headline of the report */
  char     *findings;    /* JSON array: [{"id","level","address","summary"}...] */
} LwStatusChange;

void        lw_status_change_free            (LwStatusChange       *self);
JsonNode   *lw_status_change_to_json         (const LwStatusChange *self);
char       *lw_status_changes_to_json        (GPtrArray            *changes,
                                              gboolean              pretty);
GPtrArray  *lw_status_changes_from_json      (const char           *json,
                                              GError              **error);

#define LW_TYPE_HISTORY (lw_history_get_type ())

G_DECLARE_FINAL_TYPE (LwHistory, lw_history, LW, HISTORY, GObject)

char       *lw_history_default_path          (void);
LwHistory  *lw_history_new                   (const char           *path);
const char *lw_history_get_path              (LwHistory            *self);
gboolean    lw_history_open                  (LwHistory            *self,
                                              GError              **error);
char       *lw_history_take_recovery_notice  (LwHistory            *self);
void        lw_history_keep_damaged          (LwHistory            *self);
char       *lw_history_dup_save_problem      (LwHistory            *self,
                                              guint                *n_unsaved);

void        lw_history_record_async          (LwHistory            *self,
                                              LwReport             *report,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean    lw_history_record_finish         (LwHistory            *self,
                                              GAsyncResult         *result,
                                              GError              **error);
gboolean    lw_history_record                (LwHistory            *self,
                                              LwReport             *report,
                                              GError              **error);

GPtrArray  *lw_history_get_remembered        (LwHistory            *self,
                                              GError              **error);
GPtrArray  *lw_history_get_confirmations     (LwHistory            *self,
                                              GError              **error);
GPtrArray  *lw_history_get_changes           (LwHistory            *self,
                                              guint                 limit,
                                              GError              **error);
gboolean    lw_history_get_last_status       (LwHistory            *self,
                                              LwStatus             *status);
void        lw_history_flush                 (LwHistory            *self);
guint       lw_history_count_checks          (LwHistory            *self);
void        lw_history_set_retention         (LwHistory            *self,
                                              gint64                max_age_seconds,
                                              guint                 max_checks,
                                              guint                 max_changes);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwStatusChange, lw_status_change_free)

G_END_DECLS
