/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <dlfcn.h>
#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* LD_PRELOADed by the desktop tests into the programs they start (see
 * docs/ARCHITECTURE.md). The service passes its environment on to the tray
 * and the window, so this lands in all three: it links nothing but libc,
 * and only where GTK 4 is already loaded (leakwatch-report) does it load
 * the window dump, LW_WINDOW_DUMP_MODULE, and start it. Nothing happens
 * without LW_TEST_WINDOW_DUMP or LW_TEST_WINDOW_SCREENSHOT.
 *
 * It also lets the programs of an uninstalled build speak a language:
 * they bind their text domain to LOCALEDIR, where `meson install` puts the
 * translations, and with LW_TEST_LOCALEDIR set (the build tree's po/, whose
 * LL/LC_MESSAGES/LW_TEXT_DOMAIN.mo meson builds) they are bound there
 * instead. Other domains (GLib's, GTK's) keep their own folders. */

char *
bindtextdomain (const char *domain,
                const char *dirname)
{
  static char *(*real) (const char *, const char *);
  const char *ours = getenv ("LW_TEST_LOCALEDIR");

  if (real == NULL)
    real = (char *(*) (const char *, const char *)) dlsym (RTLD_NEXT, "bindtextdomain");
  if (real == NULL)
    {
      fprintf (stderr, "lw-test-preload: %s\n", dlerror ());
      abort ();
    }
  if (ours != NULL && *ours != '\0' && dirname != NULL && domain != NULL &&
      strcmp (domain, LW_TEXT_DOMAIN) == 0)
    dirname = ours;
  return real (domain, dirname);
}

__attribute__((constructor)) static void
lw_test_preload_init (void)
{
  void *gtk;
  void *module;
  void (*start) (void);

  if (getenv ("LW_TEST_WINDOW_DUMP") == NULL && getenv ("LW_TEST_WINDOW_SCREENSHOT") == NULL)
    return;
  if ((gtk = dlopen ("libgtk-4.so.1", RTLD_LAZY | RTLD_NOLOAD)) == NULL)
    return;
  dlclose (gtk);

  if ((module = dlopen (LW_WINDOW_DUMP_MODULE, RTLD_NOW | RTLD_LOCAL)) == NULL ||
      (start = (void (*) (void)) dlsym (module, "lw_window_dump_start")) == NULL)
    {
      fprintf (stderr, "lw-test-preload: %s\n", dlerror ());
      abort ();
    }
  start ();
}
