/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lw-history"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "lw-history-private.h"

/* The history's SQLite side: opening a file and telling damage from a
 * fault that passes (and saying the fault in words), moving a damaged
 * file aside, the statements a record and the getters use, and a change
 * row as JSON. No state: lw-history.c holds the connection, its lock, the
 * worker and the queue of unsaved reports. */

#define SCHEMA_VERSION  2  /* 2: confirmations */
#define BUSY_TIMEOUT_MS 1000
#define MAX_REMEMBERED  1000  /* a backstop on top of the age limit */

static const char schema_sql[] =
  "CREATE TABLE IF NOT EXISTS checks ("
  "  id         INTEGER PRIMARY KEY,"
  "  time       INTEGER NOT NULL,"
  "  status     TEXT    NOT NULL,"
  "  total_ms   INTEGER NOT NULL,"
  "  vpn_active INTEGER NOT NULL,"
  "  public4    TEXT,"                /* answered direct-path addresses, space-separated */
  "  public6    TEXT"
  ");"
  "CREATE INDEX IF NOT EXISTS checks_time ON checks (time);"
  "CREATE TABLE IF NOT EXISTS changes ("
  "  id         INTEGER PRIMARY KEY,"
  "  time       INTEGER NOT NULL,"
  "  old_status TEXT    NOT NULL,"
  "  new_status TEXT    NOT NULL,"
  "  headline   TEXT    NOT NULL,"
  "  findings   TEXT    NOT NULL"
  ");"
  "CREATE INDEX IF NOT EXISTS changes_time ON changes (time);"
  "CREATE TABLE IF NOT EXISTS remembered ("
  "  family     INTEGER NOT NULL,"
  "  address    TEXT    NOT NULL,"
  "  first_seen INTEGER NOT NULL,"
  "  last_seen  INTEGER NOT NULL,"
  "  PRIMARY KEY (family, address)"
  ");"
  "CREATE INDEX IF NOT EXISTS remembered_last_seen ON remembered (last_seen);"
  /* What the browsers' own test pages showed: each test once, per browser
   * profile ("" when the profile was not known) and kind of page. */
  "CREATE TABLE IF NOT EXISTS confirmations ("
  "  id         INTEGER PRIMARY KEY,"
  "  time       INTEGER NOT NULL,"
  "  browser    TEXT    NOT NULL,"
  "  camera     INTEGER NOT NULL,"
  "  summary    TEXT    NOT NULL,"
  "  json       TEXT    NOT NULL,"
  "  UNIQUE (time, browser, camera)"
  ");"
  "PRAGMA user_version = " G_STRINGIFY (SCHEMA_VERSION) ";";

/* Every column the queries below use: a table of the same name with
 * another shape (another program's file) fails here, not at the first
 * record. */
static const char * const shape_sql[] = {
  "SELECT id, time, status, total_ms, vpn_active, public4, public6 FROM checks LIMIT 0",
  "SELECT id, time, old_status, new_status, headline, findings FROM changes LIMIT 0",
  "SELECT family, address, first_seen, last_seen FROM remembered LIMIT 0",
  "SELECT id, time, browser, camera, summary, json FROM confirmations LIMIT 0",
};

/* SQLite helpers. Each returns an SQLite result code, and sets @error
 * when it is not SQLITE_OK. */

static GIOErrorEnum
io_error_from_sqlite (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return G_IO_ERROR_INVALID_DATA;
    case SQLITE_FULL:
      return G_IO_ERROR_NO_SPACE;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return G_IO_ERROR_BUSY;
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH:
      return G_IO_ERROR_PERMISSION_DENIED;
    default:
      return G_IO_ERROR_FAILED;
    }
}

