/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "lw-check.h"
#include "lw-preferences-window.h"
#include "lw-report-util.h"

/* Leakwatch's settings (the GSettings schema io.github.leakwatch.Leakwatch).
 * The service watches every key and applies a change at once. Server lists
 * are checked with the same rules as the service's (lw_check_options_validate)
 * and are never saved while they do not pass. */

struct _LwPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  AdwComboRow          *interval_row;
  GtkSwitch            *start_switch;
  GtkSwitch            *notify_switch;
  AdwActionRow         *warnings_row;
  GtkSwitch            *warnings_switch;
  AdwActionRow         *vpn_down_row;
  GtkSwitch            *vpn_down_switch;
  AdwEntryRow          *stun_row;
  AdwEntryRow          *urls_row;

  GSettings            *settings;
  GArray               *intervals;   /* guint seconds, one per item of interval_row */
  gboolean              updating;
};

G_DEFINE_FINAL_TYPE (LwPreferencesWindow, lw_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const guint interval_choices[] = { 60, 120, 300, 600, 900, 1800, 3600 };

/* --- the interval --------------------------------------------------------- */

static char *
interval_text (guint seconds)
{
  if (seconds % 3600 == 0)
    return g_strdup_printf (ngettext ("%u hour", "%u hours", seconds / 3600), seconds / 3600);
  if (seconds % 60 == 0)
    return g_strdup_printf (ngettext ("%u minute", "%u minutes", seconds / 60), seconds / 60);
  return g_strdup_printf (ngettext ("%u second", "%u seconds", seconds), seconds);
}

/* The choices, plus the current value where it is not one of them (set
 * with gsettings, say), so the row never shows what is not so. */
static void
update_interval (LwPreferencesWindow *self)
{
  guint current = g_settings_get_uint (self->settings, "check-interval");
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  gboolean added = FALSE;
  guint selected = 0;

  g_array_set_size (self->intervals, 0);
  for (guint i = 0; i <= G_N_ELEMENTS (interval_choices); i++)
    {
      guint value;

      if (!added && (i == G_N_ELEMENTS (interval_choices) || current <= interval_choices[i]))
        {
          selected = self->intervals->len;
          added = TRUE;
          if (i == G_N_ELEMENTS (interval_choices) || current != interval_choices[i])
            {
              g_autofree char *text = interval_text (current);

              g_array_append_val (self->intervals, current);
              gtk_string_list_append (model, text);
            }
        }
      if (i < G_N_ELEMENTS (interval_choices))
        {
          g_autofree char *text = interval_text (interval_choices[i]);

          value = interval_choices[i];
          g_array_append_val (self->intervals, value);
          gtk_string_list_append (model, text);
        }
    }

  self->updating = TRUE;
  adw_combo_row_set_model (self->interval_row, G_LIST_MODEL (model));
  adw_combo_row_set_selected (self->interval_row, selected);
  self->updating = FALSE;
}

static void
on_interval_selected (AdwComboRow         *row,
                      GParamSpec          *pspec,
                      LwPreferencesWindow *self)
{
  guint selected = adw_combo_row_get_selected (row);

  if (self->updating || self->settings == NULL || selected >= self->intervals->len)
    return;
  g_settings_set_uint (self->settings, "check-interval",
                       g_array_index (self->intervals, guint, selected));
}

/* --- the server lists ----------------------------------------------------- */

static GStrv
split_list (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (*parts[i] != '\0')
        g_strv_builder_add (builder, parts[i]);
    }
  return g_strv_builder_end (builder);
}

static void
show_list (AdwEntryRow *row,
           GSettings   *settings,
           const char  *key)
{
  g_auto(GStrv) values = g_settings_get_strv (settings, key);
  g_autofree char *text = g_strjoinv (", ", values);
  g_auto(GStrv) shown = split_list (gtk_editable_get_text (GTK_EDITABLE (row)));

  /* Leave the text alone when it already says the same. Setting it would
   * show the Apply button (libadwaita 1.2) as if the user had typed. */
  if (!g_strv_equal ((const char * const *) shown, (const char * const *) values))
    {
      adw_entry_row_set_show_apply_button (row, FALSE);
      gtk_editable_set_text (GTK_EDITABLE (row), text);
      adw_entry_row_set_show_apply_button (row, TRUE);
    }
}

static void
on_settings_changed (GSettings           *settings,
                     const char          *key,
                     LwPreferencesWindow *self)
{
  if (g_str_equal (key, "check-interval"))
    update_interval (self);
  else if (g_str_equal (key, "stun-servers"))
    show_list (self->stun_row, settings, key);
  else if (g_str_equal (key, "ip-urls"))
    show_list (self->urls_row, settings, key);
}

