/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lw-analyzer"

#include "config.h"

#include <glib/gi18n.h>

#include "lw-analyzer-private.h"
#include "lw-report.h"
#include "lw-text.h"

/* The exposure rules: which candidate a browser shows to which pages, as
 * the gathering modes of docs/DOMAIN.md say, and which of those reveal an
 * address outside the tunnel. */

/* Whether @c is what a browser that binds its sockets to the default
 * address (Firefox) gathers on the default route: the socket bound to
 * that address, wherever its route to the server goes. */
static gboolean
bound_to_default (const LwEvidence  *ev,
                  const LwCandidate *c)
{
  const char *def = lw_evidence_get_default_address (ev, lw_address_family (c->base ? c->base : c->address));

  return c->mode == LW_GATHER_ALL_INTERFACES && def != NULL && g_strcmp0 (c->base, def) == 0;
}

static gboolean
mode_sees (const LwEvidence       *ev,
           const LwBrowserProfile *p,
           LwWebrtcMode            mode,
           gboolean                mdns,
           const LwCandidate      *c)
{
  gboolean default_route;

  if (c->probe != LW_PROBE_BROWSER)
    return FALSE;

  /* Chromium's default-route socket is unbound: the kernel picks its
   * source per server. Firefox binds it to the default address. */
  default_route = p->per_destination ? bound_to_default (ev, c) : c->mode == LW_GATHER_DEFAULT_ROUTE;

  switch (mode)
    {
    case LW_WEBRTC_MODE_1:
      return c->mode == LW_GATHER_ALL_INTERFACES && (c->type == LW_CANDIDATE_SRFLX || !mdns);
    case LW_WEBRTC_MODE_2:
      return default_route && (c->type == LW_CANDIDATE_SRFLX || !mdns);
    case LW_WEBRTC_MODE_3:
      return default_route && c->type == LW_CANDIDATE_SRFLX;
    case LW_WEBRTC_MODE_4:
    case LW_WEBRTC_DISABLED:
    default:
      return FALSE;
    }
}

/* Whether a page of @profile sees @c: an ordinary page, or one with
 * camera permission. */
gboolean
lw_browser_profile_sees (const LwEvidence       *ev,
                         const LwBrowserProfile *profile,
                         gboolean                camera,
                         const LwCandidate      *c)
{
  return camera ? mode_sees (ev, profile, profile->camera, profile->camera_mdns, c)
                : mode_sees (ev, profile, profile->ordinary, profile->ordinary_mdns, c);
}

/* The widest audience that sees @c in any of the profiled browsers. */
static LwAudience
candidate_audience (const Analysis    *a,
                    const LwCandidate *c)
{
  LwAudience audience = LW_AUDIENCE_NONE;

  for (guint i = 0; i < a->n_profiles; i++)
    {
      const LwBrowserProfile *p = &a->profiles[i];

      if (lw_browser_profile_sees (a->ev, p, FALSE, c))
        return LW_AUDIENCE_EVERY_PAGE;
      if (lw_browser_profile_sees (a->ev, p, TRUE, c))
        audience = LW_AUDIENCE_CAMERA_PAGES;
    }

  return audience;
}

/* Whether a page of @audience sees a host candidate in Mode 2 without mDNS
 * (the local-address warning), as opposed to only in Mode 1. */
static gboolean
host_seen_without_mdns_by_ordinary_pages (const Analysis    *a,
                                          const LwCandidate *c)
{
  for (guint i = 0; i < a->n_profiles; i++)
    if (lw_browser_profile_sees (a->ev, &a->profiles[i], FALSE, c))
      return TRUE;
  return FALSE;
}

static char *
browsers_seeing (const Analysis    *a,
                 const LwCandidate *c,
                 LwAudience         audience)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; i < a->n_profiles; i++)
    {
      const LwBrowserProfile *p = &a->profiles[i];
      gboolean sees = lw_browser_profile_sees (a->ev, p, audience != LW_AUDIENCE_EVERY_PAGE, c);
      if (sees)
        g_ptr_array_add (names, (gpointer) p->name);
    }
  g_ptr_array_add (names, NULL);

  return g_strjoinv (", ", (char **) names->pdata);
}

