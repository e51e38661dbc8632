/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lw-vpn-watch"

#include "config.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <glib-unix.h>
#include <libmnl/libmnl.h>

#include "lw-interfaces.h"
#include "lw-routes.h"
#include "lw-vpn-watch.h"

/* Tells the monitor when the network changed in a way that matters: a VPN
 * came up or went down, or a tunnel, an address or a default route changed.
 *
 * Two sources, because each sees what the other cannot:
 * - NetworkManager on the system bus: its VPN, WireGuard and tun
 *   connections, through PropertiesChanged of the interfaces that matter,
 *   StateChanged, VpnStateChanged, and its name owner (it may be missing,
 *   restart, or appear later).
 * - The kernel, through rtnetlink: links, addresses, routes and rules, where
 *   tunnels outside NetworkManager (wg-quick, openvpn by hand) show up.
 *
 * Both are noisy (router advertisements refresh routes, Wi-Fi signal
 * strength changes), so kernel events are coalesced and compared as a
 * fingerprint of what a check depends on; NetworkManager is watched only on
 * the interfaces and properties that matter. Idle, it costs nothing: no
 * timers, only a socket and D-Bus signal subscriptions. */

#define NM_NAME     "org.freedesktop.NetworkManager"
#define NETLINK_SETTLE_MS 100

struct _LwVpnWatch
{
  GObject          parent_instance;

  GCancellable    *cancellable;
  GDBusConnection *bus;
  guint            name_watch;
  guint            subscriptions[5];
  gboolean         nm_running;
  gboolean         nm_known;     /* the name watch has reported once */

  struct mnl_socket *netlink;
  char            *buffer;
  gsize            buffer_size;
  guint            netlink_source;
  guint            settle_source;
  char            *fingerprint;
};

G_DEFINE_FINAL_TYPE (LwVpnWatch, lw_vpn_watch, G_TYPE_OBJECT)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
emit_changed (LwVpnWatch *self,
              const char *reason)
{
  g_debug ("changed: %s", reason);
  g_signal_emit (self, signals[CHANGED], 0, reason);
}

/* --- the kernel ------------------------------------------------------------ */

/**
 * lw_vpn_watch_dup_fingerprint:
 *
 * What a check depends on, as one string: every interface with its kind
 * and addresses, every route of every table but the local one, every
 * policy rule (wg-quick, Mullvad and Tailscale route through tables and
 * rules of their own), and the default local address of each family.
 * Equal fingerprints mean a new check would see the same network. A host
 * route that sends the STUN server around the tunnel changes neither an
 * address nor a default route, only the routes.
 */
char *
lw_vpn_watch_dup_fingerprint (LwVpnWatch *self)
{
  g_autoptr(GPtrArray) interfaces = lw_interfaces_snapshot (NULL);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) routes = NULL;
  g_autoptr(LwRouter) router = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *def4 = lw_interfaces_default_address (4);
  g_autofree char *def6 = lw_interfaces_default_address (6);

  for (guint i = 0; interfaces != NULL && i < interfaces->len; i++)
    {
      const LwInterface *iface = g_ptr_array_index (interfaces, i);

      for (guint j = 0; j < MAX (iface->addresses->len, 1); j++)
        {
          const LwIfAddress *a = j < iface->addresses->len ? g_ptr_array_index (iface->addresses, j) : NULL;

          g_ptr_array_add (lines, g_strdup_printf ("%s %s%s %s/%u", iface->name,
                                                   lw_interface_kind_to_string (iface->kind),
                                                   iface->running ? "" : " no-carrier",
                                                   a ? a->address : "-", a ? a->prefix : 0));
        }
    }
  if ((router = lw_router_new (&error)) == NULL || (routes = lw_router_dump (router, &error)) == NULL)
    {
      /* Unknown routes never compare equal: a change is assumed. */
      g_message ("%s", error->message);
      g_ptr_array_add (lines, g_strdup_printf ("routes unknown %" G_GINT64_FORMAT, g_get_monotonic_time ()));
    }
  else
    g_ptr_array_extend_and_steal (lines, g_steal_pointer (&routes));
  g_ptr_array_add (lines, g_strdup_printf ("default %s %s", def4 ? def4 : "-", def6 ? def6 : "-"));
  g_ptr_array_add (lines, NULL);

  return g_strjoinv ("\n", (char **) lines->pdata);
}

static gboolean
on_netlink_settled (gpointer data)
{
  LwVpnWatch *self = data;
  g_autofree char *fingerprint = NULL;

  self->settle_source = 0;
  fingerprint = lw_vpn_watch_dup_fingerprint (self);
  if (g_strcmp0 (fingerprint, self->fingerprint) == 0)
    return G_SOURCE_REMOVE;

  g_free (self->fingerprint);
  self->fingerprint = g_steal_pointer (&fingerprint);
  emit_changed (self, "kernel: interfaces, routes or rules changed");
  return G_SOURCE_REMOVE;
}

