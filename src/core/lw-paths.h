/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

char      *lw_beside_executable (const char *relative);
char      *lw_find_program      (const char *build_dir,
                                 const char *name,
                                 const char *installed_dir);
GSettings *lw_load_settings     (void);

G_END_DECLS