int
lw_db_fail (sqlite3  *db,
            int       rc,
            GError  **error)
{
  int saved_errno = errno;  /* first: the failed call's, unless SQLite kept it */
  const char *message = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);
  GIOErrorEnum code = io_error_from_sqlite (rc);
  int system_errno = db != NULL ? sqlite3_system_errno (db) : 0;

  /* An open or a write the system refused: its errno says why better
   * than SQLite's "disk I/O error" (a file size limit, EFBIG, is a full
   * disk as far as the user is concerned). SQLite keeps the errno of a
   * failed open, not always of a failed write: then it is still errno. */
  if (system_errno == 0 && (rc & 0xff) != SQLITE_CANTOPEN)
    system_errno = saved_errno;
  if (((rc & 0xff) == SQLITE_CANTOPEN || (rc & 0xff) == SQLITE_IOERR ||
       (rc & 0xff) == SQLITE_FULL) && system_errno != 0)
    {
      code = (system_errno == EFBIG || system_errno == EDQUOT)
               ? G_IO_ERROR_NO_SPACE : g_io_error_from_errno (system_errno);
      g_set_error (error, G_IO_ERROR, code, "%s (%s)", message, g_strerror (system_errno));
      return rc;
    }
  g_set_error_literal (error, G_IO_ERROR, code, message);
  return rc;
}

int
lw_db_prepare (sqlite3       *db,
               const char    *sql,
               sqlite3_stmt **stmt,
               GError       **error)
{
  int rc = sqlite3_prepare_v2 (db, sql, -1, stmt, NULL);

  if (rc != SQLITE_OK)
    return lw_db_fail (db, rc, error);
  return SQLITE_OK;
}

/* Runs a statement that returns no rows. */
int
lw_db_step_done (sqlite3       *db,
                 sqlite3_stmt  *stmt,
                 GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE)
    return lw_db_fail (db, rc, error);
  return SQLITE_OK;
}

/* Only for constant SQL: every value goes through a bound parameter. */
int
lw_db_exec (sqlite3     *db,
            const char  *sql,
            GError     **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return lw_db_fail (db, rc, error);
  return SQLITE_OK;
}

/* A pragma that answers one text row. */
int
lw_db_pragma_text (sqlite3     *db,
                   const char  *sql,
                   char       **value,
                   GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if ((rc = lw_db_prepare (db, sql, &stmt, error)) != SQLITE_OK)
    return rc;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return lw_db_fail (db, rc == SQLITE_DONE ? SQLITE_ERROR : rc, error);
  *value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  return SQLITE_OK;
}

void
lw_db_rollback (sqlite3 *db)
{
  if (!sqlite3_get_autocommit (db))
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
}

/* Whether the file itself is damaged, so that starting afresh can help:
 * it is not a database, or its pages are corrupt. Not when it cannot be
 * opened or written now (a full disk, a read-only file or folder, a lock,
 * no descriptors left, no memory): the file may be intact, holds the
 * remembered real addresses, and must stay where it is. A schema that is
 * not ours is told apart by lw_db_open() itself. */
