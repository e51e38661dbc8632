/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "leakwatch"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "lw-browser-audit.h"
#include "lw-core-enums.h"
#include "lw-enum-private.h"
#include "lw-firefox-fix.h"
#include "lw-firefox-prefs.h"
#include "lw-text.h"

/* The browser audit (docs/DOMAIN.md, "Browser settings"). For each
 * browser it knows, it looks in every place that browser's builds keep
 * their profiles (native, Flatpak, Snap, tarball), lists the profiles,
 * and works out each one's WebRTC setting in the order the browser itself
 * applies them. What it cannot read gives "unknown (why)" and the
 * engine's defaults, never a guess that looks safe. */

LW_ENUM_STRINGS (lw_engine, LwEngine, LW_TYPE_ENGINE)
LW_ENUM_STRINGS (lw_packaging, LwPackaging, LW_TYPE_PACKAGING)
LW_ENUM_STRINGS (lw_webrtc_mode, LwWebrtcMode, LW_TYPE_WEBRTC_MODE)

/* Chromium's Preferences are a few hundred KiB; Local State and policy
 * files less. Anything past these caps is not a real one. */
#define JSON_MAX_BYTES (32 * 1024 * 1024)
#define INI_MAX_BYTES  (1024 * 1024)

typedef struct
{
  char      *home;
  char      *config_home;
  char      *data_home;
  char      *root;
  GStrv      data_dirs;
  GPtrArray *setups;
  GPtrArray *unstarted;   /* Unstarted: installed, with no profile found in a place */
} Audit;

/* A browser whose desktop file is there but no profile in one of its
 * places; told once for its build, if no other place has one. */
typedef struct
{
  gconstpointer place;
  gboolean      gecko;
  char         *desktop_id;
} Unstarted;

static void
unstarted_free (Unstarted *u)
{
  g_free (u->desktop_id);
  g_free (u);
}

static void
add_unstarted (Audit         *a,
               gconstpointer  where,
               gboolean       gecko,
               const char    *desktop_id)
{
  Unstarted *u = g_new0 (Unstarted, 1);

  u->place = where;
  u->gecko = gecko;
  u->desktop_id = g_strdup (desktop_id);
  g_ptr_array_add (a->unstarted, u);
}

static gboolean
has_setup (Audit       *a,
           const char  *browser,
           LwPackaging  packaging)
{
  for (guint i = 0; i < a->setups->len; i++)
    {
      const LwBrowserSetup *s = g_ptr_array_index (a->setups, i);

      if (g_str_equal (s->browser, browser) && s->packaging == packaging)
        return TRUE;
    }
  return FALSE;
}

void
lw_browser_setup_free (LwBrowserSetup *self)
{
  if (self == NULL)
    return;
  g_free (self->browser);
  g_free (self->name);
  g_free (self->desktop_id);
  g_free (self->profile);
  g_free (self->path);
  g_free (self->setting);
  g_free (self->source);
  g_free (self->unverified);
  g_free (self->label);
  g_free (self->pending);
  g_free (self);
}

LwBrowserSetup *
lw_browser_setup_copy (const LwBrowserSetup *self)
{
  LwBrowserSetup *copy = g_new0 (LwBrowserSetup, 1);

  *copy = *self;
  copy->browser = g_strdup (self->browser);
  copy->name = g_strdup (self->name);
  copy->desktop_id = g_strdup (self->desktop_id);
  copy->profile = g_strdup (self->profile);
  copy->path = g_strdup (self->path);
  copy->setting = g_strdup (self->setting);
  copy->source = g_strdup (self->source);
  copy->unverified = g_strdup (self->unverified);
  copy->label = g_strdup (self->label);
  copy->pending = g_strdup (self->pending);
  copy->modes.name = copy->label;
  return copy;
}

void
lw_browser_verdict_free (LwBrowserVerdict *self)
{
  if (self == NULL)
    return;
  lw_browser_setup_free (self->setup);
  g_clear_pointer (&self->every_page, g_ptr_array_unref);
  g_clear_pointer (&self->camera_pages, g_ptr_array_unref);
  g_free (self);
}

/* ------------------------------------------------------------------ */
/* Places                                                              */

typedef enum
{
  UNDER_HOME,
  UNDER_CONFIG,
  UNDER_DATA,
} Base;

static char *
place (const Audit *a,
       Base         base,
       const char  *relative)
{
  switch (base)
    {
    case UNDER_CONFIG:
      return g_build_filename (a->config_home, relative, NULL);
    case UNDER_DATA:
      return g_build_filename (a->data_home, relative, NULL);
    case UNDER_HOME:
    default:
      return g_build_filename (a->home, relative, NULL);
    }
}

static char *
system_path (const Audit *a,
             const char  *absolute)
{
  return g_build_filename (a->root, absolute, NULL);
}

/* The first of @ids that has a desktop file, or NULL. */
static char *
find_desktop_id (const Audit        *a,
                 const char * const *ids)
{
  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autofree char *user = g_build_filename (a->data_home, "applications", ids[i], NULL);

      if (g_file_test (user, G_FILE_TEST_EXISTS))
        return g_strdup (ids[i]);
      for (guint j = 0; a->data_dirs[j] != NULL; j++)
        {
          g_autofree char *path = g_build_filename (a->data_dirs[j], "applications", ids[i], NULL);

          if (g_file_test (path, G_FILE_TEST_EXISTS))
            return g_strdup (ids[i]);
        }
    }
  return NULL;
}

static char *
describe_error (const char   *path,
                const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    return g_strdup_printf (_("%s cannot be read (permission denied)"), path);
  return g_strdup_printf (_("%s: %s"), path, error->message);
}

/* Another program's JSON file, capped and parsed with json-glib; the
 * root must be an object. */
static JsonNode *
load_json (const char  *path,
           GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *contents = NULL;
  gsize length = 0;
  JsonNode *root;

  if (!lw_read_capped_file (file, JSON_MAX_BYTES, &contents, &length, error))
    return NULL;
  if (!json_parser_load_from_data (parser, contents, (gssize) length, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("it does not hold a JSON object"));
      return NULL;
    }
  return json_node_copy (root);
}

static GKeyFile *
load_ini (const char  *path,
          GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GKeyFile) ini = g_key_file_new ();
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!lw_read_capped_file (file, INI_MAX_BYTES, &contents, &length, error))
    return NULL;
  if (!g_key_file_load_from_data (ini, contents, length, G_KEY_FILE_NONE, error))
    return NULL;
  return g_steal_pointer (&ini);
}

/* The node at a dotted @path under @object, as Chromium nests its
 * preferences ("webrtc.ip_handling_policy"); a key that holds the whole
 * dotted name, as extension-controlled values are kept, counts too. */
static JsonNode *
json_lookup (JsonObject *object,
             const char *path)
{
  g_auto(GStrv) parts = NULL;

  if (object == NULL)
    return NULL;
  if (json_object_has_member (object, path))
    return json_object_get_member (object, path);

  parts = g_strsplit (path, ".", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      JsonNode *node = json_object_get_member (object, parts[i]);

      if (node == NULL)
        return NULL;
      if (parts[i + 1] == NULL)
        return node;
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return NULL;
      object = json_node_get_object (node);
    }
  return NULL;
}

