/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <unistd.h>

#include <glib/gi18n.h>

#include "lw-monitor-dbus.h"
#include "lw-report-enums.h"
#include "lw-report-util.h"
#include "lw-service.h"
#include "lw-actions.h"

/* The background service `leakwatch`, seen from the window: its Report
 * property (io.github.leakwatch.Monitor1, through the proxy generated from
 * data/io.github.leakwatch.Monitor1.xml) and its `status` action, both
 * followed as they change, and its history (GetChanges, HistoryChanged).
 * Everything is asynchronous.
 *
 * If the service is not running, D-Bus activation starts it
 * (StartServiceByName, called here so that the reason of a failure is
 * known); where that fails, typically in an uninstalled build, the
 * `leakwatch` of the build tree or of PATH is started with
 * --gapplication-service. Then the window waits for the name. */

#define START_TIMEOUT_S   30

struct _LwService
{
  GObject          parent_instance;

  GCancellable    *cancellable;
  GDBusConnection *connection;
  gboolean         bus_pending;
  guint            watch_id;
  char            *owner;          /* the unique name of the service, while it has one */
  LwDBusMonitor1  *proxy;
  GActionGroup    *actions;        /* the service's GDBusActionGroup */
  guint            timeout_id;
  gboolean         starting;       /* a start was asked for and has not ended */
  char            *activation_error;

  LwServiceState   state;
  char            *error;
  char            *status;
  char            *report_json;
  LwReport        *report;
  char            *report_error;
};

G_DEFINE_FINAL_TYPE (LwService, lw_service, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_STATUS,
  PROP_REPORT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  HISTORY_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_state (LwService      *self,
           LwServiceState  state,
           const char     *error)
{
  if (self->state == state && g_strcmp0 (self->error, error) == 0)
    return;

  g_debug ("service state %d%s%s", state, error ? ": " : "", error ? error : "");
  self->state = state;
  g_free (self->error);
  self->error = g_strdup (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_status (LwService  *self,
            const char *status)
{
  if (g_strcmp0 (self->status, status) == 0)
    return;

  g_free (self->status);
  self->status = g_strdup (status);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

/* Takes the service's report, as JSON; without one, @why (nullable) says
 * why there is none. */
static void
set_report_json (LwService  *self,
                 const char *json,
                 const char *why)
{
  g_autoptr(LwReport) report = NULL;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (self->report_json, json) == 0 &&
      (json != NULL || g_strcmp0 (self->report_error, why) == 0))
    return;

  g_free (self->report_json);
  self->report_json = g_strdup (json);
  g_free (self->report_error);
  self->report_error = json == NULL ? g_strdup (why) : NULL;
  if (json != NULL && *json != '\0' && (report = lw_report_new_from_json (json, &error)) == NULL)
    {
      /* Said on screen; a damaged report is no reason to abort. */
      g_debug ("Cannot read the service's report: %s", error->message);
      self->report_error = g_strdup (error->message);
    }
  g_set_object (&self->report, report);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPORT]);
}

static void
stop_timeout (LwService *self)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
}

/* Forgets the service that went away; the last report goes with it. */
static void
disconnect_from_service (LwService *self)
{
  if (self->actions != NULL)
    g_signal_handlers_disconnect_by_data (self->actions, self);
  if (self->proxy != NULL)
    g_signal_handlers_disconnect_by_data (self->proxy, self);
  g_clear_object (&self->actions);
  g_clear_object (&self->proxy);
  set_status (self, NULL);
  set_report_json (self, NULL, NULL);
}

/* --- following the service ------------------------------------------------ */

static void
update_report (LwService *self)
{
  const char *json = lw_dbus_monitor1_get_report (self->proxy);

  if (json != NULL)
    set_report_json (self, json, NULL);
  else  /* Something else owns the name, or an older service: no verdict. */
    set_report_json (self, NULL, _("The service on the bus publishes no report."));
}

