/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "lw-report-util.h"
#include "lw-status-banner.h"
#include "lw-when.h"

/* The top of the report: the status icon, the status's name, one plain
 * sentence of what it means, and when it was checked. While a check runs
 * (the header's button spins), the sentence is the last result's. Its
 * colour follows the status through a style class (style.css), in
 * libadwaita's named colours, so it stays readable in the dark style. */

struct _LwStatusBanner
{
  AdwBin     parent_instance;

  GtkBox    *box;
  GtkImage  *icon;
  GtkLabel  *verdict_label;
  GtkLabel  *headline_label;
  GtkLabel  *time_label;

  char      *css_class;
  char      *tone_class;
  GDateTime *checked_at;   /* of the report on show; NULL for none */
  guint      midnight_id;  /* says "Last checked …" again when the day turns */
};

G_DEFINE_FINAL_TYPE (LwStatusBanner, lw_status_banner, ADW_TYPE_BIN)

static void
swap_css_class (GtkWidget   *widget,
                char       **current,
                const char  *css_class)
{
  if (g_strcmp0 (*current, css_class) == 0)
    return;
  if (*current != NULL)
    gtk_widget_remove_css_class (widget, *current);
  g_free (*current);
  *current = g_strdup (css_class);
  gtk_widget_add_css_class (widget, css_class);
}

/* The box says its status as a class made from the enum's nick
 * (lw-status-leak), for themes and tests, and its colour as a tone
 * (lw_status_tone), which is what style.css styles. */
static void
set_status_classes (LwStatusBanner *self,
                    LwStatus        status)
{
  g_autofree char *status_class = g_strconcat ("lw-status-", lw_status_to_string (status), NULL);

  swap_css_class (GTK_WIDGET (self->box), &self->css_class, status_class);
  swap_css_class (GTK_WIDGET (self->box), &self->tone_class, lw_status_tone (status));
}

static char *
checked_exactly (LwReport *report)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (lw_report_get_time (report));
  g_autoptr(GDateTime) local = time ? g_date_time_to_local (time) : NULL;
  g_autofree char *when = NULL;

  if (local == NULL)
    return NULL;
  /* Translators: the date and time of a check, to the second; see the GDateTime format docs */
  when = g_date_time_format (local, _("%-d %B %Y at %H:%M:%S"));
  return g_strdup_printf (_("Checked on %s"), when);
}

static gboolean on_midnight (gpointer data);

/* "Last checked at 13:00", said again at midnight as "yesterday". */
static void
show_last_checked (LwStatusBanner *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *text = NULL;

  g_clear_handle_id (&self->midnight_id, g_source_remove);
  if (self->checked_at != NULL)
    {
      text = lw_when_last_checked (self->checked_at, now);
      self->midnight_id = g_timeout_add_seconds (lw_when_seconds_to_midnight (now), on_midnight, self);
    }
  gtk_label_set_text (self->time_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->time_label), text != NULL);
}

static gboolean
on_midnight (gpointer data)
{
  LwStatusBanner *self = data;

  self->midnight_id = 0;
  show_last_checked (self);
  return G_SOURCE_REMOVE;
}

/**
 * lw_status_banner_update:
 * @report: (nullable): the latest report; %NULL before the first check ends
 * @checking: whether a check runs now (for a new report; the first check
 *   is shown as such whatever @checking says)
 */
void
lw_status_banner_update (LwStatusBanner *self,
                         LwReport       *report,
                         gboolean        checking)
{
  /* The service has no report only until its first check ends. While a
   * check runs, the last verdict is history: no colour of its own, so a
   * green banner never stands for a network that may have changed. */
  LwStatus status = report && !checking ? lw_report_get_status (report) : LW_STATUS_CHECKING;
  g_autofree char *icon = lw_status_icon_name (status, FALSE);
  g_autofree char *headline = NULL;
  g_autofree char *exactly = NULL;

  g_return_if_fail (LW_IS_STATUS_BANNER (self));

  g_clear_pointer (&self->checked_at, g_date_time_unref);

  if (report != NULL)
    {
      /* One sentence under the status's name, never the name again; while
       * checking, the last result's whole headline. */
      if (checking)
        {
          g_autofree char *sentence = lw_report_dup_sentence (report);

          /* Translators: %1$s is the previous check's status ("Leak"), %2$s what it meant */
          headline = g_strdup_printf (_("Last result: %1$s — %2$s"),
                                      lw_status_name (lw_report_get_status (report)), sentence);
        }
      else
        headline = lw_report_dup_sentence (report);
      self->checked_at = g_date_time_new_from_unix_utc (lw_report_get_time (report));
      exactly = checked_exactly (report);
    }
  else
    headline = g_strdup (_("The first check takes a few seconds."));

  set_status_classes (self, status);
  gtk_image_set_from_icon_name (self->icon, icon);
  gtk_label_set_text (self->verdict_label, lw_status_name (status));
  gtk_label_set_text (self->headline_label, headline);
  show_last_checked (self);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->time_label), exactly);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, lw_status_name (status),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, headline,
                                  -1);
}

static void
lw_status_banner_dispose (GObject *object)
{
  LwStatusBanner *self = LW_STATUS_BANNER (object);

  g_clear_handle_id (&self->midnight_id, g_source_remove);

  G_OBJECT_CLASS (lw_status_banner_parent_class)->dispose (object);
}

static void
lw_status_banner_finalize (GObject *object)
{
  LwStatusBanner *self = LW_STATUS_BANNER (object);

  g_free (self->css_class);
  g_free (self->tone_class);
  g_clear_pointer (&self->checked_at, g_date_time_unref);

  G_OBJECT_CLASS (lw_status_banner_parent_class)->finalize (object);
}

static void
lw_status_banner_class_init (LwStatusBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lw_status_banner_dispose;
  object_class->finalize = lw_status_banner_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, LW_RESOURCE ("lw-status-banner.ui"));
  gtk_widget_class_bind_template_child (widget_class, LwStatusBanner, box);
  gtk_widget_class_bind_template_child (widget_class, LwStatusBanner, icon);
  gtk_widget_class_bind_template_child (widget_class, LwStatusBanner, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, LwStatusBanner, headline_label);
  gtk_widget_class_bind_template_child (widget_class, LwStatusBanner, time_label);
}

static void
lw_status_banner_init (LwStatusBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  lw_status_banner_update (self, NULL, FALSE);
}