static const char *
json_lookup_string (JsonObject *object,
                    const char *path)
{
  JsonNode *node = json_lookup (object, path);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static LwBrowserSetup *
setup_new (const char  *browser,
           const char  *name,
           LwEngine     engine,
           LwPackaging  packaging,
           const char  *desktop_id,
           const char  *profile,
           const char  *path)
{
  LwBrowserSetup *s = g_new0 (LwBrowserSetup, 1);

  s->browser = g_strdup (browser);
  s->name = g_strdup (name);
  s->engine = engine;
  s->packaging = packaging;
  s->desktop_id = g_strdup (desktop_id);
  s->profile = g_strdup (profile);
  s->path = g_strdup (path);
  return s;
}

/* "Firefox Flatpak (profile default-release)": what findings and views
 * call one profile. */
void
lw_browser_setup_set_label (LwBrowserSetup *s)
{
  const char *how = NULL;

  switch (s->packaging)
    {
    case LW_PACKAGING_FLATPAK: how = "Flatpak"; break;
    case LW_PACKAGING_SNAP:    how = "Snap"; break;
    case LW_PACKAGING_NATIVE:
    case LW_PACKAGING_TARBALL:
    default:                   break;
    }

  g_free (s->label);
  if (s->profile != NULL && how != NULL)
    s->label = g_strdup_printf (_("%s %s (profile %s)"), s->name, how, s->profile);
  else if (s->profile != NULL)
    s->label = g_strdup_printf (_("%s (profile %s)"), s->name, s->profile);
  else if (how != NULL)
    s->label = g_strdup_printf ("%s %s", s->name, how);
  else
    s->label = g_strdup (s->name);
  s->modes.name = s->label;
}

static void
setup_finish (Audit          *a,
              LwBrowserSetup *s)
{
  lw_browser_setup_set_label (s);
  g_ptr_array_add (a->setups, s);
}

/* ------------------------------------------------------------------ */
/* Chromium family                                                     */

gboolean
lw_chromium_handling_modes (const char       *handling,
                            LwBrowserProfile *modes)
{
  if (g_strcmp0 (handling, "default") == 0)
    {
      modes->ordinary = LW_WEBRTC_MODE_2;
      modes->ordinary_mdns = TRUE;
      modes->camera = LW_WEBRTC_MODE_1;
    }
  else if (g_strcmp0 (handling, "default_public_and_private_interfaces") == 0)
    {
      modes->ordinary = modes->camera = LW_WEBRTC_MODE_2;
    }
  else if (g_strcmp0 (handling, "default_public_interface_only") == 0)
    {
      modes->ordinary = modes->camera = LW_WEBRTC_MODE_3;
    }
  else if (g_strcmp0 (handling, "disable_non_proxied_udp") == 0)
    {
      modes->ordinary = modes->camera = LW_WEBRTC_MODE_4;
    }
  else
    return FALSE;
  return TRUE;
}

typedef struct
{
  const char  *browser;
  const char  *name;
  LwPackaging  packaging;
  Base         base;
  const char  *user_data;
  const char  *policies;      /* the system folder its build reads, or NULL */
  const char  *desktop_ids[3];
} ChromiumPlace;

static const ChromiumPlace chromium_places[] = {
  { "chromium", "Chromium", LW_PACKAGING_NATIVE, UNDER_CONFIG, "chromium",
    "/etc/chromium/policies", { "chromium.desktop", "chromium-browser.desktop", NULL } },
  { "chromium", "Chromium", LW_PACKAGING_FLATPAK, UNDER_HOME, ".var/app/org.chromium.Chromium/config/chromium",
    NULL, { "org.chromium.Chromium.desktop", NULL } },
  { "chromium", "Chromium", LW_PACKAGING_SNAP, UNDER_HOME, "snap/chromium/common/chromium",
    "/var/snap/chromium/current/policies", { "chromium_chromium.desktop", NULL } },
  { "google-chrome", "Google Chrome", LW_PACKAGING_NATIVE, UNDER_CONFIG, "google-chrome",
    "/etc/opt/chrome/policies", { "google-chrome.desktop", NULL } },
  { "google-chrome", "Google Chrome", LW_PACKAGING_FLATPAK, UNDER_HOME, ".var/app/com.google.Chrome/config/google-chrome",
    NULL, { "com.google.Chrome.desktop", NULL } },
  { "brave", "Brave", LW_PACKAGING_NATIVE, UNDER_CONFIG, "BraveSoftware/Brave-Browser",
    "/etc/brave/policies", { "brave-browser.desktop", NULL } },
  { "brave", "Brave", LW_PACKAGING_FLATPAK, UNDER_HOME, ".var/app/com.brave.Browser/config/BraveSoftware/Brave-Browser",
    NULL, { "com.brave.Browser.desktop", NULL } },
  { "brave", "Brave", LW_PACKAGING_SNAP, UNDER_HOME, "snap/brave/current/.config/BraveSoftware/Brave-Browser",
    NULL, { "brave_brave.desktop", NULL } },
  { "microsoft-edge", "Microsoft Edge", LW_PACKAGING_NATIVE, UNDER_CONFIG, "microsoft-edge",
    "/etc/opt/edge/policies", { "microsoft-edge.desktop", NULL } },
  { "microsoft-edge", "Microsoft Edge", LW_PACKAGING_FLATPAK, UNDER_HOME, ".var/app/com.microsoft.Edge/config/microsoft-edge",
    NULL, { "com.microsoft.Edge.desktop", NULL } },
  { "vivaldi", "Vivaldi", LW_PACKAGING_NATIVE, UNDER_CONFIG, "vivaldi",
    "/etc/vivaldi/policies", { "vivaldi-stable.desktop", "vivaldi.desktop", NULL } },
  { "vivaldi", "Vivaldi", LW_PACKAGING_FLATPAK, UNDER_HOME, ".var/app/com.vivaldi.Vivaldi/config/vivaldi",
    NULL, { "com.vivaldi.Vivaldi.desktop", NULL } },
};

/* A policy folder's WebRtcIPHandling: the JSON files in it, in the order
 * of their names, a later file winning (as Chromium merges them). */
typedef struct
{
  char *value;
  char *file;
  char *damaged;   /* a file that could not be read: the policy is unknown */
} PolicyValue;

static void
policy_value_clear (PolicyValue *p)
{
  g_clear_pointer (&p->value, g_free);
  g_clear_pointer (&p->file, g_free);
  g_clear_pointer (&p->damaged, g_free);
}

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
read_policy_folder (const char  *folder,
                    PolicyValue *out)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (folder, g_ptr_array_index (names, i), NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) root = load_json (path, &error);
      const char *handling;

      if (root == NULL)
        {
          g_free (out->damaged);
          out->damaged = describe_error (path, error);
          continue;
        }
      handling = json_lookup_string (json_node_get_object (root), "WebRtcIPHandling");
      if (handling != NULL)
        {
          g_free (out->value);
          g_free (out->file);
          out->value = g_strdup (handling);
          out->file = g_strdup (path);
        }
    }
}

/* The managed and recommended policies the build of @where reads. */
static void
read_policies (Audit               *a,
               const ChromiumPlace *where,
               PolicyValue         *managed,
               PolicyValue         *recommended)
{
  g_autofree char *root = NULL;
  g_autofree char *m = NULL;
  g_autofree char *r = NULL;

  if (where->policies == NULL)
    return;
  root = system_path (a, where->policies);
  m = g_build_filename (root, "managed", NULL);
  r = g_build_filename (root, "recommended", NULL);
  read_policy_folder (m, managed);
  read_policy_folder (r, recommended);
}

