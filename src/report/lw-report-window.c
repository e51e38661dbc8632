/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <gio/gdesktopappinfo.h>
#include <glib/gi18n.h>

#include "lw-browsers-page.h"
#include "lw-evidence-page.h"
#include "lw-history-page.h"
#include "lw-report-page.h"
#include "lw-report-util.h"
#include "lw-firefox-fix.h"
#include "lw-report-window.h"
#include "lw-text.h"

/* The report window: the service's latest report on four pages (Report,
 * Browsers, Evidence, History), following it as it changes.
 *
 * The exported action win.show-page (a string: report, browsers, evidence
 * or history) switches pages, for tests and for anyone else. The tests read
 * the window from outside it (see docs/ARCHITECTURE.md). */

struct _LwReportWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewSwitcherBar   *switcher_bar;
  GtkButton            *check_button;
  GtkLabel             *check_label;
  GtkStack             *check_icon_stack;
  GtkSpinner           *check_spinner;
  GtkStack             *main_stack;
  GtkSpinner           *starting_spinner;
  AdwStatusPage        *failed_page;
  GtkButton            *retry_button;
  AdwViewStack         *view_stack;
  LwReportPage         *report_page;
  LwBrowsersPage       *browsers_page;
  LwEvidencePage       *evidence_page;
  LwHistoryPage        *history_page;

  LwService            *service;
  GCancellable         *cancellable;
  GtkNativeDialog      *chooser;
  char                 *test_desktop_id;   /* the browser the test page opens in */
};

G_DEFINE_FINAL_TYPE (LwReportWindow, lw_report_window, ADW_TYPE_APPLICATION_WINDOW)

#define NARROW_WIDTH         500

/* --- rendering ------------------------------------------------------------ */

/* Narrow, the pages are switched at the bottom. */
static void
update_switcher (LwReportWindow *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->main_stack);
  gboolean on_report = g_strcmp0 (page, "report") == 0;
  gboolean narrow = adw_view_switcher_title_get_title_visible (self->switcher_title);

  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, on_report);
  adw_view_switcher_bar_set_reveal (self->switcher_bar, on_report && narrow);
}

/* A narrow window shows "Check now" as an icon, so the title has room.
 * The width of the window decides, not the header's room, which the
 * label itself changes. */
static void
on_width_changed (LwReportWindow *self)
{
  int width = 0, height = 0;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  gtk_widget_set_visible (GTK_WIDGET (self->check_label), width <= 0 || width >= NARROW_WIDTH);
}

static void
show_failure (LwReportWindow *self,
              const char     *icon_name,
              const char     *title,
              const char     *description,
              const char     *button)
{
  g_autofree char *escaped = g_markup_escape_text (description ? description : "", -1);

  adw_status_page_set_icon_name (self->failed_page, icon_name);
  adw_status_page_set_title (self->failed_page, title);
  adw_status_page_set_description (self->failed_page, escaped);
  gtk_button_set_label (self->retry_button, button);
  gtk_stack_set_visible_child_name (self->main_stack, "failed");
}

static void
render (LwReportWindow *self)
{
  LwReport *report = lw_service_get_report (self->service);
  gboolean checking = lw_service_get_checking (self->service);
  GAction *action;

  switch (lw_service_get_state (self->service))
    {
    case LW_SERVICE_CONNECTING:
    case LW_SERVICE_STARTING:
      gtk_stack_set_visible_child_name (self->main_stack, "starting");
      break;
    case LW_SERVICE_FAILED:
      show_failure (self, "dialog-error-symbolic", _("Leakwatch could not start"),
                    lw_service_get_error (self->service), _("_Try Again"));
      break;
    case LW_SERVICE_STOPPED:
      show_failure (self, "dialog-warning-symbolic", _("Leakwatch is not running"),
                    _("Nothing watches for leaks now. Start Leakwatch to see the state of "
                      "your connection."),
                    _("_Start Leakwatch"));
      break;
    case LW_SERVICE_READY:
    default:
      if (report == NULL && lw_service_get_report_error (self->service) != NULL)
        {
          show_failure (self, "dialog-error-symbolic", _("The report cannot be read"),
                        lw_service_get_report_error (self->service), _("_Check Again"));
          break;
        }
      gtk_stack_set_visible_child_name (self->main_stack, "report");
      lw_report_page_update (self->report_page, report, checking);
      lw_browsers_page_update (self->browsers_page, report, checking);
      lw_evidence_page_set_report (self->evidence_page, report);
      break;
    }
  gtk_spinner_set_spinning (self->starting_spinner,
                            g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack),
                                       "starting") == 0);
  update_switcher (self);

  /* The header: a spinner in "Check now" while a check runs, and the
   * verdict under the title when the window is narrow. */
  gtk_stack_set_visible_child_name (self->check_icon_stack, checking ? "checking" : "idle");
  gtk_spinner_set_spinning (self->check_spinner, checking);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->check_button),
                               checking ? _("A check is running") : _("Check for leaks now"));
  adw_view_switcher_title_set_subtitle (self->switcher_title, report != NULL
                                          ? lw_status_name (lw_report_get_status (report))
                                          : NULL);

  action = g_action_map_lookup_action (G_ACTION_MAP (self), "copy-report");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), report != NULL);
  action = g_action_map_lookup_action (G_ACTION_MAP (self), "save-json");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), report != NULL);
}

