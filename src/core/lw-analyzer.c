/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lw-analyzer"

#include "config.h"

#include <glib/gi18n.h>

#include "lw-analyzer.h"
#include "lw-enum-private.h"

/* The analyzer is pure: it reads an LwEvidence and returns findings and a
 * status, exactly as docs/DOMAIN.md's tables say. It does no I/O, so
 * every rule is covered by table-driven tests on synthetic evidence. */

LW_ENUM_STRINGS (lw_status, LwStatus, LW_TYPE_STATUS)
LW_ENUM_STRINGS (lw_level, LwLevel, LW_TYPE_LEVEL)

/* No audience is written as null, never as a word. */
const char *
lw_audience_to_string (LwAudience audience)
{
  if (audience == LW_AUDIENCE_NONE)
    return NULL;
  return lw_enum_nick_of (LW_TYPE_AUDIENCE, audience);
}

gboolean
lw_audience_from_string (const char *str,
                         LwAudience *audience)
{
  int v;

  if (str == NULL)
    {
      *audience = LW_AUDIENCE_NONE;
      return TRUE;
    }
  if (!lw_enum_value_of_nick (LW_TYPE_AUDIENCE, str, &v) || v == LW_AUDIENCE_NONE)
    return FALSE;
  *audience = (LwAudience) v;
  return TRUE;
}

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
  { "Firefox", LW_WEBRTC_MODE_2, TRUE, LW_WEBRTC_MODE_1 },
};

const LwBrowserProfile *
lw_analyzer_default_profiles (guint *n_profiles)
{
  *n_profiles = G_N_ELEMENTS (default_profiles);
  return default_profiles;
}

LwFinding *
lw_finding_new (const char *id,
                LwLevel     level)
{
  LwFinding *self = g_new0 (LwFinding, 1);

  self->id = g_strdup (id);
  self->level = level;

  return self;
}

void
lw_finding_free (LwFinding *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->mode);
  g_free (self->address);
  g_free (self->interface);
  g_free (self->server);
  g_free (self->summary);
  g_free (self->detail);
  g_free (self->advice);
  g_free (self);
}

typedef struct
{
  const LwEvidence        *ev;
  const LwBrowserProfile  *profiles;
  guint                    n_profiles;
  GPtrArray               *findings;
  GHashTable              *by_key;     /* "id address" -> LwFinding */
} Analysis;

/* --- what a browser shows ------------------------------------------------ */

static gboolean
mode_sees (LwWebrtcMode       mode,
           gboolean           mdns,
           const LwCandidate *c)
{
  if (c->probe != LW_PROBE_BROWSER)
    return FALSE;

  switch (mode)
    {
    case LW_WEBRTC_MODE_1:
      return c->mode == LW_GATHER_ALL_INTERFACES && (c->type == LW_CANDIDATE_SRFLX || !mdns);
    case LW_WEBRTC_MODE_2:
      return c->mode == LW_GATHER_DEFAULT_ROUTE && (c->type == LW_CANDIDATE_SRFLX || !mdns);
    case LW_WEBRTC_MODE_3:
      return c->mode == LW_GATHER_DEFAULT_ROUTE && c->type == LW_CANDIDATE_SRFLX;
    case LW_WEBRTC_MODE_4:
    case LW_WEBRTC_DISABLED:
    default:
      return FALSE;
    }
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

      if (mode_sees (p->ordinary, p->ordinary_mdns, c))
        return LW_AUDIENCE_EVERY_PAGE;
      if (mode_sees (p->camera, FALSE, c))
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
    {
      if (a->profiles[i].ordinary == LW_WEBRTC_MODE_2 && !a->profiles[i].ordinary_mdns &&
          c->mode == LW_GATHER_DEFAULT_ROUTE)
        return TRUE;
    }
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
      gboolean sees = audience == LW_AUDIENCE_EVERY_PAGE
                        ? mode_sees (p->ordinary, p->ordinary_mdns, c)
                        : mode_sees (p->camera, FALSE, c);
      if (sees)
        g_ptr_array_add (names, (gpointer) p->name);
    }
  g_ptr_array_add (names, NULL);

  return g_strjoinv (", ", (char **) names->pdata);
}

/* --- evidence helpers ---------------------------------------------------- */

