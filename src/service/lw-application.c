/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "leakwatch"

#include "config.h"

#include <math.h>
#include <stdio.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "lw-application-private.h"
#include "lw-autostart.h"
#include "lw-text.h"
#include "lw-cli.h"
#include "lw-helper-keeper.h"
#include "lw-monitor.h"
#include "lw-notifier.h"
#include "lw-paths.h"
#include "lw-actions.h"

/* `leakwatch`: with --check, --watch, --history or --browsers a command-line tool;
 * without, the background service. The service is a unique GApplication:
 * it runs the monitor, records the history, and publishes the latest
 * report on the session bus, where the tray, the report window and any
 * other front end read it. */

G_DEFINE_FINAL_TYPE (LwApplication, lw_application, G_TYPE_APPLICATION)

static const GOptionEntry main_entries[] = {
  { "check", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Check once, print the verdict and exit"), NULL },
  { "watch", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Check now, every interval and on network changes"), NULL },
  { "history", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Print the recorded changes of status"), NULL },
  { "browsers", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Print what each browser here exposes, and why"), NULL },
  { "test-browser", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Test in a browser: the default, or DESKTOP-ID"), NULL },
  { "json", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Print JSON (with --watch, one object per line)"), NULL },
  { "stun", 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL,
    N_("Ask this STUN server instead (repeatable)"), N_("HOST:PORT") },
  { "ip-url", 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL,
    N_("Ask this address service instead (repeatable)"), N_("URL") },
  { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Trust only the CAs in FILE for address services"), N_("FILE") },
  /* Strings, not numbers: GApplication drops a numeric option of 0. */
  { "timeout", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Finish a check within SECONDS (default 3)"), N_("SECONDS") },
  { "interval", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Check every SECONDS when watching (default 300)"), N_("SECONDS") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Print the version and exit"), NULL },
  /* Internal: the HTTPS probe in a process of its own (lw-http-helper.c). */
  { "probe-https", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, NULL, NULL, NULL },
  /* Caught, so that a stray word is an error, not silently ignored. */
  { G_OPTION_REMAINING, 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING_ARRAY, NULL, NULL, NULL },
  { NULL }
};

/* Reads the probe options shared by every mode that checks. */
static LwCheckOptions *
options_from_dict (GVariantDict  *dict,
                   guint         *interval,
                   GError       **error)
{
  g_autoptr(LwCheckOptions) options = lw_check_options_new ();
  g_autofree char **stun = NULL;
  g_autofree char **urls = NULL;
  const char *ca_file = NULL;
  const char *text = NULL;
  double seconds;

  if (g_variant_dict_lookup (dict, "stun", "^a&s", &stun))
    {
      g_strfreev (options->stun_servers);
      options->stun_servers = g_strdupv (stun);
    }
  if (g_variant_dict_lookup (dict, "ip-url", "^a&s", &urls))
    {
      g_strfreev (options->ip_urls);
      options->ip_urls = g_strdupv (urls);
    }
  /* Absolute: the service and its helpers do not run where it was typed. */
  if (g_variant_dict_lookup (dict, "ca-file", "^&ay", &ca_file))
    options->ca_file = g_canonicalize_filename (ca_file, NULL);
  if (g_variant_dict_lookup (dict, "timeout", "&s", &text))
    {
      if (!lw_parse_seconds (text, 0.1, 120, &seconds))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("The timeout must be between 0.1 and 120 seconds"));
          return NULL;
        }
      options->timeout_ms = (guint) lround (seconds * 1000);
    }
  *interval = LW_MONITOR_DEFAULT_INTERVAL;
  if (g_variant_dict_lookup (dict, "interval", "&s", &text))
    {
      if (!lw_parse_seconds (text, 1, 86400, &seconds))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("The interval must be between 1 second and 1 day"));
          return NULL;
        }
      *interval = (guint) lround (seconds);
    }

  if (!lw_check_options_validate (options, error))
    return NULL;

  return g_steal_pointer (&options);
}

static int
lw_application_handle_local_options (GApplication *app,
                                     GVariantDict *dict)
{
  LwApplication *self = LW_APPLICATION (app);
  g_autoptr(LwCheckOptions) options = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = g_variant_dict_contains (dict, "json");
  g_autofree const char **stray = NULL;
  const char *families = NULL;
  guint interval;

  self->options_parsed = TRUE;

  if (g_variant_dict_contains (dict, "version"))
    {
      g_print ("leakwatch %s\n", PACKAGE_VERSION);
      return 0;
    }

  /* One mode at a time: --check --history would say nothing of the
   * check, and exit as if it were protected. */
  if ((g_variant_dict_contains (dict, "check") + g_variant_dict_contains (dict, "watch") +
       g_variant_dict_contains (dict, "history") + g_variant_dict_contains (dict, "browsers") +
       g_variant_dict_contains (dict, "test-browser") + g_variant_dict_contains (dict, "probe-https")) > 1)
    {
      g_printerr ("leakwatch: %s\n", _("--check, --watch, --history, --browsers and --test-browser "
                                       "cannot be used together; see leakwatch --help"));
      return LW_EXIT_USAGE;
    }
  /* --json alone would start the service, which prints nothing. */
  if (json && !g_variant_dict_contains (dict, "check") && !g_variant_dict_contains (dict, "watch") &&
      !g_variant_dict_contains (dict, "history") && !g_variant_dict_contains (dict, "browsers"))
    {
      g_printerr ("leakwatch: %s\n", _("--json goes with --check, --watch, --history or --browsers; "
                                       "see leakwatch --help"));
      return LW_EXIT_USAGE;
    }

  /* --test-browser takes one word: the browser's desktop entry. */
  if (g_variant_dict_contains (dict, "test-browser"))
    {
      const char *desktop_id = NULL;

      if (g_variant_dict_lookup (dict, G_OPTION_REMAINING, "^a&s", &stray) && stray[0] != NULL)
        {
          if (stray[1] != NULL)
            {
              g_printerr (_("leakwatch: unexpected argument “%s”; see --help\n"), stray[1]);
              return LW_EXIT_USAGE;
            }
          desktop_id = stray[0];
        }
      return lw_cli_test_browser (desktop_id);
    }
  if (g_variant_dict_lookup (dict, G_OPTION_REMAINING, "^a&s", &stray) && stray[0] != NULL)
    {
      g_printerr (_("leakwatch: unexpected argument “%s”; see --help\n"), stray[0]);
      return LW_EXIT_USAGE;
    }

  if (g_variant_dict_contains (dict, "history"))
    return lw_cli_history (json);

  options = options_from_dict (dict, &interval, &error);
  if (options == NULL)
    {
      g_printerr ("leakwatch: %s\n", error->message);
      return LW_EXIT_USAGE;
    }

  if (g_variant_dict_lookup (dict, "probe-https", "&s", &families))
    return lw_cli_probe_https (options, families);
  if (g_variant_dict_contains (dict, "check"))
    return lw_cli_check (options, json, TRUE);
  if (g_variant_dict_contains (dict, "browsers"))
    return lw_cli_check (options, json, FALSE);

  /* The long-running modes ask the HTTPS services from a short-lived
   * child, so TLS's memory is not theirs to keep. */
  options->https_helper = g_strdup (self->executable);
  if (g_variant_dict_contains (dict, "watch"))
    return lw_cli_watch (options, interval, json);

  /* The service: register on the bus, or hand over to the one running. */
  self->options = g_steal_pointer (&options);
  self->interval = interval;
  self->given_servers = g_variant_dict_contains (dict, "stun") || g_variant_dict_contains (dict, "ip-url");
  self->given_interval = g_variant_dict_contains (dict, "interval");
  return -1;
}

/* GApplication says only "Unknown option --bogus" when options do not
 * parse: said here with the program's name and where to look. */
static void
print_usage_error (const char *message)
{
  g_autofree char *line = NULL;

  /* The modes' own messages, printed while the options are handled. */
  if (g_str_has_prefix (message, "leakwatch: ") || g_str_has_prefix (message, "leakwatch "))
    {
      fputs (message, stderr);
      return;
    }
  line = g_strchomp (g_strdup (message));
  /* Translators: %s is GLib's message, such as "Unknown option --bogus" */
  fprintf (stderr, _("leakwatch: %s; see leakwatch --help\n"), line);
}

/* GApplication exits with 1 when options do not parse; 1 means "leak"
 * here, so a usage error becomes 64 (EX_USAGE). */
static gboolean
lw_application_local_command_line (GApplication   *app,
                                   char         ***arguments,
                                   int            *exit_status)
{
  LwApplication *self = LW_APPLICATION (app);
  GPrintFunc old;
  gboolean handled;

  /* GLib's parse error, named; what the modes print is said as it is. */
  old = g_set_printerr_handler (print_usage_error);
  handled = G_APPLICATION_CLASS (lw_application_parent_class)->local_command_line (app, arguments,
                                                                                    exit_status);
  g_set_printerr_handler (old);
  if (handled && !self->options_parsed && *exit_status != 0)
    *exit_status = LW_EXIT_USAGE;
  return handled;
}

/* --- the service ---------------------------------------------------------- */

/* The `status` action: "checking" while a check runs, else the latest
 * report's status. Its words are LwStatus's nicks, as everywhere. */
static void
update_status (LwApplication *self)
{
  LwReport *report = lw_monitor_get_report (self->monitor);
  LwStatus status;

  if (lw_monitor_get_checking (self->monitor))
    status = LW_STATUS_CHECKING;
  else if (report != NULL)
    status = lw_report_get_status (report);
  else
    status = LW_STATUS_UNKNOWN;

  g_simple_action_set_state (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), LW_ACTION_STATUS)),
                             g_variant_new_string (lw_status_to_string (status)));
}