/* An extension's value of @pref, from the "extensions.settings" of one
 * preferences file: the most recently installed enabled extension that
 * sets it wins. */
typedef struct
{
  char   *value;
  char   *extension;
  gint64  installed;
} ExtensionValue;

static gboolean
extension_enabled (JsonObject *ext)
{
  JsonNode *reasons = json_object_get_member (ext, "disable_reasons");
  JsonNode *state = json_object_get_member (ext, "state");

  if (reasons != NULL)
    {
      if (JSON_NODE_HOLDS_ARRAY (reasons) && json_array_get_length (json_node_get_array (reasons)) > 0)
        return FALSE;
      if (JSON_NODE_HOLDS_VALUE (reasons) && json_node_get_value_type (reasons) == G_TYPE_INT64 &&
          json_node_get_int (reasons) != 0)
        return FALSE;
    }
  if (state != NULL && JSON_NODE_HOLDS_VALUE (state) && json_node_get_value_type (state) == G_TYPE_INT64 &&
      json_node_get_int (state) == 0)
    return FALSE;
  return TRUE;
}

static void
read_extension_values (JsonObject     *prefs,
                       const char     *pref,
                       ExtensionValue *out)
{
  JsonNode *settings = json_lookup (prefs, "extensions.settings");
  JsonObject *all;
  g_autoptr(GList) ids = NULL;

  if (settings == NULL || !JSON_NODE_HOLDS_OBJECT (settings))
    return;
  all = json_node_get_object (settings);
  ids = json_object_get_members (all);
  for (GList *l = ids; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (all, l->data);
      JsonObject *ext, *controlled;
      JsonNode *values;
      const char *value, *name, *installed;
      gint64 when;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      ext = json_node_get_object (node);
      values = json_object_get_member (ext, "preferences");
      if (values == NULL || !JSON_NODE_HOLDS_OBJECT (values) || !extension_enabled (ext))
        continue;
      controlled = json_node_get_object (values);
      if ((value = json_lookup_string (controlled, pref)) == NULL)
        continue;
      installed = json_lookup_string (ext, "install_time");
      when = installed != NULL ? g_ascii_strtoll (installed, NULL, 10) : 0;
      if (out->value != NULL && when < out->installed)
        continue;

      name = json_lookup_string (ext, "manifest.name");
      g_free (out->value);
      g_free (out->extension);
      out->value = g_strdup (value);
      /* A name still to be translated ("__MSG_name__") says nothing. */
      out->extension = g_strdup (name != NULL && !g_str_has_prefix (name, "__MSG_") ? name : l->data);
      out->installed = when;
    }
}

static void
chromium_profile (Audit               *a,
                  const ChromiumPlace *where,
                  const char          *desktop_id,
                  const char          *user_data,
                  const char          *dir_name,
                  const char          *display_name,
                  const PolicyValue   *managed,
                  const PolicyValue   *recommended)
{
  g_autofree char *path = dir_name ? g_build_filename (user_data, dir_name, NULL) : g_strdup (user_data);
  LwBrowserSetup *s = setup_new (where->browser, where->name, LW_ENGINE_CHROMIUM, where->packaging,
                                 desktop_id, display_name, path);
  ExtensionValue ext = { NULL, NULL, 0 };
  const char *user = NULL;
  g_autofree char *user_file = NULL;
  g_autoptr(JsonNode) prefs = NULL;
  g_autoptr(JsonNode) secure = NULL;

  if (managed->damaged != NULL)
    s->unverified = g_strdup (managed->damaged);

  if (dir_name != NULL && managed->value == NULL && s->unverified == NULL)
    {
      const char *files[] = { "Preferences", "Secure Preferences" };
      JsonNode **nodes[] = { &prefs, &secure };

      for (guint i = 0; i < G_N_ELEMENTS (files); i++)
        {
          g_autofree char *file = g_build_filename (path, files[i], NULL);
          g_autoptr(GError) error = NULL;

          *nodes[i] = load_json (file, &error);
          if (*nodes[i] == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
            {
              s->unverified = describe_error (file, error);
              break;
            }
          if (*nodes[i] != NULL)
            read_extension_values (json_node_get_object (*nodes[i]), "webrtc.ip_handling_policy", &ext);
          if (i == 0 && *nodes[i] != NULL &&
              (user = json_lookup_string (json_node_get_object (*nodes[i]), "webrtc.ip_handling_policy")) != NULL)
            user_file = g_steal_pointer (&file);
        }
    }

  if (s->unverified != NULL)
    {
      s->setting = g_strdup (_("unknown"));
      s->source = g_strdup (s->unverified);
    }
  else if (managed->value != NULL)
    {
      s->setting = g_strdup (managed->value);
      s->source = g_strdup_printf (_("policy WebRtcIPHandling in %s"), managed->file);
    }
  else if (ext.value != NULL)
    {
      s->setting = g_strdup (ext.value);
      s->source = g_strdup_printf (_("set by the extension “%s”"), ext.extension);
    }
  else if (user != NULL)
    {
      s->setting = g_strdup (user);
      s->source = g_strdup_printf (_("webrtc.ip_handling_policy in %s"), user_file);
    }
  else if (recommended->value != NULL)
    {
      s->setting = g_strdup (recommended->value);
      s->source = g_strdup_printf (_("recommended policy WebRtcIPHandling in %s"), recommended->file);
    }
  else
    {
      s->setting = g_strdup ("default");
      s->source = g_strdup_printf (_("%s’s default"), where->name);
    }

  if (s->unverified == NULL && !lw_chromium_handling_modes (s->setting, &s->modes))
    {
      s->unverified = g_strdup_printf (_("the value “%s” is not one %s knows"), s->setting, where->name);
      g_free (s->setting);
      s->setting = g_strdup (_("unknown"));
    }
  if (s->unverified != NULL)
    lw_chromium_handling_modes ("default", &s->modes);

  g_free (ext.value);
  g_free (ext.extension);
  setup_finish (a, s);
}

/* The profiles a Chromium user-data folder holds: those Local State
 * lists, then any other folder with a Preferences file. */
static void
chromium_place (Audit               *a,
                const ChromiumPlace *where)
{
  g_autofree char *user_data = place (a, where->base, where->user_data);
  g_autofree char *desktop_id = find_desktop_id (a, where->desktop_ids);
  g_autofree char *local_state = g_build_filename (user_data, "Local State", NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(JsonNode) state = NULL;
  g_autoptr(GDir) dir = NULL;
  PolicyValue managed = { NULL, NULL, NULL }, recommended = { NULL, NULL, NULL };
  JsonNode *cache;
  const char *name;
  guint before = a->setups->len;

  if (!g_file_test (user_data, G_FILE_TEST_IS_DIR) && desktop_id == NULL)
    return;

  read_policies (a, where, &managed, &recommended);

  state = load_json (local_state, NULL);
  cache = state ? json_lookup (json_node_get_object (state), "profile.info_cache") : NULL;
  if (cache != NULL && JSON_NODE_HOLDS_OBJECT (cache))
    {
      g_autoptr(GList) members = json_object_get_members (json_node_get_object (cache));

      members = g_list_sort (members, (GCompareFunc) g_strcmp0);
      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *info = json_object_get_member (json_node_get_object (cache), l->data);
          const char *display = NULL;
          g_autofree char *label = NULL;

          /* A name from another program ends up in sentences: never a
           * path or a control character. */
          if (strchr (l->data, '/') != NULL || g_str_equal (l->data, "..") || g_str_equal (l->data, "."))
            continue;
          if (info != NULL && JSON_NODE_HOLDS_OBJECT (info))
            display = json_lookup_string (json_node_get_object (info), "name");
          if (display != NULL && g_utf8_validate (display, -1, NULL) && *display != '\0' &&
              g_strcmp0 (display, l->data) != 0)
            label = g_strdup_printf ("%s, %s", (const char *) l->data, display);
          chromium_profile (a, where, desktop_id, user_data, l->data, label ? label : l->data,
                            &managed, &recommended);
          g_hash_table_add (seen, g_strdup (l->data));
        }
    }

  if ((dir = g_dir_open (user_data, 0, NULL)) != NULL)
    {
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *prefs = g_build_filename (user_data, name, "Preferences", NULL);

          if ((g_str_equal (name, "Default") || g_str_has_prefix (name, "Profile ")) &&
              !g_hash_table_contains (seen, name) && g_file_test (prefs, G_FILE_TEST_EXISTS))
            g_ptr_array_add (names, g_strdup (name));
        }
      g_ptr_array_sort (names, compare_names);
      for (guint i = 0; i < names->len; i++)
        chromium_profile (a, where, desktop_id, user_data, g_ptr_array_index (names, i),
                          g_ptr_array_index (names, i), &managed, &recommended);
    }

  /* Installed, never started: what a first profile will get. */
  if (a->setups->len == before && desktop_id != NULL)
    add_unstarted (a, where, FALSE, desktop_id);

  policy_value_clear (&managed);
  policy_value_clear (&recommended);
}

