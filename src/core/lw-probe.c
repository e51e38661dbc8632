/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lw-probe"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "lw-probe.h"

LwStunServer *
lw_stun_server_new (GInetAddress *address,
                    guint16       port)
{
  LwStunServer *self = g_new0 (LwStunServer, 1);
  g_autofree char *text = g_inet_address_to_string (address);

  self->family = g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6 ? 6 : 4;
  self->address = G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (address, port));
  self->text = self->family == 6 ? g_strdup_printf ("[%s]:%u", text, port)
                                 : g_strdup_printf ("%s:%u", text, port);
  return self;
}

void
lw_stun_server_free (LwStunServer *self)
{
  if (self == NULL)
    return;
  g_free (self->text);
  g_clear_object (&self->address);
  g_free (self);
}

LwProbeBase *
lw_probe_base_new (const char   *address,
                   const char   *interface,
                   LwGatherMode  mode)
{
  LwProbeBase *self = g_new0 (LwProbeBase, 1);

  self->address = g_strdup (address);
  self->interface = g_strdup (interface);
  self->family = lw_address_family (address);
  self->mode = mode;
  return self;
}

void
lw_probe_base_free (LwProbeBase *self)
{
  if (self == NULL)
    return;
  g_free (self->address);
  g_free (self->interface);
  g_clear_pointer (&self->tunnel_servers, g_hash_table_unref);
  g_clear_pointer (&self->pinned_tunnel_servers, g_hash_table_unref);
  g_free (self);
}

/**
 * lw_probe_base_route_in_tunnel:
 * @pinned: for a socket pinned to the base's interface, as libnice's are
 *
 * Returns: whether the kernel said that a request from this base to
 *   @server enters a tunnel; such a request can only show the tunnel's
 *   exit, so a probe need not wait for its answer (docs/DOMAIN.md)
 */
gboolean
lw_probe_base_route_in_tunnel (const LwProbeBase *self,
                               const char        *server,
                               gboolean           pinned)
{
  GHashTable *set = pinned ? self->pinned_tunnel_servers : self->tunnel_servers;

  return set != NULL && g_hash_table_contains (set, server);
}

static gboolean
is_gatherable (const LwIfAddress *a)
{
  switch (a->klass)
    {
    case LW_ADDRESS_LOOPBACK:
    case LW_ADDRESS_UNSPECIFIED:
    case LW_ADDRESS_MULTICAST:
    case LW_ADDRESS_INVALID:
    case LW_ADDRESS_IPV4_MAPPED:
      return FALSE;
    case LW_ADDRESS_PRIVATE:
    case LW_ADDRESS_CGNAT:
    case LW_ADDRESS_LINK_LOCAL:
    case LW_ADDRESS_ULA:
    case LW_ADDRESS_DOCUMENTATION:
    case LW_ADDRESS_RESERVED:
    case LW_ADDRESS_GLOBAL:
    default:
      return TRUE;
    }
}

/**
 * lw_probe_bases_from_evidence:
 *
 * Every address a browser in Mode 1 would gather from (all interfaces but
 * loopback), and one Mode-2 base per family with a default route, reported
 * as the default local address (which no interface may list, as can happen
 * with policy routing).
 *
 * Returns: (transfer full) (element-type LwProbeBase):
 */
GPtrArray *
lw_probe_bases_from_evidence (const LwEvidence *evidence)
{
  GPtrArray *bases = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_probe_base_free);

  for (guint i = 0; i < evidence->interfaces->len; i++)
    {
      const LwInterface *iface = g_ptr_array_index (evidence->interfaces, i);

      if (iface->kind == LW_INTERFACE_LOOPBACK)
        continue;

      for (guint j = 0; j < iface->addresses->len; j++)
        {
          const LwIfAddress *a = g_ptr_array_index (iface->addresses, j);

          if (is_gatherable (a))
            g_ptr_array_add (bases, lw_probe_base_new (a->address, iface->name,
                                                       LW_GATHER_ALL_INTERFACES));
        }
    }

  for (int family = 4; family <= 6; family += 2)
    {
      const char *def = lw_evidence_get_default_address (evidence, family);
      const LwInterface *iface = lw_evidence_interface_for_address (evidence, def);

      if (def != NULL)
        g_ptr_array_add (bases, lw_probe_base_new (def, iface ? iface->name : NULL,
                                                   LW_GATHER_DEFAULT_ROUTE));
    }

  return bases;
}

/**
 * lw_parse_host_port:
 * @spec: "host", "host:port", "1.2.3.4:port", "[v6]:port" or a bare IPv6
 *
 * Returns: %TRUE with @host and @port set, or %FALSE with a message for
 *   people in @error.
 */
