/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lw-browser-test"

#include "config.h"

#include <gio/gdesktopappinfo.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "lw-address.h"
#include "lw-browser-test.h"
#include "lw-test-page-resources.h"
#include "lw-text.h"

/* The test page's server: SoupServer on 127.0.0.1 and [::1], on one port,
 * under a path with a fresh random token. It serves the page (from the
 * core's GResource) and takes one result of each kind, by POST, with that
 * token, capped in size and parsed with json-glib; everything else gets a
 * clear refusal. It closes once both kinds came, or after its timeout.
 * Nothing is sent anywhere: the page talks to loopback and to the STUN
 * servers it is given. */

#define PAGE_RESOURCE "/io/github/leakwatch/test-page/index.html"
#define MAX_CANDIDATES 512
#define MAX_LINE 2048

struct _LwBrowserTest
{
  GObject      parent_instance;

  GStrv        stun_servers;
  guint        port;
  guint        timeout_s;
  SoupServer  *server;
  GSocketService *service;   /* accepts, and hands each connection to server */
  char        *token;
  char        *url;
  guint        timeout_source;
  gboolean     got[2];       /* per LwPageKind */
};

G_DEFINE_FINAL_TYPE (LwBrowserTest, lw_browser_test, G_TYPE_OBJECT)

enum {
  RESULT,
  CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* --- what the page sends -------------------------------------------------- */

void
lw_page_candidate_free (LwPageCandidate *self)
{
  if (self == NULL)
    return;
  g_free (self->line);
  g_free (self->type);
  g_free (self->address);
  g_free (self->related);
  g_free (self);
}

/**
 * lw_page_candidate_parse:
 * @line: an ICE candidate as a page reads it ("candidate:1 1 udp 2122 …
 *   192.0.2.7 5000 typ srflx raddr 0.0.0.0 rport 0")
 *
 * Returns: (transfer full) (nullable): the candidate, or %NULL if @line
 *   is not one
 */
LwPageCandidate *
lw_page_candidate_parse (const char *line)
{
  g_auto(GStrv) words = NULL;
  LwPageCandidate *c;
  guint n;

  if (line == NULL || !g_utf8_validate (line, -1, NULL) || strlen (line) > MAX_LINE)
    return NULL;
  words = g_strsplit_set (line, " \t", -1);
  n = g_strv_length (words);
  /* foundation component transport priority address port "typ" type */
  if (n < 8 || !g_str_has_prefix (words[0], "candidate:") || !g_str_equal (words[6], "typ"))
    return NULL;

  c = g_new0 (LwPageCandidate, 1);
  c->line = g_strdup (line);
  c->address = g_strdup (words[4]);
  c->type = g_strdup (words[7]);
  c->mdns = g_str_has_suffix (c->address, ".local");
  for (guint i = 8; i + 1 < n; i += 2)
    if (g_str_equal (words[i], "raddr"))
      c->related = g_strdup (words[i + 1]);
  return c;
}

void
lw_page_result_free (LwPageResult *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->candidates, g_ptr_array_unref);
  g_clear_pointer (&self->errors, g_ptr_array_unref);
  g_free (self->error);
  g_free (self->user_agent);
  g_free (self);
}

static gboolean
invalid (GError    **error,
         const char *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("Not a test page's result: %s"), what);
  return FALSE;
}

static const char *
member_string (JsonObject *o,
               const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* An array of strings, each a candidate or an error line. */
static gboolean
read_lines (JsonObject  *o,
            const char  *name,
            GPtrArray   *out,
            gboolean     candidates,
            GError     **error)
{
  JsonNode *node = json_object_get_member (o, name);
  JsonArray *array;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return invalid (error, name);
  array = json_node_get_array (node);
  if (json_array_get_length (array) > MAX_CANDIDATES)
    return invalid (error, name);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      const char *text;

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        return invalid (error, name);
      text = json_node_get_string (item);
      if (!g_utf8_validate (text, -1, NULL) || strlen (text) > MAX_LINE)
        return invalid (error, name);
      if (candidates)
        {
          LwPageCandidate *c = lw_page_candidate_parse (text);

          if (c == NULL)
            return invalid (error, "a candidate");
          g_ptr_array_add (out, c);
        }
      else
        g_ptr_array_add (out, g_strdup (text));
    }
  return TRUE;
}

