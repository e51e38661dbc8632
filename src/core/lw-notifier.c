/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lw-notifier"

#include "config.h"

#include <glib/gi18n.h>

#include "lw-notifier.h"

/* Decides what to tell the user about a new report, and only that: a leak
 * when it appears, again only when a new address leaks, and once more when
 * it is over. Warnings the same way, when the user asked for them. Silence
 * in between: a notification for every check would teach people to ignore
 * them. The caller sends the notice with the id LW_NOTIFICATION_ID, so a new
 * one replaces the one before. */

struct _LwNotifier
{
  GObject   parent_instance;

  LwStatus    told_status; /* LW_STATUS_PROTECTED: nothing is being told */
  GHashTable *told;        /* the addresses told about while it lasts */
  gboolean    had_vpn;     /* the last report that could tell saw a VPN up */
  gboolean    vpn_down;    /* tell when the VPN goes */
};

G_DEFINE_FINAL_TYPE (LwNotifier, lw_notifier, G_TYPE_OBJECT)

static void
lw_notifier_finalize (GObject *object)
{
  g_hash_table_unref (LW_NOTIFIER (object)->told);
  G_OBJECT_CLASS (lw_notifier_parent_class)->finalize (object);
}

static void
lw_notifier_class_init (LwNotifierClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lw_notifier_finalize;
}

static void
lw_notifier_init (LwNotifier *self)
{
  self->told_status = LW_STATUS_PROTECTED;
  self->told = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->vpn_down = TRUE;
}

/**
 * lw_notifier_set_notify_vpn_down:
 * @notify_vpn_down: whether a VPN that goes down is told ("VPN
 *   disconnected"), when no leak was being told; on by default
 */
void
lw_notifier_set_notify_vpn_down (LwNotifier *self,
                                 gboolean    notify_vpn_down)
{
  g_return_if_fail (LW_IS_NOTIFIER (self));
  self->vpn_down = notify_vpn_down;
}

LwNotifier *
lw_notifier_new (void)
{
  return g_object_new (LW_TYPE_NOTIFIER, NULL);
}

void
lw_notice_free (LwNotice *self)
{
  if (self == NULL)
    return;
  g_free (self->title);
  g_free (self->body);
  g_free (self);
}

static LwNotice *
notice_new (char     *title,
            char     *body,
            gboolean  urgent,
            LwStatus  status)
{
  LwNotice *self = g_new0 (LwNotice, 1);

  self->title = title;
  self->body = body;
  self->urgent = urgent;
  self->status = status;
  return self;
}

/**
 * lw_notice_to_notification:
 *
 * Returns: (transfer full): the notification; clicking it, or its button,
 *   opens the report (app.show-report)
 */
GNotification *
lw_notice_to_notification (const LwNotice *self)
{
  GNotification *n = g_notification_new (self->title);
  g_autofree char *icon_name = g_strdup_printf ("%s-%s", APP_ID, lw_status_to_string (self->status));
  g_autoptr(GIcon) icon = g_themed_icon_new (icon_name);

  g_notification_set_body (n, self->body);
  g_notification_set_icon (n, icon);
  /* High, not urgent: urgent stays on screen and passes Do Not Disturb,
   * which a leak that lasts for hours must not do. */
  g_notification_set_priority (n, self->urgent ? G_NOTIFICATION_PRIORITY_HIGH
                                               : G_NOTIFICATION_PRIORITY_NORMAL);
  g_notification_set_default_action (n, "app.show-report");
  g_notification_add_button (n, _("Show report"), "app.show-report");
  return n;
}

/* The first finding of @level about an address not told about yet (or
 * with no address, the first of @level when nothing was told). Marks every
 * address of @level as told. */
static const LwFinding *
first_new_at (LwNotifier *self,
              LwReport   *report,
              LwLevel     level)
{
  GPtrArray *findings = lw_report_get_findings (report);
  gboolean nothing_told = g_hash_table_size (self->told) == 0;
  const LwFinding *first = NULL;

  for (guint i = 0; i < findings->len; i++)
    {
      const LwFinding *f = g_ptr_array_index (findings, i);

      if (f->level != level)
        continue;
      if (f->address == NULL)
        {
          if (first == NULL && nothing_told)
            first = f;
          continue;
        }
      if (g_hash_table_add (self->told, g_strdup (f->address)) && first == NULL)
        first = f;
    }
  return first;
}

