/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lw-report.h"

G_BEGIN_DECLS

#define LW_TYPE_STATUS_BANNER (lw_status_banner_get_type ())

G_DECLARE_FINAL_TYPE (LwStatusBanner, lw_status_banner, LW, STATUS_BANNER, AdwBin)

void  lw_status_banner_update  (LwStatusBanner *self,
                                LwReport       *report,
                                gboolean        checking);

G_END_DECLS
