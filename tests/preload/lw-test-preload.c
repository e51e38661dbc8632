/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

/* LD_PRELOADed by the desktop tests into the programs they start (see
 * docs/ARCHITECTURE.md). The service passes its environment on to the tray
 * and the window, so this lands in all three: it links nothing but libc,
 * and only where GTK 4 is already loaded (leakwatch-report) does it load
 * the window dump, LW_WINDOW_DUMP_MODULE, and start it. Nothing happens
 * without LW_TEST_WINDOW_DUMP or LW_TEST_WINDOW_SCREENSHOT. */

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
