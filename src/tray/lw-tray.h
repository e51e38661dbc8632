/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LW_TYPE_TRAY (lw_tray_get_type ())

G_DECLARE_FINAL_TYPE (LwTray, lw_tray, LW, TRAY, GtkApplication)

LwTray *lw_tray_new (void);

G_END_DECLS
