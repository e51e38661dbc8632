/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lw-evidence"

#include "config.h"

#include <string.h>

#include "lw-enum-private.h"
#include "lw-evidence.h"

/* Stable names used in the JSON output, indexed by enum value. */
LW_ENUM_STRINGS (lw_interface_kind, LwInterfaceKind, LW_TYPE_INTERFACE_KIND)
LW_ENUM_STRINGS (lw_probe_kind, LwProbeKind, LW_TYPE_PROBE_KIND)
LW_ENUM_STRINGS (lw_gather_mode, LwGatherMode, LW_TYPE_GATHER_MODE)
LW_ENUM_STRINGS (lw_candidate_type, LwCandidateType, LW_TYPE_CANDIDATE_TYPE)
LW_ENUM_STRINGS (lw_result, LwResult, LW_TYPE_RESULT)
LW_ENUM_STRINGS (lw_http_path, LwHttpPath, LW_TYPE_HTTP_PATH)
LW_ENUM_STRINGS (lw_vpn_source, LwVpnSource, LW_TYPE_VPN_SOURCE)
LW_ENUM_STRINGS (lw_route_purpose, LwRoutePurpose, LW_TYPE_ROUTE_PURPOSE)

/**
 * lw_strdup_text:
 *
 * Copies a string that came from outside (a server's reason phrase, an
 * interface name, a system error) as valid UTF-8, so the JSON and the text
 * built from it stay valid whatever a server sends.
 *
 * Returns: (transfer full) (nullable):
 */
char *
lw_strdup_text (const char *str)
{
  return str != NULL ? g_utf8_make_valid (str, -1) : NULL;
}

LwIfAddress *
lw_if_address_new (const char *address,
                   guint       prefix)
{
  LwIfAddress *self = g_new0 (LwIfAddress, 1);

  self->address = lw_address_canonicalize (address);
  if (self->address == NULL)
    self->address = g_strdup (address);
  self->prefix = prefix;
  self->klass = lw_address_classify_string (self->address);

  return self;
}

void
lw_if_address_free (LwIfAddress *self)
{
  if (self == NULL)
    return;
  g_free (self->address);
  g_free (self);
}

LwInterface *
lw_interface_new (const char      *name,
                  guint            index,
                  LwInterfaceKind  kind)
{
  LwInterface *self = g_new0 (LwInterface, 1);

  self->name = lw_strdup_text (name);
  self->index = index;
  self->kind = kind;
  self->running = TRUE;
  self->addresses = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_if_address_free);

  return self;
}

/**
 * lw_interface_can_send:
 * @family: 4, 6, or 0 for either
 *
 * Returns: whether the interface has an address of @family to send to the
 *   internet from: any but a link-local one
 */
gboolean
lw_interface_can_send (const LwInterface *self,
                       int                family)
{
  for (guint i = 0; i < self->addresses->len; i++)
    {
      const LwIfAddress *a = g_ptr_array_index (self->addresses, i);

      if (a->klass != LW_ADDRESS_LINK_LOCAL && (family == 0 || lw_address_family (a->address) == family))
        return TRUE;
    }
  return FALSE;
}

void
lw_interface_free (LwInterface *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_ptr_array_unref (self->addresses);
  g_free (self);
}

LwCandidate *
lw_candidate_new (LwProbeKind      probe,
                  LwGatherMode     mode,
                  LwCandidateType  type,
                  const char      *address,
                  guint16          port,
                  const char      *base,
                  const char      *interface,
                  const char      *server)
{
  LwCandidate *self = g_new0 (LwCandidate, 1);

  self->probe = probe;
  self->mode = mode;
  self->type = type;
  self->address = g_strdup (address);
  self->port = port;
  self->base = g_strdup (base);
  self->interface = lw_strdup_text (interface);
  self->server = g_strdup (server);

  return self;
}

void
lw_candidate_free (LwCandidate *self)
{
  if (self == NULL)
    return;
  g_free (self->address);
  g_free (self->base);
  g_free (self->interface);
  g_free (self->server);
  g_free (self);
}

LwStunResult *
lw_stun_result_new (LwProbeKind  probe,
                    const char  *base,
                    const char  *interface,
                    const char  *server)
{
  LwStunResult *self = g_new0 (LwStunResult, 1);

  self->probe = probe;
  self->base = g_strdup (base);
  self->interface = g_strdup (interface);
  self->server = g_strdup (server);
  self->result = LW_RESULT_TIMEOUT;
  self->rtt_ms = -1;

  return self;
}

void
lw_stun_result_free (LwStunResult *self)
{
  if (self == NULL)
    return;
  g_free (self->base);
  g_free (self->interface);
  g_free (self->server);
  g_free (self->mapped);
  g_free (self->error);
  g_free (self);
}

/* A URL as a report may show it: a password in user:pass@ never reaches
 * a report. */
static char *
url_for_report (const char *url)
{
  g_autoptr(GUri) uri = url ? g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL) : NULL;

  return uri && g_uri_get_userinfo (uri) != NULL ? g_uri_to_string_partial (uri, G_URI_HIDE_USERINFO)
                                                 : g_strdup (url);
}

