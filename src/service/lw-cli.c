/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "leakwatch"

#include "config.h"

#include <errno.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "lw-application.h"
#include "lw-browser-test.h"
#include "lw-cli.h"
#include "lw-http-probe.h"
#include "lw-monitor-dbus.h"
#include "lw-monitor.h"
#include "lw-text.h"
#include "lw-when.h"

/* The command-line modes: --check, --watch and --history. Each runs on a
 * main loop of its own and never registers on the session bus. */

/* The running service, or NULL when none runs (or there is no session
 * bus). It holds the history file while it runs. */
static LwDBusMonitor1 *
running_service (void)
{
  g_autoptr(LwDBusMonitor1) proxy = NULL;
  g_autofree char *owner = NULL;

  proxy = lw_dbus_monitor1_proxy_new_for_bus_sync (G_BUS_TYPE_SESSION,
                                                   G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START |
                                                   G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES |
                                                   G_DBUS_PROXY_FLAGS_DO_NOT_CONNECT_SIGNALS,
                                                   APP_ID, LW_SERVICE_PATH, NULL, NULL);
  if (proxy == NULL || (owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (proxy))) == NULL)
    return NULL;
  g_debug ("the service runs (%s)", owner);
  return g_steal_pointer (&proxy);
}

/* Opens the history at its usual place. A damaged file has been moved
 * aside by then, unless @service_runs (the service holds it); the user is
 * told here, once. A history that cannot be opened now (a full disk, a
 * read-only folder) is said once too, and @problem says why; the history
 * returned tries again at each use, so --watch saves its checks once it
 * can. */
static LwHistory *
open_history (gboolean   service_runs,
              char     **problem)
{
  g_autofree char *path = lw_history_default_path ();
  g_autoptr(LwHistory) history = lw_history_new (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *notice = NULL;

  if (service_runs)
    lw_history_keep_damaged (history);
  if (!lw_history_open (history, &error))
    {
      g_printerr (_("leakwatch: the history cannot be opened (%s); checks go on without it\n"),
                  error->message);
      *problem = g_strdup (error->message);
    }
  if ((notice = lw_history_take_recovery_notice (history)) != NULL)
    g_printerr ("leakwatch: %s\n", notice);
  return g_steal_pointer (&history);
}

/**
 * lw_cli_open_history:
 *
 * The history for a check run from the command line: see open_history().
 *
 * Returns: (transfer full): the history, open or not
 */
LwHistory *
lw_cli_open_history (char **problem)
{
  g_autoptr(LwDBusMonitor1) service = running_service ();

  return open_history (service != NULL, problem);
}

/* What the history knows that the analyzer uses: the real addresses seen
 * without a VPN, and the last status. Takes @problem, why the history
 * could not be opened (or NULL), into @options. */
static void
options_from_history (LwCheckOptions *options,
                      LwHistory      *history,
                      char           *problem)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *remembered;

  /* What cannot be read is said in the report, never taken for "none". */
  g_free (options->history_unreadable);
  options->history_unreadable = problem;
  if (problem != NULL)
    return;
  if ((remembered = lw_history_get_remembered (history, &error)) != NULL)
    {
      g_clear_pointer (&options->remembered, g_ptr_array_unref);
      options->remembered = remembered;
    }
  else
    {
      g_free (options->history_unreadable);
      options->history_unreadable = g_strdup (error->message);
    }
  options->have_previous = lw_history_get_last_status (history, &options->previous_status);
}

/* Runs what is ready on the main context for up to @ms milliseconds: the
 * clean-ups a finished check left (libnice agents close asynchronously),
 * but never forever, whatever keeps a source busy. */
static void
drain (guint ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < until && g_main_context_iteration (NULL, FALSE))
    ;
}

typedef struct
{
  LwReport *report;
  gboolean  done;
} CheckResult;

static void
on_check_done (GObject      *source,
               GAsyncResult *res,
               gpointer      data)
{
  CheckResult *out = data;
  g_autoptr(GError) error = NULL;

  out->report = lw_check_run_finish (res, &error);
  out->done = TRUE;
  if (out->report == NULL)
    g_printerr (_("The check failed: %s\n"), error->message);
}

