/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lw-history"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "lw-history.h"

/* A recorded change of status, and its JSON: the one writer, which
 * `leakwatch --history --json` prints and the service's GetChanges
 * returns, and the one reader, for whoever receives that array. */

void
lw_status_change_free (LwStatusChange *self)
{
  if (self == NULL)
    return;
  g_free (self->headline);
  g_free (self->findings);
  g_free (self);
}

/**
 * lw_status_change_to_json:
 *
 * A change as `leakwatch --history --json` prints it, and the window's
 * History page reads it. Its text comes from a file that may have been
 * tampered with: the headline is made valid UTF-8, and findings that are
 * not a JSON array are null.
 *
 * Returns: (transfer full): {"time", "old", "new", "headline", "findings"}
 */
JsonNode *
lw_status_change_to_json (const LwStatusChange *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (self->time);
  g_autofree char *time_str = dt ? g_date_time_format_iso8601 (dt) : NULL;
  g_autofree char *headline = g_utf8_make_valid (self->headline ? self->headline : "", -1);
  JsonNode *findings = NULL;

  if (self->findings != NULL && g_utf8_validate (self->findings, -1, NULL))
    findings = json_from_string (self->findings, NULL);
  if (findings != NULL && !JSON_NODE_HOLDS_ARRAY (findings))
    g_clear_pointer (&findings, json_node_unref);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "time");
  if (time_str != NULL)
    json_builder_add_string_value (b, time_str);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "old");
  if (self->old_status == LW_STATUS_CHECKING)
    json_builder_add_null_value (b);
  else
    json_builder_add_string_value (b, lw_status_to_string (self->old_status));
  json_builder_set_member_name (b, "new");
  json_builder_add_string_value (b, lw_status_to_string (self->new_status));
  json_builder_set_member_name (b, "headline");
  json_builder_add_string_value (b, headline);
  json_builder_set_member_name (b, "findings");
  if (findings != NULL)
    json_builder_add_value (b, findings);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

/**
 * lw_status_changes_to_json:
 * @changes: (element-type LwStatusChange): as lw_history_get_changes()
 *   gives them, oldest first
 *
 * Returns: (transfer full): the array that `leakwatch --history --json`
 *   prints and the service's GetChanges returns, so the two cannot differ
 */
char *
lw_status_changes_to_json (GPtrArray *changes,
                           gboolean   pretty)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < changes->len; i++)
    json_array_add_element (array, lw_status_change_to_json (g_ptr_array_index (changes, i)));
  json_node_take_array (root, array);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, pretty);
  return json_generator_to_data (gen, NULL);
}

static gboolean
change_from_json (JsonNode        *node,
                  LwStatusChange **out)
{
  g_autoptr(GDateTime) time = NULL;
  JsonObject *o;
  JsonNode *findings;
  const char *old, *text;
  LwStatus new_status, old_status = LW_STATUS_CHECKING;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  o = json_node_get_object (node);
  text = json_object_get_string_member_with_default (o, "time", NULL);
  old = json_object_get_string_member_with_default (o, "old", NULL);
  if (text == NULL || (time = g_date_time_new_from_iso8601 (text, NULL)) == NULL ||
      !lw_status_from_string (json_object_get_string_member_with_default (o, "new", NULL), &new_status) ||
      (old != NULL && !lw_status_from_string (old, &old_status)))
    return FALSE;

  *out = g_new0 (LwStatusChange, 1);
  (*out)->time = g_date_time_to_unix (time);
  (*out)->old_status = old_status;
  (*out)->new_status = new_status;
  (*out)->headline = g_strdup (json_object_get_string_member_with_default (o, "headline", ""));
  findings = json_object_get_member (o, "findings");
  if (findings != NULL && JSON_NODE_HOLDS_ARRAY (findings))
    (*out)->findings = json_to_string (findings, FALSE);
  return TRUE;
}

/**
 * lw_status_changes_from_json:
 * @json: what lw_status_changes_to_json() wrote (GetChanges' answer)
 *
 * The reader of that array, for everyone who receives it: a change whose
 * time or status cannot be read makes the whole list unreadable, so no
 * view shows half of it as if it were all.
 *
 * Returns: (transfer full) (element-type LwStatusChange) (nullable): the
 *   changes, oldest first
 */
GPtrArray *
lw_status_changes_from_json (const char  *json,
                             GError     **error)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_status_change_free);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonArray *array;

  g_return_val_if_fail (json != NULL, NULL);

  if (!json_parser_load_from_data (parser, json, -1, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The list of changes is not a list"));
      return NULL;
    }
  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      LwStatusChange *change = NULL;

      if (!change_from_json (json_array_get_element (array, i), &change))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("Change %u of the list cannot be read"), i + 1);
          return NULL;
        }
      g_ptr_array_add (changes, change);
    }
  return g_steal_pointer (&changes);
}
