/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lw-history"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "lw-history-private.h"

/* What Leakwatch remembers between runs, in one SQLite file:
 *
 *  - checks:     a compact row per finished check;
 *  - changes:    each change of the overall status, with the headline and
 *                the findings of the report that made it;
 *  - remembered: the public addresses seen while no VPN was up, which the
 *                analyzer takes as the user's real addresses.
 *
 * Retention bounds all three, so the file cannot grow without limit. A
 * file that is damaged is moved aside and a new one started; the user is
 * told once. A file that cannot be written now (a full disk, a read-only
 * folder, a lock, no descriptors) stays where it is: the reports that
 * failed wait in memory and are written, in order, before the next one.
 *
 * Writing never happens on the caller's thread when the _async call is
 * used: one private worker thread records the reports in the order they
 * were given, and a mutex serialises every use of the connection, so the
 * sync getters are safe from any thread. This file is the object, its
 * worker and its queue; the SQL is in lw-history-db.c. */

#define MAX_UNSAVED     200   /* reports kept in memory while the file cannot be written */

struct _LwHistory
{
  GObject      parent_instance;

  char        *path;
  GThreadPool *worker;           /* one thread, so records keep their order */
  GMutex       pending_lock;
  GCond        pending_done;
  guint        pending;          /* records queued or being written */

  GMutex       lock;             /* guards everything below */
  sqlite3     *db;               /* NULL until opened */
  gint64       max_age;          /* seconds; 0: no age limit */
  guint        max_checks;       /* 0: no cap */
  guint        max_changes;      /* 0: no cap */
  char        *recovery_notice;
  gboolean     keep_damaged;     /* another process holds the file: never move it */
  GQueue       unsaved;          /* LwReport: failed records, oldest first */
  char        *save_problem;     /* why the last record failed, for the user */
};

G_DEFINE_FINAL_TYPE (LwHistory, lw_history, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
close_db (LwHistory *self)
{
  if (self->db != NULL)
    {
      int rc = sqlite3_close_v2 (self->db);

      if (rc != SQLITE_OK)
        g_warning ("Cannot close the history %s: %s", self->path, sqlite3_errstr (rc));
      self->db = NULL;
    }
}

/* With the lock held: the file at self->path cannot be used, as @reason
 * says. Moves it aside and starts a new one. */
static gboolean
start_afresh_locked (LwHistory   *self,
                     const char  *reason,
                     GError     **error)
{
  g_autofree char *aside = NULL;
  gboolean damaged;

  if (self->keep_damaged)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   /* Translators: %s says why the file cannot be used */
                   _("%s; the running service holds the file, so it is left as it is"), reason);
      return FALSE;
    }
  close_db (self);
  if ((aside = lw_db_move_aside (self->path, error)) == NULL)
    return FALSE;

  g_debug ("The history %s cannot be read (%s); it was moved to %s and a new one started",
             self->path, reason, aside);

  if ((self->db = lw_db_open (self->path, &damaged, error)) == NULL)
    return FALSE;

  g_free (self->recovery_notice);
  self->recovery_notice =
    g_strdup_printf (_("The history file could not be read, so Leakwatch started a new one. "
                       "The old file was kept as %s."), aside);
  return TRUE;
}

static void
lw_history_finalize (GObject *object)
{
  LwHistory *self = (LwHistory *) object;

  /* Every queued record holds a reference, so the worker is idle or
   * returning from its last record; it never drops a reference itself,
   * so this never runs on it. */
  g_thread_pool_free (self->worker, FALSE, TRUE);
  close_db (self);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->pending_lock);
  g_cond_clear (&self->pending_done);
  g_free (self->recovery_notice);
  g_free (self->save_problem);
  g_queue_clear_full (&self->unsaved, g_object_unref);
  g_free (self->path);

  G_OBJECT_CLASS (lw_history_parent_class)->finalize (object);
}

