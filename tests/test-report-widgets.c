/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "lw-report-page.h"
#include "lw-report-resources.h"
#include "lw-report-util.h"
#include "lw-report-window.h"
#include "lw-service.h"
#include "lw-status-banner.h"

/* The report window's widgets, made here as the window makes them, from
 * a report read the way the window reads the service's: do they show that
 * report's words? They link the window's static library, as GNOME
 * Console's tests do; GTK_A11Y=test lets them read what assistive
 * technologies are told. Run on a display of their own
 * (tests/lib/with-display.py). */

/* A leak and a note, as the service would publish them. */
static const char *LEAK_REPORT =
  "{\"version\": 1, \"time\": \"2024-11-21T13:00:00Z\", \"status\": \"leak\","
  " \"headline\": \"\","
  " \"findings\": ["
  "  {\"id\": \"public-address-leak\", \"level\": \"leak\", \"audience\": \"every-page\","
  "   \"mode\": \"default-route\", \"family\": \"ipv4\", \"address\": \"198.51.100.7\","
  "   \"interface\": \"wlan0\", \"server\": \"203.0.113.1:3478\","
  "   \"summary\": \"An address outside the VPN, 198.51.100.7, is visible to web pages\","
  "   \"detail\": \"A STUN request from 10.8.0.2 on tun0 came back as 198.51.100.7.\","
  "   \"advice\": \"Route all traffic through the VPN.\"},"
  "  {\"id\": \"tunnel-bypass-by-binding\", \"level\": \"note\", \"audience\": \"native-apps\","
  "   \"mode\": \"interface-bound\", \"family\": \"ipv4\", \"address\": \"198.51.100.7\","
  "   \"interface\": \"wlan0\", \"server\": \"203.0.113.1:3478\","
  "   \"summary\": \"Programs can bypass the VPN by binding to wlan0\","
  "   \"detail\": \"A socket bound to wlan0 showed 198.51.100.7.\","
  "   \"advice\": \"Turn on your VPN's kill switch.\"}],"
  " \"candidates\": [], \"stun\": [], \"public_addresses\": [],"
  " \"vpn\": {\"active\": true, \"source\": \"networkmanager\", \"interfaces\": [\"tun0\"],"
  "         \"connections\": [{\"name\": \"Office\", \"type\": \"vpn\", \"interface\": \"tun0\","
  "                           \"state\": \"activated\"}], \"note\": null},"
  " \"interfaces\": [], \"default_addresses\": {\"ipv4\": \"10.8.0.2\", \"ipv6\": null},"
  " \"stun_servers\": [], \"remembered_addresses\": [], \"timings\": {}}";

