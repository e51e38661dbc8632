/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lw-analyzer"

#include "config.h"

#include <glib/gi18n.h>

#include "lw-analyzer-private.h"
#include "lw-browser-audit.h"
#include "lw-enum-private.h"

/* The analyzer is pure: it reads an LwEvidence and returns findings and a
 * status, exactly as docs/DOMAIN.md's tables say. It does no I/O, so
 * every rule is covered by table-driven tests on synthetic evidence. */

LW_ENUM_STRINGS (lw_status, LwStatus, LW_TYPE_STATUS)
LW_ENUM_STRINGS (lw_level, LwLevel, LW_TYPE_LEVEL)
LW_ENUM_STRINGS (lw_finding_kind, LwFindingKind, LW_TYPE_FINDING_KIND)

/* No audience and no cause are written as null, never as a word. */
LW_ENUM_STRINGS_NULLABLE (lw_audience, LwAudience, LW_TYPE_AUDIENCE, LW_AUDIENCE_NONE)
LW_ENUM_STRINGS_NULLABLE (lw_cause, LwCause, LW_TYPE_CAUSE, LW_CAUSE_NONE)

int
lw_status_exit_code (LwStatus status)
{
  switch (status)
    {
    case LW_STATUS_PROTECTED:   return 0;
    case LW_STATUS_LEAK:        return 1;
    case LW_STATUS_WARNING:     return 2;
    case LW_STATUS_UNPROTECTED: return 3;
    case LW_STATUS_UNKNOWN:
    case LW_STATUS_CHECKING:
    default:                    return 4;
    }
}

static const LwBrowserProfile default_profiles[] = {
  { "Chromium", LW_WEBRTC_MODE_2, TRUE, LW_WEBRTC_MODE_1 },
  { "Firefox", LW_WEBRTC_MODE_2, TRUE, LW_WEBRTC_MODE_1, FALSE, TRUE },
};

const LwBrowserProfile *
lw_analyzer_default_profiles (guint *n_profiles)
{
  *n_profiles = G_N_ELEMENTS (default_profiles);
  return default_profiles;
}

LwFinding *
lw_finding_new (LwFindingKind kind,
                LwLevel       level)
{
  LwFinding *self = g_new0 (LwFinding, 1);

  self->kind = kind;
  self->level = level;

  return self;
}

void
lw_finding_free (LwFinding *self)
{
  if (self == NULL)
    return;
  g_free (self->mode);
  g_free (self->address);
  g_free (self->interface);
  g_free (self->server);
  g_free (self->summary);
  g_free (self->detail);
  g_free (self->advice);
  g_free (self->route);
  g_free (self);
}

/* --- evidence helpers ---------------------------------------------------- */

/* The addresses an HTTPS request shows on the direct path: what the VPN's
 * exit looks like to the sites WebRTC's UDP reaches. Answers through a
 * proxy show the proxy, which WebRTC's UDP does not go through. */
gboolean
lw_analysis_exit_addresses (const Analysis *a,
                            int             family,
                            GPtrArray      *out)
{
  for (guint i = 0; i < a->ev->public_addresses->len; i++)
    {
      const LwPublicAddress *pa = g_ptr_array_index (a->ev->public_addresses, i);
      const LwRoute *route;

      if (pa->family != family || !lw_public_address_is_answered_direct (pa))
        continue;
      /* An answer that came around an up tunnel is not its exit. */
      route = lw_evidence_find_route (a->ev, LW_ROUTE_PURPOSE_HTTPS, pa->url, NULL, family);
      if (a->ev->vpn->active && lw_evidence_route_around_tunnel (a->ev, route))
        continue;
      g_ptr_array_add (out, pa->address);
    }
  return out->len > 0;
}

const char *
lw_analysis_family_name (int family)
{
  return family == 6 ? "IPv6" : "IPv4";
}

/* Joins @servers for a sentence; the array is left as it was. */
char *
lw_analysis_format_server_list (GPtrArray *servers)
{
  char *joined;

  g_ptr_array_add (servers, NULL);
  joined = g_strjoinv (", ", (char **) servers->pdata);
  g_ptr_array_set_size (servers, servers->len - 1);
  return joined;
}