static gboolean
str_array_contains (GPtrArray  *array,
                    const char *str)
{
  for (guint i = 0; i < array->len; i++)
    {
      if (g_strcmp0 (g_ptr_array_index (array, i), str) == 0)
        return TRUE;
    }
  return FALSE;
}

/* A global address that belongs to an interface outside the tunnel. */
static const LwInterface *
non_tunnel_owner (const Analysis *a,
                  const char     *address)
{
  const LwInterface *iface = lw_evidence_interface_for_address (a->ev, address);

  if (iface == NULL || lw_evidence_is_tunnel_interface (a->ev, iface->name))
    return NULL;
  if (!lw_address_class_is_public (lw_address_classify_string (address)))
    return NULL;
  return iface;
}

static LwFinding *
exposure_finding (const Analysis    *a,
                  LwFindingKind      kind,
                  const LwCandidate *c,
                  LwAudience         audience)
{
  LwFinding *f = lw_finding_new (kind, audience == LW_AUDIENCE_EVERY_PAGE ? LW_LEVEL_LEAK
                                                                        : LW_LEVEL_WARNING);
  g_autofree char *browsers = browsers_seeing (a, c, audience);

  f->audience = audience;
  f->mode = g_strdup (lw_gather_mode_to_string (c->mode));
  f->family = lw_address_family (c->address);
  f->address = g_strdup (c->address);
  f->interface = g_strdup (c->interface);
  f->server = g_strdup (c->server);

  if (c->type == LW_CANDIDATE_SRFLX)
    {
      const LwRoute *route = lw_analysis_request_route (a, c);
      g_autofree char *how = NULL;

      if (route != NULL && route->error == NULL && route->interface != NULL)
        {
          g_autofree char *described = lw_route_describe (route);

          /* Where it left, from the route: its source address alone does
           * not say (a Mode-2 socket reports the tunnel's address as its
           * base, whichever way the packet goes). */
          if (lw_evidence_route_in_tunnel (a->ev, route))
            how = g_strdup_printf (_("The request left through %s, inside the tunnel (route %s)."),
                                   route->interface, described);
          else
            {
              how = g_strdup_printf (_("The request left through %s, outside the tunnel, by the "
                                       "route %s."), route->interface, described);
              lw_analysis_set_cause (a, f, route);
            }
        }
      if (c->mode == LW_GATHER_DEFAULT_ROUTE)
        f->detail = g_strdup_printf (_("The STUN server %s saw a page's request arrive from %s. %s "
                                       "Browsers that show this: %s. %s"),
                                     c->server, c->address, how ? how : "", browsers,
                                     lw_audience_describe (audience));
      else
        f->detail = g_strdup_printf (_("The STUN server %s saw a request from %s (%s) arrive from "
                                       "%s. %s Browsers that show this: %s. %s"),
                                     c->server, c->base, c->interface ? c->interface : "?",
                                     c->address, how ? how : "", browsers,
                                     lw_audience_describe (audience));
    }
  else
    f->detail = g_strdup_printf (_("The browser lists %s (%s) as a host candidate. "
                                   "Browsers that show this: %s. %s"),
                                 c->address, c->interface ? c->interface : "?", browsers,
                                 lw_audience_describe (audience));
  return f;
}

/* What sockets pinned to a tunnel got back: the tunnel's own exit. */
static void
tunnel_bound_exits (const Analysis *a,
                    int             family,
                    GPtrArray      *out)
{
  for (guint i = 0; i < a->ev->stun_results->len; i++)
    {
      const LwStunResult *r = g_ptr_array_index (a->ev->stun_results, i);

      if (r->probe == LW_PROBE_BOUND && r->result == LW_RESULT_ANSWERED && r->mapped != NULL &&
          lw_address_family (r->mapped) == family && lw_evidence_is_tunnel_interface (a->ev, r->interface) &&
          !str_array_contains (out, r->mapped))
        g_ptr_array_add (out, r->mapped);
    }
}

