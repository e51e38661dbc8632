/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "leakwatch"

#include "config.h"

#include <glib/gi18n.h>

#include "lw-browsers.h"

/* The browsers the catalogue (lw-catalogue.c) gives steps for; which of
 * them are on this machine is the browser audit's to say
 * (lw_browser_audit_families()). */

const char *
lw_browser_name (LwBrowsers browser)
{
  switch ((int) browser)
    {
    case LW_BROWSER_FIREFOX:
      return _("Firefox");
    case LW_BROWSER_CHROMIUM:
      return _("Chromium and Google Chrome");
    case LW_BROWSER_BRAVE:
      return _("Brave");
    case LW_BROWSER_TOR:
      return _("Tor Browser");
    default:
      return NULL;
    }
}
