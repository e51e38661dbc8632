/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lw-evidence.h"

G_BEGIN_DECLS

/* What the STUN probes share: the resolved servers, the local addresses to
 * gather from, and where the results go. */

typedef struct
{
  char               *text;      /* "203.0.113.1:3478", "[2001:db8::1]:3478" */
  GInetSocketAddress *address;
  int                 family;
} LwStunServer;

/* Where a browser gathers from. In Mode 1 it binds one socket to each
 * local address. In Mode 2 it binds the wildcard address of the family and
 * reports the default local address as the candidate's base, so a packet
 * leaves with whatever source the kernel picks for its destination: on a
 * split tunnel, the LAN's. */
typedef struct
{
  char         *address;     /* the address reported as the base */
  char         *interface;
  int           family;
  LwGatherMode  mode;
  GHashTable   *tunnel_servers;  /* server texts whose route from here enters a tunnel */
  GHashTable   *pinned_tunnel_servers;  /* the same, for a socket pinned to the interface */
} LwProbeBase;

/* A probe's own deadline, brought forward by cancellation. */
typedef struct
{
  GSource      *source;
  gint64        at;           /* monotonic */
  GSourceFunc   callback;
  gpointer      data;
  GCancellable *cancellable;
  gulong        cancelled_id;
} LwDeadline;

LwStunServer *lw_stun_server_new            (GInetAddress     *address,
                                             guint16           port);
void          lw_stun_server_free           (LwStunServer     *self);
LwProbeBase  *lw_probe_base_new             (const char       *address,
                                             const char       *interface,
                                             LwGatherMode      mode);
void          lw_probe_base_free            (LwProbeBase      *self);
gboolean      lw_probe_base_route_in_tunnel (const LwProbeBase *self,
                                             const char       *server,
                                             gboolean          pinned);
GPtrArray    *lw_probe_bases_from_evidence  (const LwEvidence *evidence);
gboolean      lw_parse_host_port            (const char       *spec,
                                             guint16           default_port,
                                             char            **host,
                                             guint16          *port,
                                             GError          **error);
LwResult      lw_result_from_error          (const GError     *error);
void          lw_task_return_later          (GTask            *task);
void          lw_deadline_start             (LwDeadline       *self,
                                             guint             timeout_ms,
                                             GCancellable     *cancellable,
                                             GSourceFunc       callback,
                                             gpointer          data);
void          lw_deadline_rearm             (LwDeadline       *self,
                                             guint             timeout_ms);
void          lw_deadline_clear             (LwDeadline       *self);

G_END_DECLS
