/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lw-evidence.h"

G_BEGIN_DECLS

/* Ordered by severity, so the most serious status is the largest value. */
typedef enum
{
  LW_STATUS_PROTECTED,
  LW_STATUS_UNPROTECTED,
  LW_STATUS_UNKNOWN,
  LW_STATUS_WARNING,
  LW_STATUS_LEAK,
  LW_STATUS_CHECKING,
} LwStatus;

typedef enum
{
  LW_LEVEL_NOTE,
  LW_LEVEL_UNPROTECTED,
  LW_LEVEL_UNKNOWN,
  LW_LEVEL_WARNING,
  LW_LEVEL_LEAK,
} LwLevel;

/* Who sees what a finding is about. */
typedef enum
{
  LW_AUDIENCE_NONE,
  LW_AUDIENCE_NATIVE_APPS,   /* programs that bind to an interface */
  LW_AUDIENCE_DESKTOP_APPS,  /* apps that gather on every interface (Electron apps) */
  LW_AUDIENCE_CAMERA_PAGES,  /* pages granted camera or microphone (Mode 1) */
  LW_AUDIENCE_EVERY_PAGE,    /* any page, without asking */
  LW_AUDIENCE_EVERY_SITE,    /* any site, not only through WebRTC */
} LwAudience;

typedef enum
{
  LW_WEBRTC_MODE_1 = 1,
  LW_WEBRTC_MODE_2,
  LW_WEBRTC_MODE_3,
  LW_WEBRTC_MODE_4,
  LW_WEBRTC_DISABLED,
} LwWebrtcMode;

/* How one browser, as configured, gathers for the two kinds of page. */
typedef struct
{
  const char   *name;
  LwWebrtcMode  ordinary;
  gboolean      ordinary_mdns;   /* host addresses hidden (mDNS names, or none) */
  LwWebrtcMode  camera;
  gboolean      camera_mdns;     /* camera pages see no host address either */
  gboolean      per_destination; /* Gecko: sockets bound to the default address towards the page's
                                  * server, so a request follows the route from that address */
} LwBrowserProfile;

/* What a finding is about. The nicks (LW_FINDING_IPV6_LEAK is
 * "ipv6-leak") are the finding ids of the JSON report; what to do about
 * each kind is in the catalogue, lw-catalogue.c. */
typedef enum
{
  LW_FINDING_PUBLIC_ADDRESS_LEAK,
  LW_FINDING_IPV6_LEAK,
  LW_FINDING_IPV6_OUTSIDE_TUNNEL,
  LW_FINDING_IPV4_OUTSIDE_TUNNEL,
  LW_FINDING_TUNNEL_NOT_CARRYING_TRAFFIC,
  LW_FINDING_VPN_NOT_DEFAULT_ROUTE,
  LW_FINDING_NO_VPN,
  LW_FINDING_LOCAL_ADDRESSES_VISIBLE,
  LW_FINDING_TUNNEL_BYPASS_BY_BINDING,
  LW_FINDING_APPS_SEE_ADDRESS,        /* apps that are not browsers see a real address */
  LW_FINDING_BROWSER_SHOWS_MORE,      /* a browser's own test page got more than its settings say */
  LW_FINDING_CHECK_INCOMPLETE,
  LW_FINDING_CHECK_FAILED,            /* the check could not run: lw_analyzer_check_failed() */
  LW_FINDING_HISTORY_UNSAVED,
  LW_FINDING_HISTORY_UNREADABLE,
} LwFindingKind;

/* Why traffic leaves outside the tunnel, read from the routes
 * (docs/DOMAIN.md, "Causes"). The nicks are the JSON's "cause". */
typedef enum
{
  LW_CAUSE_NONE,
  LW_CAUSE_SPLIT_ROUTE,          /* a more specific route sends it around the tunnel */
  LW_CAUSE_FAMILY_NOT_TUNNELLED, /* the VPN does not carry this family at all */
  LW_CAUSE_PUSHED_ROUTE,         /* routes the local network pushed (DHCP, RA): TunnelVision */
  LW_CAUSE_LOCAL_NETWORK,        /* the LAN's prefix covers public addresses: LocalNet */
  LW_CAUSE_POLICY_RULE,          /* a policy rule sends it to another table */
} LwCause;

typedef struct
{
  LwFindingKind kind;
  LwLevel     level;
  LwAudience  audience;
  char       *mode;        /* "default-route", "all-interfaces", "interface-bound" or NULL */
  int         family;      /* 4, 6 or 0 */
  char       *address;
  char       *interface;
  char       *server;
  char       *summary;     /* what leaked, in one line */
  char       *detail;      /* where it was seen and how it happened */
  char       *advice;      /* what to do */
  LwCause     cause;
  char       *route;       /* the route that takes it around the tunnel, as `ip route` says */
} LwFinding;

typedef struct
{
  const LwBrowserProfile *profiles;     /* NULL: Chromium's and Firefox's defaults */
  guint                   n_profiles;
  gboolean                have_previous;
  LwStatus                previous_status;
  const char             *history_unreadable;  /* why the remembered real addresses are unknown */
  const char             *history_unsaved;     /* why checks cannot be saved now */
  gboolean                browsers_alone;      /* what the profiles show, not other apps */
  GPtrArray              *confirmations;       /* LwConfirmation: the test pages whose browser is
                                                * still set as it was when tested */
} LwAnalyzerOptions;

LwFinding      *lw_finding_new                (LwFindingKind            kind,
                                               LwLevel                  level);
void            lw_finding_free               (LwFinding               *self);

GPtrArray      *lw_analyzer_analyze           (const LwEvidence        *evidence,
                                               const LwAnalyzerOptions *options,
                                               LwStatus                *status);
GPtrArray      *lw_analyzer_check_failed      (const GError            *error,
                                               const LwAnalyzerOptions *options,
                                               LwStatus                *status);
const LwBrowserProfile *lw_analyzer_default_profiles (guint            *n_profiles);
gboolean        lw_analyzer_modes_are_enough  (const LwEvidence        *evidence,
                                               const LwAnalyzerOptions *options,
                                               const LwBrowserProfile  *modes);
gboolean        lw_browser_profile_sees       (const LwEvidence        *evidence,
                                               const LwBrowserProfile  *profile,
                                               gboolean                 camera,
                                               const LwCandidate       *c);

const char     *lw_status_to_string           (LwStatus                 status);
gboolean        lw_status_from_string         (const char              *str,
                                               LwStatus                *status);
const char     *lw_level_to_string            (LwLevel                  level);
gboolean        lw_level_from_string          (const char              *str,
                                               LwLevel                 *level);
const char     *lw_finding_kind_to_string     (LwFindingKind            kind);
gboolean        lw_finding_kind_from_string   (const char              *str,
                                               LwFindingKind           *kind);
const char     *lw_cause_to_string            (LwCause                  cause);
gboolean        lw_cause_from_string          (const char              *str,
                                               LwCause                 *cause);
const char     *lw_audience_to_string         (LwAudience               audience);
gboolean        lw_audience_from_string       (const char              *str,
                                               LwAudience              *audience);
int             lw_status_exit_code           (LwStatus                 status);
const char     *lw_audience_describe          (LwAudience               audience);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwFinding, lw_finding_free)

G_END_DECLS
