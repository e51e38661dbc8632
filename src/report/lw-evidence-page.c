/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "lw-evidence-page.h"
#include "lw-evidence-row.h"
#include "lw-report-util.h"

/* The "Evidence" page: what the check saw, group by group, so that a
 * verdict can be followed back to the answers it rests on. Every address
 * can be selected and copied. */

struct _LwEvidencePage
{
  AdwBin               parent_instance;

  GtkStack            *stack;
  AdwStatusPage       *failed_page;
  AdwPreferencesGroup *vpn_group;
  AdwPreferencesGroup *public_group;
  AdwPreferencesGroup *default_group;
  AdwPreferencesGroup *camera_group;
  AdwPreferencesGroup *native_group;
  AdwPreferencesGroup *interfaces_group;
  AdwPreferencesGroup *routes_group;
  AdwPreferencesGroup *stun_group;

  LwReport            *report;
  GPtrArray           *rows;    /* (element-type GtkWidget): the rows shown, in their groups */
};

G_DEFINE_FINAL_TYPE (LwEvidencePage, lw_evidence_page, ADW_TYPE_BIN)

static GtkWidget *
add_row (LwEvidencePage      *self,
         AdwPreferencesGroup *group,
         const char          *title,
         const char          *subtitle,
         const char          *suffix)
{
  GtkWidget *row = lw_evidence_row_new (title, subtitle, suffix);

  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, row);
  return row;
}

/* A candidate's kind in plain words, and the term for the tooltip
 * (docs/GLOSSARY.md). */
static const char *
candidate_words (LwCandidateType   type,
                 const char      **term)
{
  switch (type)
    {
    case LW_CANDIDATE_HOST:
      *term = _("host candidate");
      return _("Local address");
    case LW_CANDIDATE_SRFLX:
    default:
      *term = _("srflx (server-reflexive) candidate");
      return _("Seen by a STUN server");
    }
}

/* The finding this candidate proves, the most serious first: one about
 * the same address, seen by the same kind of socket. */
static const LwFinding *
finding_proved_by (LwReport          *report,
                   const LwCandidate *c)
{
  GPtrArray *findings = report ? lw_report_get_findings (report) : NULL;

  for (guint i = 0; findings != NULL && i < findings->len; i++)
    {
      const LwFinding *f = g_ptr_array_index (findings, i);

      if (f->level >= LW_LEVEL_WARNING && g_strcmp0 (f->address, c->address) == 0 &&
          (c->probe == LW_PROBE_BOUND) == (f->audience == LW_AUDIENCE_NATIVE_APPS))
        return f;
    }
  return NULL;
}

static void
clear_rows (LwEvidencePage *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

      if (group != NULL)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), row);
    }
  g_ptr_array_set_size (self->rows, 0);
}

static const char *
family_name (int family)
{
  return family == 4 ? "IPv4" : family == 6 ? "IPv6" : _("IP");
}

static char *
ms_text (int ms)
{
  /* Translators: a duration in milliseconds */
  return ms >= 0 ? g_strdup_printf (_("%d ms"), ms) : NULL;
}

static const char *
result_words (LwResult result)
{
  switch (result)
    {
    case LW_RESULT_ANSWERED:       return _("Answered");
    case LW_RESULT_TIMEOUT:        return _("No answer");
    case LW_RESULT_REFUSED:        return _("Refused");
    case LW_RESULT_UNREACHABLE:    return _("Unreachable");
    case LW_RESULT_RESOLVE_FAILED: return _("Name not found");
    case LW_RESULT_TLS_ERROR:      return _("TLS error");
    case LW_RESULT_BAD_REPLY:      return _("Bad reply");
    case LW_RESULT_TOO_LARGE:      return _("Reply too large");
    case LW_RESULT_HTTP_ERROR:     return _("HTTP error");
    case LW_RESULT_REDIRECT_LOOP:  return _("Redirect loop");
    case LW_RESULT_NOT_WAITED:     return _("Not waited for (inside the tunnel)");
    case LW_RESULT_ERROR:
    default:                       return _("Failed");
    }
}

static const char *
interface_kind_words (LwInterfaceKind kind)
{
  switch (kind)
    {
    case LW_INTERFACE_PHYSICAL: return _("Physical");
    case LW_INTERFACE_TUNNEL:   return _("Tunnel");
    case LW_INTERFACE_BRIDGE:   return _("Virtual bridge");
    case LW_INTERFACE_LOOPBACK: return _("Loopback");
    case LW_INTERFACE_PPP:      return _("PPP");
    default:                    return "";
    }
}