/* The terminal's width, or 80 when the output is not a terminal. */
static guint
output_width (void)
{
  struct winsize size;

  if (isatty (STDOUT_FILENO) && ioctl (STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col >= 40)
    return size.ws_col;
  return 80;
}

/* Colour on a terminal only, and never when NO_COLOR is set
 * (https://no-color.org) or the terminal says it has none. */
static gboolean
output_colour (void)
{
  const char *no_color = g_getenv ("NO_COLOR");

  return isatty (STDOUT_FILENO) && (no_color == NULL || *no_color == '\0') &&
         g_strcmp0 (g_getenv ("TERM"), "dumb") != 0;
}

static const char *
colour_of_status (LwStatus status)
{
  switch (status)
    {
    case LW_STATUS_LEAK:        return "\033[1;31m";
    case LW_STATUS_WARNING:     return "\033[1;33m";
    case LW_STATUS_PROTECTED:   return "\033[1;32m";
    case LW_STATUS_UNPROTECTED:
    case LW_STATUS_UNKNOWN:
    case LW_STATUS_CHECKING:
    default:                    return "\033[1m";
    }
}

static const char *
colour_of_level (LwLevel level)
{
  switch (level)
    {
    case LW_LEVEL_LEAK:        return "\033[1;31m";
    case LW_LEVEL_WARNING:     return "\033[1;33m";
    case LW_LEVEL_NOTE:        return "\033[2m";
    case LW_LEVEL_UNKNOWN:
    case LW_LEVEL_UNPROTECTED:
    default:                   return "\033[1m";
    }
}

/* A text report for the terminal: wrapped to its width, and on a colour
 * terminal, the verdict's line and each finding's level in colour. */
static char *
for_terminal (char     *text,
              LwReport *report)
{
  g_autofree char *owned = text;
  g_autofree char *wrapped = lw_text_wrap (owned, output_width ());
  g_auto(GStrv) lines = NULL;
  GString *out;

  if (!output_colour ())
    return g_steal_pointer (&wrapped);

  out = g_string_new (NULL);
  lines = g_strsplit (wrapped, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      gboolean done = FALSE;

      if (i > 0)
        g_string_append_c (out, '\n');
      if (i == 0 && *lines[i] != '\0')
        {
          g_string_append_printf (out, "%s%s\033[0m", colour_of_status (lw_report_get_status (report)),
                                  lines[i]);
          continue;
        }
      for (int level = LW_LEVEL_NOTE; level <= LW_LEVEL_LEAK && !done; level++)
        {
          g_autofree char *tag = lw_text_level_tag (level);

          if (g_str_has_prefix (lines[i], tag))
            {
              g_autofree char *label = g_strchomp (g_strdup (tag + 2));

              g_string_append_printf (out, "  %s%s\033[0m%s", colour_of_level (level), label,
                                      lines[i] + 2 + strlen (label));
              done = TRUE;
            }
        }
      if (!done)
        g_string_append (out, lines[i]);
    }
  return g_string_free (out, FALSE);
}

/* Returns whether all of it was written: a report lost on a full disk
 * or a closed pipe is an error, never a verdict. */
static gboolean
print_and_free (char *text)
{
  gboolean written;

  fputs (text, stdout);
  fputc ('\n', stdout);
  written = fflush (stdout) == 0 && !ferror (stdout);
  if (!written)
    g_printerr (_("leakwatch: cannot write the report: %s\n"), g_strerror (errno));
  g_free (text);
  return written;
}

/* `leakwatch --check`: one check, then an exit code scripts can test.
 * `leakwatch --browsers` is the same check, told browser by browser. */
int
lw_cli_check (LwCheckOptions *options,
              gboolean        json,
              gboolean        whole_report)
{
  g_autofree char *text = NULL;
  char *problem = NULL;
  g_autoptr(LwHistory) history = lw_cli_open_history (&problem);
  gboolean can_record = problem == NULL;  /* said once already when not */
  g_autoptr(LwReport) report = NULL;
  g_autoptr(GError) error = NULL;
  GMainContext *context = g_main_context_default ();
  CheckResult result = { NULL, FALSE };

  options_from_history (options, history, problem);
  lw_check_run_async (options, NULL, on_check_done, &result);
  while (!result.done)
    g_main_context_iteration (context, TRUE);
  /* Let deferred clean-ups (libnice agents) run before exiting. */
  drain (500);

  if ((report = g_steal_pointer (&result.report)) == NULL)
    return lw_status_exit_code (LW_STATUS_UNKNOWN);

  if (can_record && !lw_history_record (history, report, &error))
    g_printerr (_("leakwatch: cannot record the check: %s\n"), error->message);

  if (json)
    text = whole_report ? lw_report_to_json (report, TRUE) : lw_report_browsers_to_json (report, TRUE);
  else
    text = for_terminal (whole_report ? lw_text_format_report (report) : lw_text_format_browsers (report),
                         report);
  if (!print_and_free (g_steal_pointer (&text)))
    return LW_EXIT_IO;
  return lw_status_exit_code (lw_report_get_status (report));
}

typedef struct
{
  GPtrArray *answers;
  gboolean   done;
} HttpsResult;

static void
on_https_done (GObject      *source,
               GAsyncResult *res,
               gpointer      data)
{
  HttpsResult *out = data;
  g_autoptr(GError) error = NULL;

  out->answers = lw_http_probe_run_finish (res, &error);
  out->done = TRUE;
  if (out->answers == NULL)
    g_printerr ("leakwatch: %s\n", error->message);
}

/* `leakwatch --probe-https 4|6|46` (hidden): the HTTPS probe alone, for a
 * long-running leakwatch, whose memory it spares (lw-http-helper.c).
 * Prints the answers as JSON; exits 0 when it could ask at all. */
int
lw_cli_probe_https (LwCheckOptions *options,
                    const char     *families)
{
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) error = NULL;
  HttpsResult result = { NULL, FALSE };
  gboolean ipv4 = strchr (families, '4') != NULL;
  gboolean ipv6 = strchr (families, '6') != NULL;
  gboolean written;

  if ((!ipv4 && !ipv6) || strspn (families, "46") != strlen (families))
    {
      g_printerr ("leakwatch: --probe-https takes 4, 6 or 46\n");
      return LW_EXIT_USAGE;
    }
  if (options->ca_file != NULL && (database = g_tls_file_database_new (options->ca_file, &error)) == NULL)
    {
      g_printerr ("leakwatch: %s\n", error->message);
      return LW_EXIT_USAGE;
    }
  lw_http_probe_run_async ((const char * const *) options->ip_urls, ipv4, ipv6, database,
                           options->timeout_ms, NULL, on_https_done, &result);
  while (!result.done)
    g_main_context_iteration (NULL, TRUE);
  if (result.answers == NULL)
    return 70;  /* EX_SOFTWARE */
  written = print_and_free (lw_public_addresses_to_json (result.answers));
  g_ptr_array_unref (result.answers);
  return written ? 0 : LW_EXIT_IO;
}

