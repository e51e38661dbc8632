/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "leakwatch"

#include "config.h"

#include "lw-paths.h"

/* Where Leakwatch's programs find each other and their data: where they are
 * installed (bindir, libexecdir, datadir), never relative to themselves.
 * An uninstalled build runs through `meson devenv`, whose environment points
 * the generic mechanisms at the build tree (see docs/ARCHITECTURE.md):
 *
 * LEAKWATCH_PROGRAM_PATH  directories searched for Leakwatch's own programs
 *                         (leakwatch, leakwatch-tray, leakwatch-report)
 *                         before bindir and libexecdir
 * XDG_DATA_DIRS           data files (the autostart template, icons),
 *                         before datadir
 * GSETTINGS_SCHEMA_DIR    the settings schema, as GLib reads it */

/**
 * lw_find_program:
 * @name: the program ("leakwatch-tray")
 * @installed_dir: where it is installed (LIBEXECDIR)
 *
 * Returns: (transfer full) (nullable): the program in a directory of
 *   $LEAKWATCH_PROGRAM_PATH, else the installed one; %NULL when neither is
 */
char *
lw_find_program (const char *name,
                 const char *installed_dir)
{
  const char *path = g_getenv ("LEAKWATCH_PROGRAM_PATH");
  g_autofree char *installed = NULL;

  if (path != NULL)
    {
      g_auto(GStrv) dirs = g_strsplit (path, G_SEARCHPATH_SEPARATOR_S, -1);

      for (guint i = 0; dirs[i] != NULL; i++)
        {
          g_autofree char *program = NULL;

          if (*dirs[i] == '\0')
            continue;
          program = g_build_filename (dirs[i], name, NULL);
          if (g_file_test (program, G_FILE_TEST_IS_EXECUTABLE))
            return g_steal_pointer (&program);
        }
    }
  installed = g_build_filename (installed_dir, name, NULL);
  if (g_file_test (installed, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&installed);
  return NULL;
}

/**
 * lw_find_data_file:
 * @relative: a path relative to a data directory
 *   ("leakwatch/autostart/io.github.leakwatch.Leakwatch.desktop")
 *
 * Returns: (transfer full) (nullable): the file in the first of the XDG
 *   system data directories that has it, else in DATADIR; %NULL when none has
 */
char *
lw_find_data_file (const char *relative)
{
  const char * const *dirs = g_get_system_data_dirs ();
  g_autofree char *installed = NULL;

  for (guint i = 0; dirs[i] != NULL; i++)
    {
      g_autofree char *file = g_build_filename (dirs[i], relative, NULL);

      if (g_file_test (file, G_FILE_TEST_EXISTS))
        return g_steal_pointer (&file);
    }
  installed = g_build_filename (DATADIR, relative, NULL);
  if (g_file_test (installed, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&installed);
  return NULL;
}

/**
 * lw_load_settings:
 *
 * The settings, from the schema GLib finds (installed, or where
 * $GSETTINGS_SCHEMA_DIR says).
 *
 * Returns: (transfer full) (nullable): the settings, or %NULL without a
 *   schema (then the built-in defaults apply)
 */
GSettings *
lw_load_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source == NULL || (schema = g_settings_schema_source_lookup (source, APP_ID, TRUE)) == NULL)
    {
      g_debug ("no settings schema; the built-in defaults apply");
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}
