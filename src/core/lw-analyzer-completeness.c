/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lw-analyzer"

#include "config.h"

#include <glib/gi18n.h>

#include "lw-analyzer-private.h"
#include "lw-probe.h"

/* The completeness rules: what the check could not establish, per family
 * with a default route, so that silence is never taken for safety. */

typedef struct
{
  const char *def;
  GPtrArray  *tried;         /* "server (why)" strings */
  gboolean    stun_answered;
  gboolean    https_answered;
  char       *https_error;   /* the first HTTPS failure, for people */
} FamilyCheck;

static LwFinding *
incomplete_finding (int         family,
                    const char *summary)
{
  LwFinding *f = lw_finding_new (LW_FINDING_CHECK_INCOMPLETE, LW_LEVEL_UNKNOWN);

  f->family = family;
  f->summary = g_strdup (summary);
  return f;
}

static void
family_check_clear (FamilyCheck *fc)
{
  g_clear_pointer (&fc->tried, g_ptr_array_unref);
  g_clear_pointer (&fc->https_error, g_free);
}

static void
read_family (Analysis    *a,
             int          family,
             FamilyCheck *fc)
{
  const LwEvidence *ev = a->ev;

  fc->def = lw_evidence_get_default_address (ev, family);
  fc->tried = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; fc->def != NULL && i < ev->stun_results->len; i++)
    {
      const LwStunResult *r = g_ptr_array_index (ev->stun_results, i);

      if (r->probe != LW_PROBE_BROWSER || r->mode != LW_GATHER_DEFAULT_ROUTE ||
          g_strcmp0 (r->base, fc->def) != 0)
        continue;
      if (r->result == LW_RESULT_TIMEOUT || r->result == LW_RESULT_ANSWERED || r->error == NULL)
        g_ptr_array_add (fc->tried, g_strdup (r->server));
      else
        g_ptr_array_add (fc->tried, g_strdup_printf ("%s (%s)", r->server, r->error));
      fc->stun_answered |= r->result == LW_RESULT_ANSWERED;
    }

  for (guint i = 0; i < ev->public_addresses->len; i++)
    {
      const LwPublicAddress *pa = g_ptr_array_index (ev->public_addresses, i);

      /* An answer counts whichever way it came: one from around the
       * tunnel is evidence too, of another kind. */
      fc->https_answered |= pa->family == family && lw_public_address_is_answered_direct (pa);
      if (pa->family == family && pa->path == LW_HTTP_PATH_DIRECT &&
          pa->result != LW_RESULT_ANSWERED && fc->https_error == NULL)
        fc->https_error = g_strdup_printf ("%s: %s", pa->url,
                                           pa->error ? pa->error : lw_result_to_string (pa->result));
    }
}

static void
add_stun_incomplete (Analysis    *a,
                     int          family,
                     FamilyCheck *fc)
{
  LwFinding *f;

  if (fc->tried->len == 0)
    {
      f = incomplete_finding (family, family == 6 ? _("No IPv6 STUN server could be asked")
                                                  : _("No IPv4 STUN server could be asked"));
      f->detail = g_strdup_printf (_("The default route of %s leaves from %s, but none of the "
                                     "configured STUN servers has an %s address, so what web pages "
                                     "see there is unknown."),
                                   lw_analysis_family_name (family), fc->def, lw_analysis_family_name (family));
    }
  else
    {
      g_autofree char *servers = lw_analysis_format_server_list (fc->tried);

      f = incomplete_finding (family, family == 6 ? _("No STUN server answered over IPv6")
                                                  : _("No STUN server answered over IPv4"));
      f->detail = g_strdup_printf (_("Requests from %s got no answer from %s, so what web pages see "
                                     "through STUN is unknown. Silence is not taken for safety."),
                                   fc->def, servers);
    }
  f->address = g_strdup (fc->def);
  f->advice = lw_catalogue_advice (f, LW_GAP_STUN);
  lw_analysis_add_finding (a, f);
}

static void
add_https_incomplete (Analysis    *a,
                      int          family,
                      FamilyCheck *fc)
{
  LwFinding *f = incomplete_finding (family, family == 6
                                               ? _("The public IPv6 address could not be checked over HTTPS")
                                               : _("The public IPv4 address could not be checked over HTTPS"));

  f->address = g_strdup (fc->def);
  if (fc->https_error != NULL)
    f->detail = g_strdup_printf (_("No address service answered over %s (%s), so Leakwatch cannot "
                                   "compare what STUN shows with your VPN's exit."),
                                 lw_analysis_family_name (family), fc->https_error);
  else
    f->detail = g_strdup_printf (_("No address service was asked over %s, so Leakwatch cannot "
                                   "compare what STUN shows with your VPN's exit."),
                                 lw_analysis_family_name (family));
  f->advice = lw_catalogue_advice (f, LW_GAP_HTTPS);
  lw_analysis_add_finding (a, f);
}

/* Whether any server was named rather than given as an address: only
 * then can name resolution be to blame. */