static gboolean
is_damage (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_FORMAT:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Opens @path and makes sure it holds an intact history of this schema.
 * On failure, @damaged tells whether the file itself is the problem. */
sqlite3 *
lw_db_open (const char  *path,
            gboolean    *damaged,
            GError     **error)
{
  sqlite3 *db = NULL;
  g_autofree char *check = NULL;
  g_autofree char *mode = NULL;
  g_autofree char *version = NULL;
  gint64 schema_version;
  gboolean foreign = FALSE;
  int rc;

  *damaged = FALSE;

  rc = sqlite3_open_v2 (path, &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    goto fail;

  sqlite3_extended_result_codes (db, TRUE);
  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);

  /* Reading every page before anything is written: a file that is not a
   * database fails here with SQLITE_NOTADB, a damaged one with a report
   * other than "ok". */
  if ((rc = lw_db_pragma_text (db, "PRAGMA quick_check", &check, error)) != SQLITE_OK)
    goto fail;
  if (g_strcmp0 (check, "ok") != 0)
    {
      rc = SQLITE_CORRUPT;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "quick_check: %s", check);
      goto fail;
    }

  /* In WAL mode a commit is one append to the -wal file, and a process
   * killed at any point, even with kill -9, loses nothing committed: the
   * next open replays the log. synchronous=NORMAL skips the fsync at each
   * commit (the log is synced at checkpoints), so only a power loss or an
   * OS crash could undo the last few commits; the file stays consistent
   * either way. */
  if ((rc = lw_db_pragma_text (db, "PRAGMA journal_mode=WAL", &mode, error)) != SQLITE_OK)
    goto fail;
  if (g_ascii_strcasecmp (mode, "wal") != 0)
    g_debug ("%s: journal mode %s, not WAL", path, mode);
  if ((rc = lw_db_exec (db, "PRAGMA synchronous=NORMAL", error)) != SQLITE_OK)
    goto fail;

  if ((rc = lw_db_pragma_text (db, "PRAGMA user_version", &version, error)) != SQLITE_OK)
    goto fail;
  schema_version = g_ascii_strtoll (version, NULL, 10);
  if (schema_version > SCHEMA_VERSION)
    {
      /* A newer Leakwatch wrote it: keep it for that one. */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("The history was written by a newer version of Leakwatch (schema %s)"),
                   version);
      sqlite3_close_v2 (db);
      return NULL;
    }
  /* Creating the tables and checking their shape is one transaction, so
   * another program's file is left as it was. */
  if (schema_version < SCHEMA_VERSION &&
      ((rc = lw_db_exec (db, "BEGIN IMMEDIATE", error)) != SQLITE_OK ||
       (rc = lw_db_exec (db, schema_sql, error)) != SQLITE_OK))
    {
      /* A table of the same name and another shape: not our file. */
      foreign = (rc & 0xff) == SQLITE_ERROR;
      goto fail;
    }

  for (guint i = 0; i < G_N_ELEMENTS (shape_sql); i++)
    {
      g_autoptr(sqlite3_stmt) stmt = NULL;

      if ((rc = lw_db_prepare (db, shape_sql[i], &stmt, error)) != SQLITE_OK)
        {
          foreign = (rc & 0xff) == SQLITE_ERROR;
          goto fail;
        }
    }

  if (!sqlite3_get_autocommit (db) && (rc = lw_db_exec (db, "COMMIT", error)) != SQLITE_OK)
    goto fail;

  return db;

fail:
  if (error != NULL && *error == NULL)
    lw_db_fail (db, rc, error);
  *damaged = foreign || is_damage (rc);
  if (db != NULL)
    lw_db_rollback (db);
  sqlite3_close_v2 (db);
  return NULL;
}

/* Renames @path to "<path>.corrupt-YYYYMMDD-HHMMSS", and its -wal, -shm
 * (and rollback -journal) files to the same name with their suffix, so
 * nothing is lost and a new file can start. A log that cannot be moved is
 * removed: SQLite would replay it into the new file. Returns the new name. */
char *
lw_db_move_aside (const char  *path,
                  GError     **error)
{
  static const char * const siblings[] = { "-wal", "-shm", "-journal" };
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *aside = g_strdup_printf ("%s.corrupt-%s", path, stamp);
  int saved_errno;

  for (guint n = 1; g_file_test (aside, G_FILE_TEST_EXISTS); n++)
    {
      g_free (aside);
      aside = g_strdup_printf ("%s.corrupt-%s-%u", path, stamp, n);
    }

  if (g_rename (path, aside) != 0)
    {
      saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot move the damaged history %s aside: %s"),
                   path, g_strerror (saved_errno));
      return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (siblings); i++)
    {
      g_autofree char *from = g_strconcat (path, siblings[i], NULL);
      g_autofree char *to = g_strconcat (aside, siblings[i], NULL);

      if (g_file_test (from, G_FILE_TEST_EXISTS) && g_rename (from, to) != 0)
        {
          saved_errno = errno;
          g_warning ("Cannot move %s aside: %s", from, g_strerror (saved_errno));
          if (g_unlink (from) != 0)
            g_warning ("Cannot remove %s: %s", from, g_strerror (errno));
        }
    }

  return g_steal_pointer (&aside);
}

char *
lw_db_findings_to_json (GPtrArray *findings)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; findings != NULL && i < findings->len; i++)
    {
      const LwFinding *f = g_ptr_array_index (findings, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, lw_finding_kind_to_string (f->kind));
      json_builder_set_member_name (builder, "level");
      json_builder_add_string_value (builder, lw_level_to_string (f->level));
      json_builder_set_member_name (builder, "address");
      if (f->address != NULL)
        json_builder_add_string_value (builder, f->address);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "summary");
      if (f->summary != NULL)
        json_builder_add_string_value (builder, f->summary);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/* The distinct answered direct-path addresses of @family, space-separated,
 * or NULL when none answered. */
