/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lw-evidence.h"

G_BEGIN_DECLS

GPtrArray        *lw_interfaces_snapshot         (GError     **error);
const char       *lw_interfaces_internet_address (int          family);
char             *lw_interfaces_default_address  (int          family);
LwInterfaceKind   lw_interfaces_classify         (const char  *name,
                                                  guint        flags);

G_END_DECLS
