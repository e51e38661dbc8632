/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lw-http-probe"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "lw-http-probe.h"
#include "lw-probe.h"

/* Asks "what is my address" services over HTTPS, once per family, with a
 * session bound to that family's wildcard address (the direct path). When
 * the system proxy would carry a browser's request, it also asks once on
 * that path, unbound, since the proxy is reached over whatever family it
 * has; the family of that result is the family of the answer. Every request has a deadline of its own, the body is capped,
 * and certificates are validated. */

typedef struct _Http Http;

typedef struct
{
  Http            *http;
  LwPublicAddress *result;
  SoupSession     *session;
  SoupMessage     *message;
  GCancellable    *cancellable;
  GInputStream    *stream;
  guint8           buffer[LW_HTTP_BODY_LIMIT + 1];
  gint64           started;
  gboolean         timed_out;
  char            *insecure;     /* where a redirect away from https:// pointed */
  char            *interim;      /* the last 1xx status line the service sent */
} Request;

struct _Http
{
  GTask         *task;
  GStrv          urls;
  gboolean       families[2];
  GTlsDatabase  *tls_database;
  guint          timeout_ms;
  GPtrArray     *results;       /* LwPublicAddress */
  GPtrArray     *requests;      /* Request */
  GHashTable    *sessions;      /* "4 direct" -> SoupSession */
  LwDeadline     deadline;
  GCancellable  *lookups;       /* the proxy look-ups, cancelled at the deadline */
  guint          pending;
  gboolean       expired;
  gboolean       finished;
};

static void
request_free (Request *r)
{
  g_clear_object (&r->stream);
  if (r->message != NULL)
    g_signal_handlers_disconnect_by_data (r->message, r);
  g_clear_object (&r->message);
  g_clear_object (&r->cancellable);
  g_free (r->insecure);
  g_free (r->interim);
  g_free (r);
}

static void
http_free (Http *h)
{
  lw_deadline_clear (&h->deadline);
  g_clear_object (&h->lookups);
  g_strfreev (h->urls);
  g_clear_object (&h->tls_database);
  g_clear_pointer (&h->results, g_ptr_array_unref);
  g_ptr_array_unref (h->requests);
  g_hash_table_unref (h->sessions);
  g_free (h);
}

static void
http_finish_if_done (Http *h)
{
  if (h->finished || h->pending > 0)
    return;
  h->finished = TRUE;

  lw_task_return_later (g_steal_pointer (&h->task));
}

static void
request_done (Request    *r,
              LwResult    result,
              const char *error)
{
  Http *h = r->http;

  r->result->result = result;
  r->result->ms = (int) ((g_get_monotonic_time () - r->started) / 1000);
  /* Whatever is left of the body is never read: dropping the stream
   * closes the connection instead of draining it. */
  g_clear_object (&r->stream);
  if (error != NULL)
    r->result->error = lw_strdup_text (error);

  h->pending--;
  http_finish_if_done (h);
}

static void
request_failed (Request      *r,
                const GError *error)
{
  LwResult result;

  if (r->timed_out)
    {
      request_done (r, LW_RESULT_TIMEOUT, _("no answer before the deadline"));
      return;
    }
  if (r->insecure != NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("the service redirected to %s, which is not "
                                                "encrypted; only https:// is trusted"), r->insecure);

      request_done (r, LW_RESULT_BAD_REPLY, msg);
      return;
    }

  /* An interim status, then nothing: say what came, not how it ended. */
  if (r->interim != NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("the service answered only “%s”, an interim "
                                                "status, and no address"), r->interim);

      request_done (r, LW_RESULT_BAD_REPLY, msg);
      return;
    }
  /* The TLS handshake went through with a trusted certificate, so the
   * failure is in what came through the secure connection: not HTTP,
   * whatever GnuTLS calls it. */
  if (soup_message_get_tls_peer_certificate (r->message) != NULL &&
      soup_message_get_tls_peer_certificate_errors (r->message) == 0 &&
      !g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE) &&
      !g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_HANDSHAKE) &&
      !g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_CERTIFICATE_REQUIRED) &&
      (error->domain == G_TLS_ERROR || error->domain == SOUP_SESSION_ERROR ||
       g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) ||
       g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED)) &&
      !g_error_matches (error, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_TOO_MANY_REDIRECTS))
    {
      g_autofree char *msg = g_strdup_printf (_("the service's reply is not HTTP (%s)"),
                                              error->message);

      request_done (r, LW_RESULT_BAD_REPLY, msg);
      return;
    }

  if (error->domain == SOUP_SESSION_ERROR && error->code == SOUP_SESSION_ERROR_TOO_MANY_REDIRECTS)
    result = LW_RESULT_REDIRECT_LOOP;
  else if (error->domain == SOUP_SESSION_ERROR)
    result = LW_RESULT_BAD_REPLY;
  else
    result = lw_result_from_error (error);

  request_done (r, result, error->message);
}

