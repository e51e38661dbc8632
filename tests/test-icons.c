/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#if LW_HAVE_RSVG
#include <librsvg/rsvg.h>
#endif

#include "lw-analyzer.h"
#include "lw-core-enums.h"

/* The status icons are whatever data/icons/hicolor/scalable/status holds
 * (data/icons/meson.build lists no status): each LwStatus has its icon in
 * full colour and symbolic, and no icon stands for a status that is not
 * one; and each symbolic icon, recoloured as a panel recolours it, keeps
 * its shape, its marks and its difference from the others (below). The
 * folder is the test's argument. */

static const char *status_dir;

static char *
icon_path (const char *nick,
           const char *suffix)
{
  g_autofree char *name = g_strdup_printf ("io.github.leakwatch.Leakwatch-%s%s.svg", nick, suffix);

  return g_build_filename (status_dir, name, NULL);
}

static void
test_every_status_has_its_icons (void)
{
  g_autoptr(GEnumClass) statuses = g_type_class_ref (LW_TYPE_STATUS);

  for (guint i = 0; i < statuses->n_values; i++)
    for (guint s = 0; s < 2; s++)
      {
        g_autofree char *path = icon_path (statuses->values[i].value_nick, s ? "-symbolic" : "");

        if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
          {
            g_test_message ("the status %s has no icon %s", statuses->values[i].value_nick, path);
            g_test_fail ();
          }
      }
}

static void
test_no_icon_is_left_over (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (status_dir, 0, &error);
  const char *name;
  guint n = 0;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *nick = NULL;
      const char *start = name + strlen ("io.github.leakwatch.Leakwatch-");
      LwStatus status;

      if (!g_str_has_prefix (name, "io.github.leakwatch.Leakwatch-") || !g_str_has_suffix (name, ".svg"))
        {
          g_test_message ("%s is not a status icon", name);
          g_test_fail ();
          continue;
        }
      nick = g_strndup (start, strlen (start) - strlen (".svg"));
      if (g_str_has_suffix (nick, "-symbolic"))
        nick[strlen (nick) - strlen ("-symbolic")] = '\0';
      if (!lw_status_from_string (nick, &status))
        {
          g_test_message ("%s is the icon of no status", name);
          g_test_fail ();
        }
      n++;
    }
  g_assert_cmpuint (n, >, 0);
}

/* The symbolic icons as a panel shows them: recoloured into the panel's
 * text colour, at 16 px, on a light panel and on a dark one. A symbolic
 * icon must survive that: one colour, its marks (the check, the "!", the
 * cross, the "?") cut out of the shape, its rings real rings. What is
 * compared is the foreground mask, never the pixels: which pixels show the
 * icon after it is composited onto the panel, so that the test does not
 * depend on how librsvg antialiases an edge. */

#define ICON_SIZE 16

/* A pixel shows the icon when at least half of its colour comes from it. */
#define OPAQUE 0.5

/* The light and dark recolourings must agree to within this in every
 * pixel: 25 times the rounding of an 8-bit channel, and far below the 0.6
 * by which a stroke that keeps its #2e3436 differs (0.8 of the colour on
 * white, 0.2 on black), or a white mark (1). */
#define SAME_ON_BOTH 0.1

/* The marks and the middles of the rings: at least this many see-through
 * pixels inside the shape's outline (the convex hull of its pixels). A
 * filled shape whose mark was painted over, or a ring filled into a disc,
 * keeps none, or the odd pixel along a slanted edge; the smallest mark,
 * warning's "!", leaves 12. */
#define MIN_HOLES 8

/* Shapes big enough to see: at least a sixth of the 256 pixels. */
#define MIN_OPAQUE 42

/* Two statuses' masks, as a dark panel shows them: at least a quarter of
 * the pixels that either covers belongs to one only (intersection over
 * union at most 0.75), and at least 32 pixels (two of the icon's rows)
 * differ. Antialiasing moves a few pixels along an edge, never that many.
 * Icons with white marks fail it: on a dark panel, a disc and an octagon
 * with white marks are the same disc (1.00, 0 pixels), and a shield and
 * an octagon two blobs (0.82, 29 pixels). */
