/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "lw-history.h"
#include "lw-test-evidence.h"
#include "lw-test-util.h"

/* The history as the monitor and the command line use it: what is kept,
 * what is remembered as a real address, that it stays bounded, that a
 * damaged file is moved aside and the user told once, that kill -9 loses
 * nothing committed, and that the async record never blocks the caller.
 * Each test works in a directory of its own. */

#define DAY (24 * 60 * 60)

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("leakwatch-history-XXXXXX", &error);
  g_assert_no_error (error);
  /* A folder that does not exist yet, as on a first run. */
  f->path = g_build_filename (f->dir, "leakwatch", "history.db", NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  lw_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static LwReport *
report_from (LwEvidence *ev,
             gint64      time)
{
  LwTimings timings = { 1234, 1, 2, 3, 400, 500, 600 };
  LwStatus status;
  GPtrArray *findings = lw_analyzer_analyze (ev, NULL, &status);

  return lw_report_new (ev, findings, status, time, &timings);
}

/* No VPN: the HTTPS services see the ISP address. */
static LwReport *
report_unprotected (gint64 time)
{
  LwEvidence *ev = ev_home (FALSE);

  ev_default (ev, LAN4, NULL);
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, LAN4, STUN4, ISP4);
  ev_https (ev, 4, ISP4, LW_RESULT_ANSWERED);
  return report_from (ev, time);
}

/* A full tunnel: everything sees the exit. */
static LwReport *
report_protected (gint64 time)
{
  LwEvidence *ev = ev_home (TRUE);

  ev_default (ev, TUN4, NULL);
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, TUN4, STUN4, EXIT4);
  ev_https (ev, 4, EXIT4, LW_RESULT_ANSWERED);
  return report_from (ev, time);
}

/* A split tunnel: STUN goes around the VPN and shows the ISP address. */
static LwReport *
report_leak (gint64 time)
{
  LwEvidence *ev = ev_home (TRUE);

  ev_default (ev, TUN4, NULL);
  ev_browser (ev, LW_GATHER_DEFAULT_ROUTE, TUN4, STUN4, ISP4);
  ev_https (ev, 4, EXIT4, LW_RESULT_ANSWERED);
  return report_from (ev, time);
}

static LwHistory *
open_history (const char *path)
{
  g_autoptr(LwHistory) history = lw_history_new (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (lw_history_open (history, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&history);
}

static void
record (LwHistory *history,
        LwReport  *report)
{
  g_autoptr(LwReport) owned = report;
  g_autoptr(GError) error = NULL;

  g_assert_true (lw_history_record (history, owned, &error));
  g_assert_no_error (error);
}

static GPtrArray *
get_changes (LwHistory *history,
             guint      limit)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *changes = lw_history_get_changes (history, limit, &error);

  g_assert_no_error (error);
  g_assert_nonnull (changes);
  return changes;
}

static GPtrArray *
get_remembered (LwHistory *history)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *remembered = lw_history_get_remembered (history, &error);

  g_assert_no_error (error);
  g_assert_nonnull (remembered);
  return remembered;
}

static void
assert_change (GPtrArray *changes,
               guint      i,
               gint64     time,
               LwStatus   old_status,
               LwStatus   new_status)
{
  const LwStatusChange *c;

  g_assert_cmpuint (i, <, changes->len);
  c = g_ptr_array_index (changes, i);
  g_assert_cmpint (c->time, ==, time);
  g_assert_cmpstr (lw_status_to_string (c->old_status), ==, lw_status_to_string (old_status));
  g_assert_cmpstr (lw_status_to_string (c->new_status), ==, lw_status_to_string (new_status));
}

static void
assert_remembered (GPtrArray  *remembered,
                   guint       i,
                   int         family,
                   const char *address,
                   gint64      first_seen,
                   gint64      last_seen)
{
  const LwRememberedAddress *r;

  g_assert_cmpuint (i, <, remembered->len);
  r = g_ptr_array_index (remembered, i);
  g_assert_cmpint (r->family, ==, family);
  g_assert_cmpstr (r->address, ==, address);
  g_assert_cmpint (r->first_seen, ==, first_seen);
  g_assert_cmpint (r->last_seen, ==, last_seen);
}