static void
on_service_changed (LwService      *service,
                    GParamSpec     *pspec,
                    LwReportWindow *self)
{
  render (self);
}

static void
on_retry_clicked (LwReportWindow *self)
{
  if (lw_service_get_state (self->service) == LW_SERVICE_READY)
    lw_service_check_now (self->service);
  else
    lw_service_start (self->service);
}

static void
on_title_visible (LwReportWindow *self)
{
  update_switcher (self);
}

/* --- actions -------------------------------------------------------------- */

static void
toast (LwReportWindow *self,
       const char     *title)
{
  adw_toast_overlay_add_toast (self->toast_overlay, lw_toast_new_text (title));
}

static void
copy_report_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       data)
{
  LwReportWindow *self = LW_REPORT_WINDOW (data);
  LwReport *report = lw_service_get_report (self->service);
  g_autofree char *text = NULL;

  if (report == NULL)
    return;
  text = lw_text_format_report (report);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  toast (self, _("Report copied"));
}

/* The copy buttons beside the commands a fix asks to type. */
static void
copy_text_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       data)
{
  LwReportWindow *self = LW_REPORT_WINDOW (data);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)),
                          g_variant_get_string (parameter, NULL));
  toast (self, _("Copied"));
}

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  GFile *file = G_FILE (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;
  LwReportWindow *self;
  AdwMessageDialog *dialog;

  if (!g_file_replace_contents_finish (file, result, NULL, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = LW_REPORT_WINDOW (data);

  if (error == NULL)
    {
      name = g_file_get_basename (file);
      message = g_strdup_printf (_("Saved as “%s”"), name);
      toast (self, message);
      return;
    }

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("The report could not be saved"),
                                                       error->message));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_chooser_response (GtkNativeDialog *chooser,
                     int              response,
                     LwReportWindow  *self)
{
  g_autoptr(GFile) file = NULL;
  LwReport *report = lw_service_get_report (self->service);

  if (response == GTK_RESPONSE_ACCEPT && report != NULL &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    {
      char *json = lw_report_to_json (report, TRUE);
      g_autoptr(GBytes) bytes = g_bytes_new_take (json, strlen (json));

      g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE,
                                           G_FILE_CREATE_REPLACE_DESTINATION,
                                           self->cancellable, on_saved, self);
    }
  g_clear_object (&self->chooser);
}

static void
save_json_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       data)
{
  LwReportWindow *self = LW_REPORT_WINDOW (data);
  LwReport *report = lw_service_get_report (self->service);
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = NULL;
  GtkFileChooserNative *chooser;

  if (report == NULL || self->chooser != NULL)
    return;

  utc = g_date_time_new_from_unix_utc (lw_report_get_time (report));
  local = g_date_time_to_local (utc);
  name = g_date_time_format (local, "leakwatch-report-%Y%m%d-%H%M.json");

  chooser = gtk_file_chooser_native_new (_("Save Report as JSON"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_file_filter_set_name (filter, _("JSON files"));
  gtk_file_filter_add_mime_type (filter, "application/json");
  gtk_file_filter_add_pattern (filter, "*.json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), self);

  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->chooser);
}

static void
show_page_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       data)
{
  LwReportWindow *self = LW_REPORT_WINDOW (data);
  const char *name = g_variant_get_string (parameter, NULL);

  if (adw_view_stack_get_child_by_name (self->view_stack, name) != NULL)
    adw_view_stack_set_visible_child_name (self->view_stack, name);
}

/* An error is read to the end: it stays until dismissed. */
static void
toast_error (LwReportWindow *self,
             const char     *message)
{
  AdwToast *t = lw_toast_new_text (message);

  adw_toast_set_timeout (t, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

static void
on_firefox_fixed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  g_autoptr(LwReportWindow) self = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *done = g_task_propagate_pointer (G_TASK (result), &error);

  if (done == NULL)
    {
      toast_error (self, error->message);
      return;
    }
  toast (self, done);
}

static void
firefox_fix_thread (GTask        *task,
                    gpointer      source,
                    gpointer      data,
                    GCancellable *cancellable)
{
  GVariant *parameter = data;
  const char *profile, *what;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  g_variant_get (parameter, "(&s&s)", &profile, &what);
  if (g_str_equal (what, "undo"))
    ok = lw_firefox_fix_undo (profile, &error);
  else
    ok = lw_firefox_fix_apply (profile, g_str_equal (what, "webrtc-off") ? LW_FIREFOX_FIX_WEBRTC_OFF
                                                                         : LW_FIREFOX_FIX_HIDE_ADDRESS,
                               &error);
  if (!ok)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task,
                         g_strdup (lw_firefox_profile_in_use (profile, NULL)
                                     ? (g_str_equal (what, "undo")
                                          ? _("Undone: restart Firefox for it to take effect")
                                          : _("Written to user.js: restart Firefox for it to take effect"))
                                     : (g_str_equal (what, "undo") ? _("Undone: user.js is as it was")
                                                                   : _("Written to user.js: Firefox reads it when it starts"))),
                         g_free);
}

/* A Browsers page's Apply or Undo for a Firefox profile: a file of
 * another program, so off the main thread, and told in a toast. The
 * service sees the file change and gives the new verdict. */
static void
firefox_fix_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       data)
{
  LwReportWindow *self = LW_REPORT_WINDOW (data);
  g_autoptr(GTask) task = g_task_new (NULL, NULL, on_firefox_fixed, g_object_ref (self));

  g_task_set_task_data (task, g_variant_ref (parameter), (GDestroyNotify) g_variant_unref);
  g_task_run_in_thread (task, firefox_fix_thread);
}


