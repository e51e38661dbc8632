/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lw-monitor"

#include "config.h"

#ifdef HAVE_MALLOC_TRIM
# include <malloc.h>
#endif

#include "lw-browser-watch.h"
#include "lw-core-enums.h"
#include "lw-monitor.h"

/* Runs checks: at start, on an interval, and whenever the network changes
 * (debounced, so a burst of signals makes one check). Never two at once: a
 * change during a check cancels it and starts again, so a report never
 * mixes two network states. Every report is emitted; a change of status is
 * emitted separately, and `recorded` once the history has saved a report.
 * Idle, it holds one timer and the watch's signals.
 *
 * When only a browser's setting changes (LwBrowserWatch), the last
 * evidence is analysed again, with no network check: a new report at once. */

#define DEBOUNCE_MS 250

struct _LwMonitor
{
  GObject         parent_instance;

  LwCheckOptions *options;
  LwHistory      *history;       /* nullable: monitoring goes on without it */
  LwVpnWatch     *watch;
  LwBrowserWatch *browsers;
  LwCheckOptions *last_options;  /* what the last report's check was told */
  gboolean        reanalyse;     /* the browsers changed during a check */
  GPtrArray      *confirmations; /* LwConfirmation: what browsers' own pages showed */
  GPtrArray      *remembered;    /* LwRememberedAddress */
  char           *history_unreadable;  /* why the remembered addresses could not be read */
  char           *history_unsaved;     /* why the last report could not be saved */

  LwReport       *report;
  gboolean        have_status;
  LwStatus        status;        /* of the last report, or recorded before */

  GCancellable   *check_cancellable;
  gboolean        restart;       /* the network changed during the check */
  guint           restarts;      /* checks dropped since the last report */
  gboolean        follow_up;     /* check again as soon as this one reports */
  gboolean        stopped;
  guint           debounce_source;
  guint           interval_source;
  guint           interval;
  guint           n_checks;
  GCancellable   *cancellable;   /* the monitor's lifetime */
};

G_DEFINE_FINAL_TYPE (LwMonitor, lw_monitor, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_REPORT,
  PROP_CHECKING,
  PROP_HISTORY_PROBLEM,
  N_PROPS
};

