/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "leakwatch"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "lw-autostart.h"

/* "Start at login". Natively, an entry in $XDG_CONFIG_HOME/autostart that
 * starts the service alone (`leakwatch --gapplication-service`): a copy of
 * the installed template, with the path of this very executable, so an
 * uninstalled build starts itself too. In a Flatpak the sandbox cannot
 * write there; the Background portal keeps the entry instead. */

static char *
entry_path (void)
{
  g_autofree char *name = g_strconcat (APP_ID, ".desktop", NULL);

  return g_build_filename (g_get_user_config_dir (), "autostart", name, NULL);
}

gboolean
lw_autostart_in_flatpak (void)
{
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

/* Enabled as desktop sessions read it: the entry exists and is neither
 * hidden nor switched off. */
gboolean
lw_autostart_is_enabled (void)
{
  g_autofree char *path = entry_path ();
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();

  if (!g_key_file_load_from_file (keyfile, path, G_KEY_FILE_NONE, NULL))
    return FALSE;
  if (g_key_file_get_boolean (keyfile, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_HIDDEN, NULL))
    return FALSE;
  if (g_key_file_has_key (keyfile, G_KEY_FILE_DESKTOP_GROUP, "X-GNOME-Autostart-enabled", NULL) &&
      !g_key_file_get_boolean (keyfile, G_KEY_FILE_DESKTOP_GROUP, "X-GNOME-Autostart-enabled", NULL))
    return FALSE;
  return TRUE;
}

/* The Background portal answers in two steps: the call returns a request
 * handle, and the user's choice arrives later as its Response signal. */
typedef struct
{
  GDBusConnection   *bus;
  guint              subscription;
  gboolean           requested;
  LwAutostartResult  done;
  gpointer           data;
} PortalRequest;

static void
portal_request_finish (PortalRequest *req,
                       gboolean       enabled)
{
  if (req->subscription != 0)
    g_dbus_connection_signal_unsubscribe (req->bus, req->subscription);
  if (req->done != NULL)
    req->done (enabled, req->data);
  g_object_unref (req->bus);
  g_free (req);
}

static void
on_portal_response (GDBusConnection *bus,
                    const char      *sender,
                    const char      *path,
                    const char      *interface,
                    const char      *signal,
                    GVariant        *parameters,
                    gpointer         data)
{
  PortalRequest *req = data;
  g_autoptr(GVariant) results = NULL;
  gboolean autostart = !req->requested;
  guint32 response;

  g_variant_get (parameters, "(u@a{sv})", &response, &results);
  if (response == 0)
    g_variant_lookup (results, "autostart", "b", &autostart);
  else
    g_message ("The Background portal did not change start at login (response %u)", response);
  portal_request_finish (req, autostart);
}

static void
on_portal_reply (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  PortalRequest *req = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);

  if (reply == NULL)
    {
      g_warning ("The Background portal cannot change start at login: %s", error->message);
      portal_request_finish (req, !req->requested);
    }
}

static gboolean
request_background (gboolean            enabled,
                    LwAutostartResult   done,
                    gpointer            data,
                    GError            **error)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, error);
  const char *const commandline[] = { "leakwatch", "--gapplication-service", NULL };
  g_autofree char *token = NULL;
  g_autofree char *sender = NULL;
  g_autofree char *handle = NULL;
  GVariantBuilder options;
  PortalRequest *req;

  if (bus == NULL)
    return FALSE;

  /* The request's path is known in advance from our name and a token of
   * ours, so the Response cannot arrive before we listen. */
  token = g_strdup_printf ("leakwatch%u", g_random_int ());
  sender = g_strdup (g_dbus_connection_get_unique_name (bus) + 1);
  g_strdelimit (sender, ".", '_');
  handle = g_strdup_printf ("/org/freedesktop/portal/desktop/request/%s/%s", sender, token);

  req = g_new0 (PortalRequest, 1);
  req->bus = g_object_ref (bus);
  req->requested = enabled;
  req->done = done;
  req->data = data;
  req->subscription = g_dbus_connection_signal_subscribe (bus, "org.freedesktop.portal.Desktop",
                                                          "org.freedesktop.portal.Request", "Response",
                                                          handle, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                                          on_portal_response, req, NULL);

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "handle_token", g_variant_new_string (token));
  g_variant_builder_add (&options, "{sv}", "reason",
                         g_variant_new_string (_("Leakwatch watches for leaks from the start of your session")));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (enabled));
  g_variant_builder_add (&options, "{sv}", "commandline", g_variant_new_strv (commandline, -1));
  g_dbus_connection_call (bus, "org.freedesktop.portal.Desktop", "/org/freedesktop/portal/desktop",
                          "org.freedesktop.portal.Background", "RequestBackground",
                          g_variant_new ("(sa{sv})", "", &options), NULL,
                          G_DBUS_CALL_FLAGS_NONE, -1, NULL, on_portal_reply, req);
  return TRUE;
}

