/* fake_logind.c - the part of logind that test_sstp_wake.sh needs: on the system bus named by
 * $DBUS_SYSTEM_BUS_ADDRESS (the test's own dbus-daemon), take the name org.freedesktop.login1
 * and send PrepareForSleep(true) then PrepareForSleep(false), as logind does around a suspend
 * and resume. Exit 0 once both are sent, 1 on any bus error. */
#include <stdio.h>
#include <string.h>
#include <systemd/sd-bus.h>

static int emit(sd_bus *bus, int going)
{
	return sd_bus_emit_signal(bus, "/org/freedesktop/login1", "org.freedesktop.login1.Manager",
				  "PrepareForSleep", "b", going);
}

int main(void)
{
	sd_bus *bus = NULL;
	int r = sd_bus_open_system(&bus);

	if (r >= 0)
		r = sd_bus_request_name(bus, "org.freedesktop.login1", 0);
	if (r >= 0)
		r = emit(bus, 1);
	if (r >= 0)
		r = emit(bus, 0);
	if (r >= 0)
		r = sd_bus_flush(bus);
	if (r < 0) {
		fprintf(stderr, "fake_logind: %s\n", strerror(-r));
		sd_bus_flush_close_unref(bus);
		return 1;
	}
	sd_bus_flush_close_unref(bus);
	return 0;
}
