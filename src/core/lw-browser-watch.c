/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lw-browser-watch"

#include "config.h"

#include "lw-browser-watch.h"

/* Keeps the browser audit current (docs/ARCHITECTURE.md, "Browser
 * files"): a GFileMonitor on every folder the audit reads, a change to a
 * file it reads audits again (coalesced), and "changed" tells when a
 * setting, a profile or a browser changed. The monitor then makes a new
 * verdict on its last evidence, with no network check: this is what
 * turns the tray green once the user applies a fix. */

#define COALESCE_MS 200

struct _LwBrowserWatch
{
  GObject       parent_instance;

  LwAuditPlaces places;
  char         *home, *config_home, *data_home, *root;
  GStrv         data_dirs;

  GHashTable   *monitors;      /* folder -> Watched */
  GPtrArray    *setups;        /* nullable until the first audit */
  char         *fingerprint;
  GCancellable *cancellable;
  gboolean      auditing;
  gboolean      again;         /* a change came during the audit */
  guint         coalesce_source;
};

G_DEFINE_FINAL_TYPE (LwBrowserWatch, lw_browser_watch, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void audit (LwBrowserWatch *self);

/* What a view would show differently: a new value here is a change. */
static char *
fingerprint (GPtrArray *setups)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < setups->len; i++)
    {
      const LwBrowserSetup *s = g_ptr_array_index (setups, i);

      g_string_append_printf (out, "%s|%s|%s|%s|%s|%s|%d%d%d%d|%s|%d|%s|%d\n", s->label, s->setting,
                              s->source, s->unverified ? s->unverified : "", s->path ? s->path : "",
                              s->desktop_id ? s->desktop_id : "", s->modes.ordinary,
                              s->modes.ordinary_mdns, s->modes.camera, s->modes.camera_mdns,
                              lw_packaging_to_string (s->packaging), s->running,
                              s->pending ? s->pending : "", s->fix);
    }
  return g_string_free (out, FALSE);
}

static gboolean
on_coalesced (gpointer data)
{
  LwBrowserWatch *self = data;

  self->coalesce_source = 0;
  audit (self);
  return G_SOURCE_REMOVE;
}

/* One folder watched: one the audit reads, or the nearest one there is
 * above a folder it reads that is not there yet (then only that child's
 * coming counts), or both. */
typedef struct
{
  LwBrowserWatch *watch;
  GFileMonitor   *monitor;
  gboolean        read_itself;
  GHashTable     *children;     /* names of folders awaited here */
} Watched;

static void
watched_free (gpointer data)
{
  Watched *w = data;

  g_signal_handlers_disconnect_by_data (w->monitor, w);
  g_file_monitor_cancel (w->monitor);
  g_object_unref (w->monitor);
  g_hash_table_unref (w->children);
  g_free (w);
}

static void
on_folder_changed (GFileMonitor      *monitor,
                   GFile             *file,
                   GFile             *other,
                   GFileMonitorEvent  event,
                   gpointer           data)
{
  Watched *w = data;
  LwBrowserWatch *self = w->watch;
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *other_name = other ? g_file_get_basename (other) : NULL;
  gboolean counts;

  if (event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED || event == G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT)
    return;
  /* Profiles write many files all the time: only the ones the audit
   * reads count, and folders coming (a profile, a policy folder). */
  counts = g_hash_table_contains (w->children, name) ||
           (other_name != NULL && g_hash_table_contains (w->children, other_name));
  if (w->read_itself)
    counts = counts || lw_browser_audit_reads (name) || (other_name && lw_browser_audit_reads (other_name)) ||
             ((event == G_FILE_MONITOR_EVENT_CREATED || event == G_FILE_MONITOR_EVENT_MOVED_IN) &&
              g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY);
  if (!counts)
    return;

  g_debug ("%s changed", name);
  g_clear_handle_id (&self->coalesce_source, g_source_remove);
  self->coalesce_source = g_timeout_add (COALESCE_MS, on_coalesced, self);
}

/* The Watched for @folder in @watched: the one already there, or one
 * kept from the last time, or a new one. */
static Watched *
watch_folder (LwBrowserWatch *self,
              GHashTable     *watched,
              const char     *folder)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  Watched *w = g_hash_table_lookup (watched, folder);
  gpointer old_key = NULL;

  if (w != NULL)
    return w;
  if (g_hash_table_steal_extended (self->monitors, folder, &old_key, (gpointer *) &w))
    {
      g_free (old_key);
      w->read_itself = FALSE;
      g_hash_table_remove_all (w->children);
      g_hash_table_insert (watched, g_strdup (folder), w);
      return w;
    }

  file = g_file_new_for_path (folder);
  w = g_new0 (Watched, 1);
  w->watch = self;
  w->children = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  w->monitor = g_file_monitor_directory (file, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  if (w->monitor == NULL)
    {
      g_debug ("cannot watch %s: %s", folder, error->message);
      g_hash_table_unref (w->children);
      g_free (w);
      return NULL;
    }
  g_signal_connect (w->monitor, "changed", G_CALLBACK (on_folder_changed), w);
  g_hash_table_insert (watched, g_strdup (folder), w);
  return w;
}

