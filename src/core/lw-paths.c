/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "leakwatch"

#include "config.h"

#include "lw-paths.h"

/* Where Leakwatch's programs find each other and their data: in an
 * uninstalled build beside themselves (build/src/service/leakwatch,
 * build/src/tray/…, build/data/…), installed in bindir, libexecdir and
 * datadir. An installed program never looks at paths relative to itself. */

/**
 * lw_beside_executable:
 * @relative: a path relative to the directory of this executable
 *
 * Returns: (transfer full) (nullable): the path, or %NULL when this
 *   program is installed (in bindir or libexecdir)
 */
char *
lw_beside_executable (const char *relative)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = exe ? g_path_get_dirname (exe) : NULL;

  if (dir == NULL || g_str_equal (dir, BINDIR) || g_str_equal (dir, LIBEXECDIR))
    return NULL;
  return g_build_filename (dir, relative, NULL);
}

/**
 * lw_find_program:
 * @build_dir: its folder in a build tree, under src/ ("tray")
 * @name: the program ("leakwatch-tray")
 * @installed_dir: where it is installed (LIBEXECDIR)
 *
 * Returns: (transfer full) (nullable): the program of the same build
 *   tree, else the installed one, else one in PATH
 */
char *
lw_find_program (const char *build_dir,
                 const char *name,
                 const char *installed_dir)
{
  g_autofree char *relative = g_build_filename ("..", build_dir, name, NULL);
  g_autofree char *built = lw_beside_executable (relative);
  g_autofree char *installed = g_build_filename (installed_dir, name, NULL);

  if (built != NULL && g_file_test (built, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&built);
  if (g_file_test (installed, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&installed);
  return g_find_program_in_path (name);
}

/**
 * lw_load_settings:
 *
 * The settings schema of an uninstalled build (build/data/gschemas.compiled),
 * else the installed one.
 *
 * Returns: (transfer full) (nullable): the settings, or %NULL without a
 *   schema (then the built-in defaults apply)
 */
GSettings *
lw_load_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchemaSource) built = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autofree char *data = lw_beside_executable ("../../data");
  g_autofree char *compiled = data ? g_build_filename (data, "gschemas.compiled", NULL) : NULL;

  if (compiled != NULL && g_file_test (compiled, G_FILE_TEST_EXISTS) &&
      (built = g_settings_schema_source_new_from_directory (data, source, FALSE, NULL)) != NULL)
    source = built;
  if (source == NULL || (schema = g_settings_schema_source_lookup (source, APP_ID, TRUE)) == NULL)
    {
      g_debug ("no settings schema; the built-in defaults apply");
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}