/**
 * lw_page_result_parse:
 *
 * Returns: (transfer full) (nullable): what the page sent, or %NULL with
 *   @error set when it is not a result
 */
LwPageResult *
lw_page_result_parse (const char  *json,
                      gsize        length,
                      GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(LwPageResult) r = g_new0 (LwPageResult, 1);
  JsonNode *root;
  JsonObject *o;
  const char *kind, *text;

  if (length > LW_BROWSER_TEST_MAX_BODY)
    return invalid (error, "too large"), NULL;
  if (!json_parser_load_from_data (parser, json, (gssize) length, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return invalid (error, "not an object"), NULL;
  o = json_node_get_object (root);

  kind = member_string (o, "kind");
  if (g_strcmp0 (kind, "ordinary") == 0)
    r->kind = LW_PAGE_ORDINARY;
  else if (g_strcmp0 (kind, "camera") == 0)
    r->kind = LW_PAGE_CAMERA;
  else
    return invalid (error, "kind"), NULL;

  r->candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_page_candidate_free);
  r->errors = g_ptr_array_new_with_free_func (g_free);
  if (!read_lines (o, "candidates", r->candidates, TRUE, error) ||
      !read_lines (o, "errors", r->errors, FALSE, error))
    return NULL;
  if ((text = member_string (o, "error")) != NULL)
    r->error = g_utf8_make_valid (text, MIN (strlen (text), MAX_LINE));
  if ((text = member_string (o, "user_agent")) != NULL)
    r->user_agent = g_utf8_make_valid (text, MIN (strlen (text), MAX_LINE));
  r->time_unix = g_get_real_time () / G_USEC_PER_SEC;
  return g_steal_pointer (&r);
}

/* --- judging what it saw ---------------------------------------------------- */

void
lw_page_verdict_free (LwPageVerdict *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->real);
  g_ptr_array_unref (self->local);
  g_ptr_array_unref (self->exits);
  g_ptr_array_unref (self->unexpected);
  g_ptr_array_unref (self->missing);
  g_free (self->summary);
  g_free (self);
}

static void
add_once (GPtrArray  *array,
          const char *address)
{
  if (!g_ptr_array_find_with_equal_func (array, address, g_str_equal, NULL))
    g_ptr_array_add (array, g_strdup (address));
}

static gboolean
contains (GPtrArray  *array,
          const char *address)
{
  return array != NULL && g_ptr_array_find_with_equal_func (array, address, g_str_equal, NULL);
}

/* The VPN's exit as the evidence knows it: what the address services
 * answered on the direct path. */
static gboolean
is_exit (const LwEvidence *ev,
         const char       *address)
{
  for (guint i = 0; i < ev->public_addresses->len; i++)
    {
      const LwPublicAddress *pa = g_ptr_array_index (ev->public_addresses, i);

      if (lw_public_address_is_answered_direct (pa) && g_strcmp0 (pa->address, address) == 0)
        return TRUE;
    }
  return FALSE;
}

/**
 * lw_page_result_judge:
 * @result: what the page saw
 * @report: the report whose network it saw
 * @predicted: (nullable): what the audit predicted for this browser
 *
 * Sorts every address the page got (srflx, raw host addresses, a relay's
 * related address; never an mDNS name) into the VPN's exit, a real
 * address outside the tunnel, or a local one, and sets that beside the
 * audit's prediction for the same kind of page.
 *
 * Returns: (transfer full): the judgement
 */
