/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lw-address"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "lw-address.h"

static gboolean
in_prefix (const guint8 *bytes,
           const guint8 *prefix,
           guint         bits)
{
  guint full = bits / 8;
  guint rest = bits % 8;

  if (memcmp (bytes, prefix, full) != 0)
    return FALSE;
  if (rest == 0)
    return TRUE;
  return ((bytes[full] ^ prefix[full]) & (0xff << (8 - rest))) == 0;
}

static LwAddressClass
classify_ipv4 (const guint8 *b)
{
  static const struct { guint8 prefix[4]; guint bits; LwAddressClass klass; } table[] = {
    { { 0, 0, 0, 0 },       32, LW_ADDRESS_UNSPECIFIED },
    { { 0, 0, 0, 0 },        8, LW_ADDRESS_RESERVED },
    { { 127, 0, 0, 0 },      8, LW_ADDRESS_LOOPBACK },
    { { 10, 0, 0, 0 },       8, LW_ADDRESS_PRIVATE },
    { { 172, 16, 0, 0 },    12, LW_ADDRESS_PRIVATE },
    { { 192, 168, 0, 0 },   16, LW_ADDRESS_PRIVATE },
    { { 100, 64, 0, 0 },    10, LW_ADDRESS_CGNAT },
    { { 169, 254, 0, 0 },   16, LW_ADDRESS_LINK_LOCAL },
    { { 192, 0, 2, 0 },     24, LW_ADDRESS_DOCUMENTATION },
    { { 198, 51, 100, 0 },  24, LW_ADDRESS_DOCUMENTATION },
    { { 203, 0, 113, 0 },   24, LW_ADDRESS_DOCUMENTATION },
    { { 192, 0, 0, 0 },     24, LW_ADDRESS_RESERVED },
    { { 198, 18, 0, 0 },    15, LW_ADDRESS_RESERVED },
    { { 224, 0, 0, 0 },      4, LW_ADDRESS_MULTICAST },
    { { 240, 0, 0, 0 },      4, LW_ADDRESS_RESERVED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      if (in_prefix (b, table[i].prefix, table[i].bits))
        return table[i].klass;
    }

  return LW_ADDRESS_GLOBAL;
}

static LwAddressClass
classify_ipv6 (const guint8 *b)
{
  static const guint8 zero[16] = { 0 };
  static const guint8 loopback[16] = { [15] = 1 };
  static const guint8 mapped[12] = { [10] = 0xff, [11] = 0xff };
  static const guint8 link_local[2] = { 0xfe, 0x80 };
  static const guint8 ula[1] = { 0xfc };
  static const guint8 doc[4] = { 0x20, 0x01, 0x0d, 0xb8 };
  static const guint8 multicast[1] = { 0xff };

  if (memcmp (b, zero, 16) == 0)
    return LW_ADDRESS_UNSPECIFIED;
  if (memcmp (b, loopback, 16) == 0)
    return LW_ADDRESS_LOOPBACK;
  if (memcmp (b, mapped, 12) == 0)
    return LW_ADDRESS_IPV4_MAPPED;
  if (in_prefix (b, link_local, 10))
    return LW_ADDRESS_LINK_LOCAL;
  if (in_prefix (b, ula, 7))
    return LW_ADDRESS_ULA;
  if (in_prefix (b, doc, 32))
    return LW_ADDRESS_DOCUMENTATION;
  if (in_prefix (b, multicast, 8))
    return LW_ADDRESS_MULTICAST;
  /* Only 2000::/3 is allocated as global unicast; the rest is reserved. */
  if ((b[0] & 0xe0) != 0x20)
    return LW_ADDRESS_RESERVED;

  return LW_ADDRESS_GLOBAL;
}

/**
 * lw_address_classify:
 * @address: an address
 *
 * Returns: the class of @address. IPv4-mapped IPv6 addresses are their own
 *   class; use lw_address_unmap() to classify the IPv4 address inside.
 */
LwAddressClass
lw_address_classify (GInetAddress *address)
{
  const guint8 *bytes;

  g_return_val_if_fail (G_IS_INET_ADDRESS (address), LW_ADDRESS_INVALID);

  bytes = g_inet_address_to_bytes (address);

  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4)
    return classify_ipv4 (bytes);

  return classify_ipv6 (bytes);
}