/* --- routes (docs/DOMAIN.md, "Causes") ------------------------------------ */

/* The way to the internet at large for @family: the route a browser's
 * socket to 8.8.8.8 or 2001:4860:4860::8888 takes. */
const LwRoute *
lw_analysis_default_route (const Analysis *a,
                           int             family)
{
  return lw_evidence_find_route (a->ev, LW_ROUTE_PURPOSE_DEFAULT_ADDRESS, NULL, NULL, family);
}

/* The tunnel's own route to the internet for @family, when it has one:
 * what it claims to carry, whether or not it gets the traffic. */
const LwRoute *
lw_analysis_tunnel_claim (const Analysis *a,
                          int             family)
{
  for (guint i = 0; i < a->ev->routes->len; i++)
    {
      const LwRoute *r = g_ptr_array_index (a->ev->routes, i);

      if (r->purpose == LW_ROUTE_PURPOSE_TUNNEL && lw_address_family (r->destination) == family &&
          r->prefix != NULL && g_strcmp0 (r->type, "unicast") == 0 &&
          g_strcmp0 (r->interface, r->target) == 0 && lw_evidence_route_in_tunnel (a->ev, r))
        return r;
    }
  return NULL;
}

/* The route a candidate's request took: a Mode-2 socket leaves with the
 * kernel's choice of source, a Mode-1 socket from its base. */
const LwRoute *
lw_analysis_request_route (const Analysis    *a,
                           const LwCandidate *c)
{
  if (c->server == NULL)
    return NULL;
  return lw_evidence_find_route (a->ev, LW_ROUTE_PURPOSE_STUN, c->server,
                                 c->mode == LW_GATHER_DEFAULT_ROUTE ? NULL : c->base, 0);
}

/* Why @route, which leaves outside the tunnel, wins over it. */
LwCause
lw_analysis_cause_of (const Analysis *a,
                      const LwRoute  *route)
{
  int family = lw_address_family (route->destination);
  const LwRoute *claim = lw_analysis_tunnel_claim (a, family);
  const LwRoute *def = lw_analysis_default_route (a, family);
  guint length = 0;

  /* A tunnel that carries the way to the internet claims it too. */
  if (claim == NULL && def != NULL && lw_evidence_route_in_tunnel (a->ev, def))
    claim = def;
  if (claim == NULL)
    return LW_CAUSE_FAMILY_NOT_TUNNELLED;
  /* A default route from DHCP or a router advertisement is every LAN's:
   * only a more specific one is pushed against the tunnel. */
  if ((g_strcmp0 (route->protocol, "dhcp") == 0 || g_strcmp0 (route->protocol, "ra") == 0) &&
      lw_route_prefix_length (route, &length) && length > 0)
    return LW_CAUSE_PUSHED_ROUTE;
  /* A link route of the LAN itself, over a public destination. */
  if (route->gateway == NULL && g_strcmp0 (route->protocol, "kernel") == 0 &&
      lw_route_prefix_length (route, &length) && length > 0 &&
      lw_address_class_is_public (lw_address_classify_string (route->destination)))
    return LW_CAUSE_LOCAL_NETWORK;
  if (route->table != claim->table && route->table != 254)
    return LW_CAUSE_POLICY_RULE;
  /* The way to the internet itself goes around: not one exception. */
  if (def == route && route->prefix != NULL && lw_route_prefix_length (route, &length) && length == 0)
    return LW_CAUSE_FAMILY_NOT_TUNNELLED;
  return LW_CAUSE_SPLIT_ROUTE;
}

void
lw_analysis_set_cause (const Analysis *a,
                       LwFinding      *f,
                       const LwRoute  *route)
{
  f->cause = lw_analysis_cause_of (a, route);
  g_free (f->route);
  f->route = lw_route_describe (route);
}

/* --- findings ------------------------------------------------------------ */

