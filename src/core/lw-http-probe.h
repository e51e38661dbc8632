/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lw-evidence.h"

G_BEGIN_DECLS

#define LW_HTTP_BODY_LIMIT 4096

void      lw_http_probe_run_async   (const char * const   *urls,
                                     gboolean              ipv4,
                                     gboolean              ipv6,
                                     GTlsDatabase         *tls_database,
                                     guint                 timeout_ms,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data);
GPtrArray *lw_http_probe_run_finish (GAsyncResult         *result,
                                     GError              **error);
void      lw_http_probe_run_in_helper_async  (const char          *helper,
                                              const char * const  *urls,
                                              gboolean             ipv4,
                                              gboolean             ipv6,
                                              const char          *ca_file,
                                              guint                timeout_ms,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
GPtrArray *lw_http_probe_run_in_helper_finish (GAsyncResult        *result,
                                              GError             **error);
gboolean  lw_http_parse_address     (const char           *content_type,
                                     const guint8         *body,
                                     gsize                 length,
                                     char                **address,
                                     GError              **error);

G_END_DECLS