/* The addresses an HTTPS request shows on the direct path: what the VPN's
 * exit looks like to the sites WebRTC's UDP reaches. Answers through a
 * proxy show the proxy, which WebRTC's UDP does not go through. */
static gboolean
exit_addresses (const Analysis *a,
                int             family,
                GPtrArray      *out)
{
  for (guint i = 0; i < a->ev->public_addresses->len; i++)
    {
      const LwPublicAddress *pa = g_ptr_array_index (a->ev->public_addresses, i);

      if (pa->family == family && lw_public_address_is_answered_direct (pa))
        g_ptr_array_add (out, pa->address);
    }
  return out->len > 0;
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

static const LwRememberedAddress *
remembered (const Analysis *a,
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

static const char *
family_name (int family)
{
  return family == 6 ? "IPv6" : "IPv4";
}

/* Joins @servers for a sentence; the array is left as it was. */
static char *
format_server_list (GPtrArray *servers)
{
  char *joined;

  g_ptr_array_add (servers, NULL);
  joined = g_strjoinv (", ", (char **) servers->pdata);
  g_ptr_array_set_size (servers, servers->len - 1);
  return joined;
}

/* --- findings ------------------------------------------------------------ */

/* Adds @f, or keeps the more serious of two findings about the same thing. */
static void
add_finding (Analysis  *a,
             LwFinding *f)
{
  /* Findings about the same thing merge; an incomplete check can have
   * several causes for one address, told apart by their summaries. */
  g_autofree char *key = g_strdup_printf ("%s %s %d %s", f->id, f->address ? f->address : "",
                                          f->family,
                                          f->level == LW_LEVEL_UNKNOWN && f->summary ? f->summary : "");
  LwFinding *old = g_hash_table_lookup (a->by_key, key);

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
    case LW_AUDIENCE_EVERY_SITE:
      return _("Every website sees it, with or without WebRTC.");
    case LW_AUDIENCE_NONE:
    default:
      return "";
    }
}

static LwFinding *
exposure_finding (const Analysis    *a,
                  const char        *id,
                  const LwCandidate *c,
                  LwAudience         audience)
{
  LwFinding *f = lw_finding_new (id, audience == LW_AUDIENCE_EVERY_PAGE ? LW_LEVEL_LEAK
                                                                        : LW_LEVEL_WARNING);
  g_autofree char *browsers = browsers_seeing (a, c, audience);

  f->audience = audience;
  f->mode = g_strdup (lw_gather_mode_to_string (c->mode));
  f->family = lw_address_family (c->address);
  f->address = g_strdup (c->address);
  f->interface = g_strdup (c->interface);
  f->server = g_strdup (c->server);

  if (c->type == LW_CANDIDATE_SRFLX)
    f->detail = g_strdup_printf (_("The STUN server %s saw a request from %s (%s) arrive from %s. "
                                   "Browsers that show this: %s. %s"),
                                 c->server, c->base, c->interface ? c->interface : "?",
                                 c->address, browsers, lw_audience_describe (audience));
  else
    f->detail = g_strdup_printf (_("The browser lists %s (%s) as a host candidate. "
                                   "Browsers that show this: %s. %s"),
                                 c->address, c->interface ? c->interface : "?", browsers,
                                 lw_audience_describe (audience));
  return f;
}

static void
check_public_address_leak (Analysis          *a,
                           const LwCandidate *c)
{
  g_autoptr(GPtrArray) exits = g_ptr_array_new ();
  const LwRememberedAddress *real;
  const LwInterface *owner;
  LwAudience audience;
  LwFinding *f;
  int family = lw_address_family (c->address);

  audience = candidate_audience (a, c);
  if (audience == LW_AUDIENCE_NONE)
    return;

  /* A global IPv6 of the LAN shown through STUN is the IPv6 leak. */
  if ((owner = non_tunnel_owner (a, c->address)) != NULL && family == 6)
    return;

  real = remembered (a, c->address);
  if (real == NULL)
    {
      const LwInterface *iface = lw_evidence_interface_for_address (a->ev, c->address);

      if (!lw_address_class_is_public (lw_address_classify_string (c->address)))
        return;
      /* A public address on the tunnel itself is the VPN's own address. */
      if (iface != NULL && lw_evidence_is_tunnel_interface (a->ev, iface->name))
        return;
      /* Without an exit address to compare with, the HTTPS failure is
       * already reported as an incomplete check. */
      if (!exit_addresses (a, family, exits) || str_array_contains (exits, c->address))
        return;
    }

  f = exposure_finding (a, "public-address-leak", c, audience);
  if (real != NULL)
    f->summary = g_strdup_printf (_("Your real address %s is visible to web pages"), c->address);
  else
    f->summary = g_strdup_printf (_("An address outside the VPN, %s, is visible to web pages"),
                                  c->address);
  if (exits->len > 0)
    {
      g_autofree char *joined = format_server_list (exits);
      g_autofree char *old = f->detail;

      f->detail = g_strdup_printf (_("%s Over HTTPS you appear as %s, the VPN's exit."), old, joined);
    }
  if (audience == LW_AUDIENCE_EVERY_PAGE)
    f->advice = g_strdup (_("Make the VPN carry all traffic: turn off split tunnelling for your "
                            "browser and for STUN (UDP), and turn on the VPN's kill switch. "
                            "Until then, only keeping WebRTC's UDP off the direct path helps: in "
                            "Firefox set media.peerconnection.ice.proxy_only to true; in Chromium, "
                            "Chrome, Brave and Edge set the policy WebRtcIPHandling to "
                            "\"disable_non_proxied_udp\". Cost: video calls then need a TURN server "
                            "or a proxy."));
  else
    f->advice = g_strdup (_("Only pages with camera or microphone permission gather from this "
                            "interface. Keep them to the default route: in Firefox set "
                            "media.peerconnection.ice.default_address_only to true; in Chromium, "
                            "Chrome, Brave and Edge set the policy WebRtcIPHandling to "
                            "\"default_public_interface_only\". Cost: calls may relay through a "
                            "server instead of connecting directly on the local network. Turning "
                            "on the VPN's kill switch also stops it."));
  add_finding (a, f);
}

static void
check_ipv6_leak (Analysis          *a,
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

  f = exposure_finding (a, "ipv6-leak", c, audience);
  g_free (f->interface);
  f->interface = g_strdup (owner->name);
  f->summary = g_strdup_printf (_("Your IPv6 address %s on %s, outside the VPN, is visible to "
                                  "web pages"), c->address, owner->name);
  if (audience == LW_AUDIENCE_EVERY_PAGE)
    f->advice = g_strdup (_("Use a VPN that tunnels IPv6 (or blocks it), or turn IPv6 off on the "
                            "physical connection: nmcli connection modify <connection> "
                            "ipv6.method disabled. Cost: sites reachable only over IPv6 stop "
                            "working. Restricting WebRTC alone does not help here, because the "
                            "default IPv6 route itself is outside the tunnel."));
  else
    f->advice = g_strdup (_("Only pages with camera or microphone permission see this address. "
                            "Keep them to the default route: in Firefox set "
                            "media.peerconnection.ice.default_address_only to true; in Chromium, "
                            "Chrome, Brave and Edge set the policy WebRtcIPHandling to "
                            "\"default_public_interface_only\". Or turn IPv6 off on the physical "
                            "connection (nmcli connection modify <connection> ipv6.method "
                            "disabled). Cost: calls may relay through a server; without IPv6, "
                            "IPv6-only sites stop working."));
  add_finding (a, f);
}

static void
check_local_addresses (Analysis          *a,
                       const LwCandidate *c)
{
  LwFinding *f;
  LwLevel level;
  LwAudience audience;
  LwAddressClass klass = lw_address_classify_string (c->address);

  if (c->type != LW_CANDIDATE_HOST || !lw_address_class_is_local (klass))
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

  f = lw_finding_new ("local-addresses-visible", level);
  f->audience = audience;
  f->mode = g_strdup (lw_gather_mode_to_string (c->mode));
  f->family = lw_address_family (c->address);
  f->address = g_strdup (c->address);
  f->interface = g_strdup (c->interface);
  f->summary = g_strdup_printf (_("Your local address %s (%s) is visible to web pages"),
                                c->address, lw_address_class_to_string (klass));
  f->detail = g_strdup_printf (_("The browser lists %s on %s as a host candidate. %s "
                                 "A local address does not reveal where you are, but it helps "
                                 "to tell you apart from others behind the same exit."),
                               c->address, c->interface ? c->interface : "?",
                               lw_audience_describe (audience));
  f->advice = g_strdup (_("Keep mDNS obfuscation on (the default in Chrome, Firefox and "
                          "Safari). In Firefox, media.peerconnection.ice.obfuscate_host_addresses "
                          "must stay true; in Chromium-based browsers avoid the policy "
                          "WebRtcIPHandling=\"default_public_and_private_interfaces\"."));
  add_finding (a, f);
}

static void
check_interface_bypass (Analysis          *a,
                        const LwCandidate *c)
{
  g_autoptr(GPtrArray) exits = g_ptr_array_new ();
  int family = lw_address_family (c->address);
  LwFinding *f;

  if (c->probe != LW_PROBE_BOUND || c->type != LW_CANDIDATE_SRFLX)
    return;
  if (lw_evidence_is_tunnel_interface (a->ev, c->interface))
    return;
  if (remembered (a, c->address) == NULL)
    {
      if (!lw_address_class_is_public (lw_address_classify_string (c->address)))
        return;
      if (!exit_addresses (a, family, exits) || str_array_contains (exits, c->address))
        return;
    }

  f = lw_finding_new ("tunnel-bypass-by-binding", LW_LEVEL_NOTE);
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
  f->advice = g_strdup (_("Turn on the VPN's kill switch (firewall rules that drop traffic "
                          "outside the tunnel), so native calling apps cannot bypass it."));
  add_finding (a, f);
}

static void
check_https (Analysis *a)
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
          f = lw_finding_new ("ipv6-outside-tunnel", LW_LEVEL_LEAK);
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
          f->advice = g_strdup (_("Use a VPN that tunnels IPv6 (or blocks it), or turn IPv6 off "
                                  "on the physical connection: nmcli connection modify "
                                  "<connection> ipv6.method disabled."));
          add_finding (a, f);
        }
      else if (remembered (a, pa->address) != NULL)
        {
          f = lw_finding_new ("tunnel-not-carrying-traffic", LW_LEVEL_LEAK);
          f->audience = LW_AUDIENCE_EVERY_SITE;
          f->family = pa->family;
          f->address = g_strdup (pa->address);
          f->server = g_strdup (pa->url);
          f->summary = g_strdup_printf (_("The VPN is up but does not carry your traffic: "
                                          "sites see your real address %s"), pa->address);
          f->detail = g_strdup_printf (_("%s answered over %s that you are %s, the address "
                                         "Leakwatch saw earlier with no VPN up. %s"),
                                       pa->url, family_name (pa->family), pa->address,
                                       lw_audience_describe (LW_AUDIENCE_EVERY_SITE));
          f->advice = g_strdup (_("Reconnect the VPN and check that it owns the default route "
                                  "(ip route get 203.0.113.1 should name the tunnel). Turn on "
                                  "its kill switch."));
          add_finding (a, f);
        }
    }
}

