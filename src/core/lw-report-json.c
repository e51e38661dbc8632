/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lw-report"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "lw-firefox-fix.h"
#include "lw-report.h"

/* A report as JSON, both ways: what `leakwatch --check --json` prints and
 * the service publishes on the bus, and what the tray and the window read
 * back. Through LwReport's public getters only. */

/* --- JSON out ------------------------------------------------------------ */

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value == NULL)
    json_builder_add_null_value (b);
  else if (g_utf8_validate (value, -1, NULL))
    json_builder_add_string_value (b, value);
  else
    {
      /* Strings are made valid where they are captured; this is the net
       * under that, so the JSON contract holds whatever happens. */
      g_autofree char *valid = g_utf8_make_valid (value, -1);
      json_builder_add_string_value (b, valid);
    }
}

static void
add_int (JsonBuilder *b,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_bool (JsonBuilder *b,
          const char  *name,
          gboolean     value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, value);
}

static const char *
family_to_string (int family)
{
  switch (family)
    {
    case 4:  return "ipv4";
    case 6:  return "ipv6";
    default: return NULL;
    }
}

static int
family_from_string (const char *str)
{
  if (g_strcmp0 (str, "ipv4") == 0)
    return 4;
  if (g_strcmp0 (str, "ipv6") == 0)
    return 6;
  return 0;
}

static void
build_findings (JsonBuilder *b,
                GPtrArray   *findings)
{
  json_builder_set_member_name (b, "findings");
  json_builder_begin_array (b);
  for (guint i = 0; i < findings->len; i++)
    {
      const LwFinding *f = g_ptr_array_index (findings, i);

      json_builder_begin_object (b);
      add_string (b, "id", lw_finding_kind_to_string (f->kind));
      add_string (b, "level", lw_level_to_string (f->level));
      add_string (b, "audience", lw_audience_to_string (f->audience));
      add_string (b, "mode", f->mode);
      add_string (b, "family", family_to_string (f->family));
      add_string (b, "address", f->address);
      add_string (b, "interface", f->interface);
      add_string (b, "server", f->server);
      add_string (b, "summary", f->summary);
      add_string (b, "detail", f->detail);
      add_string (b, "advice", f->advice);
      add_string (b, "cause", lw_cause_to_string (f->cause));
      add_string (b, "route", f->route);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
add_strings (JsonBuilder *b,
             const char  *name,
             GPtrArray   *strings)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = 0; strings != NULL && i < strings->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (strings, i));
  json_builder_end_array (b);
}

