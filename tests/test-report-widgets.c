/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <adwaita.h>
/* A memory backend of each test's own for the preferences. */
#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <glib/gstdio.h>

#include "lw-browser-row.h"
#include "lw-browsers-page.h"
#include "lw-check.h"
#include "lw-evidence-page.h"
#include "lw-evidence-row.h"
#include "lw-preferences-window.h"
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

/* Three browser profiles, as the service's audit would publish them: a
 * Firefox whose every page sees the address outside the VPN, a Chromium
 * that a policy file keeps to the proxy, and a Brave whose Preferences
 * could not be read, so Chromium's defaults stand in for its setting. */
static const char *BROWSERS =
  "{\"browser\": \"firefox\", \"name\": \"Firefox\","
  " \"label\": \"Firefox (profile default-release)\", \"engine\": \"gecko\","
  " \"packaging\": \"native\", \"desktop_id\": \"lw-test-firefox.desktop\","
  " \"profile\": \"default-release\","
  " \"path\": \"/home/ada/.mozilla/firefox/x1y2.default-release\","
  " \"stand_in\": false, \"setting\": \"default\", \"source\": \"Firefox’s default\","
  " \"unverified\": null, \"ordinary_mode\": \"mode-2\", \"ordinary_mdns\": true,"
  " \"camera_mode\": \"mode-1\", \"camera_mdns\": false, \"per_destination\": true,"
  " \"status\": \"leak\", \"every_page_sees\": [\"198.51.100.7\"],"
  " \"camera_pages_see\": [\"192.168.1.20\"]},"
  "{\"browser\": \"chromium\", \"name\": \"Chromium\", \"label\": \"Chromium (profile Default)\","
  " \"engine\": \"chromium\", \"packaging\": \"native\","
  " \"desktop_id\": \"lw-test-missing.desktop\","
  " \"profile\": \"Default\", \"path\": \"/home/ada/.config/chromium/Default\","
  " \"stand_in\": false, \"setting\": \"disable_non_proxied_udp\","
  " \"source\": \"policy WebRtcIPHandling in /etc/chromium/policies/managed/lw.json\","
  " \"unverified\": null, \"ordinary_mode\": \"mode-4\", \"ordinary_mdns\": false,"
  " \"camera_mode\": \"mode-4\", \"camera_mdns\": false, \"per_destination\": false,"
  " \"status\": \"protected\", \"every_page_sees\": [], \"camera_pages_see\": []},"
  "{\"browser\": \"brave\", \"name\": \"Brave\", \"label\": \"Brave Flatpak (profile Default)\","
  " \"engine\": \"chromium\", \"packaging\": \"flatpak\", \"desktop_id\": null,"
  " \"profile\": \"Default\","
  " \"path\": \"/home/ada/.var/app/com.brave.Browser/config/BraveSoftware/Brave-Browser/Default\","
  " \"stand_in\": false, \"setting\": \"unknown\","
  " \"source\": \"Preferences: line 3: unexpected “}”\","
  " \"unverified\": \"Preferences: line 3: unexpected “}”\", \"ordinary_mode\": \"mode-2\","
  " \"ordinary_mdns\": true, \"camera_mode\": \"mode-1\", \"camera_mdns\": false,"
  " \"per_destination\": false, \"status\": \"leak\", \"every_page_sees\": [\"198.51.100.7\"],"
  " \"camera_pages_see\": []}";

/* No browser found: Chromium's and Firefox's defaults stand in. */
static const char *STAND_INS =
  "{\"browser\": \"chromium\", \"name\": \"Chromium\", \"label\": \"Chromium\","
  " \"engine\": \"chromium\", \"packaging\": \"native\", \"desktop_id\": null,"
  " \"profile\": null, \"path\": null, \"stand_in\": true, \"setting\": \"default\","
  " \"source\": \"no browser was found: Chromium’s defaults stand in\", \"unverified\": null,"
  " \"ordinary_mode\": \"mode-2\", \"ordinary_mdns\": true, \"camera_mode\": \"mode-1\","
  " \"camera_mdns\": false, \"per_destination\": false, \"status\": \"leak\","
  " \"every_page_sees\": [\"198.51.100.7\"], \"camera_pages_see\": []},"
  "{\"browser\": \"firefox\", \"name\": \"Firefox\", \"label\": \"Firefox\","
  " \"engine\": \"gecko\", \"packaging\": \"native\", \"desktop_id\": null,"
  " \"profile\": null, \"path\": null, \"stand_in\": true, \"setting\": \"default\","
  " \"source\": \"no browser was found: Firefox’s defaults stand in\", \"unverified\": null,"
  " \"ordinary_mode\": \"mode-2\", \"ordinary_mdns\": true, \"camera_mode\": \"mode-1\","
  " \"camera_mdns\": false, \"per_destination\": true, \"status\": \"leak\","
  " \"every_page_sees\": [\"198.51.100.7\"], \"camera_pages_see\": []}";

/* The leak report, with @browsers (JSON objects, comma-separated) as its
 * browsers[]. */