static LwFinding *
incomplete_finding (int         family,
                    const char *summary)
{
  LwFinding *f = lw_finding_new ("check-incomplete", LW_LEVEL_UNKNOWN);

  f->family = family;
  f->summary = g_strdup (summary);
  return f;
}

typedef struct
{
  const char *def;
  GPtrArray  *tried;         /* "server (why)" strings */
  gboolean    stun_answered;
  gboolean    https_answered;
  char       *https_error;   /* the first HTTPS failure, for people */
} FamilyCheck;

static void
family_check_clear (FamilyCheck *fc)
{
  g_clear_pointer (&fc->tried, g_ptr_array_unref);
  g_clear_pointer (&fc->https_error, g_free);
}

static void
read_family (Analysis    *a,
             int          family,
             FamilyCheck *fc)
{
  const LwEvidence *ev = a->ev;
  g_autoptr(GPtrArray) exits = g_ptr_array_new ();

  fc->def = lw_evidence_get_default_address (ev, family);
  fc->tried = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; fc->def != NULL && i < ev->stun_results->len; i++)
    {
      const LwStunResult *r = g_ptr_array_index (ev->stun_results, i);

      if (r->probe != LW_PROBE_BROWSER || r->mode != LW_GATHER_DEFAULT_ROUTE ||
          g_strcmp0 (r->base, fc->def) != 0)
        continue;
      if (r->result == LW_RESULT_TIMEOUT || r->result == LW_RESULT_ANSWERED || r->error == NULL)
        g_ptr_array_add (fc->tried, g_strdup (r->server));
      else
        g_ptr_array_add (fc->tried, g_strdup_printf ("%s (%s)", r->server, r->error));
      fc->stun_answered |= r->result == LW_RESULT_ANSWERED;
    }

  for (guint i = 0; i < ev->public_addresses->len; i++)
    {
      const LwPublicAddress *pa = g_ptr_array_index (ev->public_addresses, i);

      if (pa->family == family && pa->path == LW_HTTP_PATH_DIRECT &&
          pa->result != LW_RESULT_ANSWERED && fc->https_error == NULL)
        fc->https_error = g_strdup_printf ("%s: %s", pa->url,
                                           pa->error ? pa->error : lw_result_to_string (pa->result));
    }
  fc->https_answered = exit_addresses (a, family, exits);
}

