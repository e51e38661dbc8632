/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The service's actions, which GApplication exports on the bus
 * (org.gtk.Actions at the application's object path) beside
 * io.github.leakwatch.Monitor1: the one place their names are written.
 * The service defines them; the tray and the window follow and activate
 * them (see docs/ARCHITECTURE.md). */

#define LW_ACTION_CHECK_NOW       "check-now"
#define LW_ACTION_SHOW_REPORT     "show-report"
#define LW_ACTION_QUIT            "quit"
/* Parameter "s": opens the test page ("Test in my browser") in that
 * desktop entry's browser, "" for the default one. */
#define LW_ACTION_TEST_BROWSER    "test-browser"
/* State "s": "checking" while a check runs, else the latest status. */
#define LW_ACTION_STATUS          "status"
/* State "b": whether the service starts at login. */
#define LW_ACTION_START_AT_LOGIN  "start-at-login"
