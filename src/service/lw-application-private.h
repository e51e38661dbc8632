/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lw-application.h"
#include "lw-browser-test.h"
#include "lw-helper-keeper.h"
#include "lw-monitor.h"
#include "lw-monitor-dbus.h"
#include "lw-notifier.h"

G_BEGIN_DECLS

/* For lw-application.c and lw-application-actions.c only. */

struct _LwApplication
{
  GApplication     parent_instance;

  gboolean         options_parsed;
  LwCheckOptions  *options;
  guint            interval;
  gboolean         given_servers;    /* --stun or --ip-url: settings do not apply */
  gboolean         given_interval;

  GSettings       *settings;         /* nullable: no schema installed */
  LwNotifier      *notifier;
  LwHelperKeeper  *tray;             /* nullable: no display, or no tray installed */
  char            *activation_token; /* of the activation being handled, for the window */
  char            *startup_id;
  char            *launch_token;     /* this process's own, from its launcher */
  char            *launch_startup_id;
  char            *executable;       /* this program, as it was at start */

  LwHistory       *history;
  gboolean         told_history_problem;
  LwMonitor       *monitor;
  LwDBusMonitor1  *skeleton;         /* exported while registered on the bus */
  LwBrowserTest   *browser_test;     /* the open test page, or NULL */
  char            *browser_test_id;  /* the desktop entry it was opened for */
  gboolean         browser_test_tell; /* its result is told in a notification */
};

void lw_application_add_actions           (LwApplication *self);
const char *lw_application_open_browser_test (LwApplication *self,
                                           const char    *desktop_id,
                                           gboolean       tell,
                                           GError       **error);
void lw_application_show_start_at_login   (LwApplication *self,
                                           gboolean       enabled);
void lw_application_apply_start_at_login  (LwApplication *self,
                                           gboolean       enabled);

G_END_DECLS
