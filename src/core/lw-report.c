/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lw-report"

#include "config.h"

#include <glib/gi18n.h>

#include "lw-report.h"
#include "lw-text.h"

/* An LwReport is immutable: the single source of truth that the command
 * line, the D-Bus API and the views all render. */

struct _LwReport
{
  GObject     parent_instance;

  LwEvidence *evidence;
  LwReport   *evidence_of;   /* the report whose evidence this one reads, or NULL: its own */
  GPtrArray  *findings;
  GPtrArray  *browsers;   /* LwBrowserVerdict */
  GPtrArray  *confirmations;  /* LwConfirmation */
  LwStatus    status;
  gint64      time_unix;
  LwTimings   timings;
};

G_DEFINE_FINAL_TYPE (LwReport, lw_report, G_TYPE_OBJECT)

static void
lw_report_finalize (GObject *object)
{
  LwReport *self = (LwReport *) object;

  if (self->evidence_of != NULL)
    g_clear_object (&self->evidence_of);
  else
    g_clear_pointer (&self->evidence, lw_evidence_free);
  g_clear_pointer (&self->findings, g_ptr_array_unref);
  g_clear_pointer (&self->browsers, g_ptr_array_unref);
  g_clear_pointer (&self->confirmations, g_ptr_array_unref);

  G_OBJECT_CLASS (lw_report_parent_class)->finalize (object);
}

static void
lw_report_class_init (LwReportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lw_report_finalize;
}

static void
lw_report_init (LwReport *self)
{
  self->browsers = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_browser_verdict_free);
  self->confirmations = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_confirmation_free);
}

static GPtrArray *
copy_strings (GPtrArray *strings)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; strings != NULL && i < strings->len; i++)
    g_ptr_array_add (copy, g_strdup (g_ptr_array_index (strings, i)));
  return copy;
}

void
lw_confirmation_free (LwConfirmation *self)
{
  if (self == NULL)
    return;
  g_free (self->browser);
  g_free (self->desktop_id);
  g_free (self->setting);
  g_free (self->source);
  g_free (self->summary);
  g_clear_pointer (&self->real, g_ptr_array_unref);
  g_clear_pointer (&self->local, g_ptr_array_unref);
  g_clear_pointer (&self->unexpected, g_ptr_array_unref);
  g_clear_pointer (&self->candidates, g_ptr_array_unref);
  g_free (self->user_agent);
  g_free (self);
}

LwConfirmation *
lw_confirmation_copy (const LwConfirmation *self)
{
  LwConfirmation *copy = g_new0 (LwConfirmation, 1);

  copy->browser = g_strdup (self->browser);
  copy->desktop_id = g_strdup (self->desktop_id);
  copy->setting = g_strdup (self->setting);
  copy->source = g_strdup (self->source);
  copy->camera = self->camera;
  copy->time_unix = self->time_unix;
  copy->summary = g_strdup (self->summary);
  copy->real = copy_strings (self->real);
  copy->local = copy_strings (self->local);
  copy->unexpected = copy_strings (self->unexpected);
  copy->candidates = copy_strings (self->candidates);
  copy->user_agent = g_strdup (self->user_agent);
  return copy;
}

/**
 * lw_report_set_confirmations:
 * @confirmations: (transfer full) (element-type LwConfirmation): what the
 *   browsers' own pages showed
 *
 * Part of making a report, before anyone sees it.
 */
void
lw_report_set_confirmations (LwReport  *self,
                             GPtrArray *confirmations)
{
  g_return_if_fail (LW_IS_REPORT (self));
  g_return_if_fail (confirmations != NULL);

  g_ptr_array_unref (self->confirmations);
  self->confirmations = confirmations;
}

/**
 * lw_report_get_confirmations:
 *
 * Returns: (transfer none) (element-type LwConfirmation): what the
 *   browsers' own pages showed, oldest first
 */
GPtrArray *
lw_report_get_confirmations (LwReport *self)
{
  g_return_val_if_fail (LW_IS_REPORT (self), NULL);
  return self->confirmations;
}

/**
 * lw_report_new:
 * @evidence: (transfer full): what the probes found
 * @findings: (transfer full): what the analyzer made of it
 */
