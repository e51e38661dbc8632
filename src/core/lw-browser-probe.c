/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lw-browser-probe"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <stun/stunagent.h>
#include <stun/usages/bind.h>
#include <stun/usages/timer.h>

#include "lw-browser-probe.h"

/* Gathers the way a browser does: one UDP socket per local address, bound
 * to that address but not pinned to its interface, so the kernel routes
 * every request by its destination (libnice pins its sockets; see docs/DOMAIN.md).
 * STUN messages are built and parsed with libnice's STUN library.
 *
 * A srflx equal to its host address is kept: it shows a public address that
 * is directly on an interface, such as a LAN's global IPv6. */

/* Retransmit from 100 ms, doubling, until the deadline ends it. */
#define INITIAL_RTO_MS      100
#define MAX_RETRANSMISSIONS 8

/* Once every default-route base has an answer, what a page sees on the
 * default route is known; the other requests that leave outside the tunnel
 * get this much longer (or four times the slowest answer) before they
 * count as unanswered. Requests whose route enters the tunnel are not
 * waited for at all: they can only show the tunnel's exit (a full tunnel
 * drops those from LAN addresses, and Chromium waits 40 s for them). */
#define SETTLE_MS           1000

typedef struct _Gather Gather;

typedef struct
{
  Gather             *gather;
  struct _Socket     *socket;
  const LwStunServer *server;
  StunAgent           agent;
  StunMessage         request;
  guint8              buffer[STUN_MAX_MESSAGE_SIZE_IPV6];
  gsize               length;
  StunTimer           timer;
  gint64              sent_at;
  GSource            *retransmit;
  LwStunResult       *result;
  gboolean            done;
} Transaction;

typedef struct _Socket
{
  Gather            *gather;
  const LwProbeBase *base;
  GSocket           *socket;
  GSource           *source;
  guint16            port;
} Socket;

struct _Gather
{
  GTask       *task;
  GPtrArray   *bases;          /* LwProbeBase, ref */
  GPtrArray   *servers;        /* LwStunServer, ref */
  GPtrArray   *sockets;        /* Socket */
  GPtrArray   *transactions;   /* Transaction */
  GPtrArray   *candidates;     /* LwCandidate */
  GPtrArray   *stun_results;   /* LwStunResult */
  LwDeadline   deadline;
  int          slowest_ms;
  gboolean     settled;
  guint        pending;
  gboolean     finished;
};

static void
socket_free (Socket *s)
{
  if (s->source != NULL)
    {
      g_source_destroy (s->source);
      g_source_unref (s->source);
    }
  if (s->socket != NULL)
    g_socket_close (s->socket, NULL);
  g_clear_object (&s->socket);
  g_free (s);
}

static void
transaction_free (Transaction *tx)
{
  if (tx->retransmit != NULL)
    {
      g_source_destroy (tx->retransmit);
      g_source_unref (tx->retransmit);
    }
  g_free (tx);
}

static void
gather_free (Gather *g)
{
  lw_deadline_clear (&g->deadline);
  g_ptr_array_unref (g->transactions);
  g_ptr_array_unref (g->sockets);
  g_ptr_array_unref (g->bases);
  g_ptr_array_unref (g->servers);
  g_clear_pointer (&g->candidates, g_ptr_array_unref);
  g_clear_pointer (&g->stun_results, g_ptr_array_unref);
  g_free (g);
}

static void
add_candidate (Gather             *g,
               const LwProbeBase  *base,
               LwCandidateType     type,
               const char         *address,
               guint16             port,
               const char         *server)
{
  g_ptr_array_add (g->candidates,
                   lw_candidate_new (LW_PROBE_BROWSER, base->mode, type, address, port,
                                     base->address, base->interface, server));
}

/* Ends the gathering; called when every transaction is done, at the
 * deadline, or on cancellation. Safe to call more than once. */
static void
gather_finish (Gather *g)
{
  if (g->finished)
    return;
  g->finished = TRUE;

  for (guint i = 0; i < g->transactions->len; i++)
    {
      Transaction *tx = g_ptr_array_index (g->transactions, i);

      if (!tx->done && tx->result->error == NULL)
        tx->result->error = g_strdup (_("no answer before the deadline"));
    }

  /* Sockets and timers go now, so nothing fires after the task returns. */
  g_ptr_array_set_size (g->transactions, 0);
  g_ptr_array_set_size (g->sockets, 0);

  lw_task_return_later (g_steal_pointer (&g->task));
}

