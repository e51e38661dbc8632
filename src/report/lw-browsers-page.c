/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "lw-browser-row.h"
#include "lw-browser-test.h"
#include "lw-browsers-page.h"
#include "lw-report-util.h"
#include "lw-text.h"

/* The "Browsers" page: each browser profile the report's audit found
 * (docs/DOMAIN.md, "Browser settings mapped to modes"), with its status
 * and what web pages see through it, in the order the report lists them.
 * When no browser was found, Chromium's and Firefox's defaults stand in,
 * and the page says so first, under its title. While a check runs the last report's rows
 * stay, without their colours, under a line that says they are the last
 * check's. A row whose setting could not be read opens by itself the
 * first time it is shown; what the user opened or closed stays so when
 * the same profile comes again. */

struct _LwBrowsersPage
{
  AdwBin               parent_instance;

  GtkStack            *stack;
  AdwStatusPage       *empty_page;
  GtkWidget           *checking_box;
  GtkSpinner          *spinner;
  AdwPreferencesGroup *group;
  GtkLabel            *apps_note;

  LwReport            *report;
  gboolean             checking;
  GPtrArray           *rows;       /* the LwBrowserRows shown, in group */
  GHashTable          *seen;       /* labels of the profiles shown so far */
  GHashTable          *expanded;   /* labels of the profiles the user keeps open */
};

G_DEFINE_FINAL_TYPE (LwBrowsersPage, lw_browsers_page, ADW_TYPE_BIN)

static void
on_row_expanded (AdwExpanderRow *row,
                 GParamSpec     *pspec,
                 LwBrowsersPage *self)
{
  const char *label = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));

  if (adw_expander_row_get_expanded (row))
    g_hash_table_add (self->expanded, g_strdup (label));
  else
    g_hash_table_remove (self->expanded, label);
}

static void
clear_rows (LwBrowsersPage *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);

      g_signal_handlers_disconnect_by_data (row, self);
      adw_preferences_group_remove (self->group, row);
    }
  g_ptr_array_set_size (self->rows, 0);
}

/* No rows: before the first check, after a check that could not run, or
 * in a report from a service that does not look at browsers. */
