/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "leakwatch"

#include "config.h"

#include <glib/gi18n.h>

#include "lw-catalogue.h"

/* What to do about each kind of finding. The advice (one paragraph, in
 * the report, so the CLI, the notifications, the tray and the window all
 * show the same words) and the concrete fixes (the window's "How to fix
 * it") are both made here, from the same decisions: restriction_for()
 * says how far browsers must be restricted, and the one table below names
 * each browser's setting for it (docs/DOMAIN.md, "Browser settings mapped
 * to modes"). Each fix says what it costs, because every one of them
 * takes something away. Pure data: no I/O. */

/* How far a browser must be restricted for a finding. */
typedef enum
{
  RESTRICT_NONE,
  RESTRICT_DEFAULT_ROUTE,   /* camera pages: gather on the default route only (Mode 2) */
  RESTRICT_NO_HOST,         /* hide local addresses (Mode 3) */
  RESTRICT_NO_UDP,          /* every page: no direct UDP at all (Mode 4) */
} Restriction;

/* Each restriction's setting in Firefox's about:config and in the
 * Chromium family's WebRtcIPHandling policy.
 *
 * Mode 4 in Firefox is media.peerconnection.ice.proxy_only, not
 * media.peerconnection.enabled = false: both stop the leak, but
 * proxy_only is the same restriction as Chromium's
 * disable_non_proxied_udp, costs the same (calls work only through a
 * proxy or a relay), and leaves WebRTC on for pages that use one.
 * Turning WebRTC off takes away more than the leak needs. */
static const struct
{
  const char *firefox_pref;
  const char *chromium_policy;
} restriction_settings[] = {
  [RESTRICT_NONE] = { NULL, NULL },
  [RESTRICT_DEFAULT_ROUTE] = { "media.peerconnection.ice.default_address_only",
                               "default_public_interface_only" },
  [RESTRICT_NO_HOST] = { "media.peerconnection.ice.no_host", "default_public_interface_only" },
  [RESTRICT_NO_UDP] = { "media.peerconnection.ice.proxy_only", "disable_non_proxied_udp" },
};

static gboolean
seen_by_camera_pages_only (const LwFinding *f)
{
  return f->audience == LW_AUDIENCE_CAMERA_PAGES;
}

/* Whether the finding's cause is one route, rule or prefix, rather than a
 * whole family left outside the tunnel. */
static gboolean
route_specific (const LwFinding *f)
{
  switch (f->cause)
    {
    case LW_CAUSE_SPLIT_ROUTE:
    case LW_CAUSE_PUSHED_ROUTE:
    case LW_CAUSE_LOCAL_NETWORK:
    case LW_CAUSE_POLICY_RULE:
      return TRUE;
    case LW_CAUSE_NONE:
    case LW_CAUSE_FAMILY_NOT_TUNNELLED:
    default:
      return FALSE;
    }
}

static Restriction
restriction_for (const LwFinding *f)
{
  switch (f->kind)
    {
    case LW_FINDING_PUBLIC_ADDRESS_LEAK:
      /* Seen by camera pages only: keep them on the default route. Seen by
       * every page: the route to the STUN server itself leaves outside the
       * tunnel, so only refusing direct UDP helps in the browser. */
      return seen_by_camera_pages_only (f) ? RESTRICT_DEFAULT_ROUTE : RESTRICT_NO_UDP;
    case LW_FINDING_IPV6_LEAK:
      /* Seen by every page because one route sends the STUN server around
       * the tunnel: refusing direct UDP helps, as for IPv4. Seen by every
       * page because the default IPv6 route is outside, every site sees
       * it over plain HTTPS too: no browser setting hides it, and the
       * advice says so. */
      if (seen_by_camera_pages_only (f))
        return RESTRICT_DEFAULT_ROUTE;
      return route_specific (f) ? RESTRICT_NO_UDP : RESTRICT_NONE;
    case LW_FINDING_LOCAL_ADDRESSES_VISIBLE:
      /* A note (camera pages only) needs nothing changed. */
      return f->level != LW_LEVEL_NOTE ? RESTRICT_NO_HOST : RESTRICT_NONE;
    case LW_FINDING_IPV6_OUTSIDE_TUNNEL:
    case LW_FINDING_IPV4_OUTSIDE_TUNNEL:
    case LW_FINDING_TUNNEL_NOT_CARRYING_TRAFFIC:
    case LW_FINDING_VPN_NOT_DEFAULT_ROUTE:
    case LW_FINDING_NO_VPN:
    case LW_FINDING_TUNNEL_BYPASS_BY_BINDING:
    case LW_FINDING_APPS_SEE_ADDRESS:
    case LW_FINDING_BROWSER_SHOWS_MORE:
    case LW_FINDING_CHECK_INCOMPLETE:
    case LW_FINDING_CHECK_FAILED:
    case LW_FINDING_HISTORY_UNSAVED:
    case LW_FINDING_HISTORY_UNREADABLE:
    default:
      return RESTRICT_NONE;
    }
}

