/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "leakwatch"

#include "config.h"

#include <signal.h>

#include "lw-helper-keeper.h"

/* Keeps a helper process running beside the service: the tray. It starts
 * the program, and starts it again when it dies of a signal or fails,
 * waiting longer after each quick failure (0.5 s, then 1, 2 and 4 s) and
 * giving up after five failures in a row that each lived under 10 s, so a
 * tray that cannot run (no display after all) does not spin. A helper
 * that exits with 0 chose to (its service went away, or another copy
 * runs) and is left alone. */

#define FIRST_DELAY_MS   500
#define QUICK_US         (10 * G_USEC_PER_SEC)
#define MAX_QUICK_FAILS  5

struct _LwHelperKeeper
{
  GObject       parent_instance;

  char         *program;
  GSubprocess  *process;
  GCancellable *cancellable;
  gint64        started_at;
  guint         quick_failures;
  guint         restart_id;
  gboolean      running;
};

G_DEFINE_FINAL_TYPE (LwHelperKeeper, lw_helper_keeper, G_TYPE_OBJECT)

static void     spawn      (LwHelperKeeper *self);
static gboolean restart_cb (gpointer        data);

/* After a failure: try again later, unless it keeps failing quickly. */
static void
schedule_restart (LwHelperKeeper *self,
                  gboolean        lived_long)
{
  if (lived_long)
    self->quick_failures = 0;
  else if (++self->quick_failures >= MAX_QUICK_FAILS)
    {
      g_warning ("%s keeps failing; not starting it again", self->program);
      self->running = FALSE;
      return;
    }

  self->restart_id = g_timeout_add (FIRST_DELAY_MS << (MAX (self->quick_failures, 1) - 1),
                                    restart_cb, self);
}

static gboolean
restart_cb (gpointer data)
{
  LwHelperKeeper *self = data;

  self->restart_id = 0;
  spawn (self);
  return G_SOURCE_REMOVE;
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  GSubprocess *process = G_SUBPROCESS (source);
  g_autoptr(LwHelperKeeper) self = data;
  g_autoptr(GError) error = NULL;
  gboolean lived_long;

  if (!g_subprocess_wait_finish (process, result, &error))
    return;  /* stopped */
  if (process != self->process)
    return;
  g_clear_object (&self->process);
  if (!self->running)
    return;

  if (g_subprocess_get_if_exited (process) && g_subprocess_get_exit_status (process) == 0)
    {
      g_debug ("%s exited", self->program);
      return;
    }

  lived_long = g_get_monotonic_time () - self->started_at >= QUICK_US;
  if (g_subprocess_get_if_signaled (process))
    g_message ("%s died of signal %d; starting it again", self->program,
               g_subprocess_get_term_sig (process));
  else
    g_message ("%s failed with status %d; starting it again", self->program,
               g_subprocess_get_exit_status (process));
  schedule_restart (self, lived_long);
}

static void
spawn (LwHelperKeeper *self)
{
  g_autoptr(GError) error = NULL;

  self->process = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, self->program, NULL);
  if (self->process == NULL)
    {
      g_warning ("Cannot start %s: %s", self->program, error->message);
      schedule_restart (self, FALSE);
      return;
    }
  self->started_at = g_get_monotonic_time ();
  g_subprocess_wait_async (self->process, self->cancellable, on_exited, g_object_ref (self));
}

void
lw_helper_keeper_start (LwHelperKeeper *self)
{
  g_return_if_fail (LW_IS_HELPER_KEEPER (self));

  if (self->running)
    return;
  self->running = TRUE;
  self->quick_failures = 0;
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  spawn (self);
}

/* Stops watching and ends the helper (it would also go by itself once the
 * service's bus name is gone). */
void
lw_helper_keeper_stop (LwHelperKeeper *self)
{
  g_return_if_fail (LW_IS_HELPER_KEEPER (self));

  self->running = FALSE;
  g_clear_handle_id (&self->restart_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  if (self->process != NULL)
    g_subprocess_send_signal (self->process, SIGTERM);
  g_clear_object (&self->process);
}

static void
lw_helper_keeper_dispose (GObject *object)
{
  LwHelperKeeper *self = LW_HELPER_KEEPER (object);

  lw_helper_keeper_stop (self);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (lw_helper_keeper_parent_class)->dispose (object);
}

static void
lw_helper_keeper_finalize (GObject *object)
{
  LwHelperKeeper *self = LW_HELPER_KEEPER (object);

  g_free (self->program);

  G_OBJECT_CLASS (lw_helper_keeper_parent_class)->finalize (object);
}

static void
lw_helper_keeper_class_init (LwHelperKeeperClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lw_helper_keeper_dispose;
  object_class->finalize = lw_helper_keeper_finalize;
}

static void
lw_helper_keeper_init (LwHelperKeeper *self)
{
}

LwHelperKeeper *
lw_helper_keeper_new (const char *program)
{
  LwHelperKeeper *self;

  g_return_val_if_fail (program != NULL, NULL);

  self = g_object_new (LW_TYPE_HELPER_KEEPER, NULL);
  self->program = g_strdup (program);
  return self;
}