LwReport *
lw_report_new (LwEvidence      *evidence,
               GPtrArray       *findings,
               LwStatus         status,
               gint64           time_unix,
               const LwTimings *timings)
{
  LwReport *self = g_object_new (LW_TYPE_REPORT, NULL);

  self->evidence = evidence;
  self->findings = findings;
  self->status = status;
  self->time_unix = time_unix;
  if (timings != NULL)
    self->timings = *timings;

  return self;
}

/**
 * lw_report_new_from_evidence_of:
 * @report: the report whose evidence to analyse again
 * @findings: (transfer full): what the analyzer made of it now
 *
 * A new verdict on the same check: when only the browsers' settings
 * changed, nothing on the network needs asking again. The new report
 * keeps @report's evidence, time and timings (and @report alive).
 */
LwReport *
lw_report_new_from_evidence_of (LwReport  *report,
                                GPtrArray *findings,
                                LwStatus   status)
{
  LwReport *self = g_object_new (LW_TYPE_REPORT, NULL);

  g_return_val_if_fail (LW_IS_REPORT (report), NULL);

  /* The report that owns the evidence, not a chain of them. */
  self->evidence_of = g_object_ref (report->evidence_of ? report->evidence_of : report);
  self->evidence = report->evidence;
  self->findings = findings;
  self->status = status;
  self->time_unix = report->time_unix;
  self->timings = report->timings;
  return self;
}

/**
 * lw_report_set_browsers:
 * @verdicts: (transfer full) (element-type LwBrowserVerdict): what each
 *   browser exposes, from lw_analyzer_browser_verdicts()
 *
 * Part of making a report, before anyone sees it.
 */
void
lw_report_set_browsers (LwReport  *self,
                        GPtrArray *verdicts)
{
  g_return_if_fail (LW_IS_REPORT (self));
  g_return_if_fail (verdicts != NULL);

  g_ptr_array_unref (self->browsers);
  self->browsers = verdicts;
}

/**
 * lw_report_get_browser_families:
 *
 * Returns: the catalogue's browsers (lw-catalogue.c) that the report
 *   found; none when it found none, or predates the audit
 */
LwBrowsers
lw_report_get_browser_families (LwReport *self)
{
  g_autoptr(GPtrArray) setups = g_ptr_array_new ();

  g_return_val_if_fail (LW_IS_REPORT (self), 0);

  for (guint i = 0; i < self->browsers->len; i++)
    g_ptr_array_add (setups, ((LwBrowserVerdict *) g_ptr_array_index (self->browsers, i))->setup);
  return lw_browser_audit_families (setups);
}

/**
 * lw_report_get_browsers:
 *
 * Returns: (transfer none) (element-type LwBrowserVerdict): the browsers,
 *   found or standing in; empty in reports from before the audit
 */
GPtrArray *
lw_report_get_browsers (LwReport *self)
{
  g_return_val_if_fail (LW_IS_REPORT (self), NULL);
  return self->browsers;
}

LwStatus
lw_report_get_status (LwReport *self)
{
  g_return_val_if_fail (LW_IS_REPORT (self), LW_STATUS_UNKNOWN);
  return self->status;
}

const LwEvidence *
lw_report_get_evidence (LwReport *self)
{
  g_return_val_if_fail (LW_IS_REPORT (self), NULL);
  return self->evidence;
}

GPtrArray *
lw_report_get_findings (LwReport *self)
{
  g_return_val_if_fail (LW_IS_REPORT (self), NULL);
  return self->findings;
}

const LwTimings *
lw_report_get_timings (LwReport *self)
{
  g_return_val_if_fail (LW_IS_REPORT (self), NULL);
  return &self->timings;
}

gint64
lw_report_get_time (LwReport *self)
{
  g_return_val_if_fail (LW_IS_REPORT (self), 0);
  return self->time_unix;
}

static const LwFinding *
first_finding_at (LwReport *self,
                  LwLevel   level)
{
  for (guint i = 0; i < self->findings->len; i++)
    {
      const LwFinding *f = g_ptr_array_index (self->findings, i);

      if (f->level == level)
        return f;
    }
  return NULL;
}

/**
 * lw_report_get_failure:
 *
 * Returns: (transfer none) (nullable): the finding that says the check
 *   could not run, and why; then the report holds no evidence at all
 */
