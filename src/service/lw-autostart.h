/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef void (*LwAutostartResult) (gboolean enabled,
                                   gpointer data);

gboolean lw_autostart_is_enabled  (void);
gboolean lw_autostart_set_enabled (gboolean            enabled,
                                   const char         *template_path,
                                   const char         *executable,
                                   LwAutostartResult   done,
                                   gpointer            data,
                                   GError            **error);
gboolean lw_autostart_in_flatpak  (void);

G_END_DECLS