/* A one-value query straight on the file, as another reader would see it. */
static char *
query_text (const char *path,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static void
test_changes (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(LwHistory) history = open_history (f->path);
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GPtrArray) last_two = NULL;
  g_autoptr(JsonNode) findings = NULL;
  g_autoptr(JsonNode) array = NULL;
  g_autofree char *array_json = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *mode = NULL;
  g_autofree char *row = NULL;
  g_autofree char *expected_row = NULL;
  g_autofree char *expected_headline = NULL;
  g_autoptr(LwReport) same_leak = report_leak (0);
  const LwStatusChange *leak;
  JsonObject *finding;
  gint64 t0 = now_s () - 3600;
  LwStatus status = LW_STATUS_UNKNOWN;

  g_assert_false (lw_history_get_last_status (history, &status));
  g_assert_cmpuint (lw_history_count_checks (history), ==, 0);
  g_assert_null (lw_history_take_recovery_notice (history));

  record (history, report_protected (t0));
  record (history, report_protected (t0 + 60));
  record (history, report_leak (t0 + 120));
  record (history, report_leak (t0 + 180));
  record (history, report_protected (t0 + 240));

  g_assert_cmpuint (lw_history_count_checks (history), ==, 5);
  g_assert_true (lw_history_get_last_status (history, &status));
  g_assert_cmpint (status, ==, LW_STATUS_PROTECTED);

  /* A change each time the status changed, and only then. */
  changes = get_changes (history, 0);
  g_assert_cmpuint (changes->len, ==, 3);
  assert_change (changes, 0, t0, LW_STATUS_CHECKING, LW_STATUS_PROTECTED);
  assert_change (changes, 1, t0 + 120, LW_STATUS_PROTECTED, LW_STATUS_LEAK);
  assert_change (changes, 2, t0 + 240, LW_STATUS_LEAK, LW_STATUS_PROTECTED);

  /* The leak says what leaked, as the report did. */
  leak = g_ptr_array_index (changes, 1);
  expected_headline = lw_report_dup_headline (same_leak);
  g_assert_cmpstr (leak->headline, ==, expected_headline);
  g_assert_true (g_str_has_prefix (leak->headline, "Leak: "));
  g_assert_nonnull (strstr (leak->headline, ISP4));
  findings = json_from_string (leak->findings, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (findings));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (findings)), ==, 1);
  finding = json_array_get_object_element (json_node_get_array (findings), 0);
  g_assert_cmpstr (json_object_get_string_member (finding, "id"), ==, "public-address-leak");
  g_assert_cmpstr (json_object_get_string_member (finding, "level"), ==, "leak");
  g_assert_cmpstr (json_object_get_string_member (finding, "address"), ==, ISP4);
  g_assert_cmpstr (json_object_get_string_member (finding, "summary"), !=, "");

  g_assert_cmpstr (((LwStatusChange *) g_ptr_array_index (changes, 0))->headline, ==,
                   "Protected: web pages see only your VPN's address");
  g_assert_cmpstr (((LwStatusChange *) g_ptr_array_index (changes, 0))->findings, ==, "[]");

  /* The latest two, still oldest first. */
  last_two = get_changes (history, 2);
  g_assert_cmpuint (last_two->len, ==, 2);
  assert_change (last_two, 0, t0 + 120, LW_STATUS_PROTECTED, LW_STATUS_LEAK);
  assert_change (last_two, 1, t0 + 240, LW_STATUS_LEAK, LW_STATUS_PROTECTED);

  /* As `leakwatch --history --json` and the service's GetChanges give
   * them: an array of the rows' JSON, oldest first. */
  array_json = lw_status_changes_to_json (last_two, FALSE);
  array = json_from_string (array_json, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (array));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (array)), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_node_get_array (array), 0),
                                                  "new"), ==, "leak");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_node_get_array (array), 1),
                                                  "old"), ==, "leak");
  g_clear_pointer (&array_json, g_free);
  g_ptr_array_set_size (last_two, 0);
  array_json = lw_status_changes_to_json (last_two, FALSE);
  g_assert_cmpstr (array_json, ==, "[]");

  g_assert_finalize_object (g_steal_pointer (&history));

  /* It is all there after a restart, in a WAL-mode file, with a compact
   * row per check. */
  history = open_history (f->path);
  g_assert_null (lw_history_take_recovery_notice (history));
  g_assert_cmpuint (lw_history_count_checks (history), ==, 5);
  g_clear_pointer (&changes, g_ptr_array_unref);
  changes = get_changes (history, 0);
  g_assert_cmpuint (changes->len, ==, 3);
  g_assert_true (lw_history_get_last_status (history, &status));
  g_assert_cmpint (status, ==, LW_STATUS_PROTECTED);

  mode = query_text (f->path, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
  row = query_text (f->path,
                    "SELECT time || ' ' || status || ' ' || total_ms || ' ' || "
                    "vpn_active || ' ' || IFNULL (public4, '-') || ' ' || IFNULL (public6, '-') "
                    "FROM checks ORDER BY id DESC LIMIT 1");
  expected_row = g_strdup_printf ("%" G_GINT64_FORMAT " protected 1234 1 " EXIT4 " -", t0 + 240);
  g_assert_cmpstr (row, ==, expected_row);
}