char *
lw_db_public_addresses_of (const LwEvidence *ev,
                           int               family)
{
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();

  if (ev == NULL)
    return NULL;

  for (guint i = 0; i < ev->public_addresses->len; i++)
    {
      const LwPublicAddress *pa = g_ptr_array_index (ev->public_addresses, i);

      if (lw_public_address_is_answered_direct (pa) && pa->family == family &&
          !g_ptr_array_find_with_equal_func (seen, pa->address, g_str_equal, NULL))
        g_ptr_array_add (seen, pa->address);
    }

  if (seen->len == 0)
    return NULL;
  g_ptr_array_add (seen, NULL);
  return g_strjoinv (" ", (char **) seen->pdata);
}

LwStatus
lw_db_status_from_column (sqlite3_stmt *stmt,
                          int           column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);
  LwStatus status;

  if (text == NULL || !lw_status_from_string (text, &status))
    return LW_STATUS_UNKNOWN;
  return status;
}

/* The new status of the latest change, which is the last recorded one. */
int
lw_db_read_last_status (sqlite3   *db,
                        gboolean  *have,
                        LwStatus  *status,
                        GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  *have = FALSE;
  if ((rc = lw_db_prepare (db, "SELECT new_status FROM changes ORDER BY id DESC LIMIT 1",
                           &stmt, error)) != SQLITE_OK)
    return rc;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *have = TRUE;
      *status = lw_db_status_from_column (stmt, 0);
      return SQLITE_OK;
    }
  if (rc == SQLITE_DONE)
    return SQLITE_OK;
  return lw_db_fail (db, rc, error);
}