static const char *
family_name (int family)
{
  return family == 6 ? "IPv6" : "IPv4";
}

/* The command that turns a family off on a NetworkManager connection. */
static char *
family_off_command (int family)
{
  return g_strdup_printf ("nmcli connection modify CONNECTION-NAME %s.method disabled",
                          family == 6 ? "ipv6" : "ipv4");
}

/* The browser settings of @restriction, as a clause of the advice. */
static char *
browser_clause (Restriction restriction)
{
  /* Translators: the first %s is a Firefox setting, the second a value of
   * Chromium's WebRtcIPHandling policy; both as they are. */
  return g_strdup_printf (_("in Firefox set %s to true; in Chromium, Chrome, Brave and Edge set the "
                            "policy WebRtcIPHandling to \"%s\""),
                          restriction_settings[restriction].firefox_pref,
                          restriction_settings[restriction].chromium_policy);
}

static char *
exposure_advice (const LwFinding *f)
{
  Restriction restriction = restriction_for (f);
  /* None when no browser setting helps (the advice then says so). */
  g_autofree char *browsers = restriction != RESTRICT_NONE ? browser_clause (restriction) : NULL;
  g_autofree char *off = family_off_command (6);

  if (restriction == RESTRICT_NO_UDP)
    /* Translators: %s says which browser settings to change. */
    return g_strdup_printf (_("Make the VPN carry all traffic: turn off split tunnelling for your "
                              "browser and for STUN (UDP), and turn on the VPN's kill switch. "
                              "Until then, only keeping WebRTC's UDP off the direct path helps: "
                              "%s. Cost: video calls then need a TURN server or a proxy."),
                            browsers);
  if (f->kind == LW_FINDING_PUBLIC_ADDRESS_LEAK)
    return g_strdup_printf (_("Only pages with camera or microphone permission gather from this "
                              "interface. Keep them to the default route: %s. Cost: calls may "
                              "relay through a server instead of connecting directly on the local "
                              "network. Turning on the VPN's kill switch also stops it."),
                            browsers);
  if (!seen_by_camera_pages_only (f))
    /* Translators: %s is a command to type in a terminal, as it is. */
    return g_strdup_printf (_("Use a VPN that tunnels IPv6 (or blocks it), or turn IPv6 off on the "
                              "physical connection: %s. Cost: sites reachable only over IPv6 stop "
                              "working. Restricting WebRTC alone does not help here, because the "
                              "default IPv6 route itself is outside the tunnel."),
                            off);
  /* Translators: the first %s says which browser settings to change, the
   * second is a command to type in a terminal. */
  return g_strdup_printf (_("Only pages with camera or microphone permission see this address. "
                            "Keep them to the default route: %s. Or turn IPv6 off on the physical "
                            "connection (%s). Cost: calls may relay through a server; without "
                            "IPv6, IPv6-only sites stop working."),
                          browsers, off);
}

/* The command that stops a connection from taking the routes its network
 * pushes (DHCP option 121, router advertisements). */
static char *
ignore_routes_command (int family)
{
  return g_strdup_printf ("nmcli connection modify CONNECTION-NAME %s.ignore-auto-routes yes",
                          family == 6 ? "ipv6" : "ipv4");
}

