/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lw-text"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "lw-text.h"

/* The text form of a report, for people: the verdict in one line, the
 * findings in plain words, then the evidence as aligned tables. */

typedef struct
{
  guint      n_columns;
  GPtrArray *cells;   /* char*, row-major; the first row is the header */
} Table;

static Table *
table_new (guint n_columns, ...)
{
  Table *t = g_new0 (Table, 1);
  va_list args;

  t->n_columns = n_columns;
  t->cells = g_ptr_array_new_with_free_func (g_free);

  va_start (args, n_columns);
  for (guint i = 0; i < n_columns; i++)
    g_ptr_array_add (t->cells, g_strdup (va_arg (args, const char *)));
  va_end (args);

  return t;
}

/* Adds one cell; NULL shows as "-". Takes ownership of @value. */
static void
table_take (Table *t,
            char  *value)
{
  g_ptr_array_add (t->cells, value != NULL ? value : g_strdup ("-"));
}

static void
table_add (Table      *t,
           const char *value)
{
  table_take (t, g_strdup (value));
}

static void
table_print (Table   *t,
             GString *out)
{
  g_autofree guint *widths = g_new0 (guint, t->n_columns);

  for (guint i = 0; i < t->cells->len; i++)
    widths[i % t->n_columns] = MAX (widths[i % t->n_columns],
                                    g_utf8_strlen (g_ptr_array_index (t->cells, i), -1));

  for (guint i = 0; i < t->cells->len; i++)
    {
      const char *cell = g_ptr_array_index (t->cells, i);
      guint col = i % t->n_columns;

      if (col == 0)
        g_string_append (out, "  ");
      g_string_append (out, cell);
      if (col + 1 < t->n_columns)
        {
          for (guint pad = g_utf8_strlen (cell, -1); pad < widths[col] + 2; pad++)
            g_string_append_c (out, ' ');
        }
      else
        g_string_append_c (out, '\n');
    }

  g_ptr_array_unref (t->cells);
  g_free (t);
}

/* How the text report tags a line: "  " and @names[@which], the
 * glossary's word (docs/GLOSSARY.md), in capitals and padded by characters
 * to the widest of @names, then two spaces, so that what follows starts
 * in one column. */
static char *
capital_tag (const char * const *names,
             guint               n_names,
             guint               which)
{
  g_autofree char *label = g_utf8_strup (names[which], -1);
  glong width = 0;

  for (guint i = 0; i < n_names; i++)
    {
      g_autofree char *other = g_utf8_strup (names[i], -1);

      width = MAX (width, g_utf8_strlen (other, -1));
    }
  return g_strdup_printf ("  %s%*s  ", label, (int) (width - g_utf8_strlen (label, -1)), "");
}

/* "      How: text": one line, however long; a line break in @text goes
 * on under the text. Wrapping is the terminal's business
 * (lw_text_wrap()): a copied report keeps its sentences whole. */
static void
append_wrapped (GString    *out,
                const char *label,
                const char *text)
{
  g_auto(GStrv) lines = NULL;
  glong hang;

  if (text == NULL || *text == '\0')
    return;

  g_string_append_printf (out, "      %s ", label);
  hang = 6 + g_utf8_strlen (label, -1) + 1;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_printf (out, "%*s", (int) hang, "");
      g_string_append (out, lines[i]);
      g_string_append_c (out, '\n');
    }
}

/* @line, wrapped at @width with the lines after the first indented by
 * @hang; no line ends in a space. A word longer than the room has a line
 * of its own. */
static void
wrap_line (GString    *out,
           const char *line,
           glong       width,
           glong       hang)
{
  g_auto(GStrv) words = NULL;
  g_autofree char *head = NULL;
  const char *rest;
  glong column, room;
  gboolean first_word = TRUE;

  /* What comes before the hang stays as it is: indent, label, padding. */
  rest = g_utf8_offset_to_pointer (line, MIN (hang, g_utf8_strlen (line, -1)));
  head = g_strndup (line, rest - line);
  g_string_append (out, head);
  column = g_utf8_strlen (head, -1);
  room = MAX (width, hang + 20);

  words = g_strsplit (rest, " ", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      glong len = g_utf8_strlen (words[i], -1);

      if (len == 0)
        continue;
      if (!first_word && column + 1 + len > room)
        {
          g_string_append_c (out, '\n');
          g_string_append_printf (out, "%*s", (int) hang, "");
          column = hang;
        }
      else if (!first_word)
        {
          g_string_append_c (out, ' ');
          column++;
        }
      g_string_append (out, words[i]);
      column += len;
      first_word = FALSE;
    }
  /* Trailing spaces of the head alone (a label and nothing after it). */
  while (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);
  g_string_append_c (out, '\n');
}