/* ------------------------------------------------------------------ */
/* Gecko: Firefox and the browsers built from it                       */

/* The prefs that decide what a page gathers, and Firefox's defaults for
 * them (docs/DOMAIN.md, "Browser settings"). */
typedef enum
{
  PREF_ENABLED,
  PREF_DEFAULT_ADDRESS_ONLY,
  PREF_NO_HOST,
  PREF_OBFUSCATE,
  PREF_PROXY_ONLY,
  PREF_PROXY_IF_BEHIND,
  PREF_RELAY_ONLY,
  N_GECKO_PREFS
} GeckoPref;

static const struct
{
  const char *name;
  const char *word;       /* how the setting is told */
  gboolean    firefox;    /* Firefox's default */
} gecko_prefs[N_GECKO_PREFS] = {
  { "media.peerconnection.enabled", "enabled", TRUE },
  { "media.peerconnection.ice.default_address_only", "default_address_only", FALSE },
  { "media.peerconnection.ice.no_host", "no_host", FALSE },
  { "media.peerconnection.ice.obfuscate_host_addresses", "obfuscate_host_addresses", TRUE },
  { "media.peerconnection.ice.proxy_only", "proxy_only", FALSE },
  { "media.peerconnection.ice.proxy_only_if_behind_proxy", "proxy_only_if_behind_proxy", FALSE },
  { "media.peerconnection.ice.relay_only", "relay_only", FALSE },
};

typedef struct
{
  gboolean  value[N_GECKO_PREFS];
  char     *source[N_GECKO_PREFS];   /* the file that set it; NULL: the browser's default */
  guint     line[N_GECKO_PREFS];     /* its line there; 0 for a policy */
  gboolean  locked[N_GECKO_PREFS];
  gint64    proxy_type;
  gboolean  proxy_host;              /* a manual proxy or a PAC URL is set */
  char     *unverified;
} GeckoPrefs;

static void
gecko_prefs_clear (GeckoPrefs *p)
{
  for (guint i = 0; i < N_GECKO_PREFS; i++)
    g_free (p->source[i]);
  g_free (p->unverified);
}

/* Layer one file's prefs over @p: @file names it for people. */
static void
gecko_apply (GeckoPrefs *p,
             GHashTable *prefs,
             const char *file)
{
  const char *proxies[] = { "network.proxy.http", "network.proxy.ssl", "network.proxy.socks",
                            "network.proxy.autoconfig_url" };
  LwPref *type;

  for (guint i = 0; i < N_GECKO_PREFS; i++)
    {
      LwPref *pref = g_hash_table_lookup (prefs, gecko_prefs[i].name);

      if (pref == NULL || pref->type != LW_PREF_BOOL || (p->locked[i] && !pref->locked))
        continue;
      p->value[i] = pref->boolean;
      p->locked[i] = pref->locked;
      g_free (p->source[i]);
      p->source[i] = g_strdup (file);
      p->line[i] = pref->line;
    }

  if ((type = g_hash_table_lookup (prefs, "network.proxy.type")) != NULL && type->type == LW_PREF_INT)
    p->proxy_type = type->integer;
  for (guint i = 0; i < G_N_ELEMENTS (proxies); i++)
    {
      LwPref *host = g_hash_table_lookup (prefs, proxies[i]);

      if (host != NULL && host->type == LW_PREF_STRING)
        p->proxy_host = *host->string != '\0';
    }
}

static gboolean
gecko_apply_file (GeckoPrefs *p,
                  const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) prefs = lw_firefox_prefs_load (file, &error);

  if (prefs == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return TRUE;
      p->unverified = describe_error (path, error);
      return FALSE;
    }
  gecko_apply (p, prefs, path);
  return TRUE;
}

/* The enterprise policies' "Preferences": a value with Status "locked"
 * wins over everything, "user" over the profile's files, "default" only
 * sets the default; the short form (a bare value) is locked. */
static gboolean
gecko_apply_policies (GeckoPrefs *p,
                      const char *path,
                      gboolean    after_profile)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = load_json (path, &error);
  JsonNode *prefs;

  if (root == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return TRUE;
      p->unverified = describe_error (path, error);
      return FALSE;
    }
  prefs = json_lookup (json_node_get_object (root), "policies.Preferences");
  if (prefs == NULL || !JSON_NODE_HOLDS_OBJECT (prefs))
    return TRUE;

  for (guint i = 0; i < N_GECKO_PREFS; i++)
    {
      JsonNode *entry = json_object_get_member (json_node_get_object (prefs), gecko_prefs[i].name);
      JsonNode *value = entry;
      const char *status = "locked";
      gboolean locked, user;

      if (entry == NULL)
        continue;
      if (JSON_NODE_HOLDS_OBJECT (entry))
        {
          value = json_object_get_member (json_node_get_object (entry), "Value");
          status = json_lookup_string (json_node_get_object (entry), "Status");
          if (status == NULL)
            status = "default";
        }
      if (value == NULL || !JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_BOOLEAN)
        continue;
      locked = g_str_equal (status, "locked");
      user = g_str_equal (status, "user");
      /* Defaults go under the profile's files, the rest over them. */
      if (after_profile != (locked || user) || (p->locked[i] && !locked))
        continue;
      p->value[i] = json_node_get_boolean (value);
      p->locked[i] = locked;
      g_free (p->source[i]);
      p->source[i] = g_strdup_printf (locked ? _("locked by the policy in %s") : _("the policy in %s"), path);
      p->line[i] = 0;
    }
  return TRUE;
}