static void
on_checking (LwMonitor     *monitor,
             GParamSpec    *pspec,
             LwApplication *self)
{
  update_status (self);
}

static void
notify_user (LwApplication *self,
             LwReport      *report)
{
  gboolean notify = self->settings ? g_settings_get_boolean (self->settings, "notify") : TRUE;
  gboolean warnings = self->settings ? g_settings_get_boolean (self->settings, "notify-warnings") : FALSE;
  g_autoptr(LwNotice) notice = NULL;
  g_autoptr(GNotification) notification = NULL;

  lw_notifier_set_notify_vpn_down (self->notifier, self->settings ? g_settings_get_boolean (self->settings,
                                                                                          "notify-vpn-down")
                                                                  : TRUE);
  notice = lw_notifier_update (self->notifier, report, notify, warnings);
  if (notice == NULL)
    return;
  notification = lw_notice_to_notification (notice);
  g_application_send_notification (G_APPLICATION (self), LW_NOTIFICATION_ID, notification);
}

/* The history cannot be read or written (a full disk, a read-only
 * folder): told once when it starts, withdrawn when it ends. Each report
 * says it too, as a note. */
static void
on_history_problem (LwMonitor     *monitor,
                    GParamSpec    *pspec,
                    LwApplication *self)
{
  const char *problem = lw_monitor_get_history_problem (monitor);
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *first = NULL;
  g_autofree char *body = NULL;

  if (problem == NULL)
    {
      if (self->told_history_problem)
        g_application_withdraw_notification (G_APPLICATION (self), "history-problem");
      self->told_history_problem = FALSE;
      return;
    }
  if (self->told_history_problem)
    return;

  self->told_history_problem = TRUE;
  notification = g_notification_new (_("Leakwatch cannot save its history"));
  /* The reason is a phrase ("the disk is full"): as a sentence here. */
  first = lw_text_sentence (problem);
  /* Translators: %s is the reason, such as "The disk is full" */
  body = g_strdup_printf (_("%s. Monitoring goes on, and each check is saved once the history "
                            "can be written again."), first);
  g_notification_set_body (notification, body);
  g_application_send_notification (G_APPLICATION (self), "history-problem", notification);
}

