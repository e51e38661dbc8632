/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Stable text names for enums, indexed by value. LW_ENUM_STRINGS defines
 * prefix_to_string() and prefix_from_string() over such a table. */

static inline const char *
lw_enum_name_of (const char * const *names,
                 guint               n_names,
                 guint               value)
{
  g_return_val_if_fail (value < n_names, "invalid");
  return names[value];
}

static inline gboolean
lw_enum_value_of (const char * const *names,
                  guint               n_names,
                  const char         *str,
                  guint              *value)
{
  for (guint i = 0; str != NULL && i < n_names; i++)
    {
      if (names[i] != NULL && g_str_equal (names[i], str))
        {
          *value = i;
          return TRUE;
        }
    }
  return FALSE;
}

#define LW_ENUM_STRINGS(prefix, Type, table)                                \
  const char *                                                              \
  prefix##_to_string (Type value)                                           \
  {                                                                         \
    return lw_enum_name_of (table, G_N_ELEMENTS (table), value);            \
  }                                                                         \
  gboolean                                                                  \
  prefix##_from_string (const char *str,                                    \
                        Type       *value)                                  \
  {                                                                         \
    guint v;                                                                \
    if (!lw_enum_value_of (table, G_N_ELEMENTS (table), str, &v))           \
      return FALSE;                                                         \
    *value = (Type) v;                                                      \
    return TRUE;                                                            \
  }

G_END_DECLS
