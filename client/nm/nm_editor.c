/* nm_editor.c - the NMVpnEditorPlugin of sstp (nm_vpn_editor_plugin_factory is what libnm looks
 * up in the library): name, description, service, and import. No editor widget: connections
 * are made with nmcli (vpn.data keys in nm_sstp.h) or imported from a package. */
#include "nm_editor.h"

#include "nm_sstp.h"

enum { PROP_0, PROP_NAME, PROP_DESC, PROP_SERVICE };

typedef struct {
	GObject parent;
} SstpEditorPlugin;

typedef struct {
	GObjectClass parent;
} SstpEditorPluginClass;

static void sstp_editor_iface_init(NMVpnEditorPluginInterface *iface);
GType sstp_editor_plugin_get_type(void);
G_DEFINE_TYPE_WITH_CODE(SstpEditorPlugin, sstp_editor_plugin, G_TYPE_OBJECT,
			G_IMPLEMENT_INTERFACE(NM_TYPE_VPN_EDITOR_PLUGIN, sstp_editor_iface_init))

static NMVpnEditor *get_editor(NMVpnEditorPlugin *plugin, NMConnection *conn, GError **err)
{
	(void)plugin;
	(void)conn;
	g_set_error(err, NM_CONNECTION_ERROR, NM_CONNECTION_ERROR_FAILED,
		    "sstp has no graphical editor: use nmcli (see the sstp README)");
	return NULL;
}

static NMVpnEditorPluginCapability get_capabilities(NMVpnEditorPlugin *plugin)
{
	(void)plugin;
	return NM_VPN_EDITOR_PLUGIN_CAPABILITY_IMPORT;
}

static NMConnection *import_from_file(NMVpnEditorPlugin *plugin, const char *path, GError **err)
{
	(void)plugin;
	return nm_sstp_import_package(path, err);
}

static void sstp_editor_iface_init(NMVpnEditorPluginInterface *iface)
{
	iface->get_editor = get_editor;
	iface->get_capabilities = get_capabilities;
	iface->import_from_file = import_from_file;
}

static void get_property(GObject *obj, guint id, GValue *value, GParamSpec *pspec)
{
	switch (id) {
	case PROP_NAME:
		g_value_set_string(value, "Secure Socket Tunneling Protocol (sstp)");
		break;
	case PROP_DESC:
		g_value_set_string(value, "SSTP without pppd: Windows, Azure and SoftEther gateways; "
				   "imports Azure VPN client packages.");
		break;
	case PROP_SERVICE:
		g_value_set_string(value, NM_SSTP_SERVICE);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, id, pspec);
		break;
	}
}

static void sstp_editor_plugin_init(SstpEditorPlugin *self)
{
	(void)self;
}

static void sstp_editor_plugin_class_init(SstpEditorPluginClass *klass)
{
	GObjectClass *oc = G_OBJECT_CLASS(klass);

	oc->get_property = get_property;
	g_object_class_override_property(oc, PROP_NAME, NM_VPN_EDITOR_PLUGIN_NAME);
	g_object_class_override_property(oc, PROP_DESC, NM_VPN_EDITOR_PLUGIN_DESCRIPTION);
	g_object_class_override_property(oc, PROP_SERVICE, NM_VPN_EDITOR_PLUGIN_SERVICE);
}

G_MODULE_EXPORT NMVpnEditorPlugin *nm_vpn_editor_plugin_factory(GError **error);

G_MODULE_EXPORT NMVpnEditorPlugin *nm_vpn_editor_plugin_factory(GError **error)
{
	(void)error;
	return g_object_new(sstp_editor_plugin_get_type(), NULL);
}
