/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lw-analyzer.h"
#include "lw-test-evidence.h"

/* One case per finding and per status rule of docs/DOMAIN.md. Each
 * case lists every finding it expects as "level id address": a finding too
 * many fails the case as surely as one too few. */

typedef struct
{
  const char              *name;
  LwEvidence            *(*build) (void);
  LwStatus                 status;
  const char              *findings[8];
  const LwBrowserProfile  *profiles;
  guint                    n_profiles;
  gboolean                 have_previous;
  LwStatus                 previous;
} Case;

/* No VPN, everything answered: sites see the ISP address anyway. */
static LwEvidence *
build_novpn (void)
{
  LwEvidence *ev = ev_home (FALSE);

  ev_default (ev, LAN4, NULL);
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, LAN4, STUN4, ISP4);
  ev_https (ev, 4, ISP4, LW_RESULT_ANSWERED);
  return ev;
}

/* A full tunnel over IPv4, no IPv6 anywhere: STUN shows the exit. */
static LwEvidence *
build_protected (void)
{
  LwEvidence *ev = ev_home (TRUE);

  ev_default (ev, TUN4, NULL);
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, TUN4, STUN4, EXIT4);
  ev_https (ev, 4, EXIT4, LW_RESULT_ANSWERED);
  return ev;
}

/* Mode 1 sees the LAN and tunnel host addresses (mDNS is off for camera
 * pages); the LAN's STUN request is dropped by the tunnel. Only notes. */
static LwEvidence *
build_protected_with_notes (void)
{
  LwEvidence *ev = build_protected ();

  ev_browser (ev, LW_GATHER_ALL_INTERFACES, LAN4, STUN4, NULL);
  ev_browser (ev, LW_GATHER_ALL_INTERFACES, TUN4, STUN4, EXIT4);
  return ev;
}

/* Split tunnel: the STUN server is routed outside the VPN, so the srflx
 * of the default-route socket is the ISP address. */
static LwEvidence *
build_split_tunnel (void)
{
  LwEvidence *ev = ev_home (TRUE);

  ev_default (ev, TUN4, NULL);
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, TUN4, STUN4, ISP4);
  ev_https (ev, 4, EXIT4, LW_RESULT_ANSWERED);
  return ev;
}

/* The ISP address shows only from the LAN socket, which only Mode 1 uses. */
static LwEvidence *
build_mode1_only_leak (void)
{
  LwEvidence *ev = build_protected ();

  ev_browser (ev, LW_GATHER_ALL_INTERFACES, LAN4, STUN4, ISP4);
  return ev;
}

/* The srflx is an address remembered from a check without VPN. HTTPS
 * failed, so the check is also incomplete, but the leak is established. */
static LwEvidence *
build_remembered_srflx (void)
{
  LwEvidence *ev = ev_home (TRUE);

  ev_default (ev, TUN4, NULL);
  ev_remember (ev, 4, ISP4);
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, TUN4, STUN4, ISP4);
  ev_https (ev, 4, NULL, LW_RESULT_TIMEOUT);
  return ev;
}

/* IPv4 tunnelled, IPv6 native: the default IPv6 is the LAN's global one. */
static LwEvidence *
build_ipv6_leak (void)
{
  LwEvidence *ev = ev_home (TRUE);

  g_ptr_array_add (((LwInterface *) g_ptr_array_index (ev->interfaces, 1))->addresses,
                   lw_if_address_new (LAN6, 64));
  ev_default (ev, TUN4, LAN6);
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, TUN4, STUN4, EXIT4);
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, LAN6, STUN6, LAN6);
  ev_https (ev, 4, EXIT4, LW_RESULT_ANSWERED);
  ev_https (ev, 6, LAN6, LW_RESULT_ANSWERED);
  return ev;
}

/* Both families tunnelled, but the LAN keeps its global IPv6: a camera
 * page lists it as a host candidate. */
static LwEvidence *
build_full_vpn_lan_ipv6 (void)
{
  LwEvidence *ev = ev_home (TRUE);

  g_ptr_array_add (((LwInterface *) g_ptr_array_index (ev->interfaces, 1))->addresses,
                   lw_if_address_new (LAN6, 64));
  g_ptr_array_add (((LwInterface *) g_ptr_array_index (ev->interfaces, 2))->addresses,
                   lw_if_address_new (TUN6, 64));
  ev_default (ev, TUN4, TUN6);
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, TUN4, STUN4, EXIT4);
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, TUN6, STUN6, EXIT6);
  ev_browser (ev, LW_GATHER_ALL_INTERFACES, LAN6, STUN6, NULL);
  ev_https (ev, 4, EXIT4, LW_RESULT_ANSWERED);
  ev_https (ev, 6, EXIT6, LW_RESULT_ANSWERED);
  return ev;
}

/* The VPN is up, but HTTPS shows the remembered real address. */
static LwEvidence *
build_tunnel_not_carrying (void)
{
  LwEvidence *ev = ev_home (TRUE);

  ev_default (ev, LAN4, NULL);
  ev_remember (ev, 4, ISP4);
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, LAN4, STUN4, ISP4);
  ev_https (ev, 4, ISP4, LW_RESULT_ANSWERED);
  return ev;
}