const LwFinding *
lw_report_get_failure (LwReport *self)
{
  g_return_val_if_fail (LW_IS_REPORT (self), NULL);

  for (guint i = 0; i < self->findings->len; i++)
    {
      const LwFinding *f = g_ptr_array_index (self->findings, i);

      if (f->kind == LW_FINDING_CHECK_FAILED)
        return f;
    }
  return NULL;
}

/**
 * lw_report_dup_leaked_addresses:
 * @count: (out) (optional): how many there are
 *
 * Returns: (transfer full) (nullable): every address a leak finding
 *   names, IPv4 first (the one most people know as theirs), as one phrase:
 *   "198.51.100.7 and 2001:db8:77::100"
 */
char *
lw_report_dup_leaked_addresses (LwReport *self,
                                guint    *count)
{
  g_autoptr(GPtrArray) addresses = g_ptr_array_new ();

  g_return_val_if_fail (LW_IS_REPORT (self), NULL);

  for (int family = 4; family <= 6; family += 2)
    for (guint i = 0; i < self->findings->len; i++)
      {
        const LwFinding *f = g_ptr_array_index (self->findings, i);

        if (f->level != LW_LEVEL_LEAK || f->address == NULL ||
            lw_address_family (f->address) != family ||
            g_ptr_array_find_with_equal_func (addresses, f->address, g_str_equal, NULL))
          continue;
        g_ptr_array_add (addresses, f->address);
      }
  if (count != NULL)
    *count = addresses->len;
  if (addresses->len == 0)
    return NULL;

  return lw_text_join_list (addresses);
}

/**
 * lw_report_dup_browsers_at:
 * @status: the status of the browsers to name (leak or warning)
 *
 * Returns: (transfer full) (nullable): the browsers found here whose
 *   verdict is @status, for a sentence ("Firefox and Chromium (profile
 *   Work)"): a browser by its name when all its profiles are at @status,
 *   else each profile; %NULL when none is, or only stand-ins are
 */
char *
lw_report_dup_browsers_at (LwReport *self,
                           LwStatus  status)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  g_return_val_if_fail (LW_IS_REPORT (self), NULL);

  for (guint i = 0; i < self->browsers->len; i++)
    {
      const LwBrowserVerdict *v = g_ptr_array_index (self->browsers, i);
      gboolean all = TRUE;

      if (v->setup->stand_in || v->status != status)
        continue;
      for (guint j = 0; j < self->browsers->len && all; j++)
        {
          const LwBrowserVerdict *w = g_ptr_array_index (self->browsers, j);

          all = !g_str_equal (w->setup->name, v->setup->name) || w->status == status;
        }
      if (!all)
        g_ptr_array_add (names, v->setup->label);
      else if (!g_ptr_array_find_with_equal_func (names, v->setup->name, g_str_equal, NULL))
        g_ptr_array_add (names, v->setup->name);
    }
  return names->len > 0 ? lw_text_join_list (names) : NULL;
}

static char *dup_phrase (LwReport *self);

/**
 * lw_status_name:
 *
 * The one name of each status, in every view: the window's title and
 * tags, the history, the tray, the notifications and the command line
 * (docs/GLOSSARY.md).
 *
 * Returns: "Protected", "Leak", "Warning", "Not protected", "Could not
 *   check" or "Checking…"
 */
const char *
lw_status_name (LwStatus status)
{
  switch (status)
    {
    case LW_STATUS_PROTECTED:   return _("Protected");
    case LW_STATUS_LEAK:        return _("Leak");
    case LW_STATUS_WARNING:     return _("Warning");
    case LW_STATUS_UNPROTECTED: return _("Not protected");
    case LW_STATUS_CHECKING:    return _("Checking…");
    case LW_STATUS_UNKNOWN:
    default:                    return _("Could not check");
    }
}

/**
 * lw_level_name:
 *
 * Returns: the name of a finding's level: a status's name
 *   (lw_status_name()), or "Note"
 */
const char *
lw_level_name (LwLevel level)
{
  switch (level)
    {
    case LW_LEVEL_LEAK:        return lw_status_name (LW_STATUS_LEAK);
    case LW_LEVEL_WARNING:     return lw_status_name (LW_STATUS_WARNING);
    case LW_LEVEL_UNKNOWN:     return lw_status_name (LW_STATUS_UNKNOWN);
    case LW_LEVEL_UNPROTECTED: return lw_status_name (LW_STATUS_UNPROTECTED);
    case LW_LEVEL_NOTE:
    default:                   return _("Note");
    }
}