static LwReport *
report_with_browsers (const char *browsers)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = g_strdup_printf ("{\"browsers\": [%s],%s", browsers, LEAK_REPORT + 1);
  LwReport *report = lw_report_new_from_json (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

/* Where the desktop file of the made-up Firefox is, with its icon
 * (main() makes them). */
static char *data_home;

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
  /* The status's name, then one sentence that does not say it again, nor
   * repeat the title of the finding under it. */
  g_assert_true (shows_line (banner, "Leak"));
  g_assert_true (shows_line (banner, "Any web page can read 198.51.100.7, an address outside the VPN"));
  g_assert_false (shows_line (banner, headline));
  g_assert_cmpstr (headline, ==, "Leak: any web page can read 198.51.100.7, an address outside the VPN");

  /* Its colour, and what a screen reader says of it. */
  box = GTK_WIDGET (gtk_widget_get_template_child (banner, LW_TYPE_STATUS_BANNER, "box"));
  g_assert_true (gtk_widget_has_css_class (box, "lw-status-leak"));
  gtk_test_accessible_assert_property (box, GTK_ACCESSIBLE_PROPERTY_LABEL, "Leak");

  /* While a check runs, the last verdict is history, never a colour. */
  lw_status_banner_update (LW_STATUS_BANNER (banner), report, TRUE);
  g_assert_false (gtk_widget_has_css_class (box, "lw-status-leak"));
  g_assert_true (gtk_widget_has_css_class (box, "lw-status-checking"));
  g_assert_true (shows_line (banner, "Checking…"));
  {
    g_autofree char *last = g_strdup ("Last result: Leak — Any web page can read 198.51.100.7, an address "
                                      "outside the VPN");

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
  /* The leak's own fixes offer the kill switch: its note waits, closed,
   * in Details, and there is no tip to say it twice. */
  g_assert_cmpuint (findings->len, ==, 2);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_false (shows_line (page, "Turn on your VPN’s kill switch"));
  g_assert_true (shows_line (page, "Details (1)"));
  g_assert_false (shows_line (page, "Programs can bypass the VPN by binding to wlan0"));

  /* Most serious first, each under its summary, with its level's tag;
   * the most serious is open, with what happened and what to do. */
  for (guint i = 0; i < rows->len; i++)
    {
      AdwPreferencesRow *row = g_ptr_array_index (rows, i);
      const LwFinding *finding = g_ptr_array_index (findings, i);

      g_assert_cmpstr (adw_preferences_row_get_title (row), ==, finding->summary);
      g_assert_true (shows_line (GTK_WIDGET (row), lw_level_name (finding->level)));
    }
  g_assert_cmpint (((LwFinding *) g_ptr_array_index (findings, 0))->level, ==, LW_LEVEL_LEAK);
  g_assert_true (adw_expander_row_get_expanded (g_ptr_array_index (rows, 0)));
  g_assert_true (shows_line (g_ptr_array_index (rows, 0),
                             "A STUN request from 10.8.0.2 on tun0 came back as 198.51.100.7."));
  g_assert_true (shows_line (g_ptr_array_index (rows, 0), "Route all traffic through the VPN."));

  g_object_unref (page);
}

/* Protected, with notes: the verdict, then the tip, then one closed
 * "Details (1)"; nothing between the user and the verdict reads like a
 * leak, and nothing says the verdict twice. While a check runs, the last
 * result is dimmed and "Checking…" is said once. */
static void
test_protected_reads_as_protected (void)
{
  g_autoptr(GString) json = g_string_new (LEAK_REPORT);
  g_autoptr(LwReport) report = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *page = g_object_ref_sink (g_object_new (LW_TYPE_REPORT_PAGE, NULL));
  g_autoptr(GPtrArray) expanders = g_ptr_array_new ();
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  AdwExpanderRow *details = NULL;

  g_string_replace (json, "\"status\": \"leak\"", "\"status\": \"protected\"", 1);
  /* Nothing else to fix: the kill switch is a tip. */
  g_string_replace (json,
                    "{\"id\": \"public-address-leak\", \"level\": \"leak\", \"audience\": \"every-page\"",
                    "{\"id\": \"local-addresses-visible\", \"level\": \"note\", \"audience\": \"camera-pages\"",
                    1);
  report = lw_report_new_from_json (json->str, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lw_report_get_status (report), ==, LW_STATUS_PROTECTED);

  lw_report_page_update (LW_REPORT_PAGE (page), report, FALSE);
  g_assert_true (shows_line (page, "Protected"));
  g_assert_true (shows_line (page, "Web pages see only your VPN's address"));
  g_assert_false (shows_line (page, "Protected: web pages see only your VPN's address"));
  g_assert_true (shows_line (page, "Turn on your VPN’s kill switch"));
  g_assert_true (shows_line (page, "Without one, a program that binds to wlan0 itself, as some calling "
                                   "apps do, reaches the internet outside the VPN and shows 198.51.100.7. "
                                   "Web pages cannot do this."));
  /* The one expander row that is no finding: "Details (1)", closed. */
  find_all (page, ADW_TYPE_EXPANDER_ROW, expanders);
  for (guint i = 0; i < expanders->len; i++)
    if (!G_TYPE_CHECK_INSTANCE_TYPE (g_ptr_array_index (expanders, i), g_type_from_name ("LwFindingRow")))
      details = g_ptr_array_index (expanders, i);
  g_assert_nonnull (details);
  g_assert_true (gtk_widget_is_visible (GTK_WIDGET (details)));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (details)), ==, "Details (1)");
  g_assert_false (adw_expander_row_get_expanded (details));
  g_assert_false (shows_line (page, "An address outside the VPN, 198.51.100.7, is visible to web pages"));
  adw_expander_row_set_expanded (details, TRUE);
  find_all (page, g_type_from_name ("LwFindingRow"), rows);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_true (shows_line (page, "Note"));

  /* Checking: the old result dimmed, "Checking…" once. */
  lw_report_page_update (LW_REPORT_PAGE (page), report, TRUE);
  g_assert_true (gtk_widget_has_css_class (gtk_widget_get_ancestor (GTK_WIDGET (details), ADW_TYPE_PREFERENCES_GROUP), "dim-label"));
  {
    g_autoptr(GString) text = g_string_new ("\n");
    guint n = 0;

    collect_text (page, text);
    for (const char *p = strstr (text->str, "Checking…"); p != NULL; p = strstr (p + 1, "Checking…"))
      n++;
    g_assert_cmpuint (n, ==, 1);
  }
  lw_report_page_update (LW_REPORT_PAGE (page), report, FALSE);
  g_assert_false (gtk_widget_has_css_class (gtk_widget_get_ancestor (GTK_WIDGET (details), ADW_TYPE_PREFERENCES_GROUP), "dim-label"));

  g_object_unref (page);
}

