/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <libayatana-appindicator/app-indicator.h>

#include "lw-monitor-dbus.h"
#include "lw-paths.h"
#include "lw-report.h"
#include "lw-tray.h"
#include "lw-when.h"
#include "lw-actions.h"

/* leakwatch-tray: the service's verdict as an icon, a title and a menu.
 *
 * The tray holds no state of its own. It watches the service's bus name and
 * renders the service's `status` action and its Report property, read with
 * the core's own report reader and the generated Monitor1 proxy; its menu
 * items activate the service's actions. It exits when the service's name
 * goes away (or is not there to begin with). Every D-Bus call is
 * asynchronous. */


struct _LwTray
{
  GtkApplication    parent_instance;

  GCancellable     *cancellable;
  guint             watch_id;
  GDBusActionGroup *actions;      /* the service's; NULL until its name appears */
  LwDBusMonitor1   *monitor;      /* NULL until the proxy is ready */

  AppIndicator     *indicator;
  GtkWidget        *menu;
  GtkWidget        *status_item;
  GtkWidget        *last_check_item;
  GtkWidget        *check_item;
  GtkWidget        *report_item;
  GtkWidget        *test_item;
  GtkWidget        *login_item;
  GtkWidget        *quit_item;
  gboolean          rendering;    /* the menu is being set from the service's state */
  guint             midnight_id;  /* says "Last checked …" again when the day turns */
};

G_DEFINE_FINAL_TYPE (LwTray, lw_tray, GTK_TYPE_APPLICATION)

/* What a screen reader says of the icon: the status's one name. */
static char *
describe_status (LwStatus status)
{
  /* Translators: %s is a status's name, such as "Not protected" */
  return g_strdup_printf (_("Leakwatch: %s"), lw_status_name (status));
}

/* --- what the service says ----------------------------------------------- */

/* The service's Report, as the core reads it; NULL before the proxy is
 * ready, before the first check has ended, or when it cannot be read. */
static LwReport *
read_report (LwTray *self)
{
  g_autoptr(GError) error = NULL;
  const char *json;
  LwReport *report;

  if (self->monitor == NULL)
    return NULL;
  json = lw_dbus_monitor1_get_report (self->monitor);
  if (json == NULL || *json == '\0')
    return NULL;
  if ((report = lw_report_new_from_json (json, &error)) == NULL)
    g_debug ("Cannot read the service's report: %s", error->message);
  return report;
}

static gboolean
action_enabled (LwTray     *self,
                const char *name)
{
  GActionGroup *group = G_ACTION_GROUP (self->actions);

  return group != NULL && g_action_group_has_action (group, name) &&
         g_action_group_get_action_enabled (group, name);
}

/* The action's state if the service has the action with a state of TYPE. */
static GVariant *
action_state (LwTray             *self,
              const char         *name,
              const GVariantType *type)
{
  GActionGroup *group = G_ACTION_GROUP (self->actions);
  g_autoptr(GVariant) state = NULL;

  if (group == NULL || !g_action_group_has_action (group, name))
    return NULL;
  state = g_action_group_get_action_state (group, name);
  if (state == NULL || !g_variant_is_of_type (state, type))
    return NULL;
  return g_steal_pointer (&state);
}

/* --- rendering ------------------------------------------------------------ */

static void
set_label (GtkWidget  *item,
           const char *label)
{
  if (g_strcmp0 (gtk_menu_item_get_label (GTK_MENU_ITEM (item)), label) != 0)
    gtk_menu_item_set_label (GTK_MENU_ITEM (item), label);
}

static void
render_start_at_login (LwTray *self)
{
  g_autoptr(GVariant) state = action_state (self, LW_ACTION_START_AT_LOGIN, G_VARIANT_TYPE_BOOLEAN);

  /* Hidden while the service does not offer it. */
  gtk_widget_set_visible (self->login_item, state != NULL);
  if (state == NULL)
    return;
  gtk_widget_set_sensitive (self->login_item, action_enabled (self, LW_ACTION_START_AT_LOGIN));
  self->rendering = TRUE;
  gtk_check_menu_item_set_active (GTK_CHECK_MENU_ITEM (self->login_item),
                                  g_variant_get_boolean (state));
  self->rendering = FALSE;
}

