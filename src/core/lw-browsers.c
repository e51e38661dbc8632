/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "leakwatch"

#include "config.h"

#include <glib/gi18n.h>

#include "lw-browsers.h"

/* Which browsers are installed, looked up without starting any: the
 * catalogue (lw-catalogue.c) gives steps for these only. */

typedef struct
{
  LwBrowsers   browser;
  const char  *desktop_ids[6];
  const char  *programs[4];
} BrowserLookup;

static const BrowserLookup lookups[] = {
  { LW_BROWSER_FIREFOX,
    { "firefox.desktop", "firefox-esr.desktop", "org.mozilla.firefox.desktop",
      "firefox_firefox.desktop", NULL },
    { "firefox", "firefox-esr", NULL } },
  { LW_BROWSER_CHROMIUM,
    { "chromium.desktop", "chromium-browser.desktop", "google-chrome.desktop",
      "org.chromium.Chromium.desktop", "com.google.Chrome.desktop", "chromium_chromium.desktop" },
    { "chromium", "google-chrome", "google-chrome-stable", NULL } },
  { LW_BROWSER_BRAVE,
    { "brave-browser.desktop", "com.brave.Browser.desktop", "brave_brave.desktop", NULL },
    { "brave-browser", "brave", NULL } },
  { LW_BROWSER_TOR,
    { "torbrowser.desktop", "org.torproject.torbrowser-launcher.desktop",
      "start-tor-browser.desktop", NULL },
    { "torbrowser-launcher", "tor-browser", NULL } },
};

static gboolean
desktop_file_exists (const char *id)
{
  const char * const *dirs = g_get_system_data_dirs ();
  g_autofree char *user = g_build_filename (g_get_user_data_dir (), "applications", id, NULL);

  if (g_file_test (user, G_FILE_TEST_EXISTS))
    return TRUE;
  for (guint i = 0; dirs[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (dirs[i], "applications", id, NULL);

      if (g_file_test (path, G_FILE_TEST_EXISTS))
        return TRUE;
    }
  return FALSE;
}

/* Whether the browser of @lookup is installed: one desktop file or program
 * is enough. */
static gboolean
lookup_finds (const BrowserLookup *lookup)
{
  for (guint j = 0; j < G_N_ELEMENTS (lookup->desktop_ids) && lookup->desktop_ids[j]; j++)
    if (desktop_file_exists (lookup->desktop_ids[j]))
      return TRUE;
  for (guint j = 0; j < G_N_ELEMENTS (lookup->programs) && lookup->programs[j]; j++)
    {
      g_autofree char *path = g_find_program_in_path (lookup->programs[j]);

      if (path != NULL)
        return TRUE;
    }
  return FALSE;
}

LwBrowsers
lw_browsers_detect (void)
{
  LwBrowsers found = 0;

  for (guint i = 0; i < G_N_ELEMENTS (lookups); i++)
    if (!(found & lookups[i].browser) && lookup_finds (&lookups[i]))
      found |= lookups[i].browser;
  return found;
}

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