LwPageVerdict *
lw_page_result_judge (const LwPageResult     *result,
                      LwReport               *report,
                      const LwBrowserVerdict *predicted)
{
  const LwEvidence *ev = lw_report_get_evidence (report);
  LwPageVerdict *v = g_new0 (LwPageVerdict, 1);
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *expected = NULL;
  g_autofree char *browser = NULL;

  v->real = g_ptr_array_new_with_free_func (g_free);
  v->local = g_ptr_array_new_with_free_func (g_free);
  v->exits = g_ptr_array_new_with_free_func (g_free);
  v->unexpected = g_ptr_array_new_with_free_func (g_free);
  v->missing = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < result->candidates->len; i++)
    {
      const LwPageCandidate *c = g_ptr_array_index (result->candidates, i);
      const char *address = NULL;
      LwAddressClass klass;

      if (g_str_equal (c->type, "relay"))
        address = c->related;
      else if (!c->mdns)
        address = c->address;
      if (address == NULL || lw_address_family (address) == 0)
        continue;
      klass = lw_address_classify_string (address);
      if (klass == LW_ADDRESS_UNSPECIFIED || klass == LW_ADDRESS_LINK_LOCAL || klass == LW_ADDRESS_LOOPBACK)
        continue;

      if (is_exit (ev, address))
        add_once (v->exits, address);
      else if (lw_address_class_is_local (klass))
        add_once (v->local, address);
      else
        {
          const LwInterface *owner = lw_evidence_interface_for_address (ev, address);

          /* A public address of the tunnel itself is the VPN's own. */
          if (owner != NULL && lw_evidence_is_tunnel_interface (ev, owner->name))
            add_once (v->exits, address);
          else
            add_once (v->real, address);
        }
    }

  for (guint i = 0; i < v->real->len; i++)
    add_once (seen, g_ptr_array_index (v->real, i));
  for (guint i = 0; i < v->local->len; i++)
    add_once (seen, g_ptr_array_index (v->local, i));

  if (predicted != NULL)
    {
      g_autoptr(GPtrArray) camera = NULL;

      browser = g_strdup (predicted->setup->label);
      expected = predicted->every_page;
      if (result->kind == LW_PAGE_CAMERA)
        {
          /* Camera pages see what every page sees, and more. */
          camera = g_ptr_array_new ();
          g_ptr_array_extend (camera, predicted->every_page, NULL, NULL);
          g_ptr_array_extend (camera, predicted->camera_pages, NULL, NULL);
          for (guint i = 0; i < camera->len; i++)
            if (!contains (seen, g_ptr_array_index (camera, i)))
              add_once (v->missing, g_ptr_array_index (camera, i));
          for (guint i = 0; i < seen->len; i++)
            if (!contains (camera, g_ptr_array_index (seen, i)))
              add_once (v->unexpected, g_ptr_array_index (seen, i));
        }
      else
        {
          for (guint i = 0; i < expected->len; i++)
            if (!contains (seen, g_ptr_array_index (expected, i)))
              add_once (v->missing, g_ptr_array_index (expected, i));
          for (guint i = 0; i < seen->len; i++)
            if (!contains (expected, g_ptr_array_index (seen, i)))
              add_once (v->unexpected, g_ptr_array_index (seen, i));
        }
    }

  if (!ev->vpn->active && (result->error == NULL || result->candidates->len > 0))
    {
      /* No tunnel: what pages see is your own address, as every site does. */
      g_autoptr(GPtrArray) all = g_ptr_array_new ();
      g_autofree char *list = NULL;

      g_ptr_array_extend (all, seen, NULL, NULL);
      g_ptr_array_extend (all, v->exits, NULL, NULL);
      list = lw_text_join_list (all);
      if (all->len == 0)
        v->summary = browser ? g_strdup_printf (_("confirmed in %s: pages get no address"), browser)
                             : g_strdup (_("confirmed: pages get no address"));
      else
        v->summary = browser ? g_strdup_printf (_("confirmed in %s: pages see %s; with no VPN, every "
                                                  "site sees your address anyway"), browser, list)
                             : g_strdup_printf (_("confirmed: pages see %s; with no VPN, every site "
                                                  "sees your address anyway"), list);
    }
  else if (result->error != NULL && result->candidates->len == 0)
    v->summary = browser ? g_strdup_printf (_("confirmed in %s: WebRTC is off (%s)"), browser, result->error)
                         : g_strdup_printf (_("confirmed: WebRTC is off (%s)"), result->error);
  else if (v->unexpected->len > 0)
    {
      g_autofree char *more = lw_text_join_list (v->unexpected);

      v->summary = g_strdup_printf (_("%s shows more than its settings say: %s"),
                                    browser ? browser : _("This browser"), more);
    }
  else if (seen->len == 0)
    v->summary = browser ? g_strdup_printf (_("confirmed in %s: nothing outside the tunnel"), browser)
                         : g_strdup (_("confirmed: nothing outside the tunnel"));
  else
    {
      g_autofree char *list = lw_text_join_list (seen);

      if (result->kind == LW_PAGE_CAMERA)
        /* Translators: %1$s is a browser profile, %2$s the addresses its page got */
        v->summary = browser ? g_strdup_printf (_("confirmed in %1$s: %2$s visible to pages with "
                                                  "microphone permission"), browser, list)
                             : g_strdup_printf (_("confirmed: %s visible to pages with microphone "
                                                  "permission"), list);
      else
        /* Translators: %1$s is a browser profile, %2$s the addresses its page got */
        v->summary = browser ? g_strdup_printf (_("confirmed in %1$s: %2$s visible to every page"),
                                                browser, list)
                             : g_strdup_printf (_("confirmed: %s visible to every page"), list);
    }
  return v;
}

