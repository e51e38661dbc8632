/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define LW_TYPE_HELPER_KEEPER (lw_helper_keeper_get_type ())

G_DECLARE_FINAL_TYPE (LwHelperKeeper, lw_helper_keeper, LW, HELPER_KEEPER, GObject)

LwHelperKeeper *lw_helper_keeper_new     (const char     *program);
void            lw_helper_keeper_start   (LwHelperKeeper *self);
void            lw_helper_keeper_stop    (LwHelperKeeper *self);

G_END_DECLS