enum {
  REPORT,
  STATUS_CHANGED,
  RECORDED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void start_check (LwMonitor *self);
static void publish (LwMonitor *self,
                     LwReport  *report);

static gboolean
on_interval (gpointer data)
{
  LwMonitor *self = data;

  self->interval_source = 0;
  lw_monitor_check_now (self, "interval");
  return G_SOURCE_REMOVE;
}

static void
schedule_interval (LwMonitor *self)
{
  g_clear_handle_id (&self->interval_source, g_source_remove);
  self->interval_source = g_timeout_add_seconds (self->interval, on_interval, self);
}

/* The addresses seen with no VPN up are the real ones: remember them, so
 * a later srflx or HTTPS answer equal to one is recognised. The history
 * keeps them across runs; this copy serves the next check at once. */
static void
remember (LwMonitor *self,
          LwReport  *report)
{
  const LwEvidence *ev = lw_report_get_evidence (report);
  gint64 now = lw_report_get_time (report);

  if (ev->vpn->active)
    return;

  for (guint i = 0; i < ev->public_addresses->len; i++)
    {
      const LwPublicAddress *pa = g_ptr_array_index (ev->public_addresses, i);
      gboolean known = FALSE;

      if (!lw_public_address_is_answered_direct (pa))
        continue;

      for (guint j = 0; j < self->remembered->len; j++)
        {
          LwRememberedAddress *r = g_ptr_array_index (self->remembered, j);

          if (g_strcmp0 (r->address, pa->address) == 0)
            {
              r->last_seen = now;
              known = TRUE;
            }
        }
      if (!known)
        g_ptr_array_add (self->remembered, lw_remembered_address_new (pa->family, pa->address, now, now));
    }
}

/* Adds what the history remembers to what this run has seen. Returns
 * FALSE, with @error set, when the history cannot be read. */
static gboolean
read_remembered (LwMonitor  *self,
                 GError    **error)
{
  g_autoptr(GPtrArray) stored = lw_history_get_remembered (self->history, error);

  if (stored == NULL)
    return FALSE;

  for (guint i = 0; i < stored->len; i++)
    {
      LwRememberedAddress *s = g_ptr_array_index (stored, i);
      gboolean known = FALSE;

      for (guint j = 0; j < self->remembered->len && !known; j++)
        {
          LwRememberedAddress *r = g_ptr_array_index (self->remembered, j);

          known = r->family == s->family && g_strcmp0 (r->address, s->address) == 0;
        }
      if (!known)
        g_ptr_array_add (self->remembered,
                         lw_remembered_address_new (s->family, s->address, s->first_seen,
                                                    s->last_seen));
    }
  return TRUE;
}

/* The history cannot be written (a full disk, a read-only folder), or it
 * can again. The report on show must say so, or stop saying it: one more
 * check makes a report that does. The history itself keeps every report
 * that failed and writes it with the next one. */
static void
on_recorded (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(LwMonitor) self = data;
  LwHistory *history = LW_HISTORY (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *notice = NULL;
  g_autofree char *problem = NULL;
  gboolean changed = FALSE;

  if (!lw_history_record_finish (history, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_message ("%s", error->message);
    }
  else
    {
      /* Only now can a reader of the history find the report: the
       * report signal came before the worker wrote it. */
      g_signal_emit (self, signals[RECORDED], 0);
    }
  /* A file damaged while running has been moved aside: say so once. */
  if ((notice = lw_history_take_recovery_notice (history)) != NULL)
    g_message ("%s", notice);

  problem = lw_history_dup_save_problem (history, NULL);
  if (g_strcmp0 (problem, self->history_unsaved) != 0)
    {
      g_free (self->history_unsaved);
      self->history_unsaved = g_steal_pointer (&problem);
      changed = TRUE;
    }
  /* Written, so readable again: what it remembers counts once more. */
  if (self->history_unsaved == NULL && self->history_unreadable != NULL &&
      read_remembered (self, NULL))
    {
      g_clear_pointer (&self->history_unreadable, g_free);
      changed = TRUE;
    }

  if (!changed || self->stopped)
    return;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HISTORY_PROBLEM]);
  if (self->check_cancellable == NULL)
    start_check (self);
  else
    self->follow_up = TRUE;
}

/* A check that could not run says so: its report withdraws the last
 * verdict, on the bus and in the history, rather than let an old
 * "protected" stand. */
static LwReport *
failure_report (LwMonitor    *self,
                const GError *error)
{
  LwAnalyzerOptions options = {
    .have_previous = self->have_status,
    .previous_status = self->status,
  };
  LwStatus status;
  GPtrArray *findings = lw_analyzer_check_failed (error, &options, &status);

  return lw_report_new (lw_evidence_new (), findings, status,
                        g_get_real_time () / G_USEC_PER_SEC, NULL);
}

/* A new report: kept, recorded, and told. */
static void
publish (LwMonitor *self,
         LwReport  *report)
{
  gboolean had_status = self->have_status;
  LwStatus old_status = self->status;
  GPtrArray *confirmations = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_confirmation_free);

  /* Every report carries what the browsers' own pages showed. */
  for (guint i = 0; i < self->confirmations->len; i++)
    g_ptr_array_add (confirmations, lw_confirmation_copy (g_ptr_array_index (self->confirmations, i)));
  lw_report_set_confirmations (report, confirmations);
  g_set_object (&self->report, report);
  self->status = lw_report_get_status (report);
  self->have_status = TRUE;
  /* No cancellable: a report, once made, is always recorded. */
  if (self->history != NULL)
    lw_history_record_async (self->history, report, NULL, on_recorded, g_object_ref (self));

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPORT]);
  g_signal_emit (self, signals[REPORT], 0, report);
  if (!had_status || old_status != self->status)
    g_signal_emit (self, signals[STATUS_CHANGED], 0,
                   had_status ? old_status : LW_STATUS_CHECKING, self->status);
}