static void
lw_history_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  LwHistory *self = LW_HISTORY (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lw_history_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  LwHistory *self = LW_HISTORY (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_free (self->path);
      self->path = g_value_dup_string (value);
      if (self->path == NULL)
        self->path = lw_history_default_path ();
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void record_in_worker (gpointer data,
                              gpointer user_data);

static void
lw_history_class_init (LwHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lw_history_finalize;
  object_class->get_property = lw_history_get_property;
  object_class->set_property = lw_history_set_property;

  /**
   * LwHistory:path:
   *
   * The database file; %NULL for lw_history_default_path().
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lw_history_init (LwHistory *self)
{
  g_mutex_init (&self->lock);
  g_queue_init (&self->unsaved);
  g_mutex_init (&self->pending_lock);
  g_cond_init (&self->pending_done);
  self->max_age = LW_HISTORY_DEFAULT_MAX_AGE;
  self->max_checks = LW_HISTORY_DEFAULT_MAX_CHECKS;
  self->max_changes = LW_HISTORY_DEFAULT_MAX_CHANGES;
  /* Shared threads, at most one at a time: never fails. */
  self->worker = g_thread_pool_new (record_in_worker, NULL, 1, FALSE, NULL);
}

/**
 * lw_history_default_path:
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/leakwatch/history.db`
 */
char *
lw_history_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "leakwatch", "history.db", NULL);
}

/**
 * lw_history_new:
 * @path: (nullable): the database file; %NULL for the default
 *
 * Returns: (transfer full): a history that is not open yet
 */
LwHistory *
lw_history_new (const char *path)
{
  return g_object_new (LW_TYPE_HISTORY, "path", path, NULL);
}

const char *
lw_history_get_path (LwHistory *self)
{
  g_return_val_if_fail (LW_IS_HISTORY (self), NULL);
  return self->path;
}

static gboolean
check_writable (const char  *path,
                GError     **error)
{
  int saved_errno;

  if (g_access (path, W_OK) == 0)
    return TRUE;
  saved_errno = errno;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               _("Cannot write to %s: %s"), path, g_strerror (saved_errno));
  return FALSE;
}

/* With the lock held: opens the file unless it is open. */
static gboolean
open_locked (LwHistory  *self,
             GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *dir = NULL;
  gboolean damaged;

  if (self->db != NULL)
    return TRUE;

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot create the folder %s: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  if ((self->db = lw_db_open (self->path, &damaged, &local_error)) != NULL)
    return TRUE;

  /* Something that is not a file where the history should be (a folder)
   * is in the way for good: it goes aside like a damaged file. */
  if (g_file_test (self->path, G_FILE_TEST_EXISTS) &&
      (damaged || !g_file_test (self->path, G_FILE_TEST_IS_REGULAR)))
    return start_afresh_locked (self, local_error->message, error);

  /* SQLite's "unable to open database file" does not say why. A folder
   * or a file that cannot be written (a read-only mount, its modes) is
   * the usual reason, and access() tells it, for root too. */
  if (!check_writable (dir, error) ||
      (g_file_test (self->path, G_FILE_TEST_EXISTS) && !check_writable (self->path, error)))
    return FALSE;

  /* Translators: %1$s is the history's file, %2$s why it cannot be opened */
  g_set_error (error, local_error->domain, local_error->code, _("Cannot open the history %1$s: %2$s"),
               self->path, local_error->message);
  return FALSE;
}

/**
 * lw_history_open:
 *
 * Opens the file, creating it and its directory. A file that is damaged,
 * or not a database, is moved aside and a new one started: that still
 * counts as success, and lw_history_take_recovery_notice() then has a
 * sentence for the user.
 *
 * Returns: %FALSE when the file cannot be opened now (a full disk, a
 *   read-only folder, no descriptors). The caller may keep the history:
 *   each later record, and each read, tries to open it again.
 */
gboolean
lw_history_open (LwHistory  *self,
                 GError    **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (LW_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = g_mutex_locker_new (&self->lock);
  return open_locked (self, error);
}

/**
 * lw_history_keep_damaged:
 *
 * Never moves a damaged file aside to start afresh: for a process that
 * opens the history while another one (the service) holds it. A damaged
 * file is then an error, and the holder decides.
 */
void
lw_history_keep_damaged (LwHistory *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (LW_IS_HISTORY (self));

  locker = g_mutex_locker_new (&self->lock);
  self->keep_damaged = TRUE;
}

/**
 * lw_history_take_recovery_notice:
 *
 * Returns: (transfer full) (nullable): once after the history was started
 *   afresh, a sentence for the user saying so and where the old file is;
 *   %NULL otherwise.
 */
char *
lw_history_take_recovery_notice (LwHistory *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (LW_IS_HISTORY (self), NULL);

  locker = g_mutex_locker_new (&self->lock);
  return g_steal_pointer (&self->recovery_notice);
}

/**
 * lw_history_set_retention:
 * @max_age_seconds: rows older than this are dropped; 0 keeps them
 * @max_checks: how many check rows to keep at most; 0 for no cap
 * @max_changes: how many status changes to keep at most; 0 for no cap
 *
 * Takes effect at the next record. Remembered addresses not seen within
 * @max_age_seconds are dropped too. The latest status change is always
 * kept, so the last status survives a long quiet spell.
 */
void
lw_history_set_retention (LwHistory *self,
                          gint64     max_age_seconds,
                          guint      max_checks,
                          guint      max_changes)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (LW_IS_HISTORY (self));

  locker = g_mutex_locker_new (&self->lock);
  self->max_age = MAX (max_age_seconds, 0);
  self->max_checks = max_checks;
  self->max_changes = max_changes;
}


