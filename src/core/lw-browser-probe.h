/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lw-probe.h"

G_BEGIN_DECLS

void      lw_browser_probe_run_async   (GPtrArray            *bases,
                                        GPtrArray            *servers,
                                        guint                 timeout_ms,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
gboolean  lw_browser_probe_run_finish  (GAsyncResult         *result,
                                        GPtrArray           **candidates,
                                        GPtrArray           **stun_results,
                                        GError              **error);

G_END_DECLS