/**
 * lw_confirmation_new:
 * @tested: (nullable): the profile tested, as the audit found it then
 * @desktop_id: (nullable): the desktop entry launched
 *
 * Returns: (transfer full): what the page showed, for the report
 */
LwConfirmation *
lw_confirmation_new (const LwPageResult  *result,
                     const LwPageVerdict  *verdict,
                     const LwBrowserSetup *tested,
                     const char           *desktop_id)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new ();
  LwConfirmation borrowed;

  for (guint i = 0; i < result->candidates->len; i++)
    g_ptr_array_add (lines, ((LwPageCandidate *) g_ptr_array_index (result->candidates, i))->line);
  /* Borrowed, then copied whole by the one copier. */
  borrowed = (LwConfirmation) {
    .browser = tested ? tested->label : NULL,
    .desktop_id = (char *) desktop_id,
    .setting = tested ? tested->setting : NULL,
    .source = tested ? tested->source : NULL,
    .camera = result->kind == LW_PAGE_CAMERA,
    .time_unix = result->time_unix,
    .summary = verdict->summary,
    .real = verdict->real,
    .local = verdict->local,
    .unexpected = verdict->unexpected,
    .user_agent = result->user_agent,
    .candidates = lines,
  };

  return lw_confirmation_copy (&borrowed);
}

/**
 * lw_confirmation_is_current:
 * @setup: a browser profile as the audit finds it now
 *
 * Returns: whether @self tested @setup as it is set now: the same profile,
 *   with the same setting from the same place. A test made before the
 *   settings changed says nothing about the browser as it is.
 */
gboolean
lw_confirmation_is_current (const LwConfirmation *self,
                            const LwBrowserSetup *setup)
{
  return self->browser != NULL &&
         g_strcmp0 (self->browser, setup->label) == 0 &&
         g_strcmp0 (self->setting, setup->setting) == 0 &&
         g_strcmp0 (self->source, setup->source) == 0;
}

/**
 * lw_confirmation_find:
 * @confirmations: (element-type LwConfirmation)
 * @camera: the camera step's test rather than the ordinary page's
 *
 * Returns: (nullable) (transfer none): the latest test of @setup's
 *   profile, current or not
 */
const LwConfirmation *
lw_confirmation_find (GPtrArray            *confirmations,
                      const LwBrowserSetup *setup,
                      gboolean              camera)
{
  for (guint i = confirmations ? confirmations->len : 0; i > 0; i--)
    {
      const LwConfirmation *c = g_ptr_array_index (confirmations, i - 1);

      if (c->browser != NULL && g_strcmp0 (c->browser, setup->label) == 0 && c->camera == camera)
        return c;
    }
  return NULL;
}

/**
 * lw_confirmations_current:
 * @confirmations: (nullable) (element-type LwConfirmation)
 * @setups: (element-type LwBrowserSetup): the browsers as they are set now
 *
 * Returns: (transfer container): the tests that still describe their
 *   browser, as lw_confirmation_is_current() says
 */