/* Whether every default-route base has at least one answer. */
static gboolean
default_route_answered (Gather *g)
{
  for (guint i = 0; i < g->sockets->len; i++)
    {
      Socket *s = g_ptr_array_index (g->sockets, i);
      gboolean answered = FALSE, asked = FALSE;

      if (s->base->mode != LW_GATHER_DEFAULT_ROUTE)
        continue;
      for (guint j = 0; j < g->transactions->len; j++)
        {
          Transaction *tx = g_ptr_array_index (g->transactions, j);

          if (tx->socket != s)
            continue;
          asked = TRUE;
          answered |= tx->result->result == LW_RESULT_ANSWERED;
        }
      if (asked && !answered)
        return FALSE;
    }
  return TRUE;
}

/* Whether only requests that enter the tunnel are still unanswered. */
static gboolean
only_tunnel_left (Gather *g)
{
  for (guint i = 0; i < g->transactions->len; i++)
    {
      Transaction *tx = g_ptr_array_index (g->transactions, i);

      if (!tx->done && !lw_probe_base_route_in_tunnel (tx->socket->base, tx->server->text, FALSE))
        return FALSE;
    }
  return TRUE;
}

/* Ends the gathering once what is left cannot leak. The requests not
 * waited for stay in the evidence as such. */
static gboolean
maybe_stop_early (Gather *g)
{
  if (g->finished || !default_route_answered (g) || !only_tunnel_left (g))
    return FALSE;

  for (guint i = 0; i < g->transactions->len; i++)
    {
      Transaction *tx = g_ptr_array_index (g->transactions, i);

      if (tx->done)
        continue;
      tx->done = TRUE;
      tx->result->result = LW_RESULT_NOT_WAITED;
      tx->result->error = g_strdup (_("not waited for: its route enters the tunnel, so its answer "
                                      "could only show the VPN's exit"));
    }
  gather_finish (g);
  return TRUE;
}

static void
maybe_settle (Gather *g)
{
  gint64 settle_at;

  if (g->settled || g->finished || !default_route_answered (g))
    return;
  g->settled = TRUE;
  if (maybe_stop_early (g))
    return;

  settle_at = g_get_monotonic_time () + (gint64) MAX (SETTLE_MS, 4 * g->slowest_ms) * 1000;
  if (settle_at < g->deadline.at)
    lw_deadline_rearm (&g->deadline, (guint) ((settle_at - g_get_monotonic_time ()) / 1000));
}

static void
transaction_done (Transaction *tx,
                  LwResult     result,
                  const char  *error)
{
  Gather *g = tx->gather;

  if (tx->done)
    return;
  tx->done = TRUE;
  tx->result->result = result;
  if (error != NULL)
    tx->result->error = lw_strdup_text (error);
  if (tx->retransmit != NULL)
    {
      g_source_destroy (tx->retransmit);
      g_clear_pointer (&tx->retransmit, g_source_unref);
    }

  if (--g->pending == 0)
    gather_finish (g);
  else if (g->settled)
    maybe_stop_early (g);
}

