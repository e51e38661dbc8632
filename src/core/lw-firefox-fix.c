/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "leakwatch"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "lw-firefox-fix.h"
#include "lw-firefox-prefs.h"

/* Apply: keep the user's user.js exactly as it was (a copy beside it, or
 * a mark that there was none), then write it again, atomically, with
 * Leakwatch's block at the end; a block already there is replaced. Undo:
 * put back exactly what was there. A user.js that Firefox could not read
 * whole is not touched: the change would be lost in its damage. A
 * symlinked user.js (dotfiles) is written where the link points. */

#define BLOCK_BEGIN "// Leakwatch: begin."
#define BLOCK_END   "// Leakwatch: end."

const char *
lw_firefox_fix_title (LwFirefoxFix fix)
{
  switch (fix)
    {
    case LW_FIREFOX_FIX_HIDE_ADDRESS:
      return _("Hide my address from pages, keep calls working");
    case LW_FIREFOX_FIX_WEBRTC_OFF:
      return _("Turn WebRTC off");
    case LW_FIREFOX_FIX_NONE:
    default:
      return NULL;
    }
}

const char *
lw_firefox_fix_cost (LwFirefoxFix fix)
{
  switch (fix)
    {
    case LW_FIREFOX_FIX_HIDE_ADDRESS:
      return _("Pages see only the address your traffic leaves by, and no local address; behind a "
               "proxy, calls go through it. Video calls keep working.");
    case LW_FIREFOX_FIX_WEBRTC_OFF:
      return _("No page can use WebRTC: video calls and some games in Firefox stop working.");
    case LW_FIREFOX_FIX_NONE:
    default:
      return NULL;
    }
}

/**
 * lw_firefox_fix_block:
 *
 * Returns: (transfer full): the lines the fix adds to user.js
 */
char *
lw_firefox_fix_block (LwFirefoxFix fix)
{
  g_autoptr(GString) out = g_string_new (NULL);

  g_string_append_printf (out, BLOCK_BEGIN " %s. Undo it in Leakwatch, or delete these lines.\n",
                          fix == LW_FIREFOX_FIX_WEBRTC_OFF ? "webrtc-off" : "hide-address");
  if (fix == LW_FIREFOX_FIX_WEBRTC_OFF)
    g_string_append (out, "user_pref(\"media.peerconnection.enabled\", false);\n");
  else
    g_string_append (out,
                     "user_pref(\"media.peerconnection.ice.default_address_only\", true);\n"
                     "user_pref(\"media.peerconnection.ice.no_host\", true);\n"
                     "user_pref(\"media.peerconnection.ice.proxy_only_if_behind_proxy\", true);\n");
  g_string_append (out, BLOCK_END "\n");
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Where user.js really is: the file, or where its symlink points. */
static char *
user_js_path (const char *profile)
{
  g_autofree char *path = g_build_filename (profile, "user.js", NULL);
  g_autofree char *target = g_file_read_link (path, NULL);

  if (target == NULL)
    return g_steal_pointer (&path);
  if (g_path_is_absolute (target))
    return g_steal_pointer (&target);
  return g_build_filename (profile, target, NULL);
}

/* Where Leakwatch's block starts in @text, or -1. */
static gssize
block_start (const char *text)
{
  const char *at = strstr (text, BLOCK_BEGIN);

  /* Only at the start of a line. */
  while (at != NULL && at != text && at[-1] != '\n')
    at = strstr (at + 1, BLOCK_BEGIN);
  return at ? at - text : -1;
}

LwFirefoxFix
lw_firefox_fix_applied (const char *profile)
{
  g_autofree char *path = user_js_path (profile);
  g_autofree char *text = NULL;
  gssize start;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (start = block_start (text)) < 0)
    return LW_FIREFOX_FIX_NONE;
  return g_str_has_prefix (text + start + strlen (BLOCK_BEGIN), " webrtc-off") ? LW_FIREFOX_FIX_WEBRTC_OFF
                                                                                : LW_FIREFOX_FIX_HIDE_ADDRESS;
}

/* Writes @contents to @path atomically, with @path's mode if it has one. */
static gboolean
write_atomically (const char  *path,
                  const char  *contents,
                  gsize        length,
                  GError     **error)
{
  GStatBuf st;
  int mode = 0644;

  if (g_stat (path, &st) == 0)
    mode = st.st_mode & 07777;
  return g_file_set_contents_full (path, contents, (gssize) length,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_ONLY_EXISTING,
                                   mode, error);
}

/**
 * lw_firefox_fix_apply:
 * @profile: the profile's folder
 *
 * Writes @fix into the profile's user.js, after keeping what was there.
 * Firefox reads it when it next starts.
 */
