/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lw-analyzer"

#include "config.h"

#include <glib/gi18n.h>

#include "lw-analyzer-private.h"
#include "lw-enum-private.h"

/* The analyzer is pure: it reads an LwEvidence and returns findings and a
 * status, exactly as docs/DOMAIN.md's tables say. It does no I/O, so
 * every rule is covered by table-driven tests on synthetic evidence. */

LW_ENUM_STRINGS (lw_status, LwStatus, LW_TYPE_STATUS)
LW_ENUM_STRINGS (lw_level, LwLevel, LW_TYPE_LEVEL)
LW_ENUM_STRINGS (lw_finding_kind, LwFindingKind, LW_TYPE_FINDING_KIND)

/* No audience is written as null, never as a word. */
const char *
lw_audience_to_string (LwAudience audience)
{
  if (audience == LW_AUDIENCE_NONE)
    return NULL;
  return lw_enum_nick_of (LW_TYPE_AUDIENCE, audience);
}

gboolean
lw_audience_from_string (const char *str,
                         LwAudience *audience)
{
  int v;

  if (str == NULL)
    {
      *audience = LW_AUDIENCE_NONE;
      return TRUE;
    }
  if (!lw_enum_value_of_nick (LW_TYPE_AUDIENCE, str, &v) || v == LW_AUDIENCE_NONE)
    return FALSE;
  *audience = (LwAudience) v;
  return TRUE;
}

int
lw_status_exit_code (LwStatus status)
{
  switch (status)
    {
    case LW_STATUS_PROTECTED:   return 0;
    case LW_STATUS_LEAK:        return 1;
    case LW_STATUS_WARNING:     return 2;
    case LW_STATUS_UNPROTECTED: return 3;
    case LW_STATUS_UNKNOWN:
    case LW_STATUS_CHECKING:
    default:                    return 4;
    }
}

static const LwBrowserProfile default_profiles[] = {
  { "Chromium", LW_WEBRTC_MODE_2, TRUE, LW_WEBRTC_MODE_1 },
  { "Firefox", LW_WEBRTC_MODE_2, TRUE, LW_WEBRTC_MODE_1 },
};

const LwBrowserProfile *
lw_analyzer_default_profiles (guint *n_profiles)
{
  *n_profiles = G_N_ELEMENTS (default_profiles);
  return default_profiles;
}

LwFinding *
lw_finding_new (LwFindingKind kind,
                LwLevel       level)
{
  LwFinding *self = g_new0 (LwFinding, 1);

  self->kind = kind;
  self->level = level;

  return self;
}

void
lw_finding_free (LwFinding *self)
{
  if (self == NULL)
    return;
  g_free (self->mode);
  g_free (self->address);
  g_free (self->interface);
  g_free (self->server);
  g_free (self->summary);
  g_free (self->detail);
  g_free (self->advice);
  g_free (self);
}

/* --- evidence helpers ---------------------------------------------------- */

/* The addresses an HTTPS request shows on the direct path: what the VPN's
 * exit looks like to the sites WebRTC's UDP reaches. Answers through a
 * proxy show the proxy, which WebRTC's UDP does not go through. */
gboolean
lw_analysis_exit_addresses (const Analysis *a,
                            int             family,
                            GPtrArray      *out)
{
  for (guint i = 0; i < a->ev->public_addresses->len; i++)
    {
      const LwPublicAddress *pa = g_ptr_array_index (a->ev->public_addresses, i);

      if (pa->family == family && lw_public_address_is_answered_direct (pa))
        g_ptr_array_add (out, pa->address);
    }
  return out->len > 0;
}

const char *
lw_analysis_family_name (int family)
{
  return family == 6 ? "IPv6" : "IPv4";
}

/* Joins @servers for a sentence; the array is left as it was. */
char *
lw_analysis_format_server_list (GPtrArray *servers)
{
  char *joined;

  g_ptr_array_add (servers, NULL);
  joined = g_strjoinv (", ", (char **) servers->pdata);
  g_ptr_array_set_size (servers, servers->len - 1);
  return joined;
}

/* --- findings ------------------------------------------------------------ */