int
lw_db_insert_check (sqlite3   *db,
                    LwReport  *report,
                    GError   **error)
{
  const LwEvidence *ev = lw_report_get_evidence (report);
  const LwTimings *timings = lw_report_get_timings (report);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *public4 = lw_db_public_addresses_of (ev, 4);
  g_autofree char *public6 = lw_db_public_addresses_of (ev, 6);
  int rc;

  if ((rc = lw_db_prepare (db,
                           "INSERT INTO checks (time, status, total_ms, vpn_active, public4, public6) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                           &stmt, error)) != SQLITE_OK)
    return rc;

  sqlite3_bind_int64 (stmt, 1, lw_report_get_time (report));
  sqlite3_bind_text (stmt, 2, lw_status_to_string (lw_report_get_status (report)), -1,
                     SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, timings != NULL ? timings->total_ms : 0);
  sqlite3_bind_int (stmt, 4, ev != NULL && ev->vpn != NULL && ev->vpn->active);
  sqlite3_bind_text (stmt, 5, public4, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, public6, -1, SQLITE_STATIC);
  return lw_db_step_done (db, stmt, error);
}

int
lw_db_insert_change (sqlite3   *db,
                     LwReport  *report,
                     LwStatus   old_status,
                     GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *headline = lw_report_dup_headline (report);
  g_autofree char *findings = lw_db_findings_to_json (lw_report_get_findings (report));
  int rc;

  if ((rc = lw_db_prepare (db,
                           "INSERT INTO changes (time, old_status, new_status, headline, findings) "
                           "VALUES (?1, ?2, ?3, ?4, ?5)",
                           &stmt, error)) != SQLITE_OK)
    return rc;

  sqlite3_bind_int64 (stmt, 1, lw_report_get_time (report));
  sqlite3_bind_text (stmt, 2, lw_status_to_string (old_status), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, lw_status_to_string (lw_report_get_status (report)), -1,
                     SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, headline != NULL ? headline : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, findings, -1, SQLITE_STATIC);
  return lw_db_step_done (db, stmt, error);
}

/* The addresses seen while no VPN was up are the user's real ones. Not
 * while a VPN is up, nor when the VPN state is unknown: an exit address
 * taken for a real one would later raise false alarms. */
int
lw_db_remember_addresses (sqlite3   *db,
                          LwReport  *report,
                          GError   **error)
{
  const LwEvidence *ev = lw_report_get_evidence (report);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (ev == NULL || ev->vpn == NULL || ev->vpn->active)
    return SQLITE_OK;

  if ((rc = lw_db_prepare (db,
                           "INSERT INTO remembered (family, address, first_seen, last_seen) "
                           "VALUES (?1, ?2, ?3, ?3) "
                           "ON CONFLICT (family, address) DO UPDATE SET "
                           "first_seen = MIN (first_seen, excluded.first_seen), "
                           "last_seen = MAX (last_seen, excluded.last_seen)",
                           &stmt, error)) != SQLITE_OK)
    return rc;

  for (guint i = 0; i < ev->public_addresses->len; i++)
    {
      const LwPublicAddress *pa = g_ptr_array_index (ev->public_addresses, i);

      if (!lw_public_address_is_answered_direct (pa))
        continue;

      sqlite3_reset (stmt);
      sqlite3_bind_int (stmt, 1, pa->family);
      sqlite3_bind_text (stmt, 2, pa->address, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, lw_report_get_time (report));
      if ((rc = lw_db_step_done (db, stmt, error)) != SQLITE_OK)
        return rc;
    }
  return SQLITE_OK;
}

/* The report's confirmations: every report carries them all, so each is
 * written once and ignored after. */
int
lw_db_insert_confirmations (sqlite3   *db,
                            LwReport  *report,
                            GError   **error)
{
  GPtrArray *confirmations = lw_report_get_confirmations (report);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (confirmations == NULL || confirmations->len == 0)
    return SQLITE_OK;
  if ((rc = lw_db_prepare (db,
                           "INSERT OR IGNORE INTO confirmations (time, browser, camera, summary, json) "
                           "VALUES (?1, ?2, ?3, ?4, ?5)",
                           &stmt, error)) != SQLITE_OK)
    return rc;

  for (guint i = 0; i < confirmations->len; i++)
    {
      const LwConfirmation *c = g_ptr_array_index (confirmations, i);
      g_autofree char *json = lw_confirmation_to_json (c);

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, c->time_unix);
      sqlite3_bind_text (stmt, 2, c->browser ? c->browser : "", -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 3, c->camera);
      sqlite3_bind_text (stmt, 4, c->summary, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, json, -1, SQLITE_STATIC);
      if ((rc = lw_db_step_done (db, stmt, error)) != SQLITE_OK)
        return rc;
    }
  return SQLITE_OK;
}

/* The latest test of each browser profile and kind of page, oldest
 * first. A row that does not parse is skipped, with a message. */
GPtrArray *
lw_db_read_confirmations (sqlite3  *db,
                          GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) confirmations = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_confirmation_free);
  int rc;

  if ((rc = lw_db_prepare (db,
                           "SELECT json FROM confirmations WHERE id IN "
                           "(SELECT MAX (id) FROM confirmations GROUP BY browser, camera) "
                           "ORDER BY time, id",
                           &stmt, error)) != SQLITE_OK)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(GError) local = NULL;
      LwConfirmation *c = lw_confirmation_new_from_json ((const char *) sqlite3_column_text (stmt, 0), &local);

      if (c == NULL)
        g_message ("A browser test in the history cannot be read: %s", local->message);
      else
        g_ptr_array_add (confirmations, c);
    }
  if (rc != SQLITE_DONE)
    {
      lw_db_fail (db, rc, error);
      return NULL;
    }
  return g_steal_pointer (&confirmations);
}

/* Runs a DELETE with one integer parameter. */
int
lw_db_delete_with (sqlite3     *db,
                   const char  *sql,
                   gint64       value,
                   GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if ((rc = lw_db_prepare (db, sql, &stmt, error)) != SQLITE_OK)
    return rc;
  sqlite3_bind_int64 (stmt, 1, value);
  return lw_db_step_done (db, stmt, error);
}

/* Ages are measured from the time of the report just recorded, the wall
 * clock of the check: so rows are dropped by the same clock that dated
 * them. */