/* The Evidence page: plain words for each candidate, the term on hover,
 * and a "Leak" tag on the one the leak stands on. */
static void
test_evidence_marks_what_proves_a_finding (void)
{
  g_autoptr(GString) json = g_string_new (LEAK_REPORT);
  g_autoptr(LwReport) report = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *page = g_object_ref_sink (g_object_new (LW_TYPE_EVIDENCE_PAGE, NULL));
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  GtkWidget *leaking = NULL, *local = NULL;

  g_string_replace (json, "\"candidates\": []",
                    "\"candidates\": ["
                    "{\"probe\": \"browser\", \"mode\": \"default-route\", \"type\": \"srflx\","
                    " \"address\": \"198.51.100.7\", \"port\": 4000, \"base\": \"10.8.0.2\","
                    " \"interface\": \"tun0\", \"server\": \"203.0.113.1:3478\"},"
                    "{\"probe\": \"browser\", \"mode\": \"default-route\", \"type\": \"host\","
                    " \"address\": \"10.8.0.2\", \"port\": 4000, \"base\": \"10.8.0.2\","
                    " \"interface\": \"tun0\", \"server\": null}]", 1);
  report = lw_report_new_from_json (json->str, &error);
  g_assert_no_error (error);
  lw_evidence_page_set_report (LW_EVIDENCE_PAGE (page), report);

  find_all (page, LW_TYPE_EVIDENCE_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      const char *title = adw_preferences_row_get_title (g_ptr_array_index (rows, i));

      if (g_strcmp0 (title, "Seen by a STUN server · 198.51.100.7") == 0)
        leaking = g_ptr_array_index (rows, i);
      else if (g_strcmp0 (title, "Local address · 10.8.0.2") == 0)
        local = g_ptr_array_index (rows, i);
    }
  g_assert_nonnull (leaking);
  g_assert_nonnull (local);
  g_assert_true (shows_line (leaking, "Leak"));
  g_assert_false (shows_line (local, "Leak"));
  g_assert_false (shows_line (page, "srflx · 198.51.100.7"));

  g_object_unref (page);
}

/* A check that no server could complete offers the preferences, where
 * the servers are chosen; offline, there is nothing to choose. */
static void
test_could_not_check_opens_preferences (void)
{
  const char *states[] = { "\"default_addresses\": {\"ipv4\": \"10.8.0.2\", \"ipv6\": null}",
                           "\"default_addresses\": {\"ipv4\": null, \"ipv6\": null}" };

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    {
      g_autoptr(GString) json = g_string_new (LEAK_REPORT);
      g_autoptr(LwReport) report = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
      GtkWidget *page = g_object_ref_sink (g_object_new (LW_TYPE_REPORT_PAGE, NULL));
      gboolean offered = FALSE;

      g_string_replace (json, "\"status\": \"leak\"", "\"status\": \"unknown\"", 1);
      g_string_replace (json, "{\"id\": \"public-address-leak\", \"level\": \"leak\"",
                        "{\"id\": \"check-incomplete\", \"level\": \"unknown\"", 1);
      g_string_replace (json, "\"default_addresses\": {\"ipv4\": \"10.8.0.2\", \"ipv6\": null}",
                        states[i], 1);
      report = lw_report_new_from_json (json->str, &error);
      g_assert_no_error (error);
      lw_report_page_update (LW_REPORT_PAGE (page), report, FALSE);
      find_all (page, GTK_TYPE_BUTTON, buttons);
      for (guint j = 0; j < buttons->len; j++)
        offered |= g_strcmp0 (gtk_actionable_get_action_name (g_ptr_array_index (buttons, j)),
                              "app.preferences") == 0;
      g_assert_cmpint (offered, ==, i == 0);
      g_object_unref (page);
    }
}

static GPtrArray *
browser_rows (GtkWidget *page)
{
  GPtrArray *rows = g_ptr_array_new ();

  find_all (page, LW_TYPE_BROWSER_ROW, rows);
  return rows;
}

static GtkImage *
row_icon (GtkWidget *row)
{
  return GTK_IMAGE (gtk_widget_get_template_child (row, LW_TYPE_BROWSER_ROW, "icon"));
}

static GtkWidget *
row_tag (GtkWidget *row)
{
  return GTK_WIDGET (gtk_widget_get_template_child (row, LW_TYPE_BROWSER_ROW, "status_tag"));
}