static gboolean
transaction_send (Transaction *tx)
{
  g_autoptr(GError) error = NULL;

  if (g_socket_send_to (tx->socket->socket, G_SOCKET_ADDRESS (tx->server->address),
                        (const char *) tx->buffer, tx->length, NULL, &error) < 0 &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    {
      /* The interface vanished, no route leads there, or a firewall
       * refused the packet: each is a clear result, not a crash. */
      LwResult result = lw_result_from_error (error);

      g_debug ("send from %s to %s: %s", tx->socket->base->address, tx->server->text, error->message);
      transaction_done (tx, result == LW_RESULT_ANSWERED ? LW_RESULT_ERROR : result, error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean on_retransmit (gpointer data);

static void
schedule_retransmit (Transaction *tx)
{
  if (tx->retransmit != NULL)
    {
      g_source_destroy (tx->retransmit);
      g_source_unref (tx->retransmit);
    }
  tx->retransmit = g_timeout_source_new (MAX (stun_timer_remainder (&tx->timer), 1));
  g_source_set_callback (tx->retransmit, on_retransmit, tx, NULL);
  g_source_attach (tx->retransmit, g_main_context_get_thread_default ());
}

static gboolean
on_retransmit (gpointer data)
{
  Transaction *tx = data;

  switch (stun_timer_refresh (&tx->timer))
    {
    case STUN_USAGE_TIMER_RETURN_TIMEOUT:
      g_clear_pointer (&tx->retransmit, g_source_unref);
      transaction_done (tx, LW_RESULT_TIMEOUT, _("no answer after retransmissions"));
      return G_SOURCE_REMOVE;
    case STUN_USAGE_TIMER_RETURN_RETRANSMIT:
      if (!transaction_send (tx))
        return G_SOURCE_REMOVE;
      break;
    case STUN_USAGE_TIMER_RETURN_SUCCESS:
    default:
      break;
    }

  schedule_retransmit (tx);
  return G_SOURCE_REMOVE;
}

/**
 * lw_stun_read_answer:
 * @agent: the agent that sent the binding request
 * @family: 4 or 6, the family of the socket the request left from
 * @mapped: (out): for %LW_STUN_ANSWER_MAPPED, the address the server saw
 * @port: (out): and its port
 * @reason: (out): for %LW_STUN_ANSWER_BAD, why the answer is no evidence
 *
 * What a datagram says as an answer to a binding request of @agent. The
 * one place that turns a STUN server's bytes into evidence: the mapped
 * address must pass lw_address_check_answer().
 */
LwStunAnswer
lw_stun_read_answer (StunAgent     *agent,
                     const guint8  *data,
                     gsize          length,
                     int            family,
                     char         **mapped,
                     guint16       *port,
                     char         **reason)
{
  struct sockaddr_storage native, alternate;
  socklen_t native_len = sizeof native, alternate_len = sizeof alternate;
  g_autoptr(GSocketAddress) address = NULL;
  g_autofree char *raw = NULL;
  g_autoptr(GError) error = NULL;
  GInetSocketAddress *isa;
  StunMessage response;

  *mapped = NULL;
  *port = 0;
  *reason = NULL;

  if (stun_agent_validate (agent, &response, data, length, NULL, NULL) != STUN_VALIDATION_SUCCESS)
    return LW_STUN_ANSWER_NOT_OURS;

  switch (stun_usage_bind_process (&response, (struct sockaddr *) &native, &native_len,
                                   (struct sockaddr *) &alternate, &alternate_len))
    {
    case STUN_USAGE_BIND_RETURN_SUCCESS:
      break;
    case STUN_USAGE_BIND_RETURN_ALTERNATE_SERVER:
      *reason = g_strdup (_("the server redirected to another server"));
      return LW_STUN_ANSWER_BAD;
    case STUN_USAGE_BIND_RETURN_ERROR:
      /* A success that holds no address that can be read is not an
       * error response: say which it was. */
      *reason = g_strdup (stun_message_get_class (&response) == STUN_ERROR
                            ? _("the server answered with an error")
                            : _("the server's answer holds no address that can be read"));
      return LW_STUN_ANSWER_BAD;
    case STUN_USAGE_BIND_RETURN_INVALID:
    case STUN_USAGE_BIND_RETURN_TIMEOUT:
    default:
      /* Not a usable answer; keep waiting for a proper one. */
      return LW_STUN_ANSWER_NOT_OURS;
    }

  address = g_socket_address_new_from_native (&native, native_len);
  if (address == NULL || !G_IS_INET_SOCKET_ADDRESS (address))
    {
      *reason = g_strdup (_("the mapped address is not an IP address"));
      return LW_STUN_ANSWER_BAD;
    }
  isa = G_INET_SOCKET_ADDRESS (address);
  raw = g_inet_address_to_string (g_inet_socket_address_get_address (isa));

  /* An address the server cannot have seen is no evidence. */
  if ((*mapped = lw_address_check_answer (raw, family, LW_ANSWER_STUN, &error)) == NULL)
    {
      *reason = g_strdup (error->message);
      return LW_STUN_ANSWER_BAD;
    }
  *port = g_inet_socket_address_get_port (isa);
  return LW_STUN_ANSWER_MAPPED;
}

static void
handle_response (Socket         *s,
                 Gather         *g,
                 GSocketAddress *from,
                 const guint8   *data,
                 gsize           length)
{
  for (guint i = 0; i < g->transactions->len; i++)
    {
      Transaction *tx = g_ptr_array_index (g->transactions, i);
      g_autofree char *mapped = NULL;
      g_autofree char *reason = NULL;
      guint16 port;

      if (tx->socket != s || tx->done)
        continue;

      switch (lw_stun_read_answer (&tx->agent, data, length, s->base->family,
                                   &mapped, &port, &reason))
        {
        case LW_STUN_ANSWER_NOT_OURS:
          continue;
        case LW_STUN_ANSWER_BAD:
          transaction_done (tx, LW_RESULT_BAD_REPLY, reason);
          return;
        case LW_STUN_ANSWER_MAPPED:
        default:
          tx->result->mapped = g_strdup (mapped);
          tx->result->rtt_ms = (int) ((g_get_monotonic_time () - tx->sent_at) / 1000);
          g->slowest_ms = MAX (g->slowest_ms, tx->result->rtt_ms);
          add_candidate (g, s->base, LW_CANDIDATE_SRFLX, mapped, port, tx->server->text);
          transaction_done (tx, LW_RESULT_ANSWERED, NULL);
          maybe_settle (g);
          return;
        }
    }

  g_debug ("ignored %" G_GSIZE_FORMAT " bytes on %s", length, s->base->address);
}

static gboolean
on_socket_readable (GSocket      *socket,
                    GIOCondition  condition,
                    gpointer      data)
{
  Socket *s = data;
  Gather *g = s->gather;
  guint8 buffer[STUN_MAX_MESSAGE_SIZE_IPV6];

  /* Drain the socket; each datagram is matched to its transaction. */
  for (guint n = 0; n < 64 && !g->finished; n++)
    {
      g_autoptr(GSocketAddress) from = NULL;
      g_autoptr(GError) error = NULL;
      gssize len;

      len = g_socket_receive_from (socket, &from, (char *) buffer, sizeof buffer, NULL, &error);
      if (len < 0)
        break;
      handle_response (s, g, from, buffer, (gsize) len);
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
on_deadline (gpointer data)
{
  gather_finish (data);
  return G_SOURCE_REMOVE;
}

static Socket *
open_socket (Gather            *g,
             const LwProbeBase *base,
             GError           **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) bind_addr = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  Socket *s;

  /* Mode 2 binds the wildcard: the kernel picks the source address. */
  if (base->mode == LW_GATHER_DEFAULT_ROUTE)
    inet = g_inet_address_new_any (base->family == 6 ? G_SOCKET_FAMILY_IPV6 : G_SOCKET_FAMILY_IPV4);
  else
    inet = g_inet_address_new_from_string (base->address);
  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "bad address %s", base->address);
      return NULL;
    }

  s = g_new0 (Socket, 1);
  s->gather = g;
  s->base = base;
  s->socket = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_DATAGRAM,
                            G_SOCKET_PROTOCOL_UDP, error);
  if (s->socket == NULL)
    {
      socket_free (s);
      return NULL;
    }
  g_socket_set_blocking (s->socket, FALSE);

  bind_addr = g_inet_socket_address_new (inet, 0);
  if (!g_socket_bind (s->socket, bind_addr, FALSE, error) ||
      (local = g_socket_get_local_address (s->socket, error)) == NULL)
    {
      socket_free (s);
      return NULL;
    }
  s->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));

  s->source = g_socket_create_source (s->socket, G_IO_IN, NULL);
  g_source_set_callback (s->source, (GSourceFunc) G_CALLBACK (on_socket_readable), s, NULL);
  g_source_attach (s->source, g_main_context_get_thread_default ());

  return s;
}

