/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lw-browser-audit.h"
#include "lw-notifier.h"
#include "lw-test-evidence.h"

/* What the user is told, report after report. */

static LwReport *
report_from (LwEvidence *ev)
{
  LwStatus status;
  GPtrArray *findings = lw_analyzer_analyze (ev, NULL, &status);

  return lw_report_new (ev, findings, status, 1795000000, NULL);
}

static LwReport *
protected_report (void)
{
  LwEvidence *ev = ev_home (TRUE);

  ev_default (ev, TUN4, NULL);
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, TUN4, STUN4, EXIT4);
  ev_https (ev, 4, EXIT4, LW_RESULT_ANSWERED);
  return report_from (ev);
}

/* Split tunnel: every page sees the ISP address. */
static LwReport *
leak_report (gboolean also_ipv6)
{
  LwEvidence *ev = ev_home (TRUE);

  ev_default (ev, TUN4, also_ipv6 ? LAN6 : NULL);
  if (also_ipv6)
    g_ptr_array_add (((LwInterface *) g_ptr_array_index (ev->interfaces, 1))->addresses,
                     lw_if_address_new (LAN6, 64));
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, TUN4, STUN4, ISP4);
  ev_https (ev, 4, EXIT4, LW_RESULT_ANSWERED);
  if (also_ipv6)
    {
      ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, LAN6, STUN6, LAN6);
      ev_https (ev, 6, LAN6, LW_RESULT_ANSWERED);
    }
  return report_from (ev);
}

/* Only camera pages see the ISP address. */
static LwReport *
warning_report (void)
{
  LwEvidence *ev = ev_home (TRUE);

  ev_default (ev, TUN4, NULL);
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, TUN4, STUN4, EXIT4);
  ev_browser (ev, LW_GATHER_ALL_INTERFACES, LAN4, STUN4, ISP4);
  ev_https (ev, 4, EXIT4, LW_RESULT_ANSWERED);
  return report_from (ev);
}

static LwReport *
unknown_report (void)
{
  LwEvidence *ev = ev_home (TRUE);

  ev_default (ev, TUN4, NULL);
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, TUN4, STUN4, NULL);
  ev_https (ev, 4, EXIT4, LW_RESULT_ANSWERED);
  return report_from (ev);
}

static LwReport *
novpn_report (void)
{
  LwEvidence *ev = ev_home (FALSE);

  ev_default (ev, LAN4, NULL);
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, LAN4, STUN4, ISP4);
  ev_https (ev, 4, ISP4, LW_RESULT_ANSWERED);
  return report_from (ev);
}

/* Feeds @report (consumed) and returns the notice, if any. */
static LwNotice *
feed (LwNotifier *notifier,
      LwReport   *report,
      gboolean    notify,
      gboolean    warnings)
{
  g_autoptr(LwReport) owned = report;

  return lw_notifier_update (notifier, owned, notify, warnings);
}

static void
test_leak_lifecycle (void)
{
  g_autoptr(LwNotifier) n = lw_notifier_new ();
  g_autoptr(LwNotice) notice = NULL;

  g_assert_null (feed (n, protected_report (), TRUE, FALSE));

  /* A leak appears: named, with who sees it, and urgent. */
  notice = feed (n, leak_report (FALSE), TRUE, FALSE);
  g_assert_nonnull (notice);
  g_assert_cmpstr (notice->title, ==, "Leak: " ISP4 " is visible");
  g_assert_nonnull (strstr (notice->body, ISP4));
  g_assert_nonnull (strstr (notice->body, "Every web page can read it"));
  g_assert_true (notice->urgent);
  g_clear_pointer (&notice, lw_notice_free);

  /* The same leak at the next check: silence. */
  g_assert_null (feed (n, leak_report (FALSE), TRUE, FALSE));

  /* An incomplete check says nothing about the leak being over. */
  g_assert_null (feed (n, unknown_report (), TRUE, FALSE));
  g_assert_null (feed (n, leak_report (FALSE), TRUE, FALSE));

  /* A new address leaks as well: a new notification, naming it. */
  notice = feed (n, leak_report (TRUE), TRUE, FALSE);
  g_assert_nonnull (notice);
  g_assert_cmpstr (notice->title, ==, "Leak: " LAN6 " is visible");
  g_clear_pointer (&notice, lw_notice_free);

  /* It drops out for a check and comes back: the same ongoing leak. */
  g_assert_null (feed (n, leak_report (FALSE), TRUE, FALSE));
  g_assert_null (feed (n, leak_report (TRUE), TRUE, FALSE));

  /* Gone. */
  notice = feed (n, protected_report (), TRUE, FALSE);
  g_assert_nonnull (notice);
  g_assert_cmpstr (notice->title, ==, "The leak is gone");
  g_assert_false (notice->urgent);
  g_clear_pointer (&notice, lw_notice_free);
  g_assert_null (feed (n, protected_report (), TRUE, FALSE));
}

