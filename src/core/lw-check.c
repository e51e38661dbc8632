/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lw-check"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "lw-browser-probe.h"
#include "lw-browser-test.h"
#include "lw-check.h"
#include "lw-http-probe.h"
#include "lw-interfaces.h"
#include "lw-probe.h"
#include "lw-routes.h"
#include "lw-stun-probe.h"
#include "lw-vpn.h"

/* One complete check: the interfaces and default routes, the VPN state,
 * both STUN probes and the HTTPS probe, all in parallel and all within one
 * deadline, then the analyzer. The result is an immutable LwReport. */

/* Public services. Each learns the user's address at every check; see
 * README.md. Dual-stack, so one name serves both families. */
static const char * const default_stun_servers[] = {
  "stun.l.google.com:19302",
  "stun.cloudflare.com:3478",
  NULL,
};

static const char * const default_ip_urls[] = {
  "https://api64.ipify.org/?format=json",
  "https://icanhazip.com/",
  NULL,
};

#define MARGIN_MS 30

const char * const *
lw_check_default_stun_servers (void)
{
  return default_stun_servers;
}

const char * const *
lw_check_default_ip_urls (void)
{
  return default_ip_urls;
}

LwCheckOptions *
lw_check_options_new (void)
{
  LwCheckOptions *self = g_new0 (LwCheckOptions, 1);

  self->stun_servers = g_strdupv ((char **) default_stun_servers);
  self->ip_urls = g_strdupv ((char **) default_ip_urls);
  self->timeout_ms = LW_CHECK_DEFAULT_TIMEOUT_MS;
  return self;
}

void
lw_check_options_free (LwCheckOptions *self)
{
  if (self == NULL)
    return;
  g_strfreev (self->stun_servers);
  g_strfreev (self->ip_urls);
  g_free (self->ca_file);
  g_free (self->https_helper);
  g_free (self->history_unreadable);
  g_free (self->history_unsaved);
  g_clear_pointer (&self->remembered, g_ptr_array_unref);
  g_clear_pointer (&self->browsers, g_ptr_array_unref);
  g_clear_pointer (&self->confirmations, g_ptr_array_unref);
  g_free (self);
}

/* Why the CA file cannot be used, in one sentence a translator can order. */
static void
ca_file_error (GError      **error,
               const char   *file,
               const GError *cause)
{
  /* Translators: %1$s is a file, %2$s why it cannot be used */
  g_set_error (error, cause->domain, cause->code, _("Cannot use the CA file “%1$s”: %2$s"), file,
               cause->message);
}

/**
 * lw_check_options_validate:
 *
 * Checks every value a user can give, so a typo is a clear message before
 * the check, never a silent gap in it.
 */
gboolean
lw_check_options_validate (const LwCheckOptions  *self,
                           GError               **error)
{
  if (self->stun_servers == NULL || self->stun_servers[0] == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("No STUN server is set"));
      return FALSE;
    }
  /* Descriptors are a budget: each server costs sockets in every probe. */
  if (g_strv_length (self->stun_servers) > LW_CHECK_MAX_SERVERS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   /* Translators: %1$u is the most (16), %2$u how many were given */
                   ngettext ("At most %1$u STUN servers can be asked in one check (%2$u was given)",
                             "At most %1$u STUN servers can be asked in one check (%2$u were given)",
                             g_strv_length (self->stun_servers)),
                   LW_CHECK_MAX_SERVERS, g_strv_length (self->stun_servers));
      return FALSE;
    }
  if (self->ip_urls != NULL && g_strv_length (self->ip_urls) > LW_CHECK_MAX_SERVERS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   /* Translators: %1$u is the most (16), %2$u how many were given */
                   ngettext ("At most %1$u address services can be asked in one check (%2$u was given)",
                             "At most %1$u address services can be asked in one check (%2$u were given)",
                             g_strv_length (self->ip_urls)),
                   LW_CHECK_MAX_SERVERS, g_strv_length (self->ip_urls));
      return FALSE;
    }
  for (guint i = 0; self->stun_servers[i] != NULL; i++)
    {
      g_autofree char *host = NULL;
      guint16 port;

      if (!lw_parse_host_port (self->stun_servers[i], 3478, &host, &port, error))
        return FALSE;
    }

  if (self->ip_urls == NULL || self->ip_urls[0] == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("No address service is set"));
      return FALSE;
    }
  for (guint i = 0; self->ip_urls[i] != NULL; i++)
    {
      g_autoptr(GUri) uri = g_uri_parse (self->ip_urls[i], G_URI_FLAGS_NONE, NULL);

      if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 ||
          g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
        {
          g_autofree char *shown = g_utf8_make_valid (self->ip_urls[i], -1);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("“%s” is not an https:// URL"), shown);
          return FALSE;
        }
    }

  if (self->ca_file != NULL)
    {
      g_autoptr(GError) local = NULL;
      g_autoptr(GTlsDatabase) db = g_tls_file_database_new (self->ca_file, &local);

      if (db == NULL)
        {
          ca_file_error (error, self->ca_file, local);
          return FALSE;
        }
    }

  if (self->timeout_ms < 100 || self->timeout_ms > 120000)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The timeout must be between 0.1 and 120 seconds"));
      return FALSE;
    }

  return TRUE;
}

