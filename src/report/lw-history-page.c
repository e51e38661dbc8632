/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "lw-history-page.h"
#include "lw-report-util.h"
#include "lw-when.h"

/* The "History" page: the changes of status that the service recorded, as
 * `leakwatch --history --json` prints them, newest first. The service
 * writes a change a moment after it publishes the report, so after a
 * report the page asks again until the newest change is that report's
 * status (or a few tries have passed: the status may not have changed). */

#define MAX_ROWS   100
#define MAX_TRIES  6

struct _LwHistoryPage
{
  AdwBin               parent_instance;

  AdwPreferencesGroup *group;

  GPtrArray           *rows;       /* the rows shown, in group */
  GCancellable        *cancellable;
  guint                retry_id;
  guint                tries;
  LwStatus             latest;
  gboolean             read;       /* for latest */
};

G_DEFINE_FINAL_TYPE (LwHistoryPage, lw_history_page, ADW_TYPE_BIN)

enum {
  UPDATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void run_history (LwHistoryPage *self);

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
  g_signal_emit (self, signals[UPDATED], 0);
}

static const char *
status_name (const char *text)
{
  LwStatus status;

  if (text == NULL)
    return _("First check");
  if (!lw_status_from_string (text, &status))
    return text;
  return lw_status_short_name (status);
}

static void
add_change (LwHistoryPage *self,
            JsonObject    *change)
{
  const char *time_text = json_object_get_string_member_with_default (change, "time", NULL);
  const char *old = json_object_get_string_member_with_default (change, "old", NULL);
  const char *new = json_object_get_string_member_with_default (change, "new", NULL);
  const char *headline = json_object_get_string_member_with_default (change, "headline", NULL);
  g_autoptr(GDateTime) time = time_text ? g_date_time_new_from_iso8601 (time_text, NULL) : NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *when = time ? lw_when_short (time, now) : g_strdup (time_text ? time_text : "");
  g_autofree char *title = NULL;
  g_autofree char *icon = NULL;
  LwStatus status;

  if (new == NULL)
    return;
  /* Translators: a change of status: "21 November at 14:02 — No VPN → Leak" */
  title = g_strdup_printf (_("%s — %s → %s"), when, status_name (old), status_name (new));
  if (lw_status_from_string (new, &status))
    icon = lw_status_icon_name (status, FALSE);
  add_row (self, title, headline, icon);
}

/* Returns whether the newest change is the one expected. */
static gboolean
show_changes (LwHistoryPage *self,
              const char    *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *changes;
  JsonNode *root;
  guint n;
  const char *newest = NULL;
  LwStatus status;

  if (!json_parser_load_from_data (parser, json, -1, &error))
    {
      show_error (self, error->message);
      return TRUE;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      show_error (self, _("“leakwatch --history --json” did not print a list."));
      return TRUE;
    }

  clear_rows (self);
  changes = json_node_get_array (root);
  n = json_array_get_length (changes);
  for (guint i = n; i > 0 && n - i < MAX_ROWS; i--)
    {
      JsonNode *node = json_array_get_element (changes, i - 1);

      if (JSON_NODE_HOLDS_OBJECT (node))
        {
          if (newest == NULL)
            newest = json_object_get_string_member_with_default (json_node_get_object (node),
                                                                 "new", NULL);
          add_change (self, json_node_get_object (node));
        }
    }
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
  g_signal_emit (self, signals[UPDATED], 0);

  return newest != NULL && lw_status_from_string (newest, &status) && status == self->latest;
}

static gboolean
on_retry (gpointer data)
{
  LwHistoryPage *self = data;

  self->retry_id = 0;
  run_history (self);
  return G_SOURCE_REMOVE;
}

static void
on_history (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  GSubprocess *process = G_SUBPROCESS (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *reason = NULL;
  LwHistoryPage *self;

  if (!g_subprocess_communicate_utf8_finish (process, result, &out, &err, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = LW_HISTORY_PAGE (data);

  if (error != NULL)
    {
      show_error (self, error->message);
      return;
    }
  if (!g_subprocess_get_successful (process))
    {
      g_strstrip (err);
      if (err != NULL && *err != '\0')
        reason = g_strdup (err);
      else if (g_subprocess_get_if_exited (process))
        reason = g_strdup_printf (_("“leakwatch --history” exited with status %d."),
                                  g_subprocess_get_exit_status (process));
      else
        reason = g_strdup (_("“leakwatch --history” did not finish."));
      show_error (self, reason);
      return;
    }

  if (!show_changes (self, out) && self->latest != LW_STATUS_CHECKING && ++self->tries < MAX_TRIES)
    self->retry_id = g_timeout_add (self->tries * 250, on_retry, self);
}

static void
run_history (LwHistoryPage *self)
{
  g_autofree char *program = lw_find_leakwatch ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (program == NULL)
    {
      show_error (self, _("The program “leakwatch” was not found."));
      return;
    }
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              &error, program, "--history", "--json", NULL);
  if (process == NULL)
    {
      show_error (self, error->message);
      return;
    }
  g_subprocess_communicate_utf8_async (process, NULL, self->cancellable, on_history, self);
}

/**
 * lw_history_page_refresh:
 * @latest: the status of the latest report, which the newest change
 *   should have; %LW_STATUS_CHECKING before the first report
 *
 * Reads the history again, unless it was read for this status already:
 * the service records a change only when the status changes.
 */
void
lw_history_page_refresh (LwHistoryPage *self,
                         LwStatus       latest)
{
  g_return_if_fail (LW_IS_HISTORY_PAGE (self));

  if (self->read && self->latest == latest)
    return;
  self->read = TRUE;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->latest = latest;
  self->tries = 0;
  run_history (self);
}

static void
lw_history_page_dispose (GObject *object)
{
  LwHistoryPage *self = LW_HISTORY_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->retry_id, g_source_remove);

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

  /**
   * LwHistoryPage::updated:
   *
   * The page shows something new.
   */
  signals[UPDATED] = g_signal_new ("updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, LW_RESOURCE ("lw-history-page.ui"));
  gtk_widget_class_bind_template_child (widget_class, LwHistoryPage, group);
}

static void
lw_history_page_init (LwHistoryPage *self)
{
  self->rows = g_ptr_array_new ();
  self->latest = LW_STATUS_CHECKING;

  gtk_widget_init_template (GTK_WIDGET (self));
}
