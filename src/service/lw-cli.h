/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lw-check.h"
#include "lw-history.h"

G_BEGIN_DECLS

LwHistory *lw_cli_open_history  (char **problem);
int        lw_cli_check         (LwCheckOptions *options,
                                 gboolean        json,
                                 gboolean        whole_report);
int        lw_cli_watch         (LwCheckOptions *options,
                                 guint           interval,
                                 gboolean        json);
int        lw_cli_history       (gboolean        json);
int        lw_cli_test_browser  (const char     *desktop_id);
int        lw_cli_probe_https   (LwCheckOptions *options,
                                 const char     *families);

G_END_DECLS
