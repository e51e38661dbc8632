/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

char      *lw_find_program   (const char *name,
                              const char *installed_dir);
char      *lw_find_data_file (const char *relative);
GSettings *lw_load_settings  (void);

G_END_DECLS
