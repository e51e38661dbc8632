/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lw-process"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <sys/resource.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "lw-process.h"

/**
 * lw_process_prepare:
 *
 * What each of Leakwatch's programs does first, so that a poor process
 * limit ends in a clear message, never in a crash or in an exit status
 * that reads as a verdict:
 *
 *  - the soft limit of open files is raised to the hard one, as many
 *    daemons do: every probe costs descriptors;
 *  - a file size limit makes a write fail (EFBIG), which the history
 *    reports and retries like a full disk, instead of ending the process
 *    with SIGXFSZ.
 *
 * Returns: %FALSE when even the hard limit leaves fewer than
 *   %LW_PROCESS_MIN_DESCRIPTORS open files; @error says so in words.
 */
gboolean
lw_process_prepare (GError **error)
{
  struct rlimit limit;

  signal (SIGXFSZ, SIG_IGN);

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    return TRUE;  /* nothing known: let it try */
  if (limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
        g_debug ("Cannot raise the limit of open files: %s", g_strerror (errno));
      getrlimit (RLIMIT_NOFILE, &limit);
    }
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < LW_PROCESS_MIN_DESCRIPTORS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES,
                   /* Translators: %1$lu is the limit, %2$d what Leakwatch needs */
                   ngettext ("Only %1$lu file may be open at once (ulimit -n), and Leakwatch needs at "
                             "least %2$d",
                             "Only %1$lu files may be open at once (ulimit -n), and Leakwatch needs at "
                             "least %2$d", (unsigned long) limit.rlim_cur),
                   (unsigned long) limit.rlim_cur, LW_PROCESS_MIN_DESCRIPTORS);
      return FALSE;
    }
  return TRUE;
}
