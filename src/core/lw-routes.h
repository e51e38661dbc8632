/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lw-evidence.h"

G_BEGIN_DECLS

/* Asks the kernel which way a request goes: docs/ARCHITECTURE.md, "Routes". */

typedef struct _LwRouter LwRouter;

LwRouter   *lw_router_new           (GError        **error);
void        lw_router_free          (LwRouter       *self);
LwRoute    *lw_router_lookup        (LwRouter       *self,
                                     LwRoutePurpose  purpose,
                                     const char     *target,
                                     const char     *destination,
                                     const char     *source,
                                     const char     *interface);
GPtrArray  *lw_router_dump          (LwRouter       *self,
                                     GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwRouter, lw_router_free)

G_END_DECLS
