/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lw-browser-audit.h"

G_BEGIN_DECLS

#define LW_TYPE_BROWSER_WATCH (lw_browser_watch_get_type ())

G_DECLARE_FINAL_TYPE (LwBrowserWatch, lw_browser_watch, LW, BROWSER_WATCH, GObject)

LwBrowserWatch *lw_browser_watch_new        (const LwAuditPlaces *places);
void            lw_browser_watch_start      (LwBrowserWatch      *self);
GPtrArray      *lw_browser_watch_get_setups (LwBrowserWatch      *self);

G_END_DECLS
