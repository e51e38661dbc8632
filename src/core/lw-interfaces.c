/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lw-interfaces"

#include "config.h"

#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "lw-interfaces.h"

/* A snapshot of the interfaces: a few syscalls and sysfs reads, no network
 * traffic, so it is cheap enough to take at the start of every check. */

static char *
read_sysfs (const char *name,
            const char *attribute)
{
  g_autofree char *path = g_build_filename ("/sys/class/net", name, attribute, NULL);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  return g_strstrip (contents);
}

static gboolean
sysfs_exists (const char *name,
              const char *attribute)
{
  g_autofree char *path = g_build_filename ("/sys/class/net", name, attribute, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static gboolean
has_prefix_any (const char         *name,
                const char * const *prefixes)
{
  for (guint i = 0; prefixes[i] != NULL; i++)
    {
      if (g_str_has_prefix (name, prefixes[i]))
        return TRUE;
    }
  return FALSE;
}

/**
 * lw_interfaces_classify:
 * @name: an interface name
 * @flags: its IFF_* flags
 *
 * Tells tunnels (tun, tap, WireGuard and IP-in-IP) from bridges of virtual
 * machines and containers, and both from physical links. A veth that carries
 * an address counts as physical: in a container or a network namespace it
 * is the link to the outside. PPP is a kind of its own: PPPoE (DSL) and
 * mobile links use it as much as PPTP or L2TP VPNs do, so a PPP link counts
 * as a VPN only when NetworkManager says it is one. A link backed by a
 * device (USB, PCI), such as an LTE modem in raw-IP mode, is physical even
 * when it is point-to-point.
 */
LwInterfaceKind
lw_interfaces_classify (const char *name,
                        guint       flags)
{
  static const char * const bridge_prefixes[] = {
    "docker", "virbr", "vnet", "br-", "vboxnet", "lxcbr", "lxdbr", "podman", "cni", NULL,
  };
  static const char * const tunnel_prefixes[] = {
    "tun", "tap", "wg", "utun", "nordlynx", "proton", "mullvad", "ipsec", NULL,
  };
  g_autofree char *uevent = NULL;
  g_autofree char *type = NULL;
  int arphrd;

  if (flags & IFF_LOOPBACK)
    return LW_INTERFACE_LOOPBACK;

  uevent = read_sysfs (name, "uevent");
  if (uevent != NULL && strstr (uevent, "DEVTYPE=wireguard") != NULL)
    return LW_INTERFACE_TUNNEL;
  if ((uevent != NULL && strstr (uevent, "DEVTYPE=wwan") != NULL) || sysfs_exists (name, "device"))
    return LW_INTERFACE_PHYSICAL;
  if (sysfs_exists (name, "tun_flags"))
    return LW_INTERFACE_TUNNEL;
  if ((uevent != NULL && strstr (uevent, "DEVTYPE=bridge") != NULL) || sysfs_exists (name, "bridge"))
    return LW_INTERFACE_BRIDGE;

  type = read_sysfs (name, "type");
  arphrd = type != NULL ? atoi (type) : -1;
  switch (arphrd)
    {
    case ARPHRD_PPP:
      return LW_INTERFACE_PPP;
    case ARPHRD_NONE:
    case ARPHRD_TUNNEL:
    case ARPHRD_TUNNEL6:
    case ARPHRD_SIT:
    case ARPHRD_IPGRE:
      return LW_INTERFACE_TUNNEL;
    default:
      break;
    }

  if (flags & IFF_POINTOPOINT)
    return LW_INTERFACE_TUNNEL;
  if (has_prefix_any (name, bridge_prefixes))
    return LW_INTERFACE_BRIDGE;
  if (type == NULL && has_prefix_any (name, tunnel_prefixes))
    return LW_INTERFACE_TUNNEL;

  return LW_INTERFACE_PHYSICAL;
}

static guint
prefix_length (const struct sockaddr *netmask)
{
  const guint8 *bytes;
  gsize len;
  guint bits = 0;

  if (netmask == NULL)
    return 0;

  if (netmask->sa_family == AF_INET)
    {
      /* By offset: the struct sockaddr getifaddrs gives is only as
       * aligned as its own type says. */
      bytes = (const guint8 *) netmask + G_STRUCT_OFFSET (struct sockaddr_in, sin_addr);
      len = 4;
    }
  else if (netmask->sa_family == AF_INET6)
    {
      bytes = (const guint8 *) netmask + G_STRUCT_OFFSET (struct sockaddr_in6, sin6_addr);
      len = 16;
    }
  else
    return 0;

  for (gsize i = 0; i < len; i++)
    bits += __builtin_popcount (bytes[i]);
  return bits;
}

static LwInterface *
find_or_add (GPtrArray  *list,
             const char *name,
             guint       flags)
{
  LwInterface *iface;

  for (guint i = 0; i < list->len; i++)
    {
      iface = g_ptr_array_index (list, i);
      if (g_str_equal (iface->name, name))
        return iface;
    }

  iface = lw_interface_new (name, if_nametoindex (name), lw_interfaces_classify (name, flags));
  g_ptr_array_add (list, iface);
  return iface;
}

/**
 * lw_interfaces_snapshot:
 *
 * Returns: (transfer full) (element-type LwInterface): the interfaces that
 *   are up, with their IPv4 and IPv6 addresses.
 */
GPtrArray *
lw_interfaces_snapshot (GError **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_interface_free);
  struct ifaddrs *ifap = NULL;

  if (getifaddrs (&ifap) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot list the network interfaces: %s"), g_strerror (saved));
      return NULL;
    }

  for (struct ifaddrs *ifa = ifap; ifa != NULL; ifa = ifa->ifa_next)
    {
      g_autoptr(GSocketAddress) sockaddr = NULL;
      g_autofree char *text = NULL;
      LwInterface *iface;
      gsize size;

      if (ifa->ifa_name == NULL || !(ifa->ifa_flags & IFF_UP))
        continue;

      iface = find_or_add (list, ifa->ifa_name, ifa->ifa_flags);
      iface->running = (ifa->ifa_flags & IFF_RUNNING) != 0;

      if (ifa->ifa_addr == NULL ||
          (ifa->ifa_addr->sa_family != AF_INET && ifa->ifa_addr->sa_family != AF_INET6))
        continue;

      size = ifa->ifa_addr->sa_family == AF_INET ? sizeof (struct sockaddr_in)
                                                 : sizeof (struct sockaddr_in6);
      sockaddr = g_socket_address_new_from_native (ifa->ifa_addr, size);
      if (sockaddr == NULL)
        continue;
      text = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (sockaddr)));
      g_ptr_array_add (iface->addresses, lw_if_address_new (text, prefix_length (ifa->ifa_netmask)));
    }

  freeifaddrs (ifap);
  return g_steal_pointer (&list);
}

