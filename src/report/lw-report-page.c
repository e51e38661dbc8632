/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "lw-finding-row.h"
#include "lw-report-page.h"
#include "lw-report-util.h"
#include "lw-status-banner.h"

/* The "Report" page: the status banner, then the findings (most serious
 * first, as the report orders them), then a tip (the kill switch), then
 * the notes in one closed "Details" row: nothing stands between the user
 * and the verdict. The first finding that is new to this window opens by
 * itself; what the user opened or closed stays so when the same finding
 * comes again. While a check runs, all of it is dimmed: it is the last
 * result. */

struct _LwReportPage
{
  AdwBin                parent_instance;

  LwStatusBanner       *banner;
  AdwPreferencesGroup  *findings_group;
  AdwPreferencesGroup  *tips_group;
  AdwPreferencesGroup  *details_group;
  AdwExpanderRow       *details_row;      /* "Details (N)": the notes, closed */
  GtkWidget            *tip_row;

  LwReport             *report;
  GPtrArray            *rows;       /* the LwFindingRows shown, each in one of the groups */
  GHashTable           *seen;       /* summaries of the findings shown so far */
  GHashTable           *expanded;   /* summaries of the findings the user keeps open */
};

G_DEFINE_FINAL_TYPE (LwReportPage, lw_report_page, ADW_TYPE_BIN)

static void
on_row_expanded (LwFindingRow *row,
                 GParamSpec   *pspec,
                 LwReportPage *self)
{
  const char *summary = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));

  if (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (row)))
    g_hash_table_add (self->expanded, g_strdup (summary));
  else
    g_hash_table_remove (self->expanded, summary);
}

static void
clear_rows (LwReportPage *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);
      GtkWidget *parent = gtk_widget_get_parent (row);

      g_signal_handlers_disconnect_by_data (row, self);
      if (parent != NULL && gtk_widget_get_ancestor (parent, ADW_TYPE_EXPANDER_ROW) == GTK_WIDGET (self->details_row))
        adw_expander_row_remove (self->details_row, row);
      else if (group != NULL)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), row);
    }
  g_ptr_array_set_size (self->rows, 0);
}

static gboolean
has_findings (GPtrArray *findings)
{
  for (guint i = 0; i < findings->len; i++)
    if (((const LwFinding *) g_ptr_array_index (findings, i))->level != LW_LEVEL_NOTE)
      return TRUE;
  return FALSE;
}

/* Offline: there is no network to choose servers for. */
static gboolean
offline (LwReport *report)
{
  const LwEvidence *ev = lw_report_get_evidence (report);

  return lw_evidence_get_default_address (ev, 4) == NULL && lw_evidence_get_default_address (ev, 6) == NULL;
}

/* The kill-switch note, as a tip: what to turn on, and what it is for,
 * in words that do not read like a leak (docs/DOMAIN.md: on a full tunnel
 * without a kill switch it is true of every VPN). */
static void
show_tip (LwReportPage    *self,
          const LwFinding *f)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-information-symbolic");
  g_autofree char *why = NULL;

  if (f->interface != NULL && f->address != NULL)
    /* Translators: %1$s is a network interface ("wlan0"), %2$s the real address it shows */
    why = g_strdup_printf (_("Without one, a program that binds to %1$s itself, as some calling "
                             "apps do, reaches the internet outside the VPN and shows %2$s. "
                             "Web pages cannot do this."), f->interface, f->address);
  else
    why = g_strdup (_("Without one, a program that binds to the network interface itself, as some "
                      "calling apps do, reaches the internet outside the VPN. Web pages cannot do "
                      "this."));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Turn on your VPN’s kill switch"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), why);
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_widget_set_margin_top (icon, 12);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Tip"), -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  adw_preferences_group_add (self->tips_group, row);
  self->tip_row = row;
}