/* Adds @f, or keeps the more serious of two findings about the same thing. */
void
lw_analysis_add_finding (Analysis  *a,
                         LwFinding *f)
{
  /* Findings about the same thing merge; an incomplete check can have
   * several causes for one address, told apart by their summaries. */
  g_autofree char *key = g_strdup_printf ("%d %s %d %s", f->kind, f->address ? f->address : "",
                                          f->family,
                                          f->level == LW_LEVEL_UNKNOWN && f->summary ? f->summary : "");
  LwFinding *old = g_hash_table_lookup (a->by_key, key);

  /* What to do is the catalogue's, for every view alike. */
  if (f->advice == NULL)
    f->advice = lw_catalogue_advice (f, LW_GAP_NONE);
  if (old == NULL)
    {
      g_ptr_array_add (a->findings, f);
      g_hash_table_insert (a->by_key, g_steal_pointer (&key), f);
      return;
    }

  if (f->level > old->level || (f->level == old->level && f->audience > old->audience))
    {
      guint idx;

      g_ptr_array_find (a->findings, old, &idx);
      a->findings->pdata[idx] = f;
      g_hash_table_replace (a->by_key, g_steal_pointer (&key), f);
      lw_finding_free (old);
      return;
    }

  lw_finding_free (f);
}

/**
 * lw_audience_describe:
 *
 * Returns: who sees a finding, as a sentence for people
 */
const char *
lw_audience_describe (LwAudience audience)
{
  switch (audience)
    {
    case LW_AUDIENCE_EVERY_PAGE:
      return _("Every web page can read it, without asking for permission.");
    case LW_AUDIENCE_CAMERA_PAGES:
      return _("Only pages you have allowed to use your camera or microphone can read it.");
    case LW_AUDIENCE_NATIVE_APPS:
      return _("Web pages do not see this; programs that bind to a network interface do.");
    case LW_AUDIENCE_DESKTOP_APPS:
      return _("Apps that are not browsers see it: Electron apps such as Slack, Discord, Teams and "
               "Signal, and calling apps, which gather on every interface. Browser settings do not "
               "reach them.");
    case LW_AUDIENCE_EVERY_SITE:
      return _("Every website sees it, with or without WebRTC.");
    case LW_AUDIENCE_NONE:
    default:
      return "";
    }
}

/* Without the remembered real addresses, a tunnel that carries nothing
 * (HTTPS showing the real address) cannot be recognised: behind a VPN,
 * the check cannot vouch for it, so it is never green on that account. */
static void
check_history (Analysis                *a,
               const LwAnalyzerOptions *options)
{
  LwFinding *f;

  if (options == NULL)
    return;

  /* Saving is told only while reading works: the note below says both. */
  if (options->history_unreadable == NULL && options->history_unsaved != NULL)
    {
      f = lw_finding_new (LW_FINDING_HISTORY_UNSAVED, LW_LEVEL_NOTE);
      /* Translators: %s says why, such as "the disk is full" */
      f->summary = g_strdup_printf (_("Leakwatch cannot save its history: %s"),
                                    options->history_unsaved);
      f->detail = g_strdup (_("Each check is kept in memory and saved as soon as the history can "
                              "be written again. The real addresses it remembers are kept "
                              "meanwhile, so checks are as good as before."));
      lw_analysis_add_finding (a, f);
    }
  if (options->history_unreadable == NULL)
    return;

  f = lw_finding_new (LW_FINDING_HISTORY_UNREADABLE, a->ev->vpn->active ? LW_LEVEL_UNKNOWN : LW_LEVEL_NOTE);
  f->summary = g_strdup (_("Leakwatch cannot read its history, so it cannot recognise your real "
                           "address"));
  /* Translators: %s says why, such as "unable to open database file" */
  f->detail = g_strdup_printf (_("The history keeps the addresses seen without a VPN, to recognise "
                                 "them behind one. It cannot be read now: %s."),
                               options->history_unreadable);
  lw_analysis_add_finding (a, f);
}

