/* nm_service.c - nm-sstp-service: the NetworkManager VPN service plugin (libnm's
 * NMVpnServicePlugin does the D-Bus side). Connect forks a child that runs the session
 * (nm_child.c); its report becomes SetConfig/SetIp4Config/SetIp6Config; its exit code becomes
 * NetworkManager's failure reason; Disconnect stops it (SIGTERM: clean SSTP/PPP teardown). */
#include "nm_sstp.h"

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "exit_codes.h"
#include "log.h"
#include "plat_proc.h"

#define STOP_WAIT_MS 5000

typedef struct {
	NMVpnServicePlugin parent;
	struct nm_sstp_opts opts;
	struct nm_sstp_child child;
	struct nm_sstp_report rep;
	int pid;              /* 0: no session */
	guint child_watch, io_watch;
	GIOChannel *ch;
	gboolean configured;
} NmSstpPlugin;

typedef struct {
	NMVpnServicePluginClass parent;
} NmSstpPluginClass;

GType nm_sstp_plugin_get_type(void);
G_DEFINE_TYPE(NmSstpPlugin, nm_sstp_plugin, NM_TYPE_VPN_SERVICE_PLUGIN)
#define NM_SSTP_PLUGIN(o) (G_TYPE_CHECK_INSTANCE_CAST((o), nm_sstp_plugin_get_type(), NmSstpPlugin))

static void drop_report(NmSstpPlugin *self)
{
	if (self->io_watch)
		g_source_remove(self->io_watch);
	self->io_watch = 0;
	if (self->ch)
		g_io_channel_unref(self->ch);
	self->ch = NULL;
}

/* End the session and wait for it (bounded): SIGTERM, then SIGKILL after STOP_WAIT_MS. */
static void stop_child(NmSstpPlugin *self)
{
	int code = 0;

	drop_report(self);
	if (self->child_watch)
		g_source_remove(self->child_watch);
	self->child_watch = 0;
	if (self->pid > 0) {
		plat_terminate(self->pid, false);
		for (int waited = 0; plat_reap(self->pid, &code) == 0; waited += 20) {
			if (waited == STOP_WAIT_MS) {
				sstp_warn("the session did not stop in %d ms: killing it", STOP_WAIT_MS);
				plat_terminate(self->pid, true);
			}
			g_usleep(20000);
		}
	}
	self->pid = 0;
	self->configured = FALSE;
	nm_sstp_opts_clear(&self->opts);
}

static void send_config(NmSstpPlugin *self)
{
	NMVpnServicePlugin *p = NM_VPN_SERVICE_PLUGIN(self);
	GVariant *ip4 = nm_sstp_report_ip4(&self->rep, &self->opts);
	GVariant *ip6 = nm_sstp_report_ip6(&self->rep, &self->opts);

	sstp_info("tunnel up on %s", self->rep.ifname);
	nm_vpn_service_plugin_set_config(p, nm_sstp_report_config(&self->rep));
	if (ip4)
		nm_vpn_service_plugin_set_ip4_config(p, ip4);
	if (ip6)
		nm_vpn_service_plugin_set_ip6_config(p, ip6);
	self->configured = TRUE;
}