void
lw_analysis_check_public_address_leak (Analysis          *a,
                                       const LwCandidate *c)
{
  g_autoptr(GPtrArray) exits = g_ptr_array_new ();
  const LwRememberedAddress *real;
  const LwInterface *owner;
  g_autoptr(GPtrArray) tunnel = g_ptr_array_new ();
  const LwRoute *route;
  gboolean around, disagree = FALSE;
  LwAudience audience;
  LwFinding *f;
  int family = lw_address_family (c->address);

  audience = candidate_audience (a, c);
  if (audience == LW_AUDIENCE_NONE)
    return;

  /* A global IPv6 of the LAN shown through STUN is the IPv6 leak. */
  if ((owner = non_tunnel_owner (a, c->address)) != NULL && family == 6)
    return;

  /* When the family's whole way to the internet leaves outside the
   * tunnel, the finding about the family says it for every page. */
  if (c->mode == LW_GATHER_DEFAULT_ROUTE && lw_analysis_family_outside (a, family) &&
      (lw_analysis_tunnel_claim (a, family) != NULL ||
       lw_analysis_tunnel_expected (a, family == 6 ? 4 : 6)))
    return;

  route = lw_analysis_request_route (a, c);
  around = lw_evidence_route_around_tunnel (a->ev, route) && lw_analysis_tunnel_expected (a, family);
  real = lw_analysis_remembered (a, c->address);
  lw_analysis_exit_addresses (a, family, exits);
  if (real == NULL)
    {
      const LwInterface *iface = lw_evidence_interface_for_address (a->ev, c->address);

      if (!lw_address_class_is_public (lw_address_classify_string (c->address)))
        return;
      /* A public address on the tunnel itself is the VPN's own address. */
      if (iface != NULL && lw_evidence_is_tunnel_interface (a->ev, iface->name))
        return;
      /* Equal to what HTTPS shows is the exit, unless the tunnel's own
       * socket got another address: then the two disagree, and one of
       * them came around the tunnel. Never green on that. */
      if (str_array_contains (exits, c->address))
        {
          tunnel_bound_exits (a, family, tunnel);
          if (tunnel->len == 0 || str_array_contains (tunnel, c->address))
            return;
          disagree = TRUE;
        }
      /* Without a route around the tunnel or an exit address to compare
       * with, the HTTPS failure is already reported as an incomplete
       * check. */
      if (!around && exits->len == 0)
        return;
    }

  f = exposure_finding (a, LW_FINDING_PUBLIC_ADDRESS_LEAK, c, audience);
  if (disagree)
    {
      g_autofree char *joined = lw_analysis_format_server_list (tunnel);
      g_autofree char *old = f->detail;

      f->level = LW_LEVEL_WARNING;
      f->summary = g_strdup_printf (_("Web pages see %s, but the VPN's tunnel shows %s"),
                                    c->address, joined);
      f->detail = g_strdup_printf (_("%s A socket pinned to the tunnel got %s from the same kind of "
                                     "server, while web pages and HTTPS get %s: the answers "
                                     "disagree, so one of them comes around the tunnel."),
                                   old, joined, c->address);
      lw_analysis_add_finding (a, f);
      return;
    }
  if (real != NULL)
    f->summary = g_strdup_printf (_("Your real address %s is visible to web pages"), c->address);
  else
    f->summary = g_strdup_printf (_("An address outside the VPN, %s, is visible to web pages"),
                                  c->address);
  if (exits->len > 0)
    {
      g_autofree char *joined = lw_analysis_format_server_list (exits);
      g_autofree char *old = f->detail;

      f->detail = g_strdup_printf (_("%s Over HTTPS you appear as %s, the VPN's exit."), old, joined);
    }
  lw_analysis_add_finding (a, f);
}