static void
save_list (LwPreferencesWindow *self,
           AdwEntryRow         *row,
           const char          *key)
{
  g_auto(GStrv) values = split_list (gtk_editable_get_text (GTK_EDITABLE (row)));
  g_autoptr(LwCheckOptions) options = lw_check_options_new ();
  g_autoptr(GError) error = NULL;
  GStrv *field = g_str_equal (key, "stun-servers") ? &options->stun_servers : &options->ip_urls;

  if (self->settings == NULL)
    return;

  /* Empty means the built-in servers, which always pass. */
  if (values[0] != NULL)
    {
      g_strfreev (*field);
      *field = g_strdupv (values);
    }
  if (!lw_check_options_validate (options, &error))
    {
      g_autoptr(AdwToast) toast = lw_toast_new_text (error->message);

      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID,
                                   GTK_ACCESSIBLE_INVALID_TRUE, -1);
      adw_toast_set_timeout (toast, 6);
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), g_object_ref (toast));
      return;
    }

  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  gtk_accessible_reset_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID);
  g_settings_set_strv (self->settings, key, (const char * const *) values);
}

static void
on_stun_apply (AdwEntryRow         *row,
               LwPreferencesWindow *self)
{
  save_list (self, row, "stun-servers");
}

static void
on_urls_apply (AdwEntryRow         *row,
               LwPreferencesWindow *self)
{
  save_list (self, row, "ip-urls");
}

static void
on_entry_changed (AdwEntryRow         *row,
                  LwPreferencesWindow *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  gtk_accessible_reset_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID);
}

/* --- the object ----------------------------------------------------------- */

static void
lw_preferences_window_constructed (GObject *object)
{
  LwPreferencesWindow *self = LW_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (lw_preferences_window_parent_class)->constructed (object);

  update_interval (self);
  show_list (self->stun_row, self->settings, "stun-servers");
  show_list (self->urls_row, self->settings, "ip-urls");
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_settings_changed), self, 0);
  g_signal_connect (self->interval_row, "notify::selected",
                    G_CALLBACK (on_interval_selected), self);

  g_settings_bind (self->settings, "start-at-login", self->start_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "notify", self->notify_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "notify-warnings", self->warnings_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "notify", self->warnings_row, "sensitive",
                   G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "notify-vpn-down", self->vpn_down_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "notify", self->vpn_down_row, "sensitive",
                   G_SETTINGS_BIND_GET);
}

static void
lw_preferences_window_dispose (GObject *object)
{
  LwPreferencesWindow *self = LW_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (lw_preferences_window_parent_class)->dispose (object);
}

static void
lw_preferences_window_finalize (GObject *object)
{
  LwPreferencesWindow *self = LW_PREFERENCES_WINDOW (object);

  g_clear_pointer (&self->intervals, g_array_unref);

  G_OBJECT_CLASS (lw_preferences_window_parent_class)->finalize (object);
}

static void
lw_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  LwPreferencesWindow *self = LW_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lw_preferences_window_class_init (LwPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = lw_preferences_window_constructed;
  object_class->dispose = lw_preferences_window_dispose;
  object_class->finalize = lw_preferences_window_finalize;
  object_class->set_property = lw_preferences_window_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               LW_RESOURCE ("lw-preferences-window.ui"));
  gtk_widget_class_bind_template_child (widget_class, LwPreferencesWindow, interval_row);
  gtk_widget_class_bind_template_child (widget_class, LwPreferencesWindow, start_switch);
  gtk_widget_class_bind_template_child (widget_class, LwPreferencesWindow, notify_switch);
  gtk_widget_class_bind_template_child (widget_class, LwPreferencesWindow, warnings_row);
  gtk_widget_class_bind_template_child (widget_class, LwPreferencesWindow, warnings_switch);
  gtk_widget_class_bind_template_child (widget_class, LwPreferencesWindow, vpn_down_row);
  gtk_widget_class_bind_template_child (widget_class, LwPreferencesWindow, vpn_down_switch);
  gtk_widget_class_bind_template_child (widget_class, LwPreferencesWindow, stun_row);
  gtk_widget_class_bind_template_child (widget_class, LwPreferencesWindow, urls_row);
  gtk_widget_class_bind_template_callback (widget_class, on_stun_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_urls_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_changed);
}

static void
lw_preferences_window_init (LwPreferencesWindow *self)
{
  self->intervals = g_array_new (FALSE, FALSE, sizeof (guint));

  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * lw_preferences_window_new:
 * @settings: Leakwatch's settings
 *
 * Returns: (transfer none): the preferences window, which GTK owns until it is closed
 */
GtkWidget *
lw_preferences_window_new (GSettings *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (LW_TYPE_PREFERENCES_WINDOW, "settings", settings, NULL);
}
