/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "lw-widget-dump.h"

/* What a user sees, for tests: the text of a widget tree and a picture of
 * a window. Both read the real widgets, so they show what is on screen and
 * not what the code meant to put there. */

/* The first text in @widget's tree: a button's label. */
static const char *
first_label (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget))
    {
      const char *text = gtk_label_get_text (GTK_LABEL (widget));

      if (text != NULL && *text != '\0')
        return text;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *text;

      if (gtk_widget_get_visible (child) && (text = first_label (child)) != NULL)
        return text;
    }
  return NULL;
}

/* A button by what it shows, else by its tooltip (icon buttons). */
static char *
describe_button (const char *kind,
                 GtkWidget  *button)
{
  const char *text = first_label (button);

  if (text == NULL)
    text = gtk_widget_get_tooltip_text (button);
  if (text == NULL && GTK_IS_BUTTON (button))
    text = gtk_button_get_icon_name (GTK_BUTTON (button));
  return g_strdup_printf ("%s: %s", kind, text ? text : G_OBJECT_TYPE_NAME (button));
}

/* @widget as a user would name it, by the nearest of it and its
 * ancestors that has a name: see lw_widget_describe_focus(). */
static char *
describe (GtkWidget *widget)
{
  GtkWidget *menu = gtk_widget_get_ancestor (widget, GTK_TYPE_MENU_BUTTON);

  if (menu != NULL)
    return describe_button ("menu", menu);
  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    {
      if (GTK_IS_TOGGLE_BUTTON (w) && gtk_widget_get_ancestor (w, ADW_TYPE_VIEW_SWITCHER))
        return describe_button ("tab", w);
      if (GTK_IS_SWITCH (w))
        {
          GtkWidget *row = gtk_widget_get_ancestor (w, ADW_TYPE_PREFERENCES_ROW);

          return g_strdup_printf ("switch: %s",
                                  row ? adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)) : "");
        }
      if (GTK_IS_BUTTON (w))
        return describe_button ("button", w);
      if (ADW_IS_PREFERENCES_ROW (w))
        return g_strdup_printf ("row: %s", adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)));
      if (GTK_IS_LABEL (w))
        return g_strdup_printf ("label: %s", gtk_label_get_text (GTK_LABEL (w)));
      if (GTK_IS_SCROLLED_WINDOW (w))
        return g_strdup ("scroll: the page");
    }
  return g_strdup_printf ("%s: %s", G_OBJECT_TYPE_NAME (widget),
                          gtk_widget_get_tooltip_text (widget) ? gtk_widget_get_tooltip_text (widget) : "");
}

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

/* What a user tabs to: buttons (tabs and menus too), switches, rows, and
 * labels that take the focus (selectable, or with links). A list or a
 * scrolled window passes the focus on; an expander row passes it to its
 * header row. */
static gboolean is_tab_stop (GtkWidget *widget);

static gboolean
has_tab_stops (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_get_visible (child) && gtk_widget_get_child_visible (child) &&
        gtk_widget_get_can_focus (child) && !GTK_IS_POPOVER (child) &&
        (is_tab_stop (child) || has_tab_stops (child)))
      return TRUE;
  return FALSE;
}

static gboolean
is_tab_stop (GtkWidget *widget)
{
  if (!gtk_widget_is_sensitive (widget))
    return FALSE;
  /* A scrolled window with nothing to focus in it takes the focus
   * itself, so that the arrow keys scroll. */
  if (GTK_IS_SCROLLED_WINDOW (widget))
    return !has_tab_stops (widget);
  if (!gtk_widget_get_focusable (widget) || ADW_IS_EXPANDER_ROW (widget))
    return FALSE;
  return GTK_IS_BUTTON (widget) || GTK_IS_SWITCH (widget) || GTK_IS_LABEL (widget) ||
         ADW_IS_PREFERENCES_ROW (widget);
}

static void
dump_widget (GtkWidget *widget,
             gboolean   reachable,
             GString   *out,
             GString   *stops)
{
  const char *tooltip = gtk_widget_get_tooltip_text (widget);

  /* Shown (the walk skips the rest), and in no tree that refuses the
   * focus (a window's own buttons). */
  reachable = reachable && gtk_widget_get_can_focus (widget);
  if (reachable && is_tab_stop (widget))
    {
      g_autofree char *name = describe (widget);

      g_string_append_printf (stops, "tab-stop: %s\n", name);
    }

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
      dump_widget (child, reachable, out, stops);
    }
}

/**
 * lw_widget_dump_text:
 *
 * Returns: (transfer full): the text shown in @root and the widgets in it,
 *   in widget order: the text of labels, of entries ("entry: …") and
 *   tooltips ("tooltip: …"), one per line; then the widgets the keyboard
 *   can reach ("tab-stop: …", named as lw_widget_describe_focus() names
 *   them), in widget order too
 */
char *
lw_widget_dump_text (GtkWidget *root)
{
  GString *out = g_string_new (NULL);
  g_autoptr(GString) stops = g_string_new (NULL);

  dump_widget (root, TRUE, out, stops);
  g_string_append_len (out, stops->str, stops->len);
  return g_string_free (out, FALSE);
}

/**
 * lw_widget_describe_focus:
 *
 * Returns: (transfer full) (nullable): the widget of @window with the
 *   keyboard focus, as a user would name it: "row: TITLE" for a row of a
 *   list (a finding, a piece of evidence), "menu: TOOLTIP" for a menu
 *   button, "tab: LABEL" for a page switcher's button, "switch: TITLE",
 *   "button: LABEL, TOOLTIP or ICON" for other buttons, "label: TEXT" for
 *   a label that takes the focus, "scroll: the page" for a page with
 *   nothing else to focus, else "TYPE: TOOLTIP"; %NULL when nothing has
 *   the focus
 */
char *
lw_widget_describe_focus (GtkWindow *window)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  return focus ? describe (focus) : NULL;
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