/* One transaction: all of it is recorded, or none. */
static int
record_once_locked (LwHistory  *self,
                    LwReport   *report,
                    GError    **error)
{
  sqlite3 *db = self->db;
  LwStatus status = lw_report_get_status (report);
  LwStatus last = LW_STATUS_CHECKING;
  gboolean have_last;
  int rc;

  /* IMMEDIATE takes the write lock now, so another process writing at the
   * same time makes this wait (up to the busy timeout) instead of failing
   * halfway. */
  if ((rc = lw_db_exec (db, "BEGIN IMMEDIATE", error)) != SQLITE_OK)
    return rc;

  if ((rc = lw_db_read_last_status (db, &have_last, &last, error)) != SQLITE_OK ||
      (rc = lw_db_insert_check (db, report, error)) != SQLITE_OK ||
      ((!have_last || last != status) &&
       (rc = lw_db_insert_change (db, report, last, error)) != SQLITE_OK) ||
      (rc = lw_db_remember_addresses (db, report, error)) != SQLITE_OK ||
      (rc = lw_db_insert_confirmations (db, report, error)) != SQLITE_OK ||
      (rc = lw_db_apply_retention (db, lw_report_get_time (report), self->max_age,
                                   self->max_checks, self->max_changes, error)) != SQLITE_OK ||
      (rc = lw_db_exec (db, "COMMIT", error)) != SQLITE_OK)
    {
      lw_db_rollback (db);
      return rc;
    }

  return SQLITE_OK;
}

/* Writes one report. Returns the SQLite result code; SQLITE_CANTOPEN when
 * the file cannot be opened. */
static int
write_locked (LwHistory  *self,
              LwReport   *report,
              GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  int rc;

  if (!open_locked (self, error))
    return SQLITE_CANTOPEN;

  rc = record_once_locked (self, report, &local_error);

  /* Damaged while in use: start afresh, and record there. */
  if (rc != SQLITE_OK &&
      ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB))
    {
      g_autofree char *reason = g_strdup (local_error->message);

      g_clear_error (&local_error);
      if (!start_afresh_locked (self, reason, &local_error))
        rc = SQLITE_CANTOPEN;
      else
        rc = record_once_locked (self, report, &local_error);
    }

  if (rc != SQLITE_OK)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return rc;
}

static gboolean
remembers_addresses (LwReport *report)
{
  const LwEvidence *ev = lw_report_get_evidence (report);

  if (ev == NULL || ev->vpn == NULL || ev->vpn->active)
    return FALSE;
  for (guint i = 0; i < ev->public_addresses->len; i++)
    if (lw_public_address_is_answered_direct (g_ptr_array_index (ev->public_addresses, i)))
      return TRUE;
  return FALSE;
}

/* Keeps at most MAX_UNSAVED reports waiting. The ones dropped first are
 * those that neither change the status nor remember an address: the
 * changes and the real addresses are what the history is for. */
static void
trim_unsaved_locked (LwHistory *self)
{
  while (self->unsaved.length > MAX_UNSAVED)
    {
      GList *victim = self->unsaved.head;

      for (GList *l = self->unsaved.head->next; l != NULL; l = l->next)
        if (lw_report_get_status (l->data) == lw_report_get_status (l->prev->data) &&
            !remembers_addresses (l->data))
          {
            victim = l;
            break;
          }
      g_object_unref (victim->data);
      g_queue_delete_link (&self->unsaved, victim);
    }
}

/* Writes the reports that wait, then @report. One that cannot be written
 * for a reason that may pass waits, in memory, for the next record. */
