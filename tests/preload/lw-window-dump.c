/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include <adwaita.h>

/* What leakwatch-report shows, for the desktop tests (tests/test-report.py,
 * tests/lab/test-lab-desktop.py), read from outside the product: this module
 * is loaded into the window's process by lw-test-preload.c, finds the report
 * window among GTK's toplevels, and writes what it shows (see
 * docs/ARCHITECTURE.md). It reads the real widgets, so it says what is on
 * screen and not what the code meant to put there.
 *
 * LW_TEST_WINDOW_DUMP=FILE
 *   Whenever what the window shows changes, FILE is replaced atomically by
 *   its text. The first lines are
 *     status: WORD      the status the banner shows (the core's words:
 *                       checking, protected, leak, warning, unprotected,
 *                       unknown), or "none" when the report is not shown
 *     title: TEXT       the window title
 *     check-now: sensitive | insensitive
 *     page: NAME        report, evidence or history, or the page shown in
 *                       their place: starting, failed
 *     focus: KIND: TEXT the widget with the keyboard focus, as
 *                       describe_focus() names it, or "none"
 *     focus-moves: N    how many times the focus has moved
 *     --
 *   then the text of the widget tree, walked as it is (widget_dump_text()):
 *   every visible label, entry text ("entry: …") and tooltip ("tooltip: …"),
 *   in widget order, one per line, then every widget Tab can reach
 *   ("tab-stop: KIND: TEXT"). Hidden pages and collapsed rows are not in
 *   it, as the user does not see them.
 *
 * LW_TEST_WINDOW_SCREENSHOT=FILE
 *   Once the window is shown, a PNG of it is written to FILE (atomically)
 *   after each of those changes, when the frame that shows it has been
 *   painted and its transitions have ended. */

#define POLL_MS              100
#define SCREENSHOT_SETTLE_MS 400

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
 * ancestors that has a name: see describe_focus(). */
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

/*
 * widget_dump_text:
 *
 * Returns: (transfer full): the text shown in @root and the widgets in it,
 *   in widget order: the text of labels, of entries ("entry: …") and
 *   tooltips ("tooltip: …"), one per line; then the widgets the keyboard
 *   can reach ("tab-stop: …", named as describe_focus() names
 *   them), in widget order too
 */
static char *
widget_dump_text (GtkWidget *root)
{
  GString *out = g_string_new (NULL);
  g_autoptr(GString) stops = g_string_new (NULL);

  dump_widget (root, TRUE, out, stops);
  g_string_append_len (out, stops->str, stops->len);
  return g_string_free (out, FALSE);
}

/*
 * describe_focus:
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
static char *
describe_focus (GtkWindow *window)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  return focus ? describe (focus) : NULL;
}

/*
 * widget_save_png:
 *
 * Saves what @widget shows now as a PNG, atomically.
 *
 * Returns: whether it did; %G_IO_ERROR_PENDING when @widget has not been
 *   drawn yet
 */
static gboolean
widget_save_png (GtkWidget   *widget,
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

/* --- the report window ---------------------------------------------------- */

static struct
{
  char          *dump_path;
  char          *screenshot_path;
  GtkWindow     *window;           /* weak */
  GdkFrameClock *clock;            /* weak */
  guint          focus_moves;
  char          *shown;            /* the last text written */
  guint          dump_id;
  guint          screenshot_id;
  gboolean       screenshot_pending;
  gboolean       mapped;
} dump;

/* The stack that shows the report pages, or "starting" or "failed" in
 * their place (lw-report-window.ui). */
static GtkStack *
find_main_stack (GtkWidget *widget)
{
  if (GTK_IS_STACK (widget) &&
      gtk_stack_get_child_by_name (GTK_STACK (widget), "starting") != NULL &&
      gtk_stack_get_child_by_name (GTK_STACK (widget), "failed") != NULL)
    return GTK_STACK (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkStack *found = find_main_stack (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_widget (GtkWidget *widget,
             gboolean (*match) (GtkWidget *widget))
{
  if (match (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, match);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_view_stack (GtkWidget *widget)
{
  return ADW_IS_VIEW_STACK (widget);
}

/* The header's "Check now", by the action it activates. */
static gboolean
is_check_now (GtkWidget *widget)
{
  return GTK_IS_BUTTON (widget) &&
         g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "app.check-now") == 0;
}

/* The status banner colours itself with a style class lw-status-STATUS,
 * STATUS the core's word for it (lw-status-banner.c, style.css). */
static const char *
status_class (GtkWidget *widget)
{
  g_auto(GStrv) classes = gtk_widget_get_css_classes (widget);

  for (guint i = 0; classes[i] != NULL; i++)
    if (g_str_has_prefix (classes[i], "lw-status-"))
      return g_intern_string (classes[i] + strlen ("lw-status-"));
  return NULL;
}

static gboolean
has_status_class (GtkWidget *widget)
{
  return status_class (widget) != NULL;
}

static const char *
page_name (GtkStack *main_stack,
           GtkWidget *root)
{
  const char *page = main_stack ? gtk_stack_get_visible_child_name (main_stack) : NULL;
  GtkWidget *view_stack;

  if (g_strcmp0 (page, "report") != 0)
    return page ? page : "none";
  view_stack = find_widget (root, is_view_stack);
  return view_stack ? adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (view_stack)) : "none";
}

static char *
window_text (GtkWindow *window)
{
  GtkWidget *root = GTK_WIDGET (window);
  GtkStack *main_stack = find_main_stack (root);
  gboolean on_report = main_stack != NULL &&
                       g_strcmp0 (gtk_stack_get_visible_child_name (main_stack), "report") == 0;
  GtkWidget *banner = on_report ? find_widget (root, has_status_class) : NULL;
  GtkWidget *check_now = find_widget (root, is_check_now);
  g_autofree char *widgets = widget_dump_text (root);
  g_autofree char *focus = describe_focus (window);

  return g_strdup_printf ("status: %s\ntitle: %s\ncheck-now: %s\npage: %s\n"
                          "focus: %s\nfocus-moves: %u\n--\n%s",
                          banner ? status_class (banner) : "none",
                          gtk_window_get_title (window) ? gtk_window_get_title (window) : "",
                          check_now && gtk_widget_is_sensitive (check_now)
                            ? "sensitive" : "insensitive",
                          page_name (main_stack, root), focus ? focus : "none",
                          dump.focus_moves, widgets);
}

static gboolean
write_screenshot (gpointer data)
{
  g_autoptr(GError) error = NULL;

  dump.screenshot_id = 0;
  if (dump.window == NULL ||
      widget_save_png (GTK_WIDGET (dump.window), dump.screenshot_path, &error))
    return G_SOURCE_REMOVE;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PENDING))
    {
      /* Not drawn yet: after the next frame, then. */
      dump.screenshot_pending = TRUE;
      gtk_widget_queue_draw (GTK_WIDGET (dump.window));
    }
  else
    g_warning ("Cannot write %s: %s", dump.screenshot_path, error->message);
  return G_SOURCE_REMOVE;
}

/* After a frame is painted, everything changed so far is on screen; a
 * moment later, the transitions it started (a switcher's highlight, a
 * title giving way to the switcher) have ended too. */
static void
on_after_paint (GdkFrameClock *clock,
                gpointer       data)
{
  if (!dump.screenshot_pending || dump.screenshot_id != 0)
    return;
  dump.screenshot_pending = FALSE;
  dump.screenshot_id = g_timeout_add (SCREENSHOT_SETTLE_MS, write_screenshot, NULL);
}

static void
follow_frame_clock (void)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (dump.window));

  if (dump.screenshot_path == NULL || clock == NULL || clock == dump.clock)
    return;
  if (dump.clock != NULL)
    {
      g_signal_handlers_disconnect_by_func (dump.clock, on_after_paint, NULL);
      g_object_remove_weak_pointer (G_OBJECT (dump.clock), (gpointer *) &dump.clock);
    }
  dump.clock = clock;
  g_object_add_weak_pointer (G_OBJECT (clock), (gpointer *) &dump.clock);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), NULL);
}