typedef struct
{
  GTask          *task;
  LwCheckOptions *options;
  LwEvidence     *evidence;
  GPtrArray      *bases;
  GPtrArray      *servers;       /* LwStunServer */
  GTlsDatabase   *tls_database;
  LwRouter       *router;        /* NULL when the kernel cannot be asked */
  GCancellable   *cancellable;   /* ours, cancelled with the caller's */
  GCancellable   *caller;        /* the caller's, watched until we return */
  gulong          cancelled_id;
  GCancellable   *resolving;     /* cancelled at the resolve deadline */
  GSource        *resolve_deadline;
  LwDeadline      backstop;      /* cancels everything just after the timeout */
  gint64          started;
  gint64          resolve_started;
  LwTimings       timings;
  GPtrArray      *setups;        /* LwBrowserSetup: the browser audit's */
  guint           pending;
  guint           resolving_pending;
  gboolean        caller_cancelled;
} Check;

/* Stops watching the caller's cancellable. Called before the task
 * returns; never from inside the cancellation, which only re-arms
 * deadlines, so disconnecting cannot deadlock. */
static void
unwatch_caller (Check *c)
{
  if (c->caller != NULL && c->cancelled_id != 0)
    g_cancellable_disconnect (c->caller, c->cancelled_id);
  c->cancelled_id = 0;
  g_clear_object (&c->caller);
}

static void
check_free (Check *c)
{
  unwatch_caller (c);
  lw_deadline_clear (&c->backstop);
  if (c->resolve_deadline != NULL)
    {
      g_source_destroy (c->resolve_deadline);
      g_source_unref (c->resolve_deadline);
    }
  lw_check_options_free (c->options);
  g_clear_pointer (&c->evidence, lw_evidence_free);
  g_clear_pointer (&c->bases, g_ptr_array_unref);
  g_clear_pointer (&c->servers, g_ptr_array_unref);
  g_clear_pointer (&c->setups, g_ptr_array_unref);
  g_clear_object (&c->tls_database);
  g_clear_pointer (&c->router, lw_router_free);
  g_clear_object (&c->cancellable);
  g_clear_object (&c->resolving);
  g_free (c);
}

static int
elapsed_ms (gint64 since)
{
  return (int) ((g_get_monotonic_time () - since) / 1000);
}

/* What is left of the check's budget, less a margin for the analysis. */
static guint
remaining_ms (Check *c)
{
  int left = (int) c->options->timeout_ms - elapsed_ms (c->started) - MARGIN_MS;

  return (guint) MAX (left, 1);
}

/**
 * lw_parse_seconds:
 * @text: a number of seconds as typed, such as "2.5"
 * @seconds: (out): the value, when it is one
 *
 * Returns: whether @text is a finite number from @min to @max, and
 *   nothing else
 */
gboolean
lw_parse_seconds (const char *text,
                  double      min,
                  double      max,
                  double     *seconds)
{
  char *end = NULL;
  double value;

  g_return_val_if_fail (text != NULL, FALSE);

  value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (value) || value < min || value > max)
    return FALSE;
  *seconds = value;
  return TRUE;
}