static gboolean
record_locked (LwHistory  *self,
               LwReport   *report,
               GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  int rc = SQLITE_OK;

  g_queue_push_tail (&self->unsaved, g_object_ref (report));
  while (!g_queue_is_empty (&self->unsaved))
    {
      LwReport *next = g_queue_peek_head (&self->unsaved);

      rc = write_locked (self, next, &local_error);
      if (rc != SQLITE_OK && lw_db_is_transient (rc))
        break;
      if (rc != SQLITE_OK && next != report)
        {
          /* This one can never be written: say so, and go on. */
          g_message ("A report that waited for the history cannot be recorded: %s",
                     local_error->message);
          g_clear_error (&local_error);
        }
      g_object_unref (g_queue_pop_head (&self->unsaved));
      if (rc != SQLITE_OK && next == report)
        break;
    }

  if (rc != SQLITE_OK)
    {
      if (lw_db_is_transient (rc))
        {
          trim_unsaved_locked (self);
          g_free (self->save_problem);
          self->save_problem = lw_db_describe_problem (local_error);
        }
      g_set_error (error, local_error->domain, local_error->code,
                   /* Translators: %s says why, such as "the disk is full" */
                   _("Cannot record the check in the history: %s"), local_error->message);
      return FALSE;
    }
  g_clear_pointer (&self->save_problem, g_free);
  return TRUE;
}

/**
 * lw_history_dup_save_problem:
 * @n_unsaved: (out) (optional): how many reports wait to be written
 *
 * Returns: (transfer full) (nullable): while the last record failed for a
 *   reason that may pass, that reason in a few words for the user ("the
 *   disk is full"); %NULL once a record succeeded
 */
char *
lw_history_dup_save_problem (LwHistory *self,
                             guint     *n_unsaved)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (LW_IS_HISTORY (self), NULL);

  locker = g_mutex_locker_new (&self->lock);
  if (n_unsaved != NULL)
    *n_unsaved = self->unsaved.length;
  return g_strdup (self->save_problem);
}

/**
 * lw_history_record:
 *
 * Records @report at once, on the calling thread. For the command line
 * and tests; the monitor uses lw_history_record_async().
 */
gboolean
lw_history_record (LwHistory  *self,
                   LwReport   *report,
                   GError    **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (LW_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (LW_IS_REPORT (report), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = g_mutex_locker_new (&self->lock);
  return record_locked (self, report, error);
}

typedef struct
{
  GTask  *task;
  GError *error;
} Job;

static void
job_free (Job *job)
{
  g_clear_error (&job->error);
  g_object_unref (job->task);
  g_free (job);
}

/* In the caller's context. The task, and with it the history, is released
 * here and never on the worker, so the history is never finalized on the
 * thread its finalize waits for. */
static gboolean
job_complete (gpointer data)
{
  Job *job = data;

  if (job->error != NULL)
    g_task_return_error (job->task, g_steal_pointer (&job->error));
  else
    g_task_return_boolean (job->task, TRUE);
  return G_SOURCE_REMOVE;
}

static void
record_in_worker (gpointer data,
                  gpointer user_data)
{
  Job *job = data;
  LwHistory *self = g_task_get_source_object (job->task);
  LwReport *report = g_task_get_task_data (job->task);
  GSource *source;

  if (!g_cancellable_set_error_if_cancelled (g_task_get_cancellable (job->task), &job->error))
    {
      g_mutex_lock (&self->lock);
      record_locked (self, report, &job->error);
      g_mutex_unlock (&self->lock);
    }

  g_mutex_lock (&self->pending_lock);
  self->pending--;
  g_cond_broadcast (&self->pending_done);
  g_mutex_unlock (&self->pending_lock);

  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, job_complete, job, (GDestroyNotify) job_free);
  g_source_set_static_name (source, "[leakwatch] history record");
  g_source_attach (source, g_task_get_context (job->task));
  g_source_unref (source);
}

/**
 * lw_history_record_async:
 *
 * Records @report on a worker thread, after every report given before it,
 * and never blocks the caller: a slow disk or another process holding the
 * file delays only the callback. A report whose @cancellable is cancelled
 * before its turn is not recorded. The callback runs in the thread-default
 * main context of the caller.
 *
 * What is recorded: a compact row for the check; a status change when the
 * status differs from the last one recorded (the first record is a change
 * from "checking"); and, when no VPN is up, every public address that
 * answered over the direct path, as a remembered real address. Then the
 * retention limits are applied. It is one transaction.
 */
void
lw_history_record_async (LwHistory           *self,
                         LwReport            *report,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  Job *job;

  g_return_if_fail (LW_IS_HISTORY (self));
  g_return_if_fail (LW_IS_REPORT (report));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  job = g_new0 (Job, 1);
  job->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, lw_history_record_async);
  g_task_set_task_data (job->task, g_object_ref (report), g_object_unref);

  g_mutex_lock (&self->pending_lock);
  self->pending++;
  g_mutex_unlock (&self->pending_lock);
  g_thread_pool_push (self->worker, job, NULL);
}

