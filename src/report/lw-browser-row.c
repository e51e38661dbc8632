/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gdesktopappinfo.h>
#include <glib/gi18n.h>

#include "lw-browser-row.h"
#include "lw-browser-test.h"
#include "lw-firefox-fix.h"
#include "lw-report-util.h"
#include "lw-text.h"
#include "lw-when.h"

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
  GtkWidget      *test_box;
  GtkLabel       *tested_label;
  GtkButton      *test_button;
  GtkLabel       *setting_label;
  GtkLabel       *source_label;
  GtkWidget      *unverified_box;
  GtkLabel       *unverified_label;
  GtkBox         *fix_box;
  GtkBox         *path_box;

  LwStatus        status;
  char           *tone;        /* the tag's tone class now */
};

G_DEFINE_FINAL_TYPE (LwBrowserRow, lw_browser_row, ADW_TYPE_EXPANDER_ROW)

/* The browser's own icon, from its desktop file, when the icon theme has
 * it; else a generic one. Returns whether the desktop file is there, to
 * open the browser with. */
static gboolean
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
  return info != NULL;
}

static GtkWidget *
wrapped_label (const char *text,
               const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

/* A button that applies one of Leakwatch's changes to a Firefox profile,
 * or undoes it (win.firefox-fix), with what it costs under it. */
static void
add_fix_button (LwBrowserRow *self,
                const char   *profile,
                const char   *what,
                const char   *label,
                const char   *cost)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *text = wrapped_label (label, NULL);

  /* Its words wrap, so that a narrow window keeps it whole. */
  gtk_label_set_justify (GTK_LABEL (text), GTK_JUSTIFY_CENTER);
  gtk_button_set_child (GTK_BUTTON (button), text);
  gtk_widget_set_halign (button, GTK_ALIGN_START);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.firefox-fix");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(ss)", profile, what);
  gtk_box_append (self->fix_box, button);
  if (cost != NULL)
    gtk_box_append (self->fix_box, wrapped_label (cost, "dim-label"));
}

/* How to make this browser safe here: for a Firefox profile, Leakwatch's
 * own change (Apply, or Undo once applied), and whether Firefox must be
 * restarted first; for the others, the steps in their own places, with
 * the command to copy. */
static void
show_fix (LwBrowserRow           *self,
          const LwBrowserVerdict *verdict,
          gboolean                hide_is_enough)
{
  const LwBrowserSetup *s = verdict->setup;
  gboolean exposed = verdict->every_page->len > 0 || verdict->camera_pages->len > 0;
  g_autofree char *command = NULL;
  g_autofree char *steps = NULL;

  if (s->stand_in || (!exposed && s->fix == LW_FIREFOX_FIX_NONE && s->pending == NULL))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->fix_box), FALSE);
      return;
    }

  gtk_box_append (self->fix_box, wrapped_label (_("How to fix it"), "heading"));
  if (s->engine == LW_ENGINE_GECKO && s->profile != NULL && s->path != NULL)
    {
      if (s->fix != LW_FIREFOX_FIX_NONE)
        {
          g_autofree char *applied = g_strdup_printf (_("Leakwatch’s change is in this profile’s "
                                                        "user.js: “%s”."),
                                                      lw_firefox_fix_title (s->fix));

          gtk_box_append (self->fix_box, wrapped_label (applied, NULL));
          add_fix_button (self, s->path, "undo", _("Undo"),
                          _("Puts back the user.js this profile had before, exactly."));
        }
      else
        {
          if (hide_is_enough)
            add_fix_button (self, s->path, "hide-address",
                            lw_firefox_fix_title (LW_FIREFOX_FIX_HIDE_ADDRESS),
                            lw_firefox_fix_cost (LW_FIREFOX_FIX_HIDE_ADDRESS));
          add_fix_button (self, s->path, "webrtc-off", lw_firefox_fix_title (LW_FIREFOX_FIX_WEBRTC_OFF),
                          lw_firefox_fix_cost (LW_FIREFOX_FIX_WEBRTC_OFF));
        }
      if (s->pending != NULL)
        gtk_box_append (self->fix_box, wrapped_label (s->pending, "warning"));
      else if (s->running)
        {
          g_autofree char *running = g_strdup_printf (_("%s is running with this profile: a change "
                                                        "applies when you restart it."), s->name);

          gtk_box_append (self->fix_box, wrapped_label (running, NULL));
        }
      return;
    }

  steps = lw_browser_setup_fix_steps (s, hide_is_enough, &command);
  if (steps != NULL)
    gtk_box_append (self->fix_box, wrapped_label (steps, NULL));
  if (command != NULL)
    gtk_box_append (self->fix_box, lw_copy_box_new (command));
  gtk_widget_set_visible (GTK_WIDGET (self->fix_box), steps != NULL);
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
  gtk_widget_class_bind_template_child (widget_class, LwBrowserRow, test_box);
  gtk_widget_class_bind_template_child (widget_class, LwBrowserRow, tested_label);
  gtk_widget_class_bind_template_child (widget_class, LwBrowserRow, test_button);
  gtk_widget_class_bind_template_child (widget_class, LwBrowserRow, setting_label);
  gtk_widget_class_bind_template_child (widget_class, LwBrowserRow, source_label);
  gtk_widget_class_bind_template_child (widget_class, LwBrowserRow, unverified_box);
  gtk_widget_class_bind_template_child (widget_class, LwBrowserRow, unverified_label);
  gtk_widget_class_bind_template_child (widget_class, LwBrowserRow, fix_box);
  gtk_widget_class_bind_template_child (widget_class, LwBrowserRow, path_box);
}

