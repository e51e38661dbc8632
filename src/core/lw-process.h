/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Below this many open files, GLib, D-Bus, TLS and the probes' sockets
 * cannot all have theirs: a check of the most servers (16 STUN servers
 * and 16 address services) was measured at 43 open at its peak. */
#define LW_PROCESS_MIN_DESCRIPTORS 64

/* EX_OSERR: the system does not give what the program needs to run. */
#define LW_EXIT_OSERR 71

gboolean lw_process_prepare (GError **error);

G_END_DECLS