static void
on_history_changed (LwService *self)
{
  g_signal_emit (self, signals[HISTORY_CHANGED], 0);
}

static void
update_status_from (LwService    *self,
                    GActionGroup *group)
{
  g_autoptr(GVariant) state = g_action_group_get_action_state (group, LW_ACTION_STATUS);

  if (state != NULL && g_variant_is_of_type (state, G_VARIANT_TYPE_STRING))
    set_status (self, g_variant_get_string (state, NULL));
}

static void
on_action_added (GActionGroup *group,
                 const char   *name,
                 LwService    *self)
{
  if (g_str_equal (name, LW_ACTION_STATUS))
    update_status_from (self, group);
}

static void
on_action_state_changed (GActionGroup *group,
                         const char   *name,
                         GVariant     *state,
                         LwService    *self)
{
  if (g_str_equal (name, LW_ACTION_STATUS) && g_variant_is_of_type (state, G_VARIANT_TYPE_STRING))
    set_status (self, g_variant_get_string (state, NULL));
}

static void
on_proxy_ready (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LwDBusMonitor1) proxy = lw_dbus_monitor1_proxy_new_finish (result, &error);
  g_auto(GStrv) names = NULL;
  LwService *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = LW_SERVICE (data);

  if (proxy == NULL)
    {
      set_state (self, LW_SERVICE_FAILED, error->message);
      return;
    }
  if (self->owner == NULL || self->proxy != NULL)
    return;   /* it went away meanwhile, or this is a late twin */

  self->proxy = g_steal_pointer (&proxy);
  g_signal_connect_swapped (self->proxy, "notify::report", G_CALLBACK (update_report), self);
  g_signal_connect_swapped (self->proxy, "history-changed", G_CALLBACK (on_history_changed), self);

  self->actions = G_ACTION_GROUP (g_dbus_action_group_get (self->connection, APP_ID, LW_SERVICE_PATH));
  g_signal_connect (self->actions, "action-added", G_CALLBACK (on_action_added), self);
  g_signal_connect (self->actions, "action-state-changed",
                    G_CALLBACK (on_action_state_changed), self);
  /* The first listing fetches the actions; they arrive as action-added. */
  names = g_action_group_list_actions (self->actions);
  update_status_from (self, self->actions);

  update_report (self);
  set_state (self, LW_SERVICE_READY, NULL);
}

static void
connect_to_service (LwService *self)
{
  lw_dbus_monitor1_proxy_new (self->connection, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, APP_ID,
                              LW_SERVICE_PATH, self->cancellable, on_proxy_ready, self);
}

/* --- starting the service ------------------------------------------------- */

static gboolean
on_start_timeout (gpointer data)
{
  LwService *self = data;
  g_autofree char *message = NULL;

  self->timeout_id = 0;
  self->starting = FALSE;
  message = g_strdup_printf (ngettext ("It did not appear on the session bus within %d second.",
                                      "It did not appear on the session bus within %d seconds.",
                                      START_TIMEOUT_S),
                             START_TIMEOUT_S);
  set_state (self, LW_SERVICE_FAILED, message);
  return G_SOURCE_REMOVE;
}