/* Where a long line's next lines start: under the text after its label
 * ("How: ", "Setting: ") or after its padded level ("LEAK     "), else
 * under its indent. */
static glong
hang_of (const char *line)
{
  glong lead = 0, end;
  const char *p = line;

  while (*p == ' ')
    p++, lead++;
  /* A finding's line: its level's tag, then the summary. */
  for (int level = LW_LEVEL_NOTE; level <= LW_LEVEL_LEAK; level++)
    {
      g_autofree char *tag = lw_text_level_tag (level);

      if (g_str_has_prefix (line, tag))
        return g_utf8_strlen (tag, -1);
    }
  end = lead;
  while (p[end - lead] != '\0' && p[end - lead] != ' ')
    end++;
  if (end > lead && end - lead <= 24 && line[end] == ' ' &&
      (line[end - 1] == ':' || (g_ascii_isupper (line[lead]) && g_ascii_isupper (line[end - 1]))))
    {
      while (line[end] == ' ')
        end++;
      /* Byte offsets so far: the label is ASCII or not, count characters. */
      return g_utf8_strlen (line, end);
    }
  return lead;
}

/**
 * lw_text_wrap:
 * @text: lines, such as lw_text_format_report() makes
 * @width: the terminal's width, in characters
 *
 * Returns: (transfer full): @text with every line wrapped at @width, with
 *   a hanging indent under its label, and no line ending in a space
 */
char *
lw_text_wrap (const char *text,
              guint       width)
{
  GString *out = g_string_new (NULL);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strchomp (lines[i]);
      if (lines[i + 1] == NULL && *lines[i] == '\0')
        break;
      if ((guint) g_utf8_strlen (lines[i], -1) <= width)
        {
          g_string_append (out, lines[i]);
          g_string_append_c (out, '\n');
        }
      else
        wrap_line (out, lines[i], width, hang_of (lines[i]));
    }
  return g_string_free (out, FALSE);
}

/**
 * lw_text_level_tag:
 *
 * Returns: (transfer full): how a finding's line in the text report
 *   starts: "  LEAK", padded by characters to the widest level, and a space
 */
char *
lw_text_level_tag (LwLevel level)
{
  const char *names[LW_LEVEL_LEAK + 1];

  for (int l = LW_LEVEL_NOTE; l <= LW_LEVEL_LEAK; l++)
    names[l] = lw_level_name (l);
  return capital_tag (names, G_N_ELEMENTS (names), level);
}

static char *
ms_text (int ms)
{
  return ms >= 0 ? g_strdup_printf ("%d ms", ms) : NULL;
}

static void
append_findings (GString  *out,
                 LwReport *report)
{
  GPtrArray *findings = lw_report_get_findings (report);

  g_string_append_printf (out, "\n%s\n", _("Findings"));
  if (findings->len == 0)
    g_string_append_printf (out, "  %s\n", _("None: no browser mode exposes an address outside the VPN."));

  for (guint i = 0; i < findings->len; i++)
    {
      const LwFinding *f = g_ptr_array_index (findings, i);

      g_autofree char *tag = lw_text_level_tag (f->level);

      g_string_append_printf (out, "%s%s\n", tag, f->summary);
      append_wrapped (out, _("How:"), f->detail);
      append_wrapped (out, _("Fix:"), f->advice);
    }
}

/**
 * lw_browser_hide_is_enough:
 *
 * Returns: whether hiding the address (default route only, no host
 *   addresses) is enough for @s on the network of @report, so that the
 *   fix need not turn WebRTC off (or send no UDP)
 */
gboolean
lw_browser_hide_is_enough (LwReport             *report,
                           const LwBrowserSetup *s)
{
  LwBrowserProfile hide = { s->label, LW_WEBRTC_MODE_3, TRUE, LW_WEBRTC_MODE_3, TRUE, s->modes.per_destination };

  return lw_analyzer_modes_are_enough (lw_report_get_evidence (report), NULL, &hide);
}

/**
 * lw_text_browser_sees:
 * @camera: for pages with camera permission, rather than any page
 *
 * Returns: (transfer full): what those pages of one browser see, in one
 *   line: the same words for every view
 */
