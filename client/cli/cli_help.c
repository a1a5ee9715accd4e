/* cli_help.c - the usage text of `sstp` and of each subcommand (`sstp CMD --help`). The man page
 * doc/sstp.1 is the long form of the same content. */
#include "cli.h"

static const char overview[] =
	"usage: sstp COMMAND [options]\n"
	"\n"
	"An SSTP VPN client (Azure P2S, Windows RRAS, SoftEther, MikroTik, accel-ppp).\n"
	"\n"
	"commands:\n"
	"  connect NAME|SERVER [options]   connect (foreground unless --background)\n"
	"  disconnect [NAME | --all]       end a running session\n"
	"  status [NAME] [--json]          show running sessions\n"
	"  run NAME [options] -- CMD ...   connect, run CMD, always disconnect; exits with CMD's code\n"
	"  check NAME --probe HOST:PORT [--probe icmp:HOST] [--json | --junit FILE]\n"
	"                                  connect, probe through the tunnel, disconnect\n"
	"  import PACKAGE.zip|URL [--name NAME] [--cert FILE]\n"
	"                                  make a profile from an Azure VPN client package\n"
	"  package show PACKAGE.zip|URL [--json]\n"
	"  list [--json]                   list the profiles (user, then system)\n"
	"  show NAME [--json]              every key of a profile, where it came from, root hashes\n"
	"  set NAME KEY=VALUE...           change keys of a profile (KEY= removes the key)\n"
	"  edit NAME                       edit a profile in $VISUAL/$EDITOR, saved only if valid\n"
	"  remove NAME                     delete a profile and the files beside it\n"
	"  cert root|client|thumbprint|check ...   certificate tooling for Azure P2S\n"
	"  cleanup [NAME]                  undo network changes a crashed session left behind\n"
	"  helper [--socket PATH] [--state-dir DIR] [--group NAME] [--socket-mode OCTAL]\n"
	"         [--session-exe PATH] [--no-cleanup] [-v | -q]\n"
	"                                  privileged service (root) that lets members of group\n"
	"                                  sstp connect the system profiles; without root, connect,\n"
	"                                  disconnect, status, run and check go through it\n"
	"  helper install [--start auto|demand] [helper options] | helper uninstall\n"
	"                                  (Windows) register or remove the helper as service\n"
	"                                  sstp-helper of the service control manager\n"
	"\n"
	"global options: -v (more, -vv for packet dumps), -q, --syslog, --state-dir DIR,\n"
	"  --backup-dir DIR (the resolv.conf backup; default /var/lib/sstp)\n"
	"SERVER is host[:port] (port 443 by default). 'sstp COMMAND --help' shows a command's options.\n"
	"exit codes: 0 ok, 1 unexpected error, 2 usage, 3 timeout, 4 server or proxy unreachable,\n"
	"  5 server certificate rejected, 6 authentication rejected, 7 SSTP/PPP negotiation failed,\n"
	"  8 peer stopped responding, 9 bad profile or package, 10 not connected,\n"
	"  11 permission denied or helper unreachable, 12 a --check/--probe target unreachable\n";

static const char connect_opts[] =
	"connection options:\n"
	"  --package ZIP|URL         take server, CA and routes from an Azure VPN client package\n"
	"  --cert FILE|URI           client certificate for EAP-TLS (PKCS#12, PEM, pkcs11:...)\n"
	"  --tls-cert FILE|URI       client certificate for the TLS connection itself, when the\n"
	"                            server requires one (may be the same as --cert)\n"
	"  --identity NAME           EAP identity (default: --user, else the certificate's UPN,\n"
	"                            e-mail or CN)\n"
	"  --key FILE|URI            private key when not inside --cert\n"
	"  --cert-password-file FILE password of the PKCS#12 or key file\n"
	"  --ca FILE                 trust this CA for the server (repeatable)\n"
	"  --pin-sha256 HASH         accept the server key with this SHA-256 pin (base64 or hex)\n"
	"  --insecure                accept any server certificate (prints a warning; testing only)\n"
	"  --sni NAME                TLS server name to send and verify\n"
	"  -u, --user NAME           user name for MS-CHAPv2 / PAP\n"
	"  --password-file FILE      read the password from FILE (first line)\n"
	"  --password-stdin          read the password from standard input (first line)\n"
	"  --auth LIST               allowed methods: mschapv2,eap-mschapv2,pap,eap-tls,peap\n"
	"  --proxy URL               HTTP CONNECT proxy: http://[USER@]HOST[:PORT] (port 8080)\n"
	"  --proxy-user NAME         proxy user (Basic, Digest or NTLM as libcurl offers)\n"
	"  --proxy-password-file FILE  proxy password (first line); else $SSTP_PROXY_PASSWORD\n"
	"  --route CIDR              route this prefix through the tunnel (repeatable)\n"
	"  --no-routes               install no routes\n"
	"  --full-tunnel             route all traffic through the tunnel\n"
	"  --kill-switch             with --full-tunnel: block all traffic outside the tunnel until\n"
	"                            disconnect, reconnects included (Linux, nftables)\n"
	"  --route-conflict skip|prefer-tunnel  a route another interface has with the same\n"
	"                            prefix: leave ours out, or (default) give ours a lower metric\n"
	"  --dns IP                  use this DNS server (repeatable)\n"
	"  --dns-domain DOMAIN       send names under DOMAIN to the tunnel's DNS (repeatable;\n"
	"                            replaces the profile's dns-domain)\n"
	"  --no-dns                  leave the DNS configuration alone\n"
	"  --no-ipv6                 do not negotiate IPv6\n"
	"  --mtu N                   tunnel MTU (576-4087)\n"
	"  -i, --interface NAME      TUN device name (default sstpN)\n"
	"  --run-as USER             (root) run TLS, SSTP, PPP and EAP as USER, without privileges;\n"
	"                            root keeps only the TUN, addresses, routes and DNS\n"
	"  --reconnect, --no-reconnect   reconnect after a drop (default: on with --background)\n"
	"  --wait                    retry failed attempts until --timeout instead of failing\n"
	"  -t, --timeout S           give up connecting after S seconds (exit 3)\n"
	"  -n, --name NAME           session name for status/disconnect (default: profile or host)\n"
	"  -s, --script PROG         vpnc-script compatible program; it, not sstp, sets the\n"
	"                            addresses, routes and DNS\n"
	"  --up CMD, --down CMD      shell command after the tunnel is up / before it goes down\n";

