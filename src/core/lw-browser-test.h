/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lw-report.h"

G_BEGIN_DECLS

/* "Test in my browser": a one-shot page on loopback that gathers ICE
 * candidates in the user's own browser and hands them back, and the
 * judgement of what it saw against the report's evidence
 * (docs/ARCHITECTURE.md, "Test in my browser"). */

#define LW_BROWSER_TEST_MAX_BODY  (64 * 1024)
#define LW_BROWSER_TEST_TIMEOUT_S 60

typedef enum
{
  LW_PAGE_ORDINARY,   /* no permission asked */
  LW_PAGE_CAMERA,     /* after microphone permission (Mode 1) */
} LwPageKind;

/* One candidate as the page got it. */
typedef struct
{
  char     *line;       /* the candidate string, as the browser gave it */
  char     *type;       /* host, srflx, prflx or relay */
  char     *address;    /* an address, or an mDNS name */
  char     *related;    /* raddr, or NULL */
  gboolean  mdns;       /* the address is a .local name */
} LwPageCandidate;

typedef struct
{
  LwPageKind  kind;
  GPtrArray  *candidates;   /* LwPageCandidate */
  GPtrArray  *errors;       /* char*: icecandidateerror, "url code text" */
  char       *error;        /* why the page could not gather ("RTCPeerConnection is not defined") */
  char       *user_agent;
  gint64      time_unix;
} LwPageResult;

/* What a page saw, judged against the evidence. */
typedef struct
{
  GPtrArray *real;         /* char*: addresses outside the tunnel the page got */
  GPtrArray *local;        /* local addresses the page got */
  GPtrArray *exits;        /* the VPN's exit, which any site sees anyway */
  GPtrArray *unexpected;   /* what the page got that the audit did not predict */
  GPtrArray *missing;      /* what the audit predicted that the page did not get */
  char      *summary;      /* "confirmed: nothing outside the tunnel", for people */
} LwPageVerdict;

void             lw_page_candidate_free   (LwPageCandidate      *self);
LwPageCandidate *lw_page_candidate_parse  (const char           *line);
void             lw_page_result_free      (LwPageResult         *self);
LwPageResult    *lw_page_result_parse     (const char           *json,
                                           gsize                 length,
                                           GError              **error);
void             lw_page_verdict_free     (LwPageVerdict        *self);
LwConfirmation  *lw_confirmation_new      (const LwPageResult   *result,
                                           const LwPageVerdict  *verdict,
                                           const LwBrowserSetup *tested,
                                           const char           *desktop_id);
gboolean         lw_confirmation_is_current (const LwConfirmation *self,
                                           const LwBrowserSetup *setup);
const LwConfirmation *lw_confirmation_find (GPtrArray            *confirmations,
                                           const LwBrowserSetup *setup,
                                           gboolean              camera);
GPtrArray       *lw_confirmations_current (GPtrArray            *confirmations,
                                           GPtrArray            *setups);
LwPageVerdict   *lw_page_result_judge     (const LwPageResult   *result,
                                           LwReport             *report,
                                           const LwBrowserVerdict *predicted);

#define LW_TYPE_BROWSER_TEST (lw_browser_test_get_type ())

G_DECLARE_FINAL_TYPE (LwBrowserTest, lw_browser_test, LW, BROWSER_TEST, GObject)

LwBrowserTest   *lw_browser_test_new      (const char * const   *stun_servers,
                                           guint                 port,
                                           guint                 timeout_s);
gboolean         lw_browser_test_open     (const char           *desktop_id,
                                           const char           *url,
                                           GAppLaunchContext    *context,
                                           GError              **error);
gboolean         lw_browser_test_start    (LwBrowserTest        *self,
                                           GError              **error);
const char      *lw_browser_test_get_url  (LwBrowserTest        *self);
gboolean         lw_browser_test_is_open  (LwBrowserTest        *self);
void             lw_browser_test_stop     (LwBrowserTest        *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwPageCandidate, lw_page_candidate_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwPageResult, lw_page_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwPageVerdict, lw_page_verdict_free)

G_END_DECLS