static void
test_browsers_page_shows_each_profile (void)
{
  g_autoptr(LwReport) report = report_with_browsers (BROWSERS);
  GtkWidget *page = g_object_ref_sink (g_object_new (LW_TYPE_BROWSERS_PAGE, NULL));
  g_autoptr(GPtrArray) rows = NULL;
  GtkWidget *firefox, *chromium, *brave;
  GtkImage *icon;
  g_autofree char *icon_path = g_build_filename (data_home, "lw-test-firefox.svg", NULL);
  g_autofree char *shown_path = NULL;
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  lw_browsers_page_update (LW_BROWSERS_PAGE (page), report, FALSE);
  rows = browser_rows (page);
  g_assert_cmpuint (rows->len, ==, 3);
  firefox = g_ptr_array_index (rows, 0);
  chromium = g_ptr_array_index (rows, 1);
  brave = g_ptr_array_index (rows, 2);
  g_assert_false (shows_line (page, "No browser was found: Chromium’s and Firefox’s defaults "
                                    "stand in for the ones there may be."));
  /* What the browsers do not cover, said under them. */
  g_assert_true (shows_line (page, "Apps built on Electron (Slack, Discord, Teams, Signal) are not "
                                   "browsers: they gather on every interface, and no browser setting "
                                   "reaches them. The findings say what they see."));

  /* Firefox leaks: its status in words (and colour), what every page
   * sees, and the same for a screen reader, the status first. */
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (firefox)), ==,
                   "Firefox (profile default-release)");
  g_assert_true (shows_line (firefox, "Leak"));
  g_assert_true (shows_line (firefox, "Every page sees: 198.51.100.7"));
  g_assert_true (gtk_widget_has_css_class (row_tag (firefox), "lw-tone-error"));
  gtk_test_accessible_assert_property (firefox, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Leak: Firefox (profile default-release)");
  gtk_test_accessible_assert_property (firefox, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "Every page sees: 198.51.100.7");
  /* Its icon is its desktop file's. Closed, it shows no more; opened,
   * what camera pages see besides, its setting and its folder. */
  icon = row_icon (firefox);
  g_assert_cmpint (gtk_image_get_storage_type (icon), ==, GTK_IMAGE_GICON);
  g_assert_true (G_IS_FILE_ICON (gtk_image_get_gicon (icon)));
  shown_path = g_file_get_path (g_file_icon_get_file (G_FILE_ICON (gtk_image_get_gicon (icon))));
  g_assert_cmpstr (shown_path, ==, icon_path);
  g_assert_false (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (firefox)));
  g_assert_false (shows_line (firefox, "Pages with camera permission see: also 192.168.1.20"));
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (firefox), TRUE);
  g_assert_true (shows_line (firefox, "Pages with camera permission see: also 192.168.1.20"));
  g_assert_true (shows_line (firefox, "Setting: default"));
  g_assert_true (shows_line (firefox, "Firefox’s default"));
  g_assert_true (shows_line (firefox, "/home/ada/.mozilla/firefox/x1y2.default-release"));

  /* Chromium, kept to the proxy by a policy file: the setting, the file
   * it comes from, and nothing outside the tunnel, in green and words. */
  g_assert_true (shows_line (chromium, "Protected"));
  g_assert_true (gtk_widget_has_css_class (row_tag (chromium), "lw-tone-success"));
  g_assert_true (shows_line (chromium, "Every page sees: nothing outside the tunnel"));
  gtk_test_accessible_assert_property (chromium, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Protected: Chromium (profile Default)");
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (chromium), TRUE);
  g_assert_true (shows_line (chromium, "Setting: disable_non_proxied_udp"));
  g_assert_true (shows_line (chromium,
                             "policy WebRtcIPHandling in /etc/chromium/policies/managed/lw.json"));
  g_assert_true (shows_line (chromium,
                             "Pages with camera permission see: nothing outside the tunnel"));
  /* Its folder, with a button that copies it, named for what it copies. */
  g_assert_true (shows_line (chromium, "/home/ada/.config/chromium/Default"));
  find_all (chromium, GTK_TYPE_BUTTON, buttons);
  /* No desktop entry to open: no "Test in This Browser". */
  for (guint i = buttons->len; i > 0; i--)
    if (!gtk_widget_is_visible (g_ptr_array_index (buttons, i - 1)))
      g_ptr_array_remove_index (buttons, i - 1);
  g_assert_cmpuint (buttons->len, ==, 1);
  gtk_test_accessible_assert_property (g_ptr_array_index (buttons, 0),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Copy “/home/ada/.config/chromium/Default”");
  /* No desktop file: the generic icon. */
  g_assert_cmpstr (gtk_image_get_icon_name (row_icon (chromium)), ==, "web-browser-symbolic");

  /* Brave's setting could not be read: it says so, and why, open by
   * itself; Chromium's defaults stand in for its setting. */
  g_assert_true (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (brave)));
  g_assert_true (shows_line (brave, "Its setting could not be read (Preferences: line 3: "
                                    "unexpected “}”): its defaults are assumed."));
  g_assert_true (shows_line (brave, "Setting: unknown"));
  g_assert_true (shows_line (brave, "Every page sees: 198.51.100.7"));
  g_assert_cmpstr (gtk_image_get_icon_name (row_icon (brave)), ==, "web-browser-symbolic");

  /* While a check runs, the rows stay, as the last check's, without colour. */
  lw_browsers_page_update (LW_BROWSERS_PAGE (page), report, TRUE);
  g_assert_true (shows_line (page, "Checking… Below are the last check’s results."));
  g_assert_true (shows_line (firefox, "Leak"));
  g_assert_false (gtk_widget_has_css_class (row_tag (firefox), "lw-tone-error"));
  g_assert_false (gtk_widget_has_css_class (row_tag (chromium), "lw-tone-success"));
  g_assert_true (gtk_widget_get_parent (firefox) != NULL);

  /* The same browsers in the next report: the same rows, as they were
   * left; the colours come back. */
  {
    g_autoptr(LwReport) next = report_with_browsers (BROWSERS);
    g_autoptr(GPtrArray) again = NULL;

    lw_browsers_page_update (LW_BROWSERS_PAGE (page), next, FALSE);
    again = browser_rows (page);
    g_assert_cmpuint (again->len, ==, 3);
    g_assert_true (g_ptr_array_index (again, 0) == firefox);
    g_assert_true (gtk_widget_has_css_class (row_tag (firefox), "lw-tone-error"));
    g_assert_false (shows_line (page, "Checking… Below are the last check’s results."));
  }

  g_object_unref (page);
}

