/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "lw-history.h"
#include "lw-history-page.h"
#include "lw-report-util.h"
#include "lw-when.h"

/* The "History" page: the changes of status that the service recorded,
 * newest first. The running service reads them for the window (GetChanges,
 * in the JSON of `leakwatch --history --json`) and says when a new record
 * has landed (HistoryChanged), so the page reads them once when the
 * service is ready and again on each of its signals. The window never
 * opens the history file: the service holds it (docs/ARCHITECTURE.md).
 * While the service is not running the page shows nothing it read before,
 * which could be out of date, but says why it is empty. */

#define MAX_ROWS   100

struct _LwHistoryPage
{
  AdwBin               parent_instance;

  AdwPreferencesGroup *group;

  GPtrArray           *rows;       /* the rows shown, in group */
  LwService           *service;    /* nullable until set */
  GCancellable        *cancellable;
};

G_DEFINE_FINAL_TYPE (LwHistoryPage, lw_history_page, ADW_TYPE_BIN)

static void
clear_rows (LwHistoryPage *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
}

static GtkWidget *
add_row (LwHistoryPage *self,
         const char    *title,
         const char    *subtitle,
         const char    *icon_name)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (icon_name != NULL)
    {
      GtkWidget *icon = gtk_image_new_from_icon_name (icon_name);

      gtk_image_set_pixel_size (GTK_IMAGE (icon), 24);
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      title, -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
    }
  adw_preferences_group_add (self->group, row);
  g_ptr_array_add (self->rows, row);
  return row;
}

static void
show_error (LwHistoryPage *self,
            const char    *reason)
{
  clear_rows (self);
  add_row (self, _("The history cannot be shown"), reason, "dialog-warning-symbolic");
}

static const char *
status_name (LwStatus status)
{
  /* The first change has no status before it. */
  return status == LW_STATUS_CHECKING ? _("First check") : lw_status_name (status);
}

static void
add_change (LwHistoryPage        *self,
            const LwStatusChange *change,
            GDateTime            *now)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (change->time);
  g_autoptr(GDateTime) time = utc ? g_date_time_to_local (utc) : NULL;
  g_autofree char *when = time ? lw_when_short (time, now) : g_strdup ("");
  g_autofree char *title = NULL;
  g_autofree char *icon = lw_status_icon_name (change->new_status, FALSE);

  /* Translators: a change of status: "21 November at 14:02 — No VPN → Leak" */
  title = g_strdup_printf (_("%s — %s → %s"), when, status_name (change->old_status),
                           status_name (change->new_status));
  add_row (self, title, change->headline, icon);
}

static void
show_changes (LwHistoryPage *self,
              const char    *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = lw_status_changes_from_json (json, &error);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  guint n;

  if (changes == NULL)
    {
      show_error (self, error->message);
      return;
    }

  clear_rows (self);
  n = changes->len;
  for (guint i = n; i > 0 && n - i < MAX_ROWS; i--)
    add_change (self, g_ptr_array_index (changes, i - 1), now);
  if (n > MAX_ROWS)
    {
      g_autofree char *more = g_strdup_printf (ngettext ("%u older change is not shown.",
                                                         "%u older changes are not shown.",
                                                         n - MAX_ROWS),
                                               n - MAX_ROWS);

      add_row (self, more, _("“leakwatch --history” lists them all."), NULL);
    }
  if (n == 0)
    add_row (self, _("No changes recorded yet"),
             _("Leakwatch records here every time the verdict changes."), NULL);
}

static void
on_changes (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = lw_service_get_changes_finish (LW_SERVICE (source), result, &error);
  LwHistoryPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = LW_HISTORY_PAGE (data);

  if (json == NULL)
    show_error (self, error->message);
  else
    show_changes (self, json);
}

/* Reads the changes again, dropping an answer still on its way: the
 * latest question has the latest answer. */
static void
refresh (LwHistoryPage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->service == NULL)
    return;
  if (lw_service_get_state (self->service) != LW_SERVICE_READY)
    {
      /* What was read from a service that has gone may no longer be
       * true: it goes too. */
      clear_rows (self);
      add_row (self, _("The history is shown while Leakwatch runs"),
               _("“leakwatch --history” prints it at any time."), NULL);
          return;
    }
  self->cancellable = g_cancellable_new ();
  lw_service_get_changes_async (self->service, 0, self->cancellable, on_changes, self);
}

static void
on_service_state (LwHistoryPage *self)
{
  refresh (self);
}

/**
 * lw_history_page_set_service:
 * @service: the service whose history to show
 *
 * Shows @service's recorded changes, and follows them: read again when the
 * service is (again) ready and whenever it says a record has landed.
 */
void
lw_history_page_set_service (LwHistoryPage *self,
                             LwService     *service)
{
  g_return_if_fail (LW_IS_HISTORY_PAGE (self));
  g_return_if_fail (LW_IS_SERVICE (service));

  if (self->service != NULL)
    g_signal_handlers_disconnect_by_data (self->service, self);
  g_set_object (&self->service, service);
  g_signal_connect_object (service, "notify::state", G_CALLBACK (on_service_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (service, "history-changed", G_CALLBACK (refresh), self,
                           G_CONNECT_SWAPPED);
  refresh (self);
}

static void
lw_history_page_dispose (GObject *object)
{
  LwHistoryPage *self = LW_HISTORY_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->service != NULL)
    g_signal_handlers_disconnect_by_data (self->service, self);
  g_clear_object (&self->service);

  G_OBJECT_CLASS (lw_history_page_parent_class)->dispose (object);
}

static void
lw_history_page_finalize (GObject *object)
{
  LwHistoryPage *self = LW_HISTORY_PAGE (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (lw_history_page_parent_class)->finalize (object);
}

static void
lw_history_page_class_init (LwHistoryPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lw_history_page_dispose;
  object_class->finalize = lw_history_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, LW_RESOURCE ("lw-history-page.ui"));
  gtk_widget_class_bind_template_child (widget_class, LwHistoryPage, group);
}

static void
lw_history_page_init (LwHistoryPage *self)
{
  self->rows = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}