LwCheckOptions *
lw_check_options_copy (const LwCheckOptions *o)
{
  LwCheckOptions *copy = g_new0 (LwCheckOptions, 1);

  copy->stun_servers = g_strdupv (o->stun_servers);
  copy->ip_urls = g_strdupv (o->ip_urls);
  copy->ca_file = g_strdup (o->ca_file);
  copy->https_helper = g_strdup (o->https_helper);
  copy->timeout_ms = o->timeout_ms;
  if (o->browsers != NULL)
    copy->browsers = g_ptr_array_ref (o->browsers);
  if (o->confirmations != NULL)
    copy->confirmations = g_ptr_array_ref (o->confirmations);
  copy->have_previous = o->have_previous;
  copy->previous_status = o->previous_status;
  copy->history_unreadable = g_strdup (o->history_unreadable);
  copy->history_unsaved = g_strdup (o->history_unsaved);
  if (o->remembered != NULL)
    copy->remembered = g_ptr_array_ref (o->remembered);
  return copy;
}

/* The one way evidence becomes findings and browser verdicts: for the
 * browsers @setups found, or Chromium's and Firefox's defaults standing
 * in for the ones there may be. */
static GPtrArray *
analyse (const LwEvidence    *evidence,
         LwAnalyzerOptions   *analyzer,
         GPtrArray           *setups,
         const LwCheckOptions *options,
         LwStatus            *status,
         GPtrArray          **verdicts)
{
  g_autoptr(GPtrArray) used = NULL;
  g_autoptr(GArray) profiles = NULL;
  g_autoptr(GPtrArray) current = NULL;
  GPtrArray *findings;

  used = setups != NULL && setups->len > 0 ? g_ptr_array_ref (setups) : lw_browser_audit_stand_ins ();
  profiles = lw_browser_audit_profiles (used);
  /* A test page's result speaks for its browser only while the browser is
   * set as it was when tested. */
  current = lw_confirmations_current (options->confirmations, used);
  analyzer->profiles = (const LwBrowserProfile *) profiles->data;
  analyzer->n_profiles = profiles->len;
  analyzer->confirmations = current;
  findings = lw_analyzer_analyze (evidence, analyzer, status);
  analyzer->confirmations = NULL;
  *verdicts = lw_analyzer_browser_verdicts (evidence, analyzer, used);
  analyzer->profiles = NULL;
  analyzer->n_profiles = 0;
  return findings;
}

/**
 * lw_check_reanalyse:
 * @report: the last report
 * @options: what the check that made it was told (the previous status,
 *   the history's problems)
 * @setups: (element-type LwBrowserSetup): the browsers as they are set now
 *
 * Returns: (transfer full): a new verdict on @report's evidence, for when
 *   only the browsers' settings changed
 */
LwReport *
lw_check_reanalyse (LwReport             *report,
                    const LwCheckOptions *options,
                    GPtrArray            *setups)
{
  LwAnalyzerOptions analyzer = {
    .have_previous = options->have_previous,
    .previous_status = options->previous_status,
    .history_unreadable = options->history_unreadable,
    .history_unsaved = options->history_unsaved,
  };
  GPtrArray *findings, *verdicts;
  LwStatus status;
  LwReport *again;

  g_return_val_if_fail (LW_IS_REPORT (report), NULL);

  /* A check that could not run has no evidence to analyse again. */
  if (lw_report_get_failure (report) != NULL)
    return g_object_ref (report);
  findings = analyse (lw_report_get_evidence (report), &analyzer, setups, options, &status, &verdicts);
  again = lw_report_new_from_evidence_of (report, findings, status);
  lw_report_set_browsers (again, verdicts);
  return again;
}

static void
check_complete (Check *c)
{
  GTask *task = c->task;
  LwAnalyzerOptions analyzer = {
    .have_previous = c->options->have_previous,
    .previous_status = c->options->previous_status,
    .history_unreadable = c->options->history_unreadable,
    .history_unsaved = c->options->history_unsaved,
  };
  GPtrArray *findings, *verdicts;
  LwStatus status;
  LwReport *report;

  unwatch_caller (c);
  lw_deadline_clear (&c->backstop);

  if (c->caller_cancelled)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The check was cancelled"));
      g_object_unref (task);
      return;
    }

  c->timings.total_ms = elapsed_ms (c->started);
  findings = analyse (c->evidence, &analyzer, c->setups, c->options, &status, &verdicts);
  report = lw_report_new (c->evidence, findings, status,
                          g_get_real_time () / G_USEC_PER_SEC, &c->timings);
  lw_report_set_browsers (report, verdicts);
  c->evidence = NULL;
  g_debug ("check done in %d ms: %s", c->timings.total_ms, lw_status_to_string (status));

  g_task_return_pointer (task, report, g_object_unref);
  g_object_unref (task);
}

