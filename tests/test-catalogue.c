/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "lw-catalogue.h"
#include "lw-core-enums.h"
#include "lw-test-util.h"

/* The catalogue: the advice every view shows for a finding, the fixes the
 * report window shows under it, and the browsers it shows them for. */

static LwFinding *
finding (const char *id,
         LwLevel     level,
         LwAudience  audience,
         int         family)
{
  LwFindingKind kind;
  LwFinding *f;

  g_assert_true (lw_finding_kind_from_string (id, &kind));
  f = lw_finding_new (kind, level);

  f->audience = audience;
  f->family = family;
  return f;
}

static const LwFix *
fix_titled (GPtrArray  *fixes,
            const char *title)
{
  const LwFix *found = NULL;

  for (guint i = 0; i < fixes->len && found == NULL; i++)
    {
      const LwFix *fix = g_ptr_array_index (fixes, i);

      if (g_str_equal (fix->title, title))
        found = fix;
    }
  if (found == NULL)
    g_test_message ("no fix titled \"%s\"", title);
  g_assert_nonnull (found);
  return found;
}

static char *
titles (GPtrArray *fixes)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < fixes->len; i++)
    g_string_append_printf (out, "%s%s", i ? "|" : "", ((LwFix *) g_ptr_array_index (fixes, i))->title);
  return g_string_free (out, FALSE);
}

static void
assert_complete (GPtrArray *fixes)
{
  for (guint i = 0; i < fixes->len; i++)
    {
      const LwFix *fix = g_ptr_array_index (fixes, i);

      g_assert_nonnull (fix->title);
      g_assert_true (g_str_has_prefix (fix->steps, "1. "));
      g_assert_cmpuint (strlen (fix->cost), >, 10);
      /* What a copy button copies is what the steps say to type. */
      g_assert_nonnull (fix->commands);
      for (guint j = 0; fix->commands[j] != NULL; j++)
        {
          if (strstr (fix->steps, fix->commands[j]) == NULL)
            g_test_message ("“%s” is not in the steps of %s", fix->commands[j], fix->title);
          g_assert_nonnull (strstr (fix->steps, fix->commands[j]));
        }
    }
}

static void
test_split_tunnel_every_page (void)
{
  g_autoptr(LwFinding) f = finding ("public-address-leak", LW_LEVEL_LEAK, LW_AUDIENCE_EVERY_PAGE, 4);
  g_autoptr(GPtrArray) fixes = lw_catalogue_fixes (f, LW_BROWSER_FIREFOX | LW_BROWSER_BRAVE);
  g_autofree char *names = titles (fixes);

  f->advice = lw_catalogue_advice (f, LW_GAP_NONE);

  /* The cause's fix first, then only the browsers found, as workarounds,
   * then the kill switch. */
  g_assert_cmpstr (names, ==, "VPN: split tunnel|Firefox|Brave|VPN: kill switch");
  g_assert_false (fix_titled (fixes, "VPN: split tunnel")->workaround);
  g_assert_true (fix_titled (fixes, "Firefox")->workaround);
  g_assert_true (fix_titled (fixes, "Brave")->workaround);
  /* The same setting the advice names (it once said proxy_only while the
   * fix said media.peerconnection.enabled). */
  g_assert_nonnull (strstr (fix_titled (fixes, "Firefox")->steps, "media.peerconnection.ice.proxy_only"));
  g_assert_nonnull (strstr (f->advice, "media.peerconnection.ice.proxy_only"));
  g_assert_nonnull (strstr (fix_titled (fixes, "Brave")->steps, "Disable non-proxied UDP"));
  g_assert_nonnull (strstr (fix_titled (fixes, "VPN: split tunnel")->steps, "ipv4.never-default"));
  /* Each command the steps ask to type has its copy button. */
  {
    const char * const firefox[] = { "about:config", "media.peerconnection.ice.proxy_only", NULL };
    const char * const vpn[] = { "nmcli connection modify VPN-NAME ipv4.never-default no", NULL };

    g_assert_true (g_strv_equal ((const char * const *) fix_titled (fixes, "Firefox")->commands, firefox));
    g_assert_true (g_strv_equal ((const char * const *) fix_titled (fixes, "VPN: split tunnel")->commands, vpn));
    g_assert_cmpuint (g_strv_length (fix_titled (fixes, "VPN: kill switch")->commands), ==, 0);
  }
  assert_complete (fixes);
}

static void
test_camera_pages_only (void)
{
  g_autoptr(LwFinding) f = finding ("public-address-leak", LW_LEVEL_WARNING, LW_AUDIENCE_CAMERA_PAGES, 4);
  g_autoptr(GPtrArray) fixes = lw_catalogue_fixes (f, LW_BROWSER_FIREFOX | LW_BROWSER_CHROMIUM);
  g_autofree char *names = titles (fixes);

  /* Keeping such pages on the default route is enough: no need to break
   * every call, and no split tunnel to undo. */
  g_assert_cmpstr (names, ==, "Firefox|Chromium and Google Chrome|VPN: kill switch");
  /* Here the browser's setting is the fix, not a workaround. */
  g_assert_false (fix_titled (fixes, "Firefox")->workaround);
  g_assert_nonnull (strstr (fix_titled (fixes, "Firefox")->steps, "default_address_only"));
  g_assert_nonnull (strstr (fix_titled (fixes, "Chromium and Google Chrome")->steps,
                            "default_public_interface_only"));
  assert_complete (fixes);
}