/* No remembered address, and the srflx equals the HTTPS address: with the
 * tunnel carrying nothing, both show the ISP. The default route on the LAN
 * still gives it away: never green. */
static LwEvidence *
build_tunnel_not_carrying_unremembered (void)
{
  LwEvidence *ev = build_tunnel_not_carrying ();

  g_ptr_array_set_size (ev->remembered, 0);
  return ev;
}

/* The bound probe escapes through eth0; the browser sees only the exit. */
static LwEvidence *
build_bypass (void)
{
  LwEvidence *ev = build_protected ();

  ev_bound (ev, LAN4, STUN4, ISP4);
  ev_bound (ev, TUN4, STUN4, EXIT4);
  return ev;
}

static LwEvidence *
build_stun_unanswered (void)
{
  LwEvidence *ev = ev_home (TRUE);

  ev_default (ev, TUN4, NULL);
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, TUN4, STUN4, NULL);
  ev_https (ev, 4, EXIT4, LW_RESULT_ANSWERED);
  return ev;
}

static LwEvidence *
build_https_failed (void)
{
  LwEvidence *ev = ev_home (TRUE);

  ev_default (ev, TUN4, NULL);
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, TUN4, STUN4, EXIT4);
  ev_https (ev, 4, NULL, LW_RESULT_TLS_ERROR);
  return ev;
}

static LwEvidence *
build_offline_vpn (void)
{
  return ev_home (TRUE);
}

static LwEvidence *
build_offline_novpn (void)
{
  return ev_home (FALSE);
}

/* The default IPv6 route exists but no IPv6 STUN server was configured. */
static LwEvidence *
build_no_ipv6_server (void)
{
  LwEvidence *ev = build_protected ();

  g_ptr_array_add (((LwInterface *) g_ptr_array_index (ev->interfaces, 2))->addresses,
                   lw_if_address_new (TUN6, 64));
  g_free (ev->default_ipv6);
  ev->default_ipv6 = g_strdup (TUN6);
  ev_https (ev, 6, EXIT6, LW_RESULT_ANSWERED);
  return ev;
}

/* Every probe failed while a VPN is up: never green. */
static LwEvidence *
build_all_failed (void)
{
  LwEvidence *ev = ev_home (TRUE);

  ev_default (ev, TUN4, NULL);
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, TUN4, STUN4, NULL);
  ev_https (ev, 4, NULL, LW_RESULT_TIMEOUT);
  return ev;
}

/* Over IPv4 neither STUN nor HTTPS answered, but IPv6 did: two causes
 * for IPv4, each told apart, and the internet is not "out of reach". */
static LwEvidence *
build_stun_and_https_failed (void)
{
  LwEvidence *ev = build_all_failed ();

  g_ptr_array_add (((LwInterface *) g_ptr_array_index (ev->interfaces, 2))->addresses,
                   lw_if_address_new (TUN6, 64));
  g_free (ev->default_ipv6);
  ev->default_ipv6 = g_strdup (TUN6);
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, TUN6, STUN6, EXIT6);
  ev_https (ev, 6, EXIT6, LW_RESULT_ANSWERED);
  return ev;
}

/* No VPN and nothing answered: unknown outranks unprotected. */
static LwEvidence *
build_novpn_incomplete (void)
{
  LwEvidence *ev = ev_home (FALSE);

  ev_default (ev, LAN4, NULL);
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, LAN4, STUN4, NULL);
  ev_https (ev, 4, NULL, LW_RESULT_TIMEOUT);
  return ev;
}

/* A public address assigned to the tunnel itself is the VPN's address. */
static LwEvidence *
build_public_tunnel_address (void)
{
  LwEvidence *ev = ev_home (TRUE);

  g_ptr_array_add (((LwInterface *) g_ptr_array_index (ev->interfaces, 2))->addresses,
                   lw_if_address_new ("203.0.113.77", 32));
  ev_default (ev, TUN4, NULL);
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, TUN4, STUN4, EXIT4);
  ev_browser (ev, LW_GATHER_ALL_INTERFACES, "203.0.113.77", STUN4, "203.0.113.77");
  ev_https (ev, 4, EXIT4, LW_RESULT_ANSWERED);
  return ev;
}

/* NetworkManager reports a VPN, but it routes only some networks: the
 * default route, and so every web page, stays on the LAN. */
static LwEvidence *
build_vpn_not_default (void)
{
  LwEvidence *ev = ev_home (TRUE);

  ev->vpn->source = LW_VPN_SOURCE_NETWORKMANAGER;
  ev_default (ev, LAN4, NULL);
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, LAN4, STUN4, ISP4);
  ev_https (ev, 4, ISP4, LW_RESULT_ANSWERED);
  return ev;
}

/* The VPN carries IPv6 only; IPv4 leaves through the LAN and its NAT. */
static LwEvidence *
build_ipv4_outside (void)
{
  LwEvidence *ev = ev_home (TRUE);

  g_ptr_array_add (((LwInterface *) g_ptr_array_index (ev->interfaces, 2))->addresses,
                   lw_if_address_new (TUN6, 64));
  ev_default (ev, LAN4, TUN6);
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, LAN4, STUN4, ISP4);
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, TUN6, STUN6, EXIT6);
  ev_https (ev, 4, ISP4, LW_RESULT_ANSWERED);
  ev_https (ev, 6, EXIT6, LW_RESULT_ANSWERED);
  return ev;
}

