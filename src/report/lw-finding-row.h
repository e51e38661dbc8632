/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lw-analyzer.h"
#include "lw-catalogue.h"

G_BEGIN_DECLS

#define LW_TYPE_FINDING_ROW (lw_finding_row_get_type ())

G_DECLARE_FINAL_TYPE (LwFindingRow, lw_finding_row, LW, FINDING_ROW, AdwExpanderRow)

GtkWidget  *lw_finding_row_new  (const LwFinding *finding,
                                 LwBrowsers       browsers);

void        lw_finding_row_offer_preferences (LwFindingRow *self);

G_END_DECLS