static const char *
probe_words (LwProbeKind  probe,
             LwGatherMode mode)
{
  if (probe == LW_PROBE_BOUND)
    return _("Interface-bound");
  return mode == LW_GATHER_DEFAULT_ROUTE ? _("Browser, default route")
                                         : _("Browser, all interfaces");
}

/* Joins the non-empty parts with a middle dot. */
static char *join_parts (const char *first, ...) G_GNUC_NULL_TERMINATED;

static char *
join_parts (const char *first,
            ...)
{
  GString *out = g_string_new (NULL);
  const char *part = first;
  va_list args;

  va_start (args, first);
  while (part != NULL)
    {
      if (*part != '\0')
        {
          if (out->len > 0)
            g_string_append (out, " · ");
          g_string_append (out, part);
        }
      part = va_arg (args, const char *);
    }
  va_end (args);
  return g_string_free (out, FALSE);
}

static void
show_vpn (LwEvidencePage   *self,
          const LwEvidence *ev)
{
  const LwVpnState *vpn = ev->vpn;
  const char *source;
  g_autofree char *tunnels = NULL;
  g_autofree char *subtitle = NULL;

  switch (vpn->source)
    {
    case LW_VPN_SOURCE_NETWORKMANAGER:
      source = _("Found by NetworkManager.");
      break;
    case LW_VPN_SOURCE_INTERFACES:
      source = _("Found from the network interfaces.");
      break;
    case LW_VPN_SOURCE_NONE:
    default:
      source = "";
      break;
    }
  subtitle = vpn->note ? g_strdup_printf ("%s %s", source, vpn->note) : g_strdup (source);
  g_strstrip (subtitle);
  add_row (self, self->vpn_group, vpn->active ? _("A VPN is connected") : _("No VPN is connected"),
           subtitle, NULL);

  for (guint i = 0; i < vpn->connections->len; i++)
    {
      const LwVpnConnection *c = g_ptr_array_index (vpn->connections, i);
      g_autofree char *details = join_parts (c->type ? c->type : "",
                                             c->interface ? c->interface : "",
                                             c->state ? c->state : "", NULL);

      add_row (self, self->vpn_group, c->name ? c->name : _("Unnamed connection"), details, NULL);
    }

  tunnels = vpn->interfaces && vpn->interfaces[0] ? g_strjoinv (", ", vpn->interfaces) : NULL;
  add_row (self, self->vpn_group, _("Tunnel interfaces"), tunnels ? tunnels : _("None"), NULL);
}

static void
show_public_addresses (LwEvidencePage   *self,
                       const LwEvidence *ev)
{
  for (guint i = 0; i < ev->public_addresses->len; i++)
    {
      const LwPublicAddress *pa = g_ptr_array_index (ev->public_addresses, i);
      const char *path = pa->path == LW_HTTP_PATH_PROXY ? _("Through the proxy") : _("Direct");
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;
      g_autofree char *ms = ms_text (pa->ms);

      if (pa->result == LW_RESULT_ANSWERED && pa->address != NULL)
        title = g_strdup_printf ("%s · %s", family_name (pa->family), pa->address);
      else
        title = g_strdup_printf ("%s · %s", family_name (pa->family), result_words (pa->result));
      subtitle = join_parts (path, pa->url ? pa->url : "",
                             pa->result != LW_RESULT_ANSWERED && pa->error ? pa->error : "", NULL);
      add_row (self, self->public_group, title, subtitle, ms);
    }
  if (ev->public_addresses->len == 0)
    add_row (self, self->public_group, _("None"), _("No address service was asked."), NULL);
}