static void
add_stun_incomplete (Analysis    *a,
                     int          family,
                     FamilyCheck *fc)
{
  LwFinding *f;

  if (fc->tried->len == 0)
    {
      f = incomplete_finding (family, family == 6 ? _("No IPv6 STUN server could be asked")
                                                  : _("No IPv4 STUN server could be asked"));
      f->detail = g_strdup_printf (_("The default route of %s leaves from %s, but none of the "
                                     "configured STUN servers has an %s address, so what web pages "
                                     "see there is unknown."),
                                   family_name (family), fc->def, family_name (family));
    }
  else
    {
      g_autofree char *servers = format_server_list (fc->tried);

      f = incomplete_finding (family, family == 6 ? _("No STUN server answered over IPv6")
                                                  : _("No STUN server answered over IPv4"));
      f->detail = g_strdup_printf (_("Requests from %s got no answer from %s, so what web pages see "
                                     "through STUN is unknown. Silence is not taken for safety."),
                                   fc->def, servers);
    }
  f->address = g_strdup (fc->def);
  f->advice = g_strdup (_("Check that UDP to the STUN servers is allowed, or name other servers "
                          "with --stun (both an IPv4 and an IPv6 one)."));
  add_finding (a, f);
}

static void
add_https_incomplete (Analysis    *a,
                      int          family,
                      FamilyCheck *fc)
{
  LwFinding *f = incomplete_finding (family, family == 6
                                               ? _("The public IPv6 address could not be checked over HTTPS")
                                               : _("The public IPv4 address could not be checked over HTTPS"));

  f->address = g_strdup (fc->def);
  if (fc->https_error != NULL)
    f->detail = g_strdup_printf (_("No address service answered over %s (%s), so Leakwatch cannot "
                                   "compare what STUN shows with your VPN's exit."),
                                 family_name (family), fc->https_error);
  else
    f->detail = g_strdup_printf (_("No address service was asked over %s, so Leakwatch cannot "
                                   "compare what STUN shows with your VPN's exit."),
                                 family_name (family));
  f->advice = g_strdup (_("Check the network connection, or name a reachable address service "
                          "with --ip-url."));
  add_finding (a, f);
}

