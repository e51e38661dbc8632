/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "leakwatch-report"

#include "config.h"

#include <glib/gi18n.h>

#include "lw-fixes.h"

/* What to do about a finding, concretely: for each browser found on this
 * machine, the setting that changes what web pages can gather (see
 * docs/DOMAIN.md, "Browser settings mapped to modes"), and for the VPN, the
 * setting that stops traffic leaving outside the tunnel. Each fix says what
 * it costs, because every one of them takes something away. Pure data: no
 * I/O but the look for installed browsers. */

typedef struct
{
  LwBrowsers   browser;
  const char  *desktop_ids[6];
  const char  *programs[4];
} BrowserLookup;

static const BrowserLookup lookups[] = {
  { LW_BROWSER_FIREFOX,
    { "firefox.desktop", "firefox-esr.desktop", "org.mozilla.firefox.desktop",
      "firefox_firefox.desktop", NULL },
    { "firefox", "firefox-esr", NULL } },
  { LW_BROWSER_CHROMIUM,
    { "chromium.desktop", "chromium-browser.desktop", "google-chrome.desktop",
      "org.chromium.Chromium.desktop", "com.google.Chrome.desktop", "chromium_chromium.desktop" },
    { "chromium", "google-chrome", "google-chrome-stable", NULL } },
  { LW_BROWSER_BRAVE,
    { "brave-browser.desktop", "com.brave.Browser.desktop", "brave_brave.desktop", NULL },
    { "brave-browser", "brave", NULL } },
  { LW_BROWSER_TOR,
    { "torbrowser.desktop", "org.torproject.torbrowser-launcher.desktop",
      "start-tor-browser.desktop", NULL },
    { "torbrowser-launcher", "tor-browser", NULL } },
};

