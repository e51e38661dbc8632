/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lw-test-evidence.h"
#include "lw-vpn.h"

/* How the VPN state is decided from NetworkManager and the interfaces. */

static LwEvidence *
ev_with_default_on (const char      *name,
                    LwInterfaceKind  kind,
                    const char      *address)
{
  LwEvidence *ev = ev_home (FALSE);

  ev_iface (ev, name, kind, address, NULL);
  ev_default (ev, address, NULL);
  return ev;
}

/* A tunnel that carries the default route is a VPN, with or without
 * NetworkManager (wg-quick, openvpn by hand). */
static void
test_tunnel_default_route (void)
{
  LwEvidence *ev = ev_with_default_on ("wg0", LW_INTERFACE_TUNNEL, "10.64.0.2");
  g_autoptr(LwVpnState) state = lw_vpn_state_new ();
  const char *expected[] = { "wg0", NULL };

  lw_vpn_merge_interfaces (state, ev, FALSE);
  g_assert_true (state->active);
  g_assert_cmpint (state->source, ==, LW_VPN_SOURCE_INTERFACES);
  g_assert_cmpstrv (state->interfaces, expected);
  lw_evidence_free (ev);
}

/* PPPoE (DSL) and mobile links carry the default route over PPP; that is
 * no VPN, and taking it for one would show green without protection. */
static void
test_ppp_is_not_a_vpn_by_itself (void)
{
  for (int nm = 0; nm <= 1; nm++)
    {
      LwEvidence *ev = ev_with_default_on ("ppp0", LW_INTERFACE_PPP, "198.51.100.7");
      g_autoptr(LwVpnState) state = lw_vpn_state_new ();

      lw_vpn_merge_interfaces (state, ev, nm);
      g_assert_false (state->active);
      g_assert_cmpuint (g_strv_length (state->interfaces), ==, 0);
      lw_evidence_free (ev);
    }
}

/* A PPP link is a VPN when NetworkManager says so (PPTP, L2TP plugins). */
static void
test_ppp_vpn_from_networkmanager (void)
{
  LwEvidence *ev = ev_with_default_on ("ppp0", LW_INTERFACE_PPP, "10.9.0.2");
  g_autoptr(LwVpnState) state = lw_vpn_state_new ();
  const char *expected[] = { "ppp0", NULL };

  g_ptr_array_add (state->connections, lw_vpn_connection_new ("Office", "vpn", "ppp0", "activated"));
  lw_vpn_merge_interfaces (state, ev, TRUE);
  g_assert_true (state->active);
  g_assert_cmpint (state->source, ==, LW_VPN_SOURCE_NETWORKMANAGER);
  g_assert_cmpstrv (state->interfaces, expected);

  /* ...and the analyzer then treats it as the tunnel. */
  lw_vpn_state_free (ev->vpn);
  ev->vpn = g_steal_pointer (&state);
  g_assert_true (lw_evidence_is_tunnel_interface (ev, "ppp0"));
  lw_evidence_free (ev);
}

/* A VPN that NetworkManager is still connecting is not up. */
static void
test_connecting_is_not_up (void)
{
  LwEvidence *ev = ev_with_default_on ("eth1", LW_INTERFACE_PHYSICAL, "192.168.5.2");
  g_autoptr(LwVpnState) state = lw_vpn_state_new ();

  g_ptr_array_add (state->connections, lw_vpn_connection_new ("Office", "vpn", NULL, "connect"));
  lw_vpn_merge_interfaces (state, ev, TRUE);
  g_assert_false (state->active);
  g_assert_cmpint (state->source, ==, LW_VPN_SOURCE_NETWORKMANAGER);
  lw_evidence_free (ev);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vpn/tunnel-default-route", test_tunnel_default_route);
  g_test_add_func ("/vpn/ppp-is-not-a-vpn-by-itself", test_ppp_is_not_a_vpn_by_itself);
  g_test_add_func ("/vpn/ppp-vpn-from-networkmanager", test_ppp_vpn_from_networkmanager);
  g_test_add_func ("/vpn/connecting-is-not-up", test_connecting_is_not_up);

  return g_test_run ();
}