/**
 * lw_interfaces_internet_address:
 * @family: 4 or 6
 *
 * Returns: the public address browsers aim a socket at to learn their
 *   default local address, and so where "the internet" is for a route
 */
const char *
lw_interfaces_internet_address (int family)
{
  return family == 6 ? "2001:4860:4860::8888" : "8.8.8.8";
}

/**
 * lw_interfaces_default_address:
 * @family: 4 or 6
 *
 * Finds the local address that carries the default route, the way Chromium
 * does: connect a UDP socket to a public address (no packet is sent) and
 * read the address the kernel chose. Policy routing is honoured, because the
 * kernel makes the same lookup a browser's packet would get.
 *
 * Returns: (transfer full) (nullable): the address, or %NULL when the
 *   family has no route to the internet.
 */
char *
lw_interfaces_default_address (int family)
{
  struct sockaddr_storage target = { 0 };
  struct sockaddr_storage local = { 0 };
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) aim = NULL;
  socklen_t target_len, local_len = sizeof local;
  g_autoptr(GSocketAddress) address = NULL;
  int fd;

  inet = g_inet_address_new_from_string (lw_interfaces_internet_address (family));
  aim = g_inet_socket_address_new (inet, 53);
  target_len = g_socket_address_get_native_size (aim);
  if (!g_socket_address_to_native (aim, &target, sizeof target, NULL))
    return NULL;

  fd = socket (target.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return NULL;

  if (connect (fd, (struct sockaddr *) &target, target_len) != 0 ||
      getsockname (fd, (struct sockaddr *) &local, &local_len) != 0)
    {
      close (fd);
      return NULL;
    }
  close (fd);

  address = g_socket_address_new_from_native (&local, local_len);
  if (address == NULL)
    return NULL;
  return g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
}
