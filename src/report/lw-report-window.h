/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lw-catalogue.h"
#include "lw-service.h"

G_BEGIN_DECLS

#define LW_TYPE_REPORT_WINDOW (lw_report_window_get_type ())

G_DECLARE_FINAL_TYPE (LwReportWindow, lw_report_window, LW, REPORT_WINDOW, AdwApplicationWindow)

LwReportWindow  *lw_report_window_new  (GtkApplication *application,
                                        LwService      *service);

G_END_DECLS