/* Adds @f, or keeps the more serious of two findings about the same thing. */
void
lw_analysis_add_finding (Analysis  *a,
                         LwFinding *f)
{
  /* Findings about the same thing merge; an incomplete check can have
   * several causes for one address, told apart by their summaries. */
  g_autofree char *key = g_strdup_printf ("%d %s %d %s", f->kind, f->address ? f->address : "",
                                          f->family,
                                          f->level == LW_LEVEL_UNKNOWN && f->summary ? f->summary : "");
  LwFinding *old = g_hash_table_lookup (a->by_key, key);

  /* What to do is the catalogue's, for every view alike. */
  if (f->advice == NULL)
    f->advice = lw_catalogue_advice (f, LW_GAP_NONE);
  if (old == NULL)
    {
      g_ptr_array_add (a->findings, f);
      g_hash_table_insert (a->by_key, g_steal_pointer (&key), f);
      return;
    }

  if (f->level > old->level || (f->level == old->level && f->audience > old->audience))
    {
      guint idx;

      g_ptr_array_find (a->findings, old, &idx);
      a->findings->pdata[idx] = f;
      g_hash_table_replace (a->by_key, g_steal_pointer (&key), f);
      lw_finding_free (old);
      return;
    }

  lw_finding_free (f);
}

/**
 * lw_audience_describe:
 *
 * Returns: who sees a finding, as a sentence for people
 */
const char *
lw_audience_describe (LwAudience audience)
{
  switch (audience)
    {
    case LW_AUDIENCE_EVERY_PAGE:
      return _("Every web page can read it, without asking for permission.");
    case LW_AUDIENCE_CAMERA_PAGES:
      return _("Only pages you have allowed to use your camera or microphone can read it.");
    case LW_AUDIENCE_NATIVE_APPS:
      return _("Web pages do not see this; programs that bind to a network interface do.");
    case LW_AUDIENCE_EVERY_SITE:
      return _("Every website sees it, with or without WebRTC.");
    case LW_AUDIENCE_NONE:
    default:
      return "";
    }
}

/* Without the remembered real addresses, a tunnel that carries nothing
 * (HTTPS showing the real address) cannot be recognised: behind a VPN,
 * the check cannot vouch for it, so it is never green on that account. */
static void
check_history (Analysis                *a,
               const LwAnalyzerOptions *options)
{
  LwFinding *f;

  if (options == NULL)
    return;

  /* Saving is told only while reading works: the note below says both. */
  if (options->history_unreadable == NULL && options->history_unsaved != NULL)
    {
      f = lw_finding_new (LW_FINDING_HISTORY_UNSAVED, LW_LEVEL_NOTE);
      /* Translators: %s says why, such as "the disk is full" */
      f->summary = g_strdup_printf (_("Leakwatch cannot save its history: %s"),
                                    options->history_unsaved);
      f->detail = g_strdup (_("Each check is kept in memory and saved as soon as the history can "
                              "be written again. The real addresses it remembers are kept "
                              "meanwhile, so checks are as good as before."));
      lw_analysis_add_finding (a, f);
    }
  if (options->history_unreadable == NULL)
    return;

  f = lw_finding_new (LW_FINDING_HISTORY_UNREADABLE, a->ev->vpn->active ? LW_LEVEL_UNKNOWN : LW_LEVEL_NOTE);
  f->summary = g_strdup (_("Leakwatch cannot read its history, so it cannot recognise your real "
                           "address"));
  /* Translators: %s says why, such as "unable to open database file" */
  f->detail = g_strdup_printf (_("The history keeps the addresses seen without a VPN, to recognise "
                                 "them behind one. It cannot be read now: %s."),
                               options->history_unreadable);
  lw_analysis_add_finding (a, f);
}

static void
check_vpn (Analysis *a)
{
  LwFinding *f;

  if (a->ev->vpn->active)
    return;

  f = lw_finding_new (LW_FINDING_NO_VPN, LW_LEVEL_UNPROTECTED);
  f->audience = LW_AUDIENCE_EVERY_SITE;
  f->summary = g_strdup (_("No VPN is connected: every site sees your real address anyway"));
  f->detail = g_strdup (a->ev->vpn->source == LW_VPN_SOURCE_NETWORKMANAGER
                          ? _("NetworkManager reports no active VPN or WireGuard connection, "
                              "and no tunnel carries a default route.")
                          : _("No tun, tap, WireGuard or PPP interface carries a default route."));
  lw_analysis_add_finding (a, f);
}