static void
on_spawned_exit (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  GSubprocess *process = G_SUBPROCESS (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  LwService *self;

  if (!g_subprocess_wait_finish (process, result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = LW_SERVICE (data);

  /* Only an exit before the name appeared is a failure to start; later,
   * the name going away says it all. */
  if (!self->starting || self->owner != NULL)
    return;

  if (g_subprocess_get_if_signaled (process))
    message = g_strdup_printf (_("The service “leakwatch” ended with signal %d before it was "
                                 "ready."),
                               g_subprocess_get_term_sig (process));
  else if (g_subprocess_get_exit_status (process) != 0)
    message = g_strdup_printf (_("The service “leakwatch” exited with status %d before it was "
                                 "ready."),
                               g_subprocess_get_exit_status (process));
  else
    return;   /* handed over to one that is starting: wait for its name */

  stop_timeout (self);
  self->starting = FALSE;
  set_state (self, LW_SERVICE_FAILED, message);
}

/* A session of its own, so that a Ctrl+C in the terminal that started the
 * window does not stop the service too. */
static void
detach_child (gpointer data)
{
  setsid ();
}

static void
spawn_service (LwService *self)
{
  g_autofree char *program = lw_find_leakwatch ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (program == NULL)
    {
      message = g_strdup_printf (_("Its background service is not installed: D-Bus cannot "
                                   "start it (%s), and there is no program “leakwatch” in "
                                   "the search path."),
                                 self->activation_error);
      self->starting = FALSE;
      stop_timeout (self);
      set_state (self, LW_SERVICE_FAILED, message);
      return;
    }

  g_debug ("starting %s --gapplication-service", program);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_child_setup (launcher, detach_child, NULL, NULL);
  process = g_subprocess_launcher_spawn (launcher, &error, program, "--gapplication-service", NULL);
  if (process == NULL)
    {
      message = g_strdup_printf (_("Cannot run %s: %s"), program, error->message);
      self->starting = FALSE;
      stop_timeout (self);
      set_state (self, LW_SERVICE_FAILED, message);
      return;
    }
  g_subprocess_wait_async (process, self->cancellable, on_spawned_exit, self);
}

static void
on_start_service_by_name (GObject      *source,
                          GAsyncResult *result,
                          gpointer      data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                             &error);
  LwService *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = LW_SERVICE (data);

  if (reply != NULL)
    return;   /* started, or already running: its name appears */

  g_dbus_error_strip_remote_error (error);
  g_debug ("D-Bus activation failed: %s", error->message);
  g_free (self->activation_error);
  self->activation_error = g_strdup (error->message);
  if (self->starting && self->owner == NULL)
    spawn_service (self);
}

static void
start_service (LwService *self)
{
  self->starting = TRUE;
  set_state (self, LW_SERVICE_STARTING, NULL);
  stop_timeout (self);
  self->timeout_id = g_timeout_add_seconds (START_TIMEOUT_S, on_start_timeout, self);
  g_dbus_connection_call (self->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "StartServiceByName",
                          g_variant_new ("(su)", APP_ID, 0), G_VARIANT_TYPE ("(u)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, self->cancellable,
                          on_start_service_by_name, self);
}

static void
on_name_appeared (GDBusConnection *connection,
                  const char      *name,
                  const char      *owner,
                  gpointer         data)
{
  LwService *self = data;

  g_debug ("%s is %s", name, owner);
  g_free (self->owner);
  self->owner = g_strdup (owner);
  stop_timeout (self);
  self->starting = FALSE;
  disconnect_from_service (self);
  connect_to_service (self);
}

static void
on_name_vanished (GDBusConnection *connection,
                  const char      *name,
                  gpointer         data)
{
  LwService *self = data;
  gboolean was_running = self->owner != NULL;

  g_clear_pointer (&self->owner, g_free);
  disconnect_from_service (self);

  if (self->starting)
    return;   /* the name is not there yet */
  if (was_running)
    set_state (self, LW_SERVICE_STOPPED, NULL);
  else if (self->state == LW_SERVICE_CONNECTING)
    start_service (self);
}

static void
on_bus (GObject      *source,
        GAsyncResult *result,
        gpointer      data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) connection = g_bus_get_finish (result, &error);
  g_autofree char *message = NULL;
  LwService *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = LW_SERVICE (data);
  self->bus_pending = FALSE;

  if (connection == NULL)
    {
      message = g_strdup_printf (_("There is no session bus: %s"), error->message);
      set_state (self, LW_SERVICE_FAILED, message);
      return;
    }
  self->connection = g_steal_pointer (&connection);
  self->watch_id = g_bus_watch_name_on_connection (self->connection, APP_ID,
                                                   G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                   on_name_appeared, on_name_vanished,
                                                   self, NULL);
}

/* --- the object ----------------------------------------------------------- */

static void
lw_service_dispose (GObject *object)
{
  LwService *self = LW_SERVICE (object);

  g_cancellable_cancel (self->cancellable);
  stop_timeout (self);
  if (self->watch_id != 0)
    g_bus_unwatch_name (self->watch_id);
  self->watch_id = 0;
  disconnect_from_service (self);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (lw_service_parent_class)->dispose (object);
}

static void
lw_service_finalize (GObject *object)
{
  LwService *self = LW_SERVICE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->report);
  g_free (self->owner);
  g_free (self->activation_error);
  g_free (self->error);
  g_free (self->status);
  g_free (self->report_json);
  g_free (self->report_error);

  G_OBJECT_CLASS (lw_service_parent_class)->finalize (object);
}

static void
lw_service_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  LwService *self = LW_SERVICE (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case PROP_REPORT:
      g_value_set_object (value, self->report);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lw_service_class_init (LwServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lw_service_dispose;
  object_class->finalize = lw_service_finalize;
  object_class->get_property = lw_service_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, LW_TYPE_SERVICE_STATE, LW_SERVICE_CONNECTING,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REPORT] =
    g_param_spec_object ("report", NULL, NULL, LW_TYPE_REPORT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LwService::history-changed:
   *
   * The service saved a report in its history:
   * lw_service_get_changes_async() now includes it.
   */
  signals[HISTORY_CHANGED] = g_signal_new ("history-changed", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 0);
}

static void
lw_service_init (LwService *self)
{
  self->cancellable = g_cancellable_new ();
}

LwService *
lw_service_new (void)
{
  return g_object_new (LW_TYPE_SERVICE, NULL);
}

/**
 * lw_service_start:
 *
 * Connects to the service, starting it if it is not running; again after
 * it stopped or could not be started.
 */
void
lw_service_start (LwService *self)
{
  g_return_if_fail (LW_IS_SERVICE (self));

  if (self->connection == NULL)
    {
      if (!self->bus_pending)
        {
          self->bus_pending = TRUE;
          set_state (self, LW_SERVICE_CONNECTING, NULL);
          g_bus_get (G_BUS_TYPE_SESSION, self->cancellable, on_bus, self);
        }
      return;
    }
  if (self->state != LW_SERVICE_STOPPED && self->state != LW_SERVICE_FAILED)
    return;
  if (self->owner != NULL)
    {
      set_state (self, LW_SERVICE_CONNECTING, NULL);
      connect_to_service (self);
    }
  else
    start_service (self);
}

/**
 * lw_service_check_now:
 *
 * Activates the service's `check-now`.
 */
void
lw_service_check_now (LwService *self)
{
  g_return_if_fail (LW_IS_SERVICE (self));

  if (self->actions != NULL)
    g_action_group_activate_action (self->actions, LW_ACTION_CHECK_NOW, NULL);
}

LwServiceState
lw_service_get_state (LwService *self)
{
  g_return_val_if_fail (LW_IS_SERVICE (self), LW_SERVICE_FAILED);
  return self->state;
}

/**
 * lw_service_get_error:
 *
 * Returns: (nullable): why the service could not be started, in state
 *   %LW_SERVICE_FAILED
 */
const char *
lw_service_get_error (LwService *self)
{
  g_return_val_if_fail (LW_IS_SERVICE (self), NULL);
  return self->error;
}

/**
 * lw_service_get_status:
 *
 * Returns: (nullable): the state of the service's `status` action, %NULL
 *   until it is known
 */
const char *
lw_service_get_status (LwService *self)
{
  g_return_val_if_fail (LW_IS_SERVICE (self), NULL);
  return self->status;
}

gboolean
lw_service_get_checking (LwService *self)
{
  LwStatus status;

  g_return_val_if_fail (LW_IS_SERVICE (self), FALSE);
  return self->state == LW_SERVICE_READY && lw_status_from_string (self->status, &status) &&
         status == LW_STATUS_CHECKING;
}

/**
 * lw_service_get_report:
 *
 * Returns: (nullable) (transfer none): the latest report, %NULL until the
 *   first check ended
 */
LwReport *
lw_service_get_report (LwService *self)
{
  g_return_val_if_fail (LW_IS_SERVICE (self), NULL);
  return self->report;
}

/**
 * lw_service_get_report_error:
 *
 * Returns: (nullable): why the service's report could not be read
 */
const char *
lw_service_get_report_error (LwService *self)
{
  g_return_val_if_fail (LW_IS_SERVICE (self), NULL);
  return self->report_error;
}

/* A method's one string answer, or its error in the service's own words,
 * without the D-Bus error name. */
static void
return_answer (GTask    *task,
               gboolean  ok,
               char     *answer,
               GError   *error)
{
  if (!ok)
    {
      g_dbus_error_strip_remote_error (error);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, answer, g_free);
}

/* A task for a call to the service, or NULL when it has been answered
 * already: the service is not there. */
static GTask *
call_task (LwService           *self,
           gpointer             tag,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, tag);
  if (self->proxy == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "%s",
                               _("Leakwatch is not running."));
      return NULL;
    }
  return g_steal_pointer (&task);
}