static void
on_check_done (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  g_autoptr(LwMonitor) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(LwReport) report = lw_check_run_finish (result, &error);

  g_clear_object (&self->check_cancellable);

  if (report == NULL)
    {
      if (self->stopped || g_cancellable_is_cancelled (self->cancellable))
        return;  /* the monitor is going away */
      if (self->restart)
        {
          /* The network changed mid-check: check the new one. */
          self->restart = FALSE;
          start_check (self);
          return;
        }
      g_message ("The check failed: %s", error->message);
      report = failure_report (self, error);
    }
  else
    {
      self->n_checks++;
      remember (self, report);
    }
  self->restarts = 0;

  publish (self, report);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHECKING]);
  /* The browsers changed while it ran, after its audit: say so now. */
  if (self->reanalyse && lw_report_get_failure (report) == NULL)
    {
      g_autoptr(LwReport) again = NULL;

      self->reanalyse = FALSE;
      again = lw_check_reanalyse (report, self->last_options, lw_browser_watch_get_setups (self->browsers));
      publish (self, again);
    }

#ifdef HAVE_MALLOC_TRIM
  /* A check allocates a few megabytes (TLS, the resolver, libnice) and
   * frees them; hand the pages back, so the monitor stays small between
   * checks instead of keeping the peak for good. */
  malloc_trim (0);
#endif

  /* A change that came during this check, and was let finish so that a
   * report comes at all, gets a check of its own now; so does one that
   * came while a check failed. */
  if (self->restart || self->follow_up)
    {
      self->restart = FALSE;
      self->follow_up = FALSE;
      start_check (self);
      return;
    }
  schedule_interval (self);
}

static void
start_check (LwMonitor *self)
{
  g_autoptr(LwCheckOptions) options = NULL;

  if (self->stopped)
    return;
  options = lw_check_options_copy (self->options);

  g_clear_handle_id (&self->interval_source, g_source_remove);

  g_clear_pointer (&options->remembered, g_ptr_array_unref);
  options->remembered = g_ptr_array_ref (self->remembered);
  g_free (options->history_unreadable);
  options->history_unreadable = g_strdup (self->history_unreadable);
  g_free (options->history_unsaved);
  options->history_unsaved = g_strdup (self->history_unsaved);
  options->have_previous = self->have_status;
  options->previous_status = self->status;
  /* The browsers as the watch last audited them; before its first audit,
   * the check audits them itself. */
  g_clear_pointer (&options->browsers, g_ptr_array_unref);
  if (lw_browser_watch_get_setups (self->browsers) != NULL)
    options->browsers = g_ptr_array_ref (lw_browser_watch_get_setups (self->browsers));
  /* The browsers' own test pages, shared: a test that ends during the
   * check counts in its verdict. */
  g_clear_pointer (&options->confirmations, g_ptr_array_unref);
  options->confirmations = g_ptr_array_ref (self->confirmations);
  g_clear_pointer (&self->last_options, lw_check_options_free);
  self->last_options = lw_check_options_copy (options);
  self->reanalyse = FALSE;

  self->check_cancellable = g_cancellable_new ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHECKING]);
  lw_check_run_async (options, self->check_cancellable, on_check_done, g_object_ref (self));
}

/**
 * lw_monitor_check_now:
 *
 * Checks now, unless a check is already running: its report is the one
 * asked for.
 */
void
lw_monitor_check_now (LwMonitor  *self,
                      const char *reason)
{
  g_return_if_fail (LW_IS_MONITOR (self));

  g_debug ("check requested: %s", reason);
  if (self->check_cancellable != NULL)
    return;
  start_check (self);
}