void
lw_analysis_check_ipv6_leak (Analysis          *a,
                 const LwCandidate *c)
{
  const LwInterface *owner;
  LwAudience audience;
  LwFinding *f;

  if (lw_address_family (c->address) != 6)
    return;
  if ((owner = non_tunnel_owner (a, c->address)) == NULL)
    return;
  if ((audience = candidate_audience (a, c)) == LW_AUDIENCE_NONE)
    return;

  /* Any page that asks an IPv6 STUN server gets this address as its
   * srflx when the way to the internet over IPv6 leaves outside the
   * tunnel from it, whether or not a configured server answered. */
  if (audience != LW_AUDIENCE_EVERY_PAGE && a->ev->vpn->active && lw_analysis_family_outside (a, 6))
    {
      const LwRoute *route = lw_analysis_default_route (a, 6);

      if (route != NULL && g_strcmp0 (route->interface, owner->name) == 0)
        {
          g_autofree char *described = lw_route_describe (route);

          f = lw_finding_new (LW_FINDING_IPV6_LEAK, LW_LEVEL_LEAK);
          f->audience = LW_AUDIENCE_EVERY_PAGE;
          f->mode = g_strdup (lw_gather_mode_to_string (LW_GATHER_DEFAULT_ROUTE));
          f->family = 6;
          f->address = g_strdup (c->address);
          f->interface = g_strdup (owner->name);
          lw_analysis_set_cause (a, f, route);
          f->summary = g_strdup_printf (_("Your IPv6 address %s on %s, outside the VPN, is visible "
                                          "to web pages"), c->address, owner->name);
          f->detail = g_strdup_printf (_("The way to the internet over IPv6 is the route %s, "
                                         "outside the tunnel, so any page that asks an IPv6 STUN "
                                         "server gets %s. %s"),
                                       described, c->address,
                                       lw_audience_describe (LW_AUDIENCE_EVERY_PAGE));
          lw_analysis_add_finding (a, f);
          return;
        }
    }

  f = exposure_finding (a, LW_FINDING_IPV6_LEAK, c, audience);
  g_free (f->interface);
  f->interface = g_strdup (owner->name);
  f->summary = g_strdup_printf (_("Your IPv6 address %s on %s, outside the VPN, is visible to "
                                  "web pages"), c->address, owner->name);
  lw_analysis_add_finding (a, f);
}

void
lw_analysis_check_local_addresses (Analysis          *a,
                                   const LwCandidate *c)
{
  LwFinding *f;
  LwLevel level;
  LwAudience audience;
  LwAddressClass klass = lw_address_classify_string (c->address);

  /* Browsers never gather from link-local addresses, whatever the page
   * may do (docs/DOMAIN.md). */
  if (c->type != LW_CANDIDATE_HOST || !lw_address_class_is_local (klass) ||
      klass == LW_ADDRESS_LINK_LOCAL)
    return;

  if (host_seen_without_mdns_by_ordinary_pages (a, c))
    {
      level = LW_LEVEL_WARNING;
      audience = LW_AUDIENCE_EVERY_PAGE;
    }
  else if (candidate_audience (a, c) != LW_AUDIENCE_NONE)
    {
      level = LW_LEVEL_NOTE;
      audience = LW_AUDIENCE_CAMERA_PAGES;
    }
  else
    return;

  f = lw_finding_new (LW_FINDING_LOCAL_ADDRESSES_VISIBLE, level);
  f->audience = audience;
  f->mode = g_strdup (lw_gather_mode_to_string (c->mode));
  f->family = lw_address_family (c->address);
  f->address = g_strdup (c->address);
  f->interface = g_strdup (c->interface);
  f->summary = g_strdup_printf (audience == LW_AUDIENCE_EVERY_PAGE
                                  /* Translators: %1$s is an address, %2$s the kind of network it is on,
                                   * such as "a private network, such as your home or office" */
                                  ? _("Your local address %1$s (%2$s) is visible to every web page")
                                  : _("Your local address %1$s (%2$s) is visible to pages you allow to "
                                      "use your camera"),
                                c->address, lw_address_class_describe (klass));
  f->detail = g_strdup_printf (_("The browser lists %s on %s as a host candidate. %s "
                                 "A local address does not reveal where you are, but it helps "
                                 "to tell you apart from others behind the same exit."),
                               c->address, c->interface ? c->interface : "?",
                               lw_audience_describe (audience));
  lw_analysis_add_finding (a, f);
}