/* IPv4 tunnelled; IPv6 leaves from a ULA through NAT66, so the public IPv6
 * is on no interface of this machine. */
static LwEvidence *
build_nat66_outside (void)
{
  LwEvidence *ev = ev_home (TRUE);

  g_ptr_array_add (((LwInterface *) g_ptr_array_index (ev->interfaces, 1))->addresses,
                   lw_if_address_new ("fd00::23", 64));
  ev_default (ev, TUN4, "fd00::23");
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, TUN4, STUN4, EXIT4);
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, "fd00::23", STUN6, "2001:db8:1::99");
  ev_https (ev, 4, EXIT4, LW_RESULT_ANSWERED);
  ev_https (ev, 6, "2001:db8:1::99", LW_RESULT_ANSWERED);
  return ev;
}

static void
ev_https_proxy (LwEvidence *ev,
                const char *address)
{
  LwPublicAddress *pa = lw_public_address_new (lw_address_family (address), LW_HTTP_PATH_PROXY,
                                               "https://203.0.113.5/");

  pa->result = LW_RESULT_ANSWERED;
  pa->address = g_strdup (address);
  g_ptr_array_add (ev->public_addresses, pa);
}

/* A proxy whose exit is the ISP address must not hide the split tunnel. */
static LwEvidence *
build_split_tunnel_behind_proxy (void)
{
  LwEvidence *ev = build_split_tunnel ();

  ev_https_proxy (ev, ISP4);
  return ev;
}

/* The direct path fails while the proxy answers: the exit is unknown. */
static LwEvidence *
build_only_proxy_answers (void)
{
  LwEvidence *ev = build_https_failed ();

  ev_https_proxy (ev, "203.0.113.8");
  return ev;
}

/* Mode 2 without mDNS: Chromium's default_public_and_private_interfaces. */

/* --- route evidence (docs/DOMAIN.md, "Causes") ---------------------------- */

/* TunnelVision: the tunnel is up with its /1 routes, but the network pushed
 * 0.0.0.0/2 by DHCP, so everything leaves through eth0. Nothing is
 * remembered: HTTPS and STUN both show the ISP address and agree. */
static LwEvidence *
build_tunnelvision (void)
{
  LwEvidence *ev = ev_home (TRUE);

  ev_default (ev, LAN4, NULL);
  ev_route (ev, LW_ROUTE_PURPOSE_DEFAULT_ADDRESS, "8.8.8.8", "8.8.8.8", NULL, "eth0",
            "0.0.0.0/2", "192.168.1.1", "dhcp");
  ev_route (ev, LW_ROUTE_PURPOSE_TUNNEL, "tun0", "8.8.8.8", NULL, "tun0", "0.0.0.0/1",
            "10.8.0.1", "boot");
  ev_route (ev, LW_ROUTE_PURPOSE_STUN, STUN4, "203.0.113.1", NULL, "eth0", "0.0.0.0/2",
            "192.168.1.1", "dhcp");
  ev_route (ev, LW_ROUTE_PURPOSE_HTTPS, "https://203.0.113.5/", "203.0.113.5", NULL, "eth0",
            "0.0.0.0/2", "192.168.1.1", "dhcp");
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, LAN4, STUN4, ISP4);
  ev_https (ev, 4, ISP4, LW_RESULT_ANSWERED);
  return ev;
}

/* A corporate VPN: up, with no route to the internet of its own. */
static LwEvidence *
build_vpn_without_internet_route (void)
{
  LwEvidence *ev = ev_home (TRUE);

  ev_default (ev, LAN4, NULL);
  ev_route (ev, LW_ROUTE_PURPOSE_DEFAULT_ADDRESS, "8.8.8.8", "8.8.8.8", NULL, "eth0",
            "0.0.0.0/0", "192.168.1.1", "dhcp");
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, LAN4, STUN4, ISP4);
  ev_https (ev, 4, ISP4, LW_RESULT_ANSWERED);
  return ev;
}

/* Both families in the tunnel, but a /128 sends the IPv6 STUN server
 * around it: only that request leaves through eth0. */
static LwEvidence *
build_ipv6_server_route (void)
{
  LwEvidence *ev = build_full_vpn_lan_ipv6 ();

  g_ptr_array_set_size (ev->candidates, 0);
  g_ptr_array_set_size (ev->stun_results, 0);
  ev_route (ev, LW_ROUTE_PURPOSE_DEFAULT_ADDRESS, "8.8.8.8", "8.8.8.8", NULL, "tun0",
            "0.0.0.0/1", "10.8.0.1", "boot");
  ev_route (ev, LW_ROUTE_PURPOSE_DEFAULT_ADDRESS, "2001:4860:4860::8888", "2001:4860:4860::8888",
            NULL, "tun0", "::/1", NULL, "boot");
  ev_route (ev, LW_ROUTE_PURPOSE_STUN, STUN6, "2001:db8:113::1", NULL, "eth0",
            "2001:db8:113::1/128", "fe80::1", "static");
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, TUN4, STUN4, EXIT4);
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, TUN6, STUN6, LAN6);
  return ev;
}