static gboolean
names_were_asked (const Analysis *a)
{
  for (guint i = 0; a->ev->stun_servers[i] != NULL; i++)
    {
      g_autofree char *host = NULL;
      guint16 port;

      if (lw_parse_host_port (a->ev->stun_servers[i], 3478, &host, &port, NULL) &&
          !g_hostname_is_ip_address (host))
        return TRUE;
    }
  for (guint i = 0; i < a->ev->public_addresses->len; i++)
    {
      const LwPublicAddress *pa = g_ptr_array_index (a->ev->public_addresses, i);
      g_autoptr(GUri) uri = g_uri_parse (pa->url, G_URI_FLAGS_NONE, NULL);

      if (uri != NULL && g_uri_get_host (uri) != NULL && !g_hostname_is_ip_address (g_uri_get_host (uri)))
        return TRUE;
    }
  return FALSE;
}

/* The tunnel that carries the way to the internet, when a request that
 * left outside it was answered: then the silence is the tunnel's. */
static const char *
silent_tunnel (const Analysis *a)
{
  const char *tunnel = NULL;
  gboolean outside_answered = FALSE;

  if (!a->ev->vpn->active)
    return NULL;
  for (int family = 4; family <= 6; family += 2)
    {
      const LwRoute *route = lw_analysis_default_route (a, family);

      if (route != NULL && lw_evidence_route_in_tunnel (a->ev, route))
        tunnel = route->interface;
    }
  for (guint i = 0; tunnel != NULL && i < a->ev->stun_results->len; i++)
    {
      const LwStunResult *r = g_ptr_array_index (a->ev->stun_results, i);

      /* A socket pinned to an interface outside the tunnel leaves there. */
      outside_answered |= r->result == LW_RESULT_ANSWERED && r->probe == LW_PROBE_BOUND &&
                          r->interface != NULL && !lw_evidence_is_tunnel_interface (a->ev, r->interface);
    }
  return outside_answered ? tunnel : NULL;
}

/* One finding when nothing answered at all: the cause is the connection,
 * not one server, and four findings would bury that. */
static void
add_unreachable (Analysis    *a,
                 FamilyCheck  fc[2])
{
  const char *tunnel = silent_tunnel (a);
  g_autoptr(GString) why = g_string_new (NULL);
  LwFinding *f;

  for (int i = 0; i < 2; i++)
    {
      if (fc[i].def == NULL)
        continue;
      if (fc[i].tried->len > 0)
        {
          g_autofree char *servers = lw_analysis_format_server_list (fc[i].tried);
          g_string_append_c (why, ' ');
          /* Translators: %1$s is a local address, %2$s the STUN servers and what each did */
          g_string_append_printf (why, _("From %1$s, STUN: %2$s."), fc[i].def, servers);
        }
      if (fc[i].https_error != NULL)
        {
          g_string_append_c (why, ' ');
          /* Translators: %1$s is a local address, %2$s why the address service failed */
          g_string_append_printf (why, _("From %1$s, HTTPS: %2$s."), fc[i].def, fc[i].https_error);
        }
    }

  if (tunnel != NULL)
    {
      /* Translators: %s is the tunnel's interface, such as tun0 */
      g_autofree char *summary = g_strdup_printf (_("The VPN's tunnel passes no traffic: nothing came "
                                                    "back through %s, while the network outside it "
                                                    "answers"), tunnel);

      f = incomplete_finding (0, summary);
      f->interface = g_strdup (tunnel);
      f->detail = g_strdup_printf (_("Every request that went into the tunnel went unanswered, but a "
                                     "program bound to the local network reached the STUN server. "
                                     "The VPN's server may be down, or this network blocks it. Web "
                                     "pages reach nothing now, so nothing leaks through them, but "
                                     "Leakwatch cannot vouch for the VPN.%s"), why->str);
      f->advice = lw_catalogue_advice (f, LW_GAP_TUNNEL_SILENT);
      lw_analysis_add_finding (a, f);
      return;
    }

  f = incomplete_finding (0, _("Nothing answered, so the internet seems out of reach"));
  f->detail = g_strdup_printf (_("A default route exists, but no STUN server and no address "
                                 "service answered, so what web pages see is unknown.%s"), why->str);
  f->advice = lw_catalogue_advice (f, names_were_asked (a) ? LW_GAP_EVERYTHING : LW_GAP_UNREACHABLE);
  lw_analysis_add_finding (a, f);
}

void
lw_analysis_check_completeness (Analysis *a)
{
  FamilyCheck fc[2] = { { 0 } };
  gboolean any_default = FALSE, any_answer = FALSE;

  for (int i = 0; i < 2; i++)
    {
      read_family (a, i == 0 ? 4 : 6, &fc[i]);
      if (fc[i].def == NULL)
        continue;
      any_default = TRUE;
      any_answer |= fc[i].stun_answered || fc[i].https_answered;
    }

  if (!any_default)
    {
      LwFinding *f = incomplete_finding (0, _("This computer is offline, as no network has a "
                                              "default route"));

      f->detail = g_strdup (_("Without a default route no page can reach a STUN server, but "
                              "Leakwatch cannot tell what will happen once the network returns."));
      f->advice = lw_catalogue_advice (f, LW_GAP_OFFLINE);
      lw_analysis_add_finding (a, f);
    }
  else if (!any_answer)
    add_unreachable (a, fc);
  else
    {
      for (int i = 0; i < 2; i++)
        {
          if (fc[i].def == NULL)
            continue;
          if (!fc[i].stun_answered)
            add_stun_incomplete (a, i == 0 ? 4 : 6, &fc[i]);
          if (!fc[i].https_answered)
            add_https_incomplete (a, i == 0 ? 4 : 6, &fc[i]);
        }
    }

  family_check_clear (&fc[0]);
  family_check_clear (&fc[1]);
}