/* One finding when nothing answered at all: the cause is the connection,
 * not one server, and four findings would bury that. */
static void
add_unreachable (Analysis    *a,
                 FamilyCheck  fc[2])
{
  LwFinding *f = incomplete_finding (0, _("Nothing answered: the internet seems out of reach"));
  g_autoptr(GString) why = g_string_new (NULL);

  for (int i = 0; i < 2; i++)
    {
      if (fc[i].def == NULL)
        continue;
      if (fc[i].tried->len > 0)
        {
          g_autofree char *servers = format_server_list (fc[i].tried);
          g_string_append_printf (why, _(" From %s, STUN: %s."), fc[i].def, servers);
        }
      if (fc[i].https_error != NULL)
        g_string_append_printf (why, _(" From %s, HTTPS: %s."), fc[i].def, fc[i].https_error);
    }

  f->detail = g_strdup_printf (_("A default route exists, but no STUN server and no address "
                                 "service answered, so what web pages see is unknown.%s"), why->str);
  f->advice = g_strdup (_("Check the network connection and name resolution (DNS). If you use "
                          "servers of your own, name them with --stun and --ip-url."));
  add_finding (a, f);
}

static void
check_completeness (Analysis *a)
{
  FamilyCheck fc[2] = { { 0 } };
  gboolean any_default = FALSE, any_answer = FALSE;

  for (int i = 0; i < 2; i++)
    {
      read_family (a, i == 0 ? 4 : 6, &fc[i]);
      if (fc[i].def == NULL)
        continue;
      any_default = TRUE;
      any_answer |= fc[i].stun_answered || fc[i].https_answered;
    }

  if (!any_default)
    {
      LwFinding *f = incomplete_finding (0, _("This computer is offline: no network has a "
                                              "default route"));

      f->detail = g_strdup (_("Without a default route no page can reach a STUN server, but "
                              "Leakwatch cannot tell what will happen once the network returns."));
      f->advice = g_strdup (_("Connect to a network; Leakwatch checks again when it changes."));
      add_finding (a, f);
    }
  else if (!any_answer)
    add_unreachable (a, fc);
  else
    {
      for (int i = 0; i < 2; i++)
        {
          if (fc[i].def == NULL)
            continue;
          if (!fc[i].stun_answered)
            add_stun_incomplete (a, i == 0 ? 4 : 6, &fc[i]);
          if (!fc[i].https_answered)
            add_https_incomplete (a, i == 0 ? 4 : 6, &fc[i]);
        }
    }

  family_check_clear (&fc[0]);
  family_check_clear (&fc[1]);
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
      f = lw_finding_new ("history-unsaved", LW_LEVEL_NOTE);
      /* Translators: %s says why, such as "the disk is full" */
      f->summary = g_strdup_printf (_("Leakwatch cannot save its history: %s"),
                                    options->history_unsaved);
      f->detail = g_strdup (_("Each check is kept in memory and saved as soon as the history can "
                              "be written again. The real addresses it remembers are kept "
                              "meanwhile, so checks are as good as before."));
      f->advice = g_strdup (_("Make room on the disk, or make the folder of the history writable "
                              "(~/.local/share/leakwatch)."));
      add_finding (a, f);
    }
  if (options->history_unreadable == NULL)
    return;

  f = lw_finding_new ("history-unreadable", a->ev->vpn->active ? LW_LEVEL_UNKNOWN : LW_LEVEL_NOTE);
  f->summary = g_strdup (_("Leakwatch cannot read its history, so it cannot recognise your real "
                           "address"));
  /* Translators: %s says why, such as "unable to open database file" */
  f->detail = g_strdup_printf (_("The history keeps the addresses seen without a VPN, to recognise "
                                 "them behind one. It cannot be read now: %s."),
                               options->history_unreadable);
  f->advice = g_strdup (_("Make room on the disk, or make the folder of the history writable "
                          "(~/.local/share/leakwatch); the history itself is kept."));
  add_finding (a, f);
}