/* A route sends both the STUN server and the address service around the
 * tunnel: both show the ISP address and agree. Never green. */
static LwEvidence *
build_both_around (void)
{
  LwEvidence *ev = ev_home (TRUE);

  ev_default (ev, TUN4, NULL);
  ev_route (ev, LW_ROUTE_PURPOSE_DEFAULT_ADDRESS, "8.8.8.8", "8.8.8.8", NULL, "tun0",
            "0.0.0.0/1", "10.8.0.1", "boot");
  ev_route (ev, LW_ROUTE_PURPOSE_STUN, STUN4, "203.0.113.1", NULL, "eth0", "203.0.113.0/24",
            "192.168.1.1", "static");
  ev_route (ev, LW_ROUTE_PURPOSE_HTTPS, "https://203.0.113.5/", "203.0.113.5", NULL, "eth0",
            "203.0.113.0/24", "192.168.1.1", "static");
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, TUN4, STUN4, ISP4);
  ev_https (ev, 4, ISP4, LW_RESULT_ANSWERED);
  return ev;
}

/* The VPN's server is gone; tun0 stays with its routes. Nothing comes back
 * through the tunnel, while a socket pinned to eth0 is answered. */
static LwEvidence *
build_tunnel_silent (void)
{
  LwEvidence *ev = ev_home (TRUE);

  ev_default (ev, TUN4, NULL);
  ev_route (ev, LW_ROUTE_PURPOSE_DEFAULT_ADDRESS, "8.8.8.8", "8.8.8.8", NULL, "tun0",
            "0.0.0.0/1", "10.8.0.1", "boot");
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, TUN4, STUN4, NULL);
  ev_bound (ev, LAN4, STUN4, ISP4);
  ev_bound (ev, TUN4, STUN4, NULL);
  ev_https (ev, 4, NULL, LW_RESULT_TIMEOUT);
  return ev;
}

/* No routes known; STUN and HTTPS agree on the ISP address, but the socket
 * pinned to tun0 gets the exit. The answers disagree: never green. */
static LwEvidence *
build_answers_disagree (void)
{
  LwEvidence *ev = ev_home (TRUE);

  ev_default (ev, TUN4, NULL);
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, TUN4, STUN4, ISP4);
  ev_bound (ev, TUN4, STUN4, EXIT4);
  ev_https (ev, 4, ISP4, LW_RESULT_ANSWERED);
  return ev;
}

/* Link-local addresses are listed by the interfaces, never by browsers. */
static LwEvidence *
build_link_local_host (void)
{
  LwEvidence *ev = build_protected ();

  ev_browser (ev, LW_GATHER_ALL_INTERFACES, "fe80::1", STUN6, NULL);
  return ev;
}

static const LwBrowserProfile mode2_no_mdns[] = {
  { "Chromium", LW_WEBRTC_MODE_2, FALSE, LW_WEBRTC_MODE_2 },
};
/* Mode 3: default_public_interface_only. */
static const LwBrowserProfile mode3[] = {
  { "Chromium", LW_WEBRTC_MODE_3, FALSE, LW_WEBRTC_MODE_3 },
};
/* Mode 4: disable_non_proxied_udp, and Firefox with WebRTC off. */
static const LwBrowserProfile mode4[] = {
  { "Chromium", LW_WEBRTC_MODE_4, FALSE, LW_WEBRTC_MODE_4 },
  { "Firefox", LW_WEBRTC_DISABLED, FALSE, LW_WEBRTC_DISABLED },
};

/* A private LAN address on the default route, for the Mode-2 warning. */
static LwEvidence *
build_private_default (void)
{
  LwEvidence *ev = ev_home (TRUE);

  ev_default (ev, TUN4, NULL);
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, TUN4, STUN4, EXIT4);
  ev_https (ev, 4, EXIT4, LW_RESULT_ANSWERED);
  return ev;
}

