/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "lw-process.h"
#include "lw-report-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(LwReportApplication) app = NULL;
  g_autoptr(GError) error = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (!lw_process_prepare (&error))
    {
      g_printerr ("leakwatch-report: %s\n", error->message);
      return LW_EXIT_OSERR;
    }

  g_set_application_name (_("Leakwatch"));

  app = lw_report_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