/* The button of @row whose label is @label, or NULL. */
static GtkWidget *
row_button (GtkWidget  *row,
            const char *label)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  find_all (row, GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (buttons, i);
      GtkWidget *child = gtk_button_get_child (GTK_BUTTON (button));

      if (GTK_IS_LABEL (child) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (child)), label) == 0)
        return button;
    }
  return NULL;
}

static void
assert_fix_target (GtkWidget  *button,
                   const char *profile,
                   const char *what)
{
  GVariant *target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (button));
  const char *p, *w;

  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "win.firefox-fix");
  g_variant_get (target, "(&s&s)", &p, &w);
  g_assert_cmpstr (p, ==, profile);
  g_assert_cmpstr (w, ==, what);
}

/* A Firefox profile whose every page sees the address: both of
 * Leakwatch's changes, with what each costs, for that profile; once one
 * is applied, Undo, and that Firefox must be restarted. Another browser:
 * its own steps. A protected one: nothing to fix. */
static void
test_browsers_page_offers_the_fix (void)
{
  g_autoptr(LwReport) report = report_with_browsers (BROWSERS);
  GtkWidget *page = g_object_ref_sink (g_object_new (LW_TYPE_BROWSERS_PAGE, NULL));
  g_autoptr(GPtrArray) rows = NULL;
  GtkWidget *firefox, *chromium, *brave;
  const char *profile = "/home/ada/.mozilla/firefox/x1y2.default-release";

  lw_browsers_page_update (LW_BROWSERS_PAGE (page), report, FALSE);
  rows = browser_rows (page);
  firefox = g_ptr_array_index (rows, 0);
  chromium = g_ptr_array_index (rows, 1);
  brave = g_ptr_array_index (rows, 2);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (firefox), TRUE);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (chromium), TRUE);

  g_assert_true (shows_line (firefox, "How to fix it"));
  assert_fix_target (row_button (firefox, "Hide my address from pages, keep calls working"), profile,
                     "hide-address");
  assert_fix_target (row_button (firefox, "Turn WebRTC off"), profile, "webrtc-off");
  g_assert_true (shows_line (firefox, "No page can use WebRTC: video calls and some games in "
                                      "Firefox stop working."));
  g_assert_null (row_button (firefox, "Undo"));

  g_assert_false (shows_line (chromium, "How to fix it"));

  /* A Flatpak build of Brave reads no policy in /etc: it says what can. */
  g_assert_true (shows_line (brave, "How to fix it"));
  g_assert_true (shows_line (brave, "This Brave build does not read the policies in /etc. An "
                                    "extension that sets WebRTC's policy (such as Google’s WebRTC "
                                    "Network Limiter) can set default_public_interface_only in it."));
  g_object_unref (page);

  /* Applied, with Firefox running and the change waiting for it. */
  {
    g_autoptr(GString) applied = g_string_new (BROWSERS);
    g_autoptr(LwReport) after = NULL;

    g_string_replace (applied, "\"per_destination\": true,",
                      "\"per_destination\": true, \"running\": true, \"leakwatch_fix\": \"webrtc-off\","
                      " \"pending\": \"user.js changed after Firefox started: the change applies when "
                      "Firefox is restarted\",", 1);
    after = report_with_browsers (applied->str);
    page = g_object_ref_sink (g_object_new (LW_TYPE_BROWSERS_PAGE, NULL));
    lw_browsers_page_update (LW_BROWSERS_PAGE (page), after, FALSE);
    g_ptr_array_unref (rows);
    rows = browser_rows (page);
    firefox = g_ptr_array_index (rows, 0);
    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (firefox), TRUE);
    g_assert_true (shows_line (firefox, "Leakwatch’s change is in this profile’s user.js: “Turn "
                                        "WebRTC off”."));
    assert_fix_target (row_button (firefox, "Undo"), profile, "undo");
    g_assert_null (row_button (firefox, "Turn WebRTC off"));
    g_assert_true (shows_line (firefox, "user.js changed after Firefox started: the change applies "
                                        "when Firefox is restarted"));
    g_object_unref (page);
  }
}