/* The icon of a status: data/icons holds one per LwStatus nick. */
static char *
status_icon (LwStatus status)
{
  return g_strdup_printf ("%s-%s", APP_ID, lw_status_to_string (status));
}

static void render (LwTray *self);

/* Today's "at 13:00" becomes "yesterday at 13:00". */
static gboolean
on_midnight (gpointer data)
{
  LwTray *self = data;

  self->midnight_id = 0;
  render (self);
  return G_SOURCE_REMOVE;
}

static void
render (LwTray *self)
{
  g_autoptr(GVariant) state = action_state (self, LW_ACTION_STATUS, G_VARIANT_TYPE_STRING);
  g_autoptr(LwReport) report = read_report (self);
  g_autofree char *headline = NULL;
  g_autoptr(GDateTime) checked_at = NULL;
  g_autofree char *icon = NULL;
  g_autofree char *last_check = NULL;
  g_autofree char *described = NULL;
  LwStatus said = LW_STATUS_UNKNOWN;
  gboolean checking = state != NULL && lw_status_from_string (g_variant_get_string (state, NULL), &said) &&
                      said == LW_STATUS_CHECKING;
  gboolean readable = report != NULL;
  LwStatus status = LW_STATUS_UNKNOWN;
  const char *summary;

  if (self->indicator == NULL)
    return;

  /* The verdict is the report's own, so icon and title always agree; the
   * action only tells that a check runs. No report, one not read yet or
   * one that cannot be read is no verdict: unknown, never a colour. */
  if (readable)
    {
      status = lw_report_get_status (report);
      headline = lw_report_dup_headline (report);
      checked_at = g_date_time_new_from_unix_local (lw_report_get_time (report));
    }
  if (checking)
    status = LW_STATUS_CHECKING;

  /* The title (a panel's tooltip) is the whole headline; the menu's
   * first line only the status's name, which fits any menu. */
  if (readable)
    summary = headline;
  else
    summary = lw_status_name (status);

  g_clear_handle_id (&self->midnight_id, g_source_remove);
  if (readable)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();

      last_check = lw_when_last_checked (checked_at, now);
      self->midnight_id = g_timeout_add_seconds (lw_when_seconds_to_midnight (now),
                                                 on_midnight, self);
    }
  else
    last_check = g_strdup (_("No check yet"));

  icon = status_icon (status);
  described = describe_status (status);
  app_indicator_set_icon_full (self->indicator, icon, described);
  /* ayatana 0.5.92 has no tooltip: SNI hosts show the title instead. */
  app_indicator_set_title (self->indicator, summary);

  set_label (self->status_item, lw_status_name (status));
  set_label (self->last_check_item, last_check);
  gtk_widget_set_sensitive (self->check_item, action_enabled (self, LW_ACTION_CHECK_NOW) && !checking);
  gtk_widget_set_sensitive (self->report_item, action_enabled (self, LW_ACTION_SHOW_REPORT));
  /* A service without it (an older one) has no such item. */
  gtk_widget_set_visible (self->test_item, self->actions != NULL &&
                          g_action_group_has_action (G_ACTION_GROUP (self->actions), LW_ACTION_TEST_BROWSER));
  gtk_widget_set_sensitive (self->test_item, action_enabled (self, LW_ACTION_TEST_BROWSER));
  gtk_widget_set_sensitive (self->quit_item, action_enabled (self, LW_ACTION_QUIT));
  render_start_at_login (self);
}

/* --- the menu ------------------------------------------------------------- */

static void
activate_service_action (LwTray     *self,
                         const char *name)
{
  if (self->actions != NULL)
    g_action_group_activate_action (G_ACTION_GROUP (self->actions), name, NULL);
}

/* The default browser: the service opens its test page there, and tells
 * what the page showed in a notification. */
static void
on_test_browser (LwTray *self)
{
  if (self->actions != NULL)
    g_action_group_activate_action (G_ACTION_GROUP (self->actions), LW_ACTION_TEST_BROWSER,
                                    g_variant_new_string (""));
}

static void
on_check_now (LwTray *self)
{
  activate_service_action (self, LW_ACTION_CHECK_NOW);
}

static void
on_show_report (LwTray *self)
{
  activate_service_action (self, LW_ACTION_SHOW_REPORT);
}

static void
on_quit (LwTray *self)
{
  activate_service_action (self, LW_ACTION_QUIT);
}

