/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "lw-report-util.h"
#include "lw-status-banner.h"

/* The top of the report: the status icon, the verdict in plain words, the
 * report's headline, when it was checked, and whether a check runs. Its
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
  GtkBox    *checking_box;
  GtkSpinner *spinner;

  char      *css_class;
};

G_DEFINE_FINAL_TYPE (LwStatusBanner, lw_status_banner, ADW_TYPE_BIN)

static void
set_css_class (LwStatusBanner *self,
               const char     *css_class)
{
  if (g_strcmp0 (self->css_class, css_class) == 0)
    return;
  if (self->css_class != NULL)
    gtk_widget_remove_css_class (GTK_WIDGET (self->box), self->css_class);
  g_free (self->css_class);
  self->css_class = g_strdup (css_class);
  gtk_widget_add_css_class (GTK_WIDGET (self->box), css_class);
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

static char *
last_checked (LwReport *report)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (lw_report_get_time (report));
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *clock = NULL;
  g_autofree char *date = NULL;

  if (time == NULL)
    return NULL;
  local = g_date_time_to_local (time);
  clock = lw_format_clock (local);
  if (g_date_time_get_year (local) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now))
    /* Translators: %s is a time of day, such as 07:30. */
    return g_strdup_printf (_("Last checked at %s"), clock);

  date = lw_format_date_time (local);
  /* Translators: %s is a time and a date, such as 07:30, 21 November 2026. */
  return g_strdup_printf (_("Last checked on %s"), date);
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
  g_autofree char *css_class = g_strconcat ("lw-status-", lw_status_to_string (status), NULL);
  g_autofree char *headline = NULL;
  g_autofree char *time = NULL;
  g_autofree char *exactly = NULL;

  g_return_if_fail (LW_IS_STATUS_BANNER (self));

  if (report != NULL)
    {
      g_autofree char *last = lw_report_dup_headline (report);

      /* Translators: %s is the verdict of the previous check, in one line. */
      headline = checking ? g_strdup_printf (_("Last result: %s"), last) : g_steal_pointer (&last);
      time = last_checked (report);
      exactly = checked_exactly (report);
    }
  else
    headline = g_strdup (_("The first check takes a few seconds."));

  set_css_class (self, css_class);
  gtk_image_set_from_icon_name (self->icon, icon);
  gtk_label_set_text (self->verdict_label, lw_status_verdict (status));
  gtk_label_set_text (self->headline_label, headline);
  gtk_label_set_text (self->time_label, time ? time : "");
  gtk_widget_set_visible (GTK_WIDGET (self->time_label), time != NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->time_label), exactly);

  /* Before the first report the verdict already says "Checking…". */
  gtk_widget_set_visible (GTK_WIDGET (self->checking_box), checking && report != NULL);
  gtk_spinner_set_spinning (self->spinner, checking && report != NULL);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, lw_status_verdict (status),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, headline,
                                  -1);
}

static void
lw_status_banner_finalize (GObject *object)
{
  LwStatusBanner *self = LW_STATUS_BANNER (object);

  g_free (self->css_class);

  G_OBJECT_CLASS (lw_status_banner_parent_class)->finalize (object);
}

static void
lw_status_banner_class_init (LwStatusBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = lw_status_banner_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, LW_RESOURCE ("lw-status-banner.ui"));
  gtk_widget_class_bind_template_child (widget_class, LwStatusBanner, box);
  gtk_widget_class_bind_template_child (widget_class, LwStatusBanner, icon);
  gtk_widget_class_bind_template_child (widget_class, LwStatusBanner, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, LwStatusBanner, headline_label);
  gtk_widget_class_bind_template_child (widget_class, LwStatusBanner, time_label);
  gtk_widget_class_bind_template_child (widget_class, LwStatusBanner, checking_box);
  gtk_widget_class_bind_template_child (widget_class, LwStatusBanner, spinner);
}

static void
lw_status_banner_init (LwStatusBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  lw_status_banner_update (self, NULL, FALSE);
}