/**
 * lw_browser_probe_run_async:
 * @bases: (element-type LwProbeBase): where to gather from
 * @servers: (element-type LwStunServer): resolved STUN servers
 * @timeout_ms: the deadline for the whole gathering
 *
 * Gathers host and srflx candidates from every base, asking each server of
 * the base's family. Every request ends answered, unanswered or failed,
 * and the whole run ends by @timeout_ms.
 */
void
lw_browser_probe_run_async (GPtrArray           *bases,
                            GPtrArray           *servers,
                            guint                timeout_ms,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  Gather *g = g_new0 (Gather, 1);

  g->task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (g->task, lw_browser_probe_run_async);
  g->bases = g_ptr_array_ref (bases);
  g->servers = g_ptr_array_ref (servers);
  g->sockets = g_ptr_array_new_with_free_func ((GDestroyNotify) socket_free);
  g->transactions = g_ptr_array_new_with_free_func ((GDestroyNotify) transaction_free);
  g->candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_candidate_free);
  g->stun_results = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_stun_result_free);
  g_task_set_task_data (g->task, g, (GDestroyNotify) gather_free);

  for (guint i = 0; i < bases->len; i++)
    {
      const LwProbeBase *base = g_ptr_array_index (bases, i);
      g_autoptr(GError) error = NULL;
      Socket *s;

      /* A link-local address is listed, but STUN never goes from it. */
      if (base->mode == LW_GATHER_ALL_INTERFACES &&
          lw_address_classify_string (base->address) == LW_ADDRESS_LINK_LOCAL)
        {
          add_candidate (g, base, LW_CANDIDATE_HOST, base->address, 0, NULL);
          continue;
        }

      s = open_socket (g, base, &error);
      if (s == NULL)
        {
          /* The address vanished since the snapshot: say so per server. */
          for (guint j = 0; j < servers->len; j++)
            {
              const LwStunServer *server = g_ptr_array_index (servers, j);
              LwStunResult *r;

              if (server->family != base->family)
                continue;
              r = lw_stun_result_new (LW_PROBE_BROWSER, base->address, base->interface, server->text);
              r->mode = base->mode;
              r->result = LW_RESULT_UNREACHABLE;
              r->error = lw_strdup_text (error->message);
              g_ptr_array_add (g->stun_results, r);
            }
          continue;
        }
      g_ptr_array_add (g->sockets, s);
      add_candidate (g, base, LW_CANDIDATE_HOST, base->address, s->port, NULL);

      for (guint j = 0; j < servers->len; j++)
        {
          const LwStunServer *server = g_ptr_array_index (servers, j);
          Transaction *tx;

          if (server->family != base->family)
            continue;

          tx = g_new0 (Transaction, 1);
          tx->gather = g;
          tx->socket = s;
          tx->server = server;
          tx->result = lw_stun_result_new (LW_PROBE_BROWSER, base->address, base->interface, server->text);
          tx->result->mode = base->mode;
          g_ptr_array_add (g->stun_results, tx->result);
          g_ptr_array_add (g->transactions, tx);

          stun_agent_init (&tx->agent, STUN_ALL_KNOWN_ATTRIBUTES, STUN_COMPATIBILITY_RFC5389, 0);
          tx->length = stun_usage_bind_create (&tx->agent, &tx->request, tx->buffer, sizeof tx->buffer);
          g->pending++;
        }
    }

  if (g->pending == 0)
    {
      gather_finish (g);
      return;
    }

  lw_deadline_start (&g->deadline, timeout_ms, cancellable, on_deadline, g);

  /* Send only once everything is set up: a send can finish a transaction. */
  for (guint i = 0; i < g->transactions->len && !g->finished; i++)
    {
      Transaction *tx = g_ptr_array_index (g->transactions, i);

      tx->sent_at = g_get_monotonic_time ();
      stun_timer_start (&tx->timer, INITIAL_RTO_MS, MAX_RETRANSMISSIONS);
      if (transaction_send (tx))
        schedule_retransmit (tx);
    }
}

/**
 * lw_browser_probe_run_finish:
 * @candidates: (out) (transfer full) (element-type LwCandidate):
 * @stun_results: (out) (transfer full) (element-type LwStunResult):
 */
gboolean
lw_browser_probe_run_finish (GAsyncResult  *result,
                             GPtrArray    **candidates,
                             GPtrArray    **stun_results,
                             GError       **error)
{
  Gather *g;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  g = g_task_get_task_data (G_TASK (result));
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  *candidates = g_steal_pointer (&g->candidates);
  *stun_results = g_steal_pointer (&g->stun_results);
  return TRUE;
}
