/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lw-analyzer.h"
#include "lw-core-enums.h"

/* The status icons are whatever data/icons/hicolor/scalable/status holds
 * (data/icons/meson.build lists no status): each LwStatus has its icon in
 * full colour and symbolic, and no icon stands for a status that is not
 * one. The folder is the test's argument. */

static const char *status_dir;

static char *
icon_path (const char *nick,
           const char *suffix)
{
  g_autofree char *name = g_strdup_printf ("io.github.leakwatch.Leakwatch-%s%s.svg", nick, suffix);

  return g_build_filename (status_dir, name, NULL);
}

static void
test_every_status_has_its_icons (void)
{
  g_autoptr(GEnumClass) statuses = g_type_class_ref (LW_TYPE_STATUS);

  for (guint i = 0; i < statuses->n_values; i++)
    for (guint s = 0; s < 2; s++)
      {
        g_autofree char *path = icon_path (statuses->values[i].value_nick, s ? "-symbolic" : "");

        if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
          {
            g_test_message ("the status %s has no icon %s", statuses->values[i].value_nick, path);
            g_test_fail ();
          }
      }
}

static void
test_no_icon_is_left_over (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (status_dir, 0, &error);
  const char *name;
  guint n = 0;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *nick = NULL;
      const char *start = name + strlen ("io.github.leakwatch.Leakwatch-");
      LwStatus status;

      if (!g_str_has_prefix (name, "io.github.leakwatch.Leakwatch-") || !g_str_has_suffix (name, ".svg"))
        {
          g_test_message ("%s is not a status icon", name);
          g_test_fail ();
          continue;
        }
      nick = g_strndup (start, strlen (start) - strlen (".svg"));
      if (g_str_has_suffix (nick, "-symbolic"))
        nick[strlen (nick) - strlen ("-symbolic")] = '\0';
      if (!lw_status_from_string (nick, &status))
        {
          g_test_message ("%s is the icon of no status", name);
          g_test_fail ();
        }
      n++;
    }
  g_assert_cmpuint (n, >, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (argc < 2)
    g_error ("usage: test-icons STATUS-ICON-FOLDER");
  status_dir = argv[1];

  g_test_add_func ("/icons/every-status-has-its-icons", test_every_status_has_its_icons);
  g_test_add_func ("/icons/no-icon-is-left-over", test_no_icon_is_left_over);
  return g_test_run ();
}