static gboolean
on_netlink (int          fd,
            GIOCondition condition,
            gpointer     data)
{
  LwVpnWatch *self = data;
  gboolean lost = FALSE;
  ssize_t len;

  /* The messages only say that something changed: the fingerprint, read
   * once the burst has settled, says whether it matters. */
  while ((len = recv (fd, self->buffer, self->buffer_size, MSG_DONTWAIT)) != 0)
    {
      if (len < 0)
        {
          /* ENOBUFS: the queue overflowed (the process was frozen or busy)
           * and messages were lost. Something changed; keep watching. */
          if (errno == ENOBUFS)
            {
              lost = TRUE;
              continue;
            }
          break;
        }
    }

  if (condition & (G_IO_HUP | G_IO_NVAL))
    {
      g_warning ("rtnetlink socket closed; kernel changes are no longer watched");
      self->netlink_source = 0;
      return G_SOURCE_REMOVE;
    }

  if (lost)
    {
      /* Nothing to compare: say it now (the monitor debounces). */
      g_free (self->fingerprint);
      self->fingerprint = lw_vpn_watch_dup_fingerprint (self);
      emit_changed (self, "kernel: lost messages");
      return G_SOURCE_CONTINUE;
    }

  /* A change comes as a burst of messages: look once it has settled. */
  if (self->settle_source == 0)
    self->settle_source = g_timeout_add (NETLINK_SETTLE_MS, on_netlink_settled, self);
  return G_SOURCE_CONTINUE;
}

