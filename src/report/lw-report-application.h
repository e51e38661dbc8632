/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define LW_TYPE_REPORT_APPLICATION (lw_report_application_get_type ())

G_DECLARE_FINAL_TYPE (LwReportApplication, lw_report_application, LW, REPORT_APPLICATION,
                      AdwApplication)

LwReportApplication *lw_report_application_new  (void);

G_END_DECLS
