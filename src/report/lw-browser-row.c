/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gdesktopappinfo.h>
#include <glib/gi18n.h>

#include "lw-browser-row.h"
#include "lw-report-util.h"
#include "lw-text.h"

/* One browser profile of the report: its icon, its name, its status as a
 * tag in words, and what every page sees through it; when expanded, what
 * pages with camera permission see, its WebRTC setting and where that
 * came from (or why it could not be read), and its profile folder. The
 * words of what pages see are the core's (lw_text_browser_sees), as
 * `leakwatch --browsers` says them. */

#define FALLBACK_ICON "web-browser-symbolic"

struct _LwBrowserRow
{
  AdwExpanderRow  parent_instance;

  GtkImage       *icon;
  GtkLabel       *status_tag;
  GtkLabel       *camera_label;
  GtkLabel       *setting_label;
  GtkLabel       *source_label;
  GtkWidget      *unverified_box;
  GtkLabel       *unverified_label;
  GtkBox         *path_box;

  LwStatus        status;
  char           *tone;        /* the tag's tone class now */
};

G_DEFINE_FINAL_TYPE (LwBrowserRow, lw_browser_row, ADW_TYPE_EXPANDER_ROW)

/* The browser's own icon, from its desktop file, when the icon theme has
 * it; else a generic one. */
static void
set_icon (LwBrowserRow *self,
          const char   *desktop_id)
{
  g_autoptr(GDesktopAppInfo) info = desktop_id ? g_desktop_app_info_new (desktop_id) : NULL;
  GIcon *icon = info ? g_app_info_get_icon (G_APP_INFO (info)) : NULL;
  GdkDisplay *display = gdk_display_get_default ();

  if (icon != NULL && display != NULL &&
      gtk_icon_theme_has_gicon (gtk_icon_theme_get_for_display (display), icon))
    gtk_image_set_from_gicon (self->icon, icon);
  else
    gtk_image_set_from_icon_name (self->icon, FALLBACK_ICON);
}

static void
set_tone (LwBrowserRow *self,
          const char   *tone)
{
  if (g_strcmp0 (self->tone, tone) == 0)
    return;
  if (self->tone != NULL)
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_tag), self->tone);
  g_free (self->tone);
  self->tone = g_strdup (tone);
  gtk_widget_add_css_class (GTK_WIDGET (self->status_tag), tone);
}

/**
 * lw_browser_row_set_checking:
 * @checking: whether a check runs now
 *
 * While a check runs, the row's status is the last check's: its words
 * stay, its colour goes, as the status banner's does.
 */
void
lw_browser_row_set_checking (LwBrowserRow *self,
                             gboolean      checking)
{
  g_return_if_fail (LW_IS_BROWSER_ROW (self));

  set_tone (self, checking ? lw_status_tone (LW_STATUS_CHECKING) : lw_status_tone (self->status));
}

static void
lw_browser_row_finalize (GObject *object)
{
  LwBrowserRow *self = LW_BROWSER_ROW (object);

  g_free (self->tone);

  G_OBJECT_CLASS (lw_browser_row_parent_class)->finalize (object);
}

static void
lw_browser_row_class_init (LwBrowserRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = lw_browser_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, LW_RESOURCE ("lw-browser-row.ui"));
  gtk_widget_class_bind_template_child (widget_class, LwBrowserRow, icon);
  gtk_widget_class_bind_template_child (widget_class, LwBrowserRow, status_tag);
  gtk_widget_class_bind_template_child (widget_class, LwBrowserRow, camera_label);
  gtk_widget_class_bind_template_child (widget_class, LwBrowserRow, setting_label);
  gtk_widget_class_bind_template_child (widget_class, LwBrowserRow, source_label);
  gtk_widget_class_bind_template_child (widget_class, LwBrowserRow, unverified_box);
  gtk_widget_class_bind_template_child (widget_class, LwBrowserRow, unverified_label);
  gtk_widget_class_bind_template_child (widget_class, LwBrowserRow, path_box);
}

static void
lw_browser_row_init (LwBrowserRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * lw_browser_row_new:
 * @verdict: one browser profile of a report
 *
 * Returns: (transfer floating): a row for @verdict
 */
GtkWidget *
lw_browser_row_new (const LwBrowserVerdict *verdict)
{
  LwBrowserRow *self = g_object_new (LW_TYPE_BROWSER_ROW, NULL);
  const LwBrowserSetup *s = verdict->setup;
  const char *tag = lw_status_short_name (verdict->status);
  g_autofree char *every_page = lw_text_browser_sees (verdict, FALSE);
  g_autofree char *camera_pages = lw_text_browser_sees (verdict, TRUE);
  g_autofree char *subtitle = NULL;
  g_autofree char *camera = NULL;
  g_autofree char *setting = NULL;
  g_autofree char *unverified = NULL;
  g_autofree char *accessible = NULL;

  self->status = verdict->status;

  /* Translators: what any web page sees through a browser: an address,
   * or words such as "nothing outside the tunnel" */
  subtitle = g_strdup_printf (_("Every page sees: %s"), every_page);
  /* Translators: what a page allowed to use the camera or microphone
   * sees besides: "also 10.0.0.5", "the same" */
  camera = g_strdup_printf (_("Pages with camera permission see: %s"), camera_pages);
  /* Translators: a browser's WebRTC setting, in the browser's own words */
  setting = g_strdup_printf (_("Setting: %s"), s->setting ? s->setting : _("unknown"));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), s->label);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), subtitle);
  set_icon (self, s->desktop_id);
  gtk_label_set_text (self->status_tag, tag);
  lw_browser_row_set_checking (self, FALSE);

  gtk_label_set_text (self->camera_label, camera);
  gtk_label_set_text (self->setting_label, setting);
  /* An unreadable setting's source is why it could not be read: the
   * warning says that. */
  gtk_label_set_text (self->source_label, s->source ? s->source : "");
  gtk_widget_set_visible (GTK_WIDGET (self->source_label),
                          s->unverified == NULL && s->source != NULL && *s->source != '\0');
  if (s->unverified != NULL)
    /* Translators: %s says why, such as "Preferences: line 3: unexpected “}”" */
    unverified = g_strdup_printf (_("Its setting could not be read (%s): its defaults are "
                                    "assumed."), s->unverified);
  gtk_label_set_text (self->unverified_label, unverified ? unverified : "");
  gtk_widget_set_visible (self->unverified_box, unverified != NULL);
  if (s->path != NULL && *s->path != '\0')
    gtk_box_append (self->path_box, lw_copy_box_new (s->path));
  gtk_widget_set_visible (GTK_WIDGET (self->path_box), s->path != NULL && *s->path != '\0');

  /* The status is a coloured tag on screen; a screen reader says it first. */
  accessible = g_strdup_printf ("%s: %s", tag, s->label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle,
                                  -1);
  return GTK_WIDGET (self);
}