static void
test_remembered (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(LwHistory) history = open_history (f->path);
  g_autoptr(GPtrArray) remembered = NULL;
  gint64 t = now_s () - 3600;
  LwEvidence *ev;
  LwPublicAddress *proxied;

  /* No VPN, and the HTTPS service answered directly: a real address. */
  record (history, report_unprotected (t));
  remembered = get_remembered (history);
  g_assert_cmpuint (remembered->len, ==, 1);
  assert_remembered (remembered, 0, 4, ISP4, t, t);
  g_clear_pointer (&remembered, g_ptr_array_unref);

  /* Seen again, with IPv6 this time; what came through a proxy or did
   * not answer is not the user's address. */
  ev = ev_home (FALSE);
  ev_default (ev, LAN4, LAN6);
  ev_https (ev, 4, ISP4, LW_RESULT_ANSWERED);
  ev_https (ev, 6, LAN6, LW_RESULT_ANSWERED);
  ev_https (ev, 4, "198.51.100.99", LW_RESULT_TIMEOUT);
  proxied = lw_public_address_new (4, LW_HTTP_PATH_PROXY, "https://203.0.113.5/");
  proxied->result = LW_RESULT_ANSWERED;
  proxied->address = g_strdup ("203.0.113.8");
  g_ptr_array_add (ev->public_addresses, proxied);
  record (history, report_from (ev, t + 100));

  remembered = get_remembered (history);
  g_assert_cmpuint (remembered->len, ==, 2);
  assert_remembered (remembered, 0, 6, LAN6, t + 100, t + 100);
  assert_remembered (remembered, 1, 4, ISP4, t, t + 100);
  g_clear_pointer (&remembered, g_ptr_array_unref);

  /* Nothing is learnt while a VPN is up, not even a leak's address. */
  record (history, report_protected (t + 200));
  record (history, report_leak (t + 300));
  remembered = get_remembered (history);
  g_assert_cmpuint (remembered->len, ==, 2);
  assert_remembered (remembered, 0, 6, LAN6, t + 100, t + 100);
  assert_remembered (remembered, 1, 4, ISP4, t, t + 100);
  g_clear_pointer (&remembered, g_ptr_array_unref);

  /* The newest sighting comes first. */
  record (history, report_unprotected (t + 400));
  remembered = get_remembered (history);
  g_assert_cmpuint (remembered->len, ==, 2);
  assert_remembered (remembered, 0, 4, ISP4, t, t + 400);
  assert_remembered (remembered, 1, 6, LAN6, t + 100, t + 100);

  g_assert_cmpuint (lw_history_count_checks (history), ==, 5);
}

static void
test_retention_caps (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(LwHistory) history = open_history (f->path);
  g_autoptr(GPtrArray) changes = NULL;
  gint64 t = now_s () - 3600;
  LwStatus status;

  lw_history_set_retention (history, 0, 10, 3);
  for (guint i = 0; i < 50; i++)
    record (history, i % 2 ? report_leak (t + i) : report_protected (t + i));

  g_assert_cmpuint (lw_history_count_checks (history), ==, 10);
  changes = get_changes (history, 0);
  g_assert_cmpuint (changes->len, ==, 3);
  assert_change (changes, 0, t + 47, LW_STATUS_PROTECTED, LW_STATUS_LEAK);
  assert_change (changes, 1, t + 48, LW_STATUS_LEAK, LW_STATUS_PROTECTED);
  assert_change (changes, 2, t + 49, LW_STATUS_PROTECTED, LW_STATUS_LEAK);
  g_assert_true (lw_history_get_last_status (history, &status));
  g_assert_cmpint (status, ==, LW_STATUS_LEAK);
}

static void
test_retention_age (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(LwHistory) history = open_history (f->path);
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GPtrArray) remembered = NULL;
  gint64 now = now_s ();
  LwStatus status;

  /* Half a year ago, with the default limits (90 days). */
  record (history, report_unprotected (now - 200 * DAY));
  record (history, report_leak (now - 199 * DAY));
  record (history, report_leak (now - 198 * DAY));
  g_assert_cmpuint (lw_history_count_checks (history), ==, 3);
  remembered = get_remembered (history);
  g_assert_cmpuint (remembered->len, ==, 1);
  g_clear_pointer (&remembered, g_ptr_array_unref);

  /* Today: the old checks, changes and addresses are gone. */
  record (history, report_protected (now - 60));
  record (history, report_protected (now));
  g_assert_cmpuint (lw_history_count_checks (history), ==, 2);
  changes = get_changes (history, 0);
  g_assert_cmpuint (changes->len, ==, 1);
  assert_change (changes, 0, now - 60, LW_STATUS_LEAK, LW_STATUS_PROTECTED);
  remembered = get_remembered (history);
  g_assert_cmpuint (remembered->len, ==, 0);
  g_clear_pointer (&changes, g_ptr_array_unref);

  /* A status that has held for longer than the limit is still the last
   * one: the latest change stays whatever its age. */
  lw_history_set_retention (history, 30 * DAY, 0, 0);
  record (history, report_protected (now + 40 * DAY));
  g_assert_cmpuint (lw_history_count_checks (history), ==, 1);
  changes = get_changes (history, 0);
  g_assert_cmpuint (changes->len, ==, 1);
  assert_change (changes, 0, now - 60, LW_STATUS_LEAK, LW_STATUS_PROTECTED);
  g_assert_true (lw_history_get_last_status (history, &status));
  g_assert_cmpint (status, ==, LW_STATUS_PROTECTED);
}

