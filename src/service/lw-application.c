/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "leakwatch"

#include "config.h"

#include <math.h>
#include <stdio.h>

#include <glib/gi18n.h>

#include "lw-application.h"
#include "lw-check.h"
#include "lw-text.h"

struct _LwApplication
{
  GApplication  parent_instance;

  gboolean      options_parsed;
};

G_DEFINE_FINAL_TYPE (LwApplication, lw_application, G_TYPE_APPLICATION)

static const GOptionEntry main_entries[] = {
  { "check", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Run one leak check, print the verdict and exit"), NULL },
  { "json", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Print JSON instead of text"), NULL },
  { "stun", 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL,
    N_("A STUN server to ask instead of the defaults (repeatable)"), N_("HOST:PORT") },
  { "ip-url", 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL,
    N_("An HTTPS address service to ask instead of the defaults (repeatable)"), N_("URL") },
  { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Trust only the CAs in FILE for the address services"), N_("FILE") },
  /* A string, not a double: GApplication drops a double option of 0. */
  { "timeout", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Finish a check within SECONDS (default 3)"), N_("SECONDS") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Print the version and exit"), NULL },
  { NULL }
};

typedef struct
{
  LwReport *report;
  gboolean  done;
} CheckResult;

static void
on_check_done (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  CheckResult *out = data;
  g_autoptr(GError) error = NULL;

  out->report = lw_check_run_finish (result, &error);
  out->done = TRUE;
  if (out->report == NULL)
    g_printerr (_("The check failed: %s\n"), error->message);
}

/* Reads the probe options shared by every mode that checks. */
static LwCheckOptions *
options_from_dict (GVariantDict  *dict,
                   GError       **error)
{
  g_autoptr(LwCheckOptions) options = lw_check_options_new ();
  g_autofree char **stun = NULL;
  g_autofree char **urls = NULL;
  const char *ca_file = NULL;
  const char *timeout_str = NULL;

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
  if (g_variant_dict_lookup (dict, "ca-file", "^&ay", &ca_file))
    options->ca_file = g_strdup (ca_file);
  if (g_variant_dict_lookup (dict, "timeout", "&s", &timeout_str))
    {
      char *end = NULL;
      double timeout = g_ascii_strtod (timeout_str, &end);

      if (end == timeout_str || *end != '\0' || !isfinite (timeout) || timeout < 0.1 || timeout > 120)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("The timeout must be between 0.1 and 120 seconds"));
          return NULL;
        }
      options->timeout_ms = (guint) lround (timeout * 1000);
    }

  if (!lw_check_options_validate (options, error))
    return NULL;

  return g_steal_pointer (&options);
}

/* `leakwatch --check`: one check on a main loop of our own, then exit with
 * a code that scripts can test. */
static int
run_check (LwCheckOptions *options,
           gboolean        json)
{
  g_autoptr(LwReport) report = NULL;
  g_autofree char *out = NULL;
  GMainContext *context = g_main_context_default ();
  CheckResult result = { NULL, FALSE };

  lw_check_run_async (options, NULL, on_check_done, &result);
  while (!result.done)
    g_main_context_iteration (context, TRUE);
  report = g_steal_pointer (&result.report);
  /* Let deferred clean-ups (libnice agents) run before exiting. */
  while (g_main_context_iteration (context, FALSE))
    ;

  if (report == NULL)
    return lw_status_exit_code (LW_STATUS_UNKNOWN);

  out = json ? lw_report_to_json (report, TRUE) : lw_text_format_report (report);
  fputs (out, stdout);
  fputc ('\n', stdout);
  fflush (stdout);

  return lw_status_exit_code (lw_report_get_status (report));
}

static int
lw_application_handle_local_options (GApplication *app,
                                     GVariantDict *dict)
{
  LwApplication *self = LW_APPLICATION (app);
  g_autoptr(LwCheckOptions) options = NULL;
  g_autoptr(GError) error = NULL;

  self->options_parsed = TRUE;

  if (g_variant_dict_contains (dict, "version"))
    {
      g_print ("leakwatch %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (!g_variant_dict_contains (dict, "check"))
    {
      g_printerr (_("The background service is not available yet; run “leakwatch --check” "
                    "for a one-off check.\n"));
      return LW_EXIT_USAGE;
    }

  options = options_from_dict (dict, &error);
  if (options == NULL)
    {
      g_printerr ("leakwatch: %s\n", error->message);
      return LW_EXIT_USAGE;
    }

  return run_check (options, g_variant_dict_contains (dict, "json"));
}

/* GApplication exits with 1 when options do not parse; 1 means "leak"
 * here, so a usage error becomes 64 (EX_USAGE). */
static gboolean
lw_application_local_command_line (GApplication   *app,
                                   char         ***arguments,
                                   int            *exit_status)
{
  LwApplication *self = LW_APPLICATION (app);
  gboolean handled;

  handled = G_APPLICATION_CLASS (lw_application_parent_class)->local_command_line (app, arguments,
                                                                                    exit_status);
  if (handled && !self->options_parsed && *exit_status != 0)
    *exit_status = LW_EXIT_USAGE;
  return handled;
}

static void
lw_application_class_init (LwApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->handle_local_options = lw_application_handle_local_options;
  app_class->local_command_line = lw_application_local_command_line;
}

static void
lw_application_init (LwApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), main_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                             _("Watch for WebRTC IP leaks around your VPN."));
  g_application_set_option_context_description (G_APPLICATION (self),
                                                _("Exit status of --check: 0 protected, 1 leak, "
                                                  "2 warning, 3 unprotected (no VPN), 4 unknown, "
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