LwPublicAddress *
lw_public_address_new (int         family,
                       LwHttpPath  path,
                       const char *url)
{
  LwPublicAddress *self = g_new0 (LwPublicAddress, 1);

  self->family = family;
  self->path = path;
  self->url = url_for_report (url);
  self->result = LW_RESULT_TIMEOUT;
  self->ms = -1;

  return self;
}

void
lw_public_address_free (LwPublicAddress *self)
{
  if (self == NULL)
    return;
  g_free (self->url);
  g_free (self->address);
  g_free (self->error);
  g_free (self);
}

/**
 * lw_public_address_is_answered_direct:
 *
 * Whether an address service answered this request over the direct path
 * (not through a proxy), with an address: what the network itself shows
 * as the user's public address. The one test for it, for the analyzer,
 * the monitor and the history alike.
 */
gboolean
lw_public_address_is_answered_direct (const LwPublicAddress *self)
{
  return self->path == LW_HTTP_PATH_DIRECT &&
         self->result == LW_RESULT_ANSWERED &&
         self->address != NULL && *self->address != '\0' &&
         (self->family == 4 || self->family == 6);
}

LwVpnConnection *
lw_vpn_connection_new (const char *name,
                       const char *type,
                       const char *interface,
                       const char *state)
{
  LwVpnConnection *self = g_new0 (LwVpnConnection, 1);

  self->name = lw_strdup_text (name);
  self->type = lw_strdup_text (type);
  self->interface = lw_strdup_text (interface);
  self->state = lw_strdup_text (state);

  return self;
}

void
lw_vpn_connection_free (LwVpnConnection *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_free (self->type);
  g_free (self->interface);
  g_free (self->state);
  g_free (self);
}

LwVpnState *
lw_vpn_state_new (void)
{
  LwVpnState *self = g_new0 (LwVpnState, 1);

  self->interfaces = g_new0 (char *, 1);
  self->connections = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_vpn_connection_free);

  return self;
}

void
lw_vpn_state_free (LwVpnState *self)
{
  if (self == NULL)
    return;
  g_strfreev (self->interfaces);
  g_ptr_array_unref (self->connections);
  g_free (self->note);
  g_free (self);
}

LwRememberedAddress *
lw_remembered_address_new (int         family,
                           const char *address,
                           gint64      first_seen,
                           gint64      last_seen)
{
  LwRememberedAddress *self = g_new0 (LwRememberedAddress, 1);

  self->family = family;
  self->address = g_strdup (address);
  self->first_seen = first_seen;
  self->last_seen = last_seen;

  return self;
}

void
lw_remembered_address_free (LwRememberedAddress *self)
{
  if (self == NULL)
    return;
  g_free (self->address);
  g_free (self);
}

LwRoute *
lw_route_new (LwRoutePurpose  purpose,
              const char     *target,
              const char     *destination,
              const char     *source)
{
  LwRoute *self = g_new0 (LwRoute, 1);

  self->purpose = purpose;
  self->target = purpose == LW_ROUTE_PURPOSE_HTTPS ? url_for_report (target) : g_strdup (target);
  self->destination = g_strdup (destination);
  self->source = g_strdup (source);
  return self;
}

void
lw_route_free (LwRoute *self)
{
  if (self == NULL)
    return;
  g_free (self->target);
  g_free (self->destination);
  g_free (self->source);
  g_free (self->interface);
  g_free (self->gateway);
  g_free (self->preferred_source);
  g_free (self->prefix);
  g_free (self->protocol);
  g_free (self->type);
  g_free (self->error);
  g_free (self);
}

/**
 * lw_route_describe:
 *
 * Returns: (transfer full): the route that matched, as `ip route` writes
 *   it: "0.0.0.0/2 via 198.51.100.1 dev lan0 proto dhcp", or why there
 *   was none
 */
char *
lw_route_describe (const LwRoute *self)
{
  GString *out = g_string_new (NULL);

  if (self->type != NULL && !g_str_equal (self->type, "unicast"))
    g_string_append_printf (out, "%s ", self->type);
  g_string_append (out, self->prefix != NULL ? self->prefix : "?");
  if (self->gateway != NULL)
    g_string_append_printf (out, " via %s", self->gateway);
  if (self->interface != NULL)
    g_string_append_printf (out, " dev %s", self->interface);
  if (self->table != 0 && self->table != 254)
    g_string_append_printf (out, " table %u", self->table);
  if (self->protocol != NULL)
    g_string_append_printf (out, " proto %s", self->protocol);
  if (self->prefix == NULL && self->error != NULL)
    {
      g_string_truncate (out, 0);
      g_string_append (out, self->error);
    }
  return g_string_free (out, FALSE);
}

/**
 * lw_route_prefix_length:
 * @length: (out): the length of the matched route's prefix
 *
 * Returns: whether the route has a prefix that can be read
 */