typedef struct
{
  const char  *browser;
  const char  *name;
  LwPackaging  packaging;
  Base         base;
  const char  *root;
  const char  *single;          /* its one profile, where there is no profiles.ini */
  const char  *desktop_ids[4];
} GeckoPlace;

static const GeckoPlace gecko_places[] = {
  { "firefox", "Firefox", LW_PACKAGING_NATIVE, UNDER_CONFIG, "mozilla/firefox", NULL,
    { "firefox.desktop", "firefox-esr.desktop", NULL } },
  { "firefox", "Firefox", LW_PACKAGING_NATIVE, UNDER_HOME, ".mozilla/firefox", NULL,
    { "firefox.desktop", "firefox-esr.desktop", NULL } },
  { "firefox", "Firefox", LW_PACKAGING_FLATPAK, UNDER_HOME, ".var/app/org.mozilla.firefox/config/mozilla/firefox", NULL,
    { "org.mozilla.firefox.desktop", NULL } },
  { "firefox", "Firefox", LW_PACKAGING_FLATPAK, UNDER_HOME, ".var/app/org.mozilla.firefox/.mozilla/firefox", NULL,
    { "org.mozilla.firefox.desktop", NULL } },
  { "firefox", "Firefox", LW_PACKAGING_SNAP, UNDER_HOME, "snap/firefox/common/.mozilla/firefox", NULL,
    { "firefox_firefox.desktop", NULL } },
  { "librewolf", "LibreWolf", LW_PACKAGING_NATIVE, UNDER_HOME, ".librewolf", NULL,
    { "librewolf.desktop", NULL } },
  { "librewolf", "LibreWolf", LW_PACKAGING_FLATPAK, UNDER_HOME, ".var/app/io.gitlab.librewolf-community/.librewolf", NULL,
    { "io.gitlab.librewolf-community.desktop", NULL } },
  { "tor-browser", "Tor Browser", LW_PACKAGING_TARBALL, UNDER_DATA,
    "torbrowser/tbb/x86_64/tor-browser/Browser/TorBrowser/Data/Browser", "profile.default",
    { "torbrowser.desktop", "start-tor-browser.desktop", NULL } },
  { "tor-browser", "Tor Browser", LW_PACKAGING_FLATPAK, UNDER_HOME,
    ".var/app/org.torproject.torbrowser-launcher/data/torbrowser/tbb/x86_64/tor-browser/Browser/TorBrowser/Data/Browser",
    "profile.default", { "org.torproject.torbrowser-launcher.desktop", NULL } },
  { "mullvad-browser", "Mullvad Browser", LW_PACKAGING_TARBALL, UNDER_DATA, "mullvad-browser",
    "Browser/TorBrowser/Data/Browser/profile.default", { "mullvad-browser.desktop", NULL } },
  { "mullvad-browser", "Mullvad Browser", LW_PACKAGING_FLATPAK, UNDER_HOME, ".var/app/net.mullvad.MullvadBrowser/.mullvad-browser",
    NULL, { "net.mullvad.MullvadBrowser.desktop", NULL } },
};

/* The browser's own defaults, before any file: Tor Browser turns WebRTC
 * off; Mullvad Browser restricts it. */
static void
gecko_defaults (const char *browser,
                GeckoPrefs *p)
{
  for (guint i = 0; i < N_GECKO_PREFS; i++)
    p->value[i] = gecko_prefs[i].firefox;
  p->proxy_type = 5;   /* the system's proxy settings */
  if (g_str_equal (browser, "tor-browser"))
    p->value[PREF_ENABLED] = FALSE;
  else if (g_str_equal (browser, "mullvad-browser"))
    p->value[PREF_RELAY_ONLY] = p->value[PREF_DEFAULT_ADDRESS_ONLY] = p->value[PREF_NO_HOST] =
      p->value[PREF_PROXY_IF_BEHIND] = TRUE;
}

/* Whether Firefox goes through a proxy: its own setting, or for "use
 * the system's" (5), the desktop's or the environment's. */
static gboolean
gecko_behind_proxy (const GeckoPrefs *p)
{
  switch (p->proxy_type)
    {
    case 1:
    case 2:
      return p->proxy_host;
    case 4:
      return TRUE;
    case 5:
      {
        GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
        g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, "org.gnome.system.proxy", TRUE) : NULL;

        if (schema != NULL)
          {
            g_autoptr(GSettings) settings = g_settings_new ("org.gnome.system.proxy");
            g_autofree char *mode = g_settings_get_string (settings, "mode");

            return g_strcmp0 (mode, "none") != 0;
          }
        return g_getenv ("all_proxy") != NULL || g_getenv ("https_proxy") != NULL ||
               g_getenv ("http_proxy") != NULL;
      }
    default:
      return FALSE;
    }
}

static void
gecko_modes (const GeckoPrefs *p,
             LwBrowserSetup   *s)
{
  const gboolean *v = p->value;
  g_autoptr(GPtrArray) words = g_ptr_array_new ();
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();

  if (!v[PREF_ENABLED])
    s->modes.ordinary = s->modes.camera = LW_WEBRTC_DISABLED;
  else if (v[PREF_PROXY_ONLY] || v[PREF_RELAY_ONLY] || (v[PREF_PROXY_IF_BEHIND] && gecko_behind_proxy (p)))
    s->modes.ordinary = s->modes.camera = LW_WEBRTC_MODE_4;
  else
    {
      /* Without capture permission, default_address_only is forced on. */
      s->modes.ordinary = v[PREF_NO_HOST] ? LW_WEBRTC_MODE_3 : LW_WEBRTC_MODE_2;
      s->modes.ordinary_mdns = v[PREF_OBFUSCATE];
      if (v[PREF_DEFAULT_ADDRESS_ONLY])
        s->modes.camera = v[PREF_NO_HOST] ? LW_WEBRTC_MODE_3 : LW_WEBRTC_MODE_2;
      else
        {
          s->modes.camera = LW_WEBRTC_MODE_1;
          s->modes.camera_mdns = v[PREF_NO_HOST];
        }
      s->modes.per_destination = TRUE;
    }

  /* The setting, told as the prefs that differ from Firefox's defaults. */
  for (guint i = 0; i < N_GECKO_PREFS; i++)
    {
      if (v[i] == gecko_prefs[i].firefox)
        continue;
      if (i == PREF_ENABLED)
        {
          g_ptr_array_add (words, (gpointer) "media.peerconnection.enabled=false");
          break;
        }
      g_ptr_array_add (words, (gpointer) gecko_prefs[i].word);
    }
  /* Where: each file once, with the lines that matter there. */
  for (guint i = 0; i < N_GECKO_PREFS; i++)
    {
      g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *joined = NULL;

      if (p->source[i] == NULL || g_ptr_array_find_with_equal_func (seen, p->source[i], g_str_equal, NULL))
        continue;
      g_ptr_array_add (seen, p->source[i]);
      for (guint j = i; j < N_GECKO_PREFS; j++)
        if (p->line[j] > 0 && g_strcmp0 (p->source[j], p->source[i]) == 0)
          g_ptr_array_add (lines, g_strdup_printf ("%u", p->line[j]));
      if (lines->len == 0)
        {
          g_ptr_array_add (sources, g_strdup (p->source[i]));
          continue;
        }
      joined = lw_text_join_list (lines);
      g_ptr_array_add (sources, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s, line %s", "%s, lines %s", lines->len),
                                                 p->source[i], joined));
    }
  g_ptr_array_add (words, NULL);
  g_ptr_array_add (sources, NULL);

  s->setting = words->len > 1 ? g_strjoinv (", ", (char **) words->pdata) : g_strdup ("default");
  if (sources->len > 1)
    s->source = g_strjoinv ("; ", (char **) sources->pdata);
  else
    s->source = g_strdup_printf (_("%s’s default"), s->name);
}

