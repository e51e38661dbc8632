/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lw-firefox-prefs"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "lw-firefox-prefs.h"

/* A small reader for Firefox's pref files. Each statement is
 *
 *   user_pref("name", value);     (also pref, sticky_pref, lockPref and defaultPref)
 *
 * where value is true, false, an integer or a string in double or single
 * quotes with backslash escapes (\\ \" \' \n \r \t \xHH \uHHHH). Comments
 * are // and # to the end of the line, and C's block comments. A later
 * statement for the same name wins, as in Firefox. Anything else is damage:
 * the whole file is refused with the line, so that a damaged file gives
 * "unknown setting (why)" and never a default. */

typedef struct
{
  const char *p;
  const char *end;
  guint       line;
} Cursor;

void
lw_pref_free (LwPref *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_free (self->string);
  g_free (self);
}

G_GNUC_PRINTF (3, 4)
static gboolean
damaged (Cursor      *c,
         GError     **error,
         const char  *format,
         ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  /* Translators: the first %u is a line number, then what is wrong there */
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("line %u: %s"), c->line, what);
  return FALSE;
}

static gboolean
skip_blank (Cursor  *c,
            GError **error)
{
  while (c->p < c->end)
    {
      if (*c->p == '\n')
        {
          c->line++;
          c->p++;
        }
      else if (g_ascii_isspace (*c->p))
        c->p++;
      else if (*c->p == '#' || (*c->p == '/' && c->p + 1 < c->end && c->p[1] == '/'))
        {
          while (c->p < c->end && *c->p != '\n')
            c->p++;
        }
      else if (*c->p == '/' && c->p + 1 < c->end && c->p[1] == '*')
        {
          guint start = c->line;

          c->p += 2;
          while (c->p + 1 < c->end && !(c->p[0] == '*' && c->p[1] == '/'))
            {
              if (*c->p == '\n')
                c->line++;
              c->p++;
            }
          if (c->p + 1 >= c->end)
            {
              c->line = start;
              return damaged (c, error, "%s", _("a comment is never closed"));
            }
          c->p += 2;
        }
      else
        break;
    }
  return TRUE;
}

static gboolean
expect_char (Cursor  *c,
             char     want,
             GError **error)
{
  if (!skip_blank (c, error))
    return FALSE;
  if (c->p >= c->end || *c->p != want)
    return damaged (c, error, _("“%c” expected"), want);
  c->p++;
  return TRUE;
}

static gboolean
read_word (Cursor     *c,
           GString    *out)
{
  g_string_truncate (out, 0);
  while (c->p < c->end && (g_ascii_isalnum (*c->p) || *c->p == '_'))
    g_string_append_c (out, *c->p++);
  return out->len > 0;
}

static int
hex_digits (const char *p,
            const char *end,
            guint       n)
{
  int value = 0;

  if ((gsize) (end - p) < n)
    return -1;
  for (guint i = 0; i < n; i++)
    {
      int d = g_ascii_xdigit_value (p[i]);

      if (d < 0)
        return -1;
      value = value * 16 + d;
    }
  return value;
}