gboolean
lw_route_prefix_length (const LwRoute *self,
                        guint         *length)
{
  const char *slash;
  guint64 value;

  if (self->prefix == NULL || (slash = strrchr (self->prefix, '/')) == NULL)
    return FALSE;
  if (!g_ascii_string_to_unsigned (slash + 1, 10, 0, 128, &value, NULL))
    return FALSE;
  *length = (guint) value;
  return TRUE;
}

LwEvidence *
lw_evidence_new (void)
{
  LwEvidence *self = g_new0 (LwEvidence, 1);

  self->interfaces = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_interface_free);
  self->vpn = lw_vpn_state_new ();
  self->candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_candidate_free);
  self->stun_results = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_stun_result_free);
  self->public_addresses = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_public_address_free);
  self->remembered = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_remembered_address_free);
  self->routes = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_route_free);
  self->stun_servers = g_new0 (char *, 1);

  return self;
}

void
lw_evidence_free (LwEvidence *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->interfaces);
  g_free (self->default_ipv4);
  g_free (self->default_ipv6);
  lw_vpn_state_free (self->vpn);
  g_ptr_array_unref (self->candidates);
  g_ptr_array_unref (self->stun_results);
  g_ptr_array_unref (self->public_addresses);
  g_ptr_array_unref (self->remembered);
  g_ptr_array_unref (self->routes);
  g_strfreev (self->stun_servers);
  g_free (self);
}

const LwInterface *
lw_evidence_find_interface (const LwEvidence *self,
                            const char       *name)
{
  for (guint i = 0; name != NULL && i < self->interfaces->len; i++)
    {
      const LwInterface *iface = g_ptr_array_index (self->interfaces, i);

      if (g_strcmp0 (iface->name, name) == 0)
        return iface;
    }
  return NULL;
}

const LwInterface *
lw_evidence_interface_for_address (const LwEvidence *self,
                                   const char       *address)
{
  for (guint i = 0; address != NULL && i < self->interfaces->len; i++)
    {
      const LwInterface *iface = g_ptr_array_index (self->interfaces, i);

      for (guint j = 0; j < iface->addresses->len; j++)
        {
          const LwIfAddress *addr = g_ptr_array_index (iface->addresses, j);

          if (g_strcmp0 (addr->address, address) == 0)
            return iface;
        }
    }
  return NULL;
}

const char *
lw_evidence_get_default_address (const LwEvidence *self,
                                 int               family)
{
  return family == 6 ? self->default_ipv6 : self->default_ipv4;
}

/**
 * lw_evidence_is_tunnel_interface:
 *
 * An interface is a tunnel when its kind says so, or when the VPN state
 * names it (NetworkManager may know a tunnel by a name we would not guess).
 */
gboolean
lw_evidence_is_tunnel_interface (const LwEvidence *self,
                                 const char       *name)
{
  const LwInterface *iface;

  if (name == NULL)
    return FALSE;
  if (self->vpn != NULL && g_strv_contains ((const char * const *) self->vpn->interfaces, name))
    return TRUE;
  iface = lw_evidence_find_interface (self, name);
  return iface != NULL && iface->kind == LW_INTERFACE_TUNNEL;
}

/**
 * lw_evidence_find_route:
 * @target: (nullable): the server or URL; %NULL for any
 * @source: (nullable): the base the request leaves from; %NULL for the
 *   kernel's choice
 * @family: 4, 6, or 0 for either
 *
 * Returns: (nullable): the first route the check recorded for these
 */
const LwRoute *
lw_evidence_find_route (const LwEvidence *self,
                        LwRoutePurpose    purpose,
                        const char       *target,
                        const char       *source,
                        int               family)
{
  for (guint i = 0; i < self->routes->len; i++)
    {
      const LwRoute *r = g_ptr_array_index (self->routes, i);

      if (r->purpose != purpose || g_strcmp0 (r->source, source) != 0)
        continue;
      if (target != NULL && g_strcmp0 (r->target, target) != 0)
        continue;
      if (family != 0 && lw_address_family (r->destination) != family)
        continue;
      return r;
    }
  return NULL;
}

/**
 * lw_evidence_route_around_tunnel:
 * @route: (nullable): a route of the evidence, or %NULL when none is known
 *
 * Returns: whether a request that takes @route leaves, and not through a
 *   tunnel; %FALSE when the way is unknown or there is none
 */
gboolean
lw_evidence_route_around_tunnel (const LwEvidence *self,
                                 const LwRoute    *route)
{
  return route != NULL && route->interface != NULL && route->error == NULL &&
         !lw_evidence_is_tunnel_interface (self, route->interface);
}

/**
 * lw_evidence_route_in_tunnel:
 *
 * Returns: whether a request that takes @route enters a tunnel
 */
gboolean
lw_evidence_route_in_tunnel (const LwEvidence *self,
                             const LwRoute    *route)
{
  return route->interface != NULL && route->error == NULL &&
         lw_evidence_is_tunnel_interface (self, route->interface);
}