/* The address a family shows on the direct path, or its default address. */
static const char *
shown_address (const Analysis *a,
               int             family)
{
  g_autoptr(GPtrArray) exits = g_ptr_array_new ();

  if (lw_analysis_exit_addresses (a, family, exits))
    return g_ptr_array_index (exits, 0);
  return lw_evidence_get_default_address (a->ev, family);
}

/* A VPN that routes only some networks leaves the default route, and so
 * every web page, outside: sites see the normal address. When the VPN
 * carries one family's default route but not the other's, that other
 * family leaks to every site. */
static void
check_default_route (Analysis *a)
{
  gboolean outside[2] = { FALSE, FALSE }, inside = FALSE;
  LwFinding *f;

  if (!a->ev->vpn->active)
    return;

  for (int family = 4; family <= 6; family += 2)
    {
      const char *def = lw_evidence_get_default_address (a->ev, family);
      const LwInterface *iface = lw_evidence_interface_for_address (a->ev, def);

      if (def == NULL || iface == NULL)
        continue;
      if (lw_evidence_is_tunnel_interface (a->ev, iface->name))
        inside = TRUE;
      else
        outside[family == 6] = TRUE;
    }

  if (!inside && (outside[0] || outside[1]))
    {
      f = lw_finding_new (LW_FINDING_VPN_NOT_DEFAULT_ROUTE, LW_LEVEL_UNPROTECTED);
      f->audience = LW_AUDIENCE_EVERY_SITE;
      f->summary = g_strdup (_("The VPN is connected but does not carry your web traffic"));
      f->detail = g_strdup (_("The VPN routes only some networks; the default route, which web "
                              "pages use, stays on your normal connection. Sites see your real "
                              "address."));
      lw_analysis_add_finding (a, f);
      return;
    }

  for (int family = 4; family <= 6; family += 2)
    {
      const char *def = lw_evidence_get_default_address (a->ev, family);
      const LwInterface *iface = lw_evidence_interface_for_address (a->ev, def);
      const char *shown = shown_address (a, family);

      if (!outside[family == 6])
        continue;

      f = lw_finding_new (family == 6 ? LW_FINDING_IPV6_OUTSIDE_TUNNEL : LW_FINDING_IPV4_OUTSIDE_TUNNEL,
                          LW_LEVEL_LEAK);
      f->audience = LW_AUDIENCE_EVERY_SITE;
      f->family = family;
      f->address = g_strdup (shown);
      f->interface = g_strdup (iface->name);
      f->summary = g_strdup_printf (family == 6 ? _("IPv6 traffic bypasses the VPN: sites see %s")
                                                : _("IPv4 traffic bypasses the VPN: sites see %s"),
                                    shown);
      f->detail = g_strdup_printf (_("The VPN carries the default route of one family but not of "
                                     "%s, which leaves from %s on %s. %s"),
                                   lw_analysis_family_name (family), def, iface->name,
                                   lw_audience_describe (LW_AUDIENCE_EVERY_SITE));
      lw_analysis_add_finding (a, f);
    }
}

/* An incomplete check after a green one is a warning: something changed
 * and Leakwatch can no longer vouch for the connection. */
static LwStatus
after_previous (LwStatus                 status,
                const LwAnalyzerOptions *options)
{
  if (status == LW_STATUS_UNKNOWN && options != NULL && options->have_previous &&
      options->previous_status == LW_STATUS_PROTECTED)
    return LW_STATUS_WARNING;
  return status;
}

static LwStatus
status_from_findings (const Analysis          *a,
                      const LwAnalyzerOptions *options)
{
  LwStatus status = LW_STATUS_PROTECTED;

  for (guint i = 0; i < a->findings->len; i++)
    {
      const LwFinding *f = g_ptr_array_index (a->findings, i);
      LwStatus s;

      switch (f->level)
        {
        case LW_LEVEL_LEAK:        s = LW_STATUS_LEAK; break;
        case LW_LEVEL_WARNING:     s = LW_STATUS_WARNING; break;
        case LW_LEVEL_UNKNOWN:     s = LW_STATUS_UNKNOWN; break;
        case LW_LEVEL_UNPROTECTED: s = LW_STATUS_UNPROTECTED; break;
        case LW_LEVEL_NOTE:
        default:                   s = LW_STATUS_PROTECTED; break;
        }
      status = MAX (status, s);
    }

  if (a->ev->vpn->active)
    status = after_previous (status, options);

  /* Never green without a VPN, whatever else the evidence says. */
  if (status == LW_STATUS_PROTECTED && !a->ev->vpn->active)
    status = LW_STATUS_UNKNOWN;

  return status;
}