GPtrArray *
lw_confirmations_current (GPtrArray *confirmations,
                          GPtrArray *setups)
{
  GPtrArray *current = g_ptr_array_new ();

  for (guint i = 0; confirmations != NULL && i < confirmations->len; i++)
    {
      LwConfirmation *c = g_ptr_array_index (confirmations, i);

      for (guint j = 0; setups != NULL && j < setups->len; j++)
        if (lw_confirmation_is_current (c, g_ptr_array_index (setups, j)))
          {
            g_ptr_array_add (current, c);
            break;
          }
    }
  return current;
}

/**
 * lw_browser_test_open:
 * @desktop_id: (nullable): the browser's desktop entry; %NULL or "": the
 *   default browser
 * @url: the test page's address
 * @context: (nullable): the launch context, with its activation token
 *
 * Opens @url in that browser: the one way the command line and the service
 * start it.
 *
 * Returns: whether the browser was started
 */
gboolean
lw_browser_test_open (const char         *desktop_id,
                      const char         *url,
                      GAppLaunchContext  *context,
                      GError            **error)
{
  g_autoptr(GDesktopAppInfo) app = NULL;
  GList uris = { (gpointer) url, NULL, NULL };

  if (desktop_id == NULL || *desktop_id == '\0')
    return g_app_info_launch_default_for_uri (url, context, error);
  app = g_desktop_app_info_new (desktop_id);
  if (app == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("there is no desktop entry %s"), desktop_id);
      return FALSE;
    }
  return g_app_info_launch_uris (G_APP_INFO (app), &uris, context, error);
}

/* --- the server ----------------------------------------------------------- */

static void
refuse (SoupServerMessage *msg,
        guint              status,
        const char        *why)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_COPY, why, strlen (why));
}

static char *
page_text (LwBrowserTest *self)
{
  g_autoptr(GBytes) bytes = g_resource_lookup_data (lw_test_page_get_resource (), PAGE_RESOURCE,
                                                    G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) servers = NULL;
  g_autofree char *servers_json = NULL;
  g_autofree char *token_json = NULL;
  g_autoptr(GString) page = NULL;

  g_return_val_if_fail (bytes != NULL, NULL);

  json_builder_begin_array (b);
  for (guint i = 0; self->stun_servers[i] != NULL; i++)
    {
      g_autofree char *url = g_strconcat ("stun:", self->stun_servers[i], NULL);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "urls");
      json_builder_add_string_value (b, url);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  servers = json_builder_get_root (b);
  servers_json = json_to_string (servers, FALSE);
  {
    g_autoptr(JsonNode) token = json_node_init_string (json_node_alloc (), self->token);

    token_json = json_to_string (token, FALSE);
  }

  page = g_string_new_len (g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes));
  g_string_replace (page, "__TOKEN__", token_json, 1);
  g_string_replace (page, "__ICE_SERVERS__", servers_json, 1);
  return g_string_free (g_steal_pointer (&page), FALSE);
}

static gboolean
on_timeout (gpointer data)
{
  LwBrowserTest *self = data;

  self->timeout_source = 0;
  g_debug ("the test page's time is up");
  lw_browser_test_stop (self);
  return G_SOURCE_REMOVE;
}

static gboolean
close_soon (gpointer data)
{
  lw_browser_test_stop (data);
  return G_SOURCE_REMOVE;
}

/* Before the body is read: a body larger than the cap, or of no stated
 * size, is refused unread. */