static const Case cases[] = {
  { "no-vpn", build_novpn, LW_STATUS_UNPROTECTED,
    { "unprotected no-vpn -" } },
  { "protected", build_protected, LW_STATUS_PROTECTED, { NULL } },
  { "notes-keep-green", build_protected_with_notes, LW_STATUS_PROTECTED,
    { "note local-addresses-visible -" } },
  { "public-address-leak/default-route", build_split_tunnel, LW_STATUS_LEAK,
    { "leak public-address-leak " ISP4 } },
  /* Only Mode 1 finds it: the browsers' warning, which the apps' finding
   * does not repeat. */
  { "public-address-leak/camera-only", build_mode1_only_leak, LW_STATUS_WARNING,
    { "warning public-address-leak " ISP4, "note local-addresses-visible " LAN4 } },
  { "public-address-leak/remembered", build_remembered_srflx, LW_STATUS_LEAK,
    { "leak public-address-leak " ISP4, "unknown check-incomplete " TUN4 } },
  { "ipv6-leak/default-route", build_ipv6_leak, LW_STATUS_LEAK,
    { "leak ipv6-leak " LAN6, "leak ipv6-outside-tunnel " LAN6 } },
  { "ipv6-leak/camera-only", build_full_vpn_lan_ipv6, LW_STATUS_WARNING,
    { "warning ipv6-leak " LAN6 } },
  { "tunnel-not-carrying-traffic", build_tunnel_not_carrying, LW_STATUS_LEAK,
    { "leak public-address-leak " ISP4, "leak tunnel-not-carrying-traffic " ISP4,
      "unprotected vpn-not-default-route -" } },
  { "tunnel-not-carrying-traffic/unremembered", build_tunnel_not_carrying_unremembered,
    LW_STATUS_UNPROTECTED, { "unprotected vpn-not-default-route -" } },
  { "tunnel-bypass-by-binding", build_bypass, LW_STATUS_PROTECTED,
    { "note tunnel-bypass-by-binding " ISP4 } },
  { "check-incomplete/stun", build_stun_unanswered, LW_STATUS_UNKNOWN,
    { "unknown check-incomplete " TUN4 } },
  { "check-incomplete/https", build_https_failed, LW_STATUS_UNKNOWN,
    { "unknown check-incomplete " TUN4 } },
  { "check-incomplete/offline", build_offline_vpn, LW_STATUS_UNKNOWN,
    { "unknown check-incomplete -" } },
  /* Offline says only that: not "no VPN", nor local addresses. */
  { "check-incomplete/offline-novpn", build_offline_novpn, LW_STATUS_UNKNOWN,
    { "unknown check-incomplete -" } },
  { "check-incomplete/no-ipv6-server", build_no_ipv6_server, LW_STATUS_UNKNOWN,
    { "unknown check-incomplete " TUN6 } },
  { "check-incomplete/after-green", build_stun_unanswered, LW_STATUS_WARNING,
    { "unknown check-incomplete " TUN4 }, NULL, 0, TRUE, LW_STATUS_PROTECTED },
  { "check-incomplete/after-leak", build_stun_unanswered, LW_STATUS_UNKNOWN,
    { "unknown check-incomplete " TUN4 }, NULL, 0, TRUE, LW_STATUS_LEAK },
  { "never-green/all-failed", build_all_failed, LW_STATUS_UNKNOWN,
    { "unknown check-incomplete -" } },
  { "check-incomplete/stun-and-https", build_stun_and_https_failed, LW_STATUS_UNKNOWN,
    { "unknown check-incomplete " TUN4, "unknown check-incomplete " TUN4 } },
  { "severity/unknown-over-unprotected", build_novpn_incomplete, LW_STATUS_UNKNOWN,
    { "unknown check-incomplete -", "unprotected no-vpn -" } },
  { "routes/tunnelvision", build_tunnelvision, LW_STATUS_LEAK,
    { "leak tunnel-not-carrying-traffic " ISP4 } },
  { "routes/vpn-without-internet-route", build_vpn_without_internet_route, LW_STATUS_UNPROTECTED,
    { "unprotected vpn-not-default-route -" } },
  { "routes/ipv6-server-route", build_ipv6_server_route, LW_STATUS_LEAK,
    { "leak ipv6-leak " LAN6 } },
  { "routes/both-around-never-green", build_both_around, LW_STATUS_LEAK,
    { "leak public-address-leak " ISP4 } },
  { "routes/link-local-not-seen", build_link_local_host, LW_STATUS_PROTECTED, { NULL } },
  { "routes/answers-disagree", build_answers_disagree, LW_STATUS_WARNING,
    { "warning public-address-leak " ISP4 } },
  { "routes/tunnel-silent", build_tunnel_silent, LW_STATUS_UNKNOWN, { "unknown check-incomplete -" } },
  { "vpn-not-default-route", build_vpn_not_default, LW_STATUS_UNPROTECTED,
    { "unprotected vpn-not-default-route -" } },
  { "ipv4-outside-tunnel", build_ipv4_outside, LW_STATUS_LEAK,
    { "leak ipv4-outside-tunnel " ISP4 } },
  { "ipv6-outside-tunnel/nat66", build_nat66_outside, LW_STATUS_LEAK,
    { "leak ipv6-outside-tunnel 2001:db8:1::99" } },
  { "proxy/does-not-hide-a-leak", build_split_tunnel_behind_proxy, LW_STATUS_LEAK,
    { "leak public-address-leak " ISP4 } },
  { "proxy/does-not-stand-in-for-the-exit", build_only_proxy_answers, LW_STATUS_UNKNOWN,
    { "unknown check-incomplete " TUN4 } },
  { "tunnel-own-public-address", build_public_tunnel_address, LW_STATUS_PROTECTED,
    { NULL } },
  { "local-addresses/mode2-without-mdns", build_private_default, LW_STATUS_WARNING,
    { "warning local-addresses-visible " TUN4 }, mode2_no_mdns, G_N_ELEMENTS (mode2_no_mdns) },
  { "mode3/no-host-candidates", build_private_default, LW_STATUS_PROTECTED,
    { NULL }, mode3, G_N_ELEMENTS (mode3) },
  { "mode3/srflx-still-leaks", build_split_tunnel, LW_STATUS_LEAK,
    { "leak public-address-leak " ISP4 }, mode3, G_N_ELEMENTS (mode3) },
  /* The browsers send no UDP, but the network leaks: apps that are not
   * browsers see the address, so the verdict is never green. */
  { "mode4/browsers-safe-network-not", build_split_tunnel, LW_STATUS_WARNING,
    { "warning apps-see-address " ISP4 }, mode4, G_N_ELEMENTS (mode4) },
};

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  LwEvidence *ev = c->build ();
  LwAnalyzerOptions options = {
    .profiles = c->profiles,
    .n_profiles = c->n_profiles,
    .have_previous = c->have_previous,
    .previous_status = c->previous,
  };
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GPtrArray) got = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) want = g_ptr_array_new ();
  LwStatus status = LW_STATUS_CHECKING;

  findings = lw_analyzer_analyze (ev, &options, &status);

  for (guint i = 0; i < findings->len; i++)
    {
      const LwFinding *f = g_ptr_array_index (findings, i);

      g_ptr_array_add (got, g_strdup_printf ("%s %s %s", lw_level_to_string (f->level), lw_finding_kind_to_string (f->kind),
                                             f->address ? f->address : "-"));
      /* Every finding is explained to the user. */
      g_assert_nonnull (f->summary);
      g_assert_nonnull (f->detail);
      g_assert_nonnull (f->advice);
    }
  for (guint i = 0; i < G_N_ELEMENTS (c->findings) && c->findings[i] != NULL; i++)
    g_ptr_array_add (want, (gpointer) c->findings[i]);

  g_ptr_array_sort (got, compare_strings);
  g_ptr_array_sort (want, compare_strings);
  g_ptr_array_add (got, NULL);
  g_ptr_array_add (want, NULL);

  g_assert_cmpstrv ((char **) got->pdata, (char **) want->pdata);
  g_assert_cmpstr (lw_status_to_string (status), ==, lw_status_to_string (c->status));

  lw_evidence_free (ev);
}


