/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "lw-check.h"
#include "lw-preferences-window.h"
#include "lw-report-util.h"

/* Leakwatch's settings (the GSettings schema io.github.leakwatch.Leakwatch).
 * The service watches every key and applies a change at once. A server is
 * checked with the same rules as the service's (lw_check_options_validate)
 * before it is added, and is never saved while it does not pass. */

/* One server list (a key of type "as"): a row per server, then a field to
 * add one, then the error under that field. An empty key means the
 * built-in servers, which are shown as such, so that a user sees what is
 * used. */
typedef struct
{
  const char           *key;
  const char * const   *builtins;
  const char           *description;           /* with servers of one's own */
  const char           *builtin_description;   /* with the built-in ones */

  AdwPreferencesGroup  *group;
  GtkWidget            *builtin_button;
  AdwEntryRow          *add_row;
  GtkLabel             *error_label;

  GPtrArray            *rows;                  /* the servers' rows, in order */
  GStrv                 shown;                 /* the servers they show */
  gboolean              shown_builtin;
} LwServerList;

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
  LwServerList          stun;
  LwServerList          urls;

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

static void on_remove_clicked (GtkButton *button, LwPreferencesWindow *self);

static LwServerList *
list_of (LwPreferencesWindow *self,
         GtkWidget           *widget)
{
  if (widget == GTK_WIDGET (self->stun.add_row) || widget == self->stun.builtin_button ||
      gtk_widget_is_ancestor (widget, GTK_WIDGET (self->stun.group)))
    return &self->stun;
  return &self->urls;
}

static void
show_error (LwServerList *list,
            const char   *message)
{
  GtkWidget *row = GTK_WIDGET (list->add_row);

  gtk_label_set_text (list->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (list->error_label), message != NULL);
  /* A screen reader hears it on the field, which is where the user is. */
  if (message != NULL)
    {
      gtk_widget_add_css_class (row, "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID,
                                   GTK_ACCESSIBLE_INVALID_TRUE, -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      message, -1);
    }
  else
    {
      gtk_widget_remove_css_class (row, "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID);
      gtk_accessible_reset_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
    }
}

static GtkWidget *
server_row_new (LwPreferencesWindow *self,
                const char          *server,
                gboolean             builtin,
                guint                index)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button;
  g_autofree char *label = NULL;

  /* Exactly the key's text: never markup, which an & in a URL would break. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), server);
  if (builtin)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Built in"));
      return row;
    }

  button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("Remove"));
  /* Translators: the accessible name of a button; %s is a server, as HOST:PORT or a URL */
  label = g_strdup_printf (_("Remove “%s”"), server);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_object_set_data (G_OBJECT (button), "lw-index", GUINT_TO_POINTER (index));
  g_signal_connect (button, "clicked", G_CALLBACK (on_remove_clicked), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return row;
}

/* The rows, from the key; left alone when they already show it, so that
 * focus stays where it is. */
static void
show_servers (LwPreferencesWindow *self,
              LwServerList        *list)
{
  g_auto(GStrv) values = g_settings_get_strv (self->settings, list->key);
  gboolean builtin = values[0] == NULL;
  const char * const *servers = builtin ? list->builtins : (const char * const *) values;
  /* The field's list box, the group's own: a list box row's parent is
   * always one, and AdwPreferencesGroup (1.2) can only append. */
  GtkListBox *box = GTK_LIST_BOX (gtk_widget_get_parent (GTK_WIDGET (list->add_row)));

  if (list->shown != NULL && builtin == list->shown_builtin &&
      g_strv_equal ((const char * const *) list->shown, servers))
    return;

  for (guint i = 0; i < list->rows->len; i++)
    gtk_list_box_remove (box, g_ptr_array_index (list->rows, i));
  g_ptr_array_set_size (list->rows, 0);
  for (guint i = 0; servers[i] != NULL; i++)
    {
      GtkWidget *row = server_row_new (self, servers[i], builtin, i);

      gtk_list_box_insert (box, row, (int) i);
      g_ptr_array_add (list->rows, row);
    }

  g_strfreev (list->shown);
  list->shown = g_strdupv ((char **) servers);
  list->shown_builtin = builtin;
  adw_preferences_group_set_description (list->group,
                                         builtin ? list->builtin_description : list->description);
  gtk_widget_set_visible (list->builtin_button, !builtin);
}

static void
on_settings_changed (GSettings           *settings,
                     const char          *key,
                     LwPreferencesWindow *self)
{
  if (g_str_equal (key, "check-interval"))
    update_interval (self);
  else if (g_str_equal (key, self->stun.key))
    show_servers (self, &self->stun);
  else if (g_str_equal (key, self->urls.key))
    show_servers (self, &self->urls);
}

/* Saves @values, then shows them at once, whenever the settings backend
 * says they changed. */
static void
save_servers (LwPreferencesWindow *self,
              LwServerList        *list,
              const char * const  *values)
{
  g_settings_set_strv (self->settings, list->key, values);
  show_servers (self, list);
}

static void
on_add_apply (AdwEntryRow         *row,
              LwPreferencesWindow *self)
{
  LwServerList *list = list_of (self, GTK_WIDGET (row));
  /* Spaces around it are a paste's, never part of a server. */
  g_autofree char *server = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  g_auto(GStrv) values = g_settings_get_strv (self->settings, list->key);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(LwCheckOptions) options = lw_check_options_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) next = NULL;
  GStrv *field = list == &self->stun ? &options->stun_servers : &options->ip_urls;

  if (*server == '\0')
    {
      show_error (list, NULL);
      return;
    }
  if (g_strv_contains ((const char * const *) values, server))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is in the list already"), server);

      show_error (list, message);
      return;
    }

  /* The first server of one's own replaces the built-in ones. The whole
   * list is checked, as the service will check it: there is a most. */
  g_strv_builder_addv (builder, (const char **) values);
  g_strv_builder_add (builder, server);
  next = g_strv_builder_end (builder);
  g_strfreev (*field);
  *field = g_strdupv (next);
  if (!lw_check_options_validate (options, &error))
    {
      show_error (list, error->message);
      return;
    }

  /* Empty again without the Apply button, which (libadwaita 1.2) any
   * change of the text shows while the field has focus. */
  adw_entry_row_set_show_apply_button (row, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (row), "");
  adw_entry_row_set_show_apply_button (row, TRUE);
  show_error (list, NULL);
  save_servers (self, list, (const char * const *) next);
}