/**
 * lw_http_parse_address:
 * @content_type: (nullable): the Content-Type of the reply
 * @body: the body, not NUL-terminated
 *
 * Takes the address from a plain-text body, or from the "ip" member of a
 * JSON object. Anything else (an HTML page, garbage, two addresses) is
 * refused with a reason for people.
 */
gboolean
lw_http_parse_address (const char    *content_type,
                       const guint8  *body,
                       gsize          length,
                       char         **address,
                       GError       **error)
{
  g_autofree char *text = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *candidate = NULL;

  if (!g_utf8_validate_len ((const char *) body, length, NULL) || memchr (body, '\0', length) != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("the reply is not text"));
      return FALSE;
    }

  text = g_strstrip (g_strndup ((const char *) body, length));

  if ((content_type != NULL && g_str_has_prefix (content_type, "text/html")) || text[0] == '<')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("the reply is a web page, not an address"));
      return FALSE;
    }

  if (text[0] == '{')
    {
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *lower = g_ascii_strdown (text, -1);
      JsonObject *o;
      JsonNode *ip;

      /* A string with a NUL in it would be read up to the NUL only:
       * "1.2.3.4\u0000x" is not the address 1.2.3.4. */
      if (strstr (lower, "\\u0000") != NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("the JSON reply holds a NUL character"));
          return FALSE;
        }
      root = json_from_string (text, NULL);

      if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("the reply is broken JSON"));
          return FALSE;
        }
      o = json_node_get_object (root);
      ip = json_object_get_member (o, "ip");
      if (ip == NULL || !JSON_NODE_HOLDS_VALUE (ip) || json_node_get_value_type (ip) != G_TYPE_STRING)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("the JSON reply has no “ip” field"));
          return FALSE;
        }
      candidate = g_strdup (json_node_get_string (ip));
    }
  else
    candidate = g_strdup (text);

  canonical = lw_address_canonicalize (candidate);

  if (canonical == NULL || strchr (candidate, '%') != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("the reply is not an IP address"));
      return FALSE;
    }

  *address = g_steal_pointer (&canonical);
  return TRUE;
}

static void
on_body_read (GObject      *source,
              GAsyncResult *res,
              gpointer      data)
{
  Request *r = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  g_autofree char *checked = NULL;
  const char *content_type;
  gsize length = 0;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (source), res, &length, &error))
    {
      request_failed (r, error);
      return;
    }

  if (length > LW_HTTP_BODY_LIMIT)
    {
      request_done (r, LW_RESULT_TOO_LARGE, _("the reply is larger than an address can be"));
      return;
    }

  content_type = soup_message_headers_get_content_type (soup_message_get_response_headers (r->message), NULL);
  if (!lw_http_parse_address (content_type, r->buffer, length, &address, &error))
    {
      request_done (r, LW_RESULT_BAD_REPLY, error->message);
      return;
    }

  if (r->result->path == LW_HTTP_PATH_PROXY)
    r->result->family = lw_address_family (address);
  /* Of the request's family, and public: else no evidence. */
  checked = lw_address_check_answer (address, r->result->family, LW_ANSWER_ADDRESS_SERVICE, &error);
  if (checked == NULL)
    {
      request_done (r, LW_RESULT_BAD_REPLY, error->message);
      return;
    }

  r->result->address = g_steal_pointer (&checked);
  request_done (r, LW_RESULT_ANSWERED, NULL);
}

