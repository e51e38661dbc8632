/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lw-vpn"

#include "config.h"

#include <glib/gi18n.h>

#include "lw-probe.h"
#include "lw-vpn.h"

/* Reads the VPN state once, for one check: NetworkManager's active
 * connections over the system bus when it runs, and always the interfaces,
 * because tunnels that NetworkManager does not manage (wg-quick, the
 * Mullvad daemon, openvpn started by hand) show up only there. Every call
 * is asynchronous and bounded; a missing NetworkManager is normal. */

#define NM_NAME        "org.freedesktop.NetworkManager"
#define NM_PATH        "/org/freedesktop/NetworkManager"
#define NM_IFACE       "org.freedesktop.NetworkManager"
#define NM_ACTIVE      "org.freedesktop.NetworkManager.Connection.Active"
#define NM_VPN         "org.freedesktop.NetworkManager.VPN.Connection"
#define NM_DEVICE      "org.freedesktop.NetworkManager.Device"
#define PROPERTIES     "org.freedesktop.DBus.Properties"

enum { AC_STATE_ACTIVATED = 2 };
enum { VPN_STATE_ACTIVATED = 5 };

typedef struct
{
  GTask            *task;
  const LwEvidence *evidence;
  GDBusConnection  *bus;
  LwVpnState       *state;
  GCancellable     *cancellable;  /* ours: cancelled at the deadline */
  LwDeadline        deadline;
  guint             timeout_ms;
  guint             pending;
  gboolean          completed;
} Read;

/* One active connection, followed through a chain of calls: its
 * properties, then (for a plugin VPN) its VpnState and IP configurations,
 * or (for WireGuard and tun) its device's interface name. */
typedef struct
{
  Read            *read;
  char            *path;
  LwVpnConnection *connection;
  char            *configs[2];
  guint            next_config;
  guint            ac_state;
  guint            vpn_state;
  gboolean         is_vpn;
} Conn;

static void
read_free (Read *r)
{
  lw_deadline_clear (&r->deadline);
  g_clear_object (&r->cancellable);
  g_clear_object (&r->bus);
  g_clear_pointer (&r->state, lw_vpn_state_free);
  g_free (r);
}

static const char *
state_name (guint ac_state,
            guint vpn_state,
            gboolean is_vpn)
{
  static const char * const ac_names[] = { "unknown", "activating", "activated", "deactivating", "deactivated" };
  static const char * const vpn_names[] = {
    "unknown", "prepare", "need-auth", "connect", "ip-config-get", "activated", "failed", "disconnected",
  };

  if (is_vpn && vpn_state < G_N_ELEMENTS (vpn_names) && vpn_state != 0)
    return vpn_names[vpn_state];
  return ac_state < G_N_ELEMENTS (ac_names) ? ac_names[ac_state] : "unknown";
}

static gboolean
conn_is_active (const LwVpnConnection *c)
{
  return g_strcmp0 (c->state, "activated") == 0;
}

/**
 * lw_vpn_merge_interfaces:
 * @state: what NetworkManager said (possibly nothing)
 * @nm_running: whether NetworkManager answered at all
 *
 * Adds the tunnels that are up with an address, and decides whether a VPN
 * is up and which source said so.
 */
