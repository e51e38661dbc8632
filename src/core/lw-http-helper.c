/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lw-http-probe"

#include "config.h"

#include <glib/gi18n.h>

#include "lw-http-probe.h"
#include "lw-probe.h"
#include "lw-report.h"

/* The HTTPS probe in a process of its own, for the long-running modes.
 * TLS is most of a check's memory: glib-networking loads the system's
 * whole trust store on the first handshake and keeps it for the life of
 * the process (about 4.5 MB). A short-lived `leakwatch --probe-https`
 * child pays that instead, and hands its answers back as JSON in the
 * report's own form. A child that fails, hangs or answers garbage gives a
 * failed result per service and family, never an address. */

/* The child gets the deadline less LEEWAY_MS for its start and exit, and
 * is stopped SAFETY_MS after its own deadline: both well before the
 * check's backstop, so its answers, or failures saying why, always reach
 * the report. */
#define LEEWAY_MS 400
#define SAFETY_MS 300

typedef struct
{
  GSubprocess *process;
  GStrv        urls;
  gboolean     ipv4;
  gboolean     ipv6;
  LwDeadline   safety;
  gboolean     expired;
} Helper;

static void
helper_free (Helper *h)
{
  lw_deadline_clear (&h->safety);
  if (h->process != NULL)
    g_subprocess_force_exit (h->process);
  g_clear_object (&h->process);
  g_strfreev (h->urls);
  g_free (h);
}

/* One failed result per service and family asked. */
static GPtrArray *
failures (Helper     *h,
          const char *message)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_public_address_free);

  for (guint i = 0; h->urls[i] != NULL; i++)
    for (int family = 4; family <= 6; family += 2)
      {
        LwPublicAddress *pa;

        if ((family == 4 && !h->ipv4) || (family == 6 && !h->ipv6))
          continue;
        pa = lw_public_address_new (family, LW_HTTP_PATH_DIRECT, h->urls[i]);
        pa->result = LW_RESULT_ERROR;
        pa->error = g_strdup (message);
        pa->ms = -1;
        g_ptr_array_add (out, pa);
      }
  return out;
}

static gboolean
on_safety (gpointer data)
{
  Helper *h = data;

  h->expired = TRUE;
  g_debug ("the HTTPS helper did not finish in time; stopping it");
  g_subprocess_force_exit (h->process);
  return G_SOURCE_REMOVE;
}

static void
on_communicated (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(GTask) task = data;
  Helper *h = g_task_get_task_data (task);
  g_autofree char *output = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) answers = NULL;

  lw_deadline_clear (&h->safety);
  if (!g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &output, NULL, &error))
    {
      /* Cancelled (the check's backstop, or a newer check): the services
       * still get a result each, saying so; helper_free() stops the child. */
      const char *message = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                              ? _("The check ended before the address check did")
                              : error->message;

      g_task_return_pointer (task, failures (h, message), (GDestroyNotify) g_ptr_array_unref);
      return;
    }

  if (h->expired)
    answers = failures (h, _("The address check did not finish in time"));
  else if (!g_subprocess_get_if_exited (h->process) || g_subprocess_get_exit_status (h->process) != 0)
    {
      g_autofree char *message = NULL;

      if (g_subprocess_get_if_signaled (h->process))
        message = g_strdup_printf (_("The address check stopped on signal %d"),
                                   g_subprocess_get_term_sig (h->process));
      else
        message = g_strdup_printf (_("The address check failed (exit status %d)"),
                                   g_subprocess_get_exit_status (h->process));
      answers = failures (h, message);
    }
  else if ((answers = lw_public_addresses_from_json (output ? output : "", &error)) == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The address check gave an unreadable answer: %s"),
                                                  error->message);

      answers = failures (h, message);
    }
  g_clear_object (&h->process);
  g_task_return_pointer (task, g_steal_pointer (&answers), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * lw_http_probe_run_in_helper_async:
 * @helper: the leakwatch executable to run with --probe-https
 * @ca_file: (nullable): the CAs to trust, or %NULL for the system's
 *
 * As lw_http_probe_run_async(), in a child process; finish with
 * lw_http_probe_run_in_helper_finish().
 */
void
lw_http_probe_run_in_helper_async (const char          *helper,
                                   const char * const  *urls,
                                   gboolean             ipv4,
                                   gboolean             ipv6,
                                   const char          *ca_file,
                                   guint                timeout_ms,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  char seconds[G_ASCII_DTOSTR_BUF_SIZE];
  Helper *h = g_new0 (Helper, 1);
  guint child_ms;

  g_return_if_fail (helper != NULL && urls != NULL);

  g_task_set_source_tag (task, lw_http_probe_run_in_helper_async);
  g_task_set_check_cancellable (task, FALSE);
  h->urls = g_strdupv ((char **) urls);
  h->ipv4 = ipv4;
  h->ipv6 = ipv6;
  g_task_set_task_data (task, h, (GDestroyNotify) helper_free);

  if ((!ipv4 && !ipv6) || urls[0] == NULL)
    {
      g_task_return_pointer (task, failures (h, ""), (GDestroyNotify) g_ptr_array_unref);
      return;
    }

  child_ms = timeout_ms > 2 * LEEWAY_MS ? timeout_ms - LEEWAY_MS : MAX (timeout_ms / 2, 100);
  g_ascii_formatd (seconds, sizeof seconds, "%.3f", child_ms / 1000.0);
  g_ptr_array_add (argv, g_strdup (helper));
  g_ptr_array_add (argv, g_strdup ("--probe-https"));
  g_ptr_array_add (argv, g_strdup (ipv4 && ipv6 ? "46" : ipv4 ? "4" : "6"));
  g_ptr_array_add (argv, g_strdup ("--timeout"));
  g_ptr_array_add (argv, g_strdup (seconds));
  if (ca_file != NULL)
    {
      g_ptr_array_add (argv, g_strdup ("--ca-file"));
      g_ptr_array_add (argv, g_strdup (ca_file));
    }
  for (guint i = 0; urls[i] != NULL; i++)
    {
      g_ptr_array_add (argv, g_strdup ("--ip-url"));
      g_ptr_array_add (argv, g_strdup (urls[i]));
    }
  g_ptr_array_add (argv, NULL);

  h->process = g_subprocess_newv ((const char * const *) argv->pdata, G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                  &error);
  if (h->process == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Cannot start the address check: %s"),
                                                  error->message);

      g_task_return_pointer (task, failures (h, message), (GDestroyNotify) g_ptr_array_unref);
      return;
    }
  /* Cancellation is the communication's to handle, not the deadline's. */
  lw_deadline_start (&h->safety, child_ms + SAFETY_MS, NULL, on_safety, h);
  g_subprocess_communicate_utf8_async (h->process, NULL, cancellable, on_communicated,
                                       g_steal_pointer (&task));
}

/**
 * lw_http_probe_run_in_helper_finish:
 *
 * Returns: (transfer full) (element-type LwPublicAddress): as
 *   lw_http_probe_run_finish(), with a failed result per service and
 *   family when the child could not answer, or was cancelled
 */
GPtrArray *
lw_http_probe_run_in_helper_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