static LwReport *
leak_report (void)
{
  g_autoptr(GError) error = NULL;
  LwReport *report = lw_report_new_from_json (LEAK_REPORT, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  g_assert_cmpint (lw_report_get_status (report), ==, LW_STATUS_LEAK);
  return report;
}

/* The visible labels in @widget's tree, in widget order, one per line. */
static void
collect_text (GtkWidget *widget,
              GString   *out)
{
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (out, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_get_visible (child) && gtk_widget_get_child_visible (child))
      collect_text (child, out);
}

static gboolean
shows_line (GtkWidget  *widget,
            const char *line)
{
  g_autoptr(GString) text = g_string_new ("\n");
  g_autofree char *wanted = g_strdup_printf ("\n%s\n", line);

  collect_text (widget, text);
  if (strstr (text->str, wanted) != NULL)
    return TRUE;
  g_test_message ("no line \"%s\" in:%s", line, text->str);
  return FALSE;
}

static void
find_all (GtkWidget *widget,
          GType      type,
          GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    find_all (child, type, found);
}

static void
test_banner_shows_the_verdict (void)
{
  g_autoptr(LwReport) report = leak_report ();
  g_autofree char *headline = lw_report_dup_headline (report);
  GtkWidget *banner = g_object_ref_sink (g_object_new (LW_TYPE_STATUS_BANNER, NULL));
  GtkWidget *box;

  lw_status_banner_update (LW_STATUS_BANNER (banner), report, FALSE);
  g_assert_true (shows_line (banner, lw_status_verdict (LW_STATUS_LEAK)));
  g_assert_true (shows_line (banner, headline));
  g_assert_cmpstr (headline, ==,
                   "Leak: An address outside the VPN, 198.51.100.7, is visible to web pages");

  /* Its colour, and what a screen reader says of it. */
  box = GTK_WIDGET (gtk_widget_get_template_child (banner, LW_TYPE_STATUS_BANNER, "box"));
  g_assert_true (gtk_widget_has_css_class (box, "lw-status-leak"));
  gtk_test_accessible_assert_property (box, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       lw_status_verdict (LW_STATUS_LEAK));

  /* While a check runs, the last verdict is history, never a colour. */
  lw_status_banner_update (LW_STATUS_BANNER (banner), report, TRUE);
  g_assert_false (gtk_widget_has_css_class (box, "lw-status-leak"));
  g_assert_true (gtk_widget_has_css_class (box, "lw-status-checking"));
  g_assert_true (shows_line (banner, lw_status_verdict (LW_STATUS_CHECKING)));
  {
    g_autofree char *last = g_strdup_printf ("Last result: %s", headline);

    g_assert_true (shows_line (banner, last));
  }

  g_object_unref (banner);
}

static void
test_finding_rows_show_the_findings (void)
{
  g_autoptr(LwReport) report = leak_report ();
  GPtrArray *findings = lw_report_get_findings (report);
  GtkWidget *page = g_object_ref_sink (g_object_new (LW_TYPE_REPORT_PAGE, NULL));
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  lw_report_page_update (LW_REPORT_PAGE (page), report, FALSE);
  find_all (page, g_type_from_name ("LwFindingRow"), rows);
  g_assert_cmpuint (rows->len, ==, findings->len);
  g_assert_cmpuint (rows->len, ==, 2);

  /* Most serious first, each under its summary, with its level's tag;
   * the most serious is open, with what happened and what to do. */
  for (guint i = 0; i < rows->len; i++)
    {
      AdwPreferencesRow *row = g_ptr_array_index (rows, i);
      const LwFinding *finding = g_ptr_array_index (findings, i);

      g_assert_cmpstr (adw_preferences_row_get_title (row), ==, finding->summary);
      g_assert_true (shows_line (GTK_WIDGET (row), lw_level_tag (finding->level)));
    }
  g_assert_cmpint (((LwFinding *) g_ptr_array_index (findings, 0))->level, ==, LW_LEVEL_LEAK);
  g_assert_true (adw_expander_row_get_expanded (g_ptr_array_index (rows, 0)));
  g_assert_true (shows_line (g_ptr_array_index (rows, 0),
                             "A STUN request from 10.8.0.2 on tun0 came back as 198.51.100.7."));
  g_assert_true (shows_line (g_ptr_array_index (rows, 0), "Route all traffic through the VPN."));
  g_assert_false (adw_expander_row_get_expanded (g_ptr_array_index (rows, 1)));

  g_object_unref (page);
}

static void
test_window_has_its_pages (void)
{
  /* A service never started: the window waits for it. */
  g_autoptr(LwService) service = lw_service_new ();
  LwReportWindow *window = lw_report_window_new (NULL, service);
  GtkStack *main_stack = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                   LW_TYPE_REPORT_WINDOW,
                                                                   "main_stack"));
  AdwViewStack *view_stack = ADW_VIEW_STACK (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                            LW_TYPE_REPORT_WINDOW,
                                                                            "view_stack"));
  const char *pages[][2] = { { "report", "Report" }, { "evidence", "Evidence" },
                             { "history", "History" } };

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Leakwatch");
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      GtkWidget *child = adw_view_stack_get_child_by_name (view_stack, pages[i][0]);

      g_assert_nonnull (child);
      g_assert_cmpstr (adw_view_stack_page_get_title (adw_view_stack_get_page (view_stack, child)),
                       ==, pages[i][1]);
    }
  g_assert_nonnull (gtk_stack_get_child_by_name (main_stack, "starting"));
  g_assert_nonnull (gtk_stack_get_child_by_name (main_stack, "failed"));
  g_assert_nonnull (gtk_stack_get_child_by_name (main_stack, "report"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (main_stack), ==, "starting");

  /* win.show-page switches them. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "evidence");
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (view_stack), ==, "evidence");

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      /* TAP's way to skip them all, with the reason. */
      g_print ("1..0 # SKIP no display to make widgets on\n");
      return 0;
    }
  adw_init ();
  lw_report_register_resource ();

  g_test_add_func ("/report/banner/verdict", test_banner_shows_the_verdict);
  g_test_add_func ("/report/page/finding-rows", test_finding_rows_show_the_findings);
  g_test_add_func ("/report/window/pages", test_window_has_its_pages);
  return g_test_run ();
}
