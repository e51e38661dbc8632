/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "leakwatch"

#include "config.h"

#include <errno.h>
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

static void
on_portal_reply (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);

  if (reply == NULL)
    g_warning ("The Background portal refused to change start at login: %s", error->message);
}

static gboolean
request_background (gboolean   enabled,
                    GError   **error)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, error);
  const char *const commandline[] = { "leakwatch", "--gapplication-service", NULL };
  GVariantBuilder options;

  if (bus == NULL)
    return FALSE;
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "reason",
                         g_variant_new_string (_("Leakwatch watches for leaks from the start of your session")));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (enabled));
  g_variant_builder_add (&options, "{sv}", "commandline", g_variant_new_strv (commandline, -1));
  g_dbus_connection_call (bus, "org.freedesktop.portal.Desktop", "/org/freedesktop/portal/desktop",
                          "org.freedesktop.portal.Background", "RequestBackground",
                          g_variant_new ("(sa{sv})", "", &options), NULL,
                          G_DBUS_CALL_FLAGS_NONE, -1, NULL, on_portal_reply, NULL);
  return TRUE;
}

static GKeyFile *
new_entry (const char  *template_path,
           const char  *executable)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autofree char *quoted = g_shell_quote (executable);
  g_autofree char *exec = g_strconcat (quoted, " --gapplication-service", NULL);
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
 * entry to copy (nullable); EXECUTABLE the leakwatch to start. */
gboolean
lw_autostart_set_enabled (gboolean     enabled,
                          const char  *template_path,
                          const char  *executable,
                          GError     **error)
{
  g_autofree char *path = entry_path ();

  if (lw_autostart_in_flatpak ())
    return request_background (enabled, error);

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