/* Both families leak at once: the first notice and the headline name both
 * addresses, IPv4 first, not only the first finding's. */
static void
test_leak_both_families (void)
{
  g_autoptr(LwNotifier) n = lw_notifier_new ();
  g_autoptr(LwReport) report = leak_report (TRUE);
  g_autoptr(LwNotice) notice = lw_notifier_update (n, report, TRUE, FALSE);
  g_autofree char *headline = lw_report_dup_headline (report);

  g_assert_nonnull (notice);
  g_assert_cmpstr (notice->title, ==, "Leak: " ISP4 " and " LAN6 " are visible");
  g_assert_cmpstr (headline, ==, "Leak: " ISP4 " and " LAN6 " are visible to web pages");
}

static LwBrowserSetup *
setup (const char *name,
       const char *profile,
       const char *handling)
{
  LwBrowserSetup *s = g_new0 (LwBrowserSetup, 1);

  s->browser = g_ascii_strdown (name, -1);
  s->name = g_strdup (name);
  s->profile = g_strdup (profile);
  s->setting = g_strdup (handling);
  g_assert_true (lw_chromium_handling_modes (handling, &s->modes));
  lw_browser_setup_set_label (s);
  return s;
}

/* The browsers found: the headline and the notice name the ones that
 * leak, by name when all their profiles do, else by profile. */
static void
test_names_the_browsers (void)
{
  g_autoptr(LwNotifier) n = lw_notifier_new ();
  g_autoptr(LwReport) report = leak_report (FALSE);
  g_autoptr(GPtrArray) setups = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_browser_setup_free);
  g_autoptr(LwNotice) notice = NULL;
  g_autofree char *headline = NULL;

  g_ptr_array_add (setups, setup ("Chromium", "Default", "default"));
  g_ptr_array_add (setups, setup ("Brave", "Default", "default"));
  g_ptr_array_add (setups, setup ("Brave", "Work", "disable_non_proxied_udp"));
  g_ptr_array_add (setups, setup ("Vivaldi", "Default", "default_public_interface_only"));
  lw_report_set_browsers (report, lw_analyzer_browser_verdicts (lw_report_get_evidence (report), NULL, setups));

  headline = lw_report_dup_headline (report);
  g_assert_cmpstr (headline, ==, "Leak: any web page in Chromium, Brave (profile Default) and Vivaldi can "
                                 "read " ISP4 ", an address outside the VPN");
  notice = lw_notifier_update (n, report, TRUE, FALSE);
  g_assert_nonnull (notice);
  g_assert_nonnull (strstr (notice->body, "Browsers that show it: Chromium, Brave (profile Default) and Vivaldi."));
}

static void
test_vpn_down_after_leak (void)
{
  g_autoptr(LwNotifier) n = lw_notifier_new ();
  g_autoptr(LwNotice) first = feed (n, leak_report (FALSE), TRUE, FALSE);
  g_autoptr(LwNotice) down = feed (n, novpn_report (), TRUE, FALSE);

  g_assert_nonnull (first);
  g_assert_nonnull (down);
  g_assert_cmpstr (down->title, ==, "The VPN is down: sites see your real address");
  /* A leak is high priority, never "critical"; each with its status's icon. */
  g_assert_true (first->urgent);
  g_assert_cmpint (first->status, ==, LW_STATUS_LEAK);
  g_assert_cmpint (down->status, ==, LW_STATUS_UNPROTECTED);
}

/* From protected to no VPN: "VPN disconnected", once, unless turned off;
 * and with the status's icon. */