/* One argument of an Exec line, as the Desktop Entry Specification quotes
 * it: bare when it can be, else in double quotes with ", `, $ and \
 * escaped; "%" doubled either way, as it starts a field code. (GKeyFile
 * then escapes the backslashes once more, as the specification expects.) */
static char *
exec_argument (const char *arg)
{
  gboolean quote = *arg == '\0' || strpbrk (arg, " \t\n\"'\\><~|&;$*?#()`") != NULL;
  GString *out = g_string_new (quote ? "\"" : NULL);

  for (const char *p = arg; *p != '\0'; p++)
    {
      if (quote && strchr ("\"`$\\", *p) != NULL)
        g_string_append_c (out, '\\');
      else if (*p == '%')
        g_string_append_c (out, '%');
      g_string_append_c (out, *p);
    }
  if (quote)
    g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

static GKeyFile *
new_entry (const char  *template_path,
           const char  *executable)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autofree char *program = exec_argument (executable);
  g_autofree char *exec = g_strconcat (program, " --gapplication-service", NULL);
  g_autoptr(GError) error = NULL;

  if (template_path == NULL ||
      !g_key_file_load_from_file (keyfile, template_path,
                                  G_KEY_FILE_KEEP_COMMENTS | G_KEY_FILE_KEEP_TRANSLATIONS, &error))
    {
      if (error != NULL)
        g_debug ("autostart template %s: %s", template_path, error->message);
      g_key_file_set_string (keyfile, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_TYPE, "Application");
      g_key_file_set_string (keyfile, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_NAME, "Leakwatch");
      g_key_file_set_string (keyfile, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_ICON, APP_ID);
      g_key_file_set_boolean (keyfile, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_NO_DISPLAY, TRUE);
    }
  g_key_file_set_string (keyfile, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_EXEC, exec);
  g_key_file_remove_key (keyfile, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_HIDDEN, NULL);
  g_key_file_remove_key (keyfile, G_KEY_FILE_DESKTOP_GROUP, "TryExec", NULL);
  g_key_file_set_boolean (keyfile, G_KEY_FILE_DESKTOP_GROUP, "X-GNOME-Autostart-enabled", TRUE);
  return g_steal_pointer (&keyfile);
}

/* Writes or removes the autostart entry. TEMPLATE_PATH is the installed
 * entry to copy (nullable); EXECUTABLE the leakwatch to start. In a
 * Flatpak the portal decides later: DONE then gets what it decided. */
gboolean
lw_autostart_set_enabled (gboolean            enabled,
                          const char         *template_path,
                          const char         *executable,
                          LwAutostartResult   done,
                          gpointer            data,
                          GError            **error)
{
  g_autofree char *path = entry_path ();

  if (lw_autostart_in_flatpak ())
    return request_background (enabled, done, data, error);

  if (enabled)
    {
      g_autoptr(GKeyFile) keyfile = new_entry (template_path, executable);
      g_autofree char *dir = g_path_get_dirname (path);

      if (g_mkdir_with_parents (dir, 0700) < 0)
        {
          int saved = errno;

          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       _("Cannot create %s: %s"), dir, g_strerror (saved));
          return FALSE;
        }
      return g_key_file_save_to_file (keyfile, path, error);
    }

  if (g_unlink (path) < 0 && errno != ENOENT)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Cannot remove %s: %s"), path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}
