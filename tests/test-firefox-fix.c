/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "lw-browser-audit.h"
#include "lw-firefox-fix.h"
#include "lw-test-util.h"

/* The one-click fix for a Firefox profile: what Apply writes, that Undo
 * brings back exactly what was there, a Firefox that runs (its lock), a
 * damaged user.js, a symlinked one, and a profile that cannot be written.
 * Nothing may ever be lost from user.js. */

typedef struct
{
  char *dir;
  char *home;
  char *profile;
  const char *data_dirs[2];
  LwAuditPlaces places;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *root = NULL;
  g_autofree char *ini = NULL;
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("lw-fix-XXXXXX", NULL);
  f->home = g_build_filename (f->dir, "home", NULL);
  f->profile = g_build_filename (f->home, ".mozilla", "firefox", "abc.default", NULL);
  root = g_build_filename (f->dir, "root", NULL);
  g_assert_no_errno (g_mkdir_with_parents (f->profile, 0700));
  g_assert_no_errno (g_mkdir_with_parents (root, 0700));
  ini = g_build_filename (f->home, ".mozilla", "firefox", "profiles.ini", NULL);
  g_file_set_contents (ini, "[Profile0]\nName=default\nIsRelative=1\nPath=abc.default\n", -1, &error);
  g_assert_no_error (error);
  f->places.home = f->home;
  f->places.config_home = f->dir;
  f->places.data_home = f->dir;
  f->places.root = g_steal_pointer (&root);
  /* No desktop file: only the profile here counts. */
  f->data_dirs[0] = f->places.root;
  f->places.data_dirs = f->data_dirs;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  lw_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->home);
  g_free (f->profile);
  g_free ((char *) f->places.root);
}

static char *
read_file (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  return text;
}

static void
write_file (const char *dir,
            const char *name,
            const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static gboolean
exists (const char *dir,
        const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS) || g_file_test (path, G_FILE_TEST_IS_SYMLINK);
}

/* What the audit says of the profile now. */
static LwBrowserSetup *
audit (Fixture *f)
{
  g_autoptr(GPtrArray) setups = lw_browser_audit (&f->places);

  g_assert_cmpuint (setups->len, ==, 1);
  return lw_browser_setup_copy (g_ptr_array_index (setups, 0));
}

/* A user.js as people write them: comments, a pref of their own, odd
 * bytes, and no newline at the end. */
#define OWN_USER_JS \
  "// my settings ☺\r\n" \
  "user_pref(\"browser.startup.page\", 3);\n" \
  "/* keep */ user_pref(\"media.peerconnection.ice.obfuscate_host_addresses\", true);"