char *
lw_text_browser_sees (const LwBrowserVerdict *v,
                      gboolean                camera)
{
  GPtrArray *addresses = camera ? v->camera_pages : v->every_page;
  LwWebrtcMode mode = camera ? v->setup->modes.camera : v->setup->modes.ordinary;

  if (mode == LW_WEBRTC_DISABLED)
    return g_strdup (_("nothing: WebRTC is off"));
  if (addresses->len > 0)
    {
      g_autofree char *list = lw_text_join_list (addresses);

      return camera ? g_strdup_printf (_("also %s"), list) : g_steal_pointer (&list);
    }
  if (camera && v->every_page->len > 0)
    return g_strdup (_("the same"));
  switch (v->status)
    {
    case LW_STATUS_UNPROTECTED:
      return g_strdup (_("no more than any site: there is no VPN"));
    case LW_STATUS_UNKNOWN:
    case LW_STATUS_CHECKING:
      return g_strdup (_("not known: the check was incomplete"));
    case LW_STATUS_PROTECTED:
    case LW_STATUS_WARNING:
    case LW_STATUS_LEAK:
    default:
      return g_strdup (_("nothing outside the tunnel"));
    }
}

/**
 * lw_text_browsers_stand_in:
 * @verdicts: (element-type LwBrowserVerdict): a report's browsers
 *
 * Returns: (nullable): when no browser was found, so that the engines'
 *   defaults stand in, the sentence that says so, the same in every view;
 *   %NULL when the browsers are real ones (or there are none)
 */
const char *
lw_text_browsers_stand_in (GPtrArray *verdicts)
{
  const LwBrowserVerdict *first;

  g_return_val_if_fail (verdicts != NULL, NULL);

  if (verdicts->len == 0)
    return NULL;
  first = g_ptr_array_index (verdicts, 0);
  if (!first->setup->stand_in)
    return NULL;
  return _("No browser was found: Chromium’s and Firefox’s defaults stand in for the ones "
           "there may be.");
}

/**
 * lw_text_apps_note:
 *
 * Returns: what the browsers' verdicts do not cover, in one sentence
 */
const char *
lw_text_apps_note (void)
{
  return _("Apps built on Electron (Slack, Discord, Teams, Signal) are not browsers: they gather "
           "on every interface, and no browser setting reaches them. The findings say what they "
           "see.");
}

/* A browser's status as the text report tags it: the glossary's name in
 * capitals, padded by characters to the widest. */
static char *
status_tag (LwStatus status)
{
  const LwStatus all[] = { LW_STATUS_PROTECTED, LW_STATUS_WARNING, LW_STATUS_LEAK,
                           LW_STATUS_UNPROTECTED, LW_STATUS_UNKNOWN };
  const char *names[G_N_ELEMENTS (all)];
  guint which = G_N_ELEMENTS (all) - 1;   /* checking: unknown */

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    {
      names[i] = lw_status_name (all[i]);
      if (all[i] == status)
        which = i;
    }
  return capital_tag (names, G_N_ELEMENTS (names), which);
}

static void
append_browsers (GString   *out,
                 LwReport  *report)
{
  GPtrArray *verdicts = lw_report_get_browsers (report);
  const char *stand_in = lw_text_browsers_stand_in (verdicts);

  g_string_append_printf (out, "\n%s\n", _("Browsers"));
  if (stand_in != NULL)
    g_string_append_printf (out, "  %s\n", stand_in);
  for (guint i = 0; i < verdicts->len; i++)
    {
      const LwBrowserVerdict *v = g_ptr_array_index (verdicts, i);
      const LwBrowserSetup *s = v->setup;
      g_autofree char *setting = g_strdup_printf ("%s (%s)", s->setting ? s->setting : "-",
                                                  s->source ? s->source : "-");
      g_autofree char *ordinary = lw_text_browser_sees (v, FALSE);
      g_autofree char *camera = lw_text_browser_sees (v, TRUE);

      g_autofree char *tag = status_tag (v->status);

      g_string_append_printf (out, "%s%s\n", tag, s->label);
      append_wrapped (out, _("Setting:"), setting);
      if (s->unverified != NULL)
        append_wrapped (out, _("Unverified:"), _("its setting could not be read, so its defaults are assumed."));
      append_wrapped (out, _("Every page sees:"), ordinary);
      append_wrapped (out, _("Camera pages see:"), camera);
      if (s->pending != NULL)
        append_wrapped (out, _("Waiting:"), s->pending);
      if (s->path != NULL)
        append_wrapped (out, _("Profile:"), s->path);
      if (!s->stand_in && (v->every_page->len > 0 || v->camera_pages->len > 0))
        {
          g_autofree char *command = NULL;
          g_autofree char *steps = lw_browser_setup_fix_steps (s, lw_browser_hide_is_enough (report, s),
                                                               &command);

          append_wrapped (out, _("Fix:"), steps);
          if (command != NULL)
            g_string_append_printf (out, "        %s\n", command);
        }
    }
  g_string_append_c (out, '\n');
  append_wrapped (out, _("Note:"), lw_text_apps_note ());
}

