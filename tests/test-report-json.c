/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "lw-report.h"
#include "lw-test-evidence.h"
#include "lw-text.h"

static LwReport *
make_report (void)
{
  LwEvidence *ev = ev_home (TRUE);
  LwTimings t = { 123, 1, 2, 3, 40, 50, 60 };
  g_autoptr(GPtrArray) setups = lw_browser_audit_stand_ins ();
  LwBrowserSetup *unread = g_new0 (LwBrowserSetup, 1);
  GPtrArray *findings;
  LwStatus status;
  LwReport *report;

  ev_default (ev, TUN4, NULL);
  ev_remember (ev, 4, ISP4);
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, TUN4, STUN4, ISP4);
  /* Bound to the tunnel's address, as Firefox binds it: answered too. */
  ev_browser (ev, LW_GATHER_ALL_INTERFACES, TUN4, STUN4, ISP4);
  ev_browser (ev, LW_GATHER_ALL_INTERFACES, LAN4, STUN4, NULL);
  ev_bound (ev, LAN4, STUN4, ISP4);
  ev_https (ev, 4, EXIT4, LW_RESULT_ANSWERED);
  ev_https (ev, 6, NULL, LW_RESULT_UNREACHABLE);
  g_ptr_array_add (ev->vpn->connections, lw_vpn_connection_new ("Work VPN", "vpn", "tun0", "activated"));
  ev->vpn->note = g_strdup ("NetworkManager is not running; read from the interfaces");

  /* A profile whose file could not be read, with what every field can
   * hold. */
  unread->browser = g_strdup ("firefox-esr");
  unread->name = g_strdup ("Firefox ESR");
  unread->engine = LW_ENGINE_GECKO;
  unread->packaging = LW_PACKAGING_FLATPAK;
  unread->desktop_id = g_strdup ("org.mozilla.firefox.desktop");
  unread->profile = g_strdup ("default-esr");
  unread->path = g_strdup ("/home/u/.var/app/org.mozilla.firefox/.mozilla/firefox/x.default-esr");
  unread->setting = g_strdup ("unknown");
  unread->unverified = g_strdup (".../prefs.js: line 3: a value must be true, false, a number or a string");
  unread->source = g_strdup (unread->unverified);
  unread->modes.ordinary = LW_WEBRTC_MODE_2;
  unread->modes.ordinary_mdns = TRUE;
  unread->modes.camera = LW_WEBRTC_MODE_1;
  unread->modes.per_destination = TRUE;
  lw_browser_setup_set_label (unread);
  g_ptr_array_add (setups, unread);

  findings = lw_analyzer_analyze (ev, NULL, &status);
  report = lw_report_new (ev, findings, status, 1795000000, &t);
  lw_report_set_browsers (report, lw_analyzer_browser_verdicts (ev, NULL, setups));
  {
    /* What Chromium's own page showed. */
    GPtrArray *confirmations = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_confirmation_free);
    LwConfirmation *c = g_new0 (LwConfirmation, 1);

    c->browser = g_strdup ("Chromium");
    c->desktop_id = g_strdup ("chromium.desktop");
    c->time_unix = 1795000100;
    c->summary = g_strdup ("confirmed in Chromium: " ISP4 " visible to every page");
    c->real = g_ptr_array_new_with_free_func (g_free);
    g_ptr_array_add (c->real, g_strdup (ISP4));
    c->local = g_ptr_array_new_with_free_func (g_free);
    c->unexpected = g_ptr_array_new_with_free_func (g_free);
    c->candidates = g_ptr_array_new_with_free_func (g_free);
    g_ptr_array_add (c->candidates, g_strdup ("candidate:1 1 udp 1686052607 " ISP4 " 40000 typ srflx raddr 0.0.0.0 rport 0"));
    c->setting = g_strdup ("default");
    c->source = g_strdup ("Chromium's built-in default");
    c->user_agent = g_strdup ("Mozilla/5.0 (X11; Linux x86_64) Chrome/156");
    g_ptr_array_add (confirmations, c);
    lw_report_set_confirmations (report, confirmations);
  }
  return report;
}