#define MAX_IOU 0.75
#define MIN_DIFFERENT 32

#if LW_HAVE_RSVG

typedef enum {
  /* What GTK does to a symbolic icon (GTK 3 before 3.24.50 and GTK 4
   * before 4.20, whose symbolic icons have no strokes): a stylesheet that
   * sets the fill of every rect, circle and path, and leaves strokes as
   * they are. A ring drawn as an unfilled, stroked circle becomes a disc. */
  RECOLOUR_GTK,
  /* What a panel that rewrites the SVG does: every fill and stroke that
   * paints gets the one colour. A mark drawn in white on the shape is
   * painted over. */
  RECOLOUR_PAINT,
  N_RECOLOURS
} Recolour;

static const char *const recolour_names[N_RECOLOURS] = {
  [RECOLOUR_GTK] = "GTK's stylesheet",
  [RECOLOUR_PAINT] = "every fill and stroke",
};

typedef struct {
  double coverage[ICON_SIZE * ICON_SIZE];   /* 0: the panel, 1: the icon */
} IconMask;

static gboolean
is_opaque (const IconMask *mask,
           guint           i)
{
  return mask->coverage[i] >= OPAQUE;
}

/* Renders the icon recoloured HOW into black on white (DARK: into white on
 * black), and reads which pixels differ from the panel, and how much. */
static void
render_mask (const char *path,
             Recolour    how,
             gboolean    dark,
             IconMask   *mask)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *svg = NULL;
  RsvgHandle *handle;   /* librsvg 2.54 defines no g_autoptr for it */
  const char *colour = dark ? "#ffffff" : "#000000";
  double panel = dark ? 0.0 : 1.0;
  RsvgRectangle viewport = { 0, 0, ICON_SIZE, ICON_SIZE };
  cairo_surface_t *surface;
  cairo_t *cr;
  const guint8 *data;
  int stride;
  gsize length;

  g_file_get_contents (path, &svg, &length, &error);
  g_assert_no_error (error);

  if (how == RECOLOUR_PAINT)
    {
      g_autoptr(GRegex) paint = g_regex_new ("\\b(fill|stroke)=\"(?!none\")[^\"]*\"", 0, 0, &error);
      g_autofree char *replacement = g_strdup_printf ("\\1=\"%s\"", colour);
      char *recoloured;

      g_assert_no_error (error);
      recoloured = g_regex_replace (paint, svg, -1, 0, replacement, 0, &error);
      g_assert_no_error (error);
      g_free (svg);
      svg = recoloured;
      length = strlen (svg);
    }

  handle = rsvg_handle_new_from_data ((const guint8 *) svg, length, &error);
  g_assert_no_error (error);
  if (how == RECOLOUR_GTK)
    {
      g_autofree char *css = g_strdup_printf ("rect,circle,path { fill: %s !important; }", colour);

      rsvg_handle_set_stylesheet (handle, (const guint8 *) css, strlen (css), &error);
      g_assert_no_error (error);
    }

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, ICON_SIZE, ICON_SIZE);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, panel, panel, panel);
  cairo_paint (cr);
  rsvg_handle_render_document (handle, cr, &viewport, &error);
  g_assert_no_error (error);
  cairo_destroy (cr);
  g_object_unref (handle);

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (guint y = 0; y < ICON_SIZE; y++)
    for (guint x = 0; x < ICON_SIZE; x++)
      {
        guint32 pixel;
        double difference = 0;

        memcpy (&pixel, data + y * stride + x * 4, sizeof pixel);
        for (guint shift = 0; shift < 24; shift += 8)
          difference = MAX (difference, ABS ((pixel >> shift & 0xff) / 255.0 - panel));
        mask->coverage[y * ICON_SIZE + x] = difference;
      }
  cairo_surface_destroy (surface);
}

