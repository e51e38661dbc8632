/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "leakwatch"

#include "config.h"

#include <glib/gi18n.h>

#include "lw-application-private.h"
#include "lw-autostart.h"
#include "lw-paths.h"
#include "lw-actions.h"

/* The service's actions, which the tray, the window and any other front
 * end call on the bus: check-now, show-report, test-browser, quit, and the states
 * status (read only) and start-at-login. */

static void
check_now_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       data)
{
  LwApplication *self = data;

  lw_monitor_check_now (self->monitor, "check-now action");
}

/* The report window is a process of its own, single-instance: starting it
 * again presents the open one. */
static void
show_report_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       data)
{
  g_autoptr(GError) error = NULL;
  LwApplication *self = LW_APPLICATION (data);
  g_autofree char *program = lw_find_program ("leakwatch-report", LIBEXECDIR);
  const char *argv[] = { program, NULL };
  g_auto(GStrv) envp = g_get_environ ();

  if (program == NULL)
    {
      g_message ("%s", _("The report window is not installed; “leakwatch --check” prints the report."));
      return;
    }
  /* Hand the launcher's activation token on, so the window gets focus
   * (Wayland) and the launch feedback ends (X11). */
  envp = g_environ_unsetenv (envp, "XDG_ACTIVATION_TOKEN");
  envp = g_environ_unsetenv (envp, "DESKTOP_STARTUP_ID");
  if (self->activation_token != NULL)
    envp = g_environ_setenv (envp, "XDG_ACTIVATION_TOKEN", self->activation_token, TRUE);
  if (self->startup_id != NULL)
    envp = g_environ_setenv (envp, "DESKTOP_STARTUP_ID", self->startup_id, TRUE);
  if (!g_spawn_async (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL, NULL, &error))
    g_warning ("Cannot open the report window: %s", error->message);
}

/* The autostart entry to copy, from datadir/leakwatch/autostart. */
static char *
autostart_template (void)
{
  g_autofree char *found = lw_find_data_file ("leakwatch/autostart/" APP_ID ".desktop");

  if (found != NULL)
    return g_steal_pointer (&found);
  return g_build_filename (DATADIR, "leakwatch", "autostart", APP_ID ".desktop", NULL);
}

/* Turns start at login on or off; the action's state, the setting and the
 * autostart entry end up agreeing, or stay as they were when the entry
 * cannot be written. */
void
lw_application_show_start_at_login (LwApplication *self,
                                    gboolean       enabled)
{
  g_simple_action_set_state (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self),
                                                                          LW_ACTION_START_AT_LOGIN)),
                             g_variant_new_boolean (enabled));
  if (self->settings != NULL && g_settings_get_boolean (self->settings, "start-at-login") != enabled)
    g_settings_set_boolean (self->settings, "start-at-login", enabled);
}

/* What the Background portal decided, in a Flatpak: the user may refuse. */
static void
on_start_at_login_decided (gboolean enabled,
                           gpointer data)
{
  g_autoptr(LwApplication) self = data;

  lw_application_show_start_at_login (self, enabled);
}

void
lw_application_apply_start_at_login (LwApplication *self,
                                     gboolean       enabled)
{
  g_autoptr(GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (self), LW_ACTION_START_AT_LOGIN);
  gboolean flatpak = lw_autostart_in_flatpak ();
  g_autofree char *template = NULL;
  g_autoptr(GError) error = NULL;

  if (state != NULL && g_variant_get_boolean (state) == enabled &&
      (flatpak || lw_autostart_is_enabled () == enabled))
    return;
  template = autostart_template ();
  if (!lw_autostart_set_enabled (enabled, template, self->executable ? self->executable : "leakwatch",
                                 flatpak ? on_start_at_login_decided : NULL,
                                 flatpak ? g_object_ref (self) : NULL, &error))
    {
      g_warning ("Cannot change start at login: %s", error->message);
      if (flatpak)
        g_object_unref (self);
      enabled = !enabled;
    }
  lw_application_show_start_at_login (self, enabled);
}

