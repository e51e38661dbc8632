/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *lw_when_last_checked (GDateTime *time,
                            GDateTime *now);
char *lw_when_short        (GDateTime *time,
                            GDateTime *now);
char *lw_when_phrase       (GDateTime *time,
                            GDateTime *now);
guint lw_when_seconds_to_midnight (GDateTime *now);

G_END_DECLS