/* The bus properties, from the latest report: set together, so that
 * the skeleton announces them in one PropertiesChanged. */
static void
publish_report (LwApplication *self,
                LwReport      *report)
{
  g_autofree char *json = NULL;

  if (self->skeleton == NULL)
    return;
  json = report ? lw_report_to_json (report, FALSE) : g_strdup ("");
  lw_dbus_monitor1_set_report (self->skeleton, json);
  lw_dbus_monitor1_set_status (self->skeleton,
                               lw_status_to_string (report ? lw_report_get_status (report)
                                                           : LW_STATUS_CHECKING));
}

static void
on_report (LwMonitor     *monitor,
           LwReport      *report,
           LwApplication *self)
{
  update_status (self);
  notify_user (self, report);
  publish_report (self, report);
}

/* The report is in the history now: a reader of GetChanges finds it. */
static void
on_recorded (LwMonitor     *monitor,
             LwApplication *self)
{
  if (self->skeleton != NULL)
    lw_dbus_monitor1_emit_history_changed (self->skeleton);
}

static gboolean
on_handle_check_now (LwDBusMonitor1        *skeleton,
                     GDBusMethodInvocation *invocation,
                     LwApplication         *self)
{
  if (self->monitor != NULL)
    lw_monitor_check_now (self->monitor, "CheckNow over D-Bus");
  lw_dbus_monitor1_complete_check_now (skeleton, invocation);
  return TRUE;
}

