/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "lw-http-probe.h"
#include "lw-test-util.h"

/* The HTTPS probe run in a helper process: whatever the helper does
 * (answers, fails, crashes, hangs, prints garbage), the service gets one
 * result per service and family, and only a real answer carries an
 * address. The helpers here are small scripts standing in for
 * `leakwatch --probe-https`. */

static char *tmp_dir;

typedef struct
{
  GPtrArray *answers;
  GError    *error;
  gboolean   done;
} Result;

static void
on_done (GObject      *source,
         GAsyncResult *res,
         gpointer      data)
{
  Result *r = data;

  r->answers = lw_http_probe_run_in_helper_finish (res, &r->error);
  r->done = TRUE;
}

static char *
script (const char *name,
        const char *body)
{
  g_autofree char *text = g_strdup_printf ("#!/bin/sh\n%s\n", body);
  char *path = g_build_filename (tmp_dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_assert_cmpint (g_chmod (path, 0755), ==, 0);
  return path;
}

static Result
run (const char   *helper,
     guint         timeout_ms,
     GCancellable *cancellable)
{
  const char *urls[] = { "https://203.0.113.5/", "https://[2001:db8:113::5]/json", NULL };
  Result r = { NULL, NULL, FALSE };

  lw_http_probe_run_in_helper_async (helper, urls, TRUE, TRUE, NULL, timeout_ms, cancellable,
                                     on_done, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  return r;
}

static void
assert_all_failed (GPtrArray  *answers,
                   const char *message)
{
  g_assert_nonnull (answers);
  g_assert_cmpuint (answers->len, ==, 4);   /* two services, two families */
  for (guint i = 0; i < answers->len; i++)
    {
      const LwPublicAddress *pa = g_ptr_array_index (answers, i);

      g_assert_cmpint (pa->result, ==, LW_RESULT_ERROR);
      g_assert_null (pa->address);
      g_assert_nonnull (strstr (pa->error, message));
    }
}

static void
test_answers (void)
{
  g_autofree char *helper = script ("answers",
    "case \"$*\" in *'--probe-https 46 --timeout 2.600 --ip-url https://203.0.113.5/ --ip-url "
    "https://[2001:db8:113::5]/json'*) ;; *) echo \"unexpected: $*\" >&2; exit 9;; esac\n"
    "echo '{\"public_addresses\":[{\"family\":\"ipv4\",\"path\":\"direct\",\"address\":\"203.0.113.51\","
    "\"url\":\"https://203.0.113.5/\",\"result\":\"answered\",\"error\":null,\"ms\":12}]}'");
  Result r = run (helper, 3000, NULL);
  const LwPublicAddress *pa;

  g_assert_no_error (r.error);
  g_assert_cmpuint (r.answers->len, ==, 1);
  pa = g_ptr_array_index (r.answers, 0);
  g_assert_cmpint (pa->family, ==, 4);
  g_assert_cmpint (pa->result, ==, LW_RESULT_ANSWERED);
  g_assert_cmpstr (pa->address, ==, "203.0.113.51");
  g_ptr_array_unref (r.answers);
}

/* A helper that gives no answer, and what each result must say. */
typedef struct
{
  const char *path;      /* the test's */
  const char *name;      /* the helper's file name */
  const char *body;      /* its script; NULL: no such file */
  const char *message;
} Failure;

static const Failure failures[] = {
  { "/http-helper/fails", "fails", "exit 3", "exit status 3" },
  { "/http-helper/crashes", "crashes", "kill -SEGV $$", "signal 11" },
  { "/http-helper/garbage", "garbage", "echo '<html>not json</html>'", "unreadable" },
  { "/http-helper/missing", "no-such-helper", NULL, "Cannot start the address check" },
};

static void
test_failure (gconstpointer data)
{
  const Failure *failure = data;
  g_autofree char *helper = failure->body != NULL ? script (failure->name, failure->body)
                                                  : g_build_filename (tmp_dir, failure->name, NULL);
  Result r;

  g_assert_false (failure->body == NULL && g_file_test (helper, G_FILE_TEST_EXISTS));
  r = run (helper, 3000, NULL);
  assert_all_failed (r.answers, failure->message);
  g_ptr_array_unref (r.answers);
}

static void
test_hangs (void)
{
  /* Holds stdout open past its deadline: stopped, and the check goes on. */
  g_autofree char *helper = script ("hangs", "exec sleep 60");
  gint64 started = g_get_monotonic_time ();
  Result r = run (helper, 200, NULL);

  assert_all_failed (r.answers, "did not finish in time");
  g_assert_cmpint (g_get_monotonic_time () - started, <, 10 * G_USEC_PER_SEC);
  g_ptr_array_unref (r.answers);
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_cancelled (void)
{
  g_autofree char *helper = script ("slow", "exec sleep 60");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Result r;

  g_timeout_add (100, cancel_cb, cancellable);
  r = run (helper, 5000, cancellable);
  /* Still a result per service and family, saying why there is none. */
  g_assert_no_error (r.error);
  assert_all_failed (r.answers, "ended before");
  g_ptr_array_unref (r.answers);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  tmp_dir = g_dir_make_tmp ("lw-http-helper-XXXXXX", NULL);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/http-helper/answers", test_answers);
  for (guint i = 0; i < G_N_ELEMENTS (failures); i++)
    g_test_add_data_func (failures[i].path, &failures[i], test_failure);
  g_test_add_func ("/http-helper/hangs", test_hangs);
  g_test_add_func ("/http-helper/cancelled", test_cancelled);
  ret = g_test_run ();
  lw_test_rm_rf (tmp_dir);
  g_free (tmp_dir);
  return ret;
}