static void
start_at_login_change_state (GSimpleAction *action,
                             GVariant      *value,
                             gpointer       data)
{
  lw_application_apply_start_at_login (LW_APPLICATION (data), g_variant_get_boolean (value));
}

/* The status is the service's to say: a client cannot set it. */
static void
status_change_state (GSimpleAction *action,
                     GVariant      *value,
                     gpointer       data)
{
  g_debug ("ignoring a request to set the status to %s", g_variant_get_string (value, NULL));
}

/* "Stop Watching": everything stops, and the user is told what that
 * means, since the tray's icon goes with it. */
static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       data)
{
  g_autoptr(GNotification) told = g_notification_new (_("Leakwatch stopped watching"));
  g_autoptr(GIcon) icon = g_themed_icon_new (APP_ID "-unknown");

  g_notification_set_body (told, _("No more checks or alerts until you open Leakwatch again."));
  g_notification_set_icon (told, icon);
  g_application_send_notification (G_APPLICATION (data), LW_NOTIFICATION_ID, told);
  g_application_quit (G_APPLICATION (data));
}

/* "Test in my browser" from the tray: the service opens its test page in
 * the browser named ("" for the default one), handing on the activation
 * token so that the browser comes to the front, and tells the result in a
 * notification. A browser that cannot be started is told too, with the
 * address to open by hand. */
static void
test_browser_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       data)
{
  LwApplication *self = LW_APPLICATION (data);
  const char *desktop_id = g_variant_get_string (parameter, NULL);
  g_autoptr(GAppLaunchContext) context = g_app_launch_context_new ();
  g_autoptr(GError) error = NULL;
  const char *url = lw_application_open_browser_test (self, desktop_id, TRUE, &error);
  gboolean launched = FALSE;

  if (self->activation_token != NULL)
    g_app_launch_context_setenv (context, "XDG_ACTIVATION_TOKEN", self->activation_token);
  if (self->startup_id != NULL)
    g_app_launch_context_setenv (context, "DESKTOP_STARTUP_ID", self->startup_id);
  if (url != NULL)
    launched = lw_browser_test_open (desktop_id, url, context, &error);

  if (!launched)
    {
      g_autoptr(GNotification) told = g_notification_new (_("No browser could be opened"));
      /* Translators: %1$s says why ("there is no desktop entry …"), %2$s is the test page's address */
      g_autofree char *body = url ? g_strdup_printf (_("No browser could be started (%1$s). Open %2$s "
                                                       "in your browser to test it."),
                                                     error->message, url)
                                  : g_strdup_printf (_("The test page cannot open: %s."), error->message);

      g_message ("Test in my browser: %s", body);
      g_notification_set_body (told, body);
      g_application_send_notification (G_APPLICATION (self), "browser-test", told);
    }
}

static const GActionEntry app_actions[] = {
  { LW_ACTION_CHECK_NOW, check_now_activated, NULL, NULL, NULL, { 0 } },
  { LW_ACTION_SHOW_REPORT, show_report_activated, NULL, NULL, NULL, { 0 } },
  { LW_ACTION_QUIT, quit_activated, NULL, NULL, NULL, { 0 } },
  { LW_ACTION_TEST_BROWSER, test_browser_activated, "s", NULL, NULL, { 0 } },
  { LW_ACTION_STATUS, NULL, NULL, "''", status_change_state, { 0 } },
  { LW_ACTION_START_AT_LOGIN, NULL, NULL, "false", start_at_login_change_state, { 0 } },
};

void
lw_application_add_actions (LwApplication *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  /* Until the first check starts: the enum's word, not one written here. */
  g_simple_action_set_state (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), LW_ACTION_STATUS)),
                             g_variant_new_string (lw_status_to_string (LW_STATUS_CHECKING)));
}
