/* plat_win_service.h - between svc.c's plat_svc_notify() and the service entry point of
 * service.c: readiness and stopping reported to the service control manager. Not for use
 * outside platform/windows/. */
#ifndef SSTP_PLAT_WIN_SERVICE_H
#define SSTP_PLAT_WIN_SERVICE_H

/* An sd_notify-style state ("READY=1...", "STOPPING=1") as the service's status: running, stop
 * pending. 1 reported, 0 not running as a service, -errno when SetServiceStatus failed. */
int plat_win_service_notify(const char *state);

#endif