static void
on_browser_test_started (GObject      *source,
                         GAsyncResult *result,
                         gpointer      data)
{
  g_autoptr(LwReportWindow) self = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = lw_service_start_browser_test_finish (LW_SERVICE (source), result, &error);
  const char *desktop_id = self->test_desktop_id;
  g_autoptr(GDesktopAppInfo) app = NULL;
  g_autoptr(GdkAppLaunchContext) context = NULL;
  g_autofree char *opened = NULL;
  GList uris = { NULL, NULL, NULL };

  if (url == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The test page cannot open: %s"), error->message);

      toast_error (self, message);
      return;
    }
  app = desktop_id ? g_desktop_app_info_new (desktop_id) : NULL;
  if (app == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("There is no browser %s here. Open %s in the "
                                                    "browser to test it."),
                                                  desktop_id ? desktop_id : "", url);

      toast_error (self, message);
      return;
    }
  /* The launch context gives the browser this window's activation token,
   * so that it may come to the front. */
  context = gdk_display_get_app_launch_context (gtk_widget_get_display (GTK_WIDGET (self)));
  uris.data = url;
  if (!g_app_info_launch_uris (G_APP_INFO (app), &uris, G_APP_LAUNCH_CONTEXT (context), &error))
    {
      g_autofree char *message = g_strdup_printf (_("%s could not be opened (%s). Open %s in it "
                                                    "to test it."),
                                                  g_app_info_get_name (G_APP_INFO (app)), error->message,
                                                  url);

      toast_error (self, message);
      return;
    }
  opened = g_strdup_printf (_("The test page is open in %s: its result shows here in a few "
                              "seconds"), g_app_info_get_name (G_APP_INFO (app)));
  toast (self, opened);
}

/* A Browsers page's "Test in This Browser": the service opens its test
 * page, and the browser's own desktop entry opens it. */