static void
show_candidates (LwEvidencePage   *self,
                 LwReport         *report,
                 const LwEvidence *ev)
{
  guint n_default = 0, n_camera = 0, n_native = 0;

  for (guint i = 0; i < ev->candidates->len; i++)
    {
      const LwCandidate *c = g_ptr_array_index (ev->candidates, i);
      const LwFinding *proves = finding_proved_by (report, c);
      AdwPreferencesGroup *group;
      const char *term = NULL;
      const char *words = candidate_words (c->type, &term);
      g_autofree char *title = g_strdup_printf ("%s · %s", words, c->address);
      GtkWidget *row;
      g_autofree char *from = NULL;
      g_autofree char *on = NULL;
      g_autofree char *via = NULL;
      g_autofree char *subtitle = NULL;

      if (c->probe == LW_PROBE_BOUND)
        {
          group = self->native_group;
          n_native++;
        }
      else if (c->mode == LW_GATHER_DEFAULT_ROUTE)
        {
          group = self->default_group;
          n_default++;
        }
      else
        {
          group = self->camera_group;
          n_camera++;
        }

      if (c->base != NULL && g_strcmp0 (c->base, c->address) != 0)
        /* Translators: the local address a candidate was gathered from */
        from = g_strdup_printf (_("from %s"), c->base);
      if (c->interface != NULL)
        /* Translators: the network interface of a candidate, e.g. "on wlan0" */
        on = g_strdup_printf (C_("a network interface", "on %s"), c->interface);
      if (c->server != NULL)
        /* Translators: the STUN server that reported a candidate */
        via = g_strdup_printf (_("via %s"), c->server);
      subtitle = join_parts (from ? from : "", on ? on : "", via ? via : "", NULL);
      row = add_row (self, group, title, subtitle, NULL);
      lw_evidence_row_set_term (LW_EVIDENCE_ROW (row), term);
      /* The evidence a finding stands on, marked as such. */
      if (proves != NULL)
        lw_evidence_row_set_tag (LW_EVIDENCE_ROW (row), proves->level);
    }

  if (n_default == 0)
    add_row (self, self->default_group, _("None"), _("No candidates in this check."), NULL);
  if (n_camera == 0)
    add_row (self, self->camera_group, _("None"), _("No candidates in this check."), NULL);
  if (n_native == 0)
    add_row (self, self->native_group, _("None"), _("No candidates in this check."), NULL);
}

static void
show_interfaces (LwEvidencePage   *self,
                 const LwEvidence *ev)
{
  g_autofree char *defaults = NULL;

  for (guint i = 0; i < ev->interfaces->len; i++)
    {
      const LwInterface *iface = g_ptr_array_index (ev->interfaces, i);
      GString *addresses = g_string_new (NULL);
      g_autofree char *text = NULL;

      for (guint j = 0; j < iface->addresses->len; j++)
        {
          const LwIfAddress *a = g_ptr_array_index (iface->addresses, j);

          if (addresses->len > 0)
            g_string_append_c (addresses, '\n');
          g_string_append_printf (addresses, "%s/%u (%s)", a->address, a->prefix,
                                  lw_address_class_describe (a->klass));
        }
      text = g_string_free (addresses, FALSE);
      add_row (self, self->interfaces_group, iface->name, *text ? text : _("No addresses"),
               interface_kind_words (iface->kind));
    }

  /* Translators: the local addresses that carry the default route */
  defaults = g_strdup_printf (_("IPv4 from %s · IPv6 from %s"),
                              ev->default_ipv4 ? ev->default_ipv4 : _("none"),
                              ev->default_ipv6 ? ev->default_ipv6 : _("none"));
  add_row (self, self->interfaces_group, _("Default route"), defaults, NULL);
}

static const char *
route_purpose_words (LwRoutePurpose purpose)
{
  switch (purpose)
    {
    case LW_ROUTE_PURPOSE_DEFAULT_ADDRESS: return _("The internet (how browsers pick their address)");
    case LW_ROUTE_PURPOSE_TUNNEL:          return _("The internet, through the tunnel only");
    case LW_ROUTE_PURPOSE_STUN:            return _("STUN server");
    case LW_ROUTE_PURPOSE_HTTPS:           return _("Address service");
    case LW_ROUTE_PURPOSE_STUN_PINNED:     return _("STUN server, from a program bound to the interface");
    default:                               return "";
    }
}

static void
show_routes (LwEvidencePage   *self,
             const LwEvidence *ev)
{
  for (guint i = 0; i < ev->routes->len; i++)
    {
      const LwRoute *r = g_ptr_array_index (ev->routes, i);
      g_autofree char *title = NULL;
      g_autofree char *route = lw_route_describe (r);
      g_autofree char *way = NULL;
      g_autofree char *subtitle = NULL;
      const char *where;

      if (r->source != NULL)
        /* Translators: what a request goes to, and the local address it leaves from */
        title = g_strdup_printf (_("%s from %s"), r->target ? r->target : r->destination, r->source);
      else
        title = g_strdup (r->target ? r->target : r->destination);

      if (r->error != NULL)
        way = g_strdup_printf (_("Leaves nowhere: %s"), r->error);
      else if (lw_evidence_route_in_tunnel (ev, r))
        /* Translators: %s is an interface, such as tun0 */
        way = g_strdup_printf (_("Through the tunnel (%s)"), r->interface);
      else
        /* Translators: %s is an interface, such as eth0 */
        way = g_strdup_printf (_("Outside the tunnel (%s)"), r->interface ? r->interface : "?");
      where = route_purpose_words (r->purpose);
      subtitle = join_parts (where, way, route, NULL);
      add_row (self, self->routes_group, title, subtitle, NULL);
    }
  if (ev->routes->len == 0)
    add_row (self, self->routes_group, _("None"), _("The kernel was not asked for routes in this check."),
             NULL);
}

