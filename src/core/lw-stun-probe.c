/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lw-stun-probe"

#include "config.h"

#include <glib/gi18n.h>
#include <nice/agent.h>

#include "lw-stun-probe.h"

/* The interface-bound probe: what a native program sees when it binds to
 * an interface, gathered by libnice's NiceAgent. libnice pins each socket
 * to its interface, so a srflx here from the LAN while a VPN is up means
 * the VPN has no kill switch. It is not what a web page sees.
 *
 * One agent per STUN server (an agent holds one), fed with our own list of
 * local addresses so libnice's name filter cannot hide a LAN, and bounded
 * by our own deadline: libnice may never say it is done.
 *
 * Each agent holds a socket per local address. So that the descriptors a
 * check needs do not grow with the number of servers, at most
 * MAX_AGENTS_AT_ONCE gather at a time: one that is done is read and
 * closed, and the next server gets its turn. */

#define MAX_AGENTS_AT_ONCE 4

typedef struct _Bound Bound;

typedef struct
{
  Bound              *bound;
  const LwStunServer *server;
  NiceAgent          *agent;
  guint               stream_id;
  gboolean            done;       /* libnice said gathering is done, or nothing left can leak */
  gboolean            cut_short;  /* done before libnice said so */
  GHashTable         *answered;   /* base addresses with a srflx so far */
} Agent;

struct _Bound
{
  GTask        *task;
  GMainContext *context;       /* where the agents run */
  GPtrArray    *bases;
  GPtrArray    *servers;
  GPtrArray    *agents;        /* Agent: those started and not yet read */
  GPtrArray    *candidates;
  GPtrArray    *stun_results;
  LwDeadline    deadline;
  guint         next;          /* the index of the next server to start */
  guint         pending;       /* agents gathering */
  GSource      *reap_source;   /* reads and closes the agents that are done */
  gboolean      finished;
};

static void
on_agent_closed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  /* libnice's own way out (the result can be ignored: closing never
   * fails): the agent is released once it is closed. */
  g_object_unref (source);
}

static void
agent_free (Agent *a)
{
  if (a->agent != NULL)
    {
      g_signal_handlers_disconnect_by_data (a->agent, a);
      /* Detach our receive callback, then let libnice close the agent and
       * release it when done: removing a stream and dropping the agent
       * while its sockets still had sources pending crashed inside libnice
       * when checks were cancelled in quick succession. */
      if (a->stream_id != 0)
        nice_agent_attach_recv (a->agent, a->stream_id, 1, a->bound->context, NULL, NULL);
      nice_agent_close_async (a->agent, on_agent_closed, NULL);
    }
  g_clear_pointer (&a->answered, g_hash_table_unref);
  g_free (a);
}

static void
stop_reaping (Bound *b)
{
  if (b->reap_source != NULL)
    {
      g_source_destroy (b->reap_source);
      g_clear_pointer (&b->reap_source, g_source_unref);
    }
}

static void
bound_free (Bound *b)
{
  stop_reaping (b);
  lw_deadline_clear (&b->deadline);
  g_ptr_array_unref (b->agents);
  g_ptr_array_unref (b->bases);
  g_ptr_array_unref (b->servers);
  g_clear_pointer (&b->candidates, g_ptr_array_unref);
  g_clear_pointer (&b->stun_results, g_ptr_array_unref);
  g_main_context_unref (b->context);
  g_free (b);
}

/* Whether an agent for @server gathers from @base: one pinned socket per
 * interface address of the family, as a native app binds, but none from a
 * link-local address, which STUN never leaves from. */
static gboolean
asks_from (const LwProbeBase  *base,
           const LwStunServer *server)
{
  return base->family == server->family && base->mode == LW_GATHER_ALL_INTERFACES &&
         lw_address_classify_string (base->address) != LW_ADDRESS_LINK_LOCAL;
}