LwAddressClass
lw_address_classify_string (const char *address)
{
  g_autoptr(GInetAddress) inet = NULL;

  if (address == NULL)
    return LW_ADDRESS_INVALID;

  inet = g_inet_address_new_from_string (address);
  if (inet == NULL)
    return LW_ADDRESS_INVALID;

  return lw_address_classify (inet);
}

const char *
lw_address_class_to_string (LwAddressClass klass)
{
  switch (klass)
    {
    case LW_ADDRESS_UNSPECIFIED:   return "unspecified";
    case LW_ADDRESS_LOOPBACK:      return "loopback";
    case LW_ADDRESS_PRIVATE:       return "private";
    case LW_ADDRESS_CGNAT:         return "cgnat";
    case LW_ADDRESS_LINK_LOCAL:    return "link-local";
    case LW_ADDRESS_ULA:           return "ula";
    case LW_ADDRESS_DOCUMENTATION: return "documentation";
    case LW_ADDRESS_IPV4_MAPPED:   return "ipv4-mapped";
    case LW_ADDRESS_MULTICAST:     return "multicast";
    case LW_ADDRESS_RESERVED:      return "reserved";
    case LW_ADDRESS_GLOBAL:        return "global";
    case LW_ADDRESS_INVALID:
    default:                       return "invalid";
    }
}

/**
 * lw_address_class_describe:
 *
 * Returns: the kind of address in words for people ("your home or office
 *   network", "a private IPv6 network"); lw_address_class_to_string()
 *   gives the JSON's code
 */
const char *
lw_address_class_describe (LwAddressClass klass)
{
  switch (klass)
    {
    case LW_ADDRESS_PRIVATE:       return _("a private network, such as your home or office");
    case LW_ADDRESS_CGNAT:         return _("your provider's shared network (carrier-grade NAT)");
    case LW_ADDRESS_LINK_LOCAL:    return _("this network link only (link-local)");
    case LW_ADDRESS_ULA:           return _("a private IPv6 network (ULA)");
    case LW_ADDRESS_LOOPBACK:      return _("this computer only (loopback)");
    case LW_ADDRESS_DOCUMENTATION: return _("an address kept for examples (documentation)");
    case LW_ADDRESS_GLOBAL:        return _("public, on the internet");
    case LW_ADDRESS_UNSPECIFIED:
    case LW_ADDRESS_IPV4_MAPPED:
    case LW_ADDRESS_MULTICAST:
    case LW_ADDRESS_RESERVED:
    case LW_ADDRESS_INVALID:
    default:                       return _("a special-purpose address");
    }
}

/**
 * lw_address_class_is_public:
 *
 * Whether an address of this class identifies the user on the internet.
 * Documentation addresses count as public: they stand for the internet in
 * the network lab and in tests, and never appear on a real network.
 */
gboolean
lw_address_class_is_public (LwAddressClass klass)
{
  return klass == LW_ADDRESS_GLOBAL || klass == LW_ADDRESS_DOCUMENTATION;
}

/**
 * lw_address_class_is_local:
 *
 * Whether an address of this class only has meaning inside the local network
 * (what mDNS hides and what the "local addresses visible" finding is about).
 */
gboolean
lw_address_class_is_local (LwAddressClass klass)
{
  return klass == LW_ADDRESS_PRIVATE || klass == LW_ADDRESS_CGNAT ||
         klass == LW_ADDRESS_LINK_LOCAL || klass == LW_ADDRESS_ULA;
}

/**
 * lw_address_unmap:
 * @address: an address
 *
 * Returns: (transfer full): the IPv4 address inside an IPv4-mapped IPv6
 *   address, or a new reference to @address.
 */
GInetAddress *
lw_address_unmap (GInetAddress *address)
{
  const guint8 *bytes;

  g_return_val_if_fail (G_IS_INET_ADDRESS (address), NULL);

  if (lw_address_classify (address) != LW_ADDRESS_IPV4_MAPPED)
    return g_object_ref (address);

  bytes = g_inet_address_to_bytes (address);
  return g_inet_address_new_from_bytes (bytes + 12, G_SOCKET_FAMILY_IPV4);
}

