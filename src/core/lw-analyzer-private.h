/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lw-analyzer.h"
#include "lw-catalogue.h"

G_BEGIN_DECLS

/* The analyzer's parts, for lw-analyzer*.c only: lw-analyzer.c holds the
 * status rules and runs the others; lw-analyzer-exposure.c says what a
 * browser shows, and to whom; lw-analyzer-completeness.c says what the
 * check could not establish. */

typedef struct
{
  const LwEvidence        *ev;
  const LwBrowserProfile  *profiles;
  guint                    n_profiles;
  GPtrArray               *findings;
  GHashTable              *by_key;     /* "kind address family" -> LwFinding */
} Analysis;

gboolean    lw_analysis_exit_addresses             (const Analysis    *a,
                                                    int                family,
                                                    GPtrArray         *out);
const char *lw_analysis_family_name                (int                family);
char       *lw_analysis_format_server_list         (GPtrArray         *servers);
void        lw_analysis_add_finding                (Analysis          *a,
                                                    LwFinding         *f);
const LwRoute *lw_analysis_default_route           (const Analysis    *a,
                                                    int                family);
const LwRoute *lw_analysis_tunnel_claim            (const Analysis    *a,
                                                    int                family);
const LwRoute *lw_analysis_request_route           (const Analysis    *a,
                                                    const LwCandidate *c);
const LwRememberedAddress *lw_analysis_remembered  (const Analysis    *a,
                                                    const char        *address);
gboolean    lw_analysis_family_outside             (const Analysis    *a,
                                                    int                family);
gboolean    lw_analysis_tunnel_expected            (const Analysis    *a,
                                                    int                family);
LwCause     lw_analysis_cause_of                   (const Analysis    *a,
                                                    const LwRoute     *route);
void        lw_analysis_set_cause                  (const Analysis    *a,
                                                    LwFinding         *f,
                                                    const LwRoute     *route);

void        lw_analysis_check_public_address_leak  (Analysis          *a,
                                                    const LwCandidate *c);
void        lw_analysis_check_ipv6_leak            (Analysis          *a,
                                                    const LwCandidate *c);
void        lw_analysis_check_local_addresses      (Analysis          *a,
                                                    const LwCandidate *c);
void        lw_analysis_check_interface_bypass     (Analysis          *a,
                                                    const LwCandidate *c);
void        lw_analysis_check_https                (Analysis          *a);
void        lw_analysis_merge_local_addresses      (Analysis          *a);
void        lw_analysis_check_desktop_apps         (Analysis          *a);
void        lw_analysis_check_confirmations        (Analysis          *a,
                                                    GPtrArray         *confirmations);

void        lw_analysis_check_completeness         (Analysis          *a);

G_END_DECLS
