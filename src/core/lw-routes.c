/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lw-routes"

#include "config.h"

#include <errno.h>
#include <arpa/inet.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <glib/gi18n.h>
#include <libmnl/libmnl.h>

#include "lw-routes.h"

/* Route evidence (docs/ARCHITECTURE.md, "Routes"): for each request a check
 * sends, the kernel is asked the two questions `ip route get DST from SRC`
 * and `ip route get fibmatch DST from SRC` ask. The first says where the
 * packet leaves (interface, gateway, preferred source); the second which
 * route matched (prefix, table, protocol, type). Both go through the policy
 * rules, as a browser's packet does, so wg-quick's fwmark rules and
 * Mullvad's tables apply. libmnl builds and parses the messages. A lookup
 * takes microseconds and sends nothing on the network. */

struct _LwRouter
{
  struct mnl_socket *socket;
  guint32            portid;
  guint32            seq;
  char              *buffer;
  gsize              size;
};

typedef struct
{
  const struct rtmsg  *rtm;
  const struct nlattr *attrs[RTA_MAX + 1];
} RouteMessage;

static int
on_route_attr (const struct nlattr *attr,
               void                *data)
{
  RouteMessage *m = data;
  int type = mnl_attr_get_type (attr);

  if (mnl_attr_type_valid (attr, RTA_MAX) < 0)
    return MNL_CB_OK;
  switch (type)
    {
    case RTA_OIF:
    case RTA_TABLE:
    case RTA_PRIORITY:
      if (mnl_attr_validate (attr, MNL_TYPE_U32) < 0)
        return MNL_CB_OK;
      break;
    default:
      break;
    }
  m->attrs[type] = attr;
  return MNL_CB_OK;
}

static gboolean
read_route_message (const struct nlmsghdr *nlh,
                    RouteMessage          *m)
{
  memset (m, 0, sizeof *m);
  if (nlh->nlmsg_type != RTM_NEWROUTE ||
      mnl_nlmsg_get_payload_len (nlh) < sizeof (struct rtmsg))
    return FALSE;
  m->rtm = mnl_nlmsg_get_payload (nlh);
  return mnl_attr_parse (nlh, sizeof (struct rtmsg), on_route_attr, m) >= MNL_CB_STOP;
}

static char *
attr_address (const struct nlattr *attr,
              int                  af)
{
  char text[INET6_ADDRSTRLEN];
  gsize want = af == AF_INET6 ? 16 : 4;

  if (attr == NULL || mnl_attr_get_payload_len (attr) != want)
    return NULL;
  if (inet_ntop (af, mnl_attr_get_payload (attr), text, sizeof text) == NULL)
    return NULL;
  return g_strdup (text);
}

static guint32
attr_u32 (const struct nlattr *attr,
          guint32              fallback)
{
  return attr != NULL ? mnl_attr_get_u32 (attr) : fallback;
}

static char *
interface_name (guint32 index)
{
  char name[IF_NAMESIZE];

  if (index == 0 || if_indextoname (index, name) == NULL)
    return index == 0 ? NULL : g_strdup_printf ("#%u", index);
  return g_strdup (name);
}

/* The names of /etc/iproute2/rt_protos, for the ones that tell a cause. */
static char *
protocol_name (guint8 protocol)
{
  switch (protocol)
    {
    case RTPROT_REDIRECT: return g_strdup ("redirect");
    case RTPROT_KERNEL:   return g_strdup ("kernel");
    case RTPROT_BOOT:     return g_strdup ("boot");
    case RTPROT_STATIC:   return g_strdup ("static");
    case RTPROT_RA:       return g_strdup ("ra");
    case RTPROT_DHCP:     return g_strdup ("dhcp");
    default:              return g_strdup_printf ("%u", protocol);
    }
}

static const char *
type_name (guint8 type)
{
  switch (type)
    {
    case RTN_UNICAST:     return "unicast";
    case RTN_LOCAL:       return "local";
    case RTN_BROADCAST:   return "broadcast";
    case RTN_BLACKHOLE:   return "blackhole";
    case RTN_UNREACHABLE: return "unreachable";
    case RTN_PROHIBIT:    return "prohibit";
    case RTN_THROW:       return "throw";
    default:              return "other";
    }
}