/* The test page's result: judged against the latest report and what
 * the audit predicted for that browser, then published in the report. */
static void
on_browser_test_result (LwBrowserTest *test,
                        LwPageResult  *result,
                        LwApplication *self)
{
  LwReport *report = self->monitor ? lw_monitor_get_report (self->monitor) : NULL;
  const LwBrowserVerdict *predicted = NULL;
  g_autoptr(LwPageVerdict) verdict = NULL;
  g_autofree char *desktop_id = NULL;
  GPtrArray *verdicts;

  if (report == NULL)
    {
      g_message ("A test page's result came before the first report; it is not judged");
      return;
    }
  desktop_id = g_strdup (self->browser_test_id);
  if (desktop_id == NULL || *desktop_id == '\0')
    {
      g_autoptr(GAppInfo) browser = g_app_info_get_default_for_uri_scheme ("https");

      g_free (desktop_id);
      desktop_id = browser ? g_strdup (g_app_info_get_id (browser)) : NULL;
    }
  /* The browser's first profile: the one its desktop entry opens, as far
   * as the files say. */
  verdicts = lw_report_get_browsers (report);
  for (guint i = 0; i < verdicts->len && predicted == NULL; i++)
    {
      const LwBrowserVerdict *v = g_ptr_array_index (verdicts, i);

      if (desktop_id != NULL && g_strcmp0 (v->setup->desktop_id, desktop_id) == 0)
        predicted = v;
    }
  verdict = lw_page_result_judge (result, report, predicted);
  g_debug ("test page: %s", verdict->summary);
  if (self->browser_test_tell)
    {
      g_autoptr(GNotification) told = g_notification_new (_("What your browser showed"));
      g_autofree char *sentence = lw_text_sentence (verdict->summary);
      /* The summary is a phrase ("confirmed in Firefox: …"): a sentence here. */
      g_autofree char *body = g_strdup_printf (_("%s."), sentence);

      g_notification_set_body (told, body);
      g_notification_set_default_action (told, "app." LW_ACTION_SHOW_REPORT);
      g_application_send_notification (G_APPLICATION (self), "browser-test", told);
    }
  lw_monitor_confirm (self->monitor,
                      lw_confirmation_new (result, verdict, predicted ? predicted->setup : NULL,
                                           desktop_id));
}

static void
on_browser_test_closed (LwBrowserTest *test,
                        LwApplication *self)
{
  if (self->browser_test != test)
    return;
  g_signal_handlers_disconnect_by_data (test, self);
  g_clear_object (&self->browser_test);
}

/**
 * lw_application_open_browser_test:
 * @desktop_id: the browser the page will open in; "" or %NULL: the default
 * @tell: say the result in a notification, for a caller that shows
 *   nothing itself (the tray)
 *
 * Opens the test page, or keeps the one that is open (one page, one
 * browser at a time: the last one asked is the one judged).
 *
 * Returns: (transfer none): its address, or %NULL with @error
 */