static int
compare_findings (gconstpointer pa,
                  gconstpointer pb)
{
  const LwFinding *a = *(const LwFinding **) pa;
  const LwFinding *b = *(const LwFinding **) pb;

  if (a->level != b->level)
    return (int) b->level - (int) a->level;
  return (int) b->audience - (int) a->audience;
}

/**
 * lw_analyzer_analyze:
 * @evidence: what the probes found
 * @options: (nullable): browser profiles and the previous status
 * @status: (out): the overall status
 *
 * Returns: (transfer container) (element-type LwFinding): the findings,
 *   most serious first.
 */
GPtrArray *
lw_analyzer_analyze (const LwEvidence        *evidence,
                     const LwAnalyzerOptions *options,
                     LwStatus                *status)
{
  Analysis a = { 0 };
  GPtrArray *findings;

  g_return_val_if_fail (evidence != NULL, NULL);
  g_return_val_if_fail (status != NULL, NULL);

  a.ev = evidence;
  if (options != NULL && options->profiles != NULL)
    {
      a.profiles = options->profiles;
      a.n_profiles = options->n_profiles;
    }
  else
    a.profiles = lw_analyzer_default_profiles (&a.n_profiles);

  findings = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_finding_free);
  a.findings = findings;
  a.by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  check_vpn (&a);
  check_default_route (&a);

  for (guint i = 0; i < evidence->candidates->len; i++)
    {
      const LwCandidate *c = g_ptr_array_index (evidence->candidates, i);

      if (evidence->vpn->active)
        {
          if (c->type == LW_CANDIDATE_SRFLX && c->probe == LW_PROBE_BROWSER)
            lw_analysis_check_public_address_leak (&a, c);
          if (c->probe == LW_PROBE_BROWSER)
            lw_analysis_check_ipv6_leak (&a, c);
          lw_analysis_check_interface_bypass (&a, c);
        }
      lw_analysis_check_local_addresses (&a, c);
    }

  if (evidence->vpn->active)
    lw_analysis_check_https (&a);

  lw_analysis_check_completeness (&a);
  check_history (&a, options);

  g_ptr_array_sort (findings, compare_findings);
  *status = status_from_findings (&a, options);

  g_hash_table_unref (a.by_key);
  return findings;
}

/**
 * lw_analyzer_check_failed:
 * @error: why the check could not run
 * @options: (nullable): the previous status
 * @status: (out): unknown, or a warning after a green one
 *
 * A check that could not run saw nothing, so it withdraws the previous
 * verdict: its report says so and why, and is never green.
 *
 * Returns: (transfer container) (element-type LwFinding): the one finding
 */
GPtrArray *
lw_analyzer_check_failed (const GError            *error,
                          const LwAnalyzerOptions *options,
                          LwStatus                *status)
{
  GPtrArray *findings = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_finding_free);
  LwFinding *f = lw_finding_new (LW_FINDING_CHECK_FAILED, LW_LEVEL_UNKNOWN);

  g_return_val_if_fail (error != NULL, NULL);
  g_return_val_if_fail (status != NULL, NULL);

  /* Translators: %s says why, such as "Cannot use the CA file “ca.pem”: No such file or directory" */
  f->summary = g_strdup_printf (_("The check could not run: %s"), error->message);
  f->detail = g_strdup (_("Leakwatch could not ask any server this time, so it cannot tell what "
                          "web pages see now. The previous result no longer counts."));
  f->advice = lw_catalogue_advice (f, LW_GAP_NONE);
  g_ptr_array_add (findings, f);

  /* Only a green check vouched for a VPN: it was active then. */
  *status = after_previous (LW_STATUS_UNKNOWN, options);
  return findings;
}