static gboolean
on_debounced (gpointer data)
{
  LwMonitor *self = data;

  self->debounce_source = 0;
  if (self->check_cancellable != NULL)
    {
      /* A report must not mix two network states: drop this one, once.
       * If the network keeps changing (a VPN in a reconnect loop, a
       * flapping link), dropping every check would mean no report at all,
       * and the old one standing: let this one finish, then check again. */
      if (self->restarts > 0)
        {
          self->follow_up = TRUE;
          return G_SOURCE_REMOVE;
        }
      self->restarts++;
      self->restart = TRUE;
      g_cancellable_cancel (self->check_cancellable);
      return G_SOURCE_REMOVE;
    }
  start_check (self);
  return G_SOURCE_REMOVE;
}

/* A browser's setting changed: a new verdict on the last evidence, now;
 * a check running has the old settings, so it is analysed again when it
 * ends. */
static void
on_browsers_changed (LwBrowserWatch *watch,
                     gpointer        data)
{
  LwMonitor *self = data;
  g_autoptr(LwReport) again = NULL;

  g_debug ("the browsers' settings changed");
  if (self->stopped)
    return;
  if (self->check_cancellable != NULL)
    {
      self->reanalyse = TRUE;
      return;
    }
  if (self->report == NULL || self->last_options == NULL || lw_report_get_failure (self->report) != NULL)
    return;
  again = lw_check_reanalyse (self->report, self->last_options, lw_browser_watch_get_setups (watch));
  publish (self, again);
}

/* The browsers of @report, to analyse its evidence again with. */
static GPtrArray *
report_setups (LwReport *report)
{
  GPtrArray *verdicts = lw_report_get_browsers (report);
  GPtrArray *setups = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_browser_setup_free);

  for (guint i = 0; i < verdicts->len; i++)
    {
      const LwBrowserVerdict *v = g_ptr_array_index (verdicts, i);

      if (!v->setup->stand_in)
        g_ptr_array_add (setups, lw_browser_setup_copy (v->setup));
    }
  return setups;
}

/**
 * lw_monitor_confirm:
 * @confirmation: (transfer full): what a browser's own page showed
 *
 * Keeps it (replacing an older one of the same browser and kind of page)
 * and publishes the last report again with it.
 */
void
lw_monitor_confirm (LwMonitor      *self,
                    LwConfirmation *confirmation)
{
  g_autoptr(LwReport) again = NULL;
  g_autoptr(GPtrArray) setups = NULL;

  g_return_if_fail (LW_IS_MONITOR (self));

  for (guint i = self->confirmations->len; i > 0; i--)
    {
      const LwConfirmation *old = g_ptr_array_index (self->confirmations, i - 1);

      if (g_strcmp0 (old->browser, confirmation->browser) == 0 && old->camera == confirmation->camera)
        g_ptr_array_remove_index (self->confirmations, i - 1);
    }
  g_ptr_array_add (self->confirmations, confirmation);

  if (self->report == NULL || self->last_options == NULL || lw_report_get_failure (self->report) != NULL)
    return;
  setups = report_setups (self->report);
  again = lw_check_reanalyse (self->report, self->last_options, setups);
  publish (self, again);
}

static void
on_watch_changed (LwVpnWatch *watch,
                  const char *reason,
                  gpointer    data)
{
  LwMonitor *self = data;

  g_debug ("network changed: %s", reason);
  g_clear_handle_id (&self->debounce_source, g_source_remove);
  self->debounce_source = g_timeout_add (DEBOUNCE_MS, on_debounced, self);
}

/**
 * lw_monitor_start:
 *
 * Loads what the history remembers, starts watching, and checks at once.
 */