void
lw_analysis_check_interface_bypass (Analysis          *a,
                                    const LwCandidate *c)
{
  g_autoptr(GPtrArray) exits = g_ptr_array_new ();
  int family = lw_address_family (c->address);
  LwFinding *f;

  if (c->probe != LW_PROBE_BOUND || c->type != LW_CANDIDATE_SRFLX)
    return;
  if (lw_evidence_is_tunnel_interface (a->ev, c->interface))
    return;
  if (lw_analysis_remembered (a, c->address) == NULL)
    {
      if (!lw_address_class_is_public (lw_address_classify_string (c->address)))
        return;
      if (!lw_analysis_exit_addresses (a, family, exits) || str_array_contains (exits, c->address))
        return;
    }

  f = lw_finding_new (LW_FINDING_TUNNEL_BYPASS_BY_BINDING, LW_LEVEL_NOTE);
  f->audience = LW_AUDIENCE_NATIVE_APPS;
  f->mode = g_strdup ("interface-bound");
  f->family = family;
  f->address = g_strdup (c->address);
  f->interface = g_strdup (c->interface);
  f->server = g_strdup (c->server);
  f->summary = g_strdup_printf (_("A program bound to %s escapes the VPN and shows %s"),
                                c->interface ? c->interface : "?", c->address);
  f->detail = g_strdup_printf (_("A socket pinned to %s (%s) reached the STUN server %s outside "
                                 "the tunnel, which saw %s. %s"),
                               c->interface ? c->interface : "?", c->base, c->server, c->address,
                               lw_audience_describe (LW_AUDIENCE_NATIVE_APPS));
  lw_analysis_add_finding (a, f);
}

void
lw_analysis_check_https (Analysis *a)
{
  for (guint i = 0; i < a->ev->public_addresses->len; i++)
    {
      const LwPublicAddress *pa = g_ptr_array_index (a->ev->public_addresses, i);
      const LwInterface *owner;
      LwFinding *f;

      if (!lw_public_address_is_answered_direct (pa))
        continue;

      if (pa->family == 6 && (owner = non_tunnel_owner (a, pa->address)) != NULL)
        {
          f = lw_finding_new (LW_FINDING_IPV6_OUTSIDE_TUNNEL, LW_LEVEL_LEAK);
          f->audience = LW_AUDIENCE_EVERY_SITE;
          f->family = 6;
          f->address = g_strdup (pa->address);
          f->interface = g_strdup (owner->name);
          f->server = g_strdup (pa->url);
          f->summary = g_strdup_printf (_("IPv6 traffic bypasses the VPN: sites see %s"),
                                        pa->address);
          f->detail = g_strdup_printf (_("%s answered over IPv6 that you are %s, an address "
                                         "of %s, outside the tunnel. %s"),
                                       pa->url, pa->address, owner->name,
                                       lw_audience_describe (LW_AUDIENCE_EVERY_SITE));
          lw_analysis_add_finding (a, f);
        }
      else if (lw_analysis_remembered (a, pa->address) != NULL)
        {
          f = lw_finding_new (LW_FINDING_TUNNEL_NOT_CARRYING_TRAFFIC, LW_LEVEL_LEAK);
          f->audience = LW_AUDIENCE_EVERY_SITE;
          f->family = pa->family;
          f->address = g_strdup (pa->address);
          f->server = g_strdup (pa->url);
          f->summary = g_strdup_printf (_("The VPN is up but does not carry your traffic: "
                                          "sites see your real address %s"), pa->address);
          f->detail = g_strdup_printf (_("%s answered over %s that you are %s, the address "
                                         "Leakwatch saw earlier with no VPN up. %s"),
                                       pa->url, lw_analysis_family_name (pa->family), pa->address,
                                       lw_audience_describe (LW_AUDIENCE_EVERY_SITE));
          lw_analysis_add_finding (a, f);
        }
    }
}

/* Apps that are not browsers (Electron apps, calling apps) gather on
 * every interface, whatever the browsers are set to: what the unpinned
 * all-interfaces and default-route sockets got is theirs to show. A real
 * address there that no browser finding already names is a warning, so
 * that safe browsers never make a leaking network look green. */