static void
show_empty (LwBrowsersPage *self)
{
  const LwFinding *failure = self->report ? lw_report_get_failure (self->report) : NULL;

  if (self->report == NULL)
    {
      adw_status_page_set_icon_name (self->empty_page, "web-browser-symbolic");
      adw_status_page_set_title (self->empty_page, _("No browsers yet"));
      adw_status_page_set_description (self->empty_page,
                                       _("Each browser profile on this computer, and what web "
                                         "pages can see through it, appears here once a check "
                                         "has finished."));
    }
  else if (failure != NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (failure->summary, -1);

      adw_status_page_set_icon_name (self->empty_page, "dialog-warning-symbolic");
      adw_status_page_set_title (self->empty_page, _("The last check saw nothing"));
      adw_status_page_set_description (self->empty_page, escaped);
    }
  else
    {
      adw_status_page_set_icon_name (self->empty_page, "web-browser-symbolic");
      adw_status_page_set_title (self->empty_page, _("No browsers in this report"));
      adw_status_page_set_description (self->empty_page,
                                       _("The Leakwatch service that made it does not look at "
                                         "browsers. Quit Leakwatch and start it again to have "
                                         "them checked."));
    }
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
show_browsers (LwBrowsersPage *self)
{
  GPtrArray *verdicts = self->report ? lw_report_get_browsers (self->report) : NULL;
  gboolean had_focus = lw_focus_is_in (GTK_WIDGET (self), self->rows);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  const char *stand_in;

  /* A row about to go lets go of the focus first, so that the focus
   * never stays with a widget that is gone. */
  if (had_focus)
    gtk_root_set_focus (gtk_widget_get_root (GTK_WIDGET (self)), NULL);
  clear_rows (self);
  if (verdicts == NULL || verdicts->len == 0)
    {
      show_empty (self);
      return;
    }

  /* Stand-ins are no profiles of this computer: the first words under
   * the title say what they are instead. */
  stand_in = lw_text_browsers_stand_in (verdicts);
  adw_preferences_group_set_description (self->group, stand_in
                                           ? stand_in
                                           : _("What web pages see through each browser "
                                               "profile, given its WebRTC setting and this "
                                               "check. Expand a profile to see its setting."));

  for (guint i = 0; i < verdicts->len; i++)
    {
      const LwBrowserVerdict *v = g_ptr_array_index (verdicts, i);
      GtkWidget *row = lw_browser_row_new (v, lw_browser_hide_is_enough (self->report, v->setup),
                                           lw_report_get_confirmations (self->report), now);
      const char *label = v->setup->label;
      gboolean is_new = !g_hash_table_contains (self->seen, label);

      lw_browser_row_set_checking (LW_BROWSER_ROW (row), self->checking);
      if ((is_new && v->setup->unverified != NULL) || g_hash_table_contains (self->expanded, label))
        {
          adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
          g_hash_table_add (self->expanded, g_strdup (label));
        }
      g_hash_table_add (self->seen, g_strdup (label));
      g_signal_connect (row, "notify::expanded", G_CALLBACK (on_row_expanded), self);

      adw_preferences_group_add (self->group, row);
      g_ptr_array_add (self->rows, row);
    }
  gtk_stack_set_visible_child_name (self->stack, "browsers");

  /* The keyboard user's place: the first of the new rows. */
  if (had_focus)
    gtk_widget_child_focus (GTK_WIDGET (self), GTK_DIR_TAB_FORWARD);
}

/* Everything a row shows of @v, to tell whether it would read the same. */
static char *
row_words (LwReport               *report,
           const LwBrowserVerdict *v)
{
  const LwBrowserSetup *s = v->setup;
  g_autofree char *every_page = lw_text_browser_sees (v, FALSE);
  g_autofree char *camera_pages = lw_text_browser_sees (v, TRUE);
  g_autofree char *fix = g_strdup_printf ("%d %d %d", s->fix, s->running,
                                          lw_browser_hide_is_enough (report, s));
  g_autofree char *tests = g_strdup ("");

  /* Its tests, as the row tells them: a new one, or one gone stale. */
  for (int camera = 0; camera < 2; camera++)
    {
      const LwConfirmation *c = lw_confirmation_find (lw_report_get_confirmations (report), s, camera);
      char *more;

      if (c == NULL)
        continue;
      more = g_strdup_printf ("%s %" G_GINT64_FORMAT " %d %s", tests, c->time_unix,
                              lw_confirmation_is_current (c, s), c->summary);
      g_free (tests);
      tests = more;
    }

  return g_strjoin ("\n", lw_status_to_string (v->status), s->label, every_page, camera_pages, tests,
                    s->setting ? s->setting : "", s->source ? s->source : "",
                    s->unverified ? s->unverified : "", s->path ? s->path : "",
                    s->desktop_id ? s->desktop_id : "", s->stand_in ? "stand-in" : "",
                    s->pending ? s->pending : "", fix, NULL);
}

/* Whether two reports' browsers read the same: then the rows stay as
 * they are, and with them the keyboard focus and a screen reader's place. */
static gboolean
same_browsers (LwReport *a,
               LwReport *b)
{
  GPtrArray *va, *vb;

  if (a == NULL || b == NULL)
    return FALSE;
  va = lw_report_get_browsers (a);
  vb = lw_report_get_browsers (b);
  /* No rows: the empty page may have another reason to give. */
  if (va->len != vb->len || va->len == 0)
    return FALSE;
  for (guint i = 0; i < va->len; i++)
    {
      g_autofree char *x = row_words (a, g_ptr_array_index (va, i));
      g_autofree char *y = row_words (b, g_ptr_array_index (vb, i));

      if (g_strcmp0 (x, y) != 0)
        return FALSE;
    }
  return TRUE;
}

/**
 * lw_browsers_page_update:
 * @report: (nullable): the report to show; %NULL before the first check ends
 * @checking: whether a check runs now
 */
void
lw_browsers_page_update (LwBrowsersPage *self,
                         LwReport       *report,
                         gboolean        checking)
{
  g_return_if_fail (LW_IS_BROWSERS_PAGE (self));

  self->checking = checking;
  for (guint i = 0; i < self->rows->len; i++)
    lw_browser_row_set_checking (g_ptr_array_index (self->rows, i), checking);
  gtk_widget_set_visible (self->checking_box, checking);
  gtk_spinner_set_spinning (self->spinner, checking);

  if (self->report == report)
    return;
  if (same_browsers (self->report, report))
    {
      g_set_object (&self->report, report);
      return;
    }
  g_set_object (&self->report, report);
  show_browsers (self);
}

static void
lw_browsers_page_dispose (GObject *object)
{
  LwBrowsersPage *self = LW_BROWSERS_PAGE (object);

  if (self->rows != NULL)
    clear_rows (self);
  g_clear_object (&self->report);

  G_OBJECT_CLASS (lw_browsers_page_parent_class)->dispose (object);
}

static void
lw_browsers_page_finalize (GObject *object)
{
  LwBrowsersPage *self = LW_BROWSERS_PAGE (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->seen, g_hash_table_unref);
  g_clear_pointer (&self->expanded, g_hash_table_unref);

  G_OBJECT_CLASS (lw_browsers_page_parent_class)->finalize (object);
}

static void
lw_browsers_page_class_init (LwBrowsersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lw_browsers_page_dispose;
  object_class->finalize = lw_browsers_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, LW_RESOURCE ("lw-browsers-page.ui"));
  gtk_widget_class_bind_template_child (widget_class, LwBrowsersPage, stack);
  gtk_widget_class_bind_template_child (widget_class, LwBrowsersPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, LwBrowsersPage, checking_box);
  gtk_widget_class_bind_template_child (widget_class, LwBrowsersPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, LwBrowsersPage, group);
  gtk_widget_class_bind_template_child (widget_class, LwBrowsersPage, apps_note);
}

static void
lw_browsers_page_init (LwBrowsersPage *self)
{
  self->rows = g_ptr_array_new ();
  self->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->expanded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_label_set_text (self->apps_note, lw_text_apps_note ());
  gtk_widget_set_visible (self->checking_box, FALSE);
  show_browsers (self);
}