/* Names the address and who sees it. */
static LwNotice *
notice_for (LwReport        *report,
            const LwFinding *f,
            LwLevel          level,
            gboolean         first_of_leak)
{
  char *title;
  char *body;

  guint n = 0;
  g_autofree char *addresses = lw_report_dup_leaked_addresses (report, &n);
  g_autofree char *browsers = NULL;

  /* A leak's first notice names every address that leaks, both families:
   * the IPv4 one is the one most people know as theirs. Later ones name
   * what is new. */
  if (level == LW_LEVEL_LEAK && n > 1 && first_of_leak)
    /* Translators: %s lists the addresses */
    title = g_strdup_printf (ngettext ("Leak: %s is visible", "Leak: %s are visible", n), addresses);
  else if (level == LW_LEVEL_LEAK)
    title = f && f->address ? g_strdup_printf (ngettext ("Leak: %s is visible", "Leak: %s are visible", 1),
                                               f->address)
                            : g_strdup (_("Leak: your real address is visible"));
  else
    title = f && f->address ? g_strdup_printf (_("Warning: %s is visible to some pages"), f->address)
                            : g_strdup (_("Warning: a real address is visible to some pages"));

  browsers = lw_report_dup_browsers_at (report, level == LW_LEVEL_LEAK ? LW_STATUS_LEAK : LW_STATUS_WARNING);
  if (f != NULL && browsers != NULL)
    /* Translators: the browsers found on this computer that show it, "Firefox and Chromium" */
    body = g_strdup_printf (_("%s\n%s\nBrowsers that show it: %s."), f->summary,
                            lw_audience_describe (f->audience), browsers);
  else
    body = f ? g_strdup_printf ("%s\n%s", f->summary, lw_audience_describe (f->audience))
             : lw_report_dup_headline (report);

  return notice_new (title, body, level == LW_LEVEL_LEAK,
                     level == LW_LEVEL_LEAK ? LW_STATUS_LEAK : LW_STATUS_WARNING);
}

/**
 * lw_notifier_update:
 * @report: the new report
 * @notify: whether the user wants notifications at all
 * @notify_warnings: whether warnings notify too
 *
 * Returns: (transfer full) (nullable): what to tell now, or %NULL when
 *   there is nothing new. What was told is remembered even when @notify
 *   is off, so turning it on later does not replay an old leak.
 */
LwNotice *
lw_notifier_update (LwNotifier *self,
                    LwReport   *report,
                    gboolean    notify,
                    gboolean    notify_warnings)
{
  const LwFinding *fresh;
  gboolean first_of_leak, had_vpn = self->had_vpn;
  LwStatus status, was;
  LwLevel level;
  char *title;

  g_return_val_if_fail (LW_IS_NOTIFIER (self), NULL);
  g_return_val_if_fail (LW_IS_REPORT (report), NULL);

  status = lw_report_get_status (report);
  /* Whether a VPN is up, from the reports that can tell. */
  if (status != LW_STATUS_UNKNOWN && status != LW_STATUS_CHECKING)
    self->had_vpn = lw_report_get_evidence (report)->vpn->active;
  if (status == LW_STATUS_LEAK)
    level = LW_LEVEL_LEAK;
  else if (status == LW_STATUS_WARNING && notify_warnings)
    level = LW_LEVEL_WARNING;
  else
    {
      /* Nothing to tell of (or a warning nobody asked for). If a leak was
       * told, say it is over; "unknown" does not mean it is over. */
      if (status == LW_STATUS_UNKNOWN || status == LW_STATUS_CHECKING)
        return NULL;
      /* The VPN went down while nothing was told: say so once, if asked. */
      if (self->told_status == LW_STATUS_PROTECTED)
        {
          if (!notify || !self->vpn_down || !had_vpn || self->had_vpn)
            return NULL;
          return notice_new (g_strdup (_("VPN disconnected")),
                             g_strdup (_("Sites now see your real address. You can turn this notice off in "
                                         "Preferences.")),
                             FALSE, status);
        }
      was = self->told_status;
      self->told_status = LW_STATUS_PROTECTED;
      g_hash_table_remove_all (self->told);
      /* Warnings were turned off while one showed: stop, quietly. */
      if (!notify || (was == LW_STATUS_WARNING && status == LW_STATUS_WARNING))
        return NULL;

      /* Without a VPN the address is not "leaked" any more, just not
       * hidden, which is worth saying differently. */
      if (status == LW_STATUS_UNPROTECTED)
        title = g_strdup (_("The VPN is down: sites see your real address"));
      else
        title = g_strdup (was == LW_STATUS_LEAK ? _("The leak is gone") : _("The warning is over"));
      return notice_new (title, lw_report_dup_headline (report), FALSE, status);
    }

  /* A leak that becomes a warning, or the reverse, starts afresh. */
  if (self->told_status != status)
    g_hash_table_remove_all (self->told);
  self->told_status = status;

  /* Only an address not told about yet is news; one that drops out for a
   * check and comes back is the same ongoing leak. */
  first_of_leak = g_hash_table_size (self->told) == 0;
  fresh = first_new_at (self, report, level);
  if (fresh == NULL)
    return NULL;
  return notify ? notice_for (report, fresh, level, first_of_leak) : NULL;
}
