/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "lw-finding-row.h"
#include "lw-report-util.h"

/* One finding of the report: its summary, who sees it and its level; when
 * expanded, what happened, what to do, and the fixes for the browsers on
 * this machine and for the VPN, each with its steps and what it costs. */

struct _LwFindingRow
{
  AdwExpanderRow  parent_instance;

  GtkLabel       *level_tag;
  GtkLabel       *detail_label;
  GtkLabel       *advice_heading;
  GtkLabel       *advice_label;
  GtkBox         *fixes_box;
};

G_DEFINE_FINAL_TYPE (LwFindingRow, lw_finding_row, ADW_TYPE_EXPANDER_ROW)

static GtkWidget *
wrapped_label (const char *text,
               const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand (label, TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

/* Splits "3. Open the settings" into its number and its text; a line
 * without a number gets the next one. */
static char *
split_step (const char  *line,
            guint        fallback,
            const char **text)
{
  const char *p = line;

  while (g_ascii_isdigit (*p))
    p++;
  if (p != line && (*p == '.' || *p == ')') && p[1] == ' ')
    {
      *text = p + 2;
      while (**text == ' ')
        (*text)++;
      return g_strdup_printf ("%.*s.", (int) (p - line), line);
    }
  *text = line;
  return g_strdup_printf ("%u.", fallback);
}

static GtkWidget *
steps_grid (const char *steps)
{
  g_auto(GStrv) lines = g_strsplit (steps, "\n", -1);
  GtkWidget *grid = gtk_grid_new ();
  guint row = 0;

  gtk_grid_set_column_spacing (GTK_GRID (grid), 8);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *number = NULL;
      const char *text = NULL;
      g_autofree char *stripped = g_strstrip (g_strdup (lines[i]));
      GtkWidget *number_label;

      if (*stripped == '\0')
        continue;
      number = split_step (stripped, row + 1, &text);
      number_label = gtk_label_new (number);
      gtk_label_set_xalign (GTK_LABEL (number_label), 1);
      gtk_label_set_yalign (GTK_LABEL (number_label), 0);
      gtk_widget_add_css_class (number_label, "dim-label");
      gtk_widget_add_css_class (number_label, "numeric");
      gtk_accessible_update_property (GTK_ACCESSIBLE (number_label),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, number, -1);
      gtk_grid_attach (GTK_GRID (grid), number_label, 0, row, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), wrapped_label (text, NULL), 1, row, 1, 1);
      row++;
    }
  return grid;
}

static GtkWidget *
fix_box (const LwFix *fix)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *title = wrapped_label (fix->title, "heading");
  g_autofree char *cost = NULL;

  gtk_widget_add_css_class (box, "lw-fix");
  gtk_box_append (GTK_BOX (box), title);
  if (fix->steps != NULL && *fix->steps != '\0')
    gtk_box_append (GTK_BOX (box), steps_grid (fix->steps));
  for (guint i = 0; fix->commands != NULL && fix->commands[i] != NULL; i++)
    gtk_box_append (GTK_BOX (box), lw_copy_box_new (fix->commands[i]));
  if (fix->cost != NULL && *fix->cost != '\0')
    {
      /* Translators: what a fix costs, e.g. "Cost: video calls need a TURN server" */
      cost = g_strdup_printf (_("Cost: %s"), fix->cost);
      gtk_box_append (GTK_BOX (box), wrapped_label (cost, "lw-fix-cost"));
    }
  return box;
}

static void
lw_finding_row_class_init (LwFindingRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, LW_RESOURCE ("lw-finding-row.ui"));
  gtk_widget_class_bind_template_child (widget_class, LwFindingRow, level_tag);
  gtk_widget_class_bind_template_child (widget_class, LwFindingRow, detail_label);
  gtk_widget_class_bind_template_child (widget_class, LwFindingRow, advice_heading);
  gtk_widget_class_bind_template_child (widget_class, LwFindingRow, advice_label);
  gtk_widget_class_bind_template_child (widget_class, LwFindingRow, fixes_box);
}

static void
lw_finding_row_init (LwFindingRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * lw_finding_row_new:
 * @browsers: the browsers found on this machine, for the fixes
 *
 * Returns: (transfer floating): a row for @finding
 */
GtkWidget *
lw_finding_row_new (const LwFinding *finding,
                    LwBrowsers       browsers)
{
  LwFindingRow *self = g_object_new (LW_TYPE_FINDING_ROW, NULL);
  const char *audience = lw_audience_describe (finding->audience);
  g_autoptr(GPtrArray) fixes = lw_catalogue_fixes (finding, browsers);
  const char *tag = lw_level_name (finding->level);
  g_autofree char *accessible = NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), finding->summary);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), audience);

  gtk_label_set_text (self->level_tag, tag);
  gtk_widget_add_css_class (GTK_WIDGET (self->level_tag), lw_level_tone (finding->level));

  gtk_label_set_text (self->detail_label, finding->detail ? finding->detail : "");
  gtk_label_set_text (self->advice_label, finding->advice ? finding->advice : "");
  gtk_widget_set_visible (GTK_WIDGET (self->advice_heading), finding->advice && *finding->advice);
  gtk_widget_set_visible (GTK_WIDGET (self->advice_label), finding->advice && *finding->advice);

  for (guint i = 0; fixes != NULL && i < fixes->len; i++)
    {
      const LwFix *fix = g_ptr_array_index (fixes, i);

      if (i == 0)
        {
          GtkWidget *heading = wrapped_label (_("How to fix it"), "heading");

          gtk_box_append (self->fixes_box, heading);
        }
      /* Once, before the first of them: what the browsers' settings are. */
      if (fix->workaround && (i == 0 || !((const LwFix *) g_ptr_array_index (fixes, i - 1))->workaround))
        gtk_box_append (self->fixes_box,
                        wrapped_label (_("Workarounds: each hides the address in one browser only. "
                                         "The fix above removes the cause."), "dim-label"));
      gtk_box_append (self->fixes_box, fix_box (fix));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->fixes_box), fixes != NULL && fixes->len > 0);

  /* The level is a coloured tag on screen; a screen reader says it first. */
  accessible = g_strdup_printf ("%s: %s", tag, finding->summary);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, audience,
                                  -1);
  return GTK_WIDGET (self);
}

/**
 * lw_finding_row_offer_preferences:
 *
 * Under "What to do", a button that opens the preferences, where the
 * servers are chosen: for a check that no server could complete.
 */
void
lw_finding_row_offer_preferences (LwFindingRow *self)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (_("Open _Preferences"));
  GtkWidget *body;

  g_return_if_fail (LW_IS_FINDING_ROW (self));

  gtk_widget_set_halign (button, GTK_ALIGN_START);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "app.preferences");
  body = gtk_widget_get_parent (GTK_WIDGET (self->advice_label));
  gtk_box_insert_child_after (GTK_BOX (body), button, GTK_WIDGET (self->advice_label));
}