static gboolean
write_dump (gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  dump.dump_id = 0;
  if (dump.window == NULL)
    return G_SOURCE_REMOVE;

  follow_frame_clock ();
  /* Once shown, a first picture, whatever it shows. */
  if (dump.screenshot_path != NULL && !dump.mapped && gtk_widget_get_mapped (GTK_WIDGET (dump.window)))
    {
      dump.mapped = TRUE;
      dump.screenshot_pending = TRUE;
      gtk_widget_queue_draw (GTK_WIDGET (dump.window));
    }
  text = window_text (dump.window);
  if (g_strcmp0 (text, dump.shown) == 0)
    return G_SOURCE_REMOVE;

  if (dump.dump_path != NULL && !g_file_set_contents (dump.dump_path, text, -1, &error))
    g_warning ("Cannot write %s: %s", dump.dump_path, error->message);
  g_free (dump.shown);
  dump.shown = g_steal_pointer (&text);
  if (dump.screenshot_path != NULL && gtk_widget_get_mapped (GTK_WIDGET (dump.window)))
    {
      dump.screenshot_pending = TRUE;
      gtk_widget_queue_draw (GTK_WIDGET (dump.window));
    }
  return G_SOURCE_REMOVE;
}

static void
on_focus_moved (GtkWindow *window)
{
  dump.focus_moves++;
  if (dump.dump_id == 0)
    dump.dump_id = g_idle_add (write_dump, NULL);
}

static void
find_window (void)
{
  GList *windows = gtk_window_list_toplevels ();

  for (GList *l = windows; l != NULL; l = l->next)
    if (g_str_equal (G_OBJECT_TYPE_NAME (l->data), "LwReportWindow"))
      {
        dump.window = l->data;
        dump.focus_moves = 0;
        dump.mapped = FALSE;
        g_clear_pointer (&dump.shown, g_free);
        g_object_add_weak_pointer (G_OBJECT (dump.window), (gpointer *) &dump.window);
        g_signal_connect (dump.window, "notify::focus-widget", G_CALLBACK (on_focus_moved), NULL);
        break;
      }
  g_list_free (windows);
}

/* Changes come from the service, the keyboard, timers and toasts: what the
 * window shows is read often, and written when it has changed. */
static gboolean
poll_window (gpointer data)
{
  if (!gtk_is_initialized ())
    return G_SOURCE_CONTINUE;
  if (dump.window == NULL)
    find_window ();
  if (dump.window != NULL && dump.dump_id == 0)
    write_dump (NULL);
  return G_SOURCE_CONTINUE;
}

/* Called by lw-test-preload.c, before main(). */
G_MODULE_EXPORT void lw_window_dump_start (void);

void
lw_window_dump_start (void)
{
  const char *path = g_getenv ("LW_TEST_WINDOW_DUMP");
  const char *screenshot = g_getenv ("LW_TEST_WINDOW_SCREENSHOT");

  dump.dump_path = path && *path ? g_strdup (path) : NULL;
  dump.screenshot_path = screenshot && *screenshot ? g_strdup (screenshot) : NULL;
  g_timeout_add (POLL_MS, poll_window, NULL);
}
