/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define LW_EXIT_USAGE 64
#define LW_EXIT_IO    74   /* EX_IOERR: the report could not be written */

#define LW_TYPE_APPLICATION (lw_application_get_type ())

G_DECLARE_FINAL_TYPE (LwApplication, lw_application, LW, APPLICATION, GApplication)

LwApplication *lw_application_new (void);

G_END_DECLS
