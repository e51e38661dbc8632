/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lw-service.h"

G_BEGIN_DECLS

#define LW_TYPE_HISTORY_PAGE (lw_history_page_get_type ())

G_DECLARE_FINAL_TYPE (LwHistoryPage, lw_history_page, LW, HISTORY_PAGE, AdwBin)

void  lw_history_page_set_service  (LwHistoryPage *self,
                                    LwService     *service);

G_END_DECLS
