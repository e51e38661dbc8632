/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lw-http-probe.h"

/* What an address service may answer, and what Leakwatch makes of it. */
typedef struct
{
  const char *content_type;
  const char *body;
  gsize       length;   /* 0: strlen (body) */
  const char *address;  /* NULL: refused */
} ParseCase;

static const ParseCase cases[] = {
  { "text/plain", "198.51.100.7\n", 0, "198.51.100.7" },
  { NULL, "  2001:DB8::7 \r\n", 0, "2001:db8::7" },
  { "text/plain", "::ffff:198.51.100.7", 0, "198.51.100.7" },
  { "application/json", "{\"ip\": \"203.0.113.51\", \"country\": \"ZZ\"}", 0, "203.0.113.51" },
  { "application/json", "{\"ip\":\"2001:db8:51::1\"}", 0, "2001:db8:51::1" },
  { "text/plain", "{\"ip\": \"203.0.113.51\"}", 0, "203.0.113.51" },
  { "application/json", "{\"address\": \"203.0.113.51\"}", 0, NULL },
  { "application/json", "{\"ip\": 42}", 0, NULL },
  { "application/json", "{\"ip\": \"not an ip\"}", 0, NULL },
  { "application/json", "{\"ip\": ", 0, NULL },
  { "application/json", "[\"203.0.113.51\"]", 0, NULL },
  { "text/html", "198.51.100.7", 0, NULL },
  { "text/plain", "<html><body>198.51.100.7</body></html>", 0, NULL },
  { "text/plain", "198.51.100.7 203.0.113.51", 0, NULL },
  { "text/plain", "198.51.100.7:443", 0, NULL },
  { "text/plain", "fe80::1%eth0", 0, NULL },
  { "text/plain", "", 0, NULL },
  { "text/plain", "definitely not an address", 0, NULL },
  { "text/plain", "198.51.100.7\0garbage", 20, NULL },
  { "text/plain", "\xff\xfe" "198.51.100.7", 0, NULL },
};

static void
test_parse (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const ParseCase *c = &cases[i];
      g_autoptr(GError) error = NULL;
      g_autofree char *address = NULL;
      gsize length = c->length ? c->length : strlen (c->body);
      gboolean ok;

      ok = lw_http_parse_address (c->content_type, (const guint8 *) c->body, length, &address, &error);
      if (c->address != NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpstr (address, ==, c->address);
        }
      else
        {
          if (ok)
            g_error ("case %u (%s) should be refused, got %s", i, c->body, address);
          g_assert_nonnull (error);
          g_assert_null (address);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/http/parse-address", test_parse);
  return g_test_run ();
}
