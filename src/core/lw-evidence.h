/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lw-address.h"

G_BEGIN_DECLS

/* The plain data that probes produce and the analyzer consumes. Every
 * string is owned by its struct; every enum has a stable text form that the
 * JSON output uses. */

typedef enum
{
  LW_INTERFACE_PHYSICAL,
  LW_INTERFACE_TUNNEL,
  LW_INTERFACE_BRIDGE,
  LW_INTERFACE_LOOPBACK,
  LW_INTERFACE_PPP,      /* DSL, mobile, or a PPP-based VPN: only NetworkManager can tell */
} LwInterfaceKind;

typedef enum
{
  LW_PROBE_BOUND,
  LW_PROBE_BROWSER,
} LwProbeKind;

/* RFC 8828 gathering modes that Leakwatch runs for real; the others are
 * derived from the default-route results by the analyzer. */
typedef enum
{
  LW_GATHER_ALL_INTERFACES,   /* Mode 1 */
  LW_GATHER_DEFAULT_ROUTE,    /* Mode 2 (and 3) */
} LwGatherMode;

typedef enum
{
  LW_CANDIDATE_HOST,
  LW_CANDIDATE_SRFLX,
} LwCandidateType;

/* How one probe ended. Nothing but ANSWERED is ever taken as evidence. */
typedef enum
{
  LW_RESULT_ANSWERED,
  LW_RESULT_TIMEOUT,
  LW_RESULT_REFUSED,
  LW_RESULT_UNREACHABLE,
  LW_RESULT_RESOLVE_FAILED,
  LW_RESULT_TLS_ERROR,
  LW_RESULT_BAD_REPLY,
  LW_RESULT_TOO_LARGE,
  LW_RESULT_HTTP_ERROR,
  LW_RESULT_REDIRECT_LOOP,
  LW_RESULT_ERROR,
  LW_RESULT_NOT_WAITED,   /* its route enters the tunnel: it could only show the exit */
} LwResult;

typedef enum
{
  LW_HTTP_PATH_DIRECT,
  LW_HTTP_PATH_PROXY,
} LwHttpPath;

typedef enum
{
  LW_VPN_SOURCE_NONE,
  LW_VPN_SOURCE_NETWORKMANAGER,
  LW_VPN_SOURCE_INTERFACES,
} LwVpnSource;

/* Why the kernel was asked for a route: docs/ARCHITECTURE.md, "Routes". */
typedef enum
{
  LW_ROUTE_PURPOSE_DEFAULT_ADDRESS,  /* 8.8.8.8 or 2001:4860:4860::8888, as browsers ask */
  LW_ROUTE_PURPOSE_TUNNEL,           /* the same, through the tunnel only: its own route */
  LW_ROUTE_PURPOSE_STUN,             /* a STUN server, from a base */
  LW_ROUTE_PURPOSE_HTTPS,            /* an address service */
  LW_ROUTE_PURPOSE_STUN_PINNED,      /* a STUN server, from a socket pinned to its base's interface */
} LwRoutePurpose;

typedef struct
{
  char           *address;
  guint           prefix;
  LwAddressClass  klass;
} LwIfAddress;

typedef struct
{
  char            *name;
  guint            index;
  LwInterfaceKind  kind;
  gboolean         running;    /* it has a carrier: a tun's program holds it open */
  GPtrArray       *addresses;  /* LwIfAddress */
} LwInterface;

typedef struct
{
  LwProbeKind      probe;
  LwGatherMode     mode;
  LwCandidateType  type;
  char            *address;
  guint16          port;
  char            *base;
  char            *interface;
  char            *server;     /* NULL for host candidates */
} LwCandidate;

/* One STUN transaction: a local base address asking one server. */
typedef struct
{
  LwProbeKind  probe;
  LwGatherMode mode;
  char        *base;
  char        *interface;
  char        *server;
  LwResult     result;
  char        *mapped;
  int          rtt_ms;
  char        *error;
} LwStunResult;

typedef struct
{
  int          family;       /* 4 or 6 */
  LwHttpPath   path;
  char        *url;
  LwResult     result;
  char        *address;
  char        *error;
  int          ms;
} LwPublicAddress;

typedef struct
{
  char *name;
  char *type;
  char *interface;
  char *state;
} LwVpnConnection;

typedef struct
{
  gboolean     active;
  LwVpnSource  source;
  GStrv        interfaces;
  GPtrArray   *connections;  /* LwVpnConnection */
  char        *note;         /* why the source was chosen, for people */
} LwVpnState;

/* The way the kernel sends one request, as `ip route get DST from SRC`
 * and `ip route get fibmatch` tell it. Policy rules apply, as they do to a
 * browser's packet. */
typedef struct
{
  LwRoutePurpose  purpose;
  char           *target;        /* the server "host:port", the URL, or the address */
  char           *destination;
  char           *source;        /* the base it leaves from; NULL: the kernel's choice */
  char           *interface;     /* where it leaves; NULL when there is no route */
  char           *gateway;
  char           *preferred_source;
  char           *prefix;        /* the route that matched, "0.0.0.0/1" */
  char           *protocol;      /* who made it: "kernel", "boot", "static", "dhcp", "ra", … */
  char           *type;          /* "unicast", "blackhole", "unreachable", … */
  guint           table;
  char           *error;         /* why the kernel gave no way out */
} LwRoute;

typedef struct
{
  int     family;
  char   *address;
  gint64  first_seen;   /* unix seconds */
  gint64  last_seen;
} LwRememberedAddress;