static gboolean
desktop_file_exists (const char *id)
{
  const char * const *dirs = g_get_system_data_dirs ();
  g_autofree char *user = g_build_filename (g_get_user_data_dir (), "applications", id, NULL);

  if (g_file_test (user, G_FILE_TEST_EXISTS))
    return TRUE;
  for (guint i = 0; dirs[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (dirs[i], "applications", id, NULL);

      if (g_file_test (path, G_FILE_TEST_EXISTS))
        return TRUE;
    }
  return FALSE;
}

/* Whether the browser of @lookup is installed: one desktop file or program
 * is enough. */
static gboolean
lookup_finds (const BrowserLookup *lookup)
{
  for (guint j = 0; j < G_N_ELEMENTS (lookup->desktop_ids) && lookup->desktop_ids[j]; j++)
    if (desktop_file_exists (lookup->desktop_ids[j]))
      return TRUE;
  for (guint j = 0; j < G_N_ELEMENTS (lookup->programs) && lookup->programs[j]; j++)
    {
      g_autofree char *path = g_find_program_in_path (lookup->programs[j]);

      if (path != NULL)
        return TRUE;
    }
  return FALSE;
}

LwBrowsers
lw_browsers_detect (void)
{
  LwBrowsers found = 0;

  for (guint i = 0; i < G_N_ELEMENTS (lookups); i++)
    if (!(found & lookups[i].browser) && lookup_finds (&lookups[i]))
      found |= lookups[i].browser;
  return found;
}

const char *
lw_browser_name (LwBrowsers browser)
{
  switch ((int) browser)
    {
    case LW_BROWSER_FIREFOX:
      return _("Firefox");
    case LW_BROWSER_CHROMIUM:
      return _("Chromium and Google Chrome");
    case LW_BROWSER_BRAVE:
      return _("Brave");
    case LW_BROWSER_TOR:
      return _("Tor Browser");
    default:
      return NULL;
    }
}

void
lw_fix_free (LwFix *self)
{
  if (self == NULL)
    return;
  g_free (self->title);
  g_free (self->steps);
  g_free (self->cost);
  g_strfreev (self->commands);
  g_free (self);
}

/* The commands follow, each a text the steps ask the user to type,
 * exactly as the steps write it; then NULL. */
G_GNUC_NULL_TERMINATED static void
add_fix (GPtrArray  *fixes,
         const char *title,
         const char *steps,
         const char *cost,
         ...)
{
  LwFix *fix = g_new0 (LwFix, 1);
  g_autoptr(GStrvBuilder) commands = g_strv_builder_new ();
  const char *command;
  va_list args;

  fix->title = g_strdup (title);
  fix->steps = g_strdup (steps);
  fix->cost = g_strdup (cost);
  va_start (args, cost);
  while ((command = va_arg (args, const char *)) != NULL)
    g_strv_builder_add (commands, command);
  va_end (args);
  fix->commands = g_strv_builder_end (commands);
  g_ptr_array_add (fixes, fix);
}

/* How far a browser must be restricted for a finding. */
typedef enum
{
  RESTRICT_NONE,
  RESTRICT_DEFAULT_ROUTE,   /* camera pages: gather on the default route only (Mode 2) */
  RESTRICT_NO_HOST,         /* hide local addresses (Mode 3) */
  RESTRICT_NO_UDP,          /* every page: no direct UDP at all (Mode 4 / WebRTC off) */
} Restriction;

static void
add_browser_fix (GPtrArray   *fixes,
                 LwBrowsers   browser,
                 Restriction  restriction)
{
  const char *name = lw_browser_name (browser);
  /* Chromium's policy, for the Chromium-based browsers without a settings
   * page for it: the value of WebRtcIPHandling, and the commands that
   * write it. */
  const char *mkdir_policies = "sudo mkdir -p /etc/chromium/policies/managed";
  const char *policy = NULL;
  const char *cost;
  g_autofree char *write_policy = NULL;
  g_autofree char *policy_steps = NULL;

  switch (restriction)
    {
    case RESTRICT_DEFAULT_ROUTE:
    case RESTRICT_NO_HOST:
      policy = "default_public_interface_only";
      break;
    case RESTRICT_NO_UDP:
      policy = "disable_non_proxied_udp";
      break;
    case RESTRICT_NONE:
    default:
      return;
    }
  write_policy = g_strdup_printf ("echo '{ \"WebRtcIPHandling\": \"%s\" }' | "
                                  "sudo tee /etc/chromium/policies/managed/leakwatch.json", policy);
  if (restriction == RESTRICT_NO_HOST)
    /* Translators: the two %s are commands to type in a terminal, as they are. */
    policy_steps = g_strdup_printf (_("1. Open chrome://flags/#enable-webrtc-hide-local-ips-with-mdns "
                                      "and make sure it is not Disabled.\n"
                                      "2. For more, in a terminal, create the policy folder: %s\n"
                                      "3. Write the policy into it: %s\n"
                                      "4. For Google Chrome, write /etc/opt/chrome/policies/managed "
                                      "instead in both commands.\n"
                                      "5. Restart the browser and check chrome://policy."),
                                    mkdir_policies, write_policy);
  else
    /* Translators: the two %s are commands to type in a terminal, as they are. */
    policy_steps = g_strdup_printf (_("1. In a terminal, create the policy folder: %s\n"
                                      "2. Write the policy into it: %s\n"
                                      "3. For Google Chrome, write /etc/opt/chrome/policies/managed "
                                      "instead in both commands.\n"
                                      "4. Restart the browser and check chrome://policy."),
                                    mkdir_policies, write_policy);

  switch ((int) browser)
    {
    case LW_BROWSER_FIREFOX:
      if (restriction == RESTRICT_NO_UDP)
        add_fix (fixes, name,
                 _("1. Type about:config in the address bar and accept the warning.\n"
                   "2. Search for media.peerconnection.enabled and set it to false.\n"
                   "3. Restart Firefox. (Do this in every profile you use.)"),
                 _("Video and voice calls in web pages (Meet, Jitsi, Discord) stop working in "
                   "Firefox."),
                 "about:config", "media.peerconnection.enabled", NULL);
      else if (restriction == RESTRICT_NO_HOST)
        add_fix (fixes, name,
                 _("1. Type about:config in the address bar and accept the warning.\n"
                   "2. Make sure media.peerconnection.ice.obfuscate_host_addresses is true.\n"
                   "3. For more, set media.peerconnection.ice.no_host to true."),
                 _("Calls between two computers on the same network go through a server "
                   "instead of directly, which can add delay."),
                 "about:config", "media.peerconnection.ice.obfuscate_host_addresses",
                 "media.peerconnection.ice.no_host", NULL);
      else
        add_fix (fixes, name,
                 _("1. Type about:config in the address bar and accept the warning.\n"
                   "2. Search for media.peerconnection.ice.default_address_only and set it "
                   "to true.\n"
                   "3. Restart Firefox. (Do this in every profile you use.)"),
                 _("Calls only use the connection that has the default route; a call may "
                   "connect more slowly when that path is poor."),
                 "about:config", "media.peerconnection.ice.default_address_only", NULL);
      break;

    case LW_BROWSER_CHROMIUM:
      cost = restriction == RESTRICT_NO_UDP
               ? _("Calls in web pages work only through a proxy or a relay (TURN over TCP); "
                   "many fail.")
               : _("Calls only use the default route; direct calls on your local network "
                   "go through a server instead.");
      if (restriction == RESTRICT_NO_HOST)
        add_fix (fixes, name, policy_steps, cost,
                 "chrome://flags/#enable-webrtc-hide-local-ips-with-mdns",
                 mkdir_policies, write_policy, "chrome://policy", NULL);
      else
        add_fix (fixes, name, policy_steps, cost,
                 mkdir_policies, write_policy, "chrome://policy", NULL);
      break;

    case LW_BROWSER_BRAVE:
      add_fix (fixes, name,
               restriction == RESTRICT_NO_UDP
                 ? _("1. Open brave://settings/privacy.\n"
                     "2. Under “WebRTC IP handling policy”, choose “Disable non-proxied UDP”.")
                 : _("1. Open brave://settings/privacy.\n"
                     "2. Under “WebRTC IP handling policy”, choose “Default public interface "
                     "only”."),
               restriction == RESTRICT_NO_UDP
                 ? _("Calls in web pages work only through a proxy or a relay; many fail.")
                 : _("Direct calls on your local network go through a server instead."),
               "brave://settings/privacy", NULL);
      break;

    case LW_BROWSER_TOR:
      add_fix (fixes, name,
               _("1. Nothing to change: Tor Browser ships with WebRTC turned off.\n"
                 "2. Keep media.peerconnection.enabled at false in about:config."),
               _("None: Tor Browser never offered WebRTC calls."),
               "about:config", "media.peerconnection.enabled", NULL);
      break;

    default:
      break;
    }
}

static void
add_vpn_kill_switch (GPtrArray *fixes)
{
  add_fix (fixes, _("VPN: kill switch"),
           _("1. Turn on your VPN app's kill switch (often “Block connections without VPN”, "
             "“Lockdown mode” or “Always-on VPN”).\n"
             "2. With a hand-made setup (WireGuard, OpenVPN), add firewall rules that drop "
             "traffic leaving through any interface but the tunnel, except to the VPN server."),
           _("No network at all while the VPN is down or reconnecting, and local devices "
             "(printers, file shares) may need an exception."),
           NULL);
}

static void
add_vpn_full_tunnel (GPtrArray  *fixes,
                     const char *family)
{
  g_autofree char *command =
    g_strdup_printf ("nmcli connection modify VPN-NAME %s.never-default no",
                     g_str_equal (family, "IPv6") ? "ipv6" : "ipv4");
  /* Translators: the first %s is IPv4 or IPv6, the second a command to
   * type in a terminal, as it is. */
  g_autofree char *steps =
    g_strdup_printf (_("1. Turn off split tunnelling in your VPN app, or remove the exceptions that "
                       "send some destinations around the tunnel.\n"
                       "2. With NetworkManager: Settings → Network → VPN → ⚙ → %s, and clear "
                       "“Use this connection only for resources on its network”; or in a "
                       "terminal, with your VPN's name for VPN-NAME: %s\n"
                       "3. Reconnect the VPN."),
                     family, command);

  add_fix (fixes, _("VPN: split tunnel"), steps,
           _("Everything goes through the VPN: some sites may be slower, and services that "
             "must see your home address (banking, streaming regions) see the VPN's."),
           command, NULL);
}

static void
add_vpn_ipv6 (GPtrArray *fixes)
{
  const char *command = "nmcli connection modify CONNECTION-NAME ipv6.method disabled";
  /* Translators: %s is a command to type in a terminal, as it is. */
  g_autofree char *steps =
    g_strdup_printf (_("1. Turn on IPv6 in the VPN (if your provider tunnels it), or its “IPv6 leak "
                       "protection”, which blocks IPv6 outside the tunnel.\n"
                       "2. Otherwise turn IPv6 off on your local connection: Settings → Network → "
                       "⚙ → IPv6 → Disable; or in a terminal, with the connection's name for "
                       "CONNECTION-NAME: %s\n"
                       "3. Reconnect."),
                     command);

  add_fix (fixes, _("VPN: IPv6"), steps,
           _("With IPv6 off, IPv6-only sites are out of reach, and on IPv6-only networks "
             "nothing works until you turn it back on."),
           command, NULL);
}

static void
add_browsers (GPtrArray   *fixes,
              LwBrowsers   browsers,
              Restriction  restriction)
{
  static const LwBrowsers order[] = {
    LW_BROWSER_FIREFOX, LW_BROWSER_CHROMIUM, LW_BROWSER_BRAVE, LW_BROWSER_TOR,
  };

  if ((browsers & LW_BROWSERS_ALL) == 0)
    browsers = LW_BROWSERS_ALL;
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    if (browsers & order[i])
      add_browser_fix (fixes, order[i], restriction);
}

GPtrArray *
lw_fixes_for_finding (const LwFinding *finding,
                      LwBrowsers       browsers)
{
  g_autoptr(GPtrArray) fixes = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_fix_free);
  const char *id;
  gboolean camera_only;

  g_return_val_if_fail (finding != NULL && finding->id != NULL, NULL);

  id = finding->id;
  camera_only = finding->audience == LW_AUDIENCE_CAMERA_PAGES;

  if (g_str_equal (id, "public-address-leak"))
    {
      /* Seen by camera pages only: keep them on the default route. Seen by
       * every page: the route to the STUN server itself leaves outside the
       * tunnel, so only refusing direct UDP helps in the browser. */
      add_browsers (fixes, browsers, camera_only ? RESTRICT_DEFAULT_ROUTE : RESTRICT_NO_UDP);
      if (!camera_only)
        add_vpn_full_tunnel (fixes, finding->family == 6 ? "IPv6" : "IPv4");
      add_vpn_kill_switch (fixes);
    }
  else if (g_str_equal (id, "ipv6-leak"))
    {
      add_browsers (fixes, browsers, camera_only ? RESTRICT_DEFAULT_ROUTE : RESTRICT_NO_UDP);
      add_vpn_ipv6 (fixes);
      add_vpn_kill_switch (fixes);
    }
  else if (g_str_equal (id, "ipv6-outside-tunnel"))
    {
      /* Every site sees it, not only WebRTC: no browser setting helps. */
      add_vpn_ipv6 (fixes);
      add_vpn_kill_switch (fixes);
    }
  else if (g_str_equal (id, "ipv4-outside-tunnel"))
    {
      add_vpn_full_tunnel (fixes, "IPv4");
      add_vpn_kill_switch (fixes);
    }
  else if (g_str_equal (id, "tunnel-not-carrying-traffic") ||
           g_str_equal (id, "vpn-not-default-route"))
    {
      add_vpn_full_tunnel (fixes, finding->family == 6 ? "IPv6" : "IPv4");
      add_vpn_kill_switch (fixes);
    }
  else if (g_str_equal (id, "local-addresses-visible"))
    {
      if (finding->level != LW_LEVEL_NOTE)
        add_browsers (fixes, browsers, RESTRICT_NO_HOST);
    }
  else if (g_str_equal (id, "tunnel-bypass-by-binding"))
    {
      add_vpn_kill_switch (fixes);
    }
  else if (g_str_equal (id, "no-vpn"))
    {
      add_fix (fixes, _("VPN"),
               _("1. Connect your VPN: Settings → Network → VPN, or your provider's app.\n"
                 "2. To be covered from the start, let it connect automatically with your "
                 "network (Settings → Network → your connection → ⚙ → Identity or General)."),
               _("Traffic takes the VPN's detour, which costs some speed."),
               NULL);
    }

  return g_steal_pointer (&fixes);
}
