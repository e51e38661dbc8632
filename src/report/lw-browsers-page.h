/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lw-report.h"

G_BEGIN_DECLS

#define LW_TYPE_BROWSERS_PAGE (lw_browsers_page_get_type ())

G_DECLARE_FINAL_TYPE (LwBrowsersPage, lw_browsers_page, LW, BROWSERS_PAGE, AdwBin)

void  lw_browsers_page_update  (LwBrowsersPage *self,
                                LwReport       *report,
                                gboolean        checking);

G_END_DECLS