const char *
lw_application_open_browser_test (LwApplication  *self,
                                  const char     *desktop_id,
                                  gboolean        tell,
                                  GError        **error)
{
  if (self->browser_test == NULL)
    {
      g_autoptr(LwBrowserTest) test = lw_browser_test_new ((const char * const *) self->options->stun_servers,
                                                          0, 0);

      if (!lw_browser_test_start (test, error))
        return NULL;
      g_signal_connect (test, "result", G_CALLBACK (on_browser_test_result), self);
      g_signal_connect (test, "closed", G_CALLBACK (on_browser_test_closed), self);
      self->browser_test = g_steal_pointer (&test);
    }
  g_free (self->browser_test_id);
  self->browser_test_id = desktop_id && *desktop_id ? g_strdup (desktop_id) : NULL;
  self->browser_test_tell = tell;
  return lw_browser_test_get_url (self->browser_test);
}

static gboolean
on_handle_start_browser_test (LwDBusMonitor1        *skeleton,
                              GDBusMethodInvocation *invocation,
                              const char            *desktop_id,
                              LwApplication         *self)
{
  g_autoptr(GError) error = NULL;
  const char *url = lw_application_open_browser_test (self, desktop_id, FALSE, &error);

  if (url == NULL)
    g_dbus_method_invocation_return_gerror (invocation, error);
  else
    lw_dbus_monitor1_complete_start_browser_test (skeleton, invocation, url);
  return TRUE;
}

/* Reading the history waits for its lock, which the worker holds while it
 * writes (a slow disk, another process): off the main thread, so that the
 * service answers everyone else meanwhile. */
static void
read_changes_in_thread (GTask        *task,
                        gpointer      source,
                        gpointer      data,
                        GCancellable *cancellable)
{
  g_autoptr(GPtrArray) changes = NULL;
  GError *error = NULL;

  changes = lw_history_get_changes (LW_HISTORY (source), GPOINTER_TO_UINT (data), &error);
  if (changes == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, lw_status_changes_to_json (changes, FALSE), g_free);
}

static void
on_changes_read (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  GDBusMethodInvocation *invocation = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = g_task_propagate_pointer (G_TASK (result), &error);

  if (json == NULL)
    g_dbus_method_invocation_return_gerror (invocation, error);
  else
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(s)", json));
}

static gboolean
on_handle_get_changes (LwDBusMonitor1        *skeleton,
                       GDBusMethodInvocation *invocation,
                       guint                  limit,
                       LwApplication         *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->history == NULL)
    {
      g_dbus_method_invocation_return_error_literal (invocation, G_IO_ERROR,
                                                     G_IO_ERROR_NOT_INITIALIZED,
                                                     _("The service has not opened its history yet."));
      return TRUE;
    }
  /* The invocation is this handler's to complete, in on_changes_read. */
  task = g_task_new (self->history, NULL, on_changes_read, invocation);
  g_task_set_source_tag (task, on_handle_get_changes);
  g_task_set_task_data (task, GUINT_TO_POINTER (limit), NULL);
  g_task_run_in_thread (task, read_changes_in_thread);
  return TRUE;
}

/* The interface is generated from data/io.github.leakwatch.Monitor1.xml
 * (src/dbus); its skeleton sends PropertiesChanged by itself. */
static gboolean
lw_application_dbus_register (GApplication     *app,
                              GDBusConnection  *connection,
                              const char       *object_path,
                              GError          **error)
{
  LwApplication *self = LW_APPLICATION (app);
  g_autoptr(LwDBusMonitor1) skeleton = NULL;

  if (!G_APPLICATION_CLASS (lw_application_parent_class)->dbus_register (app, connection, object_path, error))
    return FALSE;

  skeleton = lw_dbus_monitor1_skeleton_new ();
  g_signal_connect_object (skeleton, "handle-check-now", G_CALLBACK (on_handle_check_now), self, 0);
  g_signal_connect_object (skeleton, "handle-get-changes", G_CALLBACK (on_handle_get_changes),
                           self, 0);
  g_signal_connect_object (skeleton, "handle-start-browser-test",
                           G_CALLBACK (on_handle_start_browser_test), self, 0);
  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (skeleton), connection,
                                         object_path, error))
    return FALSE;
  self->skeleton = g_steal_pointer (&skeleton);
  publish_report (self, self->monitor ? lw_monitor_get_report (self->monitor) : NULL);
  return TRUE;
}