/* A profile whose setting could not be read (@why): "unknown", and the
 * browser's own defaults for what its pages see, never a guess that
 * looks safe. Takes @why. */
static void
gecko_unverified (LwBrowserSetup *s,
                  const char     *browser,
                  char           *why)
{
  GeckoPrefs defaults = { { 0 } };

  gecko_defaults (browser, &defaults);
  gecko_modes (&defaults, s);
  gecko_prefs_clear (&defaults);
  g_free (s->setting);
  g_free (s->source);
  g_free (s->unverified);
  s->unverified = why;
  s->setting = g_strdup (_("unknown"));
  s->source = g_strdup (why);
}

/* Which of Firefox's builds runs a profile in a shared root: Debian's
 * firefox-esr and firefox both use ~/.mozilla/firefox. The one that last
 * ran it says so in its compatibility.ini; a profile no build ran yet
 * belongs to the one installed (@desktop_id is the first found, Firefox's
 * before ESR's). */
static gboolean
profile_is_esr (const char *path,
                const char *desktop_id)
{
  g_autofree char *compat = path ? g_build_filename (path, "compatibility.ini", NULL) : NULL;
  g_autoptr(GKeyFile) ini = compat ? load_ini (compat, NULL) : NULL;
  g_autofree char *platform = ini ? g_key_file_get_string (ini, "Compatibility", "LastPlatformDir", NULL) : NULL;

  if (platform != NULL)
    return strstr (platform, "firefox-esr") != NULL;
  return g_strcmp0 (desktop_id, "firefox-esr.desktop") == 0;
}

static void
gecko_profile (Audit            *a,
               const GeckoPlace *where,
               const char       *desktop_id,
               const char       *profile,
               const char       *path)
{
  const char *browser = where->browser, *name = where->name;
  g_autofree char *esr_id = NULL;
  g_autofree char *etc = NULL;
  g_autofree char *dist = NULL;
  g_autofree char *lib = NULL;
  LwBrowserSetup *s;
  GeckoPrefs p = { { 0 } };
  gboolean ok = TRUE, reads_policies;

  if (g_str_equal (browser, "firefox") && where->packaging == LW_PACKAGING_NATIVE &&
      profile_is_esr (path, desktop_id))
    {
      const char *ids[] = { "firefox-esr.desktop", NULL };

      browser = "firefox-esr";
      name = "Firefox ESR";
      esr_id = find_desktop_id (a, ids);
      desktop_id = esr_id;
    }
  s = setup_new (browser, name, LW_ENGINE_GECKO, where->packaging, desktop_id, profile, path);
  gecko_defaults (browser, &p);

  /* Firefox's own builds read the enterprise policies; Flatpak builds do
   * not read the host's /etc. */
  reads_policies = (g_str_equal (browser, "firefox") || g_str_equal (browser, "firefox-esr")) &&
                   where->packaging != LW_PACKAGING_FLATPAK;
  etc = system_path (a, "/etc/firefox/policies/policies.json");
  dist = g_strdup_printf ("/usr/lib/%s/distribution/policies.json", browser);
  lib = system_path (a, dist);

  if (g_str_equal (browser, "librewolf"))
    {
      g_autofree char *cfg = system_path (a, "/usr/lib/librewolf/librewolf.cfg");
      g_autofree char *overrides = place (a, UNDER_HOME, ".librewolf/librewolf.overrides.cfg");

      if (where->packaging == LW_PACKAGING_NATIVE && !g_file_test (cfg, G_FILE_TEST_EXISTS))
        {
          p.unverified = g_strdup_printf (_("%s is missing, so LibreWolf’s own defaults are unknown"), cfg);
          ok = FALSE;
        }
      else if (where->packaging == LW_PACKAGING_NATIVE)
        ok = gecko_apply_file (&p, cfg);
      ok = ok && gecko_apply_file (&p, overrides);
    }
  if (ok && reads_policies)
    ok = gecko_apply_policies (&p, etc, FALSE) && gecko_apply_policies (&p, lib, FALSE);
  if (ok && path != NULL)
    {
      g_autofree char *prefs = g_build_filename (path, "prefs.js", NULL);
      g_autofree char *user = g_build_filename (path, "user.js", NULL);
      gint64 since = 0;
      GStatBuf st;

      s->running = lw_firefox_profile_in_use (path, &since);
      s->fix = lw_firefox_fix_applied (path);
      /* A running Firefox read user.js when it started: a newer one waits
       * for a restart, and what runs now is what it wrote to prefs.js. */
      if (s->running && g_stat (user, &st) == 0 && st.st_mtime > since)
        {
          s->pending = g_strdup_printf (_("%s changed after %s started: the change applies when "
                                          "%s is restarted"), user, name, name);
          ok = gecko_apply_file (&p, prefs);
        }
      else
        ok = gecko_apply_file (&p, prefs) && gecko_apply_file (&p, user);
    }
  if (ok && reads_policies)
    ok = gecko_apply_policies (&p, etc, TRUE) && gecko_apply_policies (&p, lib, TRUE);

  if (!ok)
    gecko_unverified (s, browser, g_steal_pointer (&p.unverified));
  else
    gecko_modes (&p, s);

  gecko_prefs_clear (&p);
  setup_finish (a, s);
}

/* Every profile of a Gecko root: those profiles.ini and installs.ini
 * list (relative or absolute), each once. */
static void
gecko_place (Audit            *a,
             const GeckoPlace *where)
{
  g_autofree char *root = place (a, where->base, where->root);
  g_autofree char *desktop_id = find_desktop_id (a, where->desktop_ids);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *files[] = { "profiles.ini", "installs.ini" };
  guint before = a->setups->len;

  if (!g_file_test (root, G_FILE_TEST_IS_DIR) && desktop_id == NULL)
    return;

  if (where->single != NULL)
    {
      g_autofree char *path = g_build_filename (root, where->single, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        gecko_profile (a, where, desktop_id, "default", path);
    }

  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autofree char *ini_path = g_build_filename (root, files[f], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(GKeyFile) ini = load_ini (ini_path, &error);
      g_auto(GStrv) groups = NULL;

      if (ini == NULL)
        {
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) && f == 0)
            {
              LwBrowserSetup *s = setup_new (where->browser, where->name, LW_ENGINE_GECKO, where->packaging,
                                             desktop_id, NULL, root);

              gecko_unverified (s, where->browser, describe_error (ini_path, error));
              setup_finish (a, s);
            }
          continue;
        }

      groups = g_key_file_get_groups (ini, NULL);
      for (guint i = 0; groups[i] != NULL; i++)
        {
          g_autofree char *rel = g_key_file_get_string (ini, groups[i], f == 0 ? "Path" : "Default", NULL);
          g_autofree char *name = f == 0 ? g_key_file_get_string (ini, groups[i], "Name", NULL) : NULL;
          gboolean relative = f == 0 ? g_key_file_get_boolean (ini, groups[i], "IsRelative", NULL) : TRUE;
          g_autofree char *path = NULL;
          g_autofree char *canonical = NULL;

          if (rel == NULL || *rel == '\0')
            continue;
          if (f == 0 && !g_key_file_has_key (ini, groups[i], "IsRelative", NULL))
            relative = !g_path_is_absolute (rel);
          path = relative ? g_build_filename (root, rel, NULL) : g_strdup (rel);
          canonical = g_canonicalize_filename (path, NULL);
          if (g_hash_table_contains (seen, canonical))
            continue;
          g_hash_table_add (seen, g_strdup (canonical));
          if (name == NULL)
            name = g_path_get_basename (canonical);
          if (!g_utf8_validate (name, -1, NULL))
            continue;
          gecko_profile (a, where, desktop_id, name, canonical);
        }
    }

  if (a->setups->len == before && desktop_id != NULL)
    add_unstarted (a, where, TRUE, desktop_id);
}