/**
 * lw_text_format_browsers:
 *
 * Returns: (transfer full): the browsers of @report as text for people,
 *   as `leakwatch --browsers` prints them
 */
char *
lw_text_format_browsers (LwReport *report)
{
  GString *out = g_string_new (NULL);
  g_autofree char *headline = lw_report_dup_headline (report);

  g_string_append_printf (out, "%s\n", headline);
  append_browsers (out, report);
  return g_string_free (out, FALSE);
}

static void
append_evidence (GString          *out,
                 const LwEvidence *ev,
                 const LwTimings  *timings)
{
  Table *t;

  g_string_append_printf (out, "\n%s\n", _("VPN"));
  g_string_append_printf (out, "  %s (%s: %s)\n",
                          ev->vpn->active ? _("active") : _("none"),
                          _("source"), lw_vpn_source_to_string (ev->vpn->source));
  if (ev->vpn->note != NULL)
    g_string_append_printf (out, "  %s\n", ev->vpn->note);
  if (ev->vpn->connections->len > 0)
    {
      t = table_new (4, _("CONNECTION"), _("TYPE"), _("INTERFACE"), _("STATE"));
      for (guint i = 0; i < ev->vpn->connections->len; i++)
        {
          const LwVpnConnection *c = g_ptr_array_index (ev->vpn->connections, i);

          table_add (t, c->name);
          table_add (t, c->type);
          table_add (t, c->interface);
          table_add (t, c->state);
        }
      table_print (t, out);
    }

  g_string_append_printf (out, "\n%s\n", _("Interfaces"));
  t = table_new (4, _("INTERFACE"), _("KIND"), _("ADDRESS"), _("CLASS"));
  for (guint i = 0; i < ev->interfaces->len; i++)
    {
      const LwInterface *iface = g_ptr_array_index (ev->interfaces, i);

      for (guint j = 0; j < MAX (iface->addresses->len, 1); j++)
        {
          const LwIfAddress *a = j < iface->addresses->len ? g_ptr_array_index (iface->addresses, j) : NULL;

          table_add (t, j == 0 ? iface->name : "");
          table_add (t, j == 0 ? lw_interface_kind_to_string (iface->kind) : "");
          table_take (t, a ? g_strdup_printf ("%s/%u", a->address, a->prefix) : NULL);
          table_add (t, a ? lw_address_class_to_string (a->klass) : NULL);
        }
    }
  table_print (t, out);
  g_string_append_printf (out, "  %s IPv4 %s, IPv6 %s\n", _("Default route from:"),
                          ev->default_ipv4 ? ev->default_ipv4 : _("none"),
                          ev->default_ipv6 ? ev->default_ipv6 : _("none"));

  if (ev->routes->len > 0)
    {
      g_string_append_printf (out, "\n%s\n", _("Routes (the way each request leaves)"));
      t = table_new (5, _("FOR"), _("TARGET"), _("FROM"), _("LEAVES BY"), _("ROUTE"));
      for (guint i = 0; i < ev->routes->len; i++)
        {
          const LwRoute *r = g_ptr_array_index (ev->routes, i);

          table_add (t, lw_route_purpose_to_string (r->purpose));
          table_add (t, r->target);
          table_add (t, r->source ? r->source : r->preferred_source);
          table_add (t, r->error ? _("nowhere") : r->interface);
          if (r->error != NULL && r->prefix != NULL)
            {
              g_autofree char *route = lw_route_describe (r);

              table_take (t, g_strdup_printf ("%s (%s)", r->error, route));
            }
          else
            table_take (t, lw_route_describe (r));
        }
      table_print (t, out);
    }

  g_string_append_printf (out, "\n%s\n", _("Candidates"));
  t = table_new (7, _("PROBE"), _("MODE"), _("TYPE"), _("ADDRESS"), _("BASE"), _("INTERFACE"), _("SERVER"));
  for (guint i = 0; i < ev->candidates->len; i++)
    {
      const LwCandidate *c = g_ptr_array_index (ev->candidates, i);

      table_add (t, lw_probe_kind_to_string (c->probe));
      table_add (t, lw_gather_mode_to_string (c->mode));
      table_add (t, lw_candidate_type_to_string (c->type));
      table_add (t, c->address);
      table_add (t, c->base);
      table_add (t, c->interface);
      table_add (t, c->server);
    }
  table_print (t, out);

  g_string_append_printf (out, "\n%s\n", _("STUN requests"));
  t = table_new (7, _("PROBE"), _("BASE"), _("SERVER"), _("RESULT"), _("MAPPED"), _("TIME"), _("DETAIL"));
  for (guint i = 0; i < ev->stun_results->len; i++)
    {
      const LwStunResult *r = g_ptr_array_index (ev->stun_results, i);

      table_add (t, lw_probe_kind_to_string (r->probe));
      table_add (t, r->base);
      table_add (t, r->server);
      table_add (t, lw_result_to_string (r->result));
      table_add (t, r->mapped);
      table_take (t, ms_text (r->rtt_ms));
      table_add (t, r->error ? r->error : "");
    }
  table_print (t, out);

  g_string_append_printf (out, "\n%s\n", _("Public addresses (HTTPS)"));
  t = table_new (7, _("FAMILY"), _("PATH"), _("RESULT"), _("ADDRESS"), _("TIME"), _("URL"), _("DETAIL"));
  for (guint i = 0; i < ev->public_addresses->len; i++)
    {
      const LwPublicAddress *pa = g_ptr_array_index (ev->public_addresses, i);

      table_add (t, pa->family == 6 ? "IPv6" : pa->family == 4 ? "IPv4" : "-");
      table_add (t, lw_http_path_to_string (pa->path));
      table_add (t, lw_result_to_string (pa->result));
      table_add (t, pa->address);
      table_take (t, ms_text (pa->ms));
      table_add (t, pa->url);
      table_add (t, pa->error ? pa->error : "");
    }
  table_print (t, out);

  g_string_append_printf (out, "\n%s %d ms (%s %d, VPN %d, DNS %d, %s %d, %s %d, HTTPS %d)\n",
                          _("Check took"), timings->total_ms,
                          _("interfaces"), timings->interfaces_ms, timings->vpn_ms,
                          timings->resolve_ms, _("bound"), timings->bound_ms,
                          _("browser"), timings->browser_ms, timings->https_ms);
}