static void
on_early (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (g_strcmp0 (soup_server_message_get_method (msg), "POST") != 0)
    return;
  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    refuse (msg, SOUP_STATUS_LENGTH_REQUIRED, "a result states its length\n");
  else if (soup_message_headers_get_content_length (headers) > LW_BROWSER_TEST_MAX_BODY)
    refuse (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too large\n");
}

static void
on_request (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           data)
{
  LwBrowserTest *self = data;
  g_autofree char *page_path = g_strdup_printf ("/%s/", self->token);
  g_autofree char *result_path = g_strdup_printf ("/%s/result", self->token);
  const char *method = soup_server_message_get_method (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);

  /* Nothing of this page may load anything but itself. */
  soup_message_headers_replace (response, "Content-Security-Policy",
                                "default-src 'none'; script-src 'unsafe-inline'; "
                                "style-src 'unsafe-inline'; connect-src 'self'");
  soup_message_headers_replace (response, "Cache-Control", "no-store");

  if (soup_server_message_get_status (msg) != 0 && soup_server_message_get_status (msg) != SOUP_STATUS_OK)
    return;   /* refused early */

  if (g_str_equal (path, page_path))
    {
      char *page;

      if (g_strcmp0 (method, "GET") != 0)
        {
          refuse (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "GET only\n");
          return;
        }
      page = page_text (self);
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_TAKE, page,
                                        strlen (page));
      return;
    }
  if (!g_str_equal (path, result_path))
    {
      refuse (msg, SOUP_STATUS_NOT_FOUND, "not here\n");
      return;
    }
  if (g_strcmp0 (method, "POST") != 0)
    {
      refuse (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "POST only\n");
      return;
    }

  {
    SoupMessageBody *body = soup_server_message_get_request_body (msg);
    g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
    g_autoptr(GError) error = NULL;
    g_autoptr(LwPageResult) result = NULL;
    gsize length = 0;
    const char *data_ = g_bytes_get_data (bytes, &length);

    if (length > LW_BROWSER_TEST_MAX_BODY)
      {
        refuse (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too large\n");
        return;
      }
    result = lw_page_result_parse (data_ ? data_ : "", length, &error);
    if (result == NULL)
      {
        g_autofree char *why = g_strdup_printf ("%s\n", error->message);

        refuse (msg, SOUP_STATUS_BAD_REQUEST, why);
        return;
      }
    if (self->got[result->kind])
      {
        refuse (msg, SOUP_STATUS_CONFLICT, "a result of this kind came already\n");
        return;
      }
    self->got[result->kind] = TRUE;
    soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
    g_signal_emit (self, signals[RESULT], 0, result);
    /* Both kinds in: nothing more to take. Closed once this answer is
     * on its way. */
    if (self->got[LW_PAGE_ORDINARY] && self->got[LW_PAGE_CAMERA])
      g_idle_add_full (G_PRIORITY_LOW, close_soon, g_object_ref (self), g_object_unref);
  }
}

static char *
random_token (void)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < 4; i++)
    g_string_append_printf (out, "%08x", g_random_int ());
  return g_string_free (out, FALSE);
}

/* A listening socket of our own on loopback, for SoupServer to take. */
static GSocket *
loopback_socket (GSocketFamily   family,
                 guint           port,
                 GError        **error)
{
  g_autoptr(GSocket) socket = g_socket_new (family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (family);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, (guint16) port);

  if (socket == NULL || !g_socket_bind (socket, address, FALSE, error) || !g_socket_listen (socket, error))
    return NULL;
  return g_steal_pointer (&socket);
}

/* Each connection goes to the SoupServer, which speaks HTTP on it. */
static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source,
             gpointer           data)
{
  LwBrowserTest *self = data;
  g_autoptr(GSocketAddress) local = g_socket_connection_get_local_address (connection, NULL);
  g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (connection, NULL);
  g_autoptr(GError) error = NULL;

  if (self->server == NULL ||
      !soup_server_accept_iostream (self->server, G_IO_STREAM (connection), local, remote, &error))
    g_debug ("a connection to the test page was dropped: %s", error ? error->message : "closed");
  return TRUE;
}

static guint
socket_port (GSocket *socket)
{
  g_autoptr(GSocketAddress) address = g_socket_get_local_address (socket, NULL);

  return address ? g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)) : 0;
}

/**
 * lw_browser_test_new:
 * @stun_servers: the STUN servers the page asks, HOST:PORT, one per family
 * @port: the port to listen on, or 0 for one the kernel picks
 * @timeout_s: when to close at the latest (0: LW_BROWSER_TEST_TIMEOUT_S)
 */
LwBrowserTest *
lw_browser_test_new (const char * const *stun_servers,
                     guint               port,
                     guint               timeout_s)
{
  LwBrowserTest *self = g_object_new (LW_TYPE_BROWSER_TEST, NULL);

  self->stun_servers = g_strdupv ((char **) stun_servers);
  self->port = port;
  self->timeout_s = timeout_s ? timeout_s : LW_BROWSER_TEST_TIMEOUT_S;
  self->token = random_token ();
  return self;
}

/**
 * lw_browser_test_start:
 *
 * Listens on 127.0.0.1, and on [::1] at the same port where the machine
 * has IPv6 loopback.
 */
