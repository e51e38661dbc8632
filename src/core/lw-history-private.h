/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "lw-history.h"

G_BEGIN_DECLS

/* The history's SQLite side (lw-history-db.c), for lw-history.c only.
 * Each function that runs SQL returns the SQLite result code, and sets
 * @error when it is not SQLITE_OK. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

int         lw_db_fail                (sqlite3       *db,
                                       int            rc,
                                       GError       **error);
int         lw_db_prepare             (sqlite3       *db,
                                       const char    *sql,
                                       sqlite3_stmt **stmt,
                                       GError       **error);
int         lw_db_step_done           (sqlite3       *db,
                                       sqlite3_stmt  *stmt,
                                       GError       **error);
int         lw_db_exec                (sqlite3       *db,
                                       const char    *sql,
                                       GError       **error);
int         lw_db_pragma_text         (sqlite3       *db,
                                       const char    *sql,
                                       char         **value,
                                       GError       **error);
void        lw_db_rollback            (sqlite3       *db);
sqlite3    *lw_db_open                (const char    *path,
                                       gboolean      *damaged,
                                       GError       **error);
char       *lw_db_move_aside          (const char    *path,
                                       GError       **error);

char       *lw_db_findings_to_json    (GPtrArray     *findings);
char       *lw_db_public_addresses_of (const LwEvidence *ev,
                                       int            family);
LwStatus    lw_db_status_from_column  (sqlite3_stmt  *stmt,
                                       int            column);
int         lw_db_read_last_status    (sqlite3       *db,
                                       gboolean      *have,
                                       LwStatus      *status,
                                       GError       **error);
int         lw_db_insert_check        (sqlite3       *db,
                                       LwReport      *report,
                                       GError       **error);
int         lw_db_insert_change       (sqlite3       *db,
                                       LwReport      *report,
                                       LwStatus       old_status,
                                       GError       **error);
int         lw_db_remember_addresses  (sqlite3       *db,
                                       LwReport      *report,
                                       GError       **error);
int         lw_db_insert_confirmations (sqlite3      *db,
                                       LwReport      *report,
                                       GError       **error);
GPtrArray  *lw_db_read_confirmations  (sqlite3       *db,
                                       GError       **error);
int         lw_db_delete_with         (sqlite3       *db,
                                       const char    *sql,
                                       gint64         value,
                                       GError       **error);
int         lw_db_apply_retention     (sqlite3       *db,
                                       gint64         now,
                                       gint64         max_age,
                                       guint          max_checks,
                                       guint          max_changes,
                                       GError       **error);
GPtrArray  *lw_db_read_remembered     (sqlite3       *db,
                                       GError       **error);
GPtrArray  *lw_db_read_changes        (sqlite3       *db,
                                       guint          limit,
                                       GError       **error);
gboolean    lw_db_is_transient        (int            rc);
char       *lw_db_describe_problem    (const GError  *error);

G_END_DECLS
