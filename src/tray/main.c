/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "lw-process.h"
#include "lw-tray.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(LwTray) tray = NULL;
  g_autoptr(GError) error = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (!lw_process_prepare (&error))
    {
      g_printerr ("leakwatch-tray: %s\n", error->message);
      return LW_EXIT_OSERR;
    }

  g_set_application_name (_("Leakwatch"));

  /* The tray draws a menu and an icon, never with OpenGL. On an X server
   * where no GTK3 program has yet cached its choice of GLX visuals, GDK
   * would load Mesa (and LLVM) to find one: about 8 MiB kept for life. */
  g_setenv ("GDK_GL", "disable", FALSE);

  tray = lw_tray_new ();
  return g_application_run (G_APPLICATION (tray), argc, argv);
}
