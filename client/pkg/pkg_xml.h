/* pkg_xml.h - reader for Generic/VpnSettings.xml of an Azure VPN client package (expat):
 * both schema variants (CaCert / CaCerts/string, ServerCertRootCn / ServerCertsRootCn/string),
 * comma- or blank-separated lists, unknown elements ignored, DTDs refused, depth and size caps. */
#ifndef SSTP_PKG_XML_H
#define SSTP_PKG_XML_H

#include <stddef.h>

#include "pkg.h"
#include "sstp_err.h"

#define SSTP_PKG_XML_MAX (1024u * 1024u)   /* bytes of XML */
#define SSTP_PKG_XML_MAX_DEPTH 16u         /* element nesting */
#define SSTP_PKG_XML_MAX_TEXT (256u * 1024u) /* character data of one element */
#define SSTP_PKG_XML_MAX_ITEMS 256u        /* entries of one list element */

/* Parse xml into out (which must be initialised; fields found are added). Does not require
 * SSTP or a gateway: the caller checks. Errors name the line: "VpnSettings.xml line 7: ...".
 * Returns 0 or SSTP_ERR_PROFILE (SSTP_ERR_INTERNAL when out of memory), also set in e (may be
 * NULL) with the sentence. */
int sstp_pkg_xml_parse(const char *xml, size_t len, struct sstp_package *out,
		       struct sstp_err *e);

#endif
