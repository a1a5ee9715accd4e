/* nm_editor.h - libnm-vpn-plugin-sstp.so, the editor plugin NetworkManager's clients load for
 * sstp connections (nmcli's import). It has no GTK editor: only import. */
#ifndef SSTP_NM_EDITOR_H
#define SSTP_NM_EDITOR_H

#include <NetworkManager.h>

/* An Azure VPN client package (zip) as a new sstp connection, or NULL with err set. */
NMConnection *nm_sstp_import_package(const char *path, GError **err);

#endif