static void
on_start_at_login_toggled (LwTray           *self,
                           GtkCheckMenuItem *item)
{
  gboolean wanted = gtk_check_menu_item_get_active (item);

  if (self->rendering || self->actions == NULL)
    return;
  /* The mark shows the service's state, not the click: put it back, and
   * let the service's answer set it. */
  render_start_at_login (self);
  g_action_group_change_action_state (G_ACTION_GROUP (self->actions), LW_ACTION_START_AT_LOGIN,
                                      g_variant_new_boolean (wanted));
}

static GtkWidget *
append_item (LwTray    *self,
             GtkWidget *item,
             GCallback  callback)
{
  gtk_menu_shell_append (GTK_MENU_SHELL (self->menu), item);
  if (callback != NULL)
    g_signal_connect_object (item, GTK_IS_CHECK_MENU_ITEM (item) ? "toggled" : "activate",
                             callback, self, G_CONNECT_SWAPPED);
  else
    gtk_widget_set_sensitive (item, FALSE);
  return item;
}

static void
build_menu (LwTray *self)
{
  /* Our own reference: the indicator drops (and may destroy) its own. */
  self->menu = g_object_ref_sink (gtk_menu_new ());
  self->status_item = append_item (self, gtk_menu_item_new_with_label (""), NULL);
  self->last_check_item = append_item (self, gtk_menu_item_new_with_label (""), NULL);
  gtk_menu_shell_append (GTK_MENU_SHELL (self->menu), gtk_separator_menu_item_new ());
  self->check_item = append_item (self, gtk_menu_item_new_with_mnemonic (_("_Check Now")),
                                  G_CALLBACK (on_check_now));
  self->report_item = append_item (self, gtk_menu_item_new_with_mnemonic (_("_Open Report")),
                                   G_CALLBACK (on_show_report));
  self->test_item = append_item (self, gtk_menu_item_new_with_mnemonic (_("_Test in My Browser")),
                                 G_CALLBACK (on_test_browser));
  self->login_item = append_item (self,
                                  gtk_check_menu_item_new_with_mnemonic (_("_Start at Login")),
                                  G_CALLBACK (on_start_at_login_toggled));
  gtk_menu_shell_append (GTK_MENU_SHELL (self->menu), gtk_separator_menu_item_new ());
  self->quit_item = append_item (self, gtk_menu_item_new_with_mnemonic (_("_Stop Watching")),
                                 G_CALLBACK (on_quit));

  /* Shown once the service offers the action. */
  gtk_widget_set_no_show_all (self->login_item, TRUE);
  gtk_widget_set_no_show_all (self->test_item, TRUE);
  gtk_widget_show_all (self->menu);
}

/* Installed, the icons are in hicolor, where the panel finds them. An
 * uninstalled build has them flat in build/data/icons, which its
 * XDG_DATA_DIRS names (see docs/ARCHITECTURE.md); the panel is told. */
static char *
uninstalled_icons_dir (void)
{
  g_autofree char *icon = status_icon (LW_STATUS_UNKNOWN);
  g_autofree char *file = g_strconcat ("icons/", icon, ".svg", NULL);
  g_autofree char *probe = lw_find_data_file (file);

  if (probe == NULL || !g_file_test (probe, G_FILE_TEST_IS_REGULAR))
    return NULL;
  return g_path_get_dirname (probe);
}

static void
create_indicator (LwTray *self)
{
  g_autofree char *icons = uninstalled_icons_dir ();
  g_autofree char *unknown = status_icon (LW_STATUS_UNKNOWN);

  self->indicator = app_indicator_new (APP_ID, unknown,
                                       APP_INDICATOR_CATEGORY_SYSTEM_SERVICES);
  if (icons != NULL)
    {
      app_indicator_set_icon_theme_path (self->indicator, icons);
      /* For the XEmbed fallback, which looks icons up through GTK. */
      gtk_icon_theme_append_search_path (gtk_icon_theme_get_default (), icons);
    }
  else
    {
      /* Installed: tell the panel where, in case the prefix (say /opt)
       * is not among its XDG data dirs. */
      g_autofree char *installed = g_build_filename (DATADIR, "icons", NULL);

      if (g_file_test (installed, G_FILE_TEST_IS_DIR))
        app_indicator_set_icon_theme_path (self->indicator, installed);
    }
  app_indicator_set_status (self->indicator, APP_INDICATOR_STATUS_ACTIVE);
  build_menu (self);
  render (self);
  app_indicator_set_menu (self->indicator, GTK_MENU (self->menu));
}