static void
test_round_trip (void)
{
  g_autoptr(LwReport) report = make_report ();
  g_autoptr(LwReport) copy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = lw_report_to_json (report, TRUE);
  g_autofree char *json2 = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text2 = NULL;

  copy = lw_report_new_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_nonnull (copy);

  json2 = lw_report_to_json (copy, TRUE);
  g_assert_cmpstr (json, ==, json2);

  g_assert_cmpint (lw_report_get_status (copy), ==, LW_STATUS_LEAK);
  g_assert_cmpint (lw_report_get_time (copy), ==, 1795000000);
  g_assert_cmpint (lw_report_get_timings (copy)->browser_ms, ==, 50);
  g_assert_cmpuint (lw_report_get_findings (copy)->len, ==, lw_report_get_findings (report)->len);
  g_assert_cmpstr (lw_report_get_evidence (copy)->default_ipv4, ==, TUN4);
  g_assert_cmpuint (lw_report_get_browsers (copy)->len, ==, 3);
  g_assert_cmpuint (lw_report_get_confirmations (copy)->len, ==, 1);
  g_assert_cmpstr (((LwConfirmation *) g_ptr_array_index (lw_report_get_confirmations (copy), 0))->summary, ==,
                   "confirmed in Chromium: " ISP4 " visible to every page");
  g_assert_cmpint (((LwConfirmation *) g_ptr_array_index (lw_report_get_confirmations (copy), 0))->time_unix, ==,
                   1795000100);
  {
    const LwConfirmation *c = g_ptr_array_index (lw_report_get_confirmations (copy), 0);

    g_assert_cmpstr (c->setting, ==, "default");
    g_assert_cmpstr (c->source, ==, "Chromium's built-in default");
    g_assert_cmpuint (c->candidates->len, ==, 1);
    g_assert_nonnull (strstr (g_ptr_array_index (c->candidates, 0), "typ srflx"));
  }
  {
    const LwBrowserVerdict *v = g_ptr_array_index (lw_report_get_browsers (copy), 2);

    g_assert_cmpstr (v->setup->label, ==, "Firefox ESR Flatpak (profile default-esr)");
    g_assert_nonnull (v->setup->unverified);
    g_assert_cmpint (v->status, ==, LW_STATUS_LEAK);
    g_assert_cmpuint (v->every_page->len, ==, 1);
    g_assert_cmpstr (g_ptr_array_index (v->every_page, 0), ==, ISP4);
  }

  /* The text form renders the same report the same way. */
  text = lw_text_format_report (report);
  text2 = lw_text_format_report (copy);
  g_assert_cmpstr (text, ==, text2);
  g_assert_true (g_str_has_prefix (text, "Leak: "));
  g_assert_nonnull (strstr (text, ISP4));

  g_assert_finalize_object (g_steal_pointer (&copy));
  g_assert_finalize_object (g_steal_pointer (&report));
}