gboolean
lw_parse_host_port (const char  *spec,
                    guint16      default_port,
                    char       **host,
                    guint16     *port,
                    GError     **error)
{
  g_autofree char *h = NULL;
  const char *port_str = NULL;
  const char *colon;
  guint64 value;

  if (spec == NULL || *spec == '\0')
    goto bad;

  if (spec[0] == '[')
    {
      const char *end = strchr (spec, ']');

      if (end == NULL || end == spec + 1)
        goto bad;
      h = g_strndup (spec + 1, end - spec - 1);
      if (end[1] == ':')
        port_str = end + 2;
      else if (end[1] != '\0')
        goto bad;
      if (!g_hostname_is_ip_address (h) || strchr (h, ':') == NULL)
        goto bad;
    }
  else if ((colon = strchr (spec, ':')) != NULL && strchr (colon + 1, ':') == NULL)
    {
      h = g_strndup (spec, colon - spec);
      port_str = colon + 1;
    }
  else if (colon != NULL)
    {
      /* Several colons and no brackets: a bare IPv6 literal. */
      if (!g_hostname_is_ip_address (spec))
        goto bad;
      h = g_strdup (spec);
    }
  else
    h = g_strdup (spec);

  if (*h == '\0' || strpbrk (h, " /?#@") != NULL)
    goto bad;

  if (port_str != NULL)
    {
      if (!g_ascii_string_to_unsigned (port_str, 10, 1, 65535, &value, NULL))
        goto bad;
      *port = (guint16) value;
    }
  else
    *port = default_port;

  *host = g_steal_pointer (&h);
  return TRUE;

bad:
  {
    /* As typed, but always valid text: it is printed and sent on the bus. */
    g_autofree char *shown = g_utf8_make_valid (spec ? spec : "", -1);

    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 _("“%s” is not a server address; use HOST:PORT, or [IPv6]:PORT"), shown);
  }
  return FALSE;
}

/**
 * lw_result_from_error:
 *
 * Says how a probe ended, from the error that ended it.
 */
LwResult
lw_result_from_error (const GError *error)
{
  if (error == NULL)
    return LW_RESULT_ANSWERED;
  if (error->domain == G_TLS_ERROR)
    return LW_RESULT_TLS_ERROR;
  if (error->domain == G_RESOLVER_ERROR)
    return LW_RESULT_RESOLVE_FAILED;
  if (error->domain != G_IO_ERROR)
    return LW_RESULT_ERROR;

  switch (error->code)
    {
    case G_IO_ERROR_CANCELLED:
    case G_IO_ERROR_TIMED_OUT:
      return LW_RESULT_TIMEOUT;
    case G_IO_ERROR_CONNECTION_REFUSED:
      return LW_RESULT_REFUSED;
    case G_IO_ERROR_NETWORK_UNREACHABLE:
    case G_IO_ERROR_HOST_UNREACHABLE:
    case G_IO_ERROR_PERMISSION_DENIED:
    case G_IO_ERROR_NOT_CONNECTED:
      return LW_RESULT_UNREACHABLE;
    case G_IO_ERROR_HOST_NOT_FOUND:
      return LW_RESULT_RESOLVE_FAILED;
    default:
      return LW_RESULT_ERROR;
    }
}

static gboolean
return_true (gpointer task)
{
  g_task_return_boolean (task, TRUE);
  return G_SOURCE_REMOVE;
}

/**
 * lw_task_return_later:
 * @task: (transfer full): a task whose work is done
 *
 * Returns %TRUE from @task on its context's next iteration. A probe finishes
 * from inside its own callbacks (a datagram, a timer, a signal); returning
 * there would run the caller's callback, which frees the probe, while the
 * probe's frames are still on the stack.
 */
void
lw_task_return_later (GTask *task)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, return_true, task, g_object_unref);
  g_source_attach (source, g_task_get_context (task));
  g_source_unref (source);
}

static gboolean
deadline_fired (gpointer data)
{
  LwDeadline *self = data;

  g_clear_pointer (&self->source, g_source_unref);
  self->callback (self->data);
  return G_SOURCE_REMOVE;
}

static void
deadline_cancelled (GCancellable *cancellable,
                    gpointer      data)
{
  /* Cancellation brings the deadline forward to the next iteration. */
  lw_deadline_rearm (data, 0);
}

/**
 * lw_deadline_start:
 * @self: a zeroed #LwDeadline inside the probe's state
 * @timeout_ms: when to call @callback
 * @cancellable: (nullable): cancelling it calls @callback at once
 *
 * Every probe ends by a deadline of its own, whatever its peers do.
 */
void
lw_deadline_start (LwDeadline   *self,
                   guint         timeout_ms,
                   GCancellable *cancellable,
                   GSourceFunc   callback,
                   gpointer      data)
{
  self->callback = callback;
  self->data = data;
  lw_deadline_rearm (self, timeout_ms);
  if (cancellable != NULL)
    {
      self->cancellable = g_object_ref (cancellable);
      self->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (deadline_cancelled),
                                                  self, NULL);
    }
}

/* Moves the deadline to @timeout_ms from now. */
void
lw_deadline_rearm (LwDeadline *self,
                   guint       timeout_ms)
{
  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_source_unref (self->source);
    }
  self->at = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  self->source = g_timeout_source_new (timeout_ms);
  g_source_set_callback (self->source, deadline_fired, self, NULL);
  g_source_attach (self->source, g_main_context_get_thread_default ());
}

void
lw_deadline_clear (LwDeadline *self)
{
  if (self->cancellable != NULL)
    g_cancellable_disconnect (self->cancellable, self->cancelled_id);
  g_clear_object (&self->cancellable);
  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }
}
