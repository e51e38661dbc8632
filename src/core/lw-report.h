/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lw-analyzer.h"
#include "lw-browser-audit.h"
#include "lw-evidence.h"

G_BEGIN_DECLS

#define LW_REPORT_JSON_VERSION 1

typedef struct
{
  int total_ms;
  int interfaces_ms;
  int vpn_ms;
  int resolve_ms;
  int bound_ms;
  int browser_ms;
  int https_ms;
  int audit_ms;      /* the browser audit, in a thread beside the probes */
} LwTimings;

/* What a browser's own page showed ("Test in my browser"), judged. */
typedef struct
{
  char      *browser;      /* the profile tested, as the report names it, or the browser's name */
  char      *desktop_id;   /* the desktop entry that was launched, or NULL for the default browser */
  char      *setting;      /* the browser's setting and its source when tested, to tell */
  char      *source;       /*   when a later change of settings makes the test stale */
  gboolean   camera;       /* after microphone permission */
  gint64     time_unix;
  char      *summary;      /* "confirmed in Chromium: 198.51.100.7 visible to every page" */
  GPtrArray *real;         /* (element-type utf8) */
  GPtrArray *local;
  GPtrArray *unexpected;   /* more than the browser's settings say */
  GPtrArray *candidates;   /* the candidate lines the page got, as the browser gave them */
  char      *user_agent;
} LwConfirmation;

void            lw_confirmation_free      (LwConfirmation       *self);
LwConfirmation *lw_confirmation_copy      (const LwConfirmation *self);
char           *lw_confirmation_to_json   (const LwConfirmation *self);
LwConfirmation *lw_confirmation_new_from_json (const char     *json,
                                           GError              **error);

#define LW_TYPE_REPORT (lw_report_get_type ())

G_DECLARE_FINAL_TYPE (LwReport, lw_report, LW, REPORT, GObject)

LwReport         *lw_report_new             (LwEvidence       *evidence,
                                             GPtrArray        *findings,
                                             LwStatus          status,
                                             gint64            time_unix,
                                             const LwTimings  *timings);
LwReport         *lw_report_new_from_evidence_of (LwReport    *report,
                                             GPtrArray        *findings,
                                             LwStatus          status);
LwReport         *lw_report_new_from_json   (const char       *json,
                                             GError          **error);
LwStatus          lw_report_get_status      (LwReport         *self);
const LwEvidence *lw_report_get_evidence    (LwReport         *self);
GPtrArray        *lw_report_get_findings    (LwReport         *self);
void              lw_report_set_browsers    (LwReport         *self,
                                             GPtrArray        *verdicts);
GPtrArray        *lw_report_get_browsers    (LwReport         *self);
LwBrowsers        lw_report_get_browser_families (LwReport    *self);
void              lw_report_set_confirmations (LwReport       *self,
                                             GPtrArray        *confirmations);
GPtrArray        *lw_report_get_confirmations (LwReport       *self);
const LwTimings  *lw_report_get_timings     (LwReport         *self);
gint64            lw_report_get_time        (LwReport         *self);
char             *lw_report_dup_leaked_addresses (LwReport       *self,
                                                guint          *count);
char             *lw_report_dup_headline    (LwReport         *self);
char             *lw_report_dup_sentence    (LwReport         *self);
const char       *lw_status_name            (LwStatus          status);
const char       *lw_level_name             (LwLevel           level);
char             *lw_report_dup_browsers_at (LwReport         *self,
                                             LwStatus          status);
const LwFinding  *lw_report_get_failure     (LwReport         *self);
char             *lw_report_to_json         (LwReport         *self,
                                             gboolean          pretty);
char             *lw_report_browsers_to_json (LwReport        *self,
                                             gboolean          pretty);

char             *lw_public_addresses_to_json   (GPtrArray    *addresses);
GPtrArray        *lw_public_addresses_from_json (const char   *json,
                                                 GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwConfirmation, lw_confirmation_free)

G_END_DECLS