static gboolean
read_string (Cursor   *c,
             char    **out,
             GError  **error)
{
  g_autoptr(GString) s = g_string_new (NULL);
  char quote = *c->p++;
  guint start = c->line;

  while (c->p < c->end && *c->p != quote)
    {
      gunichar ch;
      int v;

      if (*c->p == '\n')
        c->line++;
      if (*c->p != '\\')
        {
          g_string_append_c (s, *c->p++);
          continue;
        }
      if (++c->p >= c->end)
        break;
      switch (*c->p)
        {
        case 'n': g_string_append_c (s, '\n'); c->p++; continue;
        case 'r': g_string_append_c (s, '\r'); c->p++; continue;
        case 't': g_string_append_c (s, '\t'); c->p++; continue;
        case '\\':
        case '"':
        case '\'':
          g_string_append_c (s, *c->p++);
          continue;
        case 'x':
          if ((v = hex_digits (c->p + 1, c->end, 2)) < 0)
            return damaged (c, error, "%s", _("a \\x escape needs two hex digits"));
          ch = (gunichar) v;
          c->p += 3;
          break;
        case 'u':
          if ((v = hex_digits (c->p + 1, c->end, 4)) < 0)
            return damaged (c, error, "%s", _("a \\u escape needs four hex digits"));
          c->p += 5;
          ch = (gunichar) v;
          /* A surrogate pair, as JavaScript writes characters above U+FFFF. */
          if (ch >= 0xD800 && ch <= 0xDBFF && c->end - c->p >= 6 && c->p[0] == '\\' && c->p[1] == 'u' &&
              (v = hex_digits (c->p + 2, c->end, 4)) >= 0xDC00 && v <= 0xDFFF)
            {
              ch = 0x10000 + ((ch - 0xD800) << 10) + ((gunichar) v - 0xDC00);
              c->p += 6;
            }
          break;
        default:
          return damaged (c, error, _("unknown escape “\\%c”"), g_ascii_isprint (*c->p) ? *c->p : '?');
        }
      if (ch == 0 || !g_unichar_validate (ch))
        return damaged (c, error, "%s", _("an escape stands for no valid character"));
      g_string_append_unichar (s, ch);
    }
  if (c->p >= c->end)
    {
      c->line = start;
      return damaged (c, error, "%s", _("a string is never closed"));
    }
  c->p++;
  *out = g_string_free (g_steal_pointer (&s), FALSE);
  return TRUE;
}

static gboolean
read_value (Cursor  *c,
            LwPref  *pref,
            GError **error)
{
  g_autoptr(GString) word = g_string_new (NULL);

  if (!skip_blank (c, error))
    return FALSE;
  if (c->p >= c->end)
    return damaged (c, error, "%s", _("a value expected"));

  if (*c->p == '"' || *c->p == '\'')
    {
      pref->type = LW_PREF_STRING;
      return read_string (c, &pref->string, error);
    }
  if (*c->p == '-' || *c->p == '+' || g_ascii_isdigit (*c->p))
    {
      gboolean negative = *c->p == '-';
      guint64 value = 0;

      if (*c->p == '-' || *c->p == '+')
        c->p++;
      if (c->p >= c->end || !g_ascii_isdigit (*c->p))
        return damaged (c, error, "%s", _("a number expected"));
      while (c->p < c->end && g_ascii_isdigit (*c->p))
        {
          value = value * 10 + (guint64) (*c->p++ - '0');
          /* Firefox's ints are 32 bits wide. */
          if (value > (guint64) G_MAXINT32 + 1)
            return damaged (c, error, "%s", _("a number too large for a pref"));
        }
      if (!negative && value > G_MAXINT32)
        return damaged (c, error, "%s", _("a number too large for a pref"));
      pref->type = LW_PREF_INT;
      pref->integer = negative ? -(gint64) value : (gint64) value;
      return TRUE;
    }
  if (read_word (c, word) && (g_str_equal (word->str, "true") || g_str_equal (word->str, "false")))
    {
      pref->type = LW_PREF_BOOL;
      pref->boolean = g_str_equal (word->str, "true");
      return TRUE;
    }
  return damaged (c, error, "%s", _("a value must be true, false, a number or a string"));
}

