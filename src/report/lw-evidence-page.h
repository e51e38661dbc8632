/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lw-report.h"

G_BEGIN_DECLS

#define LW_TYPE_EVIDENCE_PAGE (lw_evidence_page_get_type ())

G_DECLARE_FINAL_TYPE (LwEvidencePage, lw_evidence_page, LW, EVIDENCE_PAGE, AdwBin)

void  lw_evidence_page_set_report  (LwEvidencePage *self,
                                    LwReport       *report);

G_END_DECLS