/* ------------------------------------------------------------------ */

static void
epiphany (Audit *a)
{
  const char *ids[] = { "org.gnome.Epiphany.desktop", "epiphany.desktop", NULL };
  g_autofree char *desktop_id = find_desktop_id (a, ids);
  g_autofree char *profile = place (a, UNDER_DATA, "epiphany");
  LwBrowserSetup *s;

  if (desktop_id == NULL && !g_file_test (profile, G_FILE_TEST_IS_DIR))
    return;
  s = setup_new ("epiphany", "GNOME Web", LW_ENGINE_WEBKIT, LW_PACKAGING_NATIVE, desktop_id, NULL, profile);
  s->setting = g_strdup (_("no WebRTC"));
  s->source = g_strdup (_("WebKitGTK’s enable-webrtc is off, and GNOME Web does not turn it on"));
  s->modes.ordinary = s->modes.camera = LW_WEBRTC_DISABLED;
  setup_finish (a, s);
}

static void
audit_init (Audit               *a,
            const LwAuditPlaces *places)
{
  LwAuditPlaces none = { NULL };

  if (places == NULL)
    places = &none;
  a->home = g_strdup (places->home ? places->home : g_get_home_dir ());
  a->config_home = g_strdup (places->config_home ? places->config_home : g_get_user_config_dir ());
  a->data_home = g_strdup (places->data_home ? places->data_home : g_get_user_data_dir ());
  a->root = g_strdup (places->root ? places->root : "/");
  a->data_dirs = g_strdupv ((char **) (places->data_dirs ? places->data_dirs : g_get_system_data_dirs ()));
  a->setups = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_browser_setup_free);
  a->unstarted = g_ptr_array_new_with_free_func ((GDestroyNotify) unstarted_free);
}

static void
audit_clear (Audit *a)
{
  g_free (a->home);
  g_free (a->config_home);
  g_free (a->data_home);
  g_free (a->root);
  g_strfreev (a->data_dirs);
  g_ptr_array_unref (a->unstarted);
  g_clear_pointer (&a->setups, g_ptr_array_unref);
}

/**
 * lw_browser_audit_folders:
 * @setups: (element-type LwBrowserSetup) (nullable): what the audit found
 *
 * Returns: (transfer full) (element-type filename): every folder whose
 *   files the audit reads, found or not: the places of every browser's
 *   profiles, each profile found, the policy folders and where desktop
 *   files are. A change in one may change a setting.
 */
GPtrArray *
lw_browser_audit_folders (const LwAuditPlaces *places,
                          GPtrArray           *setups)
{
  const char *firefox_policies[] = { "/etc/firefox/policies", "/usr/lib/firefox/distribution",
                                     "/usr/lib/firefox-esr/distribution", "/usr/lib/librewolf" };
  GPtrArray *folders = g_ptr_array_new_with_free_func (g_free);
  Audit a = { NULL };

  audit_init (&a, places);
  for (guint i = 0; i < G_N_ELEMENTS (gecko_places); i++)
    g_ptr_array_add (folders, place (&a, gecko_places[i].base, gecko_places[i].root));
  for (guint i = 0; i < G_N_ELEMENTS (firefox_policies); i++)
    g_ptr_array_add (folders, system_path (&a, firefox_policies[i]));
  g_ptr_array_add (folders, place (&a, UNDER_HOME, ".librewolf"));
  for (guint i = 0; i < G_N_ELEMENTS (chromium_places); i++)
    {
      g_ptr_array_add (folders, place (&a, chromium_places[i].base, chromium_places[i].user_data));
      if (chromium_places[i].policies != NULL)
        {
          g_autofree char *root = system_path (&a, chromium_places[i].policies);

          g_ptr_array_add (folders, g_build_filename (root, "managed", NULL));
          g_ptr_array_add (folders, g_build_filename (root, "recommended", NULL));
        }
    }
  g_ptr_array_add (folders, g_build_filename (a.data_home, "applications", NULL));
  for (guint i = 0; a.data_dirs[i] != NULL; i++)
    g_ptr_array_add (folders, g_build_filename (a.data_dirs[i], "applications", NULL));
  for (guint i = 0; setups != NULL && i < setups->len; i++)
    {
      const LwBrowserSetup *s = g_ptr_array_index (setups, i);

      if (s->path != NULL && s->profile != NULL)
        g_ptr_array_add (folders, g_strdup (s->path));
    }
  audit_clear (&a);

  /* Each once. */
  for (guint i = folders->len; i > 1; i--)
    for (guint j = 0; j < i - 1; j++)
      if (g_str_equal (g_ptr_array_index (folders, i - 1), g_ptr_array_index (folders, j)))
        {
          g_ptr_array_remove_index (folders, i - 1);
          break;
        }
  return folders;
}

/**
 * lw_browser_audit_reads:
 * @name: a file's name
 *
 * Returns: whether the audit reads files of that name, so that a change
 *   to it may change a setting
 */
gboolean
lw_browser_audit_reads (const char *name)
{
  const char *names[] = { "prefs.js", "user.js", "profiles.ini", "installs.ini", "compatibility.ini",
                          "Preferences", "Secure Preferences", "Local State", "lock", ".parentlock",
                          NULL };

  return g_strv_contains (names, name) || g_str_has_suffix (name, ".json") ||
         g_str_has_suffix (name, ".desktop") || g_str_has_suffix (name, ".cfg");
}

/**
 * lw_browser_audit:
 * @places: (nullable): where to look
 *
 * Returns: (transfer full) (element-type LwBrowserSetup): every profile of
 *   every browser found, in a stable order
 */
GPtrArray *
lw_browser_audit (const LwAuditPlaces *places)
{
  Audit a = { NULL };
  GPtrArray *setups;

  audit_init (&a, places);

  for (guint i = 0; i < G_N_ELEMENTS (gecko_places); i++)
    gecko_place (&a, &gecko_places[i]);
  for (guint i = 0; i < G_N_ELEMENTS (chromium_places); i++)
    chromium_place (&a, &chromium_places[i]);
  for (guint i = 0; i < a.unstarted->len; i++)
    {
      const Unstarted *u = g_ptr_array_index (a.unstarted, i);

      if (u->gecko)
        {
          const GeckoPlace *where = u->place;
          const char *browser = g_str_equal (u->desktop_id, "firefox-esr.desktop") ? "firefox-esr" : where->browser;

          if (!has_setup (&a, browser, where->packaging))
            gecko_profile (&a, where, u->desktop_id, NULL, NULL);
        }
      else
        {
          const ChromiumPlace *where = u->place;
          g_autofree char *user_data = place (&a, where->base, where->user_data);
          PolicyValue managed = { NULL, NULL, NULL }, recommended = { NULL, NULL, NULL };

          if (has_setup (&a, where->browser, where->packaging))
            continue;
          read_policies (&a, where, &managed, &recommended);
          chromium_profile (&a, where, u->desktop_id, user_data, NULL, NULL, &managed, &recommended);
          policy_value_clear (&managed);
          policy_value_clear (&recommended);
        }
    }
  epiphany (&a);

  setups = g_steal_pointer (&a.setups);
  audit_clear (&a);
  return setups;
}