int
lw_db_apply_retention (sqlite3  *db,
                       gint64    now,
                       gint64    max_age,
                       guint     max_checks,
                       guint     max_changes,
                       GError  **error)
{
  int rc;

  if (max_age > 0)
    {
      gint64 cutoff = now - max_age;

      if ((rc = lw_db_delete_with (db, "DELETE FROM checks WHERE time < ?1",
                                   cutoff, error)) != SQLITE_OK ||
          (rc = lw_db_delete_with (db,
                                   "DELETE FROM changes WHERE time < ?1 "
                                   "AND id < (SELECT MAX (id) FROM changes)",
                                   cutoff, error)) != SQLITE_OK ||
          (rc = lw_db_delete_with (db, "DELETE FROM remembered WHERE last_seen < ?1",
                                   cutoff, error)) != SQLITE_OK ||
          (rc = lw_db_delete_with (db, "DELETE FROM confirmations WHERE time < ?1",
                                   cutoff, error)) != SQLITE_OK)
        return rc;
    }

  /* The row at OFFSET n is the newest one past the cap: it and every older
   * one go. */
  if (max_checks > 0 &&
      (rc = lw_db_delete_with (db,
                               "DELETE FROM checks WHERE id <= "
                               "(SELECT id FROM checks ORDER BY id DESC LIMIT 1 OFFSET ?1)",
                               max_checks, error)) != SQLITE_OK)
    return rc;

  if (max_changes > 0 &&
      (rc = lw_db_delete_with (db,
                               "DELETE FROM changes WHERE id <= "
                               "(SELECT id FROM changes ORDER BY id DESC LIMIT 1 OFFSET ?1)",
                               max_changes, error)) != SQLITE_OK)
    return rc;

  return lw_db_delete_with (db,
                            "DELETE FROM remembered WHERE rowid IN "
                            "(SELECT rowid FROM remembered ORDER BY last_seen DESC, first_seen DESC "
                            "LIMIT -1 OFFSET ?1)",
                            MAX_REMEMBERED, error);
}

/* The remembered real addresses, the most recently seen first. */
GPtrArray *
lw_db_read_remembered (sqlite3  *db,
                       GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) remembered = NULL;
  int rc;

  if (lw_db_prepare (db,
                     "SELECT family, address, first_seen, last_seen FROM remembered "
                     "ORDER BY last_seen DESC, first_seen DESC, family, address",
                     &stmt, error) != SQLITE_OK)
    return NULL;

  remembered = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_remembered_address_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (remembered,
                     lw_remembered_address_new (sqlite3_column_int (stmt, 0),
                                                (const char *) sqlite3_column_text (stmt, 1),
                                                sqlite3_column_int64 (stmt, 2),
                                                sqlite3_column_int64 (stmt, 3)));
  if (rc != SQLITE_DONE)
    {
      lw_db_fail (db, rc, error);
      return NULL;
    }
  return g_steal_pointer (&remembered);
}

/* The latest @limit changes (all when 0), oldest first. */
GPtrArray *
lw_db_read_changes (sqlite3  *db,
                    guint     limit,
                    GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  int rc;

  if (lw_db_prepare (db,
                     "SELECT time, old_status, new_status, headline, findings FROM "
                     "(SELECT * FROM changes ORDER BY id DESC LIMIT ?1) ORDER BY id",
                     &stmt, error) != SQLITE_OK)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit > 0 ? (gint64) limit : -1);

  changes = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_status_change_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      LwStatusChange *change = g_new0 (LwStatusChange, 1);

      change->time = sqlite3_column_int64 (stmt, 0);
      change->old_status = lw_db_status_from_column (stmt, 1);
      change->new_status = lw_db_status_from_column (stmt, 2);
      change->headline = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      change->findings = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      g_ptr_array_add (changes, change);
    }
  if (rc != SQLITE_DONE)
    {
      lw_db_fail (db, rc, error);
      return NULL;
    }
  return g_steal_pointer (&changes);
}

/* Whether a write that failed with @rc may succeed later, unchanged: the
 * machine is the problem, not the report. */
gboolean
lw_db_is_transient (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_NOMEM:
    case SQLITE_AUTH:
    case SQLITE_PROTOCOL:
      return TRUE;
    default:
      return FALSE;
    }
}

/* In words for the user: why the history cannot be written. */
char *
lw_db_describe_problem (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
    return g_strdup (_("the disk is full"));
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_READ_ONLY) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    return g_strdup (_("its file or folder cannot be written"));
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES))
    return g_strdup (_("too many files are open"));
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BUSY))
    return g_strdup (_("another program holds it locked"));
  return g_strdup (error->message);
}