static void
pending_done (Check *c)
{
  if (--c->pending == 0)
    check_complete (c);
}

static void
on_audit (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  Check *c = data;

  c->setups = lw_browser_audit_finish (result, NULL);
  c->timings.audit_ms = elapsed_ms (c->started) - c->timings.interfaces_ms;
  pending_done (c);
}

static void
on_vpn (GObject      *source,
        GAsyncResult *res,
        gpointer      data)
{
  Check *c = data;
  g_autoptr(GError) error = NULL;
  LwVpnState *state = lw_vpn_read_finish (res, &error);

  c->timings.vpn_ms = elapsed_ms (c->started);
  if (state == NULL)
    {
      /* Cancelled: still decide from the interfaces. */
      state = lw_vpn_state_new ();
      state->note = lw_strdup_text (error->message);
      lw_vpn_merge_interfaces (state, c->evidence, FALSE);
    }
  lw_vpn_state_free (c->evidence->vpn);
  c->evidence->vpn = state;
  pending_done (c);
}

/* A probe that fails as a whole (its helper could not start, say) still
 * leaves one result per target, with the reason: the report then says why
 * nothing answered, never that nothing was asked. */
static void
record_http_failure (Check        *c,
                     const GError *error)
{
  for (guint i = 0; c->options->ip_urls != NULL && c->options->ip_urls[i] != NULL; i++)
    for (int family = 4; family <= 6; family += 2)
      {
        LwPublicAddress *pa;

        if (lw_evidence_get_default_address (c->evidence, family) == NULL)
          continue;
        pa = lw_public_address_new (family, LW_HTTP_PATH_DIRECT, c->options->ip_urls[i]);
        pa->result = lw_result_from_error (error);
        pa->error = lw_strdup_text (error->message);
        g_ptr_array_add (c->evidence->public_addresses, pa);
      }
}

static void
record_stun_failure (Check        *c,
                     LwProbeKind   probe,
                     const GError *error)
{
  for (guint i = 0; i < c->bases->len; i++)
    {
      const LwProbeBase *base = g_ptr_array_index (c->bases, i);

      for (guint j = 0; j < c->servers->len; j++)
        {
          const LwStunServer *server = g_ptr_array_index (c->servers, j);
          LwStunResult *r;

          /* The bound probe pins one socket per interface address. */
          if (server->family != base->family ||
              (probe == LW_PROBE_BOUND && base->mode != LW_GATHER_ALL_INTERFACES))
            continue;
          r = lw_stun_result_new (probe, base->address, base->interface, server->text);
          r->mode = base->mode;
          r->result = lw_result_from_error (error);
          r->error = lw_strdup_text (error->message);
          g_ptr_array_add (c->evidence->stun_results, r);
        }
    }
}

static void
on_http (GObject      *source,
         GAsyncResult *res,
         gpointer      data)
{
  Check *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = c->options->https_helper
                                   ? lw_http_probe_run_in_helper_finish (res, &error)
                                   : lw_http_probe_run_finish (res, &error);

  c->timings.https_ms = elapsed_ms (c->started);
  if (results != NULL)
    g_ptr_array_extend_and_steal (c->evidence->public_addresses, g_steal_pointer (&results));
  else
    record_http_failure (c, error);
  pending_done (c);
}

static void
take_stun (Check     *c,
           GPtrArray *candidates,
           GPtrArray *stun_results)
{
  if (candidates != NULL)
    g_ptr_array_extend_and_steal (c->evidence->candidates, candidates);
  if (stun_results != NULL)
    g_ptr_array_extend_and_steal (c->evidence->stun_results, stun_results);
}

static void
on_browser (GObject      *source,
            GAsyncResult *res,
            gpointer      data)
{
  Check *c = data;
  GPtrArray *candidates = NULL, *stun_results = NULL;
  g_autoptr(GError) error = NULL;

  c->timings.browser_ms = elapsed_ms (c->resolve_started) - c->timings.resolve_ms;
  if (lw_browser_probe_run_finish (res, &candidates, &stun_results, &error))
    take_stun (c, candidates, stun_results);
  else
    record_stun_failure (c, LW_PROBE_BROWSER, error);
  pending_done (c);
}