static void
lw_application_dbus_unregister (GApplication    *app,
                                GDBusConnection *connection,
                                const char      *object_path)
{
  LwApplication *self = LW_APPLICATION (app);

  if (self->skeleton != NULL)
    g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->skeleton));
  g_clear_object (&self->skeleton);

  G_APPLICATION_CLASS (lw_application_parent_class)->dbus_unregister (app, connection, object_path);
}

/* The interval: the command line's, else the settings', else 300 s. */
static guint
effective_interval (LwApplication *self)
{
  if (self->given_interval || self->settings == NULL)
    return self->interval ? self->interval : LW_MONITOR_DEFAULT_INTERVAL;
  return g_settings_get_uint (self->settings, "check-interval");
}

/* The servers: the command line's, else the settings' (empty lists mean
 * the built-in ones). Values that do not validate are reported and the
 * current ones kept: returns %NULL then. */
static LwCheckOptions *
effective_options (LwApplication *self)
{
  g_autoptr(LwCheckOptions) options = lw_check_options_copy (self->options);
  g_autoptr(LwCheckOptions) defaults = lw_check_options_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) stun = NULL;
  g_auto(GStrv) urls = NULL;

  if (self->given_servers || self->settings == NULL)
    return g_steal_pointer (&options);

  stun = g_settings_get_strv (self->settings, "stun-servers");
  urls = g_settings_get_strv (self->settings, "ip-urls");
  g_strfreev (options->stun_servers);
  g_strfreev (options->ip_urls);
  options->stun_servers = g_strdupv (stun[0] ? stun : defaults->stun_servers);
  options->ip_urls = g_strdupv (urls[0] ? urls : defaults->ip_urls);
  if (!lw_check_options_validate (options, &error))
    {
      g_warning ("Ignoring the servers in the settings: %s", error->message);
      return NULL;
    }
  return g_steal_pointer (&options);
}

static void
on_settings_changed (GSettings     *settings,
                     const char    *key,
                     LwApplication *self)
{
  /* Servers and interval take effect at once; the notification keys are
   * read at every report. */
  if (g_str_equal (key, "check-interval"))
    lw_monitor_set_interval (self->monitor, effective_interval (self));
  else if (g_str_equal (key, "stun-servers") || g_str_equal (key, "ip-urls"))
    {
      g_autoptr(LwCheckOptions) options = effective_options (self);

      if (options != NULL)
        lw_monitor_set_options (self->monitor, options);
    }
  else if (g_str_equal (key, "start-at-login"))
    lw_application_apply_start_at_login (self, g_settings_get_boolean (settings, key));
}

/* The tray: started when there is a display to show it on, and kept
 * running. Without one the service still monitors and notifies. */
static void
start_tray (LwApplication *self)
{
  const char *x11 = g_getenv ("DISPLAY");
  const char *wayland = g_getenv ("WAYLAND_DISPLAY");
  g_autofree char *program = NULL;

  if ((x11 == NULL || *x11 == '\0') && (wayland == NULL || *wayland == '\0'))
    {
      g_debug ("no display: no tray icon");
      return;
    }
  program = lw_find_program ("leakwatch-tray", LIBEXECDIR);
  if (program == NULL)
    {
      g_message ("The tray icon is not installed; notifications still come");
      return;
    }
  self->tray = lw_helper_keeper_new (program);
  lw_helper_keeper_start (self->tray);
}

static gboolean
on_sigterm (gpointer app)
{
  g_application_quit (app);
  return G_SOURCE_REMOVE;
}

