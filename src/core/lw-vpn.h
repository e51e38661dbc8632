/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lw-evidence.h"

G_BEGIN_DECLS

void         lw_vpn_read_async          (const LwEvidence     *evidence,
                                         guint                 timeout_ms,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
LwVpnState  *lw_vpn_read_finish         (GAsyncResult         *result,
                                         GError              **error);
void         lw_vpn_merge_interfaces    (LwVpnState           *state,
                                         const LwEvidence     *evidence,
                                         gboolean              nm_running);

G_END_DECLS
