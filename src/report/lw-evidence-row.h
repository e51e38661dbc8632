/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lw-analyzer.h"

G_BEGIN_DECLS

#define LW_TYPE_EVIDENCE_ROW (lw_evidence_row_get_type ())

G_DECLARE_FINAL_TYPE (LwEvidenceRow, lw_evidence_row, LW, EVIDENCE_ROW, AdwPreferencesRow)

GtkWidget  *lw_evidence_row_new           (const char    *title,
                                           const char    *subtitle,
                                           const char    *suffix);
void        lw_evidence_row_set_subtitle  (LwEvidenceRow *self,
                                           const char    *subtitle);
void        lw_evidence_row_set_tag       (LwEvidenceRow *self,
                                           LwLevel        level);
void        lw_evidence_row_set_term      (LwEvidenceRow *self,
                                           const char    *term);
void        lw_evidence_row_set_suffix    (LwEvidenceRow *self,
                                           const char    *suffix);

G_END_DECLS