static void
test_vpn_disconnected (void)
{
  g_autoptr(LwNotifier) n = lw_notifier_new ();
  g_autoptr(LwNotifier) off = lw_notifier_new ();
  g_autoptr(LwNotice) down = NULL;

  g_assert_null (feed (n, protected_report (), TRUE, FALSE));
  down = feed (n, novpn_report (), TRUE, FALSE);
  g_assert_nonnull (down);
  g_assert_cmpstr (down->title, ==, "VPN disconnected");
  g_assert_true (g_str_has_prefix (down->body, "Sites now see your real address."));
  g_assert_false (down->urgent);
  g_assert_cmpint (down->status, ==, LW_STATUS_UNPROTECTED);
  /* Once: the next check without a VPN says nothing, nor does a check
   * that could not tell. */
  g_assert_null (feed (n, novpn_report (), TRUE, FALSE));
  g_assert_null (feed (n, unknown_report (), TRUE, FALSE));
  /* Never without a VPN before it. */
  {
    g_autoptr(LwNotifier) fresh = lw_notifier_new ();

    g_assert_null (feed (fresh, novpn_report (), TRUE, FALSE));
  }

  lw_notifier_set_notify_vpn_down (off, FALSE);
  g_assert_null (feed (off, protected_report (), TRUE, FALSE));
  g_assert_null (feed (off, novpn_report (), TRUE, FALSE));
}

static void
test_warnings_only_when_asked (void)
{
  g_autoptr(LwNotifier) quiet = lw_notifier_new ();
  g_autoptr(LwNotifier) asked = lw_notifier_new ();
  g_autoptr(LwNotice) notice = NULL;

  g_assert_null (feed (quiet, warning_report (), TRUE, FALSE));
  g_assert_null (feed (quiet, protected_report (), TRUE, FALSE));

  notice = feed (asked, warning_report (), TRUE, TRUE);
  g_assert_nonnull (notice);
  g_assert_true (g_str_has_prefix (notice->title, "Warning: " ISP4));
  g_assert_nonnull (strstr (notice->body, "camera or microphone"));
  g_clear_pointer (&notice, lw_notice_free);
  notice = feed (asked, protected_report (), TRUE, TRUE);
  g_assert_nonnull (notice);
  g_assert_cmpstr (notice->title, ==, "The warning is over");
  g_clear_pointer (&notice, lw_notice_free);

  /* Warnings turned off while one shows: no "over" while it lasts. */
  notice = feed (asked, warning_report (), TRUE, TRUE);
  g_assert_nonnull (notice);
  g_assert_null (feed (asked, warning_report (), TRUE, FALSE));
}

/* Notifications off: nothing, and no replay of the old leak once on. */
static void
test_off_then_on (void)
{
  g_autoptr(LwNotifier) n = lw_notifier_new ();

  g_assert_null (feed (n, leak_report (FALSE), FALSE, FALSE));
  g_assert_null (feed (n, leak_report (FALSE), TRUE, FALSE));
}

static void
test_to_notification (void)
{
  g_autoptr(LwNotifier) n = lw_notifier_new ();
  g_autoptr(LwNotice) notice = feed (n, leak_report (FALSE), TRUE, FALSE);
  g_autoptr(GNotification) notification = NULL;

  /* GLib has no public getters for what a GNotification carries: the
   * title, body and "Show report" button the user sees are checked where
   * they arrive, at the notification daemon (tests/lab/test-lab-notify.py). */
  g_assert_nonnull (notice);
  notification = lw_notice_to_notification (notice);
  g_assert_true (G_IS_NOTIFICATION (notification));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/notifier/names-the-browsers", test_names_the_browsers);

  g_test_add_func ("/notifier/leak-both-families", test_leak_both_families);
  g_test_add_func ("/notifier/leak-lifecycle", test_leak_lifecycle);
  g_test_add_func ("/notifier/vpn-down-after-leak", test_vpn_down_after_leak);
  g_test_add_func ("/notifier/vpn-disconnected", test_vpn_disconnected);
  g_test_add_func ("/notifier/warnings-only-when-asked", test_warnings_only_when_asked);
  g_test_add_func ("/notifier/off-then-on", test_off_then_on);
  g_test_add_func ("/notifier/to-notification", test_to_notification);

  return g_test_run ();
}