/**
 * lw_text_join_list:
 * @items: (element-type utf8): what to list
 *
 * Returns: (transfer full): @items for a sentence, "A, B and C"; the
 *   array is left as it was
 */
char *
lw_text_join_list (GPtrArray *items)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < items->len; i++)
    {
      const char *item = g_ptr_array_index (items, i);

      if (i == 0)
        g_string_append (out, item);
      else
        /* Translators: joins a list for a sentence: "A, B and C" */
        g_string_append_printf (out, i + 1 < items->len ? _(", %s") : _(" and %s"), item);
    }
  return g_string_free (out, FALSE);
}

/**
 * lw_text_format_report:
 *
 * Returns: (transfer full): the report as text for people.
 */
char *
lw_text_format_report (LwReport *report)
{
  GString *out = g_string_new (NULL);
  g_autofree char *headline = lw_report_dup_headline (report);

  g_string_append_printf (out, "%s\n", headline);
  append_findings (out, report);
  if (lw_report_get_browsers (report)->len > 0)
    append_browsers (out, report);
  append_evidence (out, lw_report_get_evidence (report), lw_report_get_timings (report));

  return g_string_free (out, FALSE);
}

/**
 * lw_text_sentence:
 * @phrase: words that may start in lower case ("confirmed in Firefox: …")
 *
 * Returns: (transfer full): @phrase with its first letter a capital, in
 *   any script
 */
char *
lw_text_sentence (const char *phrase)
{
  const char *rest;
  g_autofree char *first = NULL;

  if (phrase == NULL || *phrase == '\0')
    return g_strdup ("");
  rest = g_utf8_next_char (phrase);
  first = g_utf8_strup (phrase, rest - phrase);
  return g_strconcat (first, rest, NULL);
}