static gboolean
read_statement (Cursor      *c,
                GHashTable  *prefs,
                GError     **error)
{
  g_autoptr(GString) word = g_string_new (NULL);
  LwPref *pref;

  if (!read_word (c, word) ||
      !(g_str_equal (word->str, "user_pref") || g_str_equal (word->str, "pref") ||
        g_str_equal (word->str, "sticky_pref") || g_str_equal (word->str, "lockPref") ||
        g_str_equal (word->str, "defaultPref")))
    return damaged (c, error, "%s", _("user_pref(…) expected"));

  pref = g_new0 (LwPref, 1);
  pref->locked = g_str_equal (word->str, "lockPref");
  pref->line = c->line;
  if (!expect_char (c, '(', error) || !skip_blank (c, error))
    goto failed;
  if (c->p >= c->end || (*c->p != '"' && *c->p != '\''))
    {
      damaged (c, error, "%s", _("a pref name in quotes expected"));
      goto failed;
    }
  if (!read_string (c, &pref->name, error))
    goto failed;
  if (*pref->name == '\0')
    {
      damaged (c, error, "%s", _("a pref has an empty name"));
      goto failed;
    }
  if (!expect_char (c, ',', error) || !read_value (c, pref, error) ||
      !expect_char (c, ')', error) || !expect_char (c, ';', error))
    goto failed;

  g_hash_table_replace (prefs, pref->name, pref);
  return TRUE;

failed:
  lw_pref_free (pref);
  return FALSE;
}

/* "the file is too large (20.1 MB)": its size as people read one. */
static void
too_large (GError  **error,
           guint64   size)
{
  g_autofree char *size_text = g_format_size (size);

  /* Translators: %s is a size, such as "20.1 MB" */
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("the file is too large (%s)"), size_text);
}

/**
 * lw_firefox_prefs_parse:
 * @text: the file's bytes
 *
 * Returns: (transfer full) (nullable): name → #LwPref, the last statement
 *   for each name; %NULL with @error saying the line and what is wrong
 */
GHashTable *
lw_firefox_prefs_parse (const char  *text,
                        gsize        length,
                        GError     **error)
{
  g_autoptr(GHashTable) prefs = NULL;
  Cursor c = { text, text + length, 1 };

  if (length > LW_FIREFOX_PREFS_MAX_BYTES)
    {
      too_large (error, length);
      return NULL;
    }
  if (memchr (text, '\0', length) != NULL || !g_utf8_validate_len (text, length, NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("the file is not UTF-8 text"));
      return NULL;
    }

  prefs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) lw_pref_free);
  while (TRUE)
    {
      if (!skip_blank (&c, error))
        return NULL;
      if (c.p >= c.end)
        break;
      if (!read_statement (&c, prefs, error))
        return NULL;
    }
  return g_steal_pointer (&prefs);
}

/**
 * lw_firefox_prefs_load:
 *
 * Reads a pref file, capped at %LW_FIREFOX_PREFS_MAX_BYTES before it is
 * read. A missing file is %G_IO_ERROR_NOT_FOUND, which callers take as
 * "no prefs set here".
 *
 * Returns: (transfer full) (nullable): as lw_firefox_prefs_parse()
 */
/**
 * lw_read_capped_file:
 * @file: another program's file
 * @max_bytes: the most that is read
 *
 * Reads a file of another program, following symlinks, refusing what is
 * not a regular file or is larger than @max_bytes (docs/ARCHITECTURE.md,
 * "Browser files").
 */
gboolean
lw_read_capped_file (GFile   *file,
                     gsize    max_bytes,
                     char   **contents,
                     gsize   *length,
                     GError **error)
{
  g_autoptr(GFileInfo) info = NULL;

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                            G_FILE_QUERY_INFO_NONE, NULL, error);
  if (info == NULL)
    return FALSE;
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE, _("it is not a regular file"));
      return FALSE;
    }
  if (g_file_info_get_size (info) > (goffset) max_bytes)
    {
      too_large (error, (guint64) g_file_info_get_size (info));
      return FALSE;
    }
  if (!g_file_load_contents (file, NULL, contents, length, NULL, error))
    return FALSE;
  /* It may have grown between the two looks. */
  if (*length > max_bytes)
    {
      g_clear_pointer (contents, g_free);
      too_large (error, *length);
      return FALSE;
    }
  return TRUE;
}

GHashTable *
lw_firefox_prefs_load (GFile   *file,
                       GError **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!lw_read_capped_file (file, LW_FIREFOX_PREFS_MAX_BYTES, &contents, &length, error))
    return NULL;
  return lw_firefox_prefs_parse (contents, length, error);
}