void
lw_vpn_merge_interfaces (LwVpnState       *state,
                         const LwEvidence *evidence,
                         gboolean          nm_running)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();
  gboolean nm_active = FALSE, tunnel_up = FALSE;

  for (guint i = 0; i < state->connections->len; i++)
    {
      const LwVpnConnection *c = g_ptr_array_index (state->connections, i);

      if (!conn_is_active (c))
        continue;
      nm_active = TRUE;
      if (c->interface != NULL && !g_ptr_array_find_with_equal_func (seen, c->interface, g_str_equal, NULL))
        g_ptr_array_add (seen, c->interface);
    }

  /* A tunnel is up when its interface is, running, with an address to send from,
   * whatever its routes: whether it carries the traffic is the routes'
   * question (docs/DOMAIN.md, "A VPN is up; a VPN carries"). */
  for (guint i = 0; i < evidence->interfaces->len; i++)
    {
      const LwInterface *iface = g_ptr_array_index (evidence->interfaces, i);

      /* A tun device nobody holds open (no carrier) carries nothing. */
      if (iface->kind != LW_INTERFACE_TUNNEL || !iface->running || !lw_interface_can_send (iface, 0))
        continue;
      tunnel_up = TRUE;
      if (!g_ptr_array_find_with_equal_func (seen, iface->name, g_str_equal, NULL))
        g_ptr_array_add (seen, iface->name);
    }

  for (guint i = 0; i < seen->len; i++)
    g_strv_builder_add (names, g_ptr_array_index (seen, i));
  g_strfreev (state->interfaces);
  state->interfaces = g_strv_builder_end (names);

  state->active = nm_active || tunnel_up;
  if (nm_active)
    state->source = LW_VPN_SOURCE_NETWORKMANAGER;
  else if (tunnel_up || !nm_running)
    state->source = LW_VPN_SOURCE_INTERFACES;
  else
    state->source = LW_VPN_SOURCE_NETWORKMANAGER;

  if (state->note == NULL && !nm_running)
    state->note = g_strdup (_("NetworkManager is not running; the VPN state comes from the interfaces."));
  else if (state->note == NULL && !nm_active && tunnel_up)
    state->note = g_strdup (_("The tunnel is not managed by NetworkManager; it was found by its interface."));
}

/* Returns the state once. Calls still under way keep the task (and so
 * @r) alive with references of their own, and find @r completed. */
static void
read_complete (Read *r)
{
  if (r->completed)
    return;
  r->completed = TRUE;
  lw_deadline_clear (&r->deadline);
  g_cancellable_cancel (r->cancellable);

  lw_vpn_merge_interfaces (r->state, r->evidence, r->bus != NULL);
  g_task_return_pointer (r->task, g_steal_pointer (&r->state), (GDestroyNotify) lw_vpn_state_free);
  g_object_unref (r->task);
}

static gboolean
on_deadline (gpointer data)
{
  Read *r = data;

  if (r->state->note == NULL)
    r->state->note = g_strdup (_("NetworkManager did not answer in time; the VPN state comes "
                                 "from what it said and from the interfaces."));
  read_complete (r);
  return G_SOURCE_REMOVE;
}

/* Every asynchronous call holds a reference on the task, which its
 * callback lets go of. */
static void
hold (Read *r)
{
  g_object_ref (r->task);
}

static void
read_fallback (Read       *r,
               const char *note)
{
  g_clear_object (&r->bus);
  r->state->note = g_strdup (note);
  read_complete (r);
}

static void
pending_done (Read *r)
{
  if (--r->pending == 0)
    read_complete (r);
}

/* At the start of every callback: whether the read already returned, in
 * which case the callback only lets go of what it holds. */
static gboolean
too_late (Read *r)
{
  return r->completed;
}

static void
conn_free (Conn *c)
{
  g_free (c->path);
  g_free (c->configs[0]);
  g_free (c->configs[1]);
  if (c->connection != NULL)
    lw_vpn_connection_free (c->connection);
  g_free (c);
}

static void
conn_done (Conn *c)
{
  Read *r = c->read;

  if (c->connection != NULL)
    {
      g_free (c->connection->state);
      c->connection->state = g_strdup (state_name (c->ac_state, c->vpn_state, c->is_vpn));
      g_ptr_array_add (r->state->connections, g_steal_pointer (&c->connection));
    }
  conn_free (c);
  pending_done (r);
}

static void
call_get_all (Read                *r,
              const char          *path,
              const char          *interface,
              GAsyncReadyCallback  callback,
              gpointer             data)
{
  hold (r);
  g_dbus_connection_call (r->bus, NM_NAME, path, PROPERTIES, "GetAll",
                          g_variant_new ("(s)", interface), G_VARIANT_TYPE ("(a{sv})"),
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, (int) r->timeout_ms,
                          r->cancellable, callback, data);
}

static GVariant *
finish_get_all (GObject      *source,
                GAsyncResult *res)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res, &error);

  if (reply == NULL)
    {
      g_debug ("GetAll: %s", error->message);
      return NULL;
    }
  return g_variant_get_child_value (reply, 0);
}

static void on_ip_config (GObject *source, GAsyncResult *res, gpointer data);