/**
 * lw_address_canonicalize:
 * @address: an address literal, possibly IPv4-mapped or with a zone
 *
 * Returns: (transfer full) (nullable): the canonical text form, with
 *   IPv4-mapped addresses unmapped and any "%zone" dropped, or %NULL if
 *   @address is not an IP literal.
 */
char *
lw_address_canonicalize (const char *address)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GInetAddress) unmapped = NULL;
  g_autofree char *copy = NULL;
  char *zone;

  if (address == NULL)
    return NULL;

  copy = g_strstrip (g_strdup (address));
  if ((zone = strchr (copy, '%')) != NULL)
    *zone = '\0';

  inet = g_inet_address_new_from_string (copy);
  if (inet == NULL)
    return NULL;

  unmapped = lw_address_unmap (inet);
  return g_inet_address_to_string (unmapped);
}

/**
 * lw_address_family:
 *
 * Returns: 4 or 6, or 0 when @address is not an IP literal.
 */
int
lw_address_family (const char *address)
{
  g_autoptr(GInetAddress) inet = NULL;

  if (address == NULL || (inet = g_inet_address_new_from_string (address)) == NULL)
    return 0;

  return g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV4 ? 4 : 6;
}

/**
 * lw_address_check_answer:
 * @address: the address a server says it saw, as text
 * @family: the family of the request, 4 or 6
 * @from: who said it: a STUN server, which may sit on the local network,
 *   or a public address service, which can only have seen a public address
 * @error: why the answer cannot be true, naming what came back
 *
 * The one rule for evidence (README.md, "What counts as an answer"): an answer
 * counts only if it is a unicast address of the request's family that the
 * server could really have seen. Unspecified, loopback, multicast,
 * broadcast, reserved and link-local addresses never; private, ULA and
 * CGNAT addresses only from a STUN server, since a public service cannot
 * see them across the internet.
 *
 * Returns: (transfer full) (nullable): the address in canonical form, or
 *   %NULL with @error set
 */
char *
lw_address_check_answer (const char    *address,
                         int            family,
                         LwAnswerSource from,
                         GError       **error)
{
  g_autofree char *canonical = lw_address_canonicalize (address);
  g_autofree char *shown = NULL;
  LwAddressClass klass;

  g_return_val_if_fail (family == 4 || family == 6, NULL);

  if (canonical == NULL || (address != NULL && strchr (address, '%') != NULL))
    {
      shown = g_utf8_make_valid (address ? address : "", 64);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("the answer “%s” is not an IP address"), shown);
      return NULL;
    }
  if (lw_address_family (canonical) != family)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   family == 4 ? _("the answer %s is an IPv6 address, to an IPv4 request")
                               : _("the answer %s is an IPv4 address, to an IPv6 request"),
                   canonical);
      return NULL;
    }

  klass = lw_address_classify_string (canonical);
  switch (klass)
    {
    case LW_ADDRESS_GLOBAL:
    case LW_ADDRESS_DOCUMENTATION:
      return g_steal_pointer (&canonical);

    case LW_ADDRESS_PRIVATE:
    case LW_ADDRESS_ULA:
    case LW_ADDRESS_CGNAT:
      if (from == LW_ANSWER_STUN)
        return g_steal_pointer (&canonical);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("the answer %s is a private address, which a public address service "
                     "cannot see"), canonical);
      return NULL;

    case LW_ADDRESS_UNSPECIFIED:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("the answer %s is the unspecified address, which no server can see"),
                   canonical);
      return NULL;
    case LW_ADDRESS_LOOPBACK:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("the answer %s is a loopback address, which no server can see"), canonical);
      return NULL;
    case LW_ADDRESS_MULTICAST:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("the answer %s is a multicast address, which no request comes from"),
                   canonical);
      return NULL;
    case LW_ADDRESS_LINK_LOCAL:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("the answer %s is a link-local address, which no server beyond the "
                     "link can see"), canonical);
      return NULL;
    case LW_ADDRESS_IPV4_MAPPED:
    case LW_ADDRESS_RESERVED:
    case LW_ADDRESS_INVALID:
    default:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("the answer %s is a reserved or broadcast address, which no request "
                     "comes from"), canonical);
      return NULL;
    }
}