/* Exactly one "<name>.corrupt-YYYYMMDD-HHMMSS" beside @path. */
static char *
find_aside (const char *path)
{
  g_autofree char *dirname = g_path_get_dirname (path);
  g_autofree char *basename = g_path_get_basename (path);
  g_autofree char *prefix = g_strconcat (basename, ".corrupt-", NULL);
  g_autoptr(GDir) dir = g_dir_open (dirname, 0, NULL);
  g_autoptr(GRegex) stamp = g_regex_new ("^[0-9]{8}-[0-9]{6}(-[0-9]+)?$", 0, 0, NULL);
  char *found = NULL;
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      /* The -wal and -shm files go along with it. */
      if (!g_str_has_prefix (name, prefix) ||
          g_str_has_suffix (name, "-wal") || g_str_has_suffix (name, "-shm"))
        continue;
      g_assert_true (g_regex_match (stamp, name + strlen (prefix), 0, NULL));
      g_assert_null (found);
      found = g_build_filename (dirname, name, NULL);
    }
  g_assert_nonnull (found);
  return found;
}

/* Opens a damaged @path: it must be moved aside whole, a new history
 * started, and the user told once. */
static void
assert_recovers (const char *path,
                 GBytes     *damaged)
{
  g_autoptr(LwHistory) history = lw_history_new (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *notice = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  /* The recovery is told through lw_history_take_recovery_notice(), not the log. */
  g_assert_true (lw_history_open (history, &error));
  g_assert_no_error (error);
  g_test_assert_expected_messages ();

  aside = find_aside (path);
  if (damaged != NULL)
    {
      g_assert_true (g_file_get_contents (aside, &contents, &length, NULL));
      g_assert_cmpmem (contents, length,
                       g_bytes_get_data (damaged, NULL), g_bytes_get_size (damaged));
    }

  notice = lw_history_take_recovery_notice (history);
  g_assert_nonnull (notice);
  g_assert_nonnull (strstr (notice, aside));
  g_assert_null (lw_history_take_recovery_notice (history));

  /* The new history works, and is a different file. */
  g_assert_cmpuint (lw_history_count_checks (history), ==, 0);
  record (history, report_leak (now_s ()));
  g_assert_cmpuint (lw_history_count_checks (history), ==, 1);
  g_assert_finalize_object (g_steal_pointer (&history));

  history = open_history (path);
  g_assert_null (lw_history_take_recovery_notice (history));
  g_assert_cmpuint (lw_history_count_checks (history), ==, 1);
}

static void
write_damaged (const char *path,
               GBytes     *bytes)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_no_errno (g_mkdir_with_parents (dir, 0700));
  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
}

static void
test_corrupt_random (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (6);
  g_autoptr(GBytes) garbage = NULL;
  guint32 *words = g_new (guint32, 16384);

  for (guint i = 0; i < 16384; i++)
    words[i] = g_rand_int (rand);
  garbage = g_bytes_new_take (words, 16384 * sizeof (guint32));

  write_damaged (f->path, garbage);
  assert_recovers (f->path, garbage);
}

/* A process that opens the history while the service holds it (a check
 * by hand) never moves a damaged file aside: it is told why, and the file
 * stays where the service has it. */
static void
test_corrupt_kept_for_the_holder (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GBytes) garbage = g_bytes_new_static ("not a database at all, and longer than a header",
                                                  48);
  g_autoptr(LwHistory) history = lw_history_new (f->path);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autoptr(GDir) listing = NULL;
  gsize length;
  guint n = 0;

  write_damaged (f->path, garbage);
  lw_history_keep_damaged (history);
  g_assert_false (lw_history_open (history, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "the running service holds the file"));
  g_assert_null (lw_history_take_recovery_notice (history));

  g_assert_true (g_file_get_contents (f->path, &contents, &length, NULL));
  g_assert_cmpmem (contents, length, g_bytes_get_data (garbage, NULL), g_bytes_get_size (garbage));
  listing = g_dir_open (dir, 0, NULL);
  while (g_dir_read_name (listing) != NULL)
    n++;
  g_assert_cmpuint (n, ==, 1);
}

static void
test_corrupt_text (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GBytes) bytes = NULL;

  for (guint i = 0; i < 200; i++)
    g_string_append_printf (text, "%u: this is not a database\n", i);
  bytes = g_string_free_to_bytes (g_steal_pointer (&text));

  write_damaged (f->path, bytes);
  assert_recovers (f->path, bytes);
}

/* A real history cut short, as by a full disk or a bad copy. */
static void
test_corrupt_truncated (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(LwHistory) history = open_history (f->path);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  gint64 t = now_s () - DAY;
  gsize length;

  for (guint i = 0; i < 400; i++)
    record (history, i % 2 ? report_leak (t + i) : report_protected (t + i));
  g_assert_finalize_object (g_steal_pointer (&history));

  /* Closed cleanly: all of it is in the main file now. */
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_get_contents (f->path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 16 * 4096);
  g_assert_no_errno (truncate (f->path, length / 2));
  bytes = g_bytes_new (contents, length / 2);

  assert_recovers (f->path, bytes);
}

/* Not even a file: a folder where the history should be. */
static void
test_corrupt_unreadable (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *inside = g_build_filename (f->path, "something", NULL);

  g_assert_no_errno (g_mkdir_with_parents (f->path, 0700));
  g_assert_true (g_file_set_contents (inside, "x", 1, NULL));
  assert_recovers (f->path, NULL);
}