/* Said as the window and the tray say it: "13:00", "Yesterday at 13:00"
 * or "21 November at 13:00". */
static char *
format_time (gint64     unix_time,
             GDateTime *now)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_time);

  return dt ? lw_when_short (dt, now) : g_strdup ("?");
}

static void
on_watch_report (LwMonitor *monitor,
                 LwReport  *report,
                 gpointer   data)
{
  gboolean json = GPOINTER_TO_INT (data);
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *when = NULL;
  g_autofree char *headline = NULL;
  g_autofree char *text = NULL;
  GString *out;
  GPtrArray *findings;

  if (json)
    {
      print_and_free (lw_report_to_json (report, FALSE));
      return;
    }

  now = g_date_time_new_now_local ();
  when = format_time (lw_report_get_time (report), now);
  headline = lw_report_dup_headline (report);
  out = g_string_new (NULL);
  g_string_append_printf (out, "%s  %s  (%d ms)", when, headline, lw_report_get_timings (report)->total_ms);
  findings = lw_report_get_findings (report);
  for (guint i = 0; i < findings->len; i++)
    {
      const LwFinding *f = g_ptr_array_index (findings, i);

      if (f->level != LW_LEVEL_NOTE)
        {
          g_autofree char *tag = lw_text_level_tag (f->level);

          g_string_append_printf (out, "\n%s%s", tag, f->summary);
        }
    }
  text = g_string_free (out, FALSE);
  print_and_free (for_terminal (g_steal_pointer (&text), report));
}