/* --- the service on the bus ---------------------------------------------- */

static void
on_monitor_ready (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  g_autoptr(GError) error = NULL;
  LwDBusMonitor1 *proxy = lw_dbus_monitor1_proxy_new_finish (result, &error);
  LwTray *self;

  if (proxy == NULL)
    {
      /* The service may have gone meanwhile: its name vanishing ends
       * the tray, so this is said, not warned. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("Cannot follow the service's report: %s", error->message);
      return;
    }
  self = LW_TRAY (data);
  self->monitor = proxy;
  g_signal_connect_object (proxy, "notify::report", G_CALLBACK (render), self, G_CONNECT_SWAPPED);
  render (self);
}

static void
on_service_appeared (GDBusConnection *connection,
                     const char      *name,
                     const char      *owner,
                     gpointer         data)
{
  LwTray *self = LW_TRAY (data);
  static const char * const signals[] = {
    "action-added", "action-removed", "action-enabled-changed", "action-state-changed",
  };

  if (self->actions != NULL)
    return;
  g_debug ("following %s (%s)", name, owner);

  self->actions = g_dbus_action_group_get (connection, owner, LW_SERVICE_PATH);
  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    g_signal_connect_object (self->actions, signals[i], G_CALLBACK (render), self,
                             G_CONNECT_SWAPPED);
  /* A GDBusActionGroup fetches the actions on its first listing, and
   * announces each with action-added. */
  g_strfreev (g_action_group_list_actions (G_ACTION_GROUP (self->actions)));

  lw_dbus_monitor1_proxy_new (connection, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, owner,
                              LW_SERVICE_PATH, self->cancellable, on_monitor_ready, self);

  create_indicator (self);
}

static void
on_service_vanished (GDBusConnection *connection,
                     const char      *name,
                     gpointer         data)
{
  g_debug ("%s is not on the bus; the tray goes", name);
  g_application_quit (G_APPLICATION (data));
}

/* --- the application ------------------------------------------------------ */

static void
lw_tray_startup (GApplication *app)
{
  LwTray *self = LW_TRAY (app);
  GDBusConnection *connection;

  G_APPLICATION_CLASS (lw_tray_parent_class)->startup (app);

  /* No windows: the tray runs until the service goes. */
  g_application_hold (app);
  connection = g_application_get_dbus_connection (app);
  if (connection == NULL)
    {
      g_application_quit (app);
      return;
    }
  self->watch_id = g_bus_watch_name_on_connection (connection, APP_ID,
                                                   G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                   on_service_appeared, on_service_vanished,
                                                   self, NULL);
}

static void
lw_tray_activate (GApplication *app)
{
  /* Started again while running: the icon is already there. */
}

static void
lw_tray_shutdown (GApplication *app)
{
  LwTray *self = LW_TRAY (app);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->watch_id, g_bus_unwatch_name);
  g_clear_handle_id (&self->midnight_id, g_source_remove);
  g_clear_object (&self->indicator);
  if (self->menu != NULL)
    gtk_widget_destroy (self->menu);
  g_clear_object (&self->menu);
  self->status_item = self->last_check_item = NULL;
  self->check_item = self->report_item = self->login_item = self->quit_item = NULL;
  g_clear_object (&self->monitor);
  g_clear_object (&self->actions);

  G_APPLICATION_CLASS (lw_tray_parent_class)->shutdown (app);
}

static void
lw_tray_finalize (GObject *object)
{
  LwTray *self = LW_TRAY (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (lw_tray_parent_class)->finalize (object);
}

static void
lw_tray_class_init (LwTrayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = lw_tray_finalize;

  app_class->startup = lw_tray_startup;
  app_class->activate = lw_tray_activate;
  app_class->shutdown = lw_tray_shutdown;
}

static void
lw_tray_init (LwTray *self)
{
  self->cancellable = g_cancellable_new ();
}

LwTray *
lw_tray_new (void)
{
  return g_object_new (LW_TYPE_TRAY,
                       "application-id", APP_ID ".Tray",
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}