static void
next_ip_config (Conn *c)
{
  static const char * const interfaces[] = {
    "org.freedesktop.NetworkManager.IP4Config", "org.freedesktop.NetworkManager.IP6Config",
  };

  while (c->next_config < 2 && c->connection->interface == NULL)
    {
      guint i = c->next_config++;

      if (c->configs[i] != NULL && !g_str_equal (c->configs[i], "/"))
        {
          call_get_all (c->read, c->configs[i], interfaces[i], on_ip_config, c);
          return;
        }
    }
  conn_done (c);
}

/* Matches the VPN's IP configuration to a local interface. */
static void
on_ip_config (GObject      *source,
              GAsyncResult *res,
              gpointer      data)
{
  Conn *c = data;
  g_autoptr(GTask) held = c->read->task;
  g_autoptr(GVariant) props = finish_get_all (source, res);
  g_autoptr(GVariant) address_data = NULL;
  GVariantIter iter;
  GVariant *entry;

  if (too_late (c->read))
    {
      conn_free (c);
      return;
    }

  if (props != NULL &&
      (address_data = g_variant_lookup_value (props, "AddressData", G_VARIANT_TYPE ("aa{sv}"))) != NULL)
    {
      g_variant_iter_init (&iter, address_data);
      while ((entry = g_variant_iter_next_value (&iter)) != NULL)
        {
          const char *address = NULL;

          if (c->connection->interface == NULL && g_variant_lookup (entry, "address", "&s", &address))
            {
              g_autofree char *canonical = lw_address_canonicalize (address);
              const LwInterface *iface = lw_evidence_interface_for_address (c->read->evidence, canonical);

              if (iface != NULL)
                c->connection->interface = g_strdup (iface->name);
            }
          g_variant_unref (entry);
        }
    }

  next_ip_config (c);
}

static void
on_vpn_props (GObject      *source,
              GAsyncResult *res,
              gpointer      data)
{
  Conn *c = data;
  g_autoptr(GTask) held = c->read->task;
  g_autoptr(GVariant) props = finish_get_all (source, res);

  if (too_late (c->read))
    {
      conn_free (c);
      return;
    }

  if (props != NULL)
    g_variant_lookup (props, "VpnState", "u", &c->vpn_state);
  next_ip_config (c);
}

static void
on_device_props (GObject      *source,
                 GAsyncResult *res,
                 gpointer      data)
{
  Conn *c = data;
  g_autoptr(GTask) held = c->read->task;
  g_autoptr(GVariant) props = finish_get_all (source, res);
  const char *name = NULL;

  if (too_late (c->read))
    {
      conn_free (c);
      return;
    }

  if (props != NULL && g_variant_lookup (props, "Interface", "&s", &name) && *name != '\0')
    c->connection->interface = lw_strdup_text (name);
  conn_done (c);
}

static void
on_active_props (GObject      *source,
                 GAsyncResult *res,
                 gpointer      data)
{
  Conn *c = data;
  g_autoptr(GTask) held = c->read->task;
  g_autoptr(GVariant) props = finish_get_all (source, res);
  const char *type = NULL, *id = NULL;
  g_autofree const char **devices = NULL;

  if (too_late (c->read))
    {
      conn_free (c);
      return;
    }

  if (props == NULL)
    {
      conn_done (c);
      return;
    }

  g_variant_lookup (props, "Type", "&s", &type);
  g_variant_lookup (props, "Id", "&s", &id);
  g_variant_lookup (props, "Vpn", "b", &c->is_vpn);
  g_variant_lookup (props, "State", "u", &c->ac_state);
  g_variant_lookup (props, "Ip4Config", "o", &c->configs[0]);
  g_variant_lookup (props, "Ip6Config", "o", &c->configs[1]);
  g_variant_lookup (props, "Devices", "^a&o", &devices);

  /* Only tunnels matter; ethernet and Wi-Fi connections are skipped. */
  if (!c->is_vpn && g_strcmp0 (type, "wireguard") != 0 && g_strcmp0 (type, "tun") != 0)
    {
      conn_done (c);
      return;
    }

  c->connection = lw_vpn_connection_new (id, type, NULL, NULL);

  if (c->is_vpn)
    /* A plugin VPN's Devices is its parent; the active connection object
     * also carries the VPN interface with VpnState. */
    call_get_all (c->read, c->path, NM_VPN, on_vpn_props, c);
  else if (devices != NULL && devices[0] != NULL)
    call_get_all (c->read, devices[0], NM_DEVICE, on_device_props, c);
  else
    conn_done (c);
}