/**
 * lw_history_flush:
 *
 * Waits until every record given to lw_history_record_async() is written.
 * For the way out: a report checked just before quitting is not lost.
 */
void
lw_history_flush (LwHistory *self)
{
  g_return_if_fail (LW_IS_HISTORY (self));

  g_mutex_lock (&self->pending_lock);
  while (self->pending > 0)
    g_cond_wait (&self->pending_done, &self->pending_lock);
  g_mutex_unlock (&self->pending_lock);
}

gboolean
lw_history_record_finish (LwHistory     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (LW_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lw_history_record_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Reading */


/* One of the getters below: with the lock held, once the file is open. */
static GPtrArray *
read_with (LwHistory  *self,
           GPtrArray *(*read) (sqlite3 *db, GError **error),
           GError    **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (LW_IS_HISTORY (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->lock);
  if (!open_locked (self, error))
    return NULL;
  return read (self->db, error);
}

/**
 * lw_history_get_remembered:
 *
 * Returns: (transfer container) (element-type LwRememberedAddress): the
 *   real addresses remembered, the most recently seen first
 */
GPtrArray *
lw_history_get_remembered (LwHistory  *self,
                           GError    **error)
{
  return read_with (self, lw_db_read_remembered, error);
}

/**
 * lw_history_get_confirmations:
 *
 * Returns: (transfer container) (element-type LwConfirmation): the latest
 *   test of each browser profile and kind of page ("Test in my browser"),
 *   oldest first
 */
GPtrArray *
lw_history_get_confirmations (LwHistory  *self,
                              GError    **error)
{
  return read_with (self, lw_db_read_confirmations, error);
}

/**
 * lw_history_get_changes:
 * @limit: how many of the latest changes; 0 for all
 *
 * Returns: (transfer container) (element-type LwStatusChange): the status
 *   changes, oldest first
 */
GPtrArray *
lw_history_get_changes (LwHistory  *self,
                        guint       limit,
                        GError    **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (LW_IS_HISTORY (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->lock);
  if (!open_locked (self, error))
    return NULL;

  return lw_db_read_changes (self->db, limit, error);
}

/**
 * lw_history_get_last_status:
 * @status: (out): the status of the latest recorded check
 *
 * Returns: %FALSE when nothing was recorded (or the history cannot be read)
 */
gboolean
lw_history_get_last_status (LwHistory *self,
                            LwStatus  *status)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GError) error = NULL;
  gboolean have = FALSE;
  LwStatus last = LW_STATUS_CHECKING;

  g_return_val_if_fail (LW_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (status != NULL, FALSE);

  locker = g_mutex_locker_new (&self->lock);
  if (!open_locked (self, NULL))
    return FALSE;

  if (lw_db_read_last_status (self->db, &have, &last, &error) != SQLITE_OK)
    {
      g_warning ("Cannot read the last status from the history: %s", error->message);
      return FALSE;
    }
  if (have)
    *status = last;
  return have;
}

/**
 * lw_history_count_checks:
 *
 * Returns: how many check rows the history holds now
 */
guint
lw_history_count_checks (LwHistory *self)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) error = NULL;
  int rc;

  g_return_val_if_fail (LW_IS_HISTORY (self), 0);

  locker = g_mutex_locker_new (&self->lock);
  if (!open_locked (self, NULL))
    return 0;

  if (lw_db_prepare (self->db, "SELECT COUNT (*) FROM checks", &stmt, &error) != SQLITE_OK)
    goto fail;
  if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
    {
      lw_db_fail (self->db, rc, &error);
      goto fail;
    }
  return (guint) sqlite3_column_int64 (stmt, 0);

fail:
  g_warning ("Cannot count the checks in the history: %s", error->message);
  return 0;
}
