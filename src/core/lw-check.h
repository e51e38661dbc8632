/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lw-report.h"

G_BEGIN_DECLS

#define LW_CHECK_DEFAULT_TIMEOUT_MS 3000
/* The most STUN servers, and the most address services, one check asks:
 * each costs descriptors in every probe, and all must answer within the
 * one deadline. */
#define LW_CHECK_MAX_SERVERS 16

typedef struct
{
  GStrv       stun_servers;     /* HOST:PORT */
  GStrv       ip_urls;
  char       *ca_file;          /* nullable: trust the system's CAs */
  char       *https_helper;     /* nullable: `leakwatch` to run the HTTPS probe in (--probe-https) */
  guint       timeout_ms;
  GPtrArray  *remembered;       /* LwRememberedAddress, nullable */
  gboolean    have_previous;
  LwStatus    previous_status;
  char       *history_unreadable;  /* nullable: why the remembered addresses could not be read */
  char       *history_unsaved;     /* nullable: why checks cannot be saved now ("the disk is full") */
  GPtrArray  *browsers;         /* LwBrowserSetup, nullable: audit the browsers during the check */
  GPtrArray  *confirmations;    /* LwConfirmation, nullable: what the browsers' own test pages
                                 * showed; shared, so a check sees the latest */
} LwCheckOptions;

LwCheckOptions     *lw_check_options_new            (void);
LwCheckOptions     *lw_check_options_copy           (const LwCheckOptions *self);
void                lw_check_options_free           (LwCheckOptions       *self);
gboolean            lw_check_options_validate       (const LwCheckOptions *self,
                                                     GError              **error);
gboolean            lw_parse_seconds                (const char           *text,
                                                     double                min,
                                                     double                max,
                                                     double               *seconds);
const char * const *lw_check_default_stun_servers   (void);
const char * const *lw_check_default_ip_urls        (void);

LwReport           *lw_check_reanalyse              (LwReport             *report,
                                                     const LwCheckOptions *options,
                                                     GPtrArray            *setups);
void                lw_check_run_async              (const LwCheckOptions *options,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
LwReport           *lw_check_run_finish             (GAsyncResult         *result,
                                                     GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwCheckOptions, lw_check_options_free)

G_END_DECLS