static const LwFinding *
only_finding (GPtrArray     *findings,
              LwFindingKind  kind)
{
  const LwFinding *found = NULL;

  for (guint i = 0; i < findings->len; i++)
    {
      const LwFinding *f = g_ptr_array_index (findings, i);

      if (f->kind == kind)
        {
          g_assert_null (found);
          found = f;
        }
    }
  g_assert_nonnull (found);
  return found;
}

/* TunnelVision is named as such, with the route that did it and the fix
 * for it; never as "no VPN". */
static void
test_route_cause_pushed (void)
{
  g_autoptr(LwEvidence) ev = build_tunnelvision ();
  g_autoptr(GPtrArray) findings = NULL;
  const LwFinding *f;
  LwStatus status;

  findings = lw_analyzer_analyze (ev, NULL, &status);
  f = only_finding (findings, LW_FINDING_TUNNEL_NOT_CARRYING_TRAFFIC);
  g_assert_cmpint (f->cause, ==, LW_CAUSE_PUSHED_ROUTE);
  g_assert_cmpstr (f->route, ==, "0.0.0.0/2 via 192.168.1.1 dev eth0 proto dhcp");
  g_assert_nonnull (strstr (f->detail, "TunnelVision"));
  g_assert_nonnull (strstr (f->detail, "0.0.0.0/1 via 10.8.0.1 dev tun0 proto boot"));
  g_assert_nonnull (strstr (f->advice, "ipv4.ignore-auto-routes yes"));
  g_assert_null (strstr (f->advice, "Connect your VPN"));
  for (guint i = 0; i < findings->len; i++)
    g_assert_cmpint (((LwFinding *) g_ptr_array_index (findings, i))->kind, !=, LW_FINDING_NO_VPN);
}

/* Only the IPv6 STUN server is routed around the tunnel: the finding says
 * where the request left and never blames the default IPv6 route. */
static void
test_route_cause_split (void)
{
  g_autoptr(LwEvidence) ev = build_ipv6_server_route ();
  g_autoptr(GPtrArray) findings = NULL;
  const LwFinding *f;
  LwStatus status;

  findings = lw_analyzer_analyze (ev, NULL, &status);
  f = only_finding (findings, LW_FINDING_IPV6_LEAK);
  g_assert_cmpint (f->cause, ==, LW_CAUSE_SPLIT_ROUTE);
  g_assert_cmpstr (f->route, ==, "2001:db8:113::1/128 via fe80::1 dev eth0 proto static");
  g_assert_nonnull (strstr (f->detail, "The request left through eth0, outside the tunnel"));
  g_assert_null (strstr (f->detail, "(tun0)"));
  g_assert_null (strstr (f->advice, "default IPv6 route itself is outside"));
  g_assert_nonnull (strstr (f->advice, "2001:db8:113::1/128"));
  g_assert_nonnull (strstr (f->advice, "media.peerconnection.ice.proxy_only"));
}

/* A dead VPN server is told as such, never as the internet being out of
 * reach, and the advice names no name resolution when every server was an
 * address. */