static const char connect_extra[] =
	"  -b, --background          detach once the tunnel is up and print its status\n"
	"  --check HOST:PORT         after connecting, check that HOST:PORT answers through the\n"
	"                            tunnel (exit 12 and disconnect if not; repeatable)\n"
	"  --json                    print the status as JSON when connected\n";

void sstp_cli_usage(FILE *out, enum sstp_cmd cmd)
{
	switch (cmd) {
	case SSTP_CMD_CONNECT:
		fputs("usage: sstp connect NAME|SERVER [options]\n\n", out);
		fputs(connect_opts, out);
		fputs(connect_extra, out);
		break;
	case SSTP_CMD_RUN:
		fputs("usage: sstp run NAME|SERVER [options] -- COMMAND [ARG...]\n\n"
		      "Connects, runs COMMAND once the tunnel is up, disconnects when it ends and exits\n"
		      "with its exit code (or the connection's exit code if the tunnel fails first).\n\n",
		      out);
		fputs(connect_opts, out);
		break;
	case SSTP_CMD_CHECK:
		fputs("usage: sstp check NAME|SERVER --probe HOST:PORT [--probe icmp:HOST]... "
		      "[--json | --junit FILE] [options]\n\n"
		      "Connects, probes every target through the tunnel, disconnects. Exit 0 when all\n"
		      "probes answer, 12 when one does not, or the connection's exit code.\n\n"
		      "  --probe HOST:PORT         TCP connect to HOST:PORT (repeatable)\n"
		      "  --probe icmp:HOST         ICMP echo to HOST\n"
		      "  --json                    machine-readable report on standard output\n"
		      "  --junit FILE              JUnit XML report for CI systems\n\n",
		      out);
		fputs(connect_opts, out);
		break;
	case SSTP_CMD_DISCONNECT:
		fputs("usage: sstp disconnect [NAME | --all] [--timeout S]\n\n"
		      "Ends a running session (the only one when NAME is left out). Exit 10 when no such\n"
		      "session runs.\n", out);
		break;
	case SSTP_CMD_STATUS:
		fputs("usage: sstp status [NAME] [--json]\n\n"
		      "Shows state, server, interface, addresses, routes, DNS, TLS, authentication,\n"
		      "crypto binding, traffic, uptime, reconnects and the last error of running\n"
		      "sessions. Exit 10 when none runs.\n", out);
		break;
	case SSTP_CMD_IMPORT:
		fputs("usage: sstp import PACKAGE.zip|URL [--name NAME] [--cert FILE] [--key FILE]\n"
		      "                   [--user NAME] [--ca FILE]... [--dns-domain DOMAIN]... [--force]\n\n"
		      "Reads an Azure VPN client configuration package and writes a profile.\n", out);
		break;
	case SSTP_CMD_PACKAGE_SHOW:
		fputs("usage: sstp package show PACKAGE.zip|URL [--json]\n", out);
		break;
	case SSTP_CMD_CERT:
		fputs("usage: sstp cert root --cn NAME --out DIR [--bits N] [--days N]\n"
		      "       sstp cert client --root DIR --cn NAME --out FILE.p12\n"
		      "                        (--password-file FILE | --password-stdin) [--bits N] [--days N]\n"
		      "       sstp cert thumbprint FILE [--password-file FILE | --password-stdin]\n"
		      "       sstp cert check FILE [--root ROOT] [--password-file FILE | --password-stdin]\n",
		      out);
		break;
	case SSTP_CMD_LIST:
	case SSTP_CMD_SHOW:
	case SSTP_CMD_SET:
	case SSTP_CMD_EDIT:
	case SSTP_CMD_REMOVE:
		fputs("usage: sstp list [--json]\n"
		      "       sstp show NAME [--json]\n"
		      "       sstp set NAME KEY=VALUE [KEY=VALUE...]\n"
		      "       sstp edit NAME\n"
		      "       sstp remove NAME\n\n"
		      "Profiles are /etc/sstp/NAME/profile.conf (root) and ~/.config/sstp/NAME/profile.conf\n"
		      "(everyone else); the keys are those of sstp.conf(5). A bad key or value is\n"
		      "refused with exit 9 and the profile is left unchanged.\n", out);
		break;
	case SSTP_CMD_CLEANUP:
		fputs("usage: sstp cleanup [NAME]\n\n"
		      "Undoes the network changes (routes, DNS, addresses, TUN) recorded by sessions\n"
		      "that are no longer running.\n", out);
		break;
	default:
		fputs(overview, out);
		break;
	}
}
