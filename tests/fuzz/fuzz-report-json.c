/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>

#include "lw-report.h"
#include "lw-text.h"
#include "lw-fuzz.h"

/* A report as the tray and the window read it from the bus, or as a
 * damaged file gives it: refused with a reason, or read; and a report
 * that was read prints, as text and as JSON, and reads back the same. */

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *json = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(LwReport) report = lw_report_new_from_json (json, &error);
  g_autoptr(LwReport) again = NULL;
  g_autofree char *written = NULL;
  g_autofree char *text = NULL;
  g_autofree char *headline = NULL;

  if (report == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  g_assert_no_error (error);

  text = lw_text_format_report (report);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  headline = lw_report_dup_headline (report);
  written = lw_report_to_json (report, FALSE);
  again = lw_report_new_from_json (written, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lw_report_get_status (again), ==, lw_report_get_status (report));
  g_assert_cmpuint (lw_report_get_findings (again)->len, ==, lw_report_get_findings (report)->len);
  return 0;
}