static void
on_active_connections (GObject      *source,
                       GAsyncResult *res,
                       gpointer      data)
{
  Read *r = data;
  g_autoptr(GTask) held = r->task;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res, &error);
  g_autoptr(GVariant) value = NULL;
  GVariantIter iter;
  const char *path;

  if (too_late (r))
    return;

  if (reply == NULL)
    {
      g_autofree char *note = g_strdup_printf (_("NetworkManager did not answer (%s); the VPN state "
                                                 "comes from the interfaces."), error->message);
      read_fallback (r, note);
      return;
    }

  g_variant_get (reply, "(v)", &value);
  r->pending = 1;
  if (g_variant_is_of_type (value, G_VARIANT_TYPE ("ao")))
    {
      g_variant_iter_init (&iter, value);
      while (g_variant_iter_next (&iter, "&o", &path))
        {
          Conn *c = g_new0 (Conn, 1);

          c->read = r;
          c->path = g_strdup (path);
          r->pending++;
          call_get_all (r, path, NM_ACTIVE, on_active_props, c);
        }
    }
  pending_done (r);
}

static void
on_name_has_owner (GObject      *source,
                   GAsyncResult *res,
                   gpointer      data)
{
  Read *r = data;
  g_autoptr(GTask) held = r->task;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res, &error);
  gboolean has_owner = FALSE;

  if (too_late (r))
    return;

  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);
  if (!has_owner)
    {
      read_fallback (r, _("NetworkManager is not running; the VPN state comes from the interfaces."));
      return;
    }

  hold (r);
  g_dbus_connection_call (r->bus, NM_NAME, NM_PATH, PROPERTIES, "Get",
                          g_variant_new ("(ss)", NM_IFACE, "ActiveConnections"),
                          G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NO_AUTO_START,
                          (int) r->timeout_ms, r->cancellable, on_active_connections, r);
}

static void
on_bus (GObject      *source,
        GAsyncResult *res,
        gpointer      data)
{
  Read *r = data;
  g_autoptr(GTask) held = r->task;
  g_autoptr(GError) error = NULL;

  if (too_late (r))
    return;

  r->bus = g_bus_get_finish (res, &error);
  if (r->bus == NULL)
    {
      g_debug ("system bus: %s", error->message);
      read_fallback (r, _("NetworkManager cannot be reached here, so the VPN's state comes from "
                          "the network interfaces."));
      return;
    }

  /* Ask without starting it: a NetworkManager that is not running is
   * information, not something to activate. */
  hold (r);
  g_dbus_connection_call (r->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "NameHasOwner", g_variant_new ("(s)", NM_NAME),
                          G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, (int) r->timeout_ms,
                          r->cancellable, on_name_has_owner, r);
}

/**
 * lw_vpn_read_async:
 * @evidence: the interfaces and default addresses of this check; must
 *   outlive the call
 * @timeout_ms: the limit for each D-Bus call
 */
void
lw_vpn_read_async (const LwEvidence    *evidence,
                   guint                timeout_ms,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  Read *r = g_new0 (Read, 1);

  r->task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (r->task, lw_vpn_read_async);
  g_task_set_task_data (r->task, r, (GDestroyNotify) read_free);
  r->evidence = evidence;
  r->state = lw_vpn_state_new ();
  r->timeout_ms = MAX (timeout_ms, 50);
  r->cancellable = g_cancellable_new ();
  /* The read as a whole ends by this deadline, however many calls it
   * takes; the caller's cancellation brings it forward. */
  lw_deadline_start (&r->deadline, r->timeout_ms, cancellable, on_deadline, r);

  hold (r);
  g_bus_get (G_BUS_TYPE_SYSTEM, r->cancellable, on_bus, r);
}

/**
 * lw_vpn_read_finish:
 *
 * Returns: (transfer full): the VPN state; never %NULL unless cancelled
 */
LwVpnState *
lw_vpn_read_finish (GAsyncResult  *result,
                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