static void
on_sent (GObject      *source,
         GAsyncResult *res,
         gpointer      data)
{
  Request *r = data;
  g_autoptr(GError) error = NULL;
  SoupStatus status;
  goffset length;

  r->stream = soup_session_send_finish (SOUP_SESSION (source), res, &error);
  if (r->stream == NULL)
    {
      request_failed (r, error);
      return;
    }

  status = soup_message_get_status (r->message);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_autofree char *msg = g_strdup_printf (_("HTTP %u %s"), status,
                                              soup_message_get_reason_phrase (r->message));
      request_done (r, SOUP_STATUS_IS_REDIRECTION (status) ? LW_RESULT_REDIRECT_LOOP
                                                            : LW_RESULT_HTTP_ERROR, msg);
      return;
    }

  length = soup_message_headers_get_content_length (soup_message_get_response_headers (r->message));
  if (length > LW_HTTP_BODY_LIMIT)
    {
      request_done (r, LW_RESULT_TOO_LARGE, _("the reply is larger than an address can be"));
      return;
    }

  /* Read at most one byte more than the limit, whatever the headers say. */
  g_input_stream_read_all_async (r->stream, r->buffer, sizeof r->buffer, G_PRIORITY_DEFAULT,
                                 r->cancellable, on_body_read, r);
}

/* TLS all the way: a redirect may only lead to another https:// address.
 * The request stops before anything is sent elsewhere. */
/* A 1xx status: libsoup waits on for the final one. Kept, so that a
 * service that sends only this is told as such. */
static void
on_informational (SoupMessage *message,
                  gpointer     data)
{
  Request *r = data;
  g_autofree char *reason = lw_strdup_text (soup_message_get_reason_phrase (message));

  g_free (r->interim);
  r->interim = g_strdup_printf ("HTTP %u %s", soup_message_get_status (message),
                                reason != NULL ? reason : "");
}

static void
on_restarted (SoupMessage *message,
              Request     *r)
{
  GUri *uri = soup_message_get_uri (message);

  if (g_strcmp0 (g_uri_get_scheme (uri), "https") == 0 || r->insecure != NULL)
    return;
  r->insecure = g_uri_to_string_partial (uri, G_URI_HIDE_USERINFO);
  g_cancellable_cancel (r->cancellable);
}

static SoupSession *
get_session (Http       *h,
             int         family,
             LwHttpPath  path)
{
  g_autofree char *key = g_strdup_printf ("%d %s", family, lw_http_path_to_string (path));
  SoupSession *session = g_hash_table_lookup (h->sessions, key);
  g_autoptr(GInetAddress) any = NULL;
  g_autoptr(GSocketAddress) local = NULL;

  if (session != NULL)
    return session;

  /* local-address is construct-only: one session per family, and one
   * unbound session for the proxy path. Each opens at most four
   * connections at a time, and queues the rest: the descriptors a check
   * needs do not grow with the number of address services. */
  if (path == LW_HTTP_PATH_DIRECT)
    {
      any = g_inet_address_new_any (family == 6 ? G_SOCKET_FAMILY_IPV6 : G_SOCKET_FAMILY_IPV4);
      local = g_inet_socket_address_new (any, 0);
    }
  session = g_object_new (SOUP_TYPE_SESSION,
                          "local-address", local,
                          "timeout", (guint) (h->timeout_ms + 999) / 1000,
                          "user-agent", "Leakwatch/" PACKAGE_VERSION,
                          "max-conns-per-host", 2,
                          "max-conns", 4,
                          NULL);
  if (path == LW_HTTP_PATH_DIRECT)
    soup_session_set_proxy_resolver (session, NULL);
  if (h->tls_database != NULL)
    soup_session_set_tls_database (session, h->tls_database);

  g_hash_table_insert (h->sessions, g_steal_pointer (&key), session);
  return session;
}

static void
start_request (Http       *h,
               const char *url,
               int         family,
               LwHttpPath  path)
{
  Request *r = g_new0 (Request, 1);

  r->http = h;
  r->result = lw_public_address_new (family, path, url);
  r->session = get_session (h, family, path);
  r->cancellable = g_cancellable_new ();
  r->started = g_get_monotonic_time ();
  g_ptr_array_add (h->results, r->result);
  g_ptr_array_add (h->requests, r);
  h->pending++;

  r->message = soup_message_new (SOUP_METHOD_GET, url);
  if (r->message == NULL)
    {
      request_done (r, LW_RESULT_ERROR, _("not a valid URL"));
      return;
    }
  soup_message_headers_replace (soup_message_get_request_headers (r->message), "Accept",
                                "text/plain, application/json;q=0.9");
  g_signal_connect (r->message, "restarted", G_CALLBACK (on_restarted), r);
  g_signal_connect (r->message, "got-informational", G_CALLBACK (on_informational), r);
  soup_session_send_async (r->session, r->message, G_PRIORITY_DEFAULT, r->cancellable, on_sent, r);
}