/* The documented fields are present with their documented types. */
static void
test_schema (void)
{
  g_autoptr(LwReport) report = make_report ();
  g_autofree char *json = lw_report_to_json (report, FALSE);
  g_autoptr(JsonNode) root = json_from_string (json, NULL);
  JsonObject *o = json_node_get_object (root);
  JsonObject *first;

  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "leak");

  first = json_array_get_object_element (json_object_get_array_member (o, "findings"), 0);
  for (guint i = 0; i < 6; i++)
    {
      const char *keys[] = { "id", "level", "mode", "address", "interface", "summary" };
      g_assert_true (json_object_has_member (first, keys[i]));
    }
  g_assert_cmpstr (json_object_get_string_member (first, "id"), ==, "public-address-leak");
  g_assert_cmpstr (json_object_get_string_member (first, "mode"), ==, "default-route");
  g_assert_cmpstr (json_object_get_string_member (first, "address"), ==, ISP4);

  first = json_array_get_object_element (json_object_get_array_member (o, "candidates"), 0);
  for (guint i = 0; i < 7; i++)
    {
      const char *keys[] = { "probe", "mode", "type", "address", "base", "interface", "server" };
      g_assert_true (json_object_has_member (first, keys[i]));
    }

  first = json_array_get_object_element (json_object_get_array_member (o, "public_addresses"), 0);
  for (guint i = 0; i < 5; i++)
    {
      const char *keys[] = { "family", "path", "address", "url", "result" };
      g_assert_true (json_object_has_member (first, keys[i]));
    }

  first = json_object_get_object_member (o, "vpn");
  g_assert_true (json_object_get_boolean_member (first, "active"));
  g_assert_cmpstr (json_object_get_string_member (first, "source"), ==, "interfaces");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (first, "interfaces")), ==, 1);

  first = json_array_get_object_element (json_object_get_array_member (o, "browsers"), 0);
  for (guint i = 0; i < 23; i++)
    {
      const char *keys[] = { "browser", "name", "label", "engine", "packaging", "desktop_id", "profile",
                             "path", "stand_in", "setting", "source", "unverified", "ordinary_mode",
                             "ordinary_mdns", "camera_mode", "camera_mdns", "per_destination", "running",
                             "pending", "leakwatch_fix", "status", "every_page_sees", "camera_pages_see" };
      g_assert_true (json_object_has_member (first, keys[i]));
    }
  g_assert_cmpstr (json_object_get_string_member (first, "browser"), ==, "chromium");
  g_assert_true (json_object_get_boolean_member (first, "stand_in"));
  g_assert_cmpstr (json_object_get_string_member (first, "ordinary_mode"), ==, "mode-2");
  g_assert_cmpstr (json_object_get_string_member (first, "camera_mode"), ==, "mode-1");
  g_assert_cmpstr (json_object_get_string_member (first, "status"), ==, "leak");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (first, "every_page_sees"), 0),
                   ==, ISP4);

  first = json_object_get_object_member (o, "timings");
  g_assert_cmpint (json_object_get_int_member (first, "total_ms"), ==, 123);
  g_assert_true (json_object_has_member (first, "bound_ms"));
  g_assert_true (json_object_has_member (first, "browser_ms"));
  g_assert_true (json_object_has_member (first, "https_ms"));
}

/* Garbage is refused with an error, never half-read. */
static void
test_bad_input (void)
{
  const char *inputs[] = {
    "",
    "not json",
    "[]",
    "{}",
    "{\"version\": 99, \"status\": \"leak\"}",
    "{\"version\": 1, \"status\": \"purple\"}",
    "{\"version\": 1, \"status\": \"leak\", \"findings\": [1]}",
    "{\"version\": 1, \"status\": \"leak\", \"findings\": [{\"id\": \"x\", \"level\": \"huge\"}]}",
    "{\"version\": 1, \"status\": \"leak\", \"findings\": [], \"candidates\": {}}",
  };
  /* Whole reports but for one thing: no time, a time that is not one, or
   * "checking", which is no verdict. */
  const char *damage[] = { "no time", "time in words", "time as a number", "checking",
                           "a browser without its engine", "a browser mode that is none" };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LwReport) report = lw_report_new_from_json (inputs[i], &error);

      g_assert_null (report);
      g_assert_nonnull (error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (damage); i++)
    {
      g_autoptr(LwReport) whole = make_report ();
      g_autofree char *json = lw_report_to_json (whole, FALSE);
      g_autoptr(JsonNode) root = json_from_string (json, NULL);
      JsonObject *o = json_node_get_object (root);
      g_autoptr(GError) error = NULL;
      g_autoptr(LwReport) report = NULL;
      g_autofree char *damaged = NULL;

      if (g_str_equal (damage[i], "no time"))
        json_object_remove_member (o, "time");
      else if (g_str_equal (damage[i], "time in words"))
        json_object_set_string_member (o, "time", "yesterday");
      else if (g_str_equal (damage[i], "time as a number"))
        json_object_set_int_member (o, "time", 1795000000);
      else if (g_str_equal (damage[i], "checking"))
        json_object_set_string_member (o, "status", "checking");
      else
        {
          JsonObject *b = json_array_get_object_element (json_object_get_array_member (o, "browsers"), 1);

          if (g_str_equal (damage[i], "a browser without its engine"))
            json_object_remove_member (b, "engine");
          else
            json_object_set_string_member (b, "camera_mode", "mode-9");
        }
      damaged = json_to_string (root, FALSE);
      report = lw_report_new_from_json (damaged, &error);
      g_assert_null (report);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/report/json/round-trip", test_round_trip);
  g_test_add_func ("/report/json/schema", test_schema);
  g_test_add_func ("/report/json/bad-input", test_bad_input);

  return g_test_run ();
}