/* Watches every folder the audit reads, and only those: a folder that is
 * not there yet through the nearest one above it that is, so that it is
 * seen as soon as it comes. */
static void
watch_folders (LwBrowserWatch *self)
{
  g_autoptr(GPtrArray) folders = lw_browser_audit_folders (&self->places, self->setups);
  GHashTable *watched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, watched_free);

  for (guint i = 0; i < folders->len; i++)
    {
      g_autofree char *folder = g_strdup (g_ptr_array_index (folders, i));
      g_autofree char *child = NULL;
      Watched *w;

      while (!g_file_test (folder, G_FILE_TEST_IS_DIR))
        {
          char *parent = g_path_get_dirname (folder);

          if (g_str_equal (parent, folder))
            {
              g_free (parent);
              break;
            }
          g_free (child);
          child = g_path_get_basename (folder);
          g_free (folder);
          folder = parent;
        }
      if ((w = watch_folder (self, watched, folder)) == NULL)
        continue;
      if (child != NULL)
        g_hash_table_add (w->children, g_steal_pointer (&child));
      else
        w->read_itself = TRUE;
    }

  /* What is no longer needed goes. */
  g_hash_table_unref (self->monitors);
  self->monitors = watched;
}

static void
on_audited (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(LwBrowserWatch) self = data;
  g_autoptr(GPtrArray) setups = lw_browser_audit_finish (result, NULL);
  g_autofree char *print = NULL;
  gboolean first;

  self->auditing = FALSE;
  if (setups == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;

  print = fingerprint (setups);
  first = self->setups == NULL;
  if (first || g_strcmp0 (print, self->fingerprint) != 0)
    {
      g_clear_pointer (&self->setups, g_ptr_array_unref);
      self->setups = g_steal_pointer (&setups);
      g_free (self->fingerprint);
      self->fingerprint = g_steal_pointer (&print);
      watch_folders (self);
      /* The first audit is what the checks use from now on: nothing
       * changed yet. */
      if (!first)
        g_signal_emit (self, signals[CHANGED], 0);
    }
  if (self->again)
    {
      self->again = FALSE;
      audit (self);
    }
}

static void
audit (LwBrowserWatch *self)
{
  if (self->auditing)
    {
      self->again = TRUE;
      return;
    }
  self->auditing = TRUE;
  lw_browser_audit_async (&self->places, self->cancellable, on_audited, g_object_ref (self));
}

/**
 * lw_browser_watch_start:
 *
 * Audits the browsers now, then after every change to what they read.
 */
void
lw_browser_watch_start (LwBrowserWatch *self)
{
  g_return_if_fail (LW_IS_BROWSER_WATCH (self));
  audit (self);
}

/**
 * lw_browser_watch_get_setups:
 *
 * Returns: (transfer none) (nullable) (element-type LwBrowserSetup): the
 *   browsers as last audited; %NULL before the first audit ends
 */
GPtrArray *
lw_browser_watch_get_setups (LwBrowserWatch *self)
{
  g_return_val_if_fail (LW_IS_BROWSER_WATCH (self), NULL);
  return self->setups;
}

static void
lw_browser_watch_dispose (GObject *object)
{
  LwBrowserWatch *self = LW_BROWSER_WATCH (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->coalesce_source, g_source_remove);
  g_hash_table_remove_all (self->monitors);

  G_OBJECT_CLASS (lw_browser_watch_parent_class)->dispose (object);
}

static void
lw_browser_watch_finalize (GObject *object)
{
  LwBrowserWatch *self = LW_BROWSER_WATCH (object);

  g_hash_table_unref (self->monitors);
  g_clear_pointer (&self->setups, g_ptr_array_unref);
  g_free (self->fingerprint);
  g_clear_object (&self->cancellable);
  g_free (self->home);
  g_free (self->config_home);
  g_free (self->data_home);
  g_free (self->root);
  g_strfreev (self->data_dirs);

  G_OBJECT_CLASS (lw_browser_watch_parent_class)->finalize (object);
}

static void
lw_browser_watch_class_init (LwBrowserWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lw_browser_watch_dispose;
  object_class->finalize = lw_browser_watch_finalize;

  /**
   * LwBrowserWatch::changed:
   *
   * A browser's setting, a profile or a browser changed since the last
   * audit: lw_browser_watch_get_setups() has the new ones.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
lw_browser_watch_init (LwBrowserWatch *self)
{
  self->monitors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, watched_free);
  self->cancellable = g_cancellable_new ();
}

/**
 * lw_browser_watch_new:
 * @places: (nullable): where the audit looks (copied); %NULL for this
 *   session's own places
 */
LwBrowserWatch *
lw_browser_watch_new (const LwAuditPlaces *places)
{
  LwBrowserWatch *self = g_object_new (LW_TYPE_BROWSER_WATCH, NULL);

  if (places != NULL)
    {
      self->places.home = self->home = g_strdup (places->home);
      self->places.config_home = self->config_home = g_strdup (places->config_home);
      self->places.data_home = self->data_home = g_strdup (places->data_home);
      self->places.root = self->root = g_strdup (places->root);
      self->data_dirs = g_strdupv ((char **) places->data_dirs);
      self->places.data_dirs = (const char * const *) self->data_dirs;
    }
  return self;
}
