/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "lw-evidence-row.h"
#include "lw-report-util.h"

/* A row of evidence: a title and a subtitle that can be selected and
 * copied, which AdwActionRow cannot do in libadwaita 1.2, and an optional
 * short value at the end (a time, a kind). */

struct _LwEvidenceRow
{
  AdwPreferencesRow  parent_instance;

  GtkLabel          *title_label;
  GtkLabel          *subtitle_label;
  GtkLabel          *suffix_label;
};

G_DEFINE_FINAL_TYPE (LwEvidenceRow, lw_evidence_row, ADW_TYPE_PREFERENCES_ROW)

static void
set_optional_label (GtkLabel   *label,
                    const char *text)
{
  gtk_label_set_text (label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL && *text != '\0');
}

void
lw_evidence_row_set_subtitle (LwEvidenceRow *self,
                              const char    *subtitle)
{
  g_return_if_fail (LW_IS_EVIDENCE_ROW (self));

  set_optional_label (self->subtitle_label, subtitle);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle ? subtitle : "",
                                  -1);
}

void
lw_evidence_row_set_suffix (LwEvidenceRow *self,
                            const char    *suffix)
{
  g_return_if_fail (LW_IS_EVIDENCE_ROW (self));

  set_optional_label (self->suffix_label, suffix);
}

/**
 * lw_evidence_row_set_tag:
 * @level: the level of the finding this row proves
 *
 * Shows, at the end of the row, the level's name as a coloured tag
 * ("Leak"), so that the user sees which evidence a finding stands on.
 */
void
lw_evidence_row_set_tag (LwEvidenceRow *self,
                         LwLevel        level)
{
  g_return_if_fail (LW_IS_EVIDENCE_ROW (self));

  set_optional_label (self->suffix_label, lw_level_name (level));
  gtk_widget_add_css_class (GTK_WIDGET (self->suffix_label), "lw-tag");
  gtk_widget_add_css_class (GTK_WIDGET (self->suffix_label), lw_level_tone (level));
}

/**
 * lw_evidence_row_set_term:
 * @term: the technical term for the row's plain words
 *
 * The term behind the plain words, for who wants it, on hover.
 */
void
lw_evidence_row_set_term (LwEvidenceRow *self,
                          const char    *term)
{
  g_return_if_fail (LW_IS_EVIDENCE_ROW (self));

  gtk_widget_set_tooltip_text (GTK_WIDGET (self->title_label), term);
}

static void
lw_evidence_row_class_init (LwEvidenceRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, LW_RESOURCE ("lw-evidence-row.ui"));
  gtk_widget_class_bind_template_child (widget_class, LwEvidenceRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, LwEvidenceRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, LwEvidenceRow, suffix_label);
}

static void
lw_evidence_row_init (LwEvidenceRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * lw_evidence_row_new:
 * @subtitle: (nullable): the second line
 * @suffix: (nullable): a short value at the end of the row
 *
 * Returns: (transfer floating): the row
 */
GtkWidget *
lw_evidence_row_new (const char *title,
                     const char *subtitle,
                     const char *suffix)
{
  LwEvidenceRow *self = g_object_new (LW_TYPE_EVIDENCE_ROW, "title", title, NULL);

  lw_evidence_row_set_subtitle (self, subtitle);
  lw_evidence_row_set_suffix (self, suffix);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  return GTK_WIDGET (self);
}
