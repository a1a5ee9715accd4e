/* arpa/inet.h for Windows builds (platform/windows/compat/ is on the include path only there):
 * inet_pton/inet_ntop and the AF_* constants come from Winsock's ws2tcpip.h. The OS-independent
 * files of platform/ include the POSIX name; this keeps them free of OS conditionals. */
#ifndef SSTP_COMPAT_ARPA_INET_H
#define SSTP_COMPAT_ARPA_INET_H

#include <winsock2.h>
#include <ws2tcpip.h>

#endif