static void
on_bound (GObject      *source,
          GAsyncResult *res,
          gpointer      data)
{
  Check *c = data;
  GPtrArray *candidates = NULL, *stun_results = NULL;
  g_autoptr(GError) error = NULL;

  c->timings.bound_ms = elapsed_ms (c->resolve_started) - c->timings.resolve_ms;
  if (lw_stun_probe_run_finish (res, &candidates, &stun_results, &error))
    take_stun (c, candidates, stun_results);
  else
    record_stun_failure (c, LW_PROBE_BOUND, error);
  pending_done (c);
}

/* --- routes (docs/ARCHITECTURE.md, "Routes") ----------------------------- */

static const LwRoute *
add_route (Check          *c,
           LwRoutePurpose  purpose,
           const char     *target,
           const char     *destination,
           const char     *source,
           const char     *interface)
{
  const LwRoute *known;
  LwRoute *route;

  if (c->router == NULL)
    return NULL;
  /* A tunnel's own route is told apart by its target, the tunnel. */
  known = lw_evidence_find_route (c->evidence, purpose, target, source, lw_address_family (destination));
  if (known != NULL)
    return known;
  route = lw_router_lookup (c->router, purpose, target, destination, source, interface);
  g_ptr_array_add (c->evidence->routes, route);
  return route;
}

/* How the internet is reached now, and how each tunnel would reach it. */
static void
add_network_routes (Check *c)
{
  g_autoptr(GError) error = NULL;

  c->router = lw_router_new (&error);
  if (c->router == NULL)
    {
      g_message ("%s", error->message);
      return;
    }

  for (int family = 4; family <= 6; family += 2)
    {
      const char *dst = lw_interfaces_internet_address (family);

      if (lw_evidence_get_default_address (c->evidence, family) == NULL)
        continue;
      add_route (c, LW_ROUTE_PURPOSE_DEFAULT_ADDRESS, dst, dst, NULL, NULL);

      for (guint i = 0; i < c->evidence->interfaces->len; i++)
        {
          const LwInterface *iface = g_ptr_array_index (c->evidence->interfaces, i);

          if ((iface->kind == LW_INTERFACE_TUNNEL || iface->kind == LW_INTERFACE_PPP) &&
              lw_interface_can_send (iface, family))
            add_route (c, LW_ROUTE_PURPOSE_TUNNEL, iface->name, dst, NULL, iface->name);
        }
    }
}

/* Adds @server to @set when @route enters a tunnel, known by the
 * interface's kind: NetworkManager's word is not in yet. */
static void
mark_if_in_tunnel (Check          *c,
                   const LwRoute  *route,
                   GHashTable    **set,
                   const char     *server)
{
  const LwInterface *out;

  if (route == NULL || route->interface == NULL || route->error != NULL)
    return;
  out = lw_evidence_find_interface (c->evidence, route->interface);
  if (out == NULL || out->kind != LW_INTERFACE_TUNNEL)
    return;
  if (*set == NULL)
    *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_add (*set, g_strdup (server));
}

/* The way from each base to each STUN server. A Mode-2 socket is bound to
 * the wildcard: the kernel picks its source, so none is given. Requests
 * whose route enters a tunnel are marked on their base, so the probes need
 * not wait for them. */
static void
add_stun_routes (Check *c)
{
  for (guint i = 0; c->router != NULL && i < c->bases->len; i++)
    {
      LwProbeBase *base = g_ptr_array_index (c->bases, i);

      if (lw_address_classify_string (base->address) == LW_ADDRESS_LINK_LOCAL)
        continue;
      for (guint j = 0; j < c->servers->len; j++)
        {
          const LwStunServer *server = g_ptr_array_index (c->servers, j);
          g_autofree char *dst = NULL;
          const LwRoute *route;

          if (server->family != base->family)
            continue;
          dst = g_inet_address_to_string (g_inet_socket_address_get_address (server->address));
          route = add_route (c, LW_ROUTE_PURPOSE_STUN, server->text, dst,
                             base->mode == LW_GATHER_DEFAULT_ROUTE ? NULL : base->address, NULL);
          mark_if_in_tunnel (c, route, &base->tunnel_servers, server->text);
          /* libnice pins its sockets to the interface (IP_UNICAST_IF), which
           * the kernel honours for IPv4 and takes as a hint for IPv6, as an
           * oif lookup does. */
          if (base->mode == LW_GATHER_ALL_INTERFACES && base->interface != NULL)
            {
              route = add_route (c, LW_ROUTE_PURPOSE_STUN_PINNED, server->text, dst, base->address,
                                 base->interface);
              mark_if_in_tunnel (c, route, &base->pinned_tunnel_servers, server->text);
            }
        }
    }
}