/* The sources stay until lw_cli_watch() removes them. */
static gboolean
on_quit_signal (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_CONTINUE;
}

/* `leakwatch --watch`: a monitor in this process, printing every report
 * until interrupted. */
int
lw_cli_watch (LwCheckOptions *options,
              guint           interval,
              gboolean        json)
{
  g_autoptr(LwHistory) history = lw_cli_open_history (&options->history_unreadable);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(LwMonitor) monitor = lw_monitor_new (options, history, NULL);
  guint sigint, sigterm;

  lw_monitor_set_interval (monitor, interval);
  g_signal_connect (monitor, "report", G_CALLBACK (on_watch_report), GINT_TO_POINTER (json));
  sigint = g_unix_signal_add (SIGINT, on_quit_signal, loop);
  sigterm = g_unix_signal_add (SIGTERM, on_quit_signal, loop);

  lw_monitor_start (monitor);
  g_main_loop_run (loop);

  g_source_remove (sigint);
  g_source_remove (sigterm);
  /* Stop first: a check still running must neither print nor record. */
  lw_monitor_stop (monitor);
  drain (500);
  g_clear_object (&monitor);
  lw_history_flush (history);
  return 0;
}

/* `leakwatch --history`: the recorded status changes, oldest first. */
int
lw_cli_history (gboolean json)
{
  g_autofree char *problem = NULL;
  g_autoptr(LwHistory) history = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GPtrArray) whens = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LwDBusMonitor1) service = running_service ();
  g_autofree char *answer = NULL;
  glong width = 0;

  /* While the service runs, it holds the history: ask it (GetChanges), so
   * that nothing else opens the file, and a damaged one is never moved
   * aside under it. */
  if (service != NULL)
    {
      if (lw_dbus_monitor1_call_get_changes_sync (service, 0, G_DBUS_CALL_FLAGS_NONE, -1, &answer,
                                                  NULL, &error))
        changes = lw_status_changes_from_json (answer, &error);
    }
  else
    {
      history = open_history (FALSE, &problem);
      /* Not 1: that is the "leak" of --check. */
      if (problem != NULL)
        return LW_EXIT_IO;
      changes = lw_history_get_changes (history, 0, &error);
    }
  if (changes == NULL)
    {
      g_printerr (_("leakwatch: cannot read the history: %s\n"), error->message);
      return LW_EXIT_IO;
    }

  if (json)
    return print_and_free (lw_status_changes_to_json (changes, TRUE)) ? 0 : LW_EXIT_IO;

  if (changes->len == 0)
    return print_and_free (g_strdup (_("No status changes recorded yet."))) ? 0 : LW_EXIT_IO;
  now = g_date_time_new_now_local ();
  whens = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < changes->len; i++)
    {
      const LwStatusChange *c = g_ptr_array_index (changes, i);
      char *when = format_time (c->time, now);

      width = MAX (width, g_utf8_strlen (when, -1));
      g_ptr_array_add (whens, when);
    }
  for (guint i = 0; i < changes->len; i++)
    {
      const LwStatusChange *c = g_ptr_array_index (changes, i);
      const char *when = g_ptr_array_index (whens, i);
      /* A row is data from a file: text for a terminal only once valid. */
      g_autofree char *headline = g_utf8_make_valid (c->headline ? c->headline : "", -1);
      /* The statuses by their names (docs/GLOSSARY.md); the JSON keeps the nicks. */
      const char *from = c->old_status == LW_STATUS_CHECKING ? "-" : lw_status_name (c->old_status);
      const char *to = lw_status_name (c->new_status);

      /* Padded by characters, not bytes: month and status names are UTF-8. */
      g_print ("%s%*s  %s%*s → %s%*s  %s\n", when, (int) (width - g_utf8_strlen (when, -1)), "",
               from, (int) (15 - MIN (15, g_utf8_strlen (from, -1))), "",
               to, (int) (15 - MIN (15, g_utf8_strlen (to, -1))), "", headline);
    }
  return 0;
}