static void
audit_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  g_task_return_pointer (task, lw_browser_audit (data), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * lw_browser_audit_async:
 * @places: (nullable): where to look; must stay valid until the callback
 */
void
lw_browser_audit_async (const LwAuditPlaces *places,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, data);

  g_task_set_source_tag (task, lw_browser_audit_async);
  g_task_set_task_data (task, (gpointer) places, NULL);
  g_task_run_in_thread (task, audit_thread);
}

GPtrArray *
lw_browser_audit_finish (GAsyncResult  *result,
                         GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * lw_browser_audit_stand_ins:
 *
 * When no browser is found: Chromium's and Firefox's defaults stand in
 * (docs/DOMAIN.md), and say that they are stand-ins.
 *
 * Returns: (transfer full) (element-type LwBrowserSetup)
 */
GPtrArray *
lw_browser_audit_stand_ins (void)
{
  GPtrArray *setups = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_browser_setup_free);
  guint n_profiles;
  const LwBrowserProfile *profiles = lw_analyzer_default_profiles (&n_profiles);
  const struct { const char *browser; LwEngine engine; } which[] = {
    { "chromium", LW_ENGINE_CHROMIUM }, { "firefox", LW_ENGINE_GECKO },
  };

  for (guint i = 0; i < n_profiles && i < G_N_ELEMENTS (which); i++)
    {
      LwBrowserSetup *s = setup_new (which[i].browser, profiles[i].name, which[i].engine,
                                     LW_PACKAGING_NATIVE, NULL, NULL, NULL);

      s->stand_in = TRUE;
      s->modes = profiles[i];
      s->setting = g_strdup ("default");
      s->source = g_strdup_printf (_("no browser was found: %s’s defaults stand in"), profiles[i].name);
      lw_browser_setup_set_label (s);
      g_ptr_array_add (setups, s);
    }
  return setups;
}

/**
 * lw_browser_setup_fix_steps:
 * @s: a browser profile
 * @hide_is_enough: whether, on this network, hiding the address (Mode 3)
 *   is enough, rather than only sending no UDP at all
 * @command: (out) (optional) (nullable): a command to copy, when the fix
 *   has one
 *
 * Returns: (transfer full) (nullable): how to make this browser safe here,
 *   in its own words and places: for a Chromium build, the exact policy
 *   file, its content and a command to copy; for Brave, its settings
 *   page; for a Firefox profile, the prefs (which Leakwatch can write
 *   itself). %NULL where there is nothing to set.
 */
char *
lw_browser_setup_fix_steps (const LwBrowserSetup  *s,
                            gboolean               hide_is_enough,
                            char                 **command)
{
  const char *handling = hide_is_enough ? "default_public_interface_only" : "disable_non_proxied_udp";
  const char *folder = NULL;

  if (command != NULL)
    *command = NULL;
  if (s->modes.ordinary == LW_WEBRTC_DISABLED || s->engine == LW_ENGINE_WEBKIT)
    return NULL;

  if (s->engine == LW_ENGINE_GECKO)
    return g_strdup_printf (hide_is_enough
                              ? _("Leakwatch can write this into the profile’s user.js (Apply). By "
                                  "hand: in about:config, set "
                                  "media.peerconnection.ice.default_address_only, "
                                  "media.peerconnection.ice.no_host and "
                                  "media.peerconnection.ice.proxy_only_if_behind_proxy to true, "
                                  "then restart %s.")
                              : _("Leakwatch can write this into the profile’s user.js (Apply). By "
                                  "hand: in about:config, set media.peerconnection.enabled to "
                                  "false, then restart %s. Video calls in %s stop working."),
                            s->name, s->name);

  for (guint i = 0; i < G_N_ELEMENTS (chromium_places); i++)
    if (g_str_equal (chromium_places[i].browser, s->browser) && chromium_places[i].packaging == s->packaging)
      folder = chromium_places[i].policies;

  if (folder == NULL)
    /* Translators: the %s are a browser's name, and a WebRtcIPHandling value as it is */
    return g_strdup_printf (_("This %s build does not read the policies in /etc. An extension that "
                              "sets WebRTC's policy (such as Google’s WebRTC Network Limiter) can "
                              "set %s in it."), s->name, handling);

  {
    g_autofree char *policy = g_strdup_printf ("{\"WebRtcIPHandling\": \"%s\"}", handling);
    /* Translators: a policy file's path, its content, the browser */
    g_autofree char *as_root = g_strdup_printf (_("as root, write %s/managed/leakwatch.json with %s "
                                                  "(the command below does it). %s applies a policy "
                                                  "without a restart; chrome://policy shows it."),
                                                folder, policy, s->name);

    if (command != NULL)
      *command = g_strdup_printf ("sudo mkdir -p %s/managed && echo '%s' | sudo tee "
                                  "%s/managed/leakwatch.json", folder, policy, folder);

    if (g_str_equal (s->browser, "brave"))
      /* Translators: %1$s is Brave's own label for the setting; use Brave's wording in your
       * language. %2$s says how to write the policy as root */
      return g_strdup_printf (_("In Brave: brave://settings/privacy, “WebRTC IP handling policy”: "
                                "“%1$s”. Or, for every profile, %2$s"),
                              hide_is_enough ? _("Default public interface only") : _("Disable non-proxied UDP"),
                              as_root);
    return lw_text_sentence (as_root);
  }
}

/* Which of the catalogue's browsers (lw-catalogue.c) @setups holds. */
LwBrowsers
lw_browser_audit_families (GPtrArray *setups)
{
  LwBrowsers found = 0;

  for (guint i = 0; setups != NULL && i < setups->len; i++)
    {
      const LwBrowserSetup *s = g_ptr_array_index (setups, i);

      if (s->stand_in)
        continue;
      if (g_str_equal (s->browser, "tor-browser"))
        found |= LW_BROWSER_TOR;
      else if (g_str_equal (s->browser, "brave"))
        found |= LW_BROWSER_BRAVE;
      else if (s->engine == LW_ENGINE_GECKO)
        found |= LW_BROWSER_FIREFOX;
      else if (s->engine == LW_ENGINE_CHROMIUM)
        found |= LW_BROWSER_CHROMIUM;
    }
  return found;
}

/**
 * lw_browser_audit_profiles:
 *
 * Returns: (transfer full) (element-type LwBrowserProfile): the modes of
 *   each of @setups, for the analyzer; their names point into @setups
 */
GArray *
lw_browser_audit_profiles (GPtrArray *setups)
{
  GArray *profiles = g_array_new (FALSE, TRUE, sizeof (LwBrowserProfile));

  for (guint i = 0; setups != NULL && i < setups->len; i++)
    g_array_append_val (profiles, ((LwBrowserSetup *) g_ptr_array_index (setups, i))->modes);
  return profiles;
}
