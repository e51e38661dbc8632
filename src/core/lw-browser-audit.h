/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lw-analyzer.h"
#include "lw-browsers.h"

G_BEGIN_DECLS

/* The browser audit: which browsers are on this machine, where their
 * profiles are, and each profile's effective WebRTC setting with where it
 * came from (docs/DOMAIN.md, "Browser settings"; docs/ARCHITECTURE.md,
 * "Browser files"). It reads other programs' files and never writes them.
 * GIO only: it runs in the service, off the main thread. */

typedef enum
{
  LW_ENGINE_CHROMIUM,
  LW_ENGINE_GECKO,
  LW_ENGINE_WEBKIT,
} LwEngine;

typedef enum
{
  LW_PACKAGING_NATIVE,
  LW_PACKAGING_FLATPAK,
  LW_PACKAGING_SNAP,
  LW_PACKAGING_TARBALL,
} LwPackaging;

/* One browser profile, as the audit found it. */
typedef struct
{
  char            *browser;      /* "firefox", "firefox-esr", "chromium", "brave", … */
  char            *name;         /* "Firefox ESR", for people */
  LwEngine         engine;
  LwPackaging      packaging;
  char            *desktop_id;   /* its desktop file, for the icon; NULL when none */
  char            *profile;      /* "default-release", "Default"; NULL: no profile yet */
  char            *path;         /* the profile's folder (or where one would be) */
  char            *setting;      /* the effective value, in the browser's own words */
  char            *source;       /* where that value came from, for people */
  char            *unverified;   /* why it could not be read: the engine's defaults stand in */
  char            *label;        /* "Firefox (profile default-release)" */
  LwBrowserProfile modes;        /* what pages see; modes.name is label */
  gboolean         stand_in;     /* not found: its defaults stand in for the browsers there may be */
  gboolean         running;      /* a Firefox runs with this profile now */
  char            *pending;      /* a change it reads only when restarted, or NULL */
  int              fix;          /* LwFirefoxFix: Leakwatch's own change in its user.js */
} LwBrowserSetup;

/* What one browser profile exposes on the network a report describes. */
typedef struct
{
  LwBrowserSetup *setup;
  LwStatus        status;
  GPtrArray      *every_page;    /* (element-type utf8): what any page sees */
  GPtrArray      *camera_pages;  /* what pages with camera permission see besides */
} LwBrowserVerdict;

/* Where the audit looks. Any field left NULL is this session's own
 * (the home folder, the XDG folders, "/"); tests point them at a made-up
 * home and root. */
typedef struct
{
  const char         *home;
  const char         *config_home;
  const char         *data_home;
  const char         *root;        /* prefixed to /etc, /usr, /opt and /var */
  const char * const *data_dirs;   /* where desktop files are looked up */
} LwAuditPlaces;

void        lw_browser_setup_free      (LwBrowserSetup      *self);
LwBrowserSetup *lw_browser_setup_copy  (const LwBrowserSetup *self);
void        lw_browser_setup_set_label (LwBrowserSetup      *self);
void        lw_browser_verdict_free    (LwBrowserVerdict    *self);
GPtrArray  *lw_browser_audit_stand_ins (void);
GPtrArray  *lw_browser_audit           (const LwAuditPlaces *places);
GPtrArray  *lw_browser_audit_folders   (const LwAuditPlaces *places,
                                        GPtrArray           *setups);
gboolean    lw_browser_audit_reads     (const char          *name);
void        lw_browser_audit_async     (const LwAuditPlaces *places,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             data);
GPtrArray  *lw_browser_audit_finish    (GAsyncResult        *result,
                                        GError             **error);
LwBrowsers  lw_browser_audit_families  (GPtrArray           *setups);
char       *lw_browser_setup_fix_steps (const LwBrowserSetup  *s,
                                        gboolean               hide_is_enough,
                                        char                 **command);
GArray     *lw_browser_audit_profiles  (GPtrArray           *setups);

const char *lw_engine_to_string        (LwEngine             engine);
gboolean    lw_engine_from_string      (const char          *str,
                                        LwEngine            *engine);
const char *lw_packaging_to_string     (LwPackaging          packaging);
gboolean    lw_packaging_from_string   (const char          *str,
                                        LwPackaging         *packaging);
const char *lw_webrtc_mode_to_string   (LwWebrtcMode         mode);
gboolean    lw_webrtc_mode_from_string (const char          *str,
                                        LwWebrtcMode        *mode);

GPtrArray  *lw_analyzer_browser_verdicts (const LwEvidence        *evidence,
                                         const LwAnalyzerOptions *options,
                                         GPtrArray               *setups);

/* What @setting (a Chromium WebRtcIPHandling value, or "off" and the like
 * for Gecko) means for the two kinds of page; FALSE for a value the
 * engine does not know. */
gboolean    lw_chromium_handling_modes (const char          *handling,
                                        LwBrowserProfile    *modes);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwBrowserSetup, lw_browser_setup_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwBrowserVerdict, lw_browser_verdict_free)

G_END_DECLS