static void
test_browsers_page_says_when_defaults_stand_in (void)
{
  g_autoptr(LwReport) report = report_with_browsers (STAND_INS);
  GtkWidget *page = g_object_ref_sink (g_object_new (LW_TYPE_BROWSERS_PAGE, NULL));
  g_autoptr(GPtrArray) rows = NULL;

  lw_browsers_page_update (LW_BROWSERS_PAGE (page), report, FALSE);
  g_assert_true (shows_line (page, "No browser was found: Chromium’s and Firefox’s defaults "
                                   "stand in for the ones there may be."));
  rows = browser_rows (page);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (adw_preferences_row_get_title (g_ptr_array_index (rows, 0)), ==, "Chromium");
  g_assert_cmpstr (adw_preferences_row_get_title (g_ptr_array_index (rows, 1)), ==, "Firefox");
  g_assert_true (shows_line (g_ptr_array_index (rows, 1), "Every page sees: 198.51.100.7"));
  adw_expander_row_set_expanded (g_ptr_array_index (rows, 1), TRUE);
  g_assert_true (shows_line (g_ptr_array_index (rows, 1),
                             "no browser was found: Firefox’s defaults stand in"));

  g_object_unref (page);
}

static void
test_browsers_page_without_browsers (void)
{
  g_autoptr(LwReport) old = leak_report ();
  g_autoptr(LwReport) report = report_with_browsers (BROWSERS);
  GtkWidget *page = g_object_ref_sink (g_object_new (LW_TYPE_BROWSERS_PAGE, NULL));
  g_autoptr(GPtrArray) rows = NULL;

  /* Before the first check. */
  g_assert_true (shows_line (page, "No browsers yet"));
  lw_browsers_page_update (LW_BROWSERS_PAGE (page), NULL, TRUE);
  g_assert_true (shows_line (page, "No browsers yet"));

  /* A report from before the audit. */
  g_assert_cmpuint (lw_report_get_browsers (old)->len, ==, 0);
  lw_browsers_page_update (LW_BROWSERS_PAGE (page), report, FALSE);
  lw_browsers_page_update (LW_BROWSERS_PAGE (page), old, FALSE);
  g_assert_true (shows_line (page, "No browsers in this report"));
  rows = browser_rows (page);
  g_assert_cmpuint (rows->len, ==, 0);
  g_assert_false (shows_line (page, "Every page sees: 198.51.100.7"));

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
  const char *pages[][2] = { { "report", "Report" }, { "browsers", "Browsers" },
                             { "evidence", "Evidence" }, { "history", "History" } };

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
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "browsers");
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (view_stack), ==, "browsers");

  gtk_window_destroy (GTK_WINDOW (window));
}

/* --- the preferences' server lists ---------------------------------------- */

static GtkWidget *
prefs_child (GtkWidget  *window,
             const char *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (window, LW_TYPE_PREFERENCES_WINDOW, name));
}

/* The servers' rows in @group, in order (the field to add one is no
 * AdwActionRow). */
static GPtrArray *
server_rows (GtkWidget *group)
{
  GPtrArray *rows = g_ptr_array_new ();

  find_all (group, ADW_TYPE_ACTION_ROW, rows);
  return rows;
}

/* The rows show exactly @servers, each with its remove button, or (with
 * @builtin) as built-in, without one. */
static void
assert_servers (GtkWidget          *group,
                const char * const *servers,
                gboolean            builtin)
{
  g_autoptr(GPtrArray) rows = server_rows (group);

  g_assert_cmpuint (rows->len, ==, g_strv_length ((char **) servers));
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);
      g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

      g_assert_true (gtk_widget_get_visible (row));
      g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, servers[i]);
      g_assert_true (shows_line (row, servers[i]));
      find_all (row, GTK_TYPE_BUTTON, buttons);
      if (builtin)
        {
          g_assert_true (shows_line (row, "Built in"));
          g_assert_cmpuint (buttons->len, ==, 0);
        }
      else
        {
          g_autofree char *label = g_strdup_printf ("Remove “%s”", servers[i]);

          g_assert_false (shows_line (row, "Built in"));
          g_assert_cmpuint (buttons->len, ==, 1);
          g_assert_true (gtk_widget_get_visible (g_ptr_array_index (buttons, 0)));
          gtk_test_accessible_assert_property (g_ptr_array_index (buttons, 0),
                                               GTK_ACCESSIBLE_PROPERTY_LABEL, label);
        }
    }
}

static void
assert_key (GSettings          *settings,
            const char         *key,
            const char * const *values)
{
  g_auto(GStrv) saved = g_settings_get_strv (settings, key);

  g_assert_cmpstrv (saved, values);
}

static void
add_server (GtkWidget  *add_row,
            const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (add_row), text);
  g_signal_emit_by_name (add_row, "apply");
}

static void
remove_server (GtkWidget  *group,
               const char *server)
{
  g_autoptr(GPtrArray) rows = server_rows (group);

  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);

      if (g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), server) == 0)
        {
          g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

          find_all (row, GTK_TYPE_BUTTON, buttons);
          g_assert_cmpuint (buttons->len, ==, 1);
          g_signal_emit_by_name (g_ptr_array_index (buttons, 0), "clicked");
          return;
        }
    }
  g_assert_not_reached ();
}

/* The error is a visible label with the "error" class, directly under the
 * field (the first thing after the group's list), saying @message; or
 * there is none. */
static void
assert_error (GtkWidget  *add_row,
              GtkWidget  *error,
              const char *message)
{
  if (message == NULL)
    {
      g_assert_false (gtk_widget_get_visible (error));
      g_assert_false (gtk_widget_has_css_class (add_row, "error"));
      return;
    }
  g_assert_true (gtk_widget_get_visible (error));
  g_assert_true (gtk_widget_has_css_class (error, "error"));
  g_assert_true (gtk_label_get_wrap (GTK_LABEL (error)));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (error)), ==, message);
  g_assert_true (gtk_widget_get_next_sibling (gtk_widget_get_parent (add_row)) == error);
  g_assert_true (gtk_widget_has_css_class (add_row, "error"));
  gtk_test_accessible_assert_state (add_row, GTK_ACCESSIBLE_STATE_INVALID,
                                    GTK_ACCESSIBLE_INVALID_TRUE);
  gtk_test_accessible_assert_property (add_row, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message);
}