static char *
mask_picture (const IconMask *mask)
{
  GString *picture = g_string_new (NULL);

  for (guint y = 0; y < ICON_SIZE; y++)
    {
      g_string_append (picture, "\n    ");
      for (guint x = 0; x < ICON_SIZE; x++)
        g_string_append_c (picture, is_opaque (mask, y * ICON_SIZE + x) ? '#' : '.');
    }
  return g_string_free (picture, FALSE);
}

static void
test_symbolic_same_on_light_and_dark (gconstpointer data)
{
  const char *nick = data;
  g_autofree char *path = icon_path (nick, "-symbolic");

  for (guint how = 0; how < N_RECOLOURS; how++)
    {
      IconMask light, dark;
      guint differ = 0, vanish = 0;
      double worst = 0;

      render_mask (path, how, FALSE, &light);
      render_mask (path, how, TRUE, &dark);
      for (guint i = 0; i < ICON_SIZE * ICON_SIZE; i++)
        {
          double difference = ABS (light.coverage[i] - dark.coverage[i]);

          worst = MAX (worst, difference);
          differ += difference > SAME_ON_BOTH;
          vanish += is_opaque (&light, i) && !is_opaque (&dark, i);
        }
      g_test_message ("%s, recoloured by %s: %u pixels differ between light and dark (at most by %.2f), "
                      "%u of them seen on light but not on dark",
                      nick, recolour_names[how], differ, worst, vanish);
      if (differ > 0)
        {
          g_autofree char *on_light = mask_picture (&light);
          g_autofree char *on_dark = mask_picture (&dark);

          g_test_message ("%s on light:%s", nick, on_light);
          g_test_message ("%s on dark:%s", nick, on_dark);
          g_test_fail ();
        }
    }
}

typedef struct {
  int x, y;
} Point;