typedef struct
{
  Check *check;
  char  *url;
} HttpsLookup;

static void
add_https_route (Check        *c,
                 const char   *url,
                 GInetAddress *inet)
{
  g_autofree char *dst = g_inet_address_to_string (inet);
  int family = g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6 ? 6 : 4;

  /* Only the families the HTTPS probe asks over. */
  if (lw_evidence_get_default_address (c->evidence, family) != NULL)
    add_route (c, LW_ROUTE_PURPOSE_HTTPS, url, dst, NULL, NULL);
}

static void
on_https_resolved (GObject      *source,
                   GAsyncResult *res,
                   gpointer      data)
{
  HttpsLookup *lookup = data;
  GList *addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), res, NULL);
  gboolean have[2] = { FALSE, FALSE };

  /* An unresolved name is the HTTPS probe's to report. */
  for (GList *l = addresses; l != NULL; l = l->next)
    {
      int family = g_inet_address_get_family (l->data) == G_SOCKET_FAMILY_IPV6 ? 6 : 4;

      if (have[family == 6])
        continue;
      have[family == 6] = TRUE;
      add_https_route (lookup->check, lookup->url, l->data);
    }
  g_resolver_free_addresses (addresses);
  pending_done (lookup->check);
  g_free (lookup->url);
  g_free (lookup);
}

/* The way to each address service, as its own name resolves. */
static void
add_https_routes (Check *c)
{
  GResolver *resolver;

  if (c->router == NULL)
    return;
  resolver = g_resolver_get_default ();
  for (guint i = 0; c->options->ip_urls[i] != NULL; i++)
    {
      g_autoptr(GUri) uri = g_uri_parse (c->options->ip_urls[i], G_URI_FLAGS_NONE, NULL);
      g_autoptr(GInetAddress) literal = NULL;
      g_autofree char *host = NULL;
      HttpsLookup *lookup;

      if (uri == NULL || g_uri_get_host (uri) == NULL)
        continue;
      host = g_strdup (g_uri_get_host (uri));
      if ((literal = g_inet_address_new_from_string (host)) != NULL)
        {
          add_https_route (c, c->options->ip_urls[i], literal);
          continue;
        }
      lookup = g_new0 (HttpsLookup, 1);
      lookup->check = c;
      lookup->url = g_strdup (c->options->ip_urls[i]);
      c->pending++;
      g_resolver_lookup_by_name_async (resolver, host, c->cancellable, on_https_resolved, lookup);
    }
  g_object_unref (resolver);
}

static void
start_stun_probes (Check *c)
{
  guint budget = remaining_ms (c);

  if (c->resolve_deadline != NULL)
    {
      g_source_destroy (c->resolve_deadline);
      g_clear_pointer (&c->resolve_deadline, g_source_unref);
    }
  c->timings.resolve_ms = elapsed_ms (c->resolve_started);
  add_stun_routes (c);

  c->pending += 2;
  lw_browser_probe_run_async (c->bases, c->servers, budget, c->cancellable, on_browser, c);
  lw_stun_probe_run_async (c->bases, c->servers, budget, c->cancellable, on_bound, c);
  pending_done (c);  /* the resolution step */
}

/* A server whose name did not resolve is a result too, for every family
 * with a default route, so the report says why that family went unchecked. */