static void
test_preferences_server_lists (void)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr(GSettings) settings = g_settings_new_with_backend (APP_ID, backend);
  GtkWidget *window = lw_preferences_window_new (settings);
  GtkWidget *stun = prefs_child (window, "stun_group");
  GtkWidget *stun_add = prefs_child (window, "stun_add_row");
  GtkWidget *stun_error = prefs_child (window, "stun_error");
  GtkWidget *stun_builtin = prefs_child (window, "stun_builtin_button");
  GtkWidget *urls = prefs_child (window, "urls_group");
  GtkWidget *urls_add = prefs_child (window, "urls_add_row");
  GtkWidget *urls_error = prefs_child (window, "urls_error");
  GtkWidget *urls_builtin = prefs_child (window, "urls_builtin_button");
  const char *none[] = { NULL };
  const char *mine[] = { "stun.example.net:3478", NULL };
  const char *two[] = { "stun.example.net:3478", "[2001:db8::1]:3478", NULL };
  const char *last[] = { "[2001:db8::1]:3478", NULL };
  const char *outside[] = { "a.example:1", "b.example:2", NULL };
  const char *service[] = { "https://ip.example/?format=text&v=4", NULL };

  /* An empty key: the built-in servers, said to be built in and used
   * until the user adds some; nothing to remove, nothing to go back to. */
  assert_key (settings, "stun-servers", none);
  assert_servers (stun, lw_check_default_stun_servers (), TRUE);
  assert_servers (urls, lw_check_default_ip_urls (), TRUE);
  g_assert_true (shows_line (stun, "Each server learns your public address at every check. "
                                   "Until you add your own, Leakwatch uses these built-in ones."));
  g_assert_true (shows_line (urls, "Each service learns your public address at every check. "
                                   "Until you add your own, Leakwatch uses these built-in ones."));
  g_assert_false (gtk_widget_get_visible (stun_builtin));
  g_assert_false (gtk_widget_get_visible (urls_builtin));
  assert_error (stun_add, stun_error, NULL);

  /* One of one's own: the key is exactly it, shown with its remove
   * button; the field is empty again. */
  add_server (stun_add, "stun.example.net:3478");
  assert_key (settings, "stun-servers", mine);
  assert_servers (stun, mine, FALSE);
  g_assert_true (shows_line (stun, "Each server learns your public address at every check."));
  g_assert_false (shows_line (stun, lw_check_default_stun_servers ()[0]));
  g_assert_true (gtk_widget_get_visible (stun_builtin));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (stun_add)), ==, "");
  assert_error (stun_add, stun_error, NULL);

  /* Not a server: not saved; the error under the field, the text kept to
   * correct; gone once the text changes. */
  add_server (stun_add, "not a server");
  assert_key (settings, "stun-servers", mine);
  assert_servers (stun, mine, FALSE);
  assert_error (stun_add, stun_error,
                "“not a server” is not a server address; use HOST:PORT, or [IPv6]:PORT");
  g_assert_true (shows_line (stun, "“not a server” is not a server address; use HOST:PORT, "
                                   "or [IPv6]:PORT"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (stun_add)), ==, "not a server");
  gtk_editable_set_text (GTK_EDITABLE (stun_add), "not a server either");
  assert_error (stun_add, stun_error, NULL);

  /* The same one twice: said, not saved. */
  add_server (stun_add, "stun.example.net:3478");
  assert_key (settings, "stun-servers", mine);
  assert_error (stun_add, stun_error, "“stun.example.net:3478” is in the list already");

  /* A second, kept exactly; accepted, the error goes. */
  add_server (stun_add, "[2001:db8::1]:3478");
  assert_key (settings, "stun-servers", two);
  assert_servers (stun, two, FALSE);
  assert_error (stun_add, stun_error, NULL);

  /* Removed one by one: the last one gone, the built-in ones are back. */
  remove_server (stun, "stun.example.net:3478");
  assert_key (settings, "stun-servers", last);
  assert_servers (stun, last, FALSE);
  remove_server (stun, "[2001:db8::1]:3478");
  assert_key (settings, "stun-servers", none);
  assert_servers (stun, lw_check_default_stun_servers (), TRUE);
  g_assert_false (gtk_widget_get_visible (stun_builtin));

  /* A change from outside (gsettings set) shows at once, both ways. */
  g_settings_set_strv (settings, "stun-servers", outside);
  assert_servers (stun, outside, FALSE);
  g_assert_true (gtk_widget_get_visible (stun_builtin));
  g_settings_reset (settings, "stun-servers");
  assert_servers (stun, lw_check_default_stun_servers (), TRUE);

  /* The services: a URL with & in it, exactly; something else than
   * https://, refused under its own field, the other field untouched. */
  add_server (urls_add, "ftp://ip.example/");
  assert_key (settings, "ip-urls", none);
  assert_error (urls_add, urls_error, "“ftp://ip.example/” is not an https:// URL");
  assert_error (stun_add, stun_error, NULL);
  add_server (urls_add, "https://ip.example/?format=text&v=4");
  assert_key (settings, "ip-urls", service);
  assert_servers (urls, service, FALSE);
  assert_error (urls_add, urls_error, NULL);

  /* Back to the built-in ones in one click. */
  g_signal_emit_by_name (urls_builtin, "clicked");
  assert_key (settings, "ip-urls", none);
  assert_servers (urls, lw_check_default_ip_urls (), TRUE);
  g_assert_false (gtk_widget_get_visible (urls_builtin));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Tab reaches every remove button, the way back to the built-in servers,
 * and both fields. */