static void
check_vpn (Analysis *a)
{
  LwFinding *f;

  if (a->ev->vpn->active)
    return;

  f = lw_finding_new (LW_FINDING_NO_VPN, LW_LEVEL_UNPROTECTED);
  f->audience = LW_AUDIENCE_EVERY_SITE;
  f->summary = g_strdup (_("No VPN is connected: every site sees your real address anyway"));
  f->detail = g_strdup (a->ev->vpn->source == LW_VPN_SOURCE_NETWORKMANAGER
                          ? _("NetworkManager reports no active VPN or WireGuard connection, "
                              "and no tunnel interface is up.")
                          : _("No tun, tap or WireGuard interface is up with an address."));
  lw_analysis_add_finding (a, f);
}

/* The address a family shows on the direct path, or its default address. */
static const char *
shown_address (const Analysis *a,
               int             family)
{
  for (guint i = 0; i < a->ev->public_addresses->len; i++)
    {
      const LwPublicAddress *pa = g_ptr_array_index (a->ev->public_addresses, i);

      if (pa->family == family && lw_public_address_is_answered_direct (pa))
        return pa->address;
    }
  return lw_evidence_get_default_address (a->ev, family);
}

typedef enum
{
  WAY_UNKNOWN,    /* no default route, or none the kernel would use */
  WAY_INSIDE,
  WAY_OUTSIDE,
} Way;

/* Whether the way to the internet for @family enters the tunnel: from
 * the route when the kernel was asked, else from the interface that owns
 * the default local address. */
static Way
family_way (const Analysis  *a,
            int              family,
            const char     **interface)
{
  const LwRoute *route = lw_analysis_default_route (a, family);
  const char *def = lw_evidence_get_default_address (a->ev, family);
  const LwInterface *iface = lw_evidence_interface_for_address (a->ev, def);

  *interface = NULL;
  if (route != NULL)
    {
      if (route->error != NULL || route->interface == NULL)
        return WAY_UNKNOWN;
      *interface = route->interface;
      return lw_evidence_route_in_tunnel (a->ev, route) ? WAY_INSIDE : WAY_OUTSIDE;
    }
  if (def == NULL || iface == NULL)
    return WAY_UNKNOWN;
  *interface = iface->name;
  return lw_evidence_is_tunnel_interface (a->ev, iface->name) ? WAY_INSIDE : WAY_OUTSIDE;
}

/* Whether the family's way to the internet itself leaves outside the
 * tunnel: then a finding about the whole family says what every page and
 * site sees, and one per STUN server would only repeat it. */
gboolean
lw_analysis_family_outside (const Analysis *a,
                            int             family)
{
  const char *iface;

  return family_way (a, family, &iface) == WAY_OUTSIDE;
}

/* Whether the tunnel is meant to carry @family: it carries its way to the
 * internet, or has a route for it that lost to another. */
gboolean
lw_analysis_tunnel_expected (const Analysis *a,
                             int             family)
{
  const char *iface;

  return family_way (a, family, &iface) == WAY_INSIDE || lw_analysis_tunnel_claim (a, family) != NULL;
}

/* The remembered real address equal to @address, if any. */
const LwRememberedAddress *
lw_analysis_remembered (const Analysis *a,
                        const char     *address)
{
  for (guint i = 0; address != NULL && i < a->ev->remembered->len; i++)
    {
      const LwRememberedAddress *r = g_ptr_array_index (a->ev->remembered, i);

      if (g_strcmp0 (r->address, address) == 0)
        return r;
    }
  return NULL;
}

/* A tunnel that has a route to the internet but does not get the traffic:
 * a more specific route (pushed by the network, a LAN prefix, a rule, or
 * an exception) takes it around. Whatever is remembered, sites see the
 * address outside. */