/* What to do when the routes name the cause: the fix is the route's, and
 * a browser setting only covers for it. */
static char *
cause_advice (const LwFinding *f)
{
  Restriction restriction = restriction_for (f);
  g_autofree char *browsers = restriction != RESTRICT_NONE ? browser_clause (restriction) : NULL;
  g_autofree char *until = browsers != NULL
                             /* Translators: %s says which browser settings to change. */
                             ? g_strdup_printf (_("Until then, keep WebRTC's UDP off the direct "
                                                  "path: %s."), browsers)
                             : NULL;
  g_autofree char *advice = NULL;
  g_autofree char *command = NULL;
  const char *route = f->route != NULL ? f->route : "?";

  switch (f->cause)
    {
    case LW_CAUSE_PUSHED_ROUTE:
      command = ignore_routes_command (f->family == 6 ? 6 : 4);
      /* Translators: %1$s is a route, %2$s a command to type in a terminal */
      advice = g_strdup_printf (_("The network you are on pushed the route %1$s, which overrides your "
                                  "VPN. Tell NetworkManager to ignore routes from this network: %2$s, "
                                  "then reconnect. Or use a VPN whose kill switch or network-namespace "
                                  "isolation does not follow the routing table, or leave this "
                                  "network."), route, command);
      break;
    case LW_CAUSE_LOCAL_NETWORK:
      /* Translators: %s is a route's prefix */
      advice = g_strdup_printf (_("The local network's prefix (%s) covers public addresses, and the "
                                  "VPN leaves the local network outside the tunnel. Turn off the "
                                  "VPN's “allow access to the local network” option, or leave this "
                                  "network."), route);
      break;
    case LW_CAUSE_POLICY_RULE:
      /* Translators: %s is a route */
      advice = g_strdup_printf (_("A policy rule sends this traffic to another routing table, whose "
                                  "route %s leaves around the tunnel (ip rule lists the rules). "
                                  "Remove the rule, or narrow it to what must bypass the VPN."),
                                route);
      break;
    case LW_CAUSE_SPLIT_ROUTE:
      /* Translators: %s is a route */
      advice = g_strdup_printf (_("The route %s sends this destination around the tunnel: remove "
                                  "that exception (split tunnelling) from the VPN, and turn on its "
                                  "kill switch."), route);
      break;
    case LW_CAUSE_NONE:
    case LW_CAUSE_FAMILY_NOT_TUNNELLED:
    default:
      g_return_val_if_reached (g_strdup (""));
    }
  /* Two sentences, each whole; the space between them is not a translator's. */
  return until != NULL ? g_strconcat (advice, " ", until, NULL) : g_steal_pointer (&advice);
}

static char *
incomplete_advice (LwGap gap)
{
  switch (gap)
    {
    case LW_GAP_STUN:
      return g_strdup (_("Check that UDP to the STUN servers is allowed, or choose other STUN "
                         "servers in Preferences (an IPv4 and an IPv6 one)."));
    case LW_GAP_HTTPS:
      return g_strdup (_("Check the network connection, or choose a reachable address service "
                         "in Preferences."));
    case LW_GAP_EVERYTHING:
      return g_strdup (_("Check the network connection and name resolution (DNS). If you use "
                         "servers of your own, choose them in Preferences."));
    case LW_GAP_UNREACHABLE:
      return g_strdup (_("Check the network connection. If you use servers of your own, check "
                         "that they are running."));
    case LW_GAP_TUNNEL_SILENT:
      return g_strdup (_("Reconnect the VPN. If nothing passes after that, its server may be down "
                         "or blocked on this network: try another server of your provider. "
                         "Leakwatch checks again when the tunnel changes."));
    case LW_GAP_OFFLINE:
      return g_strdup (_("Leakwatch checks again when the computer reconnects."));
    case LW_GAP_NONE:
    default:
      return g_strdup (_("Leakwatch tries again at the next check, or when the network changes."));
    }
}