void
lw_analysis_check_desktop_apps (Analysis *a)
{
  static const LwBrowserProfile apps = { "apps", LW_WEBRTC_MODE_1, FALSE, LW_WEBRTC_MODE_2, FALSE };
  Analysis sub = { 0 };

  if (!a->ev->vpn->active)
    return;

  sub.ev = a->ev;
  sub.profiles = &apps;
  sub.n_profiles = 1;
  sub.findings = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_finding_free);
  sub.by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < a->ev->candidates->len; i++)
    {
      const LwCandidate *c = g_ptr_array_index (a->ev->candidates, i);

      if (c->probe != LW_PROBE_BROWSER)
        continue;
      if (c->type == LW_CANDIDATE_SRFLX)
        lw_analysis_check_public_address_leak (&sub, c);
      lw_analysis_check_ipv6_leak (&sub, c);
    }

  for (guint i = 0; i < sub.findings->len; i++)
    {
      const LwFinding *seen = g_ptr_array_index (sub.findings, i);
      gboolean named = FALSE;
      LwFinding *f;

      if (seen->level < LW_LEVEL_WARNING || seen->address == NULL)
        continue;
      for (guint j = 0; j < a->findings->len && !named; j++)
        {
          const LwFinding *other = g_ptr_array_index (a->findings, j);

          named = g_strcmp0 (other->address, seen->address) == 0 && other->level >= LW_LEVEL_WARNING;
        }
      if (named)
        continue;

      f = lw_finding_new (LW_FINDING_APPS_SEE_ADDRESS, LW_LEVEL_WARNING);
      f->audience = LW_AUDIENCE_DESKTOP_APPS;
      f->mode = g_strdup (seen->mode);
      f->family = seen->family;
      f->address = g_strdup (seen->address);
      f->interface = g_strdup (seen->interface);
      f->server = g_strdup (seen->server);
      f->cause = seen->cause;
      f->route = g_strdup (seen->route);
      f->summary = g_strdup_printf (_("Apps that are not browsers can see %s"), seen->address);
      f->detail = g_strdup_printf (_("None of your browsers shows it, as they are set now, but a "
                                     "socket that is not pinned to an interface got %s from the "
                                     "STUN server %s. %s"),
                                   seen->address, seen->server ? seen->server : "?",
                                   lw_audience_describe (LW_AUDIENCE_DESKTOP_APPS));
      lw_analysis_add_finding (a, f);
    }

  g_hash_table_unref (sub.by_key);
  g_ptr_array_unref (sub.findings);
}

/* Whether @address is still this machine's, on the network @ev describes:
 * an interface holds it, or a STUN server or an address service saw it. */
static gboolean
still_seen (const LwEvidence *ev,
            const char       *address)
{
  if (lw_evidence_interface_for_address (ev, address) != NULL)
    return TRUE;
  for (guint i = 0; i < ev->candidates->len; i++)
    if (g_strcmp0 (((const LwCandidate *) g_ptr_array_index (ev->candidates, i))->address, address) == 0)
      return TRUE;
  for (guint i = 0; i < ev->public_addresses->len; i++)
    if (g_strcmp0 (((const LwPublicAddress *) g_ptr_array_index (ev->public_addresses, i))->address,
                   address) == 0)
      return TRUE;
  return FALSE;
}

/* A browser whose own test page got more than its settings say
 * (docs/DOMAIN.md, "Test in my browser"): something no settings file
 * shows is at work. Only tests of the browser as it is set now come here
 * (lw_confirmations_current()), and only addresses that are still this
 * machine's count, so a test on another network says nothing. */
