/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "lw-core-enums.h"

G_BEGIN_DECLS

/* The text names of the core's enums are their nicks, which
 * gnome.mkenums_simple() makes from the value names in the headers
 * (LW_RESULT_TLS_ERROR is "tls-error"): the enum is the one place they
 * are written. LW_ENUM_STRINGS defines prefix_to_string() and
 * prefix_from_string() over an enum's GType. */

/* The nicks are static strings: they outlive the class reference. */
static inline const char *
lw_enum_nick_of (GType type,
                 int   value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *v = g_enum_get_value (klass, value);

  g_return_val_if_fail (v != NULL, "invalid");
  return v->value_nick;
}

static inline gboolean
lw_enum_value_of_nick (GType       type,
                       const char *nick,
                       int        *value)
{
  g_autoptr(GEnumClass) klass = NULL;
  GEnumValue *v;

  if (nick == NULL)
    return FALSE;
  klass = g_type_class_ref (type);
  if ((v = g_enum_get_value_by_nick (klass, nick)) == NULL)
    return FALSE;
  *value = v->value;
  return TRUE;
}

#define LW_ENUM_STRINGS(prefix, Type, gtype)                                \
  const char *                                                              \
  prefix##_to_string (Type value)                                           \
  {                                                                         \
    return lw_enum_nick_of (gtype, (int) value);                            \
  }                                                                         \
  gboolean                                                                  \
  prefix##_from_string (const char *str,                                    \
                        Type       *value)                                  \
  {                                                                         \
    int v;                                                                  \
    if (!lw_enum_value_of_nick (gtype, str, &v))                            \
      return FALSE;                                                         \
    *value = (Type) v;                                                      \
    return TRUE;                                                            \
  }

/* The same for an enum whose @none value is written as null (JSON's
 * null), never as a word. */
#define LW_ENUM_STRINGS_NULLABLE(prefix, Type, gtype, none)                 \
  const char *                                                              \
  prefix##_to_string (Type value)                                           \
  {                                                                         \
    return value == none ? NULL : lw_enum_nick_of (gtype, (int) value);     \
  }                                                                         \
  gboolean                                                                  \
  prefix##_from_string (const char *str,                                    \
                        Type       *value)                                  \
  {                                                                         \
    int v;                                                                  \
    if (str == NULL)                                                        \
      {                                                                     \
        *value = none;                                                      \
        return TRUE;                                                        \
      }                                                                     \
    if (!lw_enum_value_of_nick (gtype, str, &v) || v == none)               \
      return FALSE;                                                         \
    *value = (Type) v;                                                      \
    return TRUE;                                                            \
  }

G_END_DECLS
