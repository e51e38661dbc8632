/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stun/stunagent.h>

#include "lw-probe.h"

G_BEGIN_DECLS

typedef enum
{
  LW_STUN_ANSWER_NOT_OURS,  /* not an answer to this request: keep waiting */
  LW_STUN_ANSWER_MAPPED,    /* the address the server saw, which is evidence */
  LW_STUN_ANSWER_BAD,       /* an answer, but no evidence: the reason says why */
} LwStunAnswer;

LwStunAnswer lw_stun_read_answer       (StunAgent            *agent,
                                        const guint8         *data,
                                        gsize                 length,
                                        int                   family,
                                        char                **mapped,
                                        guint16              *port,
                                        char                **reason);

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
