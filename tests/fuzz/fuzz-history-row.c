/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lw-history.h"
#include "lw-when.h"
#include "lw-fuzz.h"

/* A row of the history's changes, as a tampered or damaged file gives it:
 * eight bytes of time, then the old status, the new status, the headline
 * and the findings, one per line. What `leakwatch --history` and the
 * window's History page make of it is valid UTF-8 and valid JSON, and
 * the time is said in words, whatever the year. */

static LwStatus
status_of (const char *text)
{
  LwStatus status;

  /* As the history reads its column: anything else is "unknown". */
  if (text == NULL || !lw_status_from_string (text, &status))
    return LW_STATUS_UNKNOWN;
  return status;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (1764000000);  /* fixed, never the clock */
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  LwStatusChange change = { 0 };
  guint n;

  if (size < 8)
    return 0;
  memcpy (&change.time, data, sizeof change.time);
  text = g_strndup ((const char *) data + 8, size - 8);
  fields = g_strsplit (text, "\n", 4);
  n = g_strv_length (fields);
  change.old_status = n > 0 && g_str_equal (fields[0], "-") ? LW_STATUS_CHECKING
                                                            : status_of (n > 0 ? fields[0] : NULL);
  change.new_status = status_of (n > 1 ? fields[1] : NULL);
  change.headline = n > 2 ? fields[2] : NULL;
  change.findings = n > 3 ? fields[3] : NULL;

  node = lw_status_change_to_json (&change);
  generator = json_generator_new ();
  json_generator_set_root (generator, node);
  json = json_generator_to_data (generator, NULL);
  g_assert_true (g_utf8_validate (json, -1, NULL));
  parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);

  if ((when = g_date_time_new_from_unix_utc (change.time)) != NULL)
    {
      g_autofree char *words = lw_when_short (when, now);

      g_assert_nonnull (words);
      g_assert_true (g_utf8_validate (words, -1, NULL));
    }
  return 0;
}
