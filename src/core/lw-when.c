/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lw-when"

#include "config.h"

#include <glib/gi18n.h>

#include "lw-when.h"

/* When something happened, said the same way by the window, the tray and
 * the command line: the time of day for today, "yesterday" for yesterday,
 * else the date, with the year only when it is not this year. Nothing here
 * reads the clock: the caller gives "now", so every case can be tested on
 * any day. GLib only, so the tray links it without the engine. */

typedef enum
{
  DAY_TODAY,
  DAY_YESTERDAY,
  DAY_THIS_YEAR,
  DAY_OTHER_YEAR,
} Day;

/* Both in the local time zone. A time after now (a clock set back since)
 * on today's date is still today; one on a later date is named in full. */
static Day
which_day (GDateTime *local,
           GDateTime *now)
{
  g_autoptr(GDateTime) yesterday = g_date_time_add_days (now, -1);
  int y, m, d;

  g_date_time_get_ymd (local, &y, &m, &d);
  if (y == g_date_time_get_year (now) &&
      m == g_date_time_get_month (now) &&
      d == g_date_time_get_day_of_month (now))
    return DAY_TODAY;
  if (y == g_date_time_get_year (yesterday) &&
      m == g_date_time_get_month (yesterday) &&
      d == g_date_time_get_day_of_month (yesterday))
    return DAY_YESTERDAY;
  return y == g_date_time_get_year (now) ? DAY_THIS_YEAR : DAY_OTHER_YEAR;
}

/* @time in the zone of @now, and which day that is, seen from @now. */
static GDateTime *
localize (GDateTime *time,
          GDateTime *now,
          Day       *day)
{
  GDateTime *local = g_date_time_to_timezone (time, g_date_time_get_timezone (now));

  *day = which_day (local, now);
  return local;
}

static char *
format_clock (GDateTime *local)
{
  /* Translators: a time of day, as in "Last checked at 13:00"; see
   * g_date_time_format() for the codes. */
  return g_date_time_format (local, _("%H:%M"));
}

static char *
format_date (GDateTime *local,
             Day        day)
{
  if (day == DAY_THIS_YEAR)
    /* Translators: a day of this year and a time, as in "Last checked on
     * 21 November at 13:00"; see g_date_time_format() for the codes. */
    return g_date_time_format (local, _("%-d %B at %H:%M"));
  /* Translators: a day of another year and a time, as in "Last checked on
   * 21 November 2025 at 13:00"; see g_date_time_format() for the codes. */
  return g_date_time_format (local, _("%-d %B %Y at %H:%M"));
}

/**
 * lw_when_last_checked:
 * @time: when the check ran
 * @now: the time now, in the time zone to speak in
 *
 * Returns: (transfer full): "Last checked at 13:00", "Last checked
 *   yesterday at 13:00" or "Last checked on 21 November at 13:00"
 */
char *
lw_when_last_checked (GDateTime *time,
                      GDateTime *now)
{
  g_autofree char *when = lw_when_phrase (time, now);

  g_return_val_if_fail (when != NULL, NULL);
  /* Translators: %s is when, such as "at 13:00", "yesterday at 13:00" or
   * "on 21 November at 13:00" */
  return g_strdup_printf (_("Last checked %s"), when);
}

/**
 * lw_when_short:
 * @time: when something happened
 * @now: the time now, in the time zone to speak in
 *
 * For lists of events, such as the history: the same rule as
 * lw_when_last_checked(), without the sentence around it.
 *
 * Returns: (transfer full): "13:00", "Yesterday at 13:00" or
 *   "21 November at 13:00"
 */
char *
lw_when_short (GDateTime *time,
               GDateTime *now)
{
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *text = NULL;
  Day day;

  g_return_val_if_fail (time != NULL && now != NULL, NULL);

  local = localize (time, now, &day);
  switch (day)
    {
    case DAY_TODAY:
      return format_clock (local);
    case DAY_YESTERDAY:
      text = format_clock (local);
      /* Translators: %s is a time of day, such as 13:00. */
      return g_strdup_printf (_("Yesterday at %s"), text);
    case DAY_THIS_YEAR:
    case DAY_OTHER_YEAR:
    default:
      return format_date (local, day);
    }
}

/**
 * lw_when_phrase:
 * @time: when something happened
 * @now: the time now, in the time zone to speak in
 *
 * The same rule as lw_when_last_checked(), as a phrase for a sentence of
 * the caller's, such as "Confirmed in Firefox %s".
 *
 * Returns: (transfer full): "at 13:00", "yesterday at 13:00" or "on 21
 *   November at 13:00"
 */
char *
lw_when_phrase (GDateTime *time,
                GDateTime *now)
{
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *text = NULL;
  Day day;

  g_return_val_if_fail (time != NULL && now != NULL, NULL);

  local = localize (time, now, &day);
  switch (day)
    {
    case DAY_TODAY:
      text = format_clock (local);
      /* Translators: %s is a time of day, such as 13:00; the phrase ends
       * sentences such as "Confirmed in Firefox at 13:00". */
      return g_strdup_printf (_("at %s"), text);
    case DAY_YESTERDAY:
      text = format_clock (local);
      /* Translators: %s is a time of day, such as 13:00; the phrase ends
       * sentences such as "Confirmed in Firefox yesterday at 13:00". */
      return g_strdup_printf (_("yesterday at %s"), text);
    case DAY_THIS_YEAR:
    case DAY_OTHER_YEAR:
    default:
      text = format_date (local, day);
      /* Translators: %s is a day and a time, such as "21 November at
       * 13:00"; the phrase ends sentences such as "Confirmed in Firefox
       * on 21 November at 13:00". */
      return g_strdup_printf (C_("a day", "on %s"), text);
    }
}

/**
 * lw_when_seconds_to_midnight:
 * @now: the time now, in the time zone to speak in
 *
 * What lw_when_last_checked() says changes only at midnight, when today
 * becomes yesterday: a text on show is to be said again then.
 *
 * Returns: the whole seconds until the next local midnight, at least 1
 */
guint
lw_when_seconds_to_midnight (GDateTime *now)
{
  g_autoptr(GDateTime) tomorrow = NULL;
  g_autoptr(GDateTime) midnight = NULL;
  GTimeSpan span;

  g_return_val_if_fail (now != NULL, 1);

  tomorrow = g_date_time_add_days (now, 1);
  midnight = g_date_time_new (g_date_time_get_timezone (now),
                              g_date_time_get_year (tomorrow),
                              g_date_time_get_month (tomorrow),
                              g_date_time_get_day_of_month (tomorrow), 0, 0, 0);
  if (midnight == NULL)
    return 60 * 60;
  span = g_date_time_difference (midnight, now);
  return (guint) CLAMP ((span + G_TIME_SPAN_SECOND - 1) / G_TIME_SPAN_SECOND, 1, 25 * 60 * 60);
}
