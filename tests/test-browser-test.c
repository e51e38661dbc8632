/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "lw-browser-test.h"
#include "lw-check.h"
#include "lw-history.h"
#include "lw-test-evidence.h"

/* "Test in my browser": the test page's server alone, as a client would
 * meet it (the page, a wrong token, a GET for the result, a huge body,
 * garbage, a slow client, two results, a result after the timeout, a port
 * already taken), and the judgement of what a page saw. */

static const char * const servers[] = { "203.0.113.1:3478", "[2001:db8:113::1]:3478", NULL };

typedef struct
{
  guint    status;
  char    *body;
  char    *csp;
  GError  *error;
  gboolean done;
} Answer;

static void
answer_clear (Answer *a)
{
  g_free (a->body);
  g_free (a->csp);
  g_clear_error (&a->error);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Answer *a = data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &a->error);

  if (bytes != NULL)
    {
      a->status = soup_message_get_status (msg);
      a->body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      a->csp = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                       "Content-Security-Policy"));
    }
  a->done = TRUE;
}

/* One request, as a browser would make it; the server runs in this
 * thread's main context meanwhile. */
static void
request (const char *method,
         const char *url,
         const char *body,
         Answer     *a)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);

  memset (a, 0, sizeof *a);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_sent, a);
  while (!a->done)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