static int
turn (Point o,
      Point a,
      Point b)
{
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

/* The convex hull of the opaque pixels (Andrew's monotone chain; the
 * pixels are taken row by row, so already sorted by y then x), its corners
 * in HULL, turning one way; returns how many. */
static guint
mask_hull (const IconMask *mask,
           Point           hull[2 * ICON_SIZE * ICON_SIZE])
{
  Point points[ICON_SIZE * ICON_SIZE];
  guint n = 0, k = 0;

  for (guint i = 0; i < ICON_SIZE * ICON_SIZE; i++)
    if (is_opaque (mask, i))
      points[n++] = (Point) { i % ICON_SIZE, i / ICON_SIZE };
  if (n < 3)
    return 0;

  for (guint i = 0; i < n; i++)
    {
      while (k >= 2 && turn (hull[k - 2], hull[k - 1], points[i]) <= 0)
        k--;
      hull[k++] = points[i];
    }
  for (guint i = n - 1, lower = k + 1; i-- > 0;)
    {
      while (k >= lower && turn (hull[k - 2], hull[k - 1], points[i]) <= 0)
        k--;
      hull[k++] = points[i];
    }
  return k - 1;
}

/* The see-through pixels strictly inside the hull of the opaque ones. */
static guint
count_holes (const IconMask *mask)
{
  Point hull[2 * ICON_SIZE * ICON_SIZE];
  guint corners = mask_hull (mask, hull), holes = 0;

  for (guint i = 0; corners >= 3 && i < ICON_SIZE * ICON_SIZE; i++)
    {
      Point pixel = { i % ICON_SIZE, i / ICON_SIZE };
      gboolean inside = !is_opaque (mask, i);

      for (guint c = 0; inside && c < corners; c++)
        inside = turn (hull[c], hull[c + 1], pixel) > 0;
      holes += inside;
    }
  return holes;
}

static void
test_symbolic_marks_are_holes (gconstpointer data)
{
  const char *nick = data;
  g_autofree char *path = icon_path (nick, "-symbolic");

  for (guint how = 0; how < N_RECOLOURS; how++)
    for (guint dark = 0; dark < 2; dark++)
      {
        IconMask mask;
        guint opaque = 0, holes;

        render_mask (path, how, dark, &mask);
        for (guint i = 0; i < ICON_SIZE * ICON_SIZE; i++)
          opaque += is_opaque (&mask, i);
        holes = count_holes (&mask);
        g_test_message ("%s, recoloured by %s on %s: %u opaque pixels, %u see-through inside its outline",
                        nick, recolour_names[how], dark ? "dark" : "light", opaque, holes);
        if (opaque < MIN_OPAQUE || holes < MIN_HOLES)
          {
            g_autofree char *picture = mask_picture (&mask);

            g_test_message ("%s: %s%s", nick,
                            opaque < MIN_OPAQUE ? "hardly there" : "no mark cut out, no ring's middle", picture);
            g_test_fail ();
          }
      }
}

static void
test_symbolic_statuses_differ (void)
{
  g_autoptr(GEnumClass) statuses = g_type_class_ref (LW_TYPE_STATUS);
  g_autofree IconMask *masks = g_new (IconMask, statuses->n_values);

  /* As a dark panel shows them, recoloured the way GTK does. */
  for (guint i = 0; i < statuses->n_values; i++)
    {
      g_autofree char *path = icon_path (statuses->values[i].value_nick, "-symbolic");

      render_mask (path, RECOLOUR_GTK, TRUE, &masks[i]);
    }

  for (guint a = 0; a < statuses->n_values; a++)
    for (guint b = a + 1; b < statuses->n_values; b++)
      {
        guint both = 0, either = 0;
        double iou;

        for (guint i = 0; i < ICON_SIZE * ICON_SIZE; i++)
          {
            both += is_opaque (&masks[a], i) && is_opaque (&masks[b], i);
            either += is_opaque (&masks[a], i) || is_opaque (&masks[b], i);
          }
        iou = either ? (double) both / either : 1.0;
        g_test_message ("%s and %s: %u pixels differ, intersection over union %.2f",
                        statuses->values[a].value_nick, statuses->values[b].value_nick,
                        either - both, iou);
        if (iou > MAX_IOU || either - both < MIN_DIFFERENT)
          {
            g_test_message ("%s and %s are too alike", statuses->values[a].value_nick,
                            statuses->values[b].value_nick);
            g_test_fail ();
          }
      }
}

#else

static void
test_symbolic_skipped (gconstpointer data)
{
  g_test_skip ("built without librsvg-2.0 (Debian: librsvg2-dev), so the symbolic icons are not rendered");
}

#endif

int
main (int    argc,
      char **argv)
{
  g_autoptr(GEnumClass) statuses = NULL;

  g_test_init (&argc, &argv, NULL);
  if (argc < 2)
    g_error ("usage: test-icons STATUS-ICON-FOLDER");
  status_dir = argv[1];

  g_test_add_func ("/icons/every-status-has-its-icons", test_every_status_has_its_icons);
  g_test_add_func ("/icons/no-icon-is-left-over", test_no_icon_is_left_over);

  statuses = g_type_class_ref (LW_TYPE_STATUS);
  for (guint i = 0; i < statuses->n_values; i++)
    {
      const char *nick = statuses->values[i].value_nick;
      g_autofree char *same = g_strdup_printf ("/icons/symbolic/%s/same-on-light-and-dark", nick);
      g_autofree char *holes = g_strdup_printf ("/icons/symbolic/%s/marks-are-holes", nick);

#if LW_HAVE_RSVG
      g_test_add_data_func (same, nick, test_symbolic_same_on_light_and_dark);
      g_test_add_data_func (holes, nick, test_symbolic_marks_are_holes);
#else
      g_test_add_data_func (same, nick, test_symbolic_skipped);
      g_test_add_data_func (holes, nick, test_symbolic_skipped);
#endif
    }
#if LW_HAVE_RSVG
  g_test_add_func ("/icons/symbolic/statuses-differ", test_symbolic_statuses_differ);
#else
  g_test_add_data_func ("/icons/symbolic/statuses-differ", NULL, test_symbolic_skipped);
#endif
  return g_test_run ();
}
