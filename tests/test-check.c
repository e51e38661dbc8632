/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lw-check.h"

/* The life of a check as a caller sees it: cancelled midway it ends at
 * once with G_IO_ERROR_CANCELLED; cancelled after it finished, nothing
 * happens (the sanitizer build checks that nothing is touched). Only
 * loopback is used, where nothing listens. */

typedef struct
{
  LwReport *report;
  GError   *error;
  gboolean  done;
  gint64    finished_at;
} Result;

static void
on_done (GObject      *source,
         GAsyncResult *res,
         gpointer      data)
{
  Result *r = data;

  r->report = lw_check_run_finish (res, &r->error);
  r->done = TRUE;
  r->finished_at = g_get_monotonic_time ();
}

static LwCheckOptions *
loopback_options (void)
{
  LwCheckOptions *options = lw_check_options_new ();
  const char *stun[] = { "127.0.0.1:9", NULL };
  const char *urls[] = { "https://127.0.0.1:9/", NULL };

  g_strfreev (options->stun_servers);
  g_strfreev (options->ip_urls);
  options->stun_servers = g_strdupv ((char **) stun);
  options->ip_urls = g_strdupv ((char **) urls);
  options->timeout_ms = 3000;
  return options;
}

static gboolean
cancel_now (gpointer cancellable)
{
  g_cancellable_cancel (cancellable);
  return G_SOURCE_REMOVE;
}

static void
test_cancel_midway (void)
{
  g_autoptr(LwCheckOptions) options = loopback_options ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Result r = { 0 };
  gint64 cancelled_at;

  lw_check_run_async (options, cancellable, on_done, &r);
  g_timeout_add (200, cancel_now, cancellable);
  while (!g_cancellable_is_cancelled (cancellable))
    g_main_context_iteration (NULL, TRUE);
  cancelled_at = g_get_monotonic_time ();
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_null (r.report);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* Well before the 3 s timeout: cancellation is not ignored. */
  g_assert_cmpint (r.finished_at - cancelled_at, <, 1000 * 1000);
  g_clear_error (&r.error);
}

static void
test_cancel_after_done (void)
{
  g_autoptr(LwCheckOptions) options = loopback_options ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Result r = { 0 };

  options->timeout_ms = 500;
  lw_check_run_async (options, cancellable, on_done, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (r.error);
  g_assert_nonnull (r.report);
  /* Nothing answers on loopback port 9: never green. */
  g_assert_cmpint (lw_report_get_status (r.report), !=, LW_STATUS_PROTECTED);

  /* The check is over and freed; cancelling now must touch nothing. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_cancellable_cancel (cancellable);
  g_assert_finalize_object (r.report);
}

/* A probe that fails as a whole, here because its helper program cannot
 * start, leaves one failed result per address service and family, with
 * the reason; the report never says that nothing was asked. */
static void
test_probe_failure_is_told (void)
{
  g_autoptr(LwCheckOptions) options = loopback_options ();
  const LwEvidence *ev;
  GPtrArray *findings;
  guint failed = 0;
  Result r = { 0 };

  options->https_helper = g_strdup ("/nonexistent/leakwatch");
  options->timeout_ms = 500;
  lw_check_run_async (options, NULL, on_done, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (r.error);
  ev = lw_report_get_evidence (r.report);
  if (ev->default_ipv4 == NULL && ev->default_ipv6 == NULL)
    {
      g_test_skip ("this machine has no default route, so no address service is asked");
      g_clear_object (&r.report);
      return;
    }

  for (guint i = 0; i < ev->public_addresses->len; i++)
    {
      const LwPublicAddress *pa = g_ptr_array_index (ev->public_addresses, i);

      g_assert_cmpstr (pa->url, ==, "https://127.0.0.1:9/");
      g_assert_cmpint (pa->result, !=, LW_RESULT_ANSWERED);
      g_assert_nonnull (pa->error);
      g_assert_nonnull (strstr (pa->error, "nonexistent"));
      failed++;
    }
  g_assert_cmpuint (failed, ==, (ev->default_ipv4 != NULL) + (ev->default_ipv6 != NULL));

  findings = lw_report_get_findings (r.report);
  for (guint i = 0; i < findings->len; i++)
    {
      const LwFinding *f = g_ptr_array_index (findings, i);

      g_assert_null (strstr (f->detail ? f->detail : "", "was asked"));
    }
  g_clear_object (&r.report);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/check/cancel-midway", test_cancel_midway);
  g_test_add_func ("/check/cancel-after-done", test_cancel_after_done);
  g_test_add_func ("/check/probe-failure-is-told", test_probe_failure_is_told);

  return g_test_run ();
}