static void
build_browsers (JsonBuilder *b,
                GPtrArray   *verdicts)
{
  json_builder_set_member_name (b, "browsers");
  json_builder_begin_array (b);
  for (guint i = 0; i < verdicts->len; i++)
    {
      const LwBrowserVerdict *v = g_ptr_array_index (verdicts, i);
      const LwBrowserSetup *s = v->setup;

      json_builder_begin_object (b);
      add_string (b, "browser", s->browser);
      add_string (b, "name", s->name);
      add_string (b, "label", s->label);
      add_string (b, "engine", lw_engine_to_string (s->engine));
      add_string (b, "packaging", lw_packaging_to_string (s->packaging));
      add_string (b, "desktop_id", s->desktop_id);
      add_string (b, "profile", s->profile);
      add_string (b, "path", s->path);
      add_bool (b, "stand_in", s->stand_in);
      add_string (b, "setting", s->setting);
      add_string (b, "source", s->source);
      add_string (b, "unverified", s->unverified);
      add_string (b, "ordinary_mode", lw_webrtc_mode_to_string (s->modes.ordinary));
      add_bool (b, "ordinary_mdns", s->modes.ordinary_mdns);
      add_string (b, "camera_mode", lw_webrtc_mode_to_string (s->modes.camera));
      add_bool (b, "camera_mdns", s->modes.camera_mdns);
      add_bool (b, "per_destination", s->modes.per_destination);
      add_bool (b, "running", s->running);
      add_string (b, "pending", s->pending);
      add_string (b, "leakwatch_fix", s->fix == LW_FIREFOX_FIX_WEBRTC_OFF ? "webrtc-off"
                                      : s->fix == LW_FIREFOX_FIX_HIDE_ADDRESS ? "hide-address" : NULL);
      add_string (b, "status", lw_status_to_string (v->status));
      add_strings (b, "every_page_sees", v->every_page);
      add_strings (b, "camera_pages_see", v->camera_pages);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
build_confirmation (JsonBuilder          *b,
                    const LwConfirmation *c)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (c->time_unix);
  g_autofree char *time_str = dt ? g_date_time_format_iso8601 (dt) : NULL;

  json_builder_begin_object (b);
  add_string (b, "browser", c->browser);
  add_string (b, "desktop_id", c->desktop_id);
  add_string (b, "setting", c->setting);
  add_string (b, "source", c->source);
  add_bool (b, "camera", c->camera);
  add_string (b, "time", time_str);
  add_string (b, "summary", c->summary);
  add_strings (b, "real", c->real);
  add_strings (b, "local", c->local);
  add_strings (b, "unexpected", c->unexpected);
  add_strings (b, "candidates", c->candidates);
  add_string (b, "user_agent", c->user_agent);
  json_builder_end_object (b);
}

static void
build_confirmations (JsonBuilder *b,
                     GPtrArray   *confirmations)
{
  json_builder_set_member_name (b, "confirmations");
  json_builder_begin_array (b);
  for (guint i = 0; i < confirmations->len; i++)
    build_confirmation (b, g_ptr_array_index (confirmations, i));
  json_builder_end_array (b);
}

static void
add_public_addresses (JsonBuilder *b,
                      GPtrArray   *addresses)
{
  json_builder_set_member_name (b, "public_addresses");
  json_builder_begin_array (b);
  for (guint i = 0; i < addresses->len; i++)
    {
      const LwPublicAddress *pa = g_ptr_array_index (addresses, i);

      json_builder_begin_object (b);
      add_string (b, "family", family_to_string (pa->family));
      add_string (b, "path", lw_http_path_to_string (pa->path));
      add_string (b, "address", pa->address);
      add_string (b, "url", pa->url);
      add_string (b, "result", lw_result_to_string (pa->result));
      add_string (b, "error", pa->error);
      add_int (b, "ms", pa->ms);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

/* README.md, "routes": the way the kernel sends each request. */
static void
add_routes (JsonBuilder *b,
            GPtrArray   *routes)
{
  json_builder_set_member_name (b, "routes");
  json_builder_begin_array (b);
  for (guint i = 0; i < routes->len; i++)
    {
      const LwRoute *r = g_ptr_array_index (routes, i);

      json_builder_begin_object (b);
      add_string (b, "purpose", lw_route_purpose_to_string (r->purpose));
      add_string (b, "target", r->target);
      add_string (b, "destination", r->destination);
      add_string (b, "source", r->source);
      add_string (b, "interface", r->interface);
      add_string (b, "gateway", r->gateway);
      add_string (b, "preferred_source", r->preferred_source);
      add_string (b, "prefix", r->prefix);
      add_string (b, "protocol", r->protocol);
      add_string (b, "type", r->type);
      add_int (b, "table", r->table);
      add_string (b, "error", r->error);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
build_evidence (JsonBuilder      *b,
                const LwEvidence *ev)
{
  json_builder_set_member_name (b, "candidates");
  json_builder_begin_array (b);
  for (guint i = 0; i < ev->candidates->len; i++)
    {
      const LwCandidate *c = g_ptr_array_index (ev->candidates, i);

      json_builder_begin_object (b);
      add_string (b, "probe", lw_probe_kind_to_string (c->probe));
      add_string (b, "mode", lw_gather_mode_to_string (c->mode));
      add_string (b, "type", lw_candidate_type_to_string (c->type));
      add_string (b, "address", c->address);
      add_int (b, "port", c->port);
      add_string (b, "base", c->base);
      add_string (b, "interface", c->interface);
      add_string (b, "server", c->server);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "stun");
  json_builder_begin_array (b);
  for (guint i = 0; i < ev->stun_results->len; i++)
    {
      const LwStunResult *r = g_ptr_array_index (ev->stun_results, i);

      json_builder_begin_object (b);
      add_string (b, "probe", lw_probe_kind_to_string (r->probe));
      add_string (b, "mode", lw_gather_mode_to_string (r->mode));
      add_string (b, "base", r->base);
      add_string (b, "interface", r->interface);
      add_string (b, "server", r->server);
      add_string (b, "result", lw_result_to_string (r->result));
      add_string (b, "mapped", r->mapped);
      add_int (b, "rtt_ms", r->rtt_ms);
      add_string (b, "error", r->error);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  add_public_addresses (b, ev->public_addresses);
  add_routes (b, ev->routes);

  json_builder_set_member_name (b, "vpn");
  json_builder_begin_object (b);
  add_bool (b, "active", ev->vpn->active);
  add_string (b, "source", lw_vpn_source_to_string (ev->vpn->source));
  json_builder_set_member_name (b, "interfaces");
  json_builder_begin_array (b);
  for (guint i = 0; ev->vpn->interfaces[i] != NULL; i++)
    json_builder_add_string_value (b, ev->vpn->interfaces[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "connections");
  json_builder_begin_array (b);
  for (guint i = 0; i < ev->vpn->connections->len; i++)
    {
      const LwVpnConnection *c = g_ptr_array_index (ev->vpn->connections, i);

      json_builder_begin_object (b);
      add_string (b, "name", c->name);
      add_string (b, "type", c->type);
      add_string (b, "interface", c->interface);
      add_string (b, "state", c->state);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  add_string (b, "note", ev->vpn->note);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "interfaces");
  json_builder_begin_array (b);
  for (guint i = 0; i < ev->interfaces->len; i++)
    {
      const LwInterface *iface = g_ptr_array_index (ev->interfaces, i);

      json_builder_begin_object (b);
      add_string (b, "name", iface->name);
      add_int (b, "index", iface->index);
      add_string (b, "kind", lw_interface_kind_to_string (iface->kind));
      add_bool (b, "running", iface->running);
      json_builder_set_member_name (b, "addresses");
      json_builder_begin_array (b);
      for (guint j = 0; j < iface->addresses->len; j++)
        {
          const LwIfAddress *addr = g_ptr_array_index (iface->addresses, j);

          json_builder_begin_object (b);
          add_string (b, "address", addr->address);
          add_int (b, "prefix", addr->prefix);
          add_string (b, "class", lw_address_class_to_string (addr->klass));
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "default_addresses");
  json_builder_begin_object (b);
  add_string (b, "ipv4", ev->default_ipv4);
  add_string (b, "ipv6", ev->default_ipv6);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "stun_servers");
  json_builder_begin_array (b);
  for (guint i = 0; ev->stun_servers[i] != NULL; i++)
    json_builder_add_string_value (b, ev->stun_servers[i]);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "remembered_addresses");
  json_builder_begin_array (b);
  for (guint i = 0; i < ev->remembered->len; i++)
    {
      const LwRememberedAddress *r = g_ptr_array_index (ev->remembered, i);

      json_builder_begin_object (b);
      add_string (b, "family", family_to_string (r->family));
      add_string (b, "address", r->address);
      add_int (b, "first_seen", r->first_seen);
      add_int (b, "last_seen", r->last_seen);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

/* What every report object begins with: its version, time, status and
 * headline. */
static void
begin_report (JsonBuilder *b,
              LwReport    *self)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (lw_report_get_time (self));
  g_autofree char *time_str = dt ? g_date_time_format_iso8601 (dt) : NULL;
  g_autofree char *headline = lw_report_dup_headline (self);

  json_builder_begin_object (b);
  add_int (b, "version", LW_REPORT_JSON_VERSION);
  add_string (b, "time", time_str);
  add_string (b, "status", lw_status_to_string (lw_report_get_status (self)));
  add_string (b, "headline", headline);
}

static char *
end_report (JsonBuilder *b,
            gboolean     pretty)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, pretty);
  return json_generator_to_data (gen, NULL);
}

/**
 * lw_report_to_json:
 *
 * Returns: (transfer full): the stable JSON form documented in README.md.
 */
char *
lw_report_to_json (LwReport *self,
                   gboolean  pretty)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const LwTimings *timings;

  g_return_val_if_fail (LW_IS_REPORT (self), NULL);

  timings = lw_report_get_timings (self);
  begin_report (b, self);
  build_findings (b, lw_report_get_findings (self));
  build_browsers (b, lw_report_get_browsers (self));
  build_confirmations (b, lw_report_get_confirmations (self));
  build_evidence (b, lw_report_get_evidence (self));

  json_builder_set_member_name (b, "timings");
  json_builder_begin_object (b);
  add_int (b, "total_ms", timings->total_ms);
  add_int (b, "interfaces_ms", timings->interfaces_ms);
  add_int (b, "vpn_ms", timings->vpn_ms);
  add_int (b, "resolve_ms", timings->resolve_ms);
  add_int (b, "bound_ms", timings->bound_ms);
  add_int (b, "browser_ms", timings->browser_ms);
  add_int (b, "https_ms", timings->https_ms);
  add_int (b, "audit_ms", timings->audit_ms);
  json_builder_end_object (b);

  return end_report (b, pretty);
}

/**
 * lw_report_browsers_to_json:
 *
 * Returns: (transfer full): `{"version", "time", "status", "headline",
 *   "browsers"}`, the browsers of @report as `leakwatch --browsers --json`
 *   prints them, in the report's own form
 */
char *
lw_report_browsers_to_json (LwReport *self,
                            gboolean  pretty)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (LW_IS_REPORT (self), NULL);

  begin_report (b, self);
  build_browsers (b, lw_report_get_browsers (self));
  return end_report (b, pretty);
}

/* --- JSON in ------------------------------------------------------------- */

static const char *
get_str (JsonObject *o,
         const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node) || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gint64
get_int (JsonObject *o,
         const char *name,
         gint64      fallback)
{
  JsonNode *node = json_object_get_member (o, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return fallback;
  return json_node_get_int (node);
}

static JsonArray *
get_array (JsonObject *o,
           const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonObject *
get_object (JsonObject *o,
            const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static gboolean
bad (GError    **error,
     const char *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               _("Not a Leakwatch report: %s"), what);
  return FALSE;
}

/* Each element of @array must be an object; @fn reads one. */
typedef gboolean (*ReadElement) (JsonObject *o,
                                 LwEvidence *ev,
                                 GPtrArray  *out,
                                 GError    **error);

static gboolean
read_array (JsonObject  *root,
            const char  *name,
            ReadElement  fn,
            LwEvidence  *ev,
            GPtrArray   *out,
            GError     **error)
{
  JsonArray *array = get_array (root, name);

  if (array == NULL)
    return bad (error, name);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return bad (error, name);
      if (!fn (json_node_get_object (node), ev, out, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
read_finding (JsonObject *o,
              LwEvidence *ev,
              GPtrArray  *out,
              GError    **error)
{
  LwFindingKind kind;
  LwLevel level;
  LwAudience audience;
  LwCause cause;
  LwFinding *f;

  if (!lw_finding_kind_from_string (get_str (o, "id"), &kind) ||
      !lw_level_from_string (get_str (o, "level"), &level) ||
      !lw_audience_from_string (get_str (o, "audience"), &audience) ||
      !lw_cause_from_string (get_str (o, "cause"), &cause))
    return bad (error, "findings");

  f = lw_finding_new (kind, level);
  f->audience = audience;
  f->mode = g_strdup (get_str (o, "mode"));
  f->family = family_from_string (get_str (o, "family"));
  f->address = g_strdup (get_str (o, "address"));
  f->interface = g_strdup (get_str (o, "interface"));
  f->server = g_strdup (get_str (o, "server"));
  f->summary = g_strdup (get_str (o, "summary"));
  f->detail = g_strdup (get_str (o, "detail"));
  f->advice = g_strdup (get_str (o, "advice"));
  f->cause = cause;
  f->route = g_strdup (get_str (o, "route"));
  g_ptr_array_add (out, f);
  return TRUE;
}

static GPtrArray *
read_string_array (JsonArray *array)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_ptr_array_add (out, g_strdup (json_node_get_string (node)));
    }
  return out;
}

static gboolean
read_browser (JsonObject *o,
              LwEvidence *ev,
              GPtrArray  *out,
              GError    **error)
{
  LwBrowserSetup *s;
  LwBrowserVerdict *v;
  LwEngine engine;
  LwPackaging packaging;
  LwWebrtcMode ordinary, camera;
  LwStatus status;

  if (get_str (o, "browser") == NULL || get_str (o, "name") == NULL ||
      !lw_engine_from_string (get_str (o, "engine"), &engine) ||
      !lw_packaging_from_string (get_str (o, "packaging"), &packaging) ||
      !lw_webrtc_mode_from_string (get_str (o, "ordinary_mode"), &ordinary) ||
      !lw_webrtc_mode_from_string (get_str (o, "camera_mode"), &camera) ||
      !lw_status_from_string (get_str (o, "status"), &status) || status == LW_STATUS_CHECKING)
    return bad (error, "browsers");

  s = g_new0 (LwBrowserSetup, 1);
  s->browser = g_strdup (get_str (o, "browser"));
  s->name = g_strdup (get_str (o, "name"));
  s->engine = engine;
  s->packaging = packaging;
  s->desktop_id = g_strdup (get_str (o, "desktop_id"));
  s->profile = g_strdup (get_str (o, "profile"));
  s->path = g_strdup (get_str (o, "path"));
  s->stand_in = json_object_get_boolean_member_with_default (o, "stand_in", FALSE);
  s->setting = g_strdup (get_str (o, "setting"));
  s->source = g_strdup (get_str (o, "source"));
  s->unverified = g_strdup (get_str (o, "unverified"));
  s->modes.ordinary = ordinary;
  s->modes.ordinary_mdns = json_object_get_boolean_member_with_default (o, "ordinary_mdns", FALSE);
  s->modes.camera = camera;
  s->modes.camera_mdns = json_object_get_boolean_member_with_default (o, "camera_mdns", FALSE);
  s->modes.per_destination = json_object_get_boolean_member_with_default (o, "per_destination", FALSE);
  s->running = json_object_get_boolean_member_with_default (o, "running", FALSE);
  s->pending = g_strdup (get_str (o, "pending"));
  if (g_strcmp0 (get_str (o, "leakwatch_fix"), "webrtc-off") == 0)
    s->fix = LW_FIREFOX_FIX_WEBRTC_OFF;
  else if (g_strcmp0 (get_str (o, "leakwatch_fix"), "hide-address") == 0)
    s->fix = LW_FIREFOX_FIX_HIDE_ADDRESS;
  lw_browser_setup_set_label (s);

  v = g_new0 (LwBrowserVerdict, 1);
  v->setup = s;
  v->status = status;
  v->every_page = read_string_array (get_array (o, "every_page_sees"));
  v->camera_pages = read_string_array (get_array (o, "camera_pages_see"));
  g_ptr_array_add (out, v);
  return TRUE;
}

static gboolean
read_confirmation (JsonObject *o,
                   LwEvidence *ev,
                   GPtrArray  *out,
                   GError    **error)
{
  g_autoptr(GDateTime) dt = NULL;
  const char *time_str = get_str (o, "time");
  LwConfirmation *c;

  if (get_str (o, "summary") == NULL || time_str == NULL ||
      (dt = g_date_time_new_from_iso8601 (time_str, NULL)) == NULL)
    return bad (error, "confirmations");
  c = g_new0 (LwConfirmation, 1);
  c->browser = g_strdup (get_str (o, "browser"));
  c->desktop_id = g_strdup (get_str (o, "desktop_id"));
  c->setting = g_strdup (get_str (o, "setting"));
  c->source = g_strdup (get_str (o, "source"));
  c->camera = json_object_get_boolean_member_with_default (o, "camera", FALSE);
  c->time_unix = g_date_time_to_unix (dt);
  c->summary = g_strdup (get_str (o, "summary"));
  c->real = read_string_array (get_array (o, "real"));
  c->local = read_string_array (get_array (o, "local"));
  c->unexpected = read_string_array (get_array (o, "unexpected"));
  c->candidates = read_string_array (get_array (o, "candidates"));
  c->user_agent = g_strdup (get_str (o, "user_agent"));
  g_ptr_array_add (out, c);
  return TRUE;
}

static gboolean
read_candidate (JsonObject *o,
                LwEvidence *ev,
                GPtrArray  *out,
                GError    **error)
{
  LwProbeKind probe;
  LwGatherMode mode;
  LwCandidateType type;

  if (!lw_probe_kind_from_string (get_str (o, "probe"), &probe) ||
      !lw_gather_mode_from_string (get_str (o, "mode"), &mode) ||
      !lw_candidate_type_from_string (get_str (o, "type"), &type) ||
      get_str (o, "address") == NULL)
    return bad (error, "candidates");

  g_ptr_array_add (out, lw_candidate_new (probe, mode, type, get_str (o, "address"),
                                          (guint16) get_int (o, "port", 0), get_str (o, "base"),
                                          get_str (o, "interface"), get_str (o, "server")));
  return TRUE;
}

static gboolean
read_stun (JsonObject *o,
           LwEvidence *ev,
           GPtrArray  *out,
           GError    **error)
{
  LwProbeKind probe;
  LwGatherMode mode;
  LwResult result;
  LwStunResult *r;

  if (!lw_probe_kind_from_string (get_str (o, "probe"), &probe) ||
      !lw_gather_mode_from_string (get_str (o, "mode"), &mode) ||
      !lw_result_from_string (get_str (o, "result"), &result))
    return bad (error, "stun");

  r = lw_stun_result_new (probe, get_str (o, "base"), get_str (o, "interface"),
                          get_str (o, "server"));
  r->mode = mode;
  r->result = result;
  r->mapped = g_strdup (get_str (o, "mapped"));
  r->rtt_ms = (int) get_int (o, "rtt_ms", -1);
  r->error = g_strdup (get_str (o, "error"));
  g_ptr_array_add (out, r);
  return TRUE;
}

static gboolean
read_public_address (JsonObject *o,
                     LwEvidence *ev,
                     GPtrArray  *out,
                     GError    **error)
{
  LwHttpPath path;
  LwResult result;
  LwPublicAddress *pa;
  int family = family_from_string (get_str (o, "family"));

  if ((family == 0 && get_str (o, "family") != NULL) ||
      !lw_http_path_from_string (get_str (o, "path"), &path) ||
      !lw_result_from_string (get_str (o, "result"), &result))
    return bad (error, "public_addresses");

  pa = lw_public_address_new (family, path, get_str (o, "url"));
  pa->result = result;
  pa->address = g_strdup (get_str (o, "address"));
  pa->error = g_strdup (get_str (o, "error"));
  pa->ms = (int) get_int (o, "ms", -1);
  g_ptr_array_add (out, pa);
  return TRUE;
}

static gboolean
read_route (JsonObject *o,
            LwEvidence *ev,
            GPtrArray  *out,
            GError    **error)
{
  LwRoutePurpose purpose;
  const char *destination = get_str (o, "destination");
  gint64 table = get_int (o, "table", 0);
  LwRoute *r;

  if (!lw_route_purpose_from_string (get_str (o, "purpose"), &purpose) ||
      destination == NULL || lw_address_family (destination) == 0 || table < 0 || table > G_MAXUINT32)
    return bad (error, "routes");

  r = lw_route_new (purpose, get_str (o, "target"), destination, get_str (o, "source"));
  r->interface = g_strdup (get_str (o, "interface"));
  r->gateway = g_strdup (get_str (o, "gateway"));
  r->preferred_source = g_strdup (get_str (o, "preferred_source"));
  r->prefix = g_strdup (get_str (o, "prefix"));
  r->protocol = g_strdup (get_str (o, "protocol"));
  r->type = g_strdup (get_str (o, "type"));
  r->table = (guint) table;
  r->error = g_strdup (get_str (o, "error"));
  g_ptr_array_add (out, r);
  return TRUE;
}

static gboolean
read_interface (JsonObject *o,
                LwEvidence *ev,
                GPtrArray  *out,
                GError    **error)
{
  g_autoptr(LwInterface) iface = NULL;
  LwInterfaceKind kind;
  JsonArray *addresses;

  if (get_str (o, "name") == NULL || !lw_interface_kind_from_string (get_str (o, "kind"), &kind) ||
      (addresses = get_array (o, "addresses")) == NULL)
    return bad (error, "interfaces");

  iface = lw_interface_new (get_str (o, "name"), (guint) get_int (o, "index", 0), kind);
  /* Reports from before it was told were made of running interfaces. */
  iface->running = json_object_get_boolean_member_with_default (o, "running", TRUE);
  for (guint i = 0; i < json_array_get_length (addresses); i++)
    {
      JsonNode *node = json_array_get_element (addresses, i);
      JsonObject *a;

      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          get_str ((a = json_node_get_object (node)), "address") == NULL)
        return bad (error, "interfaces");
      g_ptr_array_add (iface->addresses,
                       lw_if_address_new (get_str (a, "address"), (guint) get_int (a, "prefix", 0)));
    }
  g_ptr_array_add (out, g_steal_pointer (&iface));
  return TRUE;
}

static gboolean
read_remembered (JsonObject *o,
                 LwEvidence *ev,
                 GPtrArray  *out,
                 GError    **error)
{
  int family = family_from_string (get_str (o, "family"));

  if (family == 0 || get_str (o, "address") == NULL)
    return bad (error, "remembered_addresses");

  g_ptr_array_add (out, lw_remembered_address_new (family, get_str (o, "address"),
                                                   get_int (o, "first_seen", 0),
                                                   get_int (o, "last_seen", 0)));
  return TRUE;
}

static gboolean
read_vpn_connection (JsonObject *o,
                     LwEvidence *ev,
                     GPtrArray  *out,
                     GError    **error)
{
  g_ptr_array_add (out, lw_vpn_connection_new (get_str (o, "name"), get_str (o, "type"),
                                               get_str (o, "interface"), get_str (o, "state")));
  return TRUE;
}

static GStrv
read_strv (JsonArray *array)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (node));
    }
  return g_strv_builder_end (builder);
}

/**
 * lw_report_new_from_json:
 *
 * Reads the JSON that lw_report_to_json() writes, as the views do with the
 * service's Report property.
 *
 * Returns: (transfer full) (nullable): the report, or %NULL with @error set
 */
LwReport *
lw_report_new_from_json (const char  *json,
                         GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(LwEvidence) ev = lw_evidence_new ();
  g_autoptr(GPtrArray) findings = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_finding_free);
  g_autoptr(GPtrArray) browsers = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_browser_verdict_free);
  g_autoptr(GPtrArray) confirmations = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_confirmation_free);
  g_autoptr(GDateTime) dt = NULL;
  LwReport *report;
  JsonObject *root, *vpn, *defaults, *timings;
  LwTimings t = { 0 };
  LwStatus status;
  LwVpnSource source;
  const char *time_str;

  g_return_val_if_fail (json != NULL, NULL);

  if (!json_parser_load_from_data (parser, json, -1, error))
    return NULL;

  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return bad (error, "not an object"), NULL;
  root = json_node_get_object (json_parser_get_root (parser));

  if (get_int (root, "version", 0) != LW_REPORT_JSON_VERSION)
    return bad (error, "unsupported version"), NULL;
  /* A report holds a verdict: "checking" is what the service says while
   * it has none, never a report's status. */
  if (!lw_status_from_string (get_str (root, "status"), &status) || status == LW_STATUS_CHECKING)
    return bad (error, "status"), NULL;
  /* Every report says when it was made; without that it cannot be told
   * from an old one, which a view must never show as current. */
  time_str = get_str (root, "time");
  if (time_str == NULL || (dt = g_date_time_new_from_iso8601 (time_str, NULL)) == NULL)
    return bad (error, "time"), NULL;

  if (!read_array (root, "findings", read_finding, ev, findings, error) ||
      !read_array (root, "candidates", read_candidate, ev, ev->candidates, error) ||
      !read_array (root, "stun", read_stun, ev, ev->stun_results, error) ||
      !read_array (root, "public_addresses", read_public_address, ev, ev->public_addresses, error) ||
      /* Reports from before routes were asked have none. */
      (json_object_has_member (root, "routes") &&
       !read_array (root, "routes", read_route, ev, ev->routes, error)) ||
      !read_array (root, "interfaces", read_interface, ev, ev->interfaces, error) ||
      !read_array (root, "remembered_addresses", read_remembered, ev, ev->remembered, error) ||
      /* Reports from before the browser audit have none. */
      (json_object_has_member (root, "browsers") &&
       !read_array (root, "browsers", read_browser, ev, browsers, error)) ||
      (json_object_has_member (root, "confirmations") &&
       !read_array (root, "confirmations", read_confirmation, ev, confirmations, error)))
    return NULL;

  if ((vpn = get_object (root, "vpn")) == NULL ||
      !lw_vpn_source_from_string (get_str (vpn, "source"), &source))
    return bad (error, "vpn"), NULL;
  ev->vpn->active = json_object_get_boolean_member_with_default (vpn, "active", FALSE);
  ev->vpn->source = source;
  ev->vpn->note = g_strdup (get_str (vpn, "note"));
  g_strfreev (ev->vpn->interfaces);
  ev->vpn->interfaces = read_strv (get_array (vpn, "interfaces"));
  if (!read_array (vpn, "connections", read_vpn_connection, ev, ev->vpn->connections, error))
    return NULL;

  if ((defaults = get_object (root, "default_addresses")) != NULL)
    {
      ev->default_ipv4 = g_strdup (get_str (defaults, "ipv4"));
      ev->default_ipv6 = g_strdup (get_str (defaults, "ipv6"));
    }
  g_strfreev (ev->stun_servers);
  ev->stun_servers = read_strv (get_array (root, "stun_servers"));

  if ((timings = get_object (root, "timings")) != NULL)
    {
      t.total_ms = (int) get_int (timings, "total_ms", 0);
      t.interfaces_ms = (int) get_int (timings, "interfaces_ms", 0);
      t.vpn_ms = (int) get_int (timings, "vpn_ms", 0);
      t.resolve_ms = (int) get_int (timings, "resolve_ms", 0);
      t.bound_ms = (int) get_int (timings, "bound_ms", 0);
      t.browser_ms = (int) get_int (timings, "browser_ms", 0);
      t.https_ms = (int) get_int (timings, "https_ms", 0);
      t.audit_ms = (int) get_int (timings, "audit_ms", 0);
    }

  report = lw_report_new (g_steal_pointer (&ev), g_steal_pointer (&findings), status,
                          g_date_time_to_unix (dt), &t);
  lw_report_set_browsers (report, g_steal_pointer (&browsers));
  lw_report_set_confirmations (report, g_steal_pointer (&confirmations));
  return report;
}

