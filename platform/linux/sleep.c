/* sleep.c - the sleep monitor of the Linux backend (plat_wake.h): an sd-bus connection to the
 * system bus with a match on logind's PrepareForSleep signal (sent with true before the system
 * sleeps and with false once it has resumed). The match is added asynchronously and the
 * connection is driven by the session's loop: nothing here blocks on the bus. Only signals from
 * the owner of org.freedesktop.login1 match (the bus checks the sender). */
#include "plat_wake.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <systemd/sd-bus.h>

struct plat_sleepmon {
	sd_bus *bus;
	sd_bus_slot *slot;
	bool resumed;
};

static int on_sleep(sd_bus_message *msg, void *ud, sd_bus_error *err)
{
	struct plat_sleepmon *m = ud;
	int going = 0;

	(void)err;
	if (sd_bus_message_read(msg, "b", &going) < 0)
		return 0;
	if (!going) /* going to sleep: nothing to do before it */
		m->resumed = true;
	return 0;
}

struct plat_sleepmon *plat_sleepmon_open(void)
{
	struct plat_sleepmon *m = calloc(1, sizeof(*m));
	int r;

	if (!m)
		return NULL;
	r = sd_bus_open_system(&m->bus);
	if (r >= 0)
		r = sd_bus_match_signal_async(m->bus, &m->slot, "org.freedesktop.login1",
					      "/org/freedesktop/login1",
					      "org.freedesktop.login1.Manager", "PrepareForSleep",
					      on_sleep, NULL, m);
	if (r >= 0)
		r = sd_bus_flush(m->bus); /* Hello and AddMatch out (a local socket) */
	if (r < 0) {
		plat_sleepmon_close(m);
		errno = -r;
		return NULL;
	}
	return m;
}

void plat_sleepmon_close(struct plat_sleepmon *m)
{
	if (!m)
		return;
	sd_bus_slot_unref(m->slot);
	sd_bus_flush_close_unref(m->bus);
	free(m);
}

int plat_sleepmon_fd(const struct plat_sleepmon *m)
{
	return sd_bus_get_fd(m->bus);
}

int plat_sleepmon_read(struct plat_sleepmon *m)
{
	int r = 0;

	for (int rounds = 0; rounds < 64; rounds++) {
		r = sd_bus_process(m->bus, NULL);
		if (r <= 0)
			break;
	}
	if (r < 0)
		return -1;
	if (m->resumed) {
		m->resumed = false;
		return 1;
	}
	return 0;
}