static void
watch_kernel (LwVpnWatch *self)
{
  static const int groups[] = {
    RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV4_ROUTE,
    RTNLGRP_IPV6_ROUTE, RTNLGRP_IPV4_RULE, RTNLGRP_IPV6_RULE,
  };
  int size = 1024 * 1024;

  self->fingerprint = lw_vpn_watch_dup_fingerprint (self);

  self->netlink = mnl_socket_open2 (NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (self->netlink == NULL || mnl_socket_bind (self->netlink, 0, MNL_SOCKET_AUTOPID) < 0)
    {
      g_warning ("cannot watch the kernel's routes: %s", g_strerror (errno));
      g_clear_pointer (&self->netlink, mnl_socket_close);
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    mnl_socket_setsockopt (self->netlink, NETLINK_ADD_MEMBERSHIP, (void *) &groups[i], sizeof groups[i]);
  /* A larger queue overflows later. */
  setsockopt (mnl_socket_get_fd (self->netlink), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  self->netlink_source = g_unix_fd_add (mnl_socket_get_fd (self->netlink),
                                        G_IO_IN | G_IO_ERR | G_IO_HUP, on_netlink, self);
}

/* --- NetworkManager ----------------------------------------------------- */

static void
on_nm_signal (GDBusConnection *connection,
              const char      *sender,
              const char      *path,
              const char      *interface,
              const char      *member,
              GVariant        *parameters,
              gpointer         data)
{
  LwVpnWatch *self = data;
  static const char * const manager_props[] = { "ActiveConnections", "PrimaryConnection", "State", NULL };
  static const char * const active_props[] = {
    "State", "Devices", "Ip4Config", "Ip6Config", "Default", "Default6", "Vpn", NULL,
  };
  const char * const *wanted;
  g_autoptr(GVariant) changed = NULL;
  const char *changed_interface;
  GVariantIter iter;
  const char *name;

  if (!g_str_equal (member, "PropertiesChanged"))
    {
      /* StateChanged and VpnStateChanged always matter. */
      g_autofree char *reason = g_strdup_printf ("NetworkManager: %s", member);
      emit_changed (self, reason);
      return;
    }

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(sa{sv}as)")))
    return;
  g_variant_get (parameters, "(&s@a{sv}@as)", &changed_interface, &changed, NULL);

  if (g_str_equal (changed_interface, NM_NAME))
    wanted = manager_props;
  else if (g_str_equal (changed_interface, NM_NAME ".Connection.Active"))
    wanted = active_props;
  else if (g_str_equal (changed_interface, NM_NAME ".VPN.Connection"))
    {
      emit_changed (self, "NetworkManager: VPN connection changed");
      return;
    }
  else
    return;

  g_variant_iter_init (&iter, changed);
  while (g_variant_iter_next (&iter, "{&sv}", &name, NULL))
    {
      if (g_strv_contains (wanted, name))
        {
          g_autofree char *reason = g_strdup_printf ("NetworkManager: %s %s", path, name);
          emit_changed (self, reason);
          return;
        }
    }
}

static void
subscribe (LwVpnWatch *self)
{
  /* arg0 of PropertiesChanged is the interface whose properties changed:
   * only these three can change a verdict. */
  static const char * const interfaces[] = {
    NM_NAME, NM_NAME ".Connection.Active", NM_NAME ".VPN.Connection",
  };

  for (guint i = 0; i < G_N_ELEMENTS (interfaces); i++)
    self->subscriptions[i] =
      g_dbus_connection_signal_subscribe (self->bus, NM_NAME, "org.freedesktop.DBus.Properties",
                                          "PropertiesChanged", NULL, interfaces[i],
                                          G_DBUS_SIGNAL_FLAGS_NONE, on_nm_signal, self, NULL);
  self->subscriptions[3] =
    g_dbus_connection_signal_subscribe (self->bus, NM_NAME, NM_NAME, "StateChanged", NULL, NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE, on_nm_signal, self, NULL);
  self->subscriptions[4] =
    g_dbus_connection_signal_subscribe (self->bus, NM_NAME, NM_NAME ".VPN.Connection",
                                        "VpnStateChanged", NULL, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                        on_nm_signal, self, NULL);
}

static void
on_nm_appeared (GDBusConnection *connection,
                const char      *name,
                const char      *owner,
                gpointer         data)
{
  LwVpnWatch *self = data;
  gboolean was_running = self->nm_running, known = self->nm_known;

  self->nm_running = TRUE;
  self->nm_known = TRUE;
  /* The first report only says how things are at start-up. */
  if (known && !was_running)
    emit_changed (self, "NetworkManager appeared");
}

static void
on_nm_vanished (GDBusConnection *connection,
                const char      *name,
                gpointer         data)
{
  LwVpnWatch *self = data;
  gboolean was_running = self->nm_running;

  self->nm_running = FALSE;
  self->nm_known = TRUE;
  /* At start-up "vanished" only says it is not there; that is no change. */
  if (was_running)
    emit_changed (self, "NetworkManager vanished");
}

static void
on_bus (GObject      *source,
        GAsyncResult *result,
        gpointer      data)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *bus = g_bus_get_finish (result, &error);
  LwVpnWatch *self;

  if (bus == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("no system bus (%s): watching the kernel only", error->message);
      return;
    }

  self = data;
  self->bus = bus;
  subscribe (self);
  self->name_watch = g_bus_watch_name_on_connection (bus, NM_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                     on_nm_appeared, on_nm_vanished, self, NULL);
}

/**
 * lw_vpn_watch_start:
 *
 * Starts watching. Without a system bus it watches the kernel only; a
 * NetworkManager that appears later is noticed through its name.
 */
void
lw_vpn_watch_start (LwVpnWatch *self)
{
  g_return_if_fail (LW_IS_VPN_WATCH (self));
  g_return_if_fail (self->cancellable == NULL);

  self->cancellable = g_cancellable_new ();
  watch_kernel (self);
  g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, on_bus, self);
}

gboolean
lw_vpn_watch_get_nm_running (LwVpnWatch *self)
{
  g_return_val_if_fail (LW_IS_VPN_WATCH (self), FALSE);
  return self->nm_running;
}

static void
lw_vpn_watch_dispose (GObject *object)
{
  LwVpnWatch *self = (LwVpnWatch *) object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->settle_source, g_source_remove);
  g_clear_handle_id (&self->netlink_source, g_source_remove);
  g_clear_pointer (&self->netlink, mnl_socket_close);
  g_clear_pointer (&self->buffer, g_free);
  g_clear_handle_id (&self->name_watch, g_bus_unwatch_name);
  for (guint i = 0; i < G_N_ELEMENTS (self->subscriptions); i++)
    {
      if (self->subscriptions[i] != 0)
        g_dbus_connection_signal_unsubscribe (self->bus, self->subscriptions[i]);
      self->subscriptions[i] = 0;
    }
  g_clear_object (&self->bus);
  g_clear_pointer (&self->fingerprint, g_free);

  G_OBJECT_CLASS (lw_vpn_watch_parent_class)->dispose (object);
}

static void
lw_vpn_watch_class_init (LwVpnWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lw_vpn_watch_dispose;

  /**
   * LwVpnWatch::changed:
   * @reason: what changed, for the log
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
lw_vpn_watch_init (LwVpnWatch *self)
{
  self->buffer_size = 32768;
  self->buffer = g_malloc (self->buffer_size);
}

LwVpnWatch *
lw_vpn_watch_new (void)
{
  return g_object_new (LW_TYPE_VPN_WATCH, NULL);
}
