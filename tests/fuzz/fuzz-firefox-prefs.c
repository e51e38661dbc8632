/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>

#include "lw-firefox-prefs.h"
#include "lw-fuzz.h"

/* Another program's file, as a profile holds it, damaged or not: refused
 * with a reason for people, or read into prefs that each have a name and
 * a value of their type, all valid UTF-8. */

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) prefs = lw_firefox_prefs_parse ((const char *) data, size, &error);
  GHashTableIter iter;
  const LwPref *pref;

  if (prefs == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (g_str_has_prefix (error->message, "line ") ||
                     g_str_has_prefix (error->message, "the file"));
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  g_assert_no_error (error);

  g_hash_table_iter_init (&iter, prefs);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &pref))
    {
      g_assert_true (*pref->name != '\0' && g_utf8_validate (pref->name, -1, NULL));
      g_assert_cmpuint (pref->line, >=, 1);
      switch (pref->type)
        {
        case LW_PREF_STRING:
          g_assert_nonnull (pref->string);
          g_assert_true (g_utf8_validate (pref->string, -1, NULL));
          break;
        case LW_PREF_INT:
          g_assert_cmpint (pref->integer, >=, G_MININT32);
          g_assert_cmpint (pref->integer, <=, G_MAXINT32);
          break;
        case LW_PREF_BOOL:
        default:
          g_assert_null (pref->string);
          break;
        }
    }
  return 0;
}