static void
record_unresolved (Check      *c,
                   const char *spec,
                   const char *message)
{
  for (int family = 4; family <= 6; family += 2)
    {
      const char *def = lw_evidence_get_default_address (c->evidence, family);
      const LwInterface *iface = lw_evidence_interface_for_address (c->evidence, def);
      LwStunResult *r;

      if (def == NULL)
        continue;
      r = lw_stun_result_new (LW_PROBE_BROWSER, def, iface ? iface->name : NULL, spec);
      r->mode = LW_GATHER_DEFAULT_ROUTE;
      r->result = LW_RESULT_RESOLVE_FAILED;
      r->error = lw_strdup_text (message);
      g_ptr_array_add (c->evidence->stun_results, r);
    }
}

typedef struct
{
  Check   *check;
  char    *spec;
  guint16  port;
} Lookup;

static void
on_resolved (GObject      *source,
             GAsyncResult *res,
             gpointer      data)
{
  Lookup *lookup = data;
  Check *c = lookup->check;
  g_autoptr(GError) error = NULL;
  GList *addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), res, &error);
  gboolean have[2] = { FALSE, FALSE };

  if (addresses == NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        message = g_strdup (_("the name did not resolve in time"));
      else
        message = g_strdup (error->message);
      record_unresolved (c, lookup->spec, message);
    }

  for (GList *l = addresses; l != NULL; l = l->next)
    {
      GInetAddress *inet = l->data;
      int family = g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6 ? 6 : 4;

      /* One address per family, as a browser would use. */
      if (have[family == 6])
        continue;
      have[family == 6] = TRUE;
      g_ptr_array_add (c->servers, lw_stun_server_new (inet, lookup->port));
    }
  g_resolver_free_addresses (addresses);

  g_free (lookup->spec);
  g_free (lookup);
  if (--c->resolving_pending == 0)
    start_stun_probes (c);
}

static gboolean
on_resolve_deadline (gpointer data)
{
  Check *c = data;

  g_clear_pointer (&c->resolve_deadline, g_source_unref);
  g_cancellable_cancel (c->resolving);
  return G_SOURCE_REMOVE;
}

static void
resolve_servers (Check *c)
{
  GResolver *resolver = g_resolver_get_default ();

  c->resolve_started = g_get_monotonic_time ();
  c->resolving = g_cancellable_new ();
  /* Names get at most half of the budget; the probes need the rest. */
  c->resolve_deadline = g_timeout_source_new (c->options->timeout_ms / 2);
  g_source_set_callback (c->resolve_deadline, on_resolve_deadline, c, NULL);
  g_source_attach (c->resolve_deadline, g_main_context_get_thread_default ());

  c->resolving_pending = 1;
  for (guint i = 0; c->options->stun_servers[i] != NULL; i++)
    {
      const char *spec = c->options->stun_servers[i];
      g_autoptr(GInetAddress) literal = NULL;
      g_autofree char *host = NULL;
      guint16 port;
      Lookup *lookup;

      if (!lw_parse_host_port (spec, 3478, &host, &port, NULL))
        continue;  /* validated before; never reached */

      if ((literal = g_inet_address_new_from_string (host)) != NULL)
        {
          g_ptr_array_add (c->servers, lw_stun_server_new (literal, port));
          continue;
        }

      lookup = g_new0 (Lookup, 1);
      lookup->check = c;
      lookup->spec = g_strdup (spec);
      lookup->port = port;
      c->resolving_pending++;
      g_resolver_lookup_by_name_async (resolver, host, c->resolving, on_resolved, lookup);
    }
  g_object_unref (resolver);

  if (--c->resolving_pending == 0)
    start_stun_probes (c);
}

static void
on_cancelled (GCancellable *cancellable,
              gpointer      data)
{
  Check *c = data;

  c->caller_cancelled = TRUE;
  g_cancellable_cancel (c->cancellable);
  if (c->resolving != NULL)
    g_cancellable_cancel (c->resolving);
}

static gboolean
on_backstop (gpointer data)
{
  Check *c = data;

  g_debug ("backstop: cancelling what is still running");
  g_cancellable_cancel (c->cancellable);
  if (c->resolving != NULL)
    g_cancellable_cancel (c->resolving);
  return G_SOURCE_REMOVE;
}

/* The CA file the user named is read at every check, so one that has gone
 * since fails the check, in words, rather than quietly trusting nothing.
 * With a helper, the helper loads it (TLS stays out of this process): here
 * it need only be readable. */
