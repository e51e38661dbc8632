/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "lw-widget-dump.h"

/* What a user sees, for tests: the text of a widget tree and a picture of
 * a window. Both read the real widgets, so they show what is on screen and
 * not what the code meant to put there. */

static void
append_line (GString    *out,
             const char *prefix,
             const char *text)
{
  g_auto(GStrv) lines = NULL;

  if (text == NULL || *text == '\0')
    return;
  /* One item per line: a label that wraps on screen stays one line. */
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (*lines[i] != '\0')
      g_string_append_printf (out, "%s%s\n", prefix, lines[i]);
}

static void
dump_widget (GtkWidget *widget,
             GString   *out)
{
  const char *tooltip = gtk_widget_get_tooltip_text (widget);

  if (GTK_IS_LABEL (widget))
    append_line (out, "", gtk_label_get_text (GTK_LABEL (widget)));
  else if (GTK_IS_EDITABLE (widget) && !GTK_IS_TEXT (widget))
    append_line (out, "entry: ", gtk_editable_get_text (GTK_EDITABLE (widget)));
  if (tooltip != NULL)
    append_line (out, "tooltip: ", tooltip);

  /* Only what is shown: hidden widgets, the pages of a stack that are
   * not visible, a collapsed row's content and closed popovers are
   * skipped with everything inside them. */
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_get_visible (child) || !gtk_widget_get_child_visible (child) ||
          GTK_IS_POPOVER (child))
        continue;
      /* During a transition a stack shows two pages, the one it goes to
       * counts; a squeezer shows one of its children only. */
      if (GTK_IS_STACK (widget) && child != gtk_stack_get_visible_child (GTK_STACK (widget)))
        continue;
      if (ADW_IS_SQUEEZER (widget) &&
          child != adw_squeezer_get_visible_child (ADW_SQUEEZER (widget)))
        continue;
      dump_widget (child, out);
    }
}

/**
 * lw_widget_dump_text:
 *
 * Returns: (transfer full): the text shown in @root and the widgets in it,
 *   in widget order: the text of labels, of entries ("entry: …") and
 *   tooltips ("tooltip: …"), one per line
 */
char *
lw_widget_dump_text (GtkWidget *root)
{
  GString *out = g_string_new (NULL);

  dump_widget (root, out);
  return g_string_free (out, FALSE);
}

/**
 * lw_widget_save_png:
 *
 * Saves what @widget shows now as a PNG, atomically.
 *
 * Returns: whether it did; %G_IO_ERROR_PENDING when @widget has not been
 *   drawn yet
 */
gboolean
lw_widget_save_png (GtkWidget   *widget,
                    const char  *path,
                    GError     **error)
{
  GtkNative *native = gtk_widget_get_native (widget);
  GskRenderer *renderer = native ? gtk_native_get_renderer (native) : NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GBytes) png = NULL;

  if (renderer == NULL || width <= 0 || height <= 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PENDING, "the window is not shown yet");
      return FALSE;
    }

  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PENDING, "the window is not drawn yet");
      return FALSE;
    }
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  png = gdk_texture_save_to_png_bytes (texture);
  return g_file_set_contents (path, g_bytes_get_data (png, NULL), g_bytes_get_size (png), error);
}