/* A URL whose host is an address literal is asked over that family only. */
static gboolean
url_fits_family (const char *url,
                 int         family)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  int literal = uri != NULL ? lw_address_family (g_uri_get_host (uri)) : 0;

  return literal == 0 || literal == family;
}

typedef struct
{
  GTask *task;   /* keeps the Http alive until the lookup returns */
  char  *url;
} ProxyLookup;

/* Starts the requests for one URL once the system proxy settings tell
 * whether a browser would reach it directly. The lookup is asynchronous
 * because a proxy auto-configuration may have to be fetched. */
static void
on_proxy_lookup (GObject      *source,
                 GAsyncResult *res,
                 gpointer      data)
{
  ProxyLookup *lookup = data;
  Http *h = g_task_get_task_data (lookup->task);
  g_auto(GStrv) proxies = g_proxy_resolver_lookup_finish (G_PROXY_RESOLVER (source), res, NULL);
  gboolean proxied;

  proxied = proxies != NULL &&
            !(proxies[0] != NULL && g_str_equal (proxies[0], "direct://") && proxies[1] == NULL);

  if (proxied && !h->expired)
    start_request (h, lookup->url, 0, LW_HTTP_PATH_PROXY);

  for (int family = 4; family <= 6; family += 2)
    {
      if (!h->families[family == 6] || !url_fits_family (lookup->url, family))
        continue;
      if (h->expired)
        {
          /* The deadline passed while the proxy settings were read. */
          LwPublicAddress *pa = lw_public_address_new (family, LW_HTTP_PATH_DIRECT, lookup->url);

          pa->error = g_strdup (_("the proxy settings could not be read in time"));
          g_ptr_array_add (h->results, pa);
          continue;
        }
      start_request (h, lookup->url, family, LW_HTTP_PATH_DIRECT);
    }

  h->pending--;
  http_finish_if_done (h);
  g_object_unref (lookup->task);
  g_free (lookup->url);
  g_free (lookup);
}

static gboolean
on_deadline (gpointer data)
{
  Http *h = data;

  h->expired = TRUE;
  g_cancellable_cancel (h->lookups);
  for (guint i = 0; i < h->requests->len; i++)
    {
      Request *r = g_ptr_array_index (h->requests, i);

      r->timed_out = TRUE;
      g_cancellable_cancel (r->cancellable);
    }
  return G_SOURCE_REMOVE;
}

/**
 * lw_http_probe_run_async:
 * @urls: the address services
 * @ipv4: whether to ask over IPv4 (the family has a default route)
 * @ipv6: whether to ask over IPv6
 * @tls_database: (nullable): the CAs to trust, or %NULL for the system's
 * @timeout_ms: the deadline for every request, including redirects and
 *   the body
 */
void
lw_http_probe_run_async (const char * const  *urls,
                         gboolean             ipv4,
                         gboolean             ipv6,
                         GTlsDatabase        *tls_database,
                         guint                timeout_ms,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  Http *h = g_new0 (Http, 1);

  h->task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (h->task, lw_http_probe_run_async);
  h->urls = g_strdupv ((char **) urls);
  h->tls_database = tls_database ? g_object_ref (tls_database) : NULL;
  h->timeout_ms = timeout_ms;
  h->results = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_public_address_free);
  h->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) request_free);
  h->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_task_set_task_data (h->task, h, (GDestroyNotify) http_free);

  lw_deadline_start (&h->deadline, timeout_ms, cancellable, on_deadline, h);

  h->lookups = g_cancellable_new ();
  h->families[0] = ipv4;
  h->families[1] = ipv6;

  /* Count every lookup before starting any: one may finish at once. */
  h->pending++;
  for (guint i = 0; h->urls[i] != NULL && (ipv4 || ipv6); i++)
    {
      ProxyLookup *lookup = g_new0 (ProxyLookup, 1);

      lookup->task = g_object_ref (h->task);
      lookup->url = g_strdup (h->urls[i]);
      h->pending++;
      g_proxy_resolver_lookup_async (g_proxy_resolver_get_default (), h->urls[i], h->lookups,
                                     on_proxy_lookup, lookup);
    }
  h->pending--;
  http_finish_if_done (h);
}

/**
 * lw_http_probe_run_finish:
 *
 * Returns: (transfer full) (element-type LwPublicAddress): one result per
 *   URL, family and path.
 */
GPtrArray *
lw_http_probe_run_finish (GAsyncResult  *result,
                          GError       **error)
{
  Http *h;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  h = g_task_get_task_data (G_TASK (result));
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  return g_steal_pointer (&h->results);
}
