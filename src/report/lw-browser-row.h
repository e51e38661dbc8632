/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lw-browser-audit.h"

G_BEGIN_DECLS

#define LW_TYPE_BROWSER_ROW (lw_browser_row_get_type ())

G_DECLARE_FINAL_TYPE (LwBrowserRow, lw_browser_row, LW, BROWSER_ROW, AdwExpanderRow)

GtkWidget  *lw_browser_row_new           (const LwBrowserVerdict *verdict,
                                           gboolean                hide_is_enough,
                                           GPtrArray              *confirmations,
                                           GDateTime              *now);
void        lw_browser_row_set_checking  (LwBrowserRow           *self,
                                          gboolean                checking);

G_END_DECLS