static void
test_no_browser_found_means_all (void)
{
  g_autoptr(LwFinding) f = finding ("public-address-leak", LW_LEVEL_LEAK, LW_AUDIENCE_EVERY_PAGE, 6);
  g_autoptr(GPtrArray) fixes = lw_catalogue_fixes (f, 0);
  g_autofree char *names = titles (fixes);

  g_assert_cmpstr (names, ==,
                   "VPN: split tunnel|Firefox|Chromium and Google Chrome|Brave|Tor Browser|VPN: kill switch");
  g_assert_nonnull (strstr (fix_titled (fixes, "VPN: split tunnel")->steps, "ipv6.never-default"));
  /* Tor Browser is safe as it ships: no workaround to make. */
  g_assert_false (fix_titled (fixes, "Tor Browser")->workaround);
  g_assert_true (fix_titled (fixes, "Brave")->workaround);
  assert_complete (fixes);
}

/* An IPv6 address on the default route that every page sees is seen by
 * every site too: the advice says restricting WebRTC does not help, and
 * the fixes offer no browser setting (they once offered four). */
static void
test_ipv6_every_page_needs_the_vpn (void)
{
  g_autoptr(LwFinding) f = finding ("ipv6-leak", LW_LEVEL_LEAK, LW_AUDIENCE_EVERY_PAGE, 6);
  g_autoptr(LwFinding) camera = finding ("ipv6-leak", LW_LEVEL_WARNING, LW_AUDIENCE_CAMERA_PAGES, 6);
  g_autoptr(GPtrArray) fixes = lw_catalogue_fixes (f, LW_BROWSERS_ALL);
  g_autoptr(GPtrArray) camera_fixes = lw_catalogue_fixes (camera, LW_BROWSER_FIREFOX);
  g_autofree char *names = titles (fixes);
  g_autofree char *camera_names = titles (camera_fixes);
  g_autofree char *advice = lw_catalogue_advice (f, LW_GAP_NONE);
  g_autofree char *camera_advice = lw_catalogue_advice (camera, LW_GAP_NONE);

  g_assert_cmpstr (names, ==, "VPN: IPv6|VPN: kill switch");
  g_assert_nonnull (strstr (advice, "Restricting WebRTC alone does not help"));
  g_assert_nonnull (strstr (fix_titled (fixes, "VPN: IPv6")->steps, "ipv6.method disabled"));
  /* Camera pages only: keeping them on the default route helps. */
  g_assert_cmpstr (camera_names, ==, "Firefox|VPN: IPv6|VPN: kill switch");
  g_assert_nonnull (strstr (camera_advice, "media.peerconnection.ice.default_address_only"));
  g_assert_nonnull (strstr (fix_titled (camera_fixes, "Firefox")->steps,
                            "media.peerconnection.ice.default_address_only"));
  assert_complete (fixes);
  assert_complete (camera_fixes);
}

/* Every browser setting a fix asks for is the one the advice names, and
 * every command the advice gives is one a fix gives: the two are one
 * piece of knowledge and can never disagree. */
static void
test_advice_agrees_with_fixes (void)
{
  g_autoptr(GEnumClass) kinds = g_type_class_ref (LW_TYPE_FINDING_KIND);
  const LwAudience audiences[] = { LW_AUDIENCE_EVERY_PAGE, LW_AUDIENCE_CAMERA_PAGES };
  const char *settings[] = {
    "media.peerconnection.ice.proxy_only", "media.peerconnection.ice.default_address_only",
    "media.peerconnection.enabled", "disable_non_proxied_udp", "default_public_interface_only",
    "ipv6.method disabled", "ipv4.method disabled",
  };

  for (guint k = 0; k < kinds->n_values; k++)
    for (guint a = 0; a < G_N_ELEMENTS (audiences); a++)
      for (int family = 4; family <= 6; family += 2)
        {
          g_autoptr(LwFinding) f = finding (kinds->values[k].value_nick, LW_LEVEL_LEAK,
                                            audiences[a], family);
          g_autoptr(GPtrArray) fixes = lw_catalogue_fixes (f, LW_BROWSERS_ALL);
          g_autofree char *advice = lw_catalogue_advice (f, LW_GAP_NONE);
          g_autoptr(GString) all_steps = g_string_new (NULL);

          /* Every kind has words for what to do. */
          g_assert_cmpuint (strlen (advice), >, 20);
          for (guint i = 0; i < fixes->len; i++)
            g_string_append (all_steps, ((LwFix *) g_ptr_array_index (fixes, i))->steps);
          for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
            if (strstr (advice, settings[i]) != NULL && strstr (all_steps->str, settings[i]) == NULL)
              {
                g_test_message ("%s (%s, IPv%d): the advice names %s, no fix does",
                                kinds->values[k].value_nick, lw_audience_to_string (audiences[a]),
                                family, settings[i]);
                g_test_fail ();
              }
          /* No fix asks for what the advice says does not help. */
          if (strstr (advice, "Restricting WebRTC alone does not help") != NULL)
            g_assert_null (strstr (all_steps->str, "about:config"));
        }
}