typedef struct
{
  GPtrArray  *interfaces;        /* LwInterface */
  char       *default_ipv4;      /* Chromium's default local address */
  char       *default_ipv6;
  LwVpnState *vpn;
  GPtrArray  *candidates;        /* LwCandidate */
  GPtrArray  *stun_results;      /* LwStunResult */
  GPtrArray  *public_addresses;  /* LwPublicAddress */
  GPtrArray  *remembered;        /* LwRememberedAddress */
  GPtrArray  *routes;            /* LwRoute; empty when the kernel was not asked */
  GStrv       stun_servers;      /* as configured, HOST:PORT */
} LwEvidence;

LwIfAddress        *lw_if_address_new              (const char          *address,
                                                    guint                prefix);
void                lw_if_address_free             (LwIfAddress         *self);
LwInterface        *lw_interface_new               (const char          *name,
                                                    guint                index,
                                                    LwInterfaceKind      kind);
void                lw_interface_free              (LwInterface         *self);
gboolean            lw_interface_can_send          (const LwInterface   *self,
                                                    int                  family);
LwCandidate        *lw_candidate_new               (LwProbeKind          probe,
                                                    LwGatherMode         mode,
                                                    LwCandidateType      type,
                                                    const char          *address,
                                                    guint16              port,
                                                    const char          *base,
                                                    const char          *interface,
                                                    const char          *server);
void                lw_candidate_free              (LwCandidate         *self);
LwStunResult       *lw_stun_result_new             (LwProbeKind          probe,
                                                    const char          *base,
                                                    const char          *interface,
                                                    const char          *server);
void                lw_stun_result_free            (LwStunResult        *self);
LwPublicAddress    *lw_public_address_new          (int                  family,
                                                    LwHttpPath           path,
                                                    const char          *url);
void                lw_public_address_free         (LwPublicAddress     *self);
gboolean            lw_public_address_is_answered_direct (const LwPublicAddress *self);
LwVpnConnection    *lw_vpn_connection_new          (const char          *name,
                                                    const char          *type,
                                                    const char          *interface,
                                                    const char          *state);
void                lw_vpn_connection_free         (LwVpnConnection     *self);
LwVpnState         *lw_vpn_state_new               (void);
void                lw_vpn_state_free              (LwVpnState          *self);
LwRememberedAddress *lw_remembered_address_new     (int                  family,
                                                    const char          *address,
                                                    gint64               first_seen,
                                                    gint64               last_seen);
void                lw_remembered_address_free     (LwRememberedAddress *self);
LwRoute            *lw_route_new                   (LwRoutePurpose       purpose,
                                                    const char          *target,
                                                    const char          *destination,
                                                    const char          *source);
void                lw_route_free                  (LwRoute             *self);
char               *lw_route_describe              (const LwRoute       *self);
gboolean            lw_route_prefix_length         (const LwRoute       *self,
                                                    guint               *length);
LwEvidence         *lw_evidence_new                (void);
void                lw_evidence_free               (LwEvidence          *self);

const LwInterface  *lw_evidence_find_interface     (const LwEvidence    *self,
                                                    const char          *name);
const LwInterface  *lw_evidence_interface_for_address (const LwEvidence *self,
                                                    const char          *address);
const char         *lw_evidence_get_default_address (const LwEvidence   *self,
                                                    int                  family);
gboolean            lw_evidence_is_tunnel_interface (const LwEvidence   *self,
                                                    const char          *name);
const LwRoute      *lw_evidence_find_route         (const LwEvidence    *self,
                                                    LwRoutePurpose       purpose,
                                                    const char          *target,
                                                    const char          *source,
                                                    int                  family);
gboolean            lw_evidence_route_in_tunnel    (const LwEvidence    *self,
                                                    const LwRoute       *route);
gboolean            lw_evidence_route_around_tunnel (const LwEvidence   *self,
                                                    const LwRoute       *route);

char               *lw_strdup_text                 (const char          *str);

const char         *lw_interface_kind_to_string    (LwInterfaceKind      kind);
gboolean            lw_interface_kind_from_string  (const char          *str,
                                                    LwInterfaceKind     *kind);
const char         *lw_probe_kind_to_string        (LwProbeKind          kind);
gboolean            lw_probe_kind_from_string      (const char          *str,
                                                    LwProbeKind         *kind);
const char         *lw_gather_mode_to_string       (LwGatherMode         mode);
gboolean            lw_gather_mode_from_string     (const char          *str,
                                                    LwGatherMode        *mode);
const char         *lw_candidate_type_to_string    (LwCandidateType      type);
gboolean            lw_candidate_type_from_string  (const char          *str,
                                                    LwCandidateType     *type);
const char         *lw_result_to_string            (LwResult             result);
gboolean            lw_result_from_string          (const char          *str,
                                                    LwResult            *result);
const char         *lw_http_path_to_string         (LwHttpPath           path);
gboolean            lw_http_path_from_string       (const char          *str,
                                                    LwHttpPath          *path);
const char         *lw_vpn_source_to_string        (LwVpnSource          source);
gboolean            lw_vpn_source_from_string      (const char          *str,
                                                    LwVpnSource         *source);
const char         *lw_route_purpose_to_string     (LwRoutePurpose       purpose);
gboolean            lw_route_purpose_from_string   (const char          *str,
                                                    LwRoutePurpose      *purpose);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwEvidence, lw_evidence_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwVpnState, lw_vpn_state_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwInterface, lw_interface_free)

G_END_DECLS