static void
test_apply_undo (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LwBrowserSetup) before = NULL;
  g_autoptr(LwBrowserSetup) after = NULL;
  g_autoptr(LwBrowserSetup) off = NULL;
  g_autoptr(LwBrowserSetup) undone = NULL;
  g_autofree char *block = lw_firefox_fix_block (LW_FIREFOX_FIX_HIDE_ADDRESS);
  g_autofree char *written = NULL;
  g_autofree char *again = NULL;
  g_autofree char *restored = NULL;
  g_autofree char *backup = NULL;
  g_autofree char *want = NULL;

  write_file (f->profile, "user.js", OWN_USER_JS);
  before = audit (f);
  g_assert_cmpstr (before->setting, ==, "default");
  g_assert_cmpint (lw_firefox_fix_applied (f->profile), ==, LW_FIREFOX_FIX_NONE);

  g_assert_true (lw_firefox_fix_apply (f->profile, LW_FIREFOX_FIX_HIDE_ADDRESS, &error));
  g_assert_no_error (error);
  written = read_file (f->profile, "user.js");
  want = g_strconcat (OWN_USER_JS, "\n", block, NULL);
  g_assert_cmpstr (written, ==, want);
  backup = read_file (f->profile, LW_FIREFOX_FIX_BACKUP);
  g_assert_cmpstr (backup, ==, OWN_USER_JS);
  after = audit (f);
  g_assert_cmpstr (after->setting, ==, "default_address_only, no_host, proxy_only_if_behind_proxy");
  g_assert_cmpint (after->modes.ordinary, ==, LW_WEBRTC_MODE_3);
  g_assert_cmpint (after->fix, ==, LW_FIREFOX_FIX_HIDE_ADDRESS);

  /* The other strength replaces the block; the copy stays the user's. */
  g_assert_true (lw_firefox_fix_apply (f->profile, LW_FIREFOX_FIX_WEBRTC_OFF, &error));
  again = read_file (f->profile, "user.js");
  g_assert_true (g_str_has_prefix (again, OWN_USER_JS "\n"));
  g_assert_null (strstr (again, "no_host"));
  g_assert_cmpint (lw_firefox_fix_applied (f->profile), ==, LW_FIREFOX_FIX_WEBRTC_OFF);
  g_free (backup);
  backup = read_file (f->profile, LW_FIREFOX_FIX_BACKUP);
  g_assert_cmpstr (backup, ==, OWN_USER_JS);
  off = audit (f);
  g_assert_cmpint (off->modes.ordinary, ==, LW_WEBRTC_DISABLED);

  g_assert_true (lw_firefox_fix_undo (f->profile, &error));
  g_assert_no_error (error);
  restored = read_file (f->profile, "user.js");
  g_assert_cmpstr (restored, ==, OWN_USER_JS);
  g_assert_false (exists (f->profile, LW_FIREFOX_FIX_BACKUP));
  undone = audit (f);
  g_assert_cmpstr (undone->setting, ==, "default");
  g_assert_cmpint (undone->fix, ==, LW_FIREFOX_FIX_NONE);

  /* Nothing left to undo: said, and nothing touched. */
  g_assert_false (lw_firefox_fix_undo (f->profile, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_free (restored);
  restored = read_file (f->profile, "user.js");
  g_assert_cmpstr (restored, ==, OWN_USER_JS);
}

/* No user.js before: Undo leaves none. */
static void
test_no_user_js (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (lw_firefox_fix_apply (f->profile, LW_FIREFOX_FIX_WEBRTC_OFF, &error));
  g_assert_no_error (error);
  g_assert_true (exists (f->profile, "user.js"));
  g_assert_true (exists (f->profile, LW_FIREFOX_FIX_ABSENT));
  g_assert_true (lw_firefox_fix_undo (f->profile, &error));
  g_assert_no_error (error);
  g_assert_false (exists (f->profile, "user.js"));
  g_assert_false (exists (f->profile, LW_FIREFOX_FIX_ABSENT));
}

/* Firefox runs with the profile: Apply still writes (Firefox reads
 * user.js when it starts), and the audit says the change waits for a
 * restart, keeping what the running Firefox has. */
static void
test_running (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *lock = g_build_filename (f->profile, "lock", NULL);
  g_autofree char *target = g_strdup_printf ("127.0.0.1:+%d", (int) getpid ());
  g_autoptr(GError) error = NULL;
  g_autoptr(LwBrowserSetup) s = NULL;
  struct timespec times[2];
  gint64 since = 0;

  write_file (f->profile, "prefs.js", "user_pref(\"browser.startup.page\", 3);\n");
  g_assert_no_errno (symlink (target, lock));
  /* Firefox started a minute ago. */
  clock_gettime (CLOCK_REALTIME, &times[0]);
  times[0].tv_sec -= 60;
  times[1] = times[0];
  g_assert_no_errno (utimensat (AT_FDCWD, lock, times, AT_SYMLINK_NOFOLLOW));
  g_assert_true (lw_firefox_profile_in_use (f->profile, &since));
  g_assert_cmpint (since, ==, times[0].tv_sec);

  g_assert_true (lw_firefox_fix_apply (f->profile, LW_FIREFOX_FIX_WEBRTC_OFF, &error));
  g_assert_no_error (error);
  s = audit (f);
  g_assert_true (s->running);
  g_assert_nonnull (s->pending);
  g_assert_nonnull (strstr (s->pending, "applies when Firefox is restarted"));
  g_assert_cmpstr (s->setting, ==, "default");
  g_assert_cmpint (s->fix, ==, LW_FIREFOX_FIX_WEBRTC_OFF);

  /* It restarts: the lock is new, and the change counts. */
  g_assert_no_errno (g_unlink (lock));
  g_assert_no_errno (symlink (target, lock));
  g_clear_pointer (&s, lw_browser_setup_free);
  s = audit (f);
  g_assert_null (s->pending);
  g_assert_cmpstr (s->setting, ==, "media.peerconnection.enabled=false");

  /* A lock left by a Firefox that is gone is no Firefox. */
  g_assert_no_errno (g_unlink (lock));
  g_assert_no_errno (symlink ("127.0.0.1:+2147483000", lock));
  g_assert_false (lw_firefox_profile_in_use (f->profile, NULL));
}

/* A damaged user.js is not touched: a change after the damage would be
 * lost. */
static void
test_damaged (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;

  write_file (f->profile, "user.js", "user_pref(\"a\", tru);\n");
  g_assert_false (lw_firefox_fix_apply (f->profile, LW_FIREFOX_FIX_HIDE_ADDRESS, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "line 1"));
  after = read_file (f->profile, "user.js");
  g_assert_cmpstr (after, ==, "user_pref(\"a\", tru);\n");
  g_assert_false (exists (f->profile, LW_FIREFOX_FIX_BACKUP));
}

/* A user.js kept elsewhere and linked (dotfiles): written where the link
 * points; the link stays. */
static void
test_symlinked (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *dotfiles = g_build_filename (f->dir, "dotfiles", NULL);
  g_autofree char *target = g_build_filename (dotfiles, "user.js", NULL);
  g_autofree char *link = g_build_filename (f->profile, "user.js", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *written = NULL;
  g_autofree char *restored = NULL;

  g_assert_no_errno (g_mkdir_with_parents (dotfiles, 0700));
  write_file (dotfiles, "user.js", OWN_USER_JS);
  g_assert_no_errno (symlink (target, link));

  g_assert_true (lw_firefox_fix_apply (f->profile, LW_FIREFOX_FIX_HIDE_ADDRESS, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  written = read_file (dotfiles, "user.js");
  g_assert_nonnull (strstr (written, "no_host"));
  g_assert_true (lw_firefox_fix_undo (f->profile, &error));
  g_assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  restored = read_file (dotfiles, "user.js");
  g_assert_cmpstr (restored, ==, OWN_USER_JS);
}

/* A profile that cannot be written: a clear error, and the user's file as
 * it was. As root, a read-only bind mount (in this test's own mount
 * namespace); otherwise the folder's mode. */
static void
test_read_only (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;
  gboolean mounted = FALSE;

  write_file (f->profile, "user.js", OWN_USER_JS);
  if (geteuid () == 0)
    {
      g_assert_no_errno (mount (f->profile, f->profile, NULL, MS_BIND, NULL));
      g_assert_no_errno (mount (NULL, f->profile, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL));
      mounted = TRUE;
    }
  else
    g_assert_no_errno (g_chmod (f->profile, 0500));

  g_assert_false (lw_firefox_fix_apply (f->profile, LW_FIREFOX_FIX_HIDE_ADDRESS, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, f->profile));
  after = read_file (f->profile, "user.js");
  g_assert_cmpstr (after, ==, OWN_USER_JS);
  g_assert_false (exists (f->profile, LW_FIREFOX_FIX_BACKUP));

  if (mounted)
    g_assert_no_errno (umount (f->profile));
  else
    g_assert_no_errno (g_chmod (f->profile, 0700));
}

int
main (int   argc,
      char *argv[])
{
  /* Root runs the read-only case on a bind mount of its own, in a mount
   * namespace of its own, before any thread exists. */
  if (geteuid () == 0)
    {
      if (unshare (CLONE_NEWNS) != 0 || mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
        g_error ("cannot make a mount namespace: %s", g_strerror (errno));
    }

  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/firefox-fix/apply-undo", test_apply_undo);
  ADD ("/firefox-fix/no-user-js", test_no_user_js);
  ADD ("/firefox-fix/running", test_running);
  ADD ("/firefox-fix/damaged", test_damaged);
  ADD ("/firefox-fix/symlinked", test_symlinked);
  ADD ("/firefox-fix/read-only", test_read_only);
#undef ADD

  return g_test_run ();
}