static void
show_findings (LwReportPage *self)
{
  GPtrArray *findings = self->report ? lw_report_get_findings (self->report) : NULL;
  guint n_findings = 0, n_notes = 0;
  gboolean first_new = TRUE;
  gboolean had_focus = lw_focus_is_in (GTK_WIDGET (self), self->rows);

  /* A row about to go lets go of the focus first, so that the focus
   * never stays with a widget that is gone. */
  if (had_focus)
    gtk_root_set_focus (gtk_widget_get_root (GTK_WIDGET (self)), NULL);
  clear_rows (self);
  if (self->tip_row != NULL)
    {
      adw_preferences_group_remove (self->tips_group, self->tip_row);
      self->tip_row = NULL;
    }
  for (guint i = 0; findings != NULL && i < findings->len; i++)
    {
      const LwFinding *f = g_ptr_array_index (findings, i);
      gboolean note = f->level == LW_LEVEL_NOTE;
      gboolean is_new = !g_hash_table_contains (self->seen, f->summary);
      GtkWidget *row;

      /* The kill switch is a tip, once, not a note that reads like a leak;
       * where a finding's fixes already offer it, the note waits in
       * Details. */
      if (f->kind == LW_FINDING_TUNNEL_BYPASS_BY_BINDING && note && !has_findings (findings))
        {
          if (self->tip_row == NULL)
            show_tip (self, f);
          continue;
        }
      row = lw_finding_row_new (f, lw_report_get_browser_families (self->report));
      if ((is_new && first_new && !note) || g_hash_table_contains (self->expanded, f->summary))
        {
          adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
          g_hash_table_add (self->expanded, g_strdup (f->summary));
        }
      if (!note)
        first_new = FALSE;
      g_hash_table_add (self->seen, g_strdup (f->summary));
      g_signal_connect (row, "notify::expanded", G_CALLBACK (on_row_expanded), self);

      if (note)
        adw_expander_row_add_row (self->details_row, row);
      else
        adw_preferences_group_add (self->findings_group, row);
      g_ptr_array_add (self->rows, row);
      if (note)
        n_notes++;
      else
        n_findings++;
      if (f->kind == LW_FINDING_CHECK_INCOMPLETE && !offline (self->report))
        lw_finding_row_offer_preferences (LW_FINDING_ROW (row));
    }

  gtk_widget_set_visible (GTK_WIDGET (self->findings_group), n_findings > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->tips_group), self->tip_row != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->details_group), n_notes > 0);
  {
    /* Translators: %u is how many notes the closed row holds */
    g_autofree char *details = g_strdup_printf (_("Details (%u)"), n_notes);

    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->details_row), details);
  }

  /* The keyboard user's place: the first of the new rows. */
  if (had_focus)
    gtk_widget_child_focus (GTK_WIDGET (self), GTK_DIR_TAB_FORWARD);
}

/* Whether two reports' findings read the same: then the rows stay as they
 * are, and with them the keyboard focus and a screen reader's place. */
static gboolean
same_findings (LwReport *a,
               LwReport *b)
{
  GPtrArray *fa, *fb;

  if (a == NULL || b == NULL)
    return FALSE;
  fa = lw_report_get_findings (a);
  fb = lw_report_get_findings (b);
  if (fa->len != fb->len || lw_report_get_status (a) != lw_report_get_status (b))
    return FALSE;
  for (guint i = 0; i < fa->len; i++)
    {
      const LwFinding *x = g_ptr_array_index (fa, i);
      const LwFinding *y = g_ptr_array_index (fb, i);

      if (x->level != y->level || x->audience != y->audience || x->family != y->family ||
          x->kind != y->kind || g_strcmp0 (x->summary, y->summary) != 0 ||
          g_strcmp0 (x->detail, y->detail) != 0 || g_strcmp0 (x->advice, y->advice) != 0)
        return FALSE;
    }
  return TRUE;
}

/**
 * lw_report_page_update:
 * @report: (nullable): the report to show; %NULL before the first check ends
 * @checking: whether a check runs now
 */
void
lw_report_page_update (LwReportPage *self,
                       LwReport     *report,
                       gboolean      checking)
{
  g_return_if_fail (LW_IS_REPORT_PAGE (self));

  lw_status_banner_update (self->banner, report, checking);
  /* The last result, while a check runs: dimmed, never at full colour. */
  for (GtkWidget *w = gtk_widget_get_next_sibling (GTK_WIDGET (self->banner)); w != NULL;
       w = gtk_widget_get_next_sibling (w))
    {
      if (checking)
        gtk_widget_add_css_class (w, "dim-label");
      else
        gtk_widget_remove_css_class (w, "dim-label");
    }
  if (self->report == report)
    return;
  if (same_findings (self->report, report))
    {
      g_set_object (&self->report, report);
      return;
    }
  g_set_object (&self->report, report);
  show_findings (self);
}

static void
lw_report_page_dispose (GObject *object)
{
  LwReportPage *self = LW_REPORT_PAGE (object);

  if (self->rows != NULL)
    clear_rows (self);
  g_clear_object (&self->report);

  G_OBJECT_CLASS (lw_report_page_parent_class)->dispose (object);
}

static void
lw_report_page_finalize (GObject *object)
{
  LwReportPage *self = LW_REPORT_PAGE (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->seen, g_hash_table_unref);
  g_clear_pointer (&self->expanded, g_hash_table_unref);

  G_OBJECT_CLASS (lw_report_page_parent_class)->finalize (object);
}

static void
lw_report_page_class_init (LwReportPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lw_report_page_dispose;
  object_class->finalize = lw_report_page_finalize;

  g_type_ensure (LW_TYPE_STATUS_BANNER);
  gtk_widget_class_set_template_from_resource (widget_class, LW_RESOURCE ("lw-report-page.ui"));
  gtk_widget_class_bind_template_child (widget_class, LwReportPage, banner);
  gtk_widget_class_bind_template_child (widget_class, LwReportPage, findings_group);
  gtk_widget_class_bind_template_child (widget_class, LwReportPage, tips_group);
  gtk_widget_class_bind_template_child (widget_class, LwReportPage, details_group);
  gtk_widget_class_bind_template_child (widget_class, LwReportPage, details_row);
}

static void
lw_report_page_init (LwReportPage *self)
{
  self->rows = g_ptr_array_new ();
  self->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->expanded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  show_findings (self);
}
