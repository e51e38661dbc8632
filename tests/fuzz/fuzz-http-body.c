/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>

#include "lw-address.h"
#include "lw-http-probe.h"
#include "lw-fuzz.h"

/* An address service's reply body, as a hostile server would send it:
 * the parser, then the rule for evidence. The first byte picks the
 * content type the server claims. Whatever comes, the parser fails with
 * a reason or gives text, and the rule lets through only a public unicast
 * address of the family asked. */

static const char * const content_types[] = {
  NULL,
  "text/plain",
  "text/plain; charset=utf-8",
  "application/json",
  "application/json; charset=utf-8",
  "text/html",
};

static void
check_answer (const char *address,
              int         family)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *checked = lw_address_check_answer (address, family, LW_ANSWER_ADDRESS_SERVICE,
                                                      &error);
  g_autoptr(GInetAddress) inet = NULL;

  if (checked == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return;
    }
  g_assert_no_error (error);
  lw_fuzz_assert_evidence (checked, family);
  /* And, from a public service, not a private one. */
  inet = g_inet_address_new_from_string (checked);
  g_assert_false (g_inet_address_get_is_site_local (inet));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  const char *content_type;

  if (size < 1)
    return 0;
  content_type = content_types[data[0] % G_N_ELEMENTS (content_types)];

  if (!lw_http_parse_address (content_type, data + 1, size - 1, &address, &error))
    {
      g_assert_null (address);
      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  g_assert_no_error (error);
  g_assert_nonnull (address);
  g_assert_true (g_utf8_validate (address, -1, NULL));
  check_answer (address, 4);
  check_answer (address, 6);
  return 0;
}