/* A machine in trouble, not a damaged file: the history stays where it
 * is, whole, with its remembered real addresses. FAULT runs in a child
 * process with the history at LW_TEST_HISTORY, and must fail to use it. */
typedef void (*Fault) (const char *path);

static void
assert_survives (Fixture *f,
                 Fault    fault)
{
  g_autoptr(LwHistory) history = NULL;
  g_autoptr(GPtrArray) remembered = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autofree char *folder = g_path_get_dirname (f->path);
  gint64 now = now_s ();
  const char *name;

  if (g_test_subprocess ())
    {
      fault (g_getenv ("LW_TEST_HISTORY"));
      return;
    }

  history = open_history (f->path);
  record (history, report_unprotected (now - 60));   /* remembers the real address */
  record (history, report_leak (now - 30));
  g_assert_finalize_object (g_steal_pointer (&history));

  g_setenv ("LW_TEST_HISTORY", f->path, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_unsetenv ("LW_TEST_HISTORY");
  g_test_trap_assert_passed ();

  /* Nothing moved aside, nothing lost. */
  dir = g_dir_open (folder, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_null (strstr (name, ".corrupt-"));
  history = open_history (f->path);
  g_assert_null (lw_history_take_recovery_notice (history));
  g_assert_cmpuint (lw_history_count_checks (history), ==, 2);
  remembered = get_remembered (history);
  g_assert_cmpuint (remembered->len, ==, 1);
}

/* No descriptor left: the history cannot even be opened. */
static void
no_descriptors (const char *path)
{
  g_autoptr(LwHistory) history = lw_history_new (path);
  g_autoptr(GError) error = NULL;
  struct rlimit saved, none;
  int lowest = dup (0);

  g_assert_cmpint (lowest, >=, 0);
  close (lowest);
  g_assert_no_errno (getrlimit (RLIMIT_NOFILE, &saved));
  none = saved;
  none.rlim_cur = (rlim_t) lowest;
  g_assert_no_errno (setrlimit (RLIMIT_NOFILE, &none));

  g_assert_false (lw_history_open (history, &error));
  g_assert_nonnull (error);
  g_assert_null (lw_history_take_recovery_notice (history));

  /* The sanitizers need descriptors at exit. */
  g_assert_no_errno (setrlimit (RLIMIT_NOFILE, &saved));
}

static void
test_survives_no_descriptors (Fixture       *f,
                              gconstpointer  data)
{
  assert_survives (f, no_descriptors);
}

/* A full disk: no file may grow. Opening may fail, or recording. */
static void
disk_full (const char *path)
{
  g_autoptr(LwHistory) history = lw_history_new (path);
  g_autoptr(LwReport) report = report_protected (now_s ());
  g_autoptr(GError) error = NULL;
  struct rlimit saved, full;

  signal (SIGXFSZ, SIG_IGN);
  g_assert_no_errno (getrlimit (RLIMIT_FSIZE, &saved));
  full = saved;
  full.rlim_cur = 0;
  g_assert_no_errno (setrlimit (RLIMIT_FSIZE, &full));

  if (lw_history_open (history, &error))
    g_assert_false (lw_history_record (history, report, &error));
  g_assert_nonnull (error);
  g_assert_null (lw_history_take_recovery_notice (history));
  g_clear_object (&history);

  g_assert_no_errno (setrlimit (RLIMIT_FSIZE, &saved));
}

static void
test_survives_full_disk (Fixture       *f,
                         gconstpointer  data)
{
  assert_survives (f, disk_full);
}

/* Damaged while open, as by a failing disk: the next record starts a new
 * file, and is in it. */
static void
test_corrupt_while_open (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(LwHistory) history = open_history (f->path);
  g_autofree char *notice = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *checkpoint = NULL;
  g_autofree char *garbage = g_strnfill (8 * 4096, 'x');
  gint64 t = now_s () - 600;
  LwStatus status;
  FILE *file;

  for (guint i = 0; i < 100; i++)
    record (history, i % 2 ? report_leak (t + i) : report_protected (t + i));

  /* Everything in the main file, then all but its first page wiped. */
  checkpoint = query_text (f->path, "PRAGMA wal_checkpoint(TRUNCATE)");
  g_assert_cmpstr (checkpoint, ==, "0");
  file = fopen (f->path, "r+");
  g_assert_nonnull (file);
  g_assert_cmpint (fseek (file, 4096, SEEK_SET), ==, 0);
  g_assert_cmpuint (fwrite (garbage, 1, 8 * 4096, file), ==, 8 * 4096);
  g_assert_cmpint (fclose (file), ==, 0);

  /* The recovery is told through lw_history_take_recovery_notice(), not the log. */
  record (history, report_protected (t + 200));
  g_test_assert_expected_messages ();

  aside = find_aside (f->path);
  notice = lw_history_take_recovery_notice (history);
  g_assert_nonnull (notice);
  g_assert_nonnull (strstr (notice, aside));
  g_assert_cmpuint (lw_history_count_checks (history), ==, 1);
  g_assert_true (lw_history_get_last_status (history, &status));
  g_assert_cmpint (status, ==, LW_STATUS_PROTECTED);
}

/* Where no file can be made, open says so, and nothing else breaks. */
static void
test_cannot_open (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *blocker = g_build_filename (f->dir, "leakwatch", NULL);
  g_autoptr(LwHistory) history = lw_history_new (f->path);
  g_autoptr(LwReport) report = report_leak (now_s () - 10);
  g_autoptr(GPtrArray) remembered = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *problem = NULL;
  guint n_unsaved = 0;
  LwStatus status;

  /* A file where the folder should be. */
  g_assert_true (g_file_set_contents (blocker, "not a folder", -1, NULL));

  g_assert_false (lw_history_open (history, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_null (lw_history_take_recovery_notice (history));

  /* The report waits in memory, and the reason is kept for the user. */
  g_assert_false (lw_history_record (history, report, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  problem = lw_history_dup_save_problem (history, &n_unsaved);
  g_assert_nonnull (problem);
  g_assert_cmpuint (n_unsaved, ==, 1);
  remembered = lw_history_get_remembered (history, &error);
  g_assert_null (remembered);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (lw_history_get_last_status (history, &status));
  g_assert_cmpuint (lw_history_count_checks (history), ==, 0);

  /* Still a file, untouched. */
  g_assert_true (g_file_test (blocker, G_FILE_TEST_IS_REGULAR));

  /* Once the way is clear, the next record writes both, in order. */
  g_assert_no_errno (g_unlink (blocker));
  record (history, report_protected (now_s ()));
  g_clear_pointer (&problem, g_free);
  g_assert_null (lw_history_dup_save_problem (history, &n_unsaved));
  g_assert_cmpuint (n_unsaved, ==, 0);
  g_assert_cmpuint (lw_history_count_checks (history), ==, 2);
  changes = get_changes (history, 0);
  g_assert_cmpuint (changes->len, ==, 2);
  g_assert_cmpint (((LwStatusChange *) changes->pdata[0])->new_status, ==, LW_STATUS_LEAK);
  g_assert_cmpint (((LwStatusChange *) changes->pdata[1])->new_status, ==, LW_STATUS_PROTECTED);
}

/* A full disk while running: the reports that cannot be written wait in
 * memory, the reason is said in the user's words, and once space returns
 * every one of them is written, status changes and real addresses first
 * of all when there were too many to keep. */
static void
test_unsaved_retried (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(LwHistory) history = open_history (f->path);
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GPtrArray) remembered = NULL;
  g_autofree char *problem = NULL;
  struct rlimit saved, full;
  gint64 t = now_s () - 1000;
  guint n_unsaved = 0;

  record (history, report_protected (t));

  signal (SIGXFSZ, SIG_IGN);
  g_assert_no_errno (getrlimit (RLIMIT_FSIZE, &saved));
  full = saved;
  full.rlim_cur = 0;
  g_assert_no_errno (setrlimit (RLIMIT_FSIZE, &full));

  /* 300 checks on a full disk: a leak that comes and goes, and one
   * without a VPN, which remembers the real address, among them. */
  for (guint i = 1; i <= 300; i++)
    {
      g_autoptr(LwReport) report = i == 100 ? report_leak (t + i)
                                   : i == 200 ? report_unprotected (t + i)
                                   : report_protected (t + i);
      g_autoptr(GError) error = NULL;

      g_assert_false (lw_history_record (history, report, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
    }
  g_assert_no_errno (setrlimit (RLIMIT_FSIZE, &saved));

  problem = lw_history_dup_save_problem (history, &n_unsaved);
  g_assert_cmpstr (problem, ==, "the disk is full");
  g_assert_cmpuint (n_unsaved, ==, 200);

  /* Space is back: the next record writes what waited, then itself. */
  record (history, report_protected (t + 301));
  g_clear_pointer (&problem, g_free);
  g_assert_null (lw_history_dup_save_problem (history, &n_unsaved));
  g_assert_cmpuint (n_unsaved, ==, 0);
  g_assert_cmpuint (lw_history_count_checks (history), ==, 1 + 200 + 1);

  changes = get_changes (history, 0);
  g_assert_cmpuint (changes->len, ==, 5);
  g_assert_cmpint (((LwStatusChange *) changes->pdata[1])->new_status, ==, LW_STATUS_LEAK);
  g_assert_cmpint (((LwStatusChange *) changes->pdata[1])->time, ==, t + 100);
  g_assert_cmpint (((LwStatusChange *) changes->pdata[3])->new_status, ==, LW_STATUS_UNPROTECTED);
  g_assert_cmpint (((LwStatusChange *) changes->pdata[3])->time, ==, t + 200);
  remembered = get_remembered (history);
  g_assert_cmpuint (remembered->len, ==, 1);
  g_assert_cmpstr (((LwRememberedAddress *) remembered->pdata[0])->address, ==, ISP4);
}

/* The child of the kill -9 test: records as fast as it can, and prints
 * the number of committed records after each commit. */
static int
crash_writer (const char *path)
{
  g_autoptr(LwHistory) history = lw_history_new (path);
  g_autoptr(GError) error = NULL;
  gint64 t = now_s ();
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  if (!lw_history_open (history, &error))
    {
      g_printerr ("crash-writer: %s\n", error->message);
      return 1;
    }
  lw_history_set_retention (history, 0, 0, 0);

  for (guint n = 1; g_get_monotonic_time () < deadline; n++)
    {
      g_autoptr(LwReport) report = NULL;
      g_autofree char *line = NULL;
      gsize done = 0;

      switch (n % 3)
        {
        case 0:
          report = report_unprotected (t + n);
          break;
        case 1:
          report = report_protected (t + n);
          break;
        default:
          report = report_leak (t + n);
          break;
        }

      if (!lw_history_record (history, report, &error))
        {
          g_printerr ("crash-writer: %s\n", error->message);
          return 1;
        }

      line = g_strdup_printf ("%u\n", n);
      while (done < strlen (line))
        {
          gssize written = write (STDOUT_FILENO, line + done, strlen (line) - done);

          if (written < 0)
            return 1;
          done += written;
        }
    }
  return 0;
}

/* Runs the writer and kills it after ~0.3 s. Returns the last count it
 * reported, that is the records known to be committed. */
static guint
run_and_kill_writer (const char *path)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  const char *argv[] = { self, "--crash-writer", path, NULL };
  g_autoptr(GSubprocess) writer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) pending = g_string_new (NULL);
  GInputStream *out;
  gint64 first_line = 0;
  gboolean killed = FALSE;
  guint last = 0;
  char buffer[4096];

  g_assert_nonnull (self);
  writer = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  out = g_subprocess_get_stdout_pipe (writer);

  for (;;)
    {
      gssize got = g_input_stream_read (out, buffer, sizeof buffer, NULL, &error);
      char *newline;

      g_assert_no_error (error);
      if (got == 0)
        break;
      g_string_append_len (pending, buffer, got);

      /* Only whole lines count. */
      while ((newline = strchr (pending->str, '\n')) != NULL)
        {
          *newline = '\0';
          last = (guint) g_ascii_strtoull (pending->str, NULL, 10);
          g_string_erase (pending, 0, newline - pending->str + 1);
          if (first_line == 0)
            first_line = g_get_monotonic_time ();
        }

      if (!killed && first_line != 0 && g_get_monotonic_time () - first_line > 300 * 1000)
        {
          g_subprocess_force_exit (writer);
          killed = TRUE;
        }
    }

  g_subprocess_wait (writer, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (killed);
  g_assert_true (g_subprocess_get_if_signaled (writer));
  g_assert_cmpint (g_subprocess_get_term_sig (writer), ==, SIGKILL);
  return last;
}

static void
test_kill_mid_write (Fixture       *f,
                     gconstpointer  data)
{
  guint committed = 0;

  for (guint round = 0; round < 3; round++)
    {
      g_autoptr(LwHistory) history = NULL;
      g_autofree char *integrity = NULL;
      guint last = run_and_kill_writer (f->path);
      guint count;

      g_test_message ("round %u: the writer reported %u committed records", round, last);
      g_assert_cmpuint (last, >, 0);
      committed += last;

      /* Every record reported as committed is there, at most one more
       * (committed but killed before it said so), and the file is whole:
       * no recovery, no damage. */
      history = open_history (f->path);
      g_assert_null (lw_history_take_recovery_notice (history));
      count = lw_history_count_checks (history);
      g_assert_cmpuint (count, >=, committed);
      g_assert_cmpuint (count, <=, committed + 1);
      committed = count;

      integrity = query_text (f->path, "PRAGMA integrity_check");
      g_assert_cmpstr (integrity, ==, "ok");
    }
}

typedef struct
{
  GMainContext *context;
  GThread      *thread;
  guint         done;
  guint         order[8];
  GError       *errors[8];
  gboolean      timer_fired;
  guint         timer_fired_before;
} AsyncState;

typedef struct
{
  AsyncState *state;
  guint       index;
} AsyncCall;

static void
on_recorded (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  g_autofree AsyncCall *call = data;
  AsyncState *state = call->state;

  /* In the caller's context, on the caller's thread. */
  g_assert_true ((g_main_context_get_thread_default () ?: g_main_context_default ()) ==
                 state->context);
  g_assert_true (g_main_context_is_owner (state->context));
  g_assert_true (g_thread_self () == state->thread);

  lw_history_record_finish (LW_HISTORY (source), result, &state->errors[call->index]);
  state->order[state->done++] = call->index;
}

static void
record_async (LwHistory    *history,
              LwReport     *report,
              GCancellable *cancellable,
              AsyncState   *state,
              guint         index)
{
  g_autoptr(LwReport) owned = report;
  AsyncCall *call = g_new0 (AsyncCall, 1);

  call->state = state;
  call->index = index;
  lw_history_record_async (history, owned, cancellable, on_recorded, call);
}

static gboolean
on_timer (gpointer data)
{
  AsyncState *state = data;

  state->timer_fired = TRUE;
  state->timer_fired_before = state->done;
  return G_SOURCE_REMOVE;
}

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(LwHistory) history = open_history (f->path);
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GSource) timer = NULL;
  AsyncState state = { 0 };
  sqlite3 *blocker = NULL;
  gint64 t = now_s () - 600;
  gint64 started;

  g_main_context_push_thread_default (context);
  state.context = context;
  state.thread = g_thread_self ();

  /* Another process holds the write lock: the records wait for it on the
   * worker while the caller's loop goes on. */
  g_assert_cmpint (sqlite3_open (f->path, &blocker), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (blocker, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);

  started = g_get_monotonic_time ();
  record_async (history, report_protected (t), NULL, &state, 0);
  record_async (history, report_leak (t + 60), NULL, &state, 1);
  g_cancellable_cancel (cancelled);
  record_async (history, report_unprotected (t + 90), cancelled, &state, 2);
  record_async (history, report_protected (t + 120), NULL, &state, 3);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 100 * 1000);

  timer = g_timeout_source_new (200);
  g_source_set_callback (timer, on_timer, &state, NULL);
  g_source_attach (timer, context);

  while (!state.timer_fired)
    g_main_context_iteration (context, TRUE);
  g_assert_cmpuint (state.timer_fired_before, ==, 0);
  g_assert_cmpint (sqlite3_exec (blocker, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (blocker);

  while (state.done < 4)
    g_main_context_iteration (context, TRUE);

  /* Each callback once (GTask may defer an error by an iteration, so
   * their order is not the records' order; the changes below are). */
  for (guint i = 0; i < 4; i++)
    {
      guint seen = 0;

      for (guint j = 0; j < 4; j++)
        seen += state.order[j] == i;
      g_assert_cmpuint (seen, ==, 1);
    }
  g_assert_no_error (state.errors[0]);
  g_assert_no_error (state.errors[1]);
  g_assert_error (state.errors[2], G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_no_error (state.errors[3]);
  g_clear_error (&state.errors[2]);

  g_assert_cmpuint (lw_history_count_checks (history), ==, 3);
  changes = get_changes (history, 0);
  g_assert_cmpuint (changes->len, ==, 3);
  /* Recorded in the order given; the cancelled one not at all. */
  assert_change (changes, 0, t, LW_STATUS_CHECKING, LW_STATUS_PROTECTED);
  assert_change (changes, 1, t + 60, LW_STATUS_PROTECTED, LW_STATUS_LEAK);
  assert_change (changes, 2, t + 120, LW_STATUS_LEAK, LW_STATUS_PROTECTED);

  /* Nothing holds on to the history once the callbacks ran. */
  g_assert_finalize_object (g_steal_pointer (&history));
  g_main_context_pop_thread_default (context);
}

/* A failed record is reported to the callback, never fatal. */
static void
test_async_failure (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(LwHistory) history = lw_history_new (f->path);
  g_autofree char *blocker = g_build_filename (f->dir, "leakwatch", NULL);
  AsyncState state = { 0 };

  state.context = g_main_context_ref_thread_default ();
  state.thread = g_thread_self ();

  /* Cannot be opened: a file where the folder should be. */
  g_assert_true (g_file_set_contents (blocker, "not a folder", -1, NULL));
  record_async (history, report_leak (now_s ()), NULL, &state, 0);
  while (state.done < 1)
    g_main_context_iteration (state.context, TRUE);
  g_assert_nonnull (state.errors[0]);
  g_clear_error (&state.errors[0]);
  g_main_context_unref (state.context);

  g_assert_finalize_object (g_steal_pointer (&history));
}

static void
test_default_path (void)
{
  g_autofree char *path = lw_history_default_path ();
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "leakwatch", "history.db",
                                                NULL);
  g_autoptr(LwHistory) history = lw_history_new (NULL);

  g_assert_cmpstr (path, ==, expected);
  g_assert_cmpstr (lw_history_get_path (history), ==, expected);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && g_str_equal (argv[1], "--crash-writer"))
    return crash_writer (argv[2]);

  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/history/changes", test_changes);
  ADD ("/history/remembered", test_remembered);
  ADD ("/history/retention/caps", test_retention_caps);
  ADD ("/history/retention/age", test_retention_age);
  ADD ("/history/corrupt/random", test_corrupt_random);
  ADD ("/history/corrupt/kept-for-the-holder", test_corrupt_kept_for_the_holder);
  ADD ("/history/corrupt/text", test_corrupt_text);
  ADD ("/history/corrupt/truncated", test_corrupt_truncated);
  ADD ("/history/corrupt/unreadable", test_corrupt_unreadable);
  ADD ("/history/corrupt/while-open", test_corrupt_while_open);
  ADD ("/history/cannot-open", test_cannot_open);
  ADD ("/history/survives/no-descriptors", test_survives_no_descriptors);
  ADD ("/history/survives/full-disk", test_survives_full_disk);
  ADD ("/history/unsaved/retried", test_unsaved_retried);
  ADD ("/history/kill-mid-write", test_kill_mid_write);
  ADD ("/history/async", test_async);
  ADD ("/history/async-failure", test_async_failure);
  g_test_add_func ("/history/default-path", test_default_path);

#undef ADD

  return g_test_run ();
}
