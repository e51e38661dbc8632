/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Each target in tests/fuzz defines the libFuzzer entry point. The same
 * source links either with libFuzzer (-Dfuzzing=true, clang), or with
 * lw-fuzz-replay.c, which runs the seed corpus in every build. */
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

#include <gio/gio.h>

/* What the evidence rule promises of an address it lets through: of
 * @family, and one a server could really have seen. */
static inline void
lw_fuzz_assert_evidence (const char *address,
                         int         family)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);

  g_assert_nonnull (inet);
  g_assert_cmpint (g_inet_address_get_family (inet), ==,
                   family == 4 ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6);
  g_assert_false (g_inet_address_get_is_any (inet) || g_inet_address_get_is_loopback (inet) ||
                  g_inet_address_get_is_multicast (inet) ||
                  g_inet_address_get_is_link_local (inet));
}