static void
lw_browser_row_init (LwBrowserRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* What the browser's own test page showed, beside the verdict: one line
 * for the row's subtitle ("Confirmed in Firefox at 14:02"), and the whole
 * result under it when expanded. A test made before the browser's
 * settings changed says so, and counts for nothing. */
static char *
show_test (LwBrowserRow           *self,
           const LwBrowserVerdict *verdict,
           gboolean                launchable,
           GPtrArray              *confirmations,
           GDateTime              *now)
{
  const LwBrowserSetup *s = verdict->setup;
  const LwConfirmation *c = lw_confirmation_find (confirmations, s, FALSE);
  const LwConfirmation *camera = lw_confirmation_find (confirmations, s, TRUE);
  g_autoptr(GDateTime) time = NULL;
  g_autofree char *when = NULL;
  g_autofree char *full = NULL;
  g_autofree char *said = NULL;
  char *line;

  /* Only a browser of this computer with a desktop entry can be opened. */
  launchable = launchable && !s->stand_in;
  gtk_widget_set_visible (GTK_WIDGET (self->test_button), launchable);
  /* The name after the target: the action's parameter type must match
   * from the start. */
  if (launchable)
    {
      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->test_button), "s", s->desktop_id);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->test_button), "win.test-browser");
    }
  if (c == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->tested_label), FALSE);
      gtk_widget_set_visible (self->test_box, launchable);
      return NULL;
    }

  time = g_date_time_new_from_unix_utc (c->time_unix);
  when = time ? lw_when_phrase (time, now) : g_strdup ("");
  if (!lw_confirmation_is_current (c, s))
    {
      /* Translators: %s is when, such as "at 14:02" or "yesterday at 14:02" */
      line = g_strdup_printf (_("Tested %s, before its settings changed: test it again"), when);
      gtk_widget_add_css_class (GTK_WIDGET (self->tested_label), "dim-label");
    }
  else if (c->unexpected != NULL && c->unexpected->len > 0)
    {
      g_autofree char *more = lw_text_join_list (c->unexpected);

      /* Translators: %1$s is when, such as "at 14:02"; %2$s the addresses */
      line = g_strdup_printf (_("Its test %1$s showed more than its settings say: %2$s"), when, more);
      gtk_widget_add_css_class (GTK_WIDGET (self->tested_label), "error");
    }
  else
    /* Translators: %1$s is a browser profile, such as "Firefox (profile
     * default-release)"; %2$s when, such as "at 14:02" */
    line = g_strdup_printf (_("Confirmed in %1$s %2$s"), s->label, when);

  /* The summary is a phrase ("confirmed in Firefox: …"): a sentence here. */
  said = lw_text_sentence (c->summary);
  /* The result in full, with the page's own words; and the camera step's,
   * when it was taken and still describes the browser. */
  if (camera != NULL && lw_confirmation_is_current (camera, s))
    /* Translators: %1$s says when the browser was tested; %2$s and %3$s
     * are what its test page saw without and with microphone permission */
    full = g_strdup_printf (_("%1$s\n%2$s\nWith microphone permission: %3$s"), line, said,
                            camera->summary);
  else
    full = g_strdup_printf ("%s\n%s", line, said);
  gtk_label_set_text (self->tested_label, full);
  gtk_widget_set_visible (GTK_WIDGET (self->tested_label), TRUE);
  gtk_widget_set_visible (self->test_box, TRUE);
  gtk_button_set_label (self->test_button, _("_Test Again"));
  return line;
}

/**
 * lw_browser_row_new:
 * @verdict: one browser profile of a report
 * @hide_is_enough: whether hiding the address is enough on the report's
 *   network (lw_browser_hide_is_enough()), for the fix to offer
 * @confirmations: (nullable) (element-type LwConfirmation): what the
 *   browsers' own test pages showed
 * @now: the time now, to say when a test was made
 *
 * Returns: (transfer floating): a row for @verdict
 */
GtkWidget *
lw_browser_row_new (const LwBrowserVerdict *verdict,
                    gboolean                hide_is_enough,
                    GPtrArray              *confirmations,
                    GDateTime              *now)
{
  LwBrowserRow *self = g_object_new (LW_TYPE_BROWSER_ROW, NULL);
  const LwBrowserSetup *s = verdict->setup;
  const char *tag = lw_status_name (verdict->status);
  g_autofree char *every_page = lw_text_browser_sees (verdict, FALSE);
  g_autofree char *camera_pages = lw_text_browser_sees (verdict, TRUE);
  g_autofree char *subtitle = NULL;
  g_autofree char *camera = NULL;
  g_autofree char *setting = NULL;
  g_autofree char *unverified = NULL;
  g_autofree char *accessible = NULL;
  g_autofree char *tested = NULL;

  self->status = verdict->status;

  /* Translators: what any web page sees through a browser: an address,
   * or words such as "nothing outside the tunnel" */
  subtitle = g_strdup_printf (_("Every page sees: %s"), every_page);
  tested = show_test (self, verdict, set_icon (self, s->desktop_id), confirmations, now);
  if (tested != NULL)
    {
      char *both = g_strdup_printf ("%s\n%s", subtitle, tested);

      g_free (subtitle);
      subtitle = both;
    }
  /* Translators: what a page allowed to use the camera or microphone
   * sees besides: "also 10.0.0.5", "the same" */
  camera = g_strdup_printf (_("Pages with camera permission see: %s"), camera_pages);
  /* Translators: a browser's WebRTC setting, in the browser's own words */
  setting = g_strdup_printf (_("Setting: %s"), s->setting ? s->setting : _("unknown"));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), s->label);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), subtitle);
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
  show_fix (self, verdict, hide_is_enough);
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