char *
lw_catalogue_advice (const LwFinding *f,
                     LwGap            gap)
{
  g_autofree char *off = NULL;

  g_return_val_if_fail (f != NULL, NULL);

  if (route_specific (f))
    return cause_advice (f);

  switch (f->kind)
    {
    case LW_FINDING_PUBLIC_ADDRESS_LEAK:
    case LW_FINDING_IPV6_LEAK:
      return exposure_advice (f);

    case LW_FINDING_IPV6_OUTSIDE_TUNNEL:
      off = family_off_command (6);
      /* Translators: %s is a command to type in a terminal, as it is. */
      return g_strdup_printf (_("Make the VPN carry IPv6 as well (or block it), or turn IPv6 off on "
                                "the physical connection: %s."), off);

    case LW_FINDING_IPV4_OUTSIDE_TUNNEL:
      /* Not "turn IPv4 off": few networks work without it. */
      return g_strdup (_("Make the VPN carry IPv4 as well: turn off split tunnelling for it (in "
                         "NetworkManager, ipv4.never-default=no), and turn on the VPN's kill "
                         "switch."));

    case LW_FINDING_TUNNEL_NOT_CARRYING_TRAFFIC:
      return g_strdup (_("Reconnect the VPN and check that it owns the default route "
                         "(ip route get 203.0.113.1 should name the tunnel). Turn on its kill "
                         "switch."));

    case LW_FINDING_VPN_NOT_DEFAULT_ROUTE:
      return g_strdup (_("If you want the VPN to hide your address, let it carry the default "
                         "route: in NetworkManager, turn off “Use this connection only for "
                         "resources on its network” (ipv4.never-default=no)."));

    case LW_FINDING_NO_VPN:
      return g_strdup (_("Connect your VPN if you want to hide your address; Leakwatch then "
                         "checks that WebRTC does not reveal it."));

    case LW_FINDING_LOCAL_ADDRESSES_VISIBLE:
      return g_strdup (_("Keep mDNS obfuscation on (the default in Chrome, Firefox and Safari). "
                         "In Firefox, media.peerconnection.ice.obfuscate_host_addresses must stay "
                         "true; in Chromium-based browsers avoid the policy "
                         "WebRtcIPHandling=\"default_public_and_private_interfaces\"."));

    case LW_FINDING_TUNNEL_BYPASS_BY_BINDING:
      return g_strdup (_("Turn on the VPN's kill switch (firewall rules that drop traffic "
                         "outside the tunnel), so native calling apps cannot bypass it."));

    case LW_FINDING_APPS_SEE_ADDRESS:
      return g_strdup (_("Browser settings do not reach these apps: let the VPN carry all your "
                         "traffic, and turn on its kill switch."));

    case LW_FINDING_BROWSER_SHOWS_MORE:
      return g_strdup (_("Close the browser completely, open it again and test it once more. If it "
                         "still shows more, look at the flags its launcher passes and at the "
                         "extensions that change WebRTC."));

    case LW_FINDING_CHECK_INCOMPLETE:
      return incomplete_advice (gap);

    case LW_FINDING_CHECK_FAILED:
      return g_strdup (_("Leakwatch tries again at the next check, or when the network changes. "
                         "If this stays, correct what the message names."));

    case LW_FINDING_HISTORY_UNSAVED:
      return g_strdup (_("Make room on the disk, or make the folder of the history writable "
                         "(~/.local/share/leakwatch)."));

    case LW_FINDING_HISTORY_UNREADABLE:
      return g_strdup (_("Make room on the disk, or make the folder of the history writable "
                         "(~/.local/share/leakwatch); the history itself is kept."));

    default:
      g_return_val_if_reached (g_strdup (""));
    }
}

/* --- fixes --------------------------------------------------------------- */

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