void
lw_monitor_start (LwMonitor *self)
{
  g_return_if_fail (LW_IS_MONITOR (self));

  if (self->history != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (read_remembered (self, &error))
        g_clear_pointer (&self->history_unreadable, g_free);
      else
        {
          /* Said in every report until the history can be written again. */
          g_message ("Cannot read the remembered addresses: %s", error->message);
          g_free (self->history_unreadable);
          self->history_unreadable = g_strdup (error->message);
        }
      self->have_status = lw_history_get_last_status (self->history, &self->status);

      /* The browsers' last tests, so that a restart keeps "confirmed in
       * Firefox at 14:02"; a history that cannot give them is said above. */
      {
        g_autoptr(GError) local = NULL;
        g_autoptr(GPtrArray) tested = lw_history_get_confirmations (self->history, &local);

        if (tested == NULL)
          g_message ("Cannot read the browsers' tests from the history: %s", local->message);
        for (guint i = 0; tested != NULL && i < tested->len; i++)
          g_ptr_array_add (self->confirmations, lw_confirmation_copy (g_ptr_array_index (tested, i)));
      }
    }

  g_signal_connect_object (self->watch, "changed", G_CALLBACK (on_watch_changed), self, 0);
  lw_vpn_watch_start (self->watch);
  g_signal_connect_object (self->browsers, "changed", G_CALLBACK (on_browsers_changed), self, 0);
  lw_browser_watch_start (self->browsers);
  start_check (self);
}

/**
 * lw_monitor_stop:
 *
 * Stops checking: cancels a running check and every timer, and stops
 * listening to the watch. For the way out, before the history is flushed.
 */
void
lw_monitor_stop (LwMonitor *self)
{
  g_return_if_fail (LW_IS_MONITOR (self));

  self->stopped = TRUE;
  g_signal_handlers_disconnect_by_data (self->watch, self);
  g_signal_handlers_disconnect_by_data (self->browsers, self);
  g_clear_handle_id (&self->debounce_source, g_source_remove);
  g_clear_handle_id (&self->interval_source, g_source_remove);
  if (self->check_cancellable != NULL)
    g_cancellable_cancel (self->check_cancellable);
}

void
lw_monitor_set_interval (LwMonitor *self,
                         guint      seconds)
{
  g_return_if_fail (LW_IS_MONITOR (self));

  self->interval = MAX (seconds, 1);
  if (self->interval_source != 0)
    schedule_interval (self);
}

/**
 * lw_monitor_set_options:
 *
 * Takes new servers and timeout (copied) and checks with them at once.
 */
void
lw_monitor_set_options (LwMonitor            *self,
                        const LwCheckOptions *options)
{
  g_return_if_fail (LW_IS_MONITOR (self));

  lw_check_options_free (self->options);
  self->options = lw_check_options_copy (options);
  if (self->check_cancellable != NULL)
    {
      /* The running check uses the old servers: start again. */
      self->restart = TRUE;
      g_cancellable_cancel (self->check_cancellable);
    }
  else
    start_check (self);
}

LwReport *
lw_monitor_get_report (LwMonitor *self)
{
  g_return_val_if_fail (LW_IS_MONITOR (self), NULL);
  return self->report;
}

gboolean
lw_monitor_get_checking (LwMonitor *self)
{
  g_return_val_if_fail (LW_IS_MONITOR (self), FALSE);
  return self->check_cancellable != NULL;
}

/**
 * lw_monitor_get_history_problem:
 *
 * Returns: (nullable): why the history cannot be read or saved now, or
 *   %NULL while it works
 */
const char *
lw_monitor_get_history_problem (LwMonitor *self)
{
  g_return_val_if_fail (LW_IS_MONITOR (self), NULL);
  return self->history_unsaved != NULL ? self->history_unsaved : self->history_unreadable;
}

guint
lw_monitor_get_n_checks (LwMonitor *self)
{
  g_return_val_if_fail (LW_IS_MONITOR (self), 0);
  return self->n_checks;
}