/**
 * lw_report_dup_sentence:
 *
 * Returns: (transfer full): what the verdict means, in one sentence that
 *   starts with a capital and names no status: "Web pages see only your
 *   VPN's address". The headline is the status's name and this.
 */
char *
lw_report_dup_sentence (LwReport *self)
{
  g_autofree char *phrase = NULL;

  g_return_val_if_fail (LW_IS_REPORT (self), NULL);

  phrase = dup_phrase (self);
  return lw_text_sentence (phrase);
}

/**
 * lw_report_dup_headline:
 *
 * Returns: (transfer full): the verdict in one line, for a tooltip, a
 *   notification or the first line of the text output: "Leak: …"
 */
char *
lw_report_dup_headline (LwReport *self)
{
  g_autofree char *phrase = NULL;

  g_return_val_if_fail (LW_IS_REPORT (self), NULL);

  if (self->status == LW_STATUS_CHECKING)
    return g_strdup (lw_status_name (LW_STATUS_CHECKING));
  phrase = dup_phrase (self);
  /* Translators: %1$s is a status's name ("Leak"), %2$s what it means */
  return g_strdup_printf (_("%1$s: %2$s"), lw_status_name (self->status), phrase);
}

/* What the verdict means, after its status's name. */
static char *
dup_phrase (LwReport *self)
{
  const LwFinding *f;

  switch (self->status)
    {
    case LW_STATUS_PROTECTED:
      return g_strdup (_("web pages see only your VPN's address"));
    case LW_STATUS_LEAK:
      {
        guint n = 0;
        g_autofree char *addresses = lw_report_dup_leaked_addresses (self, &n);
        g_autofree char *browsers = lw_report_dup_browsers_at (self, LW_STATUS_LEAK);

        f = first_finding_at (self, LW_LEVEL_LEAK);
        /* Two families leak: name both, not only the first finding's. And
         * the browsers found that show them, when pages are the ones that
         * see it. */
        if (n > 1 && browsers != NULL)
          /* Translators: %1$s lists addresses, %2$s the browsers that show them */
          return g_strdup_printf (ngettext ("%1$s is visible to web pages in %2$s",
                                            "%1$s are visible to web pages in %2$s", n), addresses, browsers);
        if (n > 1)
          /* Translators: %s lists addresses */
          return g_strdup_printf (ngettext ("%s is visible to web pages", "%s are visible to web pages", n),
                                  addresses);
        /* What it means for the user, in other words than the finding's
         * own title, which the window shows right under it. */
        if (f != NULL && f->address != NULL && f->audience == LW_AUDIENCE_EVERY_PAGE && browsers != NULL)
          /* Translators: %1$s is an address, %2$s the browsers that show it */
          return g_strdup_printf (_("any web page in %2$s can read %1$s, an address outside the VPN"),
                                  f->address, browsers);
        if (f != NULL && f->address != NULL && f->audience == LW_AUDIENCE_EVERY_PAGE)
          return g_strdup_printf (_("any web page can read %s, an address outside the VPN"), f->address);
        if (f != NULL && f->address != NULL && f->audience == LW_AUDIENCE_EVERY_SITE)
          return g_strdup_printf (_("every site you visit sees %s, an address outside the VPN"), f->address);
      }
      return g_strdup (f ? f->summary : _("a real address is visible"));
    case LW_STATUS_WARNING:
      f = first_finding_at (self, LW_LEVEL_WARNING);
      if (f == NULL)
        f = first_finding_at (self, LW_LEVEL_UNKNOWN);
      return g_strdup (f ? f->summary : _("see the report"));
    case LW_STATUS_UNPROTECTED:
      return g_strdup (_("sites see your real address"));
    case LW_STATUS_CHECKING:
      return g_strdup (_("the first check is running"));
    case LW_STATUS_UNKNOWN:
    default:
      f = first_finding_at (self, LW_LEVEL_UNKNOWN);
      return g_strdup (f ? f->summary : _("the check could not finish"));
    }
}