typedef struct
{
  gint64   since;
  char    *summary;
} TestWait;

static void
on_report_changed (GDBusProxy *proxy,
                   GVariant   *changed,
                   GStrv       invalidated,
                   gpointer    data)
{
  TestWait *wait = data;
  g_autoptr(GVariant) value = g_variant_lookup_value (changed, "Report", G_VARIANT_TYPE_STRING);
  g_autoptr(LwReport) report = NULL;
  GPtrArray *confirmations;

  if (value == NULL || wait->summary != NULL)
    return;
  report = lw_report_new_from_json (g_variant_get_string (value, NULL), NULL);
  if (report == NULL)
    return;
  confirmations = lw_report_get_confirmations (report);
  for (guint i = 0; i < confirmations->len; i++)
    {
      const LwConfirmation *c = g_ptr_array_index (confirmations, i);

      if (c->time_unix >= wait->since && !c->camera && wait->summary == NULL)
        wait->summary = g_strdup (c->summary);
    }
}

static gboolean
on_test_timeout (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* `leakwatch --test-browser [DESKTOP-ID]`: the service opens its test
 * page; this opens it in the browser (the default one, or the desktop
 * entry named), or prints its address when no browser can be started,
 * then prints what the page showed, judged. */
int
lw_cli_test_browser (const char *desktop_id)
{
  g_autoptr(LwDBusMonitor1) service = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *owner = NULL;
  TestWait wait = { g_get_real_time () / G_USEC_PER_SEC - 1, NULL };
  gboolean timed_out = FALSE;
  gboolean launched;
  guint timeout;

  service = lw_dbus_monitor1_proxy_new_for_bus_sync (G_BUS_TYPE_SESSION, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                                                     APP_ID, LW_SERVICE_PATH, NULL, NULL);
  if (service != NULL)
    owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (service));
  if (owner == NULL)
    {
      g_printerr ("leakwatch: %s\n", _("the Leakwatch service is not running: start Leakwatch, then try again"));
      return LW_EXIT_IO;
    }
  g_signal_connect (service, "g-properties-changed", G_CALLBACK (on_report_changed), &wait);
  if (!lw_dbus_monitor1_call_start_browser_test_sync (service, desktop_id ? desktop_id : "",
                                                      G_DBUS_CALL_FLAGS_NONE, -1, &url, NULL, &error))
    {
      g_dbus_error_strip_remote_error (error);
      g_printerr (_("leakwatch: the test page cannot open: %s\n"), error->message);
      return LW_EXIT_IO;
    }

  launched = lw_browser_test_open (desktop_id, url, NULL, &error);
  if (launched)
    g_printerr ("%s\n", _("The test page is open in the browser; waiting for what it shows…"));
  else
    g_printerr (_("No browser could be opened (%s). Open this address in the browser to test:\n"),
                error->message);
  /* The address, always: a script, or a browser in another session, can
   * open it too. */
  g_print ("%s\n", url);

  timeout = g_timeout_add_seconds (LW_BROWSER_TEST_TIMEOUT_S + 5, on_test_timeout, &timed_out);
  while (wait.summary == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout);
  if (wait.summary == NULL)
    {
      g_printerr ("leakwatch: %s\n", _("the page sent nothing: was it opened, and is JavaScript on?"));
      return lw_status_exit_code (LW_STATUS_UNKNOWN);
    }
  g_print ("%s\n", wait.summary);
  g_free (wait.summary);
  return 0;
}