static void
add_bypass (Analysis      *a,
            int            family,
            const LwRoute *claim,
            const LwRoute *route)
{
  g_autofree char *described = lw_route_describe (route);
  g_autofree char *claimed = lw_route_describe (claim);
  const char *shown = shown_address (a, family);
  LwFinding *f = lw_finding_new (LW_FINDING_TUNNEL_NOT_CARRYING_TRAFFIC, LW_LEVEL_LEAK);

  f->audience = LW_AUDIENCE_EVERY_SITE;
  f->family = family;
  f->address = g_strdup (shown);
  f->interface = g_strdup (route->interface);
  lw_analysis_set_cause (a, f, route);
  if (lw_analysis_remembered (a, shown) != NULL)
    f->summary = g_strdup_printf (_("The VPN is up but does not carry your %s traffic: sites see "
                                    "your real address %s"), lw_analysis_family_name (family), shown);
  else if (shown != NULL)
    /* Translators: %1$s is IPv4 or IPv6, %2$s the address sites see */
    f->summary = g_strdup_printf (_("The VPN is up but does not carry your %1$s traffic: sites see %2$s"),
                                  lw_analysis_family_name (family), shown);
  else
    /* Translators: %s is IPv4 or IPv6 */
    f->summary = g_strdup_printf (_("The VPN is up but does not carry your %s traffic: sites see "
                                    "your address"), lw_analysis_family_name (family));
  if (f->cause == LW_CAUSE_PUSHED_ROUTE)
    /* Translators: the %s are a route as `ip route` writes it, an
     * interface, and the tunnel's own route */
    f->detail = g_strdup_printf (_("The network you are on pushed the route %s, which is more "
                                   "specific than the tunnel's own (%s), so %s traffic leaves "
                                   "through %s, around the tunnel. This is the TunnelVision "
                                   "attack (CVE-2024-3661): any network you join can do it. %s"),
                                 described, claimed, lw_analysis_family_name (family),
                                 route->interface ? route->interface : "?",
                                 lw_audience_describe (LW_AUDIENCE_EVERY_SITE));
  else
    f->detail = g_strdup_printf (_("The tunnel has a route to the internet (%s), but the route %s "
                                   "wins over it, so %s traffic leaves through %s, around the "
                                   "tunnel. %s"),
                                 claimed, described, lw_analysis_family_name (family),
                                 route->interface ? route->interface : "?",
                                 lw_audience_describe (LW_AUDIENCE_EVERY_SITE));
  lw_analysis_add_finding (a, f);
}

/* A VPN that routes only some networks leaves the default route, and so
 * every web page, outside: sites see the normal address. When the VPN
 * carries one family's default route but not the other's, that other
 * family leaks to every site. When the tunnel has a route to the
 * internet that loses to another, the tunnel carries nothing. */
static void
check_default_route (Analysis *a)
{
  gboolean outside[2] = { FALSE, FALSE }, inside = FALSE, bypassed = FALSE;
  const char *out_iface[2] = { NULL, NULL };
  LwFinding *f;

  if (!a->ev->vpn->active)
    return;

  for (int family = 4; family <= 6; family += 2)
    {
      const char *def = lw_evidence_get_default_address (a->ev, family);
      const LwRoute *route = lw_analysis_default_route (a, family);
      const LwRoute *claim;
      Way way;

      if (def == NULL)
        continue;
      way = family_way (a, family, &out_iface[family == 6]);
      inside |= way == WAY_INSIDE;
      if (way != WAY_OUTSIDE)
        continue;
      if (route != NULL && (claim = lw_analysis_tunnel_claim (a, family)) != NULL)
        {
          add_bypass (a, family, claim, route);
          bypassed = TRUE;
          continue;
        }
      outside[family == 6] = TRUE;
    }

  if (!inside && !bypassed && (outside[0] || outside[1]))
    {
      f = lw_finding_new (LW_FINDING_VPN_NOT_DEFAULT_ROUTE, LW_LEVEL_UNPROTECTED);
      f->audience = LW_AUDIENCE_EVERY_SITE;
      f->summary = g_strdup (_("The VPN is connected but does not carry your web traffic"));
      f->detail = g_strdup (_("The VPN routes only some networks; the default route, which web "
                              "pages use, stays on your normal connection. Sites see your real "
                              "address."));
      lw_analysis_add_finding (a, f);
      return;
    }

  for (int family = 4; family <= 6; family += 2)
    {
      const char *def = lw_evidence_get_default_address (a->ev, family);
      const char *shown = shown_address (a, family);
      const LwRoute *route = lw_analysis_default_route (a, family);

      if (!outside[family == 6])
        continue;

      f = lw_finding_new (family == 6 ? LW_FINDING_IPV6_OUTSIDE_TUNNEL : LW_FINDING_IPV4_OUTSIDE_TUNNEL,
                          LW_LEVEL_LEAK);
      f->audience = LW_AUDIENCE_EVERY_SITE;
      f->family = family;
      f->address = g_strdup (shown);
      f->interface = g_strdup (out_iface[family == 6]);
      if (route != NULL)
        lw_analysis_set_cause (a, f, route);
      else
        f->cause = LW_CAUSE_FAMILY_NOT_TUNNELLED;
      f->summary = g_strdup_printf (family == 6 ? _("IPv6 traffic bypasses the VPN: sites see %s")
                                                : _("IPv4 traffic bypasses the VPN: sites see %s"),
                                    shown);
      if (route != NULL)
        {
          g_autofree char *described = lw_route_describe (route);

          f->detail = g_strdup_printf (_("The VPN carries the other family but not %s: its way to "
                                         "the internet is the route %s, which leaves from %s "
                                         "through %s. %s"),
                                       lw_analysis_family_name (family), described, def,
                                       out_iface[family == 6], lw_audience_describe (LW_AUDIENCE_EVERY_SITE));
        }
      else
        f->detail = g_strdup_printf (_("The VPN carries the default route of one family but not of "
                                       "%s, which leaves from %s on %s. %s"),
                                     lw_analysis_family_name (family), def, out_iface[family == 6],
                                     lw_audience_describe (LW_AUDIENCE_EVERY_SITE));
      lw_analysis_add_finding (a, f);
    }
}

