/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lw-analyzer.h"
#include "lw-report.h"
#include "lw-paths.h"

G_BEGIN_DECLS

/* The GResource prefix, which is also the application's resource base path. */
#define LW_RESOURCE_PATH    "/io/github/leakwatch/Leakwatch"
#define LW_RESOURCE(name)   LW_RESOURCE_PATH "/" name

char       *lw_status_icon_name      (LwStatus     status,
                                      gboolean     symbolic);
const char *lw_status_tone           (LwStatus     status);
const char *lw_level_tone            (LwLevel      level);
char       *lw_find_leakwatch        (void);
AdwToast   *lw_toast_new_text        (const char  *text);
GtkWidget  *lw_copy_box_new          (const char  *text);
gboolean    lw_focus_is_in           (GtkWidget   *widget,
                                      GPtrArray   *widgets);

G_END_DECLS