static const LwProbeBase *
find_base (Bound      *b,
           const char *address)
{
  for (guint i = 0; i < b->bases->len; i++)
    {
      const LwProbeBase *base = g_ptr_array_index (b->bases, i);

      if (g_strcmp0 (base->address, address) == 0)
        return base;
    }
  return NULL;
}

static char *
nice_address_text (const NiceAddress *address)
{
  char text[NICE_ADDRESS_STRING_LEN];

  nice_address_to_string (address, text);
  return lw_address_canonicalize (text);
}

/* Reads what one agent gathered: a srflx per base that got an answer. */
static void
collect (Bound *b,
         Agent *a)
{
  g_autoptr(GHashTable) answered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) refused = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *reason;
  GSList *list;

  list = nice_agent_get_local_candidates (a->agent, a->stream_id, 1);
  for (GSList *l = list; l != NULL; l = l->next)
    {
      NiceCandidate *c = l->data;
      g_autofree char *address = NULL;
      g_autofree char *base_addr = NULL;
      const LwProbeBase *base;

      if (c->type != NICE_CANDIDATE_TYPE_SERVER_REFLEXIVE || c->transport != NICE_CANDIDATE_TRANSPORT_UDP)
        continue;

      address = nice_address_text (&c->addr);
      base_addr = nice_address_text (&c->base_addr);
      base = find_base (b, base_addr);
      /* An address the server cannot have seen is no evidence: that base
       * counts as unanswered, with the reason. */
      if (base != NULL)
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *checked = lw_address_check_answer (address, base->family, LW_ANSWER_STUN,
                                                              &error);

          if (checked == NULL)
            {
              g_hash_table_insert (refused, g_strdup (base_addr), g_strdup (error->message));
              continue;
            }
        }
      g_ptr_array_add (b->candidates,
                       lw_candidate_new (LW_PROBE_BOUND, LW_GATHER_ALL_INTERFACES, LW_CANDIDATE_SRFLX,
                                         address, nice_address_get_port (&c->addr), base_addr,
                                         base ? base->interface : NULL, a->server->text));
      g_hash_table_insert (answered, g_steal_pointer (&base_addr), g_steal_pointer (&address));
    }
  g_slist_free_full (list, (GDestroyNotify) nice_candidate_free);

  for (guint i = 0; i < b->bases->len; i++)
    {
      const LwProbeBase *base = g_ptr_array_index (b->bases, i);
      const char *mapped;
      LwStunResult *r;

      if (!asks_from (base, a->server))
        continue;

      r = lw_stun_result_new (LW_PROBE_BOUND, base->address, base->interface, a->server->text);
      if ((mapped = g_hash_table_lookup (answered, base->address)) != NULL)
        {
          r->result = LW_RESULT_ANSWERED;
          r->mapped = g_strdup (mapped);
        }
      else if ((reason = g_hash_table_lookup (refused, base->address)) != NULL)
        {
          r->result = LW_RESULT_BAD_REPLY;
          r->error = g_strdup (reason);
        }
      else if (a->cut_short && lw_probe_base_route_in_tunnel (base, a->server->text, TRUE))
        {
          r->result = LW_RESULT_NOT_WAITED;
          r->error = g_strdup (_("not waited for: its route enters the tunnel, so its answer "
                                 "could only show the VPN's exit"));
        }
      else
        {
          r->result = LW_RESULT_TIMEOUT;
          /* libnice drops a srflx equal to its host address, so silence
           * here is not proof that the server did not answer. */
          r->error = g_strdup (_("no new address (no answer, or the STUN server saw the local address itself)"));
        }
      g_ptr_array_add (b->stun_results, r);
    }
}

