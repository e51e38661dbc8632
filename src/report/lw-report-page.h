/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lw-catalogue.h"
#include "lw-report.h"

G_BEGIN_DECLS

#define LW_TYPE_REPORT_PAGE (lw_report_page_get_type ())

G_DECLARE_FINAL_TYPE (LwReportPage, lw_report_page, LW, REPORT_PAGE, AdwBin)

void  lw_report_page_update        (LwReportPage *self,
                                    LwReport     *report,
                                    gboolean      checking);

G_END_DECLS