/* The advice of an incomplete check names what could not be checked. */
static void
test_incomplete_advice (void)
{
  g_autoptr(LwFinding) f = finding ("check-incomplete", LW_LEVEL_UNKNOWN, LW_AUDIENCE_NONE, 4);
  g_autofree char *stun = lw_catalogue_advice (f, LW_GAP_STUN);
  g_autofree char *https = lw_catalogue_advice (f, LW_GAP_HTTPS);
  g_autofree char *offline = lw_catalogue_advice (f, LW_GAP_OFFLINE);

  /* The window's words: Preferences, not command-line options. */
  g_assert_nonnull (strstr (stun, "STUN servers in Preferences"));
  g_assert_null (strstr (stun, "--stun"));
  g_assert_nonnull (strstr (https, "address service in Preferences"));
  g_assert_cmpstr (offline, ==, "Leakwatch checks again when the computer reconnects.");
}

static void
test_every_site_needs_the_vpn (void)
{
  g_autoptr(LwFinding) f = finding ("ipv6-outside-tunnel", LW_LEVEL_LEAK, LW_AUDIENCE_EVERY_SITE, 6);
  g_autoptr(GPtrArray) fixes = lw_catalogue_fixes (f, LW_BROWSERS_ALL);
  g_autofree char *names = titles (fixes);

  /* No browser setting hides an address every site sees. */
  g_assert_cmpstr (names, ==, "VPN: IPv6|VPN: kill switch");
  assert_complete (fixes);
}

static void
test_local_addresses (void)
{
  g_autoptr(LwFinding) warning = finding ("local-addresses-visible", LW_LEVEL_WARNING,
                                          LW_AUDIENCE_EVERY_PAGE, 4);
  g_autoptr(LwFinding) note = finding ("local-addresses-visible", LW_LEVEL_NOTE,
                                       LW_AUDIENCE_CAMERA_PAGES, 4);
  g_autoptr(GPtrArray) fixes = lw_catalogue_fixes (warning, LW_BROWSER_CHROMIUM);
  g_autoptr(GPtrArray) none = lw_catalogue_fixes (note, LW_BROWSER_CHROMIUM);

  g_assert_cmpuint (fixes->len, ==, 1);
  g_assert_nonnull (strstr (fix_titled (fixes, "Chromium and Google Chrome")->steps, "mdns"));
  g_assert_cmpuint (none->len, ==, 0);
  assert_complete (fixes);
}

static void
test_nothing_to_fix (void)
{
  const char *ids[] = { "check-incomplete", "check-failed", "history-unsaved", "history-unreadable" };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(LwFinding) f = finding (ids[i], LW_LEVEL_UNKNOWN, LW_AUDIENCE_NONE, 0);
      g_autoptr(GPtrArray) fixes = lw_catalogue_fixes (f, LW_BROWSERS_ALL);

      g_assert_cmpuint (fixes->len, ==, 0);
    }
}

static void
test_vpn_findings (void)
{
  const struct { const char *id; const char *titles; } cases[] = {
    { "ipv4-outside-tunnel", "VPN: split tunnel|VPN: kill switch" },
    { "tunnel-not-carrying-traffic", "VPN: split tunnel|VPN: kill switch" },
    { "vpn-not-default-route", "VPN: split tunnel|VPN: kill switch" },
    { "tunnel-bypass-by-binding", "VPN: kill switch" },
    { "no-vpn", "VPN" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(LwFinding) f = finding (cases[i].id, LW_LEVEL_LEAK, LW_AUDIENCE_NONE, 4);
      g_autoptr(GPtrArray) fixes = lw_catalogue_fixes (f, LW_BROWSERS_ALL);
      g_autofree char *names = titles (fixes);

      g_assert_cmpstr (names, ==, cases[i].titles);
      assert_complete (fixes);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fixes/split-tunnel-every-page", test_split_tunnel_every_page);
  g_test_add_func ("/fixes/camera-pages-only", test_camera_pages_only);
  g_test_add_func ("/fixes/no-browser-found-means-all", test_no_browser_found_means_all);
  g_test_add_func ("/fixes/every-site-needs-the-vpn", test_every_site_needs_the_vpn);
  g_test_add_func ("/fixes/local-addresses", test_local_addresses);
  g_test_add_func ("/fixes/nothing-to-fix", test_nothing_to_fix);
  g_test_add_func ("/fixes/ipv6-every-page-needs-the-vpn", test_ipv6_every_page_needs_the_vpn);
  g_test_add_func ("/catalogue/advice-agrees-with-fixes", test_advice_agrees_with_fixes);
  g_test_add_func ("/catalogue/incomplete-advice", test_incomplete_advice);
  g_test_add_func ("/fixes/vpn-findings", test_vpn_findings);
  return g_test_run ();
}