void
lw_analysis_check_confirmations (Analysis  *a,
                                 GPtrArray *confirmations)
{
  if (!a->ev->vpn->active)
    return;

  for (guint i = 0; confirmations != NULL && i < confirmations->len; i++)
    {
      const LwConfirmation *c = g_ptr_array_index (confirmations, i);
      g_autoptr(GPtrArray) more = g_ptr_array_new ();
      g_autofree char *list = NULL;
      const char *first_real = NULL;
      LwFinding *f;

      for (guint j = 0; c->unexpected != NULL && j < c->unexpected->len; j++)
        {
          const char *address = g_ptr_array_index (c->unexpected, j);

          if (!still_seen (a->ev, address))
            continue;
          g_ptr_array_add (more, (gpointer) address);
          if (first_real == NULL && c->real != NULL &&
              g_ptr_array_find_with_equal_func (c->real, address, g_str_equal, NULL))
            first_real = address;
        }
      if (more->len == 0)
        continue;

      list = lw_text_join_list (more);
      /* A real address outside the tunnel is a leak, whatever the
       * settings say; a local one is what the local-address rule says. */
      f = lw_finding_new (LW_FINDING_BROWSER_SHOWS_MORE, first_real ? LW_LEVEL_LEAK : LW_LEVEL_WARNING);
      f->audience = c->camera ? LW_AUDIENCE_CAMERA_PAGES : LW_AUDIENCE_EVERY_PAGE;
      f->address = g_strdup (first_real ? first_real : g_ptr_array_index (more, 0));
      f->family = lw_address_family (f->address);
      f->summary = g_strdup_printf (_("%s shows more than its settings say: %s"), c->browser, list);
      f->detail = g_strdup_printf (c->camera
                                   ? _("Its own test page, with microphone permission, got %s, which "
                                       "its setting (%s, from %s) should keep from such pages. "
                                       "Something the settings files do not show is at work: a "
                                       "command-line flag, an extension, or a policy the browser "
                                       "has not read again yet.")
                                   : _("Its own test page got %s, which its setting (%s, from %s) "
                                       "should keep from every page. Something the settings files "
                                       "do not show is at work: a command-line flag, an extension, "
                                       "or a policy the browser has not read again yet."),
                                   list, c->setting ? c->setting : "?", c->source ? c->source : "?");
      /* One per browser: never merged with another browser's. */
      f->advice = lw_catalogue_advice (f, LW_GAP_NONE);
      g_ptr_array_add (a->findings, f);
    }
}

/* Local addresses seen by the same pages say the same thing: one finding
 * lists them all, rather than one per address. */
void
lw_analysis_merge_local_addresses (Analysis *a)
{
  for (int level = LW_LEVEL_NOTE; level <= LW_LEVEL_LEAK; level++)
    {
      g_autoptr(GPtrArray) same = g_ptr_array_new ();
      g_autoptr(GPtrArray) addresses = g_ptr_array_new ();
      g_autoptr(GPtrArray) places = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *list = NULL;
      g_autofree char *where = NULL;
      LwFinding *first, *merged;

      for (guint i = 0; i < a->findings->len; i++)
        {
          LwFinding *f = g_ptr_array_index (a->findings, i);

          if (f->kind == LW_FINDING_LOCAL_ADDRESSES_VISIBLE && (int) f->level == level)
            g_ptr_array_add (same, f);
        }
      if (same->len < 2)
        continue;

      first = g_ptr_array_index (same, 0);
      for (guint i = 0; i < same->len; i++)
        {
          const LwFinding *f = g_ptr_array_index (same, i);

          g_ptr_array_add (addresses, f->address);
          g_ptr_array_add (places, g_strdup_printf ("%s (%s)", f->address, f->interface ? f->interface : "?"));
        }
      list = lw_text_join_list (addresses);
      where = lw_text_join_list (places);

      merged = lw_finding_new (LW_FINDING_LOCAL_ADDRESSES_VISIBLE, first->level);
      merged->audience = first->audience;
      merged->mode = g_strdup (first->mode);
      merged->summary = g_strdup_printf (first->audience == LW_AUDIENCE_EVERY_PAGE
                                           ? _("Your local addresses %s are visible to every web page")
                                           : _("Your local addresses %s are visible to pages you allow "
                                               "to use your camera"),
                                         list);
      merged->detail = g_strdup_printf (_("The browser lists %s as host candidates. %s A local address "
                                          "does not reveal where you are, but it helps to tell you "
                                          "apart from others behind the same exit."),
                                        where, lw_audience_describe (first->audience));
      merged->advice = g_strdup (first->advice);

      for (guint i = 0; i < same->len; i++)
        {
          guint idx;

          g_ptr_array_find (a->findings, g_ptr_array_index (same, i), &idx);
          if (i == 0)
            a->findings->pdata[idx] = merged;
          else
            g_ptr_array_remove_index (a->findings, idx);
        }
      /* The findings array frees what it removes; the first was replaced. */
      lw_finding_free (first);
    }
}
