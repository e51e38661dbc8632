/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <sys/resource.h>

#include <glib/gi18n.h>

#include "lw-application.h"

/* Every probe costs descriptors: take all the system allows, as many
 * daemons do, so that a low soft limit never silences a check. */
static void
raise_descriptor_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
        g_debug ("Cannot raise the descriptor limit: %s", g_strerror (errno));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(LwApplication) app = NULL;

  raise_descriptor_limit ();

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Leakwatch"));
  /* Standard output carries reports (--json: one per line); every log
   * message goes to standard error, whatever its level. */
  g_log_writer_default_set_use_stderr (TRUE);

  app = lw_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