static void
test_preferences_keyboard (void)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr(GSettings) settings = g_settings_new_with_backend (APP_ID, backend);
  GtkWidget *window = lw_preferences_window_new (settings);
  const char *servers[] = { "a.example:1", "b.example:2", NULL };
  g_autoptr(GPtrArray) wanted = g_ptr_array_new ();
  g_autoptr(GPtrArray) reached = g_ptr_array_new ();
  g_autoptr(GPtrArray) rows = NULL;

  g_settings_set_strv (settings, "stun-servers", servers);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (window))
    g_main_context_iteration (NULL, TRUE);

  rows = server_rows (prefs_child (window, "stun_group"));
  for (guint i = 0; i < rows->len; i++)
    find_all (g_ptr_array_index (rows, i), GTK_TYPE_BUTTON, wanted);
  g_assert_cmpuint (wanted->len, ==, 2);
  g_ptr_array_add (wanted, prefs_child (window, "stun_builtin_button"));
  g_ptr_array_add (wanted, prefs_child (window, "stun_add_row"));
  g_ptr_array_add (wanted, prefs_child (window, "urls_add_row"));

  for (guint i = 0; i < 200 && gtk_widget_child_focus (window, GTK_DIR_TAB_FORWARD); i++)
    {
      GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

      for (guint j = 0; j < wanted->len; j++)
        if (focus != NULL && (focus == g_ptr_array_index (wanted, j) ||
                              gtk_widget_is_ancestor (focus, g_ptr_array_index (wanted, j))))
          g_ptr_array_add (reached, g_ptr_array_index (wanted, j));
    }
  for (guint j = 0; j < wanted->len; j++)
    {
      GtkWidget *widget = g_ptr_array_index (wanted, j);

      if (!g_ptr_array_find (reached, widget, NULL))
        g_error ("Tab never reaches %s %p", G_OBJECT_TYPE_NAME (widget), widget);
    }

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A desktop file for the made-up Firefox, with an icon of its own, where
 * GIO looks first (XDG_DATA_HOME); before GTK or GIO read it. */
static void
make_data_home (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *applications = NULL;
  g_autofree char *desktop = NULL;
  g_autofree char *icon = NULL;
  g_autofree char *entry = NULL;

  data_home = g_dir_make_tmp ("lw-test-widgets-XXXXXX", &error);
  g_assert_no_error (error);
  applications = g_build_filename (data_home, "applications", NULL);
  g_assert_cmpint (g_mkdir (applications, 0700), ==, 0);
  icon = g_build_filename (data_home, "lw-test-firefox.svg", NULL);
  g_file_set_contents (icon,
                       "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"16\" height=\"16\">"
                       "<rect width=\"16\" height=\"16\" fill=\"#e66000\"/></svg>",
                       -1, &error);
  g_assert_no_error (error);
  desktop = g_build_filename (applications, "lw-test-firefox.desktop", NULL);
  entry = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=Firefox\nExec=true\nIcon=%s\n",
                           icon);
  g_file_set_contents (desktop, entry, -1, &error);
  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
}

static void
remove_data_home (void)
{
  g_autofree char *applications = g_build_filename (data_home, "applications", NULL);
  g_autofree char *desktop = g_build_filename (applications, "lw-test-firefox.desktop", NULL);
  g_autofree char *icon = g_build_filename (data_home, "lw-test-firefox.svg", NULL);

  g_remove (desktop);
  g_remove (icon);
  g_rmdir (applications);
  g_rmdir (data_home);
  g_clear_pointer (&data_home, g_free);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  make_data_home ();
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      /* TAP's way to skip them all, with the reason. */
      g_print ("1..0 # SKIP no display to make widgets on\n");
      remove_data_home ();
      return 0;
    }
  adw_init ();
  lw_report_register_resource ();

  g_test_add_func ("/report/banner/verdict", test_banner_shows_the_verdict);
  g_test_add_func ("/report/page/finding-rows", test_finding_rows_show_the_findings);
  g_test_add_func ("/report/page/protected", test_protected_reads_as_protected);
  g_test_add_func ("/report/evidence/proves", test_evidence_marks_what_proves_a_finding);
  g_test_add_func ("/report/page/open-preferences", test_could_not_check_opens_preferences);
  g_test_add_func ("/report/browsers/profiles", test_browsers_page_shows_each_profile);
  g_test_add_func ("/report/browsers/stand-ins", test_browsers_page_says_when_defaults_stand_in);
  g_test_add_func ("/report/browsers/fix", test_browsers_page_offers_the_fix);
  g_test_add_func ("/report/browsers/none", test_browsers_page_without_browsers);
  g_test_add_func ("/report/window/pages", test_window_has_its_pages);
  g_test_add_func ("/report/preferences/servers", test_preferences_server_lists);
  g_test_add_func ("/report/preferences/keyboard", test_preferences_keyboard);
  status = g_test_run ();
  remove_data_home ();
  return status;
}