gboolean
lw_browser_test_start (LwBrowserTest  *self,
                       GError        **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GSocket) ipv4 = NULL;
  g_autoptr(GSocket) ipv6 = NULL;
  guint port = 0;

  g_return_val_if_fail (LW_IS_BROWSER_TEST (self), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  ipv4 = loopback_socket (G_SOCKET_FAMILY_IPV4, self->port, &local);
  if (ipv4 == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The test page cannot listen on 127.0.0.1:%u: %s"), self->port, local->message);
      return FALSE;
    }
  port = socket_port (ipv4);
  self->server = soup_server_new ("server-header", NULL, NULL);
  soup_server_add_early_handler (self->server, NULL, on_early, self, NULL);
  soup_server_add_handler (self->server, NULL, on_request, self, NULL);
  self->service = g_socket_service_new ();
  g_signal_connect (self->service, "incoming", G_CALLBACK (on_incoming), self);
  if (!g_socket_listener_add_socket (G_SOCKET_LISTENER (self->service), ipv4, NULL, &local))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The test page cannot listen on 127.0.0.1:%u: %s"), port, local->message);
      g_clear_object (&self->service);
      g_clear_object (&self->server);
      return FALSE;
    }
  /* The same port on [::1], where the machine has IPv6 loopback. */
  if ((ipv6 = loopback_socket (G_SOCKET_FAMILY_IPV6, port, &local)) == NULL ||
      !g_socket_listener_add_socket (G_SOCKET_LISTENER (self->service), ipv6, NULL, &local))
    g_debug ("no [::1]:%u for the test page: %s", port, local ? local->message : "");
  g_socket_service_start (self->service);

  self->url = g_strdup_printf ("http://127.0.0.1:%u/%s/", port, self->token);
  self->timeout_source = g_timeout_add_seconds (self->timeout_s, on_timeout, self);
  return TRUE;
}

const char *
lw_browser_test_get_url (LwBrowserTest *self)
{
  g_return_val_if_fail (LW_IS_BROWSER_TEST (self), NULL);
  return self->url;
}

gboolean
lw_browser_test_is_open (LwBrowserTest *self)
{
  g_return_val_if_fail (LW_IS_BROWSER_TEST (self), FALSE);
  return self->server != NULL;
}

/**
 * lw_browser_test_stop:
 *
 * Closes the server: every request after this is refused by the kernel.
 */
void
lw_browser_test_stop (LwBrowserTest *self)
{
  g_return_if_fail (LW_IS_BROWSER_TEST (self));

  g_clear_handle_id (&self->timeout_source, g_source_remove);
  if (self->server == NULL)
    return;
  g_socket_service_stop (self->service);
  g_socket_listener_close (G_SOCKET_LISTENER (self->service));
  g_signal_handlers_disconnect_by_data (self->service, self);
  g_clear_object (&self->service);
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_signal_emit (self, signals[CLOSED], 0);
}

static void
lw_browser_test_dispose (GObject *object)
{
  LwBrowserTest *self = LW_BROWSER_TEST (object);

  g_clear_handle_id (&self->timeout_source, g_source_remove);
  if (self->service != NULL)
    {
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
      g_signal_handlers_disconnect_by_data (self->service, self);
      g_clear_object (&self->service);
    }
  if (self->server != NULL)
    {
      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
    }
  G_OBJECT_CLASS (lw_browser_test_parent_class)->dispose (object);
}

static void
lw_browser_test_finalize (GObject *object)
{
  LwBrowserTest *self = LW_BROWSER_TEST (object);

  g_strfreev (self->stun_servers);
  g_free (self->token);
  g_free (self->url);
  G_OBJECT_CLASS (lw_browser_test_parent_class)->finalize (object);
}

static void
lw_browser_test_class_init (LwBrowserTestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lw_browser_test_dispose;
  object_class->finalize = lw_browser_test_finalize;

  /**
   * LwBrowserTest::result:
   * @result: (type gpointer): the LwPageResult, valid during the emission
   */
  signals[RESULT] = g_signal_new ("result", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
lw_browser_test_init (LwBrowserTest *self)
{
}