/* An incomplete check after a green one is a warning: something changed
 * and Leakwatch can no longer vouch for the connection. */
static LwStatus
after_previous (LwStatus                 status,
                const LwAnalyzerOptions *options)
{
  if (status == LW_STATUS_UNKNOWN && options != NULL && options->have_previous &&
      options->previous_status == LW_STATUS_PROTECTED)
    return LW_STATUS_WARNING;
  return status;
}

static LwStatus
status_from_findings (const Analysis          *a,
                      const LwAnalyzerOptions *options)
{
  LwStatus status = LW_STATUS_PROTECTED;

  for (guint i = 0; i < a->findings->len; i++)
    {
      const LwFinding *f = g_ptr_array_index (a->findings, i);
      LwStatus s;

      switch (f->level)
        {
        case LW_LEVEL_LEAK:        s = LW_STATUS_LEAK; break;
        case LW_LEVEL_WARNING:     s = LW_STATUS_WARNING; break;
        case LW_LEVEL_UNKNOWN:     s = LW_STATUS_UNKNOWN; break;
        case LW_LEVEL_UNPROTECTED: s = LW_STATUS_UNPROTECTED; break;
        case LW_LEVEL_NOTE:
        default:                   s = LW_STATUS_PROTECTED; break;
        }
      status = MAX (status, s);
    }

  if (a->ev->vpn->active)
    status = after_previous (status, options);

  /* Never green without a VPN, whatever else the evidence says. */
  if (status == LW_STATUS_PROTECTED && !a->ev->vpn->active)
    status = LW_STATUS_UNKNOWN;

  return status;
}

static int
compare_findings (gconstpointer pa,
                  gconstpointer pb)
{
  const LwFinding *a = *(const LwFinding **) pa;
  const LwFinding *b = *(const LwFinding **) pb;

  if (a->level != b->level)
    return (int) b->level - (int) a->level;
  return (int) b->audience - (int) a->audience;
}

/**
 * lw_analyzer_analyze:
 * @evidence: what the probes found
 * @options: (nullable): browser profiles and the previous status
 * @status: (out): the overall status
 *
 * Returns: (transfer container) (element-type LwFinding): the findings,
 *   most serious first.
 */