static void
test_browser_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       data)
{
  LwReportWindow *self = LW_REPORT_WINDOW (data);

  /* The service keeps one page open at a time: the last browser asked is
   * the one it opens in. */
  g_free (self->test_desktop_id);
  self->test_desktop_id = g_variant_dup_string (parameter, NULL);
  lw_service_start_browser_test_async (self->service, g_variant_get_string (parameter, NULL),
                                       self->cancellable, on_browser_test_started,
                                       g_object_ref (self));
}

/* GtkApplication exports these on the bus, at its object path + /window/ID. */
static const GActionEntry win_actions[] = {
  { "copy-report", copy_report_activated, NULL, NULL, NULL, { 0 } },
  { "copy-text", copy_text_activated, "s", NULL, NULL, { 0 } },
  { "save-json", save_json_activated, NULL, NULL, NULL, { 0 } },
  { "show-page", show_page_activated, "s", NULL, NULL, { 0 } },
  { "firefox-fix", firefox_fix_activated, "(ss)", NULL, NULL, { 0 } },
  { "test-browser", test_browser_activated, "s", NULL, NULL, { 0 } },
};

/* --- the object ----------------------------------------------------------- */

static void
lw_report_window_dispose (GObject *object)
{
  LwReportWindow *self = LW_REPORT_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (self->chooser);
      g_clear_object (&self->chooser);
    }
  if (self->service != NULL)
    g_signal_handlers_disconnect_by_data (self->service, self);
  g_clear_object (&self->service);

  G_OBJECT_CLASS (lw_report_window_parent_class)->dispose (object);
}

static void
lw_report_window_finalize (GObject *object)
{
  LwReportWindow *self = LW_REPORT_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->test_desktop_id, g_free);

  G_OBJECT_CLASS (lw_report_window_parent_class)->finalize (object);
}

static void
lw_report_window_class_init (LwReportWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lw_report_window_dispose;
  object_class->finalize = lw_report_window_finalize;

  g_type_ensure (LW_TYPE_REPORT_PAGE);
  g_type_ensure (LW_TYPE_BROWSERS_PAGE);
  g_type_ensure (LW_TYPE_EVIDENCE_PAGE);
  g_type_ensure (LW_TYPE_HISTORY_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, LW_RESOURCE ("lw-report-window.ui"));
  gtk_widget_class_bind_template_child (widget_class, LwReportWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, LwReportWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, LwReportWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, LwReportWindow, check_button);
  gtk_widget_class_bind_template_child (widget_class, LwReportWindow, check_label);
  gtk_widget_class_bind_template_child (widget_class, LwReportWindow, check_icon_stack);
  gtk_widget_class_bind_template_child (widget_class, LwReportWindow, check_spinner);
  gtk_widget_class_bind_template_child (widget_class, LwReportWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, LwReportWindow, starting_spinner);
  gtk_widget_class_bind_template_child (widget_class, LwReportWindow, failed_page);
  gtk_widget_class_bind_template_child (widget_class, LwReportWindow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, LwReportWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, LwReportWindow, report_page);
  gtk_widget_class_bind_template_child (widget_class, LwReportWindow, browsers_page);
  gtk_widget_class_bind_template_child (widget_class, LwReportWindow, evidence_page);
  gtk_widget_class_bind_template_child (widget_class, LwReportWindow, history_page);
  gtk_widget_class_bind_template_callback (widget_class, on_retry_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_title_visible);
}

static void
lw_report_window_init (LwReportWindow *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions),
                                   self);
  g_signal_connect (self, "notify::default-width", G_CALLBACK (on_width_changed), NULL);
}

/**
 * lw_report_window_new:
 * @service: the service whose report to show
 *
 * Returns: (transfer none): the window, which GTK owns until it is closed
 */
LwReportWindow *
lw_report_window_new (GtkApplication *application,
                      LwService      *service)
{
  LwReportWindow *self = g_object_new (LW_TYPE_REPORT_WINDOW, "application", application, NULL);

  self->service = g_object_ref (service);
  lw_history_page_set_service (self->history_page, service);
  g_signal_connect (service, "notify::state", G_CALLBACK (on_service_changed), self);
  g_signal_connect (service, "notify::status", G_CALLBACK (on_service_changed), self);
  g_signal_connect (service, "notify::report", G_CALLBACK (on_service_changed), self);
  render (self);
  return self;
}