on_drained (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Closes @test and lets the main context finish with its connections,
 * as a program's main loop would go on doing. */
static void
finish (LwBrowserTest *test)
{
  gboolean done = FALSE;

  lw_browser_test_stop (test);
  g_timeout_add (200, on_drained, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static char *
at (LwBrowserTest *test,
    const char    *rest)
{
  return g_strconcat (lw_browser_test_get_url (test), rest, NULL);
}

static void
on_result (LwBrowserTest *test,
           LwPageResult  *result,
           gpointer       data)
{
  GPtrArray *got = data;
  g_autoptr(GString) text = g_string_new (result->kind == LW_PAGE_CAMERA ? "camera" : "ordinary");

  for (guint i = 0; i < result->candidates->len; i++)
    g_string_append_printf (text, " %s", ((LwPageCandidate *) g_ptr_array_index (result->candidates, i))->address);
  g_ptr_array_add (got, g_string_free (g_steal_pointer (&text), FALSE));
}

static void
on_closed (LwBrowserTest *test,
           gpointer       data)
{
  *(gboolean *) data = TRUE;
}

#define ORDINARY \
  "{\"kind\": \"ordinary\", \"candidates\": [" \
  "\"candidate:1 1 udp 2113937151 0b57-9ede.local 48363 typ host generation 0\"," \
  "\"candidate:2 1 udp 1677729535 198.51.100.7 52900 typ srflx raddr 0.0.0.0 rport 0 generation 0\"]," \
  " \"errors\": [\"stun:203.0.113.1:3478 701 STUN binding request timed out\"], \"error\": null," \
  " \"user_agent\": \"Mozilla/5.0 (X11; Linux x86_64) Chrome/156\", \"camera\": false}"
#define CAMERA \
  "{\"kind\": \"camera\", \"candidates\": [" \
  "\"candidate:3 1 udp 2113937151 192.168.1.23 40000 typ host\"], \"camera\": true}"

/* The page, with its token and servers; everything else refused, each
 * in its own words; two results, one of each kind, then closed. */
static void
test_server (void)
{
  g_autoptr(LwBrowserTest) test = lw_browser_test_new (servers, 0, 60);
  g_autoptr(GPtrArray) got = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *result_url = NULL;
  g_autofree char *wrong = NULL;
  gboolean closed = FALSE;
  Answer a;

  g_signal_connect (test, "result", G_CALLBACK (on_result), got);
  g_signal_connect (test, "closed", G_CALLBACK (on_closed), &closed);
  g_assert_true (lw_browser_test_start (test, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (lw_browser_test_get_url (test), "http://127.0.0.1:"));
  result_url = at (test, "result");

  /* The page says what it does, and carries its token and servers. */
  request ("GET", lw_browser_test_get_url (test), NULL, &a);
  g_assert_cmpuint (a.status, ==, 200);
  g_assert_nonnull (strstr (a.body, "Nothing is sent anywhere else."));
  g_assert_nonnull (strstr (a.body, "[{\"urls\":\"stun:203.0.113.1:3478\"},{\"urls\":\"stun:[2001:db8:113::1]:3478\"}]"));
  g_assert_null (strstr (a.body, "__TOKEN__"));
  g_assert_nonnull (strstr (a.csp, "connect-src 'self'"));
  answer_clear (&a);

  /* A wrong token, a GET for the result, a POST to the page. */
  {
    g_autoptr(GUri) uri = g_uri_parse (lw_browser_test_get_url (test), G_URI_FLAGS_NONE, NULL);

    wrong = g_strdup_printf ("http://127.0.0.1:%d/0123456789abcdef0123456789abcdef/result", g_uri_get_port (uri));
  }
  request ("POST", wrong, ORDINARY, &a);
  g_assert_cmpuint (a.status, ==, 404);
  answer_clear (&a);
  request ("GET", result_url, NULL, &a);
  g_assert_cmpuint (a.status, ==, 405);
  answer_clear (&a);
  request ("POST", lw_browser_test_get_url (test), ORDINARY, &a);
  g_assert_cmpuint (a.status, ==, 405);
  answer_clear (&a);

  /* Garbage, and a candidate that is not one. */
  request ("POST", result_url, "{\"kind\": \"ordinary\", \"candidates\": [", &a);
  g_assert_cmpuint (a.status, ==, 400);
  answer_clear (&a);
  request ("POST", result_url, "{\"kind\": \"ordinary\", \"candidates\": [\"192.0.2.1\"]}", &a);
  g_assert_cmpuint (a.status, ==, 400);
  g_assert_nonnull (strstr (a.body, "a candidate"));
  answer_clear (&a);
  request ("POST", result_url, "{\"kind\": \"sideways\"}", &a);
  g_assert_cmpuint (a.status, ==, 400);
  answer_clear (&a);
  g_assert_cmpuint (got->len, ==, 0);

  /* The result, once. */
  request ("POST", result_url, ORDINARY, &a);
  g_assert_cmpuint (a.status, ==, 204);
  answer_clear (&a);
  g_assert_cmpuint (got->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (got, 0), ==, "ordinary 0b57-9ede.local 198.51.100.7");
  request ("POST", result_url, ORDINARY, &a);
  g_assert_cmpuint (a.status, ==, 409);
  answer_clear (&a);
  g_assert_cmpuint (got->len, ==, 1);
  g_assert_false (closed);

  /* The camera step's, then nothing more. */
  request ("POST", result_url, CAMERA, &a);
  g_assert_cmpuint (a.status, ==, 204);
  answer_clear (&a);
  while (!closed)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (lw_browser_test_is_open (test));
  request ("POST", result_url, CAMERA, &a);
  g_assert_nonnull (a.error);
  answer_clear (&a);
  g_assert_cmpuint (got->len, ==, 2);
  finish (test);
}

/* A body over the cap is refused before it is read. */
static void
test_huge_body (void)
{
  g_autoptr(LwBrowserTest) test = lw_browser_test_new (servers, 0, 60);
  g_autofree char *result_url = NULL;
  g_autoptr(GString) huge = g_string_new ("{\"kind\": \"ordinary\", \"user_agent\": \"");
  Answer a;

  g_assert_true (lw_browser_test_start (test, NULL));
  result_url = at (test, "result");
  for (guint i = 0; i < LW_BROWSER_TEST_MAX_BODY; i++)
    g_string_append_c (huge, 'x');
  g_string_append (huge, "\"}");
  request ("POST", result_url, huge->str, &a);
  g_assert_cmpuint (a.status, ==, 413);
  answer_clear (&a);
  g_assert_true (lw_browser_test_is_open (test));
  finish (test);
}

/* A client that sends half a request and waits holds up nobody. */
static void
test_slow_client (void)
{
  g_autoptr(LwBrowserTest) test = lw_browser_test_new (servers, 0, 60);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) slow = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *result_url = NULL;
  g_autofree char *half = NULL;
  Answer a;

  g_assert_true (lw_browser_test_start (test, NULL));
  uri = g_uri_parse (lw_browser_test_get_url (test), G_URI_FLAGS_NONE, NULL);
  slow = g_socket_client_connect_to_host (client, "127.0.0.1", (guint16) g_uri_get_port (uri), NULL, &error);
  g_assert_no_error (error);
  half = g_strdup_printf ("POST %sresult HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 500\r\n\r\n{\"ki",
                          g_uri_get_path (uri));
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (slow)), half, strlen (half),
                             NULL, NULL, &error);
  g_assert_no_error (error);

  result_url = at (test, "result");
  request ("POST", result_url, ORDINARY, &a);
  g_assert_cmpuint (a.status, ==, 204);
  answer_clear (&a);
  finish (test);
}

/* After its time, the server is gone: a late result meets a closed port. */
static void
test_timeout (void)
{
  g_autoptr(LwBrowserTest) test = lw_browser_test_new (servers, 0, 1);
  g_autofree char *result_url = NULL;
  gboolean closed = FALSE;
  Answer a;

  g_signal_connect (test, "closed", G_CALLBACK (on_closed), &closed);
  g_assert_true (lw_browser_test_start (test, NULL));
  result_url = at (test, "result");
  while (!closed)
    g_main_context_iteration (NULL, TRUE);
  request ("POST", result_url, ORDINARY, &a);
  g_assert_nonnull (a.error);
  g_test_message ("late: %s", a.error->message);
  answer_clear (&a);
  finish (test);
}

/* A port already taken: a clear error, nothing half open. */
static void
test_port_taken (void)
{
  g_autoptr(GSocket) taker = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(LwBrowserTest) test = NULL;
  g_autoptr(GError) error = NULL;
  guint port;

  g_assert_true (g_socket_bind (taker, any, FALSE, NULL));
  g_assert_true (g_socket_listen (taker, NULL));
  bound = g_socket_get_local_address (taker, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  test = lw_browser_test_new (servers, port, 60);
  g_assert_false (lw_browser_test_start (test, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "cannot listen on 127.0.0.1"));
  g_assert_false (lw_browser_test_is_open (test));
}

/* What a page saw, judged: the exit, a real address, a local one; and
 * the prediction it confirms or contradicts. */
static void
test_judge (void)
{
  LwEvidence *ev = ev_home (TRUE);
  g_autoptr(LwReport) report = NULL;
  g_autoptr(LwPageResult) result = NULL;
  g_autoptr(LwPageResult) off = NULL;
  g_autoptr(LwPageVerdict) v = NULL;
  g_autoptr(LwPageVerdict) w = NULL;
  g_autoptr(LwPageVerdict) x = NULL;
  g_autoptr(GError) error = NULL;
  LwBrowserVerdict predicted = { 0 };
  LwBrowserSetup setup = { 0 };
  LwStatus status;

  ev_default (ev, TUN4, NULL);
  ev_https (ev, 4, EXIT4, LW_RESULT_ANSWERED);
  report = lw_report_new (ev, lw_analyzer_analyze (ev, NULL, &status), status, 1795000000, NULL);

  result = lw_page_result_parse (ORDINARY, strlen (ORDINARY), &error);
  g_assert_no_error (error);
  setup.label = (char *) "Chromium";
  predicted.setup = &setup;
  predicted.every_page = g_ptr_array_new ();
  predicted.camera_pages = g_ptr_array_new ();
  g_ptr_array_add (predicted.every_page, (gpointer) ISP4);

  v = lw_page_result_judge (result, report, &predicted);
  g_assert_cmpuint (v->real->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (v->real, 0), ==, ISP4);
  g_assert_cmpuint (v->unexpected->len, ==, 0);
  g_assert_cmpstr (v->summary, ==, "confirmed in Chromium: " ISP4 " visible to every page");

  /* Predicted safe, but the page got the address: said, and named. */
  g_ptr_array_set_size (predicted.every_page, 0);
  w = lw_page_result_judge (result, report, &predicted);
  g_assert_cmpuint (w->unexpected->len, ==, 1);
  g_assert_cmpstr (w->summary, ==, "Chromium shows more than its settings say: " ISP4);

  /* WebRTC off: nothing to see. */
  {
    const char *json = "{\"kind\": \"ordinary\", \"candidates\": [], "
                       "\"error\": \"ReferenceError: RTCPeerConnection is not defined\"}";

    off = lw_page_result_parse (json, strlen (json), &error);
  }
  g_assert_no_error (error);
  x = lw_page_result_judge (off, report, NULL);
  g_assert_cmpstr (x->summary, ==, "confirmed: WebRTC is off (ReferenceError: RTCPeerConnection is not defined)");

  g_ptr_array_unref (predicted.every_page);
  g_ptr_array_unref (predicted.camera_pages);
}

static const LwFinding *
find_kind (LwReport      *report,
           LwFindingKind  kind)
{
  GPtrArray *findings = lw_report_get_findings (report);

  for (guint i = 0; i < findings->len; i++)
    if (((const LwFinding *) g_ptr_array_index (findings, i))->kind == kind)
      return g_ptr_array_index (findings, i);
  return NULL;
}

/* A browser whose own page got more than its settings say is a finding
 * of its own, while it is set as it was when tested; the history keeps
 * the latest test of each browser, once. */
static void
test_shows_more (void)
{
  LwEvidence *ev = ev_home (TRUE);
  g_autoptr(LwReport) report = NULL;
  g_autoptr(LwReport) judged = NULL;
  g_autoptr(LwReport) stale = NULL;
  g_autoptr(LwPageResult) result = NULL;
  g_autoptr(LwPageVerdict) v = NULL;
  g_autoptr(GPtrArray) setups = lw_browser_audit_stand_ins ();
  g_autoptr(GPtrArray) verdicts = NULL;
  g_autoptr(LwCheckOptions) options = lw_check_options_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  LwBrowserSetup *chromium = g_ptr_array_index (setups, 0);
  const LwBrowserVerdict *predicted = NULL;
  const LwFinding *f;
  LwStatus status;

  /* The split tunnel; Chromium sends no UDP outside a proxy. */
  ev_default (ev, TUN4, NULL);
  ev_https (ev, 4, EXIT4, LW_RESULT_ANSWERED);
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, TUN4, STUN4, ISP4);
  g_free (chromium->setting);
  chromium->setting = g_strdup ("disable_non_proxied_udp");
  g_free (chromium->source);
  chromium->source = g_strdup ("policy WebRtcIPHandling in /etc/chromium/policies/managed/x.json");
  g_assert_true (lw_chromium_handling_modes ("disable_non_proxied_udp", &chromium->modes));
  chromium->modes.name = chromium->label;
  report = lw_report_new (ev, lw_analyzer_analyze (ev, NULL, &status), status, 1795000000, NULL);
  verdicts = lw_analyzer_browser_verdicts (ev, NULL, setups);
  for (guint i = 0; i < verdicts->len; i++)
    if (((LwBrowserVerdict *) g_ptr_array_index (verdicts, i))->setup->engine == LW_ENGINE_CHROMIUM)
      predicted = g_ptr_array_index (verdicts, i);
  g_assert_nonnull (predicted);
  g_assert_cmpuint (predicted->every_page->len, ==, 0);

  /* Its page got the real address all the same. */
  result = lw_page_result_parse (ORDINARY, strlen (ORDINARY), &error);
  g_assert_no_error (error);
  v = lw_page_result_judge (result, report, predicted);
  options->confirmations = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_confirmation_free);
  g_ptr_array_add (options->confirmations, lw_confirmation_new (result, v, chromium, "chromium.desktop"));

  judged = lw_check_reanalyse (report, options, setups);
  f = find_kind (judged, LW_FINDING_BROWSER_SHOWS_MORE);
  g_assert_nonnull (f);
  g_assert_cmpint (f->level, ==, LW_LEVEL_LEAK);
  g_assert_cmpint (lw_report_get_status (judged), ==, LW_STATUS_LEAK);
  g_assert_cmpstr (f->summary, ==, "Chromium shows more than its settings say: " ISP4);
  g_assert_nonnull (strstr (f->detail, "disable_non_proxied_udp"));
  g_assert_nonnull (strstr (f->advice, "test it once more"));

  /* Once the setting changes, the old test says nothing. */
  g_free (chromium->source);
  chromium->source = g_strdup ("policy WebRtcIPHandling in /etc/chromium/policies/managed/y.json");
  stale = lw_check_reanalyse (report, options, setups);
  g_assert_null (find_kind (stale, LW_FINDING_BROWSER_SHOWS_MORE));
  g_assert_false (lw_confirmation_is_current (g_ptr_array_index (options->confirmations, 0), chromium));
  g_assert_true (lw_confirmation_find (options->confirmations, chromium, FALSE) != NULL);
  g_assert_null (lw_confirmation_find (options->confirmations, chromium, TRUE));

  /* The history keeps it, once, with what it was judged against. */
  dir = g_dir_make_tmp ("leakwatch-confirm-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "history.db", NULL);
  {
    g_autoptr(LwHistory) history = lw_history_new (path);
    g_autoptr(GPtrArray) kept = NULL;
    g_autoptr(GPtrArray) copy = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_confirmation_free);
    const LwConfirmation *c;

    g_ptr_array_add (copy, lw_confirmation_copy (g_ptr_array_index (options->confirmations, 0)));
    lw_report_set_confirmations (judged, g_steal_pointer (&copy));
    g_assert_true (lw_history_record (history, judged, &error));
    g_assert_true (lw_history_record (history, judged, &error));
    g_assert_no_error (error);
    kept = lw_history_get_confirmations (history, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (kept->len, ==, 1);
    c = g_ptr_array_index (kept, 0);
    g_assert_cmpstr (c->summary, ==, "Chromium shows more than its settings say: " ISP4);
    g_assert_cmpstr (c->setting, ==, "disable_non_proxied_udp");
    g_assert_cmpstr (c->desktop_id, ==, "chromium.desktop");
    g_assert_cmpuint (c->candidates->len, ==, 2);
  }
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
    g_unlink (path);
    g_rmdir (dir);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/browser-test/server", test_server);
  g_test_add_func ("/browser-test/huge-body", test_huge_body);
  g_test_add_func ("/browser-test/slow-client", test_slow_client);
  g_test_add_func ("/browser-test/timeout", test_timeout);
  g_test_add_func ("/browser-test/port-taken", test_port_taken);
  g_test_add_func ("/browser-test/judge", test_judge);
  g_test_add_func ("/browser-test/shows-more", test_shows_more);

  return g_test_run ();
}