GPtrArray *
lw_analyzer_analyze (const LwEvidence        *evidence,
                     const LwAnalyzerOptions *options,
                     LwStatus                *status)
{
  Analysis a = { 0 };
  GPtrArray *findings;

  g_return_val_if_fail (evidence != NULL, NULL);
  g_return_val_if_fail (status != NULL, NULL);

  a.ev = evidence;
  if (options != NULL && options->profiles != NULL)
    {
      a.profiles = options->profiles;
      a.n_profiles = options->n_profiles;
    }
  else
    a.profiles = lw_analyzer_default_profiles (&a.n_profiles);

  findings = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_finding_free);
  a.findings = findings;
  a.by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* Offline, the one thing to say is that: what pages or sites would see
   * of a network that is not there says nothing (docs/DOMAIN.md). */
  if (lw_evidence_get_default_address (evidence, 4) == NULL &&
      lw_evidence_get_default_address (evidence, 6) == NULL)
    {
      lw_analysis_check_completeness (&a);
      check_history (&a, options);
      *status = status_from_findings (&a, options);
      g_hash_table_unref (a.by_key);
      return findings;
    }

  check_vpn (&a);
  check_default_route (&a);

  for (guint i = 0; i < evidence->candidates->len; i++)
    {
      const LwCandidate *c = g_ptr_array_index (evidence->candidates, i);

      if (evidence->vpn->active)
        {
          if (c->type == LW_CANDIDATE_SRFLX && c->probe == LW_PROBE_BROWSER)
            lw_analysis_check_public_address_leak (&a, c);
          if (c->probe == LW_PROBE_BROWSER)
            lw_analysis_check_ipv6_leak (&a, c);
          lw_analysis_check_interface_bypass (&a, c);
        }
      lw_analysis_check_local_addresses (&a, c);
    }

  if (evidence->vpn->active)
    lw_analysis_check_https (&a);
  if (options == NULL || !options->browsers_alone)
    lw_analysis_check_desktop_apps (&a);
  if (options != NULL)
    lw_analysis_check_confirmations (&a, options->confirmations);

  lw_analysis_check_completeness (&a);
  check_history (&a, options);
  /* Last: by_key points at findings this replaces. */
  lw_analysis_merge_local_addresses (&a);

  g_ptr_array_sort (findings, compare_findings);
  *status = status_from_findings (&a, options);

  g_hash_table_unref (a.by_key);
  return findings;
}

static void
add_unique (GPtrArray  *array,
            const char *address)
{
  if (address != NULL && !g_ptr_array_find_with_equal_func (array, address, g_str_equal, NULL))
    g_ptr_array_add (array, g_strdup (address));
}

/**
 * lw_analyzer_browser_verdicts:
 * @evidence: what the probes found
 * @options: (nullable): as for lw_analyzer_analyze(); its profiles are
 *   not used
 * @setups: (element-type LwBrowserSetup): the browsers found, or the
 *   stand-ins
 *
 * What each browser profile exposes, from the same rules as the findings:
 * each profile is analysed on its own, so its status is what that
 * browser alone would show.
 *
 * Returns: (transfer full) (element-type LwBrowserVerdict)
 */
