/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <stun/usages/bind.h>

#include "lw-browser-probe.h"
#include "lw-fuzz.h"

/* A STUN server's answer to a binding request, through the code that
 * makes it evidence (lw_stun_read_answer). The first byte picks the
 * family of the socket; the rest is the datagram, with the request's
 * cookie and transaction id written into it, so that most inputs count
 * as answers to it and reach the attribute parser and the evidence rule. */

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  StunAgent agent;
  StunMessage request;
  guint8 buffer[STUN_MAX_MESSAGE_SIZE_IPV6];
  g_autofree guint8 *datagram = NULL;
  g_autofree char *mapped = NULL;
  g_autofree char *reason = NULL;
  guint16 port;
  int family;

  if (size < 1)
    return 0;
  family = (data[0] & 1) ? 6 : 4;
  data++;
  size--;

  stun_agent_init (&agent, STUN_ALL_KNOWN_ATTRIBUTES, STUN_COMPATIBILITY_RFC5389, 0);
  g_assert_cmpuint (stun_usage_bind_create (&agent, &request, buffer, sizeof buffer), >=, 20);

  datagram = g_memdup2 (data, size);
  if (size >= 20)
    memcpy (datagram + 4, buffer + 4, 16);

  switch (lw_stun_read_answer (&agent, datagram, size, family, &mapped, &port, &reason))
    {
    case LW_STUN_ANSWER_NOT_OURS:
      g_assert_null (mapped);
      g_assert_null (reason);
      break;
    case LW_STUN_ANSWER_BAD:
      g_assert_null (mapped);
      g_assert_nonnull (reason);
      g_assert_cmpstr (reason, !=, "");
      break;
    case LW_STUN_ANSWER_MAPPED:
      /* Evidence: an address of the socket's family that a server could
       * really have seen. */
      g_assert_null (reason);
      lw_fuzz_assert_evidence (mapped, family);
      break;
    default:
      g_assert_not_reached ();
    }
  return 0;
}