static void
check_vpn (Analysis *a)
{
  LwFinding *f;

  if (a->ev->vpn->active)
    return;

  f = lw_finding_new ("no-vpn", LW_LEVEL_UNPROTECTED);
  f->audience = LW_AUDIENCE_EVERY_SITE;
  f->summary = g_strdup (_("No VPN is connected: every site sees your real address anyway"));
  f->detail = g_strdup (a->ev->vpn->source == LW_VPN_SOURCE_NETWORKMANAGER
                          ? _("NetworkManager reports no active VPN or WireGuard connection, "
                              "and no tunnel carries a default route.")
                          : _("No tun, tap, WireGuard or PPP interface carries a default route."));
  f->advice = g_strdup (_("Connect your VPN if you want to hide your address; Leakwatch then "
                          "checks that WebRTC does not reveal it."));
  add_finding (a, f);
}

/* The address a family shows on the direct path, or its default address. */
static const char *
shown_address (const Analysis *a,
               int             family)
{
  g_autoptr(GPtrArray) exits = g_ptr_array_new ();

  if (exit_addresses (a, family, exits))
    return g_ptr_array_index (exits, 0);
  return lw_evidence_get_default_address (a->ev, family);
}

/* A VPN that routes only some networks leaves the default route, and so
 * every web page, outside: sites see the normal address. When the VPN
 * carries one family's default route but not the other's, that other
 * family leaks to every site. */