GPtrArray *
lw_analyzer_browser_verdicts (const LwEvidence        *evidence,
                              const LwAnalyzerOptions *options,
                              GPtrArray               *setups)
{
  GPtrArray *verdicts = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_browser_verdict_free);

  for (guint i = 0; i < setups->len; i++)
    {
      const LwBrowserSetup *s = g_ptr_array_index (setups, i);
      LwAnalyzerOptions one = { 0 };
      g_autoptr(GPtrArray) findings = NULL;
      LwBrowserVerdict *v = g_new0 (LwBrowserVerdict, 1);

      if (options != NULL)
        one = *options;
      v->setup = lw_browser_setup_copy (s);
      one.profiles = &v->setup->modes;
      one.n_profiles = 1;
      one.browsers_alone = TRUE;
      v->every_page = g_ptr_array_new_with_free_func (g_free);
      v->camera_pages = g_ptr_array_new_with_free_func (g_free);
      findings = lw_analyzer_analyze (evidence, &one, &v->status);

      for (guint j = 0; j < findings->len; j++)
        {
          const LwFinding *f = g_ptr_array_index (findings, j);

          if (f->kind != LW_FINDING_PUBLIC_ADDRESS_LEAK && f->kind != LW_FINDING_IPV6_LEAK)
            continue;
          if (f->audience == LW_AUDIENCE_EVERY_PAGE)
            add_unique (v->every_page, f->address);
          else if (f->audience == LW_AUDIENCE_CAMERA_PAGES)
            add_unique (v->camera_pages, f->address);
        }
      /* Local addresses: the host candidates its pages are shown. */
      for (guint j = 0; j < evidence->candidates->len; j++)
        {
          const LwCandidate *c = g_ptr_array_index (evidence->candidates, j);
          LwAddressClass klass = lw_address_classify_string (c->address);

          if (c->type != LW_CANDIDATE_HOST || !lw_address_class_is_local (klass) ||
              klass == LW_ADDRESS_LINK_LOCAL)
            continue;
          if (lw_browser_profile_sees (evidence, &v->setup->modes, FALSE, c))
            add_unique (v->every_page, c->address);
          else if (lw_browser_profile_sees (evidence, &v->setup->modes, TRUE, c))
            add_unique (v->camera_pages, c->address);
        }
      for (guint j = v->camera_pages->len; j > 0; j--)
        if (g_ptr_array_find_with_equal_func (v->every_page, g_ptr_array_index (v->camera_pages, j - 1),
                                              g_str_equal, NULL))
          g_ptr_array_remove_index (v->camera_pages, j - 1);
      g_ptr_array_add (verdicts, v);
    }
  return verdicts;
}

/**
 * lw_analyzer_modes_are_enough:
 * @modes: what a browser would gather, set some way
 *
 * Whether a browser set to @modes would show pages nothing that one with
 * WebRTC off does not: on this network, that setting is enough. Mode 3
 * is, on a full tunnel; it is not where a route takes STUN around the
 * tunnel, since its srflx still shows the address.
 */
gboolean
lw_analyzer_modes_are_enough (const LwEvidence        *evidence,
                              const LwAnalyzerOptions *options,
                              const LwBrowserProfile  *modes)
{
  LwBrowserProfile off = { "off", LW_WEBRTC_DISABLED, FALSE, LW_WEBRTC_DISABLED, FALSE };
  LwAnalyzerOptions one = { 0 };
  g_autoptr(GPtrArray) with_modes = NULL;
  g_autoptr(GPtrArray) with_off = NULL;
  LwStatus status_modes, status_off;

  if (options != NULL)
    one = *options;
  one.browsers_alone = TRUE;
  one.n_profiles = 1;
  one.profiles = modes;
  with_modes = lw_analyzer_analyze (evidence, &one, &status_modes);
  one.profiles = &off;
  with_off = lw_analyzer_analyze (evidence, &one, &status_off);
  return status_modes <= status_off && with_modes->len <= with_off->len;
}

/**
 * lw_analyzer_check_failed:
 * @error: why the check could not run
 * @options: (nullable): the previous status
 * @status: (out): unknown, or a warning after a green one
 *
 * A check that could not run saw nothing, so it withdraws the previous
 * verdict: its report says so and why, and is never green.
 *
 * Returns: (transfer container) (element-type LwFinding): the one finding
 */
GPtrArray *
lw_analyzer_check_failed (const GError            *error,
                          const LwAnalyzerOptions *options,
                          LwStatus                *status)
{
  GPtrArray *findings = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_finding_free);
  LwFinding *f = lw_finding_new (LW_FINDING_CHECK_FAILED, LW_LEVEL_UNKNOWN);

  g_return_val_if_fail (error != NULL, NULL);
  g_return_val_if_fail (status != NULL, NULL);

  /* Translators: %s says why, such as "Cannot use the CA file “ca.pem”: No such file or directory" */
  f->summary = g_strdup_printf (_("The check could not run: %s"), error->message);
  f->detail = g_strdup (_("Leakwatch could not ask any server this time, so it cannot tell what "
                          "web pages see now. The previous result no longer counts."));
  f->advice = lw_catalogue_advice (f, LW_GAP_NONE);
  g_ptr_array_add (findings, f);

  /* Only a green check vouched for a VPN: it was active then. */
  *status = after_previous (LW_STATUS_UNKNOWN, options);
  return findings;
}