/* @json's root, which must be an object; else %NULL with @error, and
 * @what says what was wanted. */
static JsonNode *
parse_object (const char  *json,
              const char  *what,
              GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) root = NULL;

  if (!json_parser_load_from_data (parser, json, -1, error))
    return NULL;
  root = json_parser_steal_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      bad (error, what);
      return NULL;
    }
  return g_steal_pointer (&root);
}

/**
 * lw_public_addresses_to_json:
 * @addresses: (element-type LwPublicAddress): HTTPS answers
 *
 * Returns: `{"public_addresses": [...]}`, in the report's own form: how the
 *   HTTPS helper process hands its results to the service.
 */
char *
lw_public_addresses_to_json (GPtrArray *addresses)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  add_public_addresses (b, addresses);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

/**
 * lw_public_addresses_from_json:
 *
 * Returns: (transfer full) (element-type LwPublicAddress): the answers
 *   written by lw_public_addresses_to_json(), or %NULL with @error set
 */
GPtrArray *
lw_public_addresses_from_json (const char  *json,
                               GError     **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_public_address_free);
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (json != NULL, NULL);

  if ((root = parse_object (json, "not an object", error)) == NULL ||
      !read_array (json_node_get_object (root), "public_addresses", read_public_address, NULL, out, error))
    return NULL;
  return g_steal_pointer (&out);
}

/**
 * lw_confirmation_to_json:
 *
 * Returns: (transfer full): @self as one object of the report's
 *   `confirmations[]`, for the history
 */
char *
lw_confirmation_to_json (const LwConfirmation *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  build_confirmation (b, self);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/**
 * lw_confirmation_new_from_json:
 *
 * Returns: (transfer full) (nullable): the confirmation
 *   lw_confirmation_to_json() wrote, or %NULL with @error
 */
LwConfirmation *
lw_confirmation_new_from_json (const char  *json,
                               GError     **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_confirmation_free);
  g_autoptr(JsonNode) root = NULL;

  if ((root = parse_object (json, "confirmations", error)) == NULL ||
      !read_confirmation (json_node_get_object (root), NULL, out, error))
    return NULL;
  return g_ptr_array_steal_index (out, 0);
}
