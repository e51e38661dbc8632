/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Firefox's pref files (prefs.js, user.js), read the way Firefox reads
 * them: docs/ARCHITECTURE.md, "Browser files". Another program's files:
 * read with a size cap, never written here. */

#define LW_FIREFOX_PREFS_MAX_BYTES (16 * 1024 * 1024)

typedef enum
{
  LW_PREF_BOOL,
  LW_PREF_INT,
  LW_PREF_STRING,
} LwPrefType;

typedef struct
{
  char       *name;
  LwPrefType  type;
  gboolean    boolean;
  gint64      integer;
  char       *string;
  gboolean    locked;    /* lockPref(), as in a policy's or an autoconfig file */
  guint       line;      /* where it was set, for people */
} LwPref;

void        lw_pref_free              (LwPref        *self);
GHashTable *lw_firefox_prefs_parse    (const char    *text,
                                       gsize          length,
                                       GError       **error);
GHashTable *lw_firefox_prefs_load     (GFile         *file,
                                       GError       **error);
gboolean    lw_read_capped_file       (GFile         *file,
                                       gsize          max_bytes,
                                       char         **contents,
                                       gsize         *length,
                                       GError       **error);

G_END_DECLS