static void
show_stun (LwEvidencePage   *self,
           const LwEvidence *ev)
{
  for (guint i = 0; i < ev->stun_results->len; i++)
    {
      const LwStunResult *r = g_ptr_array_index (ev->stun_results, i);
      g_autofree char *title = g_strdup_printf ("%s → %s", r->base ? r->base : "?",
                                                r->server ? r->server : "?");
      g_autofree char *result = NULL;
      g_autofree char *subtitle = NULL;
      g_autofree char *ms = ms_text (r->rtt_ms);

      if (r->result == LW_RESULT_ANSWERED && r->mapped != NULL)
        /* Translators: a STUN answer and the address it reported */
        result = g_strdup_printf (_("Answered: %s"), r->mapped);
      else if (r->error != NULL)
        result = g_strdup_printf ("%s: %s", result_words (r->result), r->error);
      else
        result = g_strdup (result_words (r->result));
      subtitle = join_parts (probe_words (r->probe, r->mode), r->interface ? r->interface : "",
                             result, NULL);
      add_row (self, self->stun_group, title, subtitle, ms);
    }
  if (ev->stun_results->len == 0)
    add_row (self, self->stun_group, _("None"), _("No STUN request was sent."), NULL);
}

/**
 * lw_evidence_page_set_report:
 * @report: (nullable): the report whose evidence to show
 */
void
lw_evidence_page_set_report (LwEvidencePage *self,
                             LwReport       *report)
{
  const LwFinding *failure;
  const LwEvidence *ev;

  g_return_if_fail (LW_IS_EVIDENCE_PAGE (self));

  if (self->report == report)
    return;
  g_set_object (&self->report, report);

  clear_rows (self);
  if (report == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  /* A check that could not run has no evidence: say why, rather than
   * show empty tables that would read as "no VPN, no address". */
  if ((failure = lw_report_get_failure (report)) != NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (failure->summary, -1);

      adw_status_page_set_description (self->failed_page, escaped);
      gtk_stack_set_visible_child_name (self->stack, "failed");
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, "evidence");

  ev = lw_report_get_evidence (report);
  show_vpn (self, ev);
  show_public_addresses (self, ev);
  show_candidates (self, report, ev);
  show_interfaces (self, ev);
  show_routes (self, ev);
  show_stun (self, ev);
}

static void
lw_evidence_page_dispose (GObject *object)
{
  LwEvidencePage *self = LW_EVIDENCE_PAGE (object);

  g_clear_object (&self->report);

  G_OBJECT_CLASS (lw_evidence_page_parent_class)->dispose (object);
}

static void
lw_evidence_page_finalize (GObject *object)
{
  LwEvidencePage *self = LW_EVIDENCE_PAGE (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (lw_evidence_page_parent_class)->finalize (object);
}

static void
lw_evidence_page_class_init (LwEvidencePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lw_evidence_page_dispose;
  object_class->finalize = lw_evidence_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, LW_RESOURCE ("lw-evidence-page.ui"));
  gtk_widget_class_bind_template_child (widget_class, LwEvidencePage, stack);
  gtk_widget_class_bind_template_child (widget_class, LwEvidencePage, failed_page);
  gtk_widget_class_bind_template_child (widget_class, LwEvidencePage, vpn_group);
  gtk_widget_class_bind_template_child (widget_class, LwEvidencePage, public_group);
  gtk_widget_class_bind_template_child (widget_class, LwEvidencePage, default_group);
  gtk_widget_class_bind_template_child (widget_class, LwEvidencePage, camera_group);
  gtk_widget_class_bind_template_child (widget_class, LwEvidencePage, native_group);
  gtk_widget_class_bind_template_child (widget_class, LwEvidencePage, interfaces_group);
  gtk_widget_class_bind_template_child (widget_class, LwEvidencePage, routes_group);
  gtk_widget_class_bind_template_child (widget_class, LwEvidencePage, stun_group);
}

static void
lw_evidence_page_init (LwEvidencePage *self)
{
  self->rows = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}
