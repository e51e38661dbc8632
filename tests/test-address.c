/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lw-address.h"

typedef struct
{
  const char     *address;
  LwAddressClass  klass;
} ClassCase;

static const ClassCase class_cases[] = {
  { "0.0.0.0", LW_ADDRESS_UNSPECIFIED },
  { "::", LW_ADDRESS_UNSPECIFIED },
  { "0.1.2.3", LW_ADDRESS_RESERVED },
  { "127.0.0.1", LW_ADDRESS_LOOPBACK },
  { "127.255.255.254", LW_ADDRESS_LOOPBACK },
  { "::1", LW_ADDRESS_LOOPBACK },
  { "10.0.0.1", LW_ADDRESS_PRIVATE },
  { "10.255.255.255", LW_ADDRESS_PRIVATE },
  { "172.16.0.1", LW_ADDRESS_PRIVATE },
  { "172.31.255.255", LW_ADDRESS_PRIVATE },
  { "172.15.255.255", LW_ADDRESS_GLOBAL },   /* just below 172.16/12 */
  { "172.32.0.0", LW_ADDRESS_GLOBAL },       /* just above */
  { "192.168.1.23", LW_ADDRESS_PRIVATE },
  { "192.169.0.1", LW_ADDRESS_GLOBAL },
  { "100.64.0.1", LW_ADDRESS_CGNAT },
  { "100.127.255.255", LW_ADDRESS_CGNAT },
  { "100.63.255.255", LW_ADDRESS_GLOBAL },
  { "100.128.0.0", LW_ADDRESS_GLOBAL },
  { "169.254.1.1", LW_ADDRESS_LINK_LOCAL },
  { "fe80::1", LW_ADDRESS_LINK_LOCAL },
  { "febf:ffff::1", LW_ADDRESS_LINK_LOCAL }, /* fe80::/10 ends at febf */
  { "fec0::1", LW_ADDRESS_RESERVED },        /* deprecated site-local */
  { "fd00::2", LW_ADDRESS_ULA },
  { "fc00::1", LW_ADDRESS_ULA },
  { "192.0.2.7", LW_ADDRESS_DOCUMENTATION },
  { "198.51.100.7", LW_ADDRESS_DOCUMENTATION },
  { "203.0.113.51", LW_ADDRESS_DOCUMENTATION },
  { "2001:db8::1", LW_ADDRESS_DOCUMENTATION },
  { "2001:db9::1", LW_ADDRESS_GLOBAL },
  { "::ffff:192.168.1.1", LW_ADDRESS_IPV4_MAPPED },
  { "224.0.0.251", LW_ADDRESS_MULTICAST },
  { "ff02::fb", LW_ADDRESS_MULTICAST },
  { "240.0.0.1", LW_ADDRESS_RESERVED },
  { "255.255.255.255", LW_ADDRESS_RESERVED },
  { "198.18.0.1", LW_ADDRESS_RESERVED },
  { "8.8.8.8", LW_ADDRESS_GLOBAL },
  { "1.1.1.1", LW_ADDRESS_GLOBAL },
  { "2a00:1450:4001::1", LW_ADDRESS_GLOBAL },
  { "2001:4860:4860::8888", LW_ADDRESS_GLOBAL },
  { "3fff:ffff::1", LW_ADDRESS_GLOBAL },
  { "4000::1", LW_ADDRESS_RESERVED },
  { "not an address", LW_ADDRESS_INVALID },
  { "", LW_ADDRESS_INVALID },
  { "192.168.1.300", LW_ADDRESS_INVALID },
  { "1.2.3", LW_ADDRESS_INVALID },
};

static void
test_classes (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (class_cases); i++)
    {
      LwAddressClass got = lw_address_classify_string (class_cases[i].address);

      if (got != class_cases[i].klass)
        g_error ("%s: expected %s, got %s", class_cases[i].address,
                 lw_address_class_to_string (class_cases[i].klass),
                 lw_address_class_to_string (got));
    }
  g_assert_cmpint (lw_address_classify_string (NULL), ==, LW_ADDRESS_INVALID);
}

static void
test_public (void)
{
  g_assert_true (lw_address_class_is_public (lw_address_classify_string ("8.8.8.8")));
  g_assert_true (lw_address_class_is_public (lw_address_classify_string ("198.51.100.7")));
  g_assert_false (lw_address_class_is_public (lw_address_classify_string ("192.168.1.1")));
  g_assert_false (lw_address_class_is_public (lw_address_classify_string ("100.64.1.1")));
  g_assert_false (lw_address_class_is_public (lw_address_classify_string ("::ffff:8.8.8.8")));
  g_assert_true (lw_address_class_is_local (lw_address_classify_string ("fd00::2")));
  g_assert_true (lw_address_class_is_local (lw_address_classify_string ("fe80::1")));
  g_assert_false (lw_address_class_is_local (lw_address_classify_string ("127.0.0.1")));
}

