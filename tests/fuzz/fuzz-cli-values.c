/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>

#include "lw-check.h"
#include "lw-probe.h"
#include "lw-fuzz.h"

/* What a user types after --stun, --ip-url, --timeout and --interval, or
 * what the settings hold: each is read, or refused with a message, and
 * what is read is within its bounds. */

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(LwCheckOptions) options = NULL;
  g_autofree char *host = NULL;
  guint16 port = 0;
  double seconds = -1;

  if (lw_parse_host_port (text, 3478, &host, &port, &error))
    {
      g_assert_nonnull (host);
      g_assert_cmpuint (port, >, 0);
    }
  else
    {
      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_clear_error (&error);
    }

  if (lw_parse_seconds (text, 0.1, 120, &seconds))
    g_assert_true (seconds >= 0.1 && seconds <= 120);

  /* As an address service, then as a STUN server, in a whole check's
   * options: valid, or refused with a reason. */
  options = lw_check_options_new ();
  g_strfreev (options->ip_urls);
  options->ip_urls = g_new0 (char *, 2);
  options->ip_urls[0] = g_strdup (text);
  if (!lw_check_options_validate (options, &error))
    {
      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_clear_error (&error);
    }
  g_strfreev (options->ip_urls);
  options->ip_urls = g_strdupv ((char **) lw_check_default_ip_urls ());
  g_strfreev (options->stun_servers);
  options->stun_servers = g_new0 (char *, 2);
  options->stun_servers[0] = g_strdup (text);
  if (!lw_check_options_validate (options, &error))
    {
      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_clear_error (&error);
    }
  return 0;
}
