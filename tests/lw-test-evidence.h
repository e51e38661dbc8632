/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Builders for synthetic evidence, shared by the analyzer and report tests.
 * Addresses follow the lab: the LAN is 192.168.1.0/24 behind an ISP that
 * NATs it to 198.51.100.7, with a global IPv6 2001:db8:1::/64; the VPN
 * client is 10.8.0.2 on tun0 and exits as 203.0.113.51 / 2001:db8:51::1. */

#include "lw-evidence.h"

#define STUN4 "203.0.113.1:3478"
#define STUN6 "[2001:db8:113::1]:3478"
#define LAN4 "192.168.1.23"
#define LAN6 "2001:db8:1::23"
#define TUN4 "10.8.0.2"
#define TUN6 "fd51::2"
#define ISP4 "198.51.100.7"
#define EXIT4 "203.0.113.51"
#define EXIT6 "2001:db8:51::1"

static inline void
ev_iface (LwEvidence      *ev,
          const char      *name,
          LwInterfaceKind  kind,
          ...)
{
  LwInterface *iface = lw_interface_new (name, ev->interfaces->len + 1, kind);
  const char *addr;
  va_list args;

  va_start (args, kind);
  while ((addr = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (iface->addresses, lw_if_address_new (addr, strchr (addr, ':') ? 64 : 24));
  va_end (args);

  g_ptr_array_add (ev->interfaces, iface);
}

static inline void
ev_vpn (LwEvidence *ev,
        const char *tunnel)
{
  const char *ifaces[] = { tunnel, NULL };

  ev->vpn->active = TRUE;
  ev->vpn->source = LW_VPN_SOURCE_INTERFACES;
  g_strfreev (ev->vpn->interfaces);
  ev->vpn->interfaces = g_strdupv ((char **) ifaces);
}

static inline void
ev_default (LwEvidence *ev,
            const char *v4,
            const char *v6)
{
  g_free (ev->default_ipv4);
  g_free (ev->default_ipv6);
  ev->default_ipv4 = g_strdup (v4);
  ev->default_ipv6 = g_strdup (v6);
}

static inline const char *
ev_iface_of (LwEvidence *ev,
             const char *address)
{
  const LwInterface *iface = lw_evidence_interface_for_address (ev, address);
  return iface ? iface->name : NULL;
}

/* A browser-like STUN transaction from @base, and the candidates it makes:
 * a host candidate, and a srflx when @mapped is not NULL. */
static inline void
ev_browser (LwEvidence   *ev,
            LwGatherMode  mode,
            const char   *base,
            const char   *server,
            const char   *mapped)
{
  LwStunResult *r = lw_stun_result_new (LW_PROBE_BROWSER, base, ev_iface_of (ev, base), server);

  r->mode = mode;
  if (mode == LW_GATHER_DEFAULT_ROUTE || mapped != NULL)
    {
      r->result = mapped ? LW_RESULT_ANSWERED : LW_RESULT_TIMEOUT;
      r->mapped = g_strdup (mapped);
      r->rtt_ms = mapped ? 12 : -1;
      g_ptr_array_add (ev->stun_results, r);
    }
  else
    {
      r->result = LW_RESULT_TIMEOUT;
      g_ptr_array_add (ev->stun_results, r);
    }

  g_ptr_array_add (ev->candidates, lw_candidate_new (LW_PROBE_BROWSER, mode, LW_CANDIDATE_HOST,
                                                     base, 50000, base, ev_iface_of (ev, base), NULL));
  if (mapped != NULL)
    g_ptr_array_add (ev->candidates, lw_candidate_new (LW_PROBE_BROWSER, mode, LW_CANDIDATE_SRFLX,
                                                       mapped, 40000, base, ev_iface_of (ev, base),
                                                       server));
}

static inline void
ev_bound (LwEvidence *ev,
          const char *base,
          const char *server,
          const char *mapped)
{
  LwStunResult *r = lw_stun_result_new (LW_PROBE_BOUND, base, ev_iface_of (ev, base), server);

  r->result = mapped ? LW_RESULT_ANSWERED : LW_RESULT_TIMEOUT;
  r->mapped = g_strdup (mapped);
  g_ptr_array_add (ev->stun_results, r);
  if (mapped != NULL)
    g_ptr_array_add (ev->candidates, lw_candidate_new (LW_PROBE_BOUND, LW_GATHER_ALL_INTERFACES,
                                                       LW_CANDIDATE_SRFLX, mapped, 40001, base,
                                                       ev_iface_of (ev, base), server));
}

static inline void
ev_https (LwEvidence *ev,
          int         family,
          const char *address,
          LwResult    result)
{
  LwPublicAddress *pa = lw_public_address_new (family, LW_HTTP_PATH_DIRECT,
                                               family == 6 ? "https://[2001:db8:113::5]/"
                                                           : "https://203.0.113.5/");

  pa->result = result;
  pa->address = g_strdup (address);
  pa->ms = 30;
  if (result != LW_RESULT_ANSWERED)
    pa->error = g_strdup ("Connection timed out");
  g_ptr_array_add (ev->public_addresses, pa);
}

static inline void
ev_remember (LwEvidence *ev,
             int         family,
             const char *address)
{
  g_ptr_array_add (ev->remembered, lw_remembered_address_new (family, address, 1700000000, 1700003600));
}

/* A route the kernel gave for a request, as `ip route get` would. */
static inline void
ev_route (LwEvidence     *ev,
          LwRoutePurpose  purpose,
          const char     *target,
          const char     *destination,
          const char     *source,
          const char     *interface,
          const char     *prefix,
          const char     *gateway,
          const char     *protocol)
{
  LwRoute *r = lw_route_new (purpose, target, destination, source);

  r->interface = g_strdup (interface);
  r->prefix = g_strdup (prefix);
  r->gateway = g_strdup (gateway);
  r->protocol = g_strdup (protocol);
  r->type = g_strdup ("unicast");
  r->table = 254;
  g_ptr_array_add (ev->routes, r);
}

/* The home network with its interfaces but no probes yet. */
static inline LwEvidence *
ev_home (gboolean with_vpn)
{
  LwEvidence *ev = lw_evidence_new ();
  const char *servers[] = { STUN4, STUN6, NULL };

  g_strfreev (ev->stun_servers);
  ev->stun_servers = g_strdupv ((char **) servers);
  ev_iface (ev, "lo", LW_INTERFACE_LOOPBACK, "127.0.0.1", "::1", NULL);
  ev_iface (ev, "eth0", LW_INTERFACE_PHYSICAL, LAN4, "fe80::1", NULL);
  if (with_vpn)
    {
      ev_iface (ev, "tun0", LW_INTERFACE_TUNNEL, TUN4, NULL);
      ev_vpn (ev, "tun0");
    }
  return ev;
}