static char *
prefix_text (const RouteMessage *m)
{
  int af = m->rtm->rtm_family;
  g_autofree char *dst = attr_address (m->attrs[RTA_DST], af);

  if (dst == NULL)
    dst = g_strdup (af == AF_INET6 ? "::" : "0.0.0.0");
  return g_strdup_printf ("%s/%u", dst, m->rtm->rtm_dst_len);
}

/**
 * lw_router_new:
 *
 * Opens an rtnetlink socket for lookups; one serves a whole check.
 */
LwRouter *
lw_router_new (GError **error)
{
  g_autoptr(LwRouter) self = g_new0 (LwRouter, 1);
  struct timeval timeout = { .tv_sec = 1 };

  /* Large enough for what a dump sends at once (MNL_SOCKET_DUMP_SIZE). */
  self->size = 32768;
  self->buffer = g_malloc (self->size);
  self->socket = mnl_socket_open2 (NETLINK_ROUTE, SOCK_CLOEXEC);
  if (self->socket == NULL || mnl_socket_bind (self->socket, 0, MNL_SOCKET_AUTOPID) < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot ask the kernel for routes: %s"), g_strerror (saved));
      return NULL;
    }
  /* The kernel answers at once; a second is a backstop, never a wait. */
  setsockopt (mnl_socket_get_fd (self->socket), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  self->portid = mnl_socket_get_portid (self->socket);
  self->seq = (guint32) g_get_monotonic_time ();
  return g_steal_pointer (&self);
}

void
lw_router_free (LwRouter *self)
{
  if (self == NULL)
    return;
  if (self->socket != NULL)
    mnl_socket_close (self->socket);
  g_free (self->buffer);
  g_free (self);
}

typedef struct
{
  LwRoute  *route;
  gboolean  fib_match;
  gboolean  seen;
} Lookup;

static int
on_lookup_reply (const struct nlmsghdr *nlh,
                 void                  *data)
{
  Lookup *l = data;
  RouteMessage m;
  int af;

  if (!read_route_message (nlh, &m))
    return MNL_CB_OK;
  af = m.rtm->rtm_family;
  l->seen = TRUE;

  if (l->fib_match)
    {
      l->route->prefix = prefix_text (&m);
      l->route->protocol = protocol_name (m.rtm->rtm_protocol);
      l->route->type = g_strdup (type_name (m.rtm->rtm_type));
      l->route->table = attr_u32 (m.attrs[RTA_TABLE], m.rtm->rtm_table);
      /* A multipath route names no single way out here; the plain
       * lookup below says which one the packet takes. */
      if (l->route->interface == NULL)
        l->route->interface = interface_name (attr_u32 (m.attrs[RTA_OIF], 0));
      if (l->route->gateway == NULL)
        l->route->gateway = attr_address (m.attrs[RTA_GATEWAY], af);
    }
  else
    {
      g_free (l->route->interface);
      l->route->interface = interface_name (attr_u32 (m.attrs[RTA_OIF], 0));
      g_free (l->route->gateway);
      l->route->gateway = attr_address (m.attrs[RTA_GATEWAY], af);
      l->route->preferred_source = attr_address (m.attrs[RTA_PREFSRC], af);
    }
  return MNL_CB_OK;
}

/* One RTM_GETROUTE exchange. Returns 0 or an errno. */
static int
ask (LwRouter         *self,
     int               af,
     const guint8     *dst,
     const guint8     *src,
     guint32           oif,
     gboolean          fib_match,
     LwRoute          *route)
{
  Lookup lookup = { route, fib_match, FALSE };
  guint addr_len = af == AF_INET6 ? 16 : 4;
  struct nlmsghdr *nlh = mnl_nlmsg_put_header (self->buffer);
  struct rtmsg *rtm;
  ssize_t n;
  guint32 seq = ++self->seq;

  nlh->nlmsg_type = RTM_GETROUTE;
  nlh->nlmsg_flags = NLM_F_REQUEST;
  nlh->nlmsg_seq = seq;
  rtm = mnl_nlmsg_put_extra_header (nlh, sizeof *rtm);
  rtm->rtm_family = (guint8) af;
  rtm->rtm_dst_len = (guint8) (addr_len * 8);
  rtm->rtm_flags = fib_match ? RTM_F_FIB_MATCH : 0;
  mnl_attr_put (nlh, RTA_DST, addr_len, dst);
  if (src != NULL)
    {
      rtm->rtm_src_len = (guint8) (addr_len * 8);
      mnl_attr_put (nlh, RTA_SRC, addr_len, src);
    }
  if (oif != 0)
    mnl_attr_put_u32 (nlh, RTA_OIF, oif);

  if (mnl_socket_sendto (self->socket, nlh, nlh->nlmsg_len) < 0)
    return errno;
  /* Replies that belong to an earlier, abandoned exchange are skipped by
   * their sequence number. */
  for (int tries = 0; tries < 4; tries++)
    {
      int ret;

      n = mnl_socket_recvfrom (self->socket, self->buffer, self->size);
      if (n < 0)
        return errno;
      ret = mnl_cb_run (self->buffer, (size_t) n, seq, self->portid, on_lookup_reply, &lookup);
      if (ret < 0 && errno == EPROTO)
        continue;
      if (ret < 0)
        return errno;
      if (lookup.seen)
        return 0;
    }
  return EPROTO;
}

static char *
no_route_text (int err)
{
  switch (err)
    {
    case ENETUNREACH:
      return g_strdup (_("the kernel has no route there"));
    case EHOSTUNREACH:
      return g_strdup (_("the route there is unreachable"));
    case EACCES:
    case EPERM:
      return g_strdup (_("a rule prohibits the way there"));
    case EINVAL:
      return g_strdup (_("the route there drops the packet"));
    default:
      return g_strdup_printf (_("the kernel gave no route (%s)"), g_strerror (err));
    }
}

/**
 * lw_router_lookup:
 * @target: the server or URL, for people
 * @destination: the address the request goes to
 * @source: (nullable): the address it is sent from; %NULL lets the kernel
 *   choose, as a socket bound to the wildcard does
 * @interface: (nullable): only routes through this interface, as
 *   `ip route get DST oif IFACE`
 *
 * Returns: (transfer full): the route; when there is none, its error says
 *   why, and what matched (a blackhole, say) is still told
 */
LwRoute *
lw_router_lookup (LwRouter       *self,
                  LwRoutePurpose  purpose,
                  const char     *target,
                  const char     *destination,
                  const char     *source,
                  const char     *interface)
{
  LwRoute *route = lw_route_new (purpose, target, destination, source);
  guint8 dst[16], src[16];
  int af, err, match_err;
  guint32 oif = 0;

  af = strchr (destination, ':') != NULL ? AF_INET6 : AF_INET;
  if (inet_pton (af, destination, dst) != 1 ||
      (source != NULL && inet_pton (af, source, src) != 1))
    {
      route->error = g_strdup (_("the address cannot be read"));
      return route;
    }
  if (interface != NULL && (oif = if_nametoindex (interface)) == 0)
    {
      route->error = g_strdup_printf (_("%s is gone"), interface);
      return route;
    }

  match_err = ask (self, af, dst, source ? src : NULL, oif, TRUE, route);
  err = ask (self, af, dst, source ? src : NULL, oif, FALSE, route);
  if (err != 0)
    {
      /* The matched route stays told: a kill switch's blackhole is the
       * reason nothing leaves. */
      g_clear_pointer (&route->interface, g_free);
      g_clear_pointer (&route->gateway, g_free);
      route->error = no_route_text (err);
    }
  else if (match_err != 0)
    g_debug ("fibmatch %s: %s", destination, g_strerror (match_err));
  return route;
}

/* --- the whole table, for the watch's fingerprint ------------------------- */

typedef struct
{
  GPtrArray *lines;
} Dump;

static int
on_dump_route (const struct nlmsghdr *nlh,
               void                  *data)
{
  Dump *d = data;
  RouteMessage m;
  g_autofree char *prefix = NULL, *gateway = NULL, *prefsrc = NULL, *dev = NULL, *proto = NULL;
  guint32 table;

  if (!read_route_message (nlh, &m) || (m.rtm->rtm_flags & RTM_F_CLONED))
    return MNL_CB_OK;
  table = attr_u32 (m.attrs[RTA_TABLE], m.rtm->rtm_table);
  /* The local table follows the addresses, which are told apart. */
  if (table == RT_TABLE_LOCAL)
    return MNL_CB_OK;

  prefix = prefix_text (&m);
  gateway = attr_address (m.attrs[RTA_GATEWAY], m.rtm->rtm_family);
  prefsrc = attr_address (m.attrs[RTA_PREFSRC], m.rtm->rtm_family);
  dev = interface_name (attr_u32 (m.attrs[RTA_OIF], 0));
  proto = protocol_name (m.rtm->rtm_protocol);
  /* No lifetimes or counters: a refreshed router advertisement is no
   * change. */
  g_ptr_array_add (d->lines, g_strdup_printf ("route %s %s %s via %s dev %s src %s table %u "
                                              "proto %s metric %u",
                                              type_name (m.rtm->rtm_type), prefix,
                                              m.rtm->rtm_src_len ? "from-prefix" : "",
                                              gateway ? gateway : "-", dev ? dev : "-",
                                              prefsrc ? prefsrc : "-", table, proto,
                                              attr_u32 (m.attrs[RTA_PRIORITY], 0)));
  return MNL_CB_OK;
}

static int
on_dump_rule (const struct nlmsghdr *nlh,
              void                  *data)
{
  Dump *d = data;
  const struct fib_rule_hdr *frh;
  g_autoptr(GString) line = NULL;
  const struct nlattr *attr;

  if (nlh->nlmsg_type != RTM_NEWRULE || mnl_nlmsg_get_payload_len (nlh) < sizeof *frh)
    return MNL_CB_OK;
  frh = mnl_nlmsg_get_payload (nlh);
  line = g_string_new (NULL);
  g_string_append_printf (line, "rule %u action %u table %u flags %u src/%u dst/%u", frh->family,
                          frh->action, frh->table, frh->flags, frh->src_len, frh->dst_len);
  /* Every attribute, as bytes: a rule has no counters that tick. */
  mnl_attr_for_each (attr, nlh, sizeof *frh)
    {
      const guint8 *payload = mnl_attr_get_payload (attr);

      g_string_append_printf (line, " %u:", mnl_attr_get_type (attr));
      for (guint i = 0; i < mnl_attr_get_payload_len (attr) && i < 64; i++)
        g_string_append_printf (line, "%02x", payload[i]);
    }
  g_ptr_array_add (d->lines, g_string_free (g_steal_pointer (&line), FALSE));
  return MNL_CB_OK;
}

static gboolean
dump (LwRouter  *self,
      guint16    type,
      mnl_cb_t   callback,
      Dump      *d,
      GError   **error)
{
  struct nlmsghdr *nlh = mnl_nlmsg_put_header (self->buffer);
  guint32 seq = ++self->seq;
  int ret;

  nlh->nlmsg_type = type;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  nlh->nlmsg_seq = seq;
  if (type == RTM_GETRULE)
    {
      struct fib_rule_hdr *frh = mnl_nlmsg_put_extra_header (nlh, sizeof *frh);
      frh->family = AF_UNSPEC;
    }
  else
    {
      struct rtmsg *rtm = mnl_nlmsg_put_extra_header (nlh, sizeof *rtm);
      rtm->rtm_family = AF_UNSPEC;
    }

  if (mnl_socket_sendto (self->socket, nlh, nlh->nlmsg_len) < 0)
    goto failed;
  do
    {
      ssize_t n = mnl_socket_recvfrom (self->socket, self->buffer, self->size);

      if (n < 0)
        goto failed;
      ret = mnl_cb_run (self->buffer, (size_t) n, seq, self->portid, callback, d);
    }
  while (ret > MNL_CB_STOP);
  if (ret < 0)
    goto failed;
  return TRUE;

failed:
  {
    int saved = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                 _("Cannot read the kernel's routes: %s"), g_strerror (saved));
    return FALSE;
  }
}

/**
 * lw_router_dump:
 *
 * Returns: (transfer full) (element-type utf8): every route of every table
 *   but the local one, and every policy rule, one line each, in the
 *   kernel's order
 */
GPtrArray *
lw_router_dump (LwRouter  *self,
                GError   **error)
{
  Dump d = { g_ptr_array_new_with_free_func (g_free) };

  if (!dump (self, RTM_GETROUTE, on_dump_route, &d, error) ||
      !dump (self, RTM_GETRULE, on_dump_rule, &d, error))
    {
      g_ptr_array_unref (d.lines);
      return NULL;
    }
  return d.lines;
}