static void
test_tunnel_silent (void)
{
  g_autoptr(LwEvidence) ev = build_tunnel_silent ();
  g_autoptr(GPtrArray) findings = NULL;
  const LwFinding *f;
  LwStatus status;

  findings = lw_analyzer_analyze (ev, NULL, &status);
  f = only_finding (findings, LW_FINDING_CHECK_INCOMPLETE);
  g_assert_cmpstr (f->summary, ==, "The VPN's tunnel passes no traffic: nothing came back through "
                                   "tun0, while the network outside it answers");
  g_assert_nonnull (strstr (f->advice, "Reconnect the VPN"));
  g_assert_null (strstr (f->advice, "DNS"));

  /* Without the pinned answer, nothing says the outside answers. */
  g_ptr_array_set_size (ev->candidates, 0);
  for (guint i = 0; i < ev->stun_results->len; i++)
    ((LwStunResult *) g_ptr_array_index (ev->stun_results, i))->result = LW_RESULT_TIMEOUT;
  g_clear_pointer (&findings, g_ptr_array_unref);
  findings = lw_analyzer_analyze (ev, NULL, &status);
  f = only_finding (findings, LW_FINDING_CHECK_INCOMPLETE);
  g_assert_cmpstr (f->summary, ==, "Nothing answered, so the internet seems out of reach");
  g_assert_null (strstr (f->advice, "DNS"));
}

/* Findings come most serious first, so views can show the first one. */
static void
test_order (void)
{
  LwEvidence *ev = build_remembered_srflx ();
  g_autoptr(GPtrArray) findings = NULL;
  LwStatus status;

  findings = lw_analyzer_analyze (ev, NULL, &status);
  g_assert_cmpuint (findings->len, >=, 2);
  g_assert_cmpint (((LwFinding *) findings->pdata[0])->kind, ==, LW_FINDING_PUBLIC_ADDRESS_LEAK);
  g_assert_cmpint (((LwFinding *) findings->pdata[0])->audience, ==, LW_AUDIENCE_EVERY_PAGE);
  lw_evidence_free (ev);
}

static const LwFinding *
find (GPtrArray  *findings,
      const char *id)
{
  for (guint i = 0; i < findings->len; i++)
    if (g_str_equal (lw_finding_kind_to_string (((LwFinding *) findings->pdata[i])->kind), id))
      return findings->pdata[i];
  return NULL;
}

/* The advice fits who sees the leak: a default-route leak is not fixed by
 * keeping pages to the default route, a camera-only one is. */
static void
test_advice_fits_audience (void)
{
  struct { LwEvidence *(*build) (void); const char *id; const char *must; const char *must_not; } advice_cases[] = {
    { build_split_tunnel, "public-address-leak", "ice.proxy_only", "default_address_only" },
    { build_mode1_only_leak, "public-address-leak", "default_address_only", "disable_non_proxied_udp" },
    { build_ipv6_leak, "ipv6-leak", "ipv6.method disabled", "default_address_only" },
    { build_full_vpn_lan_ipv6, "ipv6-leak", "default_address_only", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (advice_cases); i++)
    {
      LwEvidence *ev = advice_cases[i].build ();
      g_autoptr(GPtrArray) findings = NULL;
      const LwFinding *f;
      LwStatus status;

      findings = lw_analyzer_analyze (ev, NULL, &status);
      f = find (findings, advice_cases[i].id);
      g_assert_nonnull (f);
      g_assert_nonnull (strstr (f->advice, advice_cases[i].must));
      if (advice_cases[i].must_not != NULL)
        g_assert_null (strstr (f->advice, advice_cases[i].must_not));
      lw_evidence_free (ev);
    }
}

/* Whatever evidence a failed check leaves, the verdict is never green
 * unless a VPN is up and every family with a route was checked. */
static void
test_never_green (void)
{
  for (guint mask = 0; mask < 32; mask++)
    {
      LwEvidence *ev = ev_home (mask & 1);
      g_autoptr(GPtrArray) findings = NULL;
      LwStatus status;

      ev_default (ev, mask & 2 ? (mask & 1 ? TUN4 : LAN4) : NULL, NULL);
      if (mask & 4)
        ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, mask & 1 ? TUN4 : LAN4, STUN4,
                    mask & 8 ? EXIT4 : NULL);
      ev_https (ev, 4, mask & 16 ? EXIT4 : NULL, mask & 16 ? LW_RESULT_ANSWERED : LW_RESULT_TIMEOUT);

      findings = lw_analyzer_analyze (ev, NULL, &status);
      if (status == LW_STATUS_PROTECTED)
        g_assert_cmpuint (mask, ==, 1 | 2 | 4 | 8 | 16);
      lw_evidence_free (ev);
    }
}

/* Without the remembered addresses, a VPN that carries nothing cannot be
 * recognised: never green on that account, and said in words. */
static void
test_history_unreadable (void)
{
  LwAnalyzerOptions options = { .history_unreadable = "unable to open database file" };
  LwEvidence *ev = build_protected ();
  g_autoptr(GPtrArray) green = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  const LwFinding *f;
  LwStatus status;

  green = lw_analyzer_analyze (ev, NULL, &status);
  g_assert_cmpint (status, ==, LW_STATUS_PROTECTED);

  findings = lw_analyzer_analyze (ev, &options, &status);
  g_assert_cmpint (status, ==, LW_STATUS_UNKNOWN);
  f = find (findings, "history-unreadable");
  g_assert_nonnull (f);
  g_assert_cmpint (f->level, ==, LW_LEVEL_UNKNOWN);
  g_assert_nonnull (strstr (f->detail, "unable to open database file"));
  lw_evidence_free (ev);
}