static gboolean
open_ca_file (Check   *c,
              GError **error)
{
  int fd, saved_errno;

  if (c->options->https_helper == NULL)
    return (c->tls_database = g_tls_file_database_new (c->options->ca_file, error)) != NULL;

  fd = g_open (c->options->ca_file, O_RDONLY | O_CLOEXEC, 0);
  saved_errno = errno;
  if (fd < 0)
    {
      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                           g_strerror (saved_errno));
      return FALSE;
    }
  g_close (fd, NULL);
  return TRUE;
}

/**
 * lw_check_run_async:
 * @options: what to check against; validate it first
 *
 * Runs one complete check. It ends within @options' timeout, whatever the
 * network does, with a report that says how each probe ended.
 */
void
lw_check_run_async (const LwCheckOptions *options,
                    GCancellable         *cancellable,
                    GAsyncReadyCallback   callback,
                    gpointer              user_data)
{
  Check *c = g_new0 (Check, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) interfaces = NULL;
  const char * const *urls;

  c->task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (c->task, lw_check_run_async);
  g_task_set_task_data (c->task, c, (GDestroyNotify) check_free);
  c->started = g_get_monotonic_time ();
  c->options = lw_check_options_copy (options);
  c->cancellable = g_cancellable_new ();
  c->servers = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_stun_server_free);

  if (c->options->ca_file != NULL && !open_ca_file (c, &error))
    {
      g_autoptr(GError) cause = g_steal_pointer (&error);

      ca_file_error (&error, c->options->ca_file, cause);
      g_task_return_error (c->task, g_steal_pointer (&error));
      g_clear_object (&c->task);
      return;
    }

  if (cancellable != NULL)
    {
      c->caller = g_object_ref (cancellable);
      c->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), c, NULL);
    }
  /* Every step has a deadline of its own; this one is a backstop that
   * cancels whatever is still running just after the timeout. */
  lw_deadline_start (&c->backstop, c->options->timeout_ms + 200, NULL, on_backstop, c);

  /* What the network looks like now: interfaces and default routes. */
  c->evidence = lw_evidence_new ();
  g_strfreev (c->evidence->stun_servers);
  c->evidence->stun_servers = g_strdupv (c->options->stun_servers);
  if (c->options->remembered != NULL)
    for (guint i = 0; i < c->options->remembered->len; i++)
      {
        const LwRememberedAddress *r = g_ptr_array_index (c->options->remembered, i);
        g_ptr_array_add (c->evidence->remembered,
                         lw_remembered_address_new (r->family, r->address, r->first_seen, r->last_seen));
      }

  interfaces = lw_interfaces_snapshot (&error);
  if (interfaces != NULL)
    g_ptr_array_extend_and_steal (c->evidence->interfaces, g_steal_pointer (&interfaces));
  else
    g_warning ("%s", error->message);
  c->evidence->default_ipv4 = lw_interfaces_default_address (4);
  c->evidence->default_ipv6 = lw_interfaces_default_address (6);
  c->bases = lw_probe_bases_from_evidence (c->evidence);
  add_network_routes (c);
  c->timings.interfaces_ms = elapsed_ms (c->started);

  /* Everything else runs at once. */
  c->pending = 4;
  if (c->options->browsers != NULL)
    {
      c->setups = g_ptr_array_ref (c->options->browsers);
      c->pending--;
    }
  else
    lw_browser_audit_async (NULL, c->cancellable, on_audit, c);
  add_https_routes (c);
  lw_vpn_read_async (c->evidence, remaining_ms (c) / 2, c->cancellable, on_vpn, c);

  urls = (const char * const *) c->options->ip_urls;
  if (c->options->https_helper != NULL)
    lw_http_probe_run_in_helper_async (c->options->https_helper, urls,
                                       c->evidence->default_ipv4 != NULL,
                                       c->evidence->default_ipv6 != NULL, c->options->ca_file,
                                       remaining_ms (c), c->cancellable, on_http, c);
  else
    lw_http_probe_run_async (urls, c->evidence->default_ipv4 != NULL, c->evidence->default_ipv6 != NULL,
                             c->tls_database, remaining_ms (c), c->cancellable, on_http, c);

  resolve_servers (c);
}

/**
 * lw_check_run_finish:
 *
 * Returns: (transfer full): the report, or %NULL if cancelled
 */
LwReport *
lw_check_run_finish (GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