static void
lw_application_startup (GApplication *app)
{
  LwApplication *self = LW_APPLICATION (app);
  g_autofree char *path = lw_history_default_path ();
  g_autoptr(GError) error = NULL;
  g_autofree char *notice = NULL;

  G_APPLICATION_CLASS (lw_application_parent_class)->startup (app);

  lw_application_add_actions (self);

  if (self->options == NULL)
    {
      self->options = lw_check_options_new ();  /* started by D-Bus activation */
      self->options->https_helper = g_strdup (self->executable);
    }

  self->history = lw_history_new (path);
  if (!lw_history_open (self->history, &error))
    {
      /* The file stays where it is, and the history tries again with
       * each report; until then every report says what this costs, and
       * the notification below (on_history_problem) tells the user once. */
      g_message ("The history cannot be opened (%s); monitoring goes on", error->message);
      g_free (self->options->history_unreadable);
      self->options->history_unreadable = g_strdup (error->message);
    }
  else if ((notice = lw_history_take_recovery_notice (self->history)) != NULL)
    {
      g_autoptr(GNotification) notification = g_notification_new (_("Leakwatch started a new history"));

      g_message ("%s", notice);
      g_notification_set_body (notification, notice);
      g_application_send_notification (app, "history-recovered", notification);
    }

  self->notifier = lw_notifier_new ();
  self->settings = lw_load_settings ();
  /* Before the keys are read: GSettings promises change notification
   * only for keys read after a handler is connected. */
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_settings_changed), self, 0);
  {
    g_autoptr(LwCheckOptions) options = effective_options (self);

    self->monitor = lw_monitor_new (options ? options : self->options, self->history, NULL);
  }
  lw_monitor_set_interval (self->monitor, effective_interval (self));

  /* Start at login: natively the autostart entry is the truth (the user
   * may have removed it elsewhere); in a Flatpak only the setting knows. */
  if (lw_autostart_in_flatpak ())
    lw_application_apply_start_at_login (self, self->settings && g_settings_get_boolean (self->settings, "start-at-login"));
  else
    lw_application_show_start_at_login (self, lw_autostart_is_enabled ());
  g_signal_connect_object (self->monitor, "notify::checking", G_CALLBACK (on_checking), self, 0);
  g_signal_connect_object (self->monitor, "report", G_CALLBACK (on_report), self, 0);
  g_signal_connect_object (self->monitor, "recorded", G_CALLBACK (on_recorded), self, 0);
  g_signal_connect_object (self->monitor, "notify::history-problem",
                           G_CALLBACK (on_history_problem), self, 0);
  lw_monitor_start (self->monitor);
  on_history_problem (self->monitor, NULL, self);
  start_tray (self);

  /* The service runs until asked to quit, or told to at logout. */
  g_unix_signal_add (SIGTERM, on_sigterm, app);
  g_unix_signal_add (SIGINT, on_sigterm, app);
  g_application_hold (app);
}

/* A launcher that ran `leakwatch` gave it a token in the environment; it
 * travels with the activation to the service (this process, or the one
 * running), which hands it to the window. */
static void
lw_application_add_platform_data (GApplication    *app,
                                  GVariantBuilder *builder)
{
  LwApplication *self = LW_APPLICATION (app);

  G_APPLICATION_CLASS (lw_application_parent_class)->add_platform_data (app, builder);
  if (self->launch_token != NULL)
    g_variant_builder_add (builder, "{sv}", "activation-token", g_variant_new_string (self->launch_token));
  if (self->launch_startup_id != NULL)
    g_variant_builder_add (builder, "{sv}", "desktop-startup-id",
                           g_variant_new_string (self->launch_startup_id));
  g_clear_pointer (&self->launch_token, g_free);
  g_clear_pointer (&self->launch_startup_id, g_free);
}

/* Activations over D-Bus (a launcher, a notification's button) carry a
 * token for the window they lead to; keep it for the one being handled. */