static void
on_add_changed (AdwEntryRow         *row,
                LwPreferencesWindow *self)
{
  show_error (list_of (self, GTK_WIDGET (row)), NULL);
}

static void
on_remove_clicked (GtkButton           *button,
                   LwPreferencesWindow *self)
{
  LwServerList *list = list_of (self, GTK_WIDGET (button));
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "lw-index"));
  g_auto(GStrv) values = g_strdupv (list->shown);
  guint n = g_strv_length (values);

  g_return_if_fail (!list->shown_builtin && index < n);

  /* Removing the last one goes back to the built-in servers. */
  g_free (values[index]);
  memmove (&values[index], &values[index + 1], (n - index) * sizeof (char *));
  save_servers (self, list, (const char * const *) values);

  /* The button is gone with its row: focus goes to the row that took its
   * place, else to the field. */
  if (!list->shown_builtin && index < list->rows->len)
    gtk_widget_grab_focus (g_ptr_array_index (list->rows, index));
  else if (!list->shown_builtin && list->rows->len > 0)
    gtk_widget_grab_focus (g_ptr_array_index (list->rows, list->rows->len - 1));
  else
    gtk_widget_grab_focus (GTK_WIDGET (list->add_row));
}

static void
on_builtin_clicked (GtkButton           *button,
                    LwPreferencesWindow *self)
{
  LwServerList *list = list_of (self, GTK_WIDGET (button));

  save_servers (self, list, NULL);
  /* The button hides itself: focus goes to the field. */
  gtk_widget_grab_focus (GTK_WIDGET (list->add_row));
}

static void
server_list_init (LwServerList       *list,
                  const char         *key,
                  const char * const *builtins,
                  const char         *description,
                  const char         *builtin_description)
{
  list->key = key;
  list->builtins = builtins;
  list->description = description;
  list->builtin_description = builtin_description;
  list->rows = g_ptr_array_new ();
}

static void
server_list_clear (LwServerList *list)
{
  g_clear_pointer (&list->rows, g_ptr_array_unref);
  g_clear_pointer (&list->shown, g_strfreev);
}

/* --- the object ----------------------------------------------------------- */

static void
lw_preferences_window_constructed (GObject *object)
{
  LwPreferencesWindow *self = LW_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (lw_preferences_window_parent_class)->constructed (object);

  update_interval (self);
  show_servers (self, &self->stun);
  show_servers (self, &self->urls);
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
  server_list_clear (&self->stun);
  server_list_clear (&self->urls);

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
  gtk_widget_class_bind_template_child_full (widget_class, "stun_group", FALSE,
                                             G_STRUCT_OFFSET (LwPreferencesWindow, stun.group));
  gtk_widget_class_bind_template_child_full (widget_class, "stun_builtin_button", FALSE,
                                             G_STRUCT_OFFSET (LwPreferencesWindow, stun.builtin_button));
  gtk_widget_class_bind_template_child_full (widget_class, "stun_add_row", FALSE,
                                             G_STRUCT_OFFSET (LwPreferencesWindow, stun.add_row));
  gtk_widget_class_bind_template_child_full (widget_class, "stun_error", FALSE,
                                             G_STRUCT_OFFSET (LwPreferencesWindow, stun.error_label));
  gtk_widget_class_bind_template_child_full (widget_class, "urls_group", FALSE,
                                             G_STRUCT_OFFSET (LwPreferencesWindow, urls.group));
  gtk_widget_class_bind_template_child_full (widget_class, "urls_builtin_button", FALSE,
                                             G_STRUCT_OFFSET (LwPreferencesWindow, urls.builtin_button));
  gtk_widget_class_bind_template_child_full (widget_class, "urls_add_row", FALSE,
                                             G_STRUCT_OFFSET (LwPreferencesWindow, urls.add_row));
  gtk_widget_class_bind_template_child_full (widget_class, "urls_error", FALSE,
                                             G_STRUCT_OFFSET (LwPreferencesWindow, urls.error_label));
  gtk_widget_class_bind_template_callback (widget_class, on_add_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_add_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_builtin_clicked);
}

static void
lw_preferences_window_init (LwPreferencesWindow *self)
{
  self->intervals = g_array_new (FALSE, FALSE, sizeof (guint));
  server_list_init (&self->stun, "stun-servers", lw_check_default_stun_servers (),
                    _("Each server learns your public address at every check."),
                    _("Each server learns your public address at every check. Until you add "
                      "your own, Leakwatch uses these built-in ones."));
  server_list_init (&self->urls, "ip-urls", lw_check_default_ip_urls (),
                    _("Each service learns your public address at every check."),
                    _("Each service learns your public address at every check. Until you add "
                      "your own, Leakwatch uses these built-in ones."));

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