/* The servers whose turn never came: said per base, as unanswered. */
static void
add_not_asked (Bound *b)
{
  for (guint i = b->next; i < b->servers->len; i++)
    {
      const LwStunServer *server = g_ptr_array_index (b->servers, i);

      for (guint j = 0; j < b->bases->len; j++)
        {
          const LwProbeBase *base = g_ptr_array_index (b->bases, j);
          LwStunResult *r;

          if (!asks_from (base, server))
            continue;
          r = lw_stun_result_new (LW_PROBE_BOUND, base->address, base->interface, server->text);
          r->result = LW_RESULT_TIMEOUT;
          r->error = g_strdup_printf (ngettext ("not asked before the deadline (%d server is asked "
                                                "at a time)",
                                                "not asked before the deadline (%d servers are asked "
                                                "at a time)", MAX_AGENTS_AT_ONCE),
                                      MAX_AGENTS_AT_ONCE);
          g_ptr_array_add (b->stun_results, r);
        }
    }
  b->next = b->servers->len;
}

static void
bound_finish (Bound *b)
{
  if (b->finished)
    return;
  b->finished = TRUE;
  stop_reaping (b);

  for (guint i = 0; i < b->agents->len; i++)
    {
      Agent *a = g_ptr_array_index (b->agents, i);

      if (a->stream_id != 0)
        collect (b, a);
    }
  g_ptr_array_set_size (b->agents, 0);
  add_not_asked (b);

  lw_task_return_later (g_steal_pointer (&b->task));
}

static Agent *start_agent (Bound              *b,
                           const LwStunServer *server);

/* Starts servers until MAX_AGENTS_AT_ONCE gather, or none is left. */
static void
start_more (Bound *b)
{
  while (b->pending < MAX_AGENTS_AT_ONCE && b->next < b->servers->len)
    g_ptr_array_add (b->agents, start_agent (b, g_ptr_array_index (b->servers, b->next++)));
}

/* Out of libnice's signal: reads each agent that is done, closes it, so
 * its sockets go, and gives the next servers their turn. */
static gboolean
reap (gpointer data)
{
  Bound *b = data;

  g_clear_pointer (&b->reap_source, g_source_unref);
  for (guint i = 0; i < b->agents->len;)
    {
      Agent *a = g_ptr_array_index (b->agents, i);

      if (!a->done)
        {
          i++;
          continue;
        }
      collect (b, a);
      g_ptr_array_remove_index (b->agents, i);
      b->pending--;
    }
  start_more (b);
  if (b->pending == 0)
    bound_finish (b);
  return G_SOURCE_REMOVE;
}

static void
agent_done (Agent *a)
{
  Bound *b = a->bound;

  if (a->done || b->finished)
    return;
  a->done = TRUE;
  if (b->reap_source != NULL)
    return;

  b->reap_source = g_idle_source_new ();
  g_source_set_priority (b->reap_source, G_PRIORITY_DEFAULT);
  g_source_set_callback (b->reap_source, reap, b, NULL);
  g_source_set_static_name (b->reap_source, "[leakwatch] bound probe: next server");
  g_source_attach (b->reap_source, b->context);
}

static void
on_gathering_done (NiceAgent *agent,
                   guint      stream_id,
                   gpointer   data)
{
  agent_done (data);
}

/* Whether every base of this agent that leaves outside the tunnel has its
 * srflx: what is left enters the tunnel and could only show its exit
 * (docs/DOMAIN.md, "Requests that cannot leak"). A base outside whose
 * answer equals its own address gives no srflx, so it is waited for. */
static gboolean
only_tunnel_left (Agent *a)
{
  Bound *b = a->bound;

  for (guint i = 0; i < b->bases->len; i++)
    {
      const LwProbeBase *base = g_ptr_array_index (b->bases, i);

      if (!asks_from (base, a->server))
        continue;
      if (!g_hash_table_contains (a->answered, base->address) &&
          !lw_probe_base_route_in_tunnel (base, a->server->text, TRUE))
        return FALSE;
    }
  return TRUE;
}

static void
on_new_candidate (NiceAgent     *agent,
                  NiceCandidate *candidate,
                  gpointer       data)
{
  Agent *a = data;

  if (candidate->type != NICE_CANDIDATE_TYPE_SERVER_REFLEXIVE || a->done)
    return;
  g_hash_table_add (a->answered, nice_address_text (&candidate->base_addr));
  if (only_tunnel_left (a))
    {
      a->cut_short = TRUE;
      agent_done (a);
    }
}

