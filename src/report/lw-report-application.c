/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "lw-catalogue.h"
#include "lw-preferences-window.h"
#include "lw-report-application.h"
#include "lw-report-resources.h"
#include "lw-report-util.h"
#include "lw-report-window.h"
#include "lw-service.h"

/* `leakwatch-report`: a unique application with one window. A second start
 * presents the window that is open; closing it ends the process, so the
 * window costs memory only while it is open (see docs/ARCHITECTURE.md). */

struct _LwReportApplication
{
  AdwApplication  parent_instance;

  LwService      *service;
  GSettings      *settings;   /* nullable: no schema */
};

G_DEFINE_FINAL_TYPE (LwReportApplication, lw_report_application, ADW_TYPE_APPLICATION)

static void
update_check_now (LwReportApplication *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "check-now");

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action),
                               lw_service_get_state (self->service) == LW_SERVICE_READY &&
                               !lw_service_get_checking (self->service));
}

static void
on_service_changed (LwService           *service,
                    GParamSpec          *pspec,
                    LwReportApplication *self)
{
  update_check_now (self);
}

static void
check_now_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       data)
{
  LwReportApplication *self = data;

  lw_service_check_now (self->service);
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       data)
{
  LwReportApplication *self = data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *window = lw_preferences_window_new (self->settings);

  gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_window_present (GTK_WINDOW (window));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       data)
{
  LwReportApplication *self = data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  adw_show_about_window (parent,
                         "application-name", _("Leakwatch"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Watches for WebRTC IP leaks around your VPN, and "
                                       "tells you what leaked, to which kind of page, and how "
                                       "to fix it."),
                         "developer-name", _("The Leakwatch developers"),
                         /* The same addresses as the metainfo's. */
                         "website", "https://github.com/leakwatch/leakwatch",
                         "issue-url", "https://github.com/leakwatch/leakwatch/issues",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       data)
{
  GList *windows;

  /* Closing the last window ends the application. Destroying one changes
   * the list, so it is asked for anew each time. */
  while ((windows = gtk_application_get_windows (GTK_APPLICATION (data))) != NULL)
    gtk_window_destroy (GTK_WINDOW (windows->data));
}

static const GActionEntry app_actions[] = {
  { "check-now", check_now_activated, NULL, NULL, NULL, { 0 } },
  { "preferences", preferences_activated, NULL, NULL, NULL, { 0 } },
  { "about", about_activated, NULL, NULL, NULL, { 0 } },
  { "quit", quit_activated, NULL, NULL, NULL, { 0 } },
};

static const struct
{
  const char *action;
  const char *accels[3];
} app_accels[] = {
  { "app.quit", { "<Control>q", NULL } },
  { "app.check-now", { "<Control>r", "F5", NULL } },
  { "app.preferences", { "<Control>comma", NULL } },
  { "window.close", { "<Control>w", NULL } },
  { "win.copy-report", { "<Control><Shift>c", NULL } },
  { "win.save-json", { "<Control>s", NULL } },
  /* The pages, in the order the switcher shows them. */
  { "win.show-page::report", { "<Alt>1", NULL } },
  { "win.show-page::browsers", { "<Alt>2", NULL } },
  { "win.show-page::evidence", { "<Alt>3", NULL } },
  { "win.show-page::history", { "<Alt>4", NULL } },
};

static void
lw_report_application_startup (GApplication *app)
{
  LwReportApplication *self = LW_REPORT_APPLICATION (app);

  G_APPLICATION_CLASS (lw_report_application_parent_class)->startup (app);

  /* The icons come from the theme: hicolor, installed; in an uninstalled
   * build, build/data/icons through XDG_DATA_DIRS (see docs/ARCHITECTURE.md). */
  gtk_window_set_default_icon_name (APP_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  for (guint i = 0; i < G_N_ELEMENTS (app_accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), app_accels[i].action,
                                           app_accels[i].accels);

  self->settings = lw_load_settings ();
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self),
                                                                            "preferences")),
                               self->settings != NULL);

  self->service = lw_service_new ();
  g_signal_connect_object (self->service, "notify::state",
                           G_CALLBACK (on_service_changed), self, 0);
  g_signal_connect_object (self->service, "notify::status",
                           G_CALLBACK (on_service_changed), self, 0);
  update_check_now (self);
  lw_service_start (self->service);
}

static void
lw_report_application_activate (GApplication *app)
{
  LwReportApplication *self = LW_REPORT_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (lw_report_window_new (GTK_APPLICATION (app), self->service));
  gtk_window_present (window);
}

static void
lw_report_application_shutdown (GApplication *app)
{
  LwReportApplication *self = LW_REPORT_APPLICATION (app);

  g_clear_object (&self->service);
  g_clear_object (&self->settings);

  G_APPLICATION_CLASS (lw_report_application_parent_class)->shutdown (app);
}

static void
lw_report_application_class_init (LwReportApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  /* Registered by hand: in a static library, a constructor that registers
   * them would be dropped by the linker. */
  lw_report_register_resource ();

  app_class->startup = lw_report_application_startup;
  app_class->activate = lw_report_application_activate;
  app_class->shutdown = lw_report_application_shutdown;
}

static void
lw_report_application_init (LwReportApplication *self)
{
}

LwReportApplication *
lw_report_application_new (void)
{
  return g_object_new (LW_TYPE_REPORT_APPLICATION,
                       "application-id", APP_ID ".Report",
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", LW_RESOURCE_PATH,
                       NULL);
}
