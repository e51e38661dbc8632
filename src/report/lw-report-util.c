/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "lw-report-util.h"

#include "lw-paths.h"

/* The words and paths the window's widgets share. */

/**
 * lw_status_icon_name:
 *
 * Returns: (transfer full): the status icon, as data/icons installs it
 */
char *
lw_status_icon_name (LwStatus status,
                     gboolean symbolic)
{
  return g_strdup_printf ("%s-%s%s", APP_ID, lw_status_to_string (status),
                          symbolic ? "-symbolic" : "");
}

/* The colours: style.css styles tones, never statuses or levels by name,
 * so this is the one place that says which status is which colour. */

/**
 * lw_status_tone:
 *
 * Returns: the CSS class of @status's colour in style.css
 */
const char *
lw_status_tone (LwStatus status)
{
  switch (status)
    {
    case LW_STATUS_PROTECTED:   return "lw-tone-success";
    case LW_STATUS_WARNING:     return "lw-tone-warning";
    case LW_STATUS_LEAK:        return "lw-tone-error";
    case LW_STATUS_UNPROTECTED:
    case LW_STATUS_UNKNOWN:
    case LW_STATUS_CHECKING:
    default:                    return "lw-tone-neutral";
    }
}

/**
 * lw_level_tone:
 *
 * Returns: the CSS class of @level's colour in style.css
 */
const char *
lw_level_tone (LwLevel level)
{
  switch (level)
    {
    case LW_LEVEL_LEAK:        return "lw-tone-error";
    case LW_LEVEL_WARNING:     return "lw-tone-warning";
    case LW_LEVEL_UNKNOWN:
    case LW_LEVEL_UNPROTECTED: return "lw-tone-strong";
    case LW_LEVEL_NOTE:
    default:                   return "lw-tone-neutral";
    }
}

/**
 * lw_find_leakwatch:
 *
 * Returns: (transfer full) (nullable): the `leakwatch` program: see
 *   lw_find_program()
 */
char *
lw_find_leakwatch (void)
{
  return lw_find_program ("leakwatch", BINDIR);
}

/**
 * lw_toast_new_text:
 * @text: what the toast says, as plain text
 *
 * A toast's title is markup in libadwaita 1.2: a file name or an error
 * with "&" in it would leave it blank.
 *
 * Returns: (transfer full): a new toast saying @text
 */
AdwToast *
lw_toast_new_text (const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  return adw_toast_new (escaped);
}

/**
 * lw_copy_box_new:
 * @text: a command to type, a folder: text someone may want elsewhere
 *
 * The text with a button that copies it (win.copy-text). The label is
 * not selectable, so that Tab goes from button to button.
 *
 * Returns: (transfer floating): the box
 */
GtkWidget *
lw_copy_box_new (const char *text)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (text);
  GtkWidget *button = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  /* Translators: the tooltip and accessible name of the button beside a
   * command or a folder; %s is what it copies. */
  g_autofree char *copy = g_strdup_printf (_("Copy “%s”"), text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_add_css_class (box, "lw-command");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, copy);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, copy, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.copy-text");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_string (text));
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), button);
  return box;
}

/**
 * lw_focus_is_in:
 * @widget: a widget in a window
 * @widgets: (element-type GtkWidget): the widgets to look in
 *
 * Returns: whether the keyboard focus of @widget's window is in one of
 *   @widgets, or is one of them
 */
gboolean
lw_focus_is_in (GtkWidget *widget,
                GPtrArray *widgets)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;

  for (guint i = 0; focus != NULL && i < widgets->len; i++)
    {
      GtkWidget *w = g_ptr_array_index (widgets, i);

      if (focus == w || gtk_widget_is_ancestor (focus, w))
        return TRUE;
    }
  return FALSE;
}
