/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Small helpers shared by the C tests. */

#include <glib.h>
#include <glib/gstdio.h>

/* Deletes @path and, for a directory, everything under it; symbolic links
 * are removed, never followed. Fails the test on an error. */
static inline void
lw_test_rm_rf (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          lw_test_rm_rf (child);
        }
      g_assert_no_errno (g_rmdir (path));
    }
  else
    g_assert_no_errno (g_unlink (path));
}