static void
check_default_route (Analysis *a)
{
  gboolean outside[2] = { FALSE, FALSE }, inside = FALSE;
  LwFinding *f;

  if (!a->ev->vpn->active)
    return;

  for (int family = 4; family <= 6; family += 2)
    {
      const char *def = lw_evidence_get_default_address (a->ev, family);
      const LwInterface *iface = lw_evidence_interface_for_address (a->ev, def);

      if (def == NULL || iface == NULL)
        continue;
      if (lw_evidence_is_tunnel_interface (a->ev, iface->name))
        inside = TRUE;
      else
        outside[family == 6] = TRUE;
    }

  if (!inside && (outside[0] || outside[1]))
    {
      f = lw_finding_new ("vpn-not-default-route", LW_LEVEL_UNPROTECTED);
      f->audience = LW_AUDIENCE_EVERY_SITE;
      f->summary = g_strdup (_("The VPN is connected but does not carry your web traffic"));
      f->detail = g_strdup (_("The VPN routes only some networks; the default route, which web "
                              "pages use, stays on your normal connection. Sites see your real "
                              "address."));
      f->advice = g_strdup (_("If you want the VPN to hide your address, let it carry the default "
                              "route: in NetworkManager, turn off “Use this connection only for "
                              "resources on its network” (ipv4.never-default=no)."));
      add_finding (a, f);
      return;
    }

  for (int family = 4; family <= 6; family += 2)
    {
      const char *def = lw_evidence_get_default_address (a->ev, family);
      const LwInterface *iface = lw_evidence_interface_for_address (a->ev, def);
      const char *shown = shown_address (a, family);

      if (!outside[family == 6])
        continue;

      f = lw_finding_new (family == 6 ? "ipv6-outside-tunnel" : "ipv4-outside-tunnel", LW_LEVEL_LEAK);
      f->audience = LW_AUDIENCE_EVERY_SITE;
      f->family = family;
      f->address = g_strdup (shown);
      f->interface = g_strdup (iface->name);
      f->summary = g_strdup_printf (family == 6 ? _("IPv6 traffic bypasses the VPN: sites see %s")
                                                : _("IPv4 traffic bypasses the VPN: sites see %s"),
                                    shown);
      f->detail = g_strdup_printf (_("The VPN carries the default route of one family but not of "
                                     "%s, which leaves from %s on %s. %s"),
                                   family_name (family), def, iface->name,
                                   lw_audience_describe (LW_AUDIENCE_EVERY_SITE));
      f->advice = g_strdup_printf (_("Make the VPN carry %s as well (or block it), or turn %s off "
                                     "on the physical connection: nmcli connection modify "
                                     "<connection> %s.method disabled."),
                                   family_name (family), family_name (family),
                                   family == 6 ? "ipv6" : "ipv4");
      add_finding (a, f);
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

  check_vpn (&a);
  check_default_route (&a);

  for (guint i = 0; i < evidence->candidates->len; i++)
    {
      const LwCandidate *c = g_ptr_array_index (evidence->candidates, i);

      if (evidence->vpn->active)
        {
          if (c->type == LW_CANDIDATE_SRFLX && c->probe == LW_PROBE_BROWSER)
            check_public_address_leak (&a, c);
          if (c->probe == LW_PROBE_BROWSER)
            check_ipv6_leak (&a, c);
          check_interface_bypass (&a, c);
        }
      check_local_addresses (&a, c);
    }

  if (evidence->vpn->active)
    check_https (&a);

  check_completeness (&a);
  check_history (&a, options);

  g_ptr_array_sort (findings, compare_findings);
  *status = status_from_findings (&a, options);

  g_hash_table_unref (a.by_key);
  return findings;
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
  f->advice = g_strdup (_("Leakwatch tries again at the next check, or when the network changes. "
                          "If this stays, correct what the message names."));
  g_ptr_array_add (findings, f);

  /* Only a green check vouched for a VPN: it was active then. */
  *status = after_previous (LW_STATUS_UNKNOWN, options);
  return findings;
}