/* A history that cannot be written costs nothing in the verdict (what it
 * remembers is kept in memory), but it is said, in the user's words; and
 * only once when it cannot be read either. */
static void
test_history_unsaved (void)
{
  LwAnalyzerOptions options = { .history_unsaved = "the disk is full" };
  LwEvidence *ev = build_protected ();
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GPtrArray) both = NULL;
  const LwFinding *f;
  LwStatus status;

  findings = lw_analyzer_analyze (ev, &options, &status);
  g_assert_cmpint (status, ==, LW_STATUS_PROTECTED);
  f = find (findings, "history-unsaved");
  g_assert_nonnull (f);
  g_assert_cmpint (f->level, ==, LW_LEVEL_NOTE);
  g_assert_cmpstr (f->summary, ==, "Leakwatch cannot save its history: the disk is full");

  options.history_unreadable = "unable to open database file";
  both = lw_analyzer_analyze (ev, &options, &status);
  g_assert_cmpint (status, ==, LW_STATUS_UNKNOWN);
  g_assert_null (find (both, "history-unsaved"));
  g_assert_nonnull (find (both, "history-unreadable"));
  lw_evidence_free (ev);
}

/* A check that could not run withdraws the verdict before it, whatever
 * that was: never green, a warning after green, and it says why. */
static void
test_check_failed (void)
{
  static const struct { gboolean have; LwStatus previous; LwStatus expected; } runs[] = {
    { FALSE, LW_STATUS_PROTECTED,   LW_STATUS_UNKNOWN },
    { TRUE,  LW_STATUS_PROTECTED,   LW_STATUS_WARNING },
    { TRUE,  LW_STATUS_LEAK,        LW_STATUS_UNKNOWN },
    { TRUE,  LW_STATUS_WARNING,     LW_STATUS_UNKNOWN },
    { TRUE,  LW_STATUS_UNPROTECTED, LW_STATUS_UNKNOWN },
    { TRUE,  LW_STATUS_UNKNOWN,     LW_STATUS_UNKNOWN },
  };
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                                 "Cannot use the CA file “ca.pem”: No such file or directory");

  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      LwAnalyzerOptions options = { .have_previous = runs[i].have, .previous_status = runs[i].previous };
      g_autoptr(GPtrArray) findings = NULL;
      const LwFinding *f;
      LwStatus status = LW_STATUS_PROTECTED;

      findings = lw_analyzer_check_failed (error, &options, &status);
      g_assert_cmpint (status, ==, runs[i].expected);
      g_assert_cmpuint (findings->len, ==, 1);
      f = g_ptr_array_index (findings, 0);
      g_assert_cmpint (f->kind, ==, LW_FINDING_CHECK_FAILED);
      g_assert_cmpint (f->level, ==, LW_LEVEL_UNKNOWN);
      g_assert_cmpstr (f->summary, ==,
                       "The check could not run: Cannot use the CA file “ca.pem”: No such file or directory");
      g_assert_nonnull (f->detail);
      g_assert_nonnull (f->advice);
    }
}

/* Whether hiding the address (Mode 3: default route, no host addresses)
 * is enough here, or only WebRTC off is: what the fix may offer. */
static void
test_modes_are_enough (void)
{
  const LwBrowserProfile hide = { "hide", LW_WEBRTC_MODE_3, TRUE, LW_WEBRTC_MODE_3, TRUE };
  g_autoptr(LwEvidence) protected = build_protected ();
  g_autoptr(LwEvidence) camera = build_mode1_only_leak ();
  g_autoptr(LwEvidence) split = build_split_tunnel ();

  g_assert_true (lw_analyzer_modes_are_enough (protected, NULL, &hide));
  g_assert_true (lw_analyzer_modes_are_enough (camera, NULL, &hide));
  /* The srflx still follows the route around the tunnel. */
  g_assert_false (lw_analyzer_modes_are_enough (split, NULL, &hide));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/analyzer/%s", cases[i].name);
      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/analyzer/order", test_order);
  g_test_add_func ("/analyzer/routes/cause-pushed", test_route_cause_pushed);
  g_test_add_func ("/analyzer/routes/cause-split", test_route_cause_split);
  g_test_add_func ("/analyzer/routes/tunnel-silent-words", test_tunnel_silent);
  g_test_add_func ("/analyzer/advice-fits-audience", test_advice_fits_audience);
  g_test_add_func ("/analyzer/never-green", test_never_green);
  g_test_add_func ("/analyzer/check-failed", test_check_failed);
  g_test_add_func ("/analyzer/history-unreadable", test_history_unreadable);
  g_test_add_func ("/analyzer/history-unsaved", test_history_unsaved);

  g_test_add_func ("/fix/modes-are-enough", test_modes_are_enough);
  return g_test_run ();
}