gboolean
lw_firefox_fix_apply (const char    *profile,
                      LwFirefoxFix   fix,
                      GError       **error)
{
  g_autofree char *path = user_js_path (profile);
  g_autofree char *backup = g_build_filename (profile, LW_FIREFOX_FIX_BACKUP, NULL);
  g_autofree char *absent = g_build_filename (profile, LW_FIREFOX_FIX_ABSENT, NULL);
  g_autofree char *block = lw_firefox_fix_block (fix);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) local = NULL;
  g_autoptr(GHashTable) check = NULL;
  g_autoptr(GString) text = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  gboolean existed;
  gssize start;

  g_return_val_if_fail (fix != LW_FIREFOX_FIX_NONE, FALSE);

  if (!g_file_test (profile, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("The profile folder %s is not there"), profile);
      return FALSE;
    }
  existed = lw_read_capped_file (file, LW_FIREFOX_PREFS_MAX_BYTES, &contents, &length, &local);
  if (!existed && !g_error_matches (local, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot read %s: %s"), path, local->message);
      return FALSE;
    }
  g_clear_error (&local);
  if (existed && ((check = lw_firefox_prefs_parse (contents, length, &local)) == NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s is damaged (%s): Firefox would not read a change after that. Correct it "
                     "first, or remove it."), path, local->message);
      return FALSE;
    }

  /* What was there, kept once: a second Apply keeps the first one's
   * copy, so Undo always brings back the user's own file. */
  if (!g_file_test (backup, G_FILE_TEST_EXISTS) && !g_file_test (absent, G_FILE_TEST_EXISTS))
    {
      if (existed ? !g_file_set_contents_full (backup, contents, (gssize) length,
                                               G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local)
                  : !g_file_set_contents_full (absent, "", 0, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       _("Nothing was changed: the profile folder %s cannot be written (%s)"),
                       profile, local->message);
          return FALSE;
        }
    }

  text = g_string_new_len (existed ? contents : "", existed ? (gssize) length : 0);
  if ((start = block_start (text->str)) >= 0)
    {
      const char *end = strstr (text->str + start, BLOCK_END);
      gsize stop = end ? (gsize) (end - text->str) + strlen (BLOCK_END) : text->len;

      if (stop < text->len && text->str[stop] == '\n')
        stop++;
      g_string_erase (text, start, stop - start);
    }
  if (text->len > 0 && text->str[text->len - 1] != '\n')
    g_string_append_c (text, '\n');
  g_string_append (text, block);

  if (!write_atomically (path, text->str, text->len, &local))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot write %s: %s"), path, local->message);
      return FALSE;
    }
  return TRUE;
}

/**
 * lw_firefox_fix_undo:
 * @profile: the profile's folder
 *
 * Puts back the user.js that was there before the first Apply, byte for
 * byte; or removes it, when there was none.
 */
gboolean
lw_firefox_fix_undo (const char  *profile,
                     GError     **error)
{
  g_autofree char *path = user_js_path (profile);
  g_autofree char *backup = g_build_filename (profile, LW_FIREFOX_FIX_BACKUP, NULL);
  g_autofree char *absent = g_build_filename (profile, LW_FIREFOX_FIX_ABSENT, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) local = NULL;
  gsize length = 0;

  if (g_file_get_contents (backup, &contents, &length, NULL))
    {
      if (!write_atomically (path, contents, length, &local))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot write %s: %s"), path, local->message);
          return FALSE;
        }
      if (g_unlink (backup) != 0)
        g_message ("Cannot remove %s: %s", backup, g_strerror (errno));
      return TRUE;
    }
  if (g_file_test (absent, G_FILE_TEST_EXISTS))
    {
      if (g_unlink (path) != 0 && errno != ENOENT)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Cannot remove %s: %s"), path,
                       g_strerror (saved));
          return FALSE;
        }
      g_unlink (absent);
      return TRUE;
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               _("There is nothing to undo: Leakwatch has not changed this profile"));
  return FALSE;
}

/**
 * lw_firefox_profile_in_use:
 * @profile: the profile's folder
 * @since: (out) (optional): when the running Firefox took it, in seconds
 *   since the epoch
 *
 * Whether a Firefox runs with this profile now: its `lock` symlink names
 * a process that is alive, or its `.parentlock` is locked.
 */
gboolean
lw_firefox_profile_in_use (const char *profile,
                           gint64     *since)
{
  g_autofree char *lock = g_build_filename (profile, "lock", NULL);
  g_autofree char *parent = g_build_filename (profile, ".parentlock", NULL);
  g_autofree char *target = g_file_read_link (lock, NULL);
  gboolean in_use = FALSE;
  GStatBuf st;
  int fd;

  if (target != NULL)
    {
      const char *plus = strrchr (target, '+');
      gint64 pid = plus ? g_ascii_strtoll (plus + 1, NULL, 10) : 0;

      /* The host part names the machine; a lock from another one (a
       * shared home) is in use too, and cannot be checked: say so. */
      in_use = pid > 0 && pid < G_MAXINT && (kill ((pid_t) pid, 0) == 0 || errno == EPERM);
      if (in_use && since != NULL && g_lstat (lock, &st) == 0)
        *since = st.st_mtime;
    }
  if (!in_use && (fd = g_open (parent, O_RDONLY | O_CLOEXEC, 0)) >= 0)
    {
      struct flock fl = { .l_type = F_RDLCK, .l_whence = SEEK_SET };

      if (fcntl (fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
        {
          in_use = TRUE;
          if (since != NULL && fstat (fd, &st) == 0)
            *since = st.st_mtime;
        }
      close (fd);
    }
  return in_use;
}
