/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "lw-when.h"

/* How the window, the tray and the command line say when a check ran.
 * "Now" is given, never read: every case holds on any day the suite runs. */

/* India's zone: half an hour off UTC, so 07:30 UTC is 13:00 here. */
#define ZONE "+05:30"

static GDateTime *
at (const char *zone,
    int year, int month, int day, int hour, int minute, int second)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier (zone);

  g_assert_nonnull (tz);
  return g_date_time_new (tz, year, month, day, hour, minute, second);
}

/* 2026-11-21 07:30 UTC: 13:00 on the 21st here. */
static GDateTime *
the_check (void)
{
  return at ("UTC", 2026, 11, 21, 7, 30, 0);
}

static void
assert_says (GDateTime  *time,
             GDateTime  *now,
             const char *sentence,
             const char *in_a_list)
{
  g_autofree char *said = lw_when_last_checked (time, now);
  g_autofree char *listed = lw_when_short (time, now);
  g_autofree char *phrase = lw_when_phrase (time, now);
  /* The phrase is the sentence's own words, after its first two. */
  const char *tail = strstr (sentence, "checked ") + strlen ("checked ");

  g_assert_cmpstr (said, ==, sentence);
  g_assert_cmpstr (listed, ==, in_a_list);
  g_assert_cmpstr (phrase, ==, tail);
}

static void
test_today (void)
{
  g_autoptr(GDateTime) check = the_check ();
  g_autoptr(GDateTime) evening = at (ZONE, 2026, 11, 21, 23, 59, 59);
  g_autoptr(GDateTime) same_minute = at (ZONE, 2026, 11, 21, 13, 0, 0);
  /* A clock set back since the check: still today, no nonsense. */
  g_autoptr(GDateTime) before = at (ZONE, 2026, 11, 21, 0, 0, 0);

  assert_says (check, evening, "Last checked at 13:00", "13:00");
  assert_says (check, same_minute, "Last checked at 13:00", "13:00");
  assert_says (check, before, "Last checked at 13:00", "13:00");
}

static void
test_yesterday (void)
{
  g_autoptr(GDateTime) check = the_check ();
  g_autoptr(GDateTime) just_after_midnight = at (ZONE, 2026, 11, 22, 0, 0, 0);
  g_autoptr(GDateTime) late = at (ZONE, 2026, 11, 22, 23, 59, 59);

  assert_says (check, just_after_midnight, "Last checked yesterday at 13:00", "Yesterday at 13:00");
  assert_says (check, late, "Last checked yesterday at 13:00", "Yesterday at 13:00");
}

static void
test_earlier_this_year (void)
{
  g_autoptr(GDateTime) check = the_check ();
  g_autoptr(GDateTime) two_days = at (ZONE, 2026, 11, 23, 0, 0, 0);
  g_autoptr(GDateTime) new_years_eve = at (ZONE, 2026, 12, 31, 23, 59, 59);

  assert_says (check, two_days, "Last checked on 21 November at 13:00", "21 November at 13:00");
  assert_says (check, new_years_eve, "Last checked on 21 November at 13:00", "21 November at 13:00");
}

static void
test_other_year (void)
{
  g_autoptr(GDateTime) check = the_check ();
  g_autoptr(GDateTime) new_year = at (ZONE, 2027, 1, 1, 0, 0, 0);
  g_autoptr(GDateTime) old_year = at (ZONE, 2025, 6, 1, 12, 0, 0);

  assert_says (check, new_year, "Last checked on 21 November 2026 at 13:00",
               "21 November 2026 at 13:00");
  /* A check dated after now (a clock set back by a year) is named in full. */
  assert_says (check, old_year, "Last checked on 21 November 2026 at 13:00",
               "21 November 2026 at 13:00");
}

/* Yesterday across the turn of the year, and the day is the local one:
 * 20:00 UTC on the 31st is already 01:30 on 1 January here. */
static void
test_local_day_across_the_year (void)
{
  g_autoptr(GDateTime) eve = at ("UTC", 2026, 12, 31, 18, 28, 0);
  g_autoptr(GDateTime) after = at ("UTC", 2026, 12, 31, 20, 0, 0);
  g_autoptr(GDateTime) now = at (ZONE, 2027, 1, 1, 9, 0, 0);
  g_autoptr(GDateTime) now_utc = at ("UTC", 2027, 1, 1, 9, 0, 0);

  assert_says (eve, now, "Last checked yesterday at 23:58", "Yesterday at 23:58");
  assert_says (after, now, "Last checked at 01:30", "01:30");
  /* The same moments, said in UTC: both yesterday. */
  assert_says (after, now_utc, "Last checked yesterday at 20:00", "Yesterday at 20:00");
}

/* The text on show is said again at midnight, in the local zone, on days
 * of 23 and 25 hours too. */
static void
test_seconds_to_midnight (void)
{
  static const char berlin[] = "CET-1CEST,M3.5.0,M10.5.0/3";
  g_autoptr(GDateTime) late = at (ZONE, 2026, 12, 31, 23, 58, 0);
  g_autoptr(GDateTime) midnight = at (ZONE, 2027, 1, 1, 0, 0, 0);
  g_autoptr(GDateTime) fraction = g_date_time_add (late, 500 * G_TIME_SPAN_MILLISECOND);
  g_autoptr(GDateTime) spring = at (berlin, 2026, 3, 29, 0, 0, 0);
  g_autoptr(GDateTime) autumn = at (berlin, 2026, 10, 25, 0, 0, 0);

  g_assert_cmpuint (lw_when_seconds_to_midnight (late), ==, 120);
  g_assert_cmpuint (lw_when_seconds_to_midnight (fraction), ==, 120);
  g_assert_cmpuint (lw_when_seconds_to_midnight (midnight), ==, 24 * 60 * 60);
  g_assert_cmpuint (lw_when_seconds_to_midnight (spring), ==, 23 * 60 * 60);
  g_assert_cmpuint (lw_when_seconds_to_midnight (autumn), ==, 25 * 60 * 60);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/when/today", test_today);
  g_test_add_func ("/when/yesterday", test_yesterday);
  g_test_add_func ("/when/earlier-this-year", test_earlier_this_year);
  g_test_add_func ("/when/other-year", test_other_year);
  g_test_add_func ("/when/local-day-across-the-year", test_local_day_across_the_year);
  g_test_add_func ("/when/seconds-to-midnight", test_seconds_to_midnight);

  return g_test_run ();
}
