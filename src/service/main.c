/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "lw-application.h"
#include "lw-process.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(LwApplication) app = NULL;
  g_autoptr(GError) error = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (!lw_process_prepare (&error))
    {
      g_printerr ("leakwatch: %s\n", error->message);
      return LW_EXIT_OSERR;
    }

  g_set_application_name (_("Leakwatch"));
  /* Standard output carries reports (--json: one per line); every log
   * message goes to standard error, whatever its level. */
  g_log_writer_default_set_use_stderr (TRUE);

  app = lw_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