static void
test_unmap (void)
{
  g_autoptr(GInetAddress) mapped = g_inet_address_new_from_string ("::ffff:198.51.100.7");
  g_autoptr(GInetAddress) plain = lw_address_unmap (mapped);
  g_autofree char *text = g_inet_address_to_string (plain);

  g_assert_cmpstr (text, ==, "198.51.100.7");
  g_assert_cmpint (lw_address_classify (plain), ==, LW_ADDRESS_DOCUMENTATION);
}

static void
test_canonicalize (void)
{
  const struct { const char *in; const char *out; } cases[] = {
    { "::ffff:198.51.100.7", "198.51.100.7" },
    { "2001:DB8:0:0::1", "2001:db8::1" },
    { "fe80::1%eth0", "fe80::1" },
    { " 203.0.113.5\n", "203.0.113.5" },
    { "garbage", NULL },
    { "203.0.113.5:80", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = lw_address_canonicalize (cases[i].in);
      g_assert_cmpstr (got, ==, cases[i].out);
    }

  g_assert_cmpint (lw_address_family ("2001:db8::1"), ==, 6);
  g_assert_cmpint (lw_address_family ("192.0.2.1"), ==, 4);
  g_assert_cmpint (lw_address_family ("x"), ==, 0);
}

/* The one rule for evidence: what a server can really have seen. */
static void
test_check_answer (void)
{
  static const struct {
    const char     *answer;
    int             family;
    LwAnswerSource  from;
    const char     *canonical;   /* NULL: refused */
    const char     *words;       /* in the reason */
  } cases[] = {
    { "203.0.113.51", 4, LW_ANSWER_ADDRESS_SERVICE, "203.0.113.51", NULL },
    { "8.8.8.8", 4, LW_ANSWER_STUN, "8.8.8.8", NULL },
    { " 2001:db8::1 ", 6, LW_ANSWER_ADDRESS_SERVICE, "2001:db8::1", NULL },
    { "2a00:1450::1", 6, LW_ANSWER_STUN, "2a00:1450::1", NULL },
    /* A STUN server on the LAN or in the carrier's network may see these. */
    { "192.168.1.23", 4, LW_ANSWER_STUN, "192.168.1.23", NULL },
    { "100.64.0.1", 4, LW_ANSWER_STUN, "100.64.0.1", NULL },
    { "fd00::5", 6, LW_ANSWER_STUN, "fd00::5", NULL },
    /* A public address service cannot. */
    { "10.8.0.2", 4, LW_ANSWER_ADDRESS_SERVICE, NULL, "private address" },
    { "100.64.0.1", 4, LW_ANSWER_ADDRESS_SERVICE, NULL, "private address" },
    { "fd00::5", 6, LW_ANSWER_ADDRESS_SERVICE, NULL, "private address" },
    /* Nobody can. */
    { "0.0.0.0", 4, LW_ANSWER_STUN, NULL, "unspecified" },
    { "::", 6, LW_ANSWER_STUN, NULL, "unspecified" },
    { "127.0.0.1", 4, LW_ANSWER_STUN, NULL, "loopback" },
    { "::1", 6, LW_ANSWER_ADDRESS_SERVICE, NULL, "loopback" },
    { "::ffff:127.0.0.1", 4, LW_ANSWER_STUN, NULL, "loopback" },
    { "224.0.0.1", 4, LW_ANSWER_STUN, NULL, "multicast" },
    { "ff02::1", 6, LW_ANSWER_STUN, NULL, "multicast" },
    { "255.255.255.255", 4, LW_ANSWER_STUN, NULL, "broadcast" },
    { "240.0.0.1", 4, LW_ANSWER_ADDRESS_SERVICE, NULL, "reserved" },
    { "169.254.7.7", 4, LW_ANSWER_STUN, NULL, "link-local" },
    { "fe80::1", 6, LW_ANSWER_STUN, NULL, "link-local" },
    { "fe80::1%eth0", 6, LW_ANSWER_STUN, NULL, "not an IP address" },
    /* Of the request's family only. */
    { "2001:db8::99", 4, LW_ANSWER_STUN, NULL, "IPv6 address, to an IPv4 request" },
    { "203.0.113.51", 6, LW_ANSWER_ADDRESS_SERVICE, NULL, "IPv4 address, to an IPv6 request" },
    { "not an address", 4, LW_ANSWER_ADDRESS_SERVICE, NULL, "not an IP address" },
    { "", 4, LW_ANSWER_STUN, NULL, "not an IP address" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *checked = lw_address_check_answer (cases[i].answer, cases[i].family,
                                                          cases[i].from, &error);

      g_test_message ("%s over IPv%d", cases[i].answer, cases[i].family);
      g_assert_cmpstr (checked, ==, cases[i].canonical);
      if (cases[i].canonical != NULL)
        g_assert_no_error (error);
      else
        {
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
          g_assert_nonnull (strstr (error->message, cases[i].words));
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/address/classes", test_classes);
  g_test_add_func ("/address/public-and-local", test_public);
  g_test_add_func ("/address/unmap", test_unmap);
  g_test_add_func ("/address/canonicalize", test_canonicalize);
  g_test_add_func ("/address/check-answer", test_check_answer);

  return g_test_run ();
}
