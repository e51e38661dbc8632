/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define LW_TYPE_PREFERENCES_WINDOW (lw_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (LwPreferencesWindow, lw_preferences_window, LW, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

GtkWidget  *lw_preferences_window_new  (GSettings *settings);

G_END_DECLS
