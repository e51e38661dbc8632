/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  LW_ADDRESS_INVALID,
  LW_ADDRESS_UNSPECIFIED,
  LW_ADDRESS_LOOPBACK,
  LW_ADDRESS_PRIVATE,
  LW_ADDRESS_CGNAT,
  LW_ADDRESS_LINK_LOCAL,
  LW_ADDRESS_ULA,
  LW_ADDRESS_DOCUMENTATION,
  LW_ADDRESS_IPV4_MAPPED,
  LW_ADDRESS_MULTICAST,
  LW_ADDRESS_RESERVED,
  LW_ADDRESS_GLOBAL,
} LwAddressClass;

/* Who gave an address as an answer: see lw_address_check_answer(). */
typedef enum
{
  LW_ANSWER_STUN,
  LW_ANSWER_ADDRESS_SERVICE,
} LwAnswerSource;

LwAddressClass  lw_address_classify          (GInetAddress   *address);
LwAddressClass  lw_address_classify_string   (const char     *address);
const char     *lw_address_class_to_string   (LwAddressClass  klass);
const char     *lw_address_class_describe    (LwAddressClass  klass);
gboolean        lw_address_class_is_public   (LwAddressClass  klass);
gboolean        lw_address_class_is_local    (LwAddressClass  klass);
char           *lw_address_canonicalize      (const char     *address);
int             lw_address_family            (const char     *address);
GInetAddress   *lw_address_unmap             (GInetAddress   *address);
char           *lw_address_check_answer      (const char     *address,
                                              int             family,
                                              LwAnswerSource  from,
                                              GError        **error);

G_END_DECLS
