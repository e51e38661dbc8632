/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lw-report.h"

G_BEGIN_DECLS

char       *lw_text_format_report     (LwReport               *report);
char       *lw_text_format_browsers   (LwReport               *report);
char       *lw_text_join_list         (GPtrArray              *items);
char       *lw_text_sentence          (const char             *phrase);
char       *lw_text_wrap              (const char             *text,
                                       guint                   width);
char       *lw_text_level_tag         (LwLevel                 level);
char       *lw_text_browser_sees      (const LwBrowserVerdict *verdict,
                                       gboolean                camera);
const char *lw_text_browsers_stand_in (GPtrArray              *verdicts);
const char *lw_text_apps_note         (void);
gboolean    lw_browser_hide_is_enough (LwReport               *report,
                                       const LwBrowserSetup   *s);

G_END_DECLS
