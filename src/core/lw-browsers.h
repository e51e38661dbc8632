/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The browsers Leakwatch gives steps for, as bit flags so a set of them is
 * one value. */
typedef enum
{
  LW_BROWSER_FIREFOX  = 1 << 0,
  LW_BROWSER_CHROMIUM = 1 << 1,   /* Chromium and Google Chrome */
  LW_BROWSER_BRAVE    = 1 << 2,
  LW_BROWSER_TOR      = 1 << 3,
} LwBrowsers;

#define LW_BROWSERS_ALL (LW_BROWSER_FIREFOX | LW_BROWSER_CHROMIUM | LW_BROWSER_BRAVE | LW_BROWSER_TOR)

const char *lw_browser_name           (LwBrowsers        browser);

G_END_DECLS