static void
on_recv (NiceAgent *agent,
         guint      stream_id,
         guint      component_id,
         guint      len,
         gchar     *buf,
         gpointer   data)
{
  /* Nothing but STUN is expected; libnice handles that before us. */
}

static gboolean
on_deadline (gpointer data)
{
  bound_finish (data);
  return G_SOURCE_REMOVE;
}

static Agent *
start_agent (Bound              *b,
             const LwStunServer *server)
{
  GMainContext *context = b->context;
  g_autofree char *ip = g_inet_address_to_string (g_inet_socket_address_get_address (server->address));
  Agent *a = g_new0 (Agent, 1);
  guint n_local = 0;

  a->bound = b;
  a->server = server;

  for (guint i = 0; i < b->bases->len; i++)
    {
      const LwProbeBase *base = g_ptr_array_index (b->bases, i);

      if (asks_from (base, server))
        n_local++;
    }
  if (n_local == 0)
    return a;

  a->agent = nice_agent_new_full (context, NICE_COMPATIBILITY_RFC5245, NICE_AGENT_OPTION_NONE);
  g_object_set (a->agent,
                "stun-server", ip,
                "stun-server-port", (guint) g_inet_socket_address_get_port (server->address),
                "upnp", FALSE,
                "ice-tcp", FALSE,
                "stun-initial-timeout", 100,
                "stun-max-retransmissions", 3,
                NULL);

  for (guint i = 0; i < b->bases->len; i++)
    {
      const LwProbeBase *base = g_ptr_array_index (b->bases, i);
      NiceAddress addr;

      if (!asks_from (base, server))
        continue;
      if (nice_address_set_from_string (&addr, base->address))
        nice_agent_add_local_address (a->agent, &addr);
    }

  a->answered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_signal_connect (a->agent, "candidate-gathering-done", G_CALLBACK (on_gathering_done), a);
  g_signal_connect (a->agent, "new-candidate-full", G_CALLBACK (on_new_candidate), a);
  a->stream_id = nice_agent_add_stream (a->agent, 1);
  nice_agent_attach_recv (a->agent, a->stream_id, 1, context, on_recv, a);

  if (!nice_agent_gather_candidates (a->agent, a->stream_id))
    {
      g_debug ("gathering against %s could not start", server->text);
      return a;
    }

  b->pending++;
  return a;
}

/**
 * lw_stun_probe_run_async:
 * @bases: (element-type LwProbeBase): the local addresses; only the Mode-1
 *   ones are used, as a native app binding to each interface would
 * @servers: (element-type LwStunServer): resolved STUN servers
 * @timeout_ms: the deadline for the whole gathering
 */
void
lw_stun_probe_run_async (GPtrArray           *bases,
                         GPtrArray           *servers,
                         guint                timeout_ms,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  Bound *b = g_new0 (Bound, 1);

  b->task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (b->task, lw_stun_probe_run_async);
  b->context = g_main_context_ref_thread_default ();
  b->bases = g_ptr_array_ref (bases);
  b->servers = g_ptr_array_ref (servers);
  b->agents = g_ptr_array_new_with_free_func ((GDestroyNotify) agent_free);
  b->candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_candidate_free);
  b->stun_results = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_stun_result_free);
  g_task_set_task_data (b->task, b, (GDestroyNotify) bound_free);

  start_more (b);

  if (b->pending == 0)
    {
      bound_finish (b);
      return;
    }

  lw_deadline_start (&b->deadline, timeout_ms, cancellable, on_deadline, b);
}

gboolean
lw_stun_probe_run_finish (GAsyncResult  *result,
                          GPtrArray    **candidates,
                          GPtrArray    **stun_results,
                          GError       **error)
{
  Bound *b;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  b = g_task_get_task_data (G_TASK (result));
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  *candidates = g_steal_pointer (&b->candidates);
  *stun_results = g_steal_pointer (&b->stun_results);
  return TRUE;
}