static void
add_browser_fix (GPtrArray   *fixes,
                 LwBrowsers   browser,
                 Restriction  restriction)
{
  const char *name = lw_browser_name (browser);
  const char *pref = restriction_settings[restriction].firefox_pref;
  const char *policy = restriction_settings[restriction].chromium_policy;
  /* Chromium's policy, for the Chromium-based browsers without a settings
   * page for it: the commands that write it. */
  const char *mkdir_policies = "sudo mkdir -p /etc/chromium/policies/managed";
  const char *cost;
  g_autofree char *write_policy = NULL;
  g_autofree char *policy_steps = NULL;
  g_autofree char *firefox_steps = NULL;

  if (restriction == RESTRICT_NONE)
    return;

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
  /* Translators: %s is a setting's name in about:config, as it is. */
  firefox_steps = g_strdup_printf (_("1. Type about:config in the address bar and accept the warning.\n"
                                     "2. Search for %s and set it to true.\n"
                                     "3. Restart Firefox. (Do this in every profile you use.)"),
                                   pref);

  switch ((int) browser)
    {
    case LW_BROWSER_FIREFOX:
      if (restriction == RESTRICT_NO_UDP)
        add_fix (fixes, name, firefox_steps,
                 _("Calls in web pages work only through a proxy; without one, video and voice "
                   "calls (Meet, Jitsi, Discord) fail in Firefox."),
                 "about:config", pref, NULL);
      else if (restriction == RESTRICT_NO_HOST)
        add_fix (fixes, name,
                 _("1. Type about:config in the address bar and accept the warning.\n"
                   "2. Make sure media.peerconnection.ice.obfuscate_host_addresses is true.\n"
                   "3. For more, set media.peerconnection.ice.no_host to true."),
                 _("Calls between two computers on the same network go through a server "
                   "instead of directly, which can add delay."),
                 "about:config", "media.peerconnection.ice.obfuscate_host_addresses", pref, NULL);
      else
        add_fix (fixes, name, firefox_steps,
                 _("Calls only use the connection that has the default route; a call may "
                   "connect more slowly when that path is poor."),
                 "about:config", pref, NULL);
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
      ((LwFix *) g_ptr_array_index (fixes, fixes->len - 1))->as_it_is = TRUE;
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
add_vpn_full_tunnel (GPtrArray *fixes,
                     int        family)
{
  g_autofree char *command =
    g_strdup_printf ("nmcli connection modify VPN-NAME %s.never-default no",
                     family == 6 ? "ipv6" : "ipv4");
  g_autofree char *steps =
    /* Translators: the first %s is IPv4 or IPv6, the second a command to
     * type in a terminal, as it is. */
    g_strdup_printf (_("1. Turn off split tunnelling in your VPN app, or remove the exceptions that "
                       "send some destinations around the tunnel.\n"
                       "2. With NetworkManager: Settings → Network → VPN → ⚙ → %s, and clear "
                       "“Use this connection only for resources on its network”; or in a "
                       "terminal, with your VPN's name for VPN-NAME: %s\n"
                       "3. Reconnect the VPN."),
                     family_name (family), command);

  add_fix (fixes, _("VPN: split tunnel"), steps,
           _("Everything goes through the VPN: some sites may be slower, and services that "
             "must see your home address (banking, streaming regions) see the VPN's."),
           command, NULL);
}

static void
add_vpn_ipv6 (GPtrArray *fixes)
{
  g_autofree char *command = family_off_command (6);
  g_autofree char *steps =
    /* Translators: %s is a command to type in a terminal, as it is. */
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
add_network_routes (GPtrArray *fixes,
                    int        family)
{
  g_autofree char *command = ignore_routes_command (family);
  g_autofree char *steps =
    /* Translators: %s is a command to type in a terminal, as it is. */
    g_strdup_printf (_("1. In a terminal, with the name of the connection to this network for "
                       "CONNECTION-NAME (nmcli connection show lists them): %s\n"
                       "2. Reconnect to the network, then the VPN.\n"
                       "3. Or leave this network: it can push such routes again."),
                     command);

  add_fix (fixes, _("Network: ignore its routes"), steps,
           _("Routes this network offers for its own services (a printer on another subnet, an "
             "intranet) are no longer used on this connection."),
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
lw_catalogue_fixes (const LwFinding *finding,
                    LwBrowsers       browsers)
{
  g_autoptr(GPtrArray) fixes = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_fix_free);
  gboolean kill_switch = FALSE;

  g_return_val_if_fail (finding != NULL, NULL);

  /* The fix for the cause comes first; a browser setting after it only
   * covers for it, and says so. */
  if (finding->cause == LW_CAUSE_PUSHED_ROUTE)
    add_network_routes (fixes, finding->family == 6 ? 6 : 4);

  switch (finding->kind)
    {
    case LW_FINDING_PUBLIC_ADDRESS_LEAK:
      if (!seen_by_camera_pages_only (finding))
        add_vpn_full_tunnel (fixes, finding->family);
      kill_switch = TRUE;
      break;
    case LW_FINDING_IPV6_LEAK:
    case LW_FINDING_IPV6_OUTSIDE_TUNNEL:
      add_vpn_ipv6 (fixes);
      kill_switch = TRUE;
      break;
    case LW_FINDING_IPV4_OUTSIDE_TUNNEL:
    case LW_FINDING_TUNNEL_NOT_CARRYING_TRAFFIC:
    case LW_FINDING_VPN_NOT_DEFAULT_ROUTE:
      add_vpn_full_tunnel (fixes, finding->kind == LW_FINDING_IPV4_OUTSIDE_TUNNEL ? 4 : finding->family);
      kill_switch = TRUE;
      break;
    case LW_FINDING_TUNNEL_BYPASS_BY_BINDING:
      kill_switch = TRUE;
      break;
    case LW_FINDING_APPS_SEE_ADDRESS:
      add_vpn_full_tunnel (fixes, finding->family);
      kill_switch = TRUE;
      break;
    case LW_FINDING_BROWSER_SHOWS_MORE:
      add_fix (fixes, _("The browser"),
               _("1. Quit the browser completely (all its windows), so that it reads its settings "
                 "and policies again, then use \"Test in This Browser\" again.\n"
                 "2. If it still shows more: Chromium-based browsers list the flags they were "
                 "started with on chrome://version, and their policies, such as a per-site "
                 "WebRtcIPHandlingUrl, on chrome://policy; Firefox lists its changed prefs on "
                 "about:support.\n"
                 "3. Check the extensions: one that changes WebRTC settings can loosen them as "
                 "well as tighten them."),
               _("None: nothing is changed until you change it."),
               NULL);
      if (finding->level >= LW_LEVEL_LEAK)
        {
          add_vpn_full_tunnel (fixes, finding->family);
          kill_switch = TRUE;
        }
      break;
    case LW_FINDING_NO_VPN:
      add_fix (fixes, _("VPN"),
               _("1. Connect your VPN: Settings → Network → VPN, or your provider's app.\n"
                 "2. To be covered from the start, let it connect automatically with your "
                 "network (Settings → Network → your connection → ⚙ → Identity or General)."),
               _("Traffic takes the VPN's detour, which costs some speed."),
               NULL);
      break;
    case LW_FINDING_LOCAL_ADDRESSES_VISIBLE:
    case LW_FINDING_CHECK_INCOMPLETE:
    case LW_FINDING_CHECK_FAILED:
    case LW_FINDING_HISTORY_UNSAVED:
    case LW_FINDING_HISTORY_UNREADABLE:
    default:
      break;
    }

  {
    g_autoptr(GPtrArray) settings = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_fix_free);
    /* Where the network has a fix, a browser's setting is a workaround,
     * after it; for camera pages and local addresses it is the fix, and
     * comes first. */
    gboolean workaround = (fixes->len > 0 || kill_switch) &&
                          finding->kind != LW_FINDING_LOCAL_ADDRESSES_VISIBLE &&
                          !seen_by_camera_pages_only (finding);

    add_browsers (settings, browsers, restriction_for (finding));
    for (guint i = 0; i < settings->len; i++)
      {
        LwFix *fix = g_ptr_array_index (settings, i);

        fix->workaround = workaround && !fix->as_it_is;
        if (workaround)
          g_ptr_array_add (fixes, fix);
        else
          g_ptr_array_insert (fixes, (int) i, fix);
      }
    g_ptr_array_set_free_func (settings, NULL);
  }
  /* Last: the kill switch keeps it so, whatever comes later. */
  if (kill_switch)
    add_vpn_kill_switch (fixes);

  return g_steal_pointer (&fixes);
}