static gboolean on_report(GIOChannel *ch, GIOCondition cond, gpointer data)
{
	NmSstpPlugin *self = data;
	gchar *line = NULL;
	gsize len = 0, term = 0;
	GIOStatus st;

	(void)cond;
	while ((st = g_io_channel_read_line(ch, &line, &len, &term, NULL)) == G_IO_STATUS_NORMAL) {
		if (term < len)
			line[term] = '\0';
		if (nm_sstp_report_line(&self->rep, line) < 0) {
			sstp_err("bad report line from the session: %.60s", line);
			g_free(line);
			plat_terminate(self->pid, false);
			self->io_watch = 0;
			return G_SOURCE_REMOVE;
		}
		g_free(line);
		if (self->rep.up && !self->configured)
			send_config(self);
		if (!(g_io_channel_get_buffer_condition(ch) & G_IO_IN))
			break;
	}
	if (st == G_IO_STATUS_EOF || st == G_IO_STATUS_ERROR) {
		self->io_watch = 0;
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

static NMVpnPluginFailure failure_of(int code, gboolean was_up)
{
	if (code == SSTP_EXIT_AUTH)
		return NM_VPN_PLUGIN_FAILURE_LOGIN_FAILED;
	if (was_up && code != SSTP_EXIT_ERROR)
		return NM_VPN_PLUGIN_FAILURE_CONNECT_FAILED;
	return code == SSTP_EXIT_PROFILE ? NM_VPN_PLUGIN_FAILURE_BAD_IP_CONFIG
					 : NM_VPN_PLUGIN_FAILURE_CONNECT_FAILED;
}

/* The Failure signal alone. libnm's nm_vpn_service_plugin_failure() also disconnects, and a
 * disconnect while STARTING sends a second failure ("connect failed") that replaces the reason
 * in NetworkManager, so "login failed" would never reach the user. */
static void emit_failure(NmSstpPlugin *self, NMVpnPluginFailure reason)
{
	GDBusConnection *bus = nm_vpn_service_plugin_get_connection(NM_VPN_SERVICE_PLUGIN(self));

	if (bus) {
		g_dbus_connection_emit_signal(bus, NULL, NM_VPN_DBUS_PLUGIN_PATH,
					      NM_VPN_DBUS_PLUGIN_INTERFACE, "Failure",
					      g_variant_new("(u)", (guint32)reason), NULL);
		g_object_unref(bus);
	}
}

static void on_child_exit(GPid pid, gint status, gpointer data)
{
	NmSstpPlugin *self = data;
	GError *e = NULL;
	int code = 0;
	gboolean was_up = self->configured;

	if (!g_spawn_check_wait_status(status, &e)) {
		code = e->domain == G_SPAWN_EXIT_ERROR ? e->code : SSTP_EXIT_ERROR;
		g_clear_error(&e);
	}
	g_spawn_close_pid(pid);
	self->child_watch = 0;
	self->pid = 0;
	/* lines still in the pipe (the "up" just before a failure) are of no use now */
	drop_report(self);
	sstp_info("the session ended with exit code %d", code);
	if (code == 0 && was_up) {
		nm_vpn_service_plugin_disconnect(NM_VPN_SERVICE_PLUGIN(self), NULL);
		return;
	}
	emit_failure(self, failure_of(code, was_up));
	g_object_set(self, NM_VPN_SERVICE_PLUGIN_STATE, (guint)NM_VPN_SERVICE_STATE_STOPPED, NULL);
}

static gboolean start_child(NmSstpPlugin *self, GError **err)
{
	int fds[2], r;

	if (!g_unix_open_pipe(fds, FD_CLOEXEC, err))
		return FALSE;
	memset(&self->rep, 0, sizeof(self->rep));
	self->child.o = &self->opts;
	self->child.report_fd = fds[1];
	self->child.parent = plat_getpid();
	r = plat_fork_call(nm_sstp_child_main, &self->child, &self->pid);
	g_close(fds[1], NULL);
	if (r < 0) {
		g_close(fds[0], NULL);
		self->pid = 0;
		g_set_error(err, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_LAUNCH_FAILED,
			    "sstp: cannot start the session: %s", g_strerror(-r));
		return FALSE;
	}
	self->ch = g_io_channel_unix_new(fds[0]);
	g_io_channel_set_close_on_unref(self->ch, TRUE);
	g_io_channel_set_encoding(self->ch, NULL, NULL);
	self->io_watch = g_io_add_watch(self->ch, G_IO_IN | G_IO_HUP | G_IO_ERR, on_report, self);
	self->child_watch = g_child_watch_add(self->pid, on_child_exit, self);
	return TRUE;
}

static gboolean real_connect(NMVpnServicePlugin *plugin, NMConnection *conn, GError **err)
{
	NmSstpPlugin *self = NM_SSTP_PLUGIN(plugin);

	if (self->pid) {
		g_set_error(err, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_WRONG_STATE,
			    "sstp: a session is already running");
		return FALSE;
	}
	if (!nm_sstp_opts_read(conn, &self->opts, err)) {
		nm_sstp_opts_clear(&self->opts);
		return FALSE;
	}
	sstp_info("connecting to %s port %u", self->opts.server, (unsigned)self->opts.port);
	if (!start_child(self, err)) {
		nm_sstp_opts_clear(&self->opts);
		return FALSE;
	}
	/* the child has its own copy; the parent keeps no secret */
	if (self->opts.password)
		memset(self->opts.password, 0, strlen(self->opts.password));
	if (self->opts.cert_pass)
		memset(self->opts.cert_pass, 0, strlen(self->opts.cert_pass));
	return TRUE;
}

/* ConnectInteractive: a secret NeedSecrets did not get (a new prompt after a failed login, an
 * agent without the auth dialog) is asked for with a hint; NewSecrets then connects. */
static gboolean real_connect_interactive(NMVpnServicePlugin *plugin, NMConnection *conn,
					 GVariant *details, GError **err)
{
	NMSettingVpn *s = nm_connection_get_setting_vpn(conn);
	const char *missing = s ? nm_sstp_missing_secret(s) : NULL;

	(void)details;
	if (missing) {
		const char *hints[] = { missing, NULL };

		nm_vpn_service_plugin_secrets_required(plugin, "The SSTP VPN needs a password.",
						       hints);
		return TRUE;
	}
	return real_connect(plugin, conn, err);
}

static gboolean real_new_secrets(NMVpnServicePlugin *plugin, NMConnection *conn, GError **err)
{
	return real_connect(plugin, conn, err);
}

static gboolean real_need_secrets(NMVpnServicePlugin *plugin, NMConnection *conn,
				  const char **setting_name, GError **err)
{
	NMSettingVpn *s = nm_connection_get_setting_vpn(conn);

	(void)plugin;
	if (!s) {
		g_set_error(err, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_INVALID_CONNECTION,
			    "sstp: the connection has no vpn setting");
		return FALSE;
	}
	if (nm_sstp_missing_secret(s)) {
		*setting_name = NM_SETTING_VPN_SETTING_NAME;
		return TRUE;
	}
	return FALSE;
}

static gboolean real_disconnect(NMVpnServicePlugin *plugin, GError **err)
{
	(void)err;
	stop_child(NM_SSTP_PLUGIN(plugin));
	return TRUE;
}

static void nm_sstp_plugin_dispose(GObject *obj)
{
	stop_child(NM_SSTP_PLUGIN(obj));
	G_OBJECT_CLASS(nm_sstp_plugin_parent_class)->dispose(obj);
}

static void nm_sstp_plugin_init(NmSstpPlugin *self)
{
	(void)self;
}

static void nm_sstp_plugin_class_init(NmSstpPluginClass *klass)
{
	NMVpnServicePluginClass *parent = NM_VPN_SERVICE_PLUGIN_CLASS(klass);

	G_OBJECT_CLASS(klass)->dispose = nm_sstp_plugin_dispose;
	parent->connect = real_connect;
	parent->connect_interactive = real_connect_interactive;
	parent->new_secrets = real_new_secrets;
	parent->need_secrets = real_need_secrets;
	parent->disconnect = real_disconnect;
}

static gboolean on_signal(gpointer loop)
{
	g_main_loop_quit(loop);
	return G_SOURCE_CONTINUE;
}

static void on_quit(NMVpnServicePlugin *plugin, gpointer loop)
{
	(void)plugin;
	g_main_loop_quit(loop);
}

int main(int argc, char **argv)
{
	const char *bus_name = NM_SSTP_SERVICE;
	gboolean debug = FALSE;
	GError *err = NULL;
	NMVpnServicePlugin *plugin;
	GDBusConnection *bus;
	GMainLoop *loop;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--bus-name") == 0 && i + 1 < argc)
			bus_name = argv[++i];
		else if (strcmp(argv[i], "--debug") == 0)
			debug = TRUE;
	}
	sstp_log_init("nm-sstp-service", debug ? SSTP_LOG_DEBUG : SSTP_LOG_INFO,
		      SSTP_LOG_TO_STDERR);
	plugin = g_initable_new(nm_sstp_plugin_get_type(), NULL, &err,
				NM_VPN_SERVICE_PLUGIN_DBUS_SERVICE_NAME, bus_name,
				NM_VPN_SERVICE_PLUGIN_DBUS_WATCH_PEER, !debug, NULL);
	if (!plugin) {
		sstp_err("cannot start the plugin on %s: %s", bus_name, err ? err->message : "?");
		g_clear_error(&err);
		return 1;
	}
	loop = g_main_loop_new(NULL, FALSE);
	g_signal_connect(plugin, "quit", G_CALLBACK(on_quit), loop);
	g_unix_signal_add(SIGTERM, on_signal, loop);
	g_unix_signal_add(SIGINT, on_signal, loop);
	g_main_loop_run(loop);
	/* "quit" comes with the last StateChanged still queued: send it before leaving */
	bus = nm_vpn_service_plugin_get_connection(plugin);
	if (bus) {
		g_dbus_connection_flush_sync(bus, NULL, NULL);
		g_object_unref(bus);
	}
	g_object_unref(plugin);
	g_main_loop_unref(loop);
	return 0;
}