static void
on_changes (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(GTask) task = data;
  char *json = NULL;
  GError *error = NULL;
  gboolean ok = lw_dbus_monitor1_call_get_changes_finish (LW_DBUS_MONITOR1 (source), &json, result, &error);

  return_answer (task, ok, json, error);
}

/**
 * lw_service_get_changes_async:
 * @limit: how many of the latest changes; 0 for all
 *
 * Asks the running service for its recorded changes of status. The window
 * never opens the history file itself: the service holds it.
 */
void
lw_service_get_changes_async (LwService           *self,
                              guint                limit,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (LW_IS_SERVICE (self));

  task = call_task (self, lw_service_get_changes_async, cancellable, callback, user_data);
  if (task != NULL)
    lw_dbus_monitor1_call_get_changes (self->proxy, limit, G_DBUS_CALL_FLAGS_NO_AUTO_START, -1,
                                       cancellable, on_changes, task);
}

/**
 * lw_service_get_changes_finish:
 *
 * Returns: (transfer full): the changes as JSON, in the form of
 *   `leakwatch --history --json`, oldest first; %NULL with @error set
 */
char *
lw_service_get_changes_finish (LwService     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_browser_test (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(GTask) task = data;
  char *url = NULL;
  GError *error = NULL;
  gboolean ok = lw_dbus_monitor1_call_start_browser_test_finish (LW_DBUS_MONITOR1 (source), &url,
                                                                 result, &error);

  return_answer (task, ok, url, error);
}

/**
 * lw_service_start_browser_test_async:
 * @desktop_id: the browser the page will open in, or "" for the default
 *
 * Asks the service to open its test page ("Test in my browser"). What the
 * page shows arrives later, in the report's confirmations.
 */
void
lw_service_start_browser_test_async (LwService           *self,
                                     const char          *desktop_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (LW_IS_SERVICE (self));

  task = call_task (self, lw_service_start_browser_test_async, cancellable, callback, user_data);
  if (task != NULL)
    lw_dbus_monitor1_call_start_browser_test (self->proxy, desktop_id ? desktop_id : "",
                                              G_DBUS_CALL_FLAGS_NO_AUTO_START, -1,
                                              cancellable, on_browser_test, task);
}

/**
 * lw_service_start_browser_test_finish:
 *
 * Returns: (transfer full): the test page's address, to open in that
 *   browser; %NULL with @error set
 */
char *
lw_service_start_browser_test_finish (LwService     *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