static void
lw_application_before_emit (GApplication *app,
                            GVariant     *platform_data)
{
  LwApplication *self = LW_APPLICATION (app);

  g_clear_pointer (&self->activation_token, g_free);
  g_clear_pointer (&self->startup_id, g_free);
  if (platform_data != NULL)
    {
      g_variant_lookup (platform_data, "activation-token", "s", &self->activation_token);
      g_variant_lookup (platform_data, "desktop-startup-id", "s", &self->startup_id);
    }
  G_APPLICATION_CLASS (lw_application_parent_class)->before_emit (app, platform_data);
}

static void
lw_application_after_emit (GApplication *app,
                           GVariant     *platform_data)
{
  LwApplication *self = LW_APPLICATION (app);

  g_clear_pointer (&self->activation_token, g_free);
  g_clear_pointer (&self->startup_id, g_free);
  G_APPLICATION_CLASS (lw_application_parent_class)->after_emit (app, platform_data);
}

static void
lw_application_activate (GApplication *app)
{
  /* A second "leakwatch", or the applications menu: show the report. */
  g_action_group_activate_action (G_ACTION_GROUP (app), LW_ACTION_SHOW_REPORT, NULL);
}

static void
lw_application_shutdown (GApplication *app)
{
  LwApplication *self = LW_APPLICATION (app);

  if (self->tray != NULL)
    lw_helper_keeper_stop (self->tray);
  g_clear_object (&self->tray);
  if (self->browser_test != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->browser_test, self);
      lw_browser_test_stop (self->browser_test);
    }
  g_clear_object (&self->browser_test);
  if (self->monitor != NULL)
    lw_monitor_stop (self->monitor);
  g_clear_object (&self->monitor);
  if (self->history != NULL)
    lw_history_flush (self->history);
  g_clear_object (&self->history);
  g_clear_object (&self->settings);
  g_clear_object (&self->notifier);

  G_APPLICATION_CLASS (lw_application_parent_class)->shutdown (app);
}

static void
lw_application_finalize (GObject *object)
{
  LwApplication *self = LW_APPLICATION (object);

  g_clear_pointer (&self->options, lw_check_options_free);
  g_free (self->activation_token);
  g_free (self->startup_id);
  g_free (self->launch_token);
  g_free (self->launch_startup_id);
  g_free (self->executable);
  g_free (self->browser_test_id);

  G_OBJECT_CLASS (lw_application_parent_class)->finalize (object);
}

static void
lw_application_class_init (LwApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = lw_application_finalize;

  app_class->handle_local_options = lw_application_handle_local_options;
  app_class->local_command_line = lw_application_local_command_line;
  app_class->dbus_register = lw_application_dbus_register;
  app_class->dbus_unregister = lw_application_dbus_unregister;
  app_class->startup = lw_application_startup;
  app_class->activate = lw_application_activate;
  app_class->before_emit = lw_application_before_emit;
  app_class->add_platform_data = lw_application_add_platform_data;
  app_class->after_emit = lw_application_after_emit;
  app_class->shutdown = lw_application_shutdown;
}

static void
lw_application_init (LwApplication *self)
{
  /* Read once: after an upgrade /proc/self/exe says "… (deleted)". The
   * launcher's tokens are this activation's, not the children's. */
  self->executable = g_file_read_link ("/proc/self/exe", NULL);
  self->launch_token = g_strdup (g_getenv ("XDG_ACTIVATION_TOKEN"));
  self->launch_startup_id = g_strdup (g_getenv ("DESKTOP_STARTUP_ID"));
  g_unsetenv ("XDG_ACTIVATION_TOKEN");
  g_unsetenv ("DESKTOP_STARTUP_ID");

  g_application_add_main_option_entries (G_APPLICATION (self), main_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Watch for WebRTC IP leaks around your VPN.\n\n"
                                              "Without an option, Leakwatch runs as a background "
                                              "service on the session bus."));
  g_application_set_option_context_description (G_APPLICATION (self),
                                                _("leakwatch --test-browser [DESKTOP-ID] tests in that "
                                                  "browser.\n\n"
                                                  "Exit status of --check: 0 protected, 1 leak, "
                                                  "2 warning,\n3 not protected, 4 could not check, "
                                                  "64 usage error."));
}

LwApplication *
lw_application_new (void)
{
  return g_object_new (LW_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}