static void
lw_monitor_dispose (GObject *object)
{
  LwMonitor *self = (LwMonitor *) object;

  g_cancellable_cancel (self->cancellable);
  if (self->check_cancellable != NULL)
    g_cancellable_cancel (self->check_cancellable);
  g_clear_handle_id (&self->debounce_source, g_source_remove);
  g_clear_handle_id (&self->interval_source, g_source_remove);
  g_clear_object (&self->watch);
  g_clear_object (&self->browsers);
  g_clear_object (&self->history);
  g_clear_object (&self->report);

  G_OBJECT_CLASS (lw_monitor_parent_class)->dispose (object);
}

static void
lw_monitor_finalize (GObject *object)
{
  LwMonitor *self = (LwMonitor *) object;

  lw_check_options_free (self->options);
  lw_check_options_free (self->last_options);
  g_ptr_array_unref (self->confirmations);
  g_ptr_array_unref (self->remembered);
  g_free (self->history_unreadable);
  g_free (self->history_unsaved);
  g_clear_object (&self->check_cancellable);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (lw_monitor_parent_class)->finalize (object);
}

static void
lw_monitor_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  LwMonitor *self = LW_MONITOR (object);

  switch (prop_id)
    {
    case PROP_REPORT:
      g_value_set_object (value, self->report);
      break;
    case PROP_CHECKING:
      g_value_set_boolean (value, lw_monitor_get_checking (self));
      break;
    case PROP_HISTORY_PROBLEM:
      g_value_set_string (value, lw_monitor_get_history_problem (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lw_monitor_class_init (LwMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lw_monitor_dispose;
  object_class->finalize = lw_monitor_finalize;
  object_class->get_property = lw_monitor_get_property;

  properties[PROP_REPORT] =
    g_param_spec_object ("report", NULL, NULL, LW_TYPE_REPORT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CHECKING] =
    g_param_spec_boolean ("checking", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * LwMonitor:history-problem:
   *
   * Why the history cannot be read or written now, in a few words for
   * the user; %NULL while it works.
   */
  properties[PROP_HISTORY_PROBLEM] =
    g_param_spec_string ("history-problem", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LwMonitor::report:
   * @report: a new report
   */
  signals[REPORT] = g_signal_new ("report", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 1, LW_TYPE_REPORT);
  /**
   * LwMonitor::status-changed:
   * @old_status: the previous #LwStatus, %LW_STATUS_CHECKING for none
   * @new_status: the new #LwStatus
   */
  signals[STATUS_CHANGED] = g_signal_new ("status-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 2, LW_TYPE_STATUS, LW_TYPE_STATUS);
  /**
   * LwMonitor::recorded:
   *
   * The history's worker has saved a report, and every one that waited
   * before it: lw_history_get_changes() now includes it. Not emitted for
   * a report that could not be saved (see #LwMonitor:history-problem).
   */
  signals[RECORDED] = g_signal_new ("recorded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
lw_monitor_init (LwMonitor *self)
{
  self->interval = LW_MONITOR_DEFAULT_INTERVAL;
  self->remembered = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_remembered_address_free);
  self->confirmations = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_confirmation_free);
  self->cancellable = g_cancellable_new ();
}

/**
 * lw_monitor_new:
 * @options: what to check against (copied)
 * @history: (nullable): where to record reports
 * @watch: (nullable): the network watch, or %NULL for a new one
 */
LwMonitor *
lw_monitor_new (const LwCheckOptions *options,
                LwHistory            *history,
                LwVpnWatch           *watch)
{
  LwMonitor *self = g_object_new (LW_TYPE_MONITOR, NULL);

  self->options = lw_check_options_copy (options);
  self->history_unreadable = g_strdup (options->history_unreadable);
  self->history = history ? g_object_ref (history) : NULL;
  self->watch = watch ? g_object_ref (watch) : lw_vpn_watch_new ();
  self->browsers = lw_browser_watch_new (NULL);
  return self;
}
