/* pkg_xml.c - Generic/VpnSettings.xml through expat (see pkg_xml.h). Elements directly under
 * <VpnProfile> are read either from their own text ("SSTP,IkeV2") or from child elements
 * (<CaCerts><string>...</string></CaCerts>); every value is checked and errors carry a line. */
#include "pkg_xml.h"

#include <expat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sstp_err.h"
#include "pkg_internal.h"

enum field {
	FLD_NONE, FLD_SERVER, FLD_TYPE, FLD_CA, FLD_ROUTES, FLD_AUTH, FLD_VNET_NAME, FLD_VNET_ID,
	FLD_ROOT_CN, FLD_ISSUER_CN, FLD_POOL, FLD_DNS,
};

static const struct {
	const char *name;
	enum field f;
} fields[] = {
	{"VpnServer", FLD_SERVER},
	{"VpnType", FLD_TYPE},
	{"CaCert", FLD_CA},
	{"CaCerts", FLD_CA},
	{"Routes", FLD_ROUTES},
	{"Auth", FLD_AUTH},
	{"VnetName", FLD_VNET_NAME},
	{"VnetId", FLD_VNET_ID},
	{"ServerCertRootCn", FLD_ROOT_CN},
	{"ServerCertsRootCn", FLD_ROOT_CN},
	{"ServerCertIssuerCn", FLD_ISSUER_CN},
	{"ServerCertsIssuerCn", FLD_ISSUER_CN},
	{"VpnClientAddressPool", FLD_POOL},
	{"CustomDnsServers", FLD_DNS},
};

struct xml_state {
	XML_Parser xp;
	struct sstp_package *pkg;
	struct sstp_err err;   /* the first failure */
	int rc;
	unsigned depth;
	enum field cur;        /* field of the open depth-2 element */
	const char *cur_name;
	unsigned long line;    /* line of the open depth-2 / depth-3 element */
	char *text;            /* character data of the open depth-2 or depth-3 element */
	size_t text_len, text_cap;
	unsigned items;        /* children read for the current field */
	unsigned seen;         /* bit per field already given */
};

static void xfail(struct xml_state *s, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void xfail(struct xml_state *s, int rc, const char *fmt, ...)
{
	if (s->rc)
		return;
	s->rc = rc;
	s->err.kind = rc;
	int n = snprintf(s->err.msg, sizeof(s->err.msg), "VpnSettings.xml line %lu: ", s->line);
	if (n < 0 || (size_t)n >= sizeof(s->err.msg))
		n = 0;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->err.msg + n, sizeof(s->err.msg) - (size_t)n, fmt, ap);
	va_end(ap);
	XML_StopParser(s->xp, XML_FALSE);
}

static const char *local_name(const char *name)
{
	const char *c = strrchr(name, ':');
	return c ? c + 1 : name;
}

struct item_ctx {
	struct xml_state *s;
};

static int route_item(void *ctx, const char *item)
{
	struct xml_state *s = ctx;
	struct sstp_cidr c;
	if (sstp_cidr_parse(item, &c) != 0) {
		xfail(s, SSTP_ERR_PROFILE, "%s: '%.60s' is not an IP prefix such as 10.0.0.0/16",
		      s->cur_name, item);
		return -1;
	}
	int rc = s->cur == FLD_POOL ? sstp_pkg_add_pool(s->pkg, &c) : sstp_pkg_add_route(s->pkg, &c);
	if (rc) {
		xfail(s, SSTP_ERR_PROFILE, "%s: too many entries", s->cur_name);
		return -1;
	}
	return 0;
}

static int dns_item(void *ctx, const char *item)
{
	struct xml_state *s = ctx;
	struct sstp_ip ip;
	if (sstp_ip_parse(item, &ip) != 0) {
		xfail(s, SSTP_ERR_PROFILE, "%s: '%.60s' is not an IP address", s->cur_name, item);
		return -1;
	}
	if (sstp_pkg_add_dns(s->pkg, &ip) != 0) {
		xfail(s, SSTP_ERR_PROFILE, "%s: too many entries", s->cur_name);
		return -1;
	}
	return 0;
}

static int set_scalar(struct xml_state *s, char **dst, const char *v)
{
	if (*dst) {
		xfail(s, SSTP_ERR_PROFILE, "%s given twice", s->cur_name);
		return -1;
	}
	*dst = strdup(v);
	if (!*dst) {
		xfail(s, SSTP_ERR_INTERNAL, "out of memory");
		return -1;
	}
	return 0;
}

static bool printable(const char *v)
{
	for (; *v; v++)
		if ((unsigned char)*v < 0x20 || *v == 0x7f)
			return false;
	return true;
}

/* One value for the current field: the whole text of a depth-2 element, or one child's text. */
static void take_value(struct xml_state *s, const char *raw, size_t len)
{
	char *v = sstp_pkg_strdup_trim(raw, len);
	int r = 0;
	if (!v) {
		xfail(s, SSTP_ERR_INTERNAL, "out of memory");
		return;
	}
	if (!v[0])
		goto out;
	if (s->cur != FLD_CA && s->cur != FLD_ROUTES && s->cur != FLD_POOL && s->cur != FLD_DNS &&
	    (!printable(v) || strlen(v) > 1024)) {
		xfail(s, SSTP_ERR_PROFILE, "%s: value with control characters or too long",
		      s->cur_name);
		goto out;
	}
	switch (s->cur) {
	case FLD_SERVER:
		if (!sstp_pkg_host_valid(v)) {
			xfail(s, SSTP_ERR_PROFILE, "VpnServer: '%.80s' is not a host name", v);
			break;
		}
		set_scalar(s, &s->pkg->gateway, v);
		break;
	case FLD_TYPE:
		if (s->pkg->vpn_type) {
			/* list form: <VpnType><string>SSTP</string><string>IkeV2</string> */
			size_t a = strlen(s->pkg->vpn_type), b = strlen(v);
			char *j = a + b < 4096 ? realloc(s->pkg->vpn_type, a + b + 2) : NULL;
			if (!j) {
				xfail(s, SSTP_ERR_PROFILE, "VpnType too long");
				break;
			}
			j[a] = ',';
			memcpy(j + a + 1, v, b + 1);
			s->pkg->vpn_type = j;
		} else if (!(s->pkg->vpn_type = strdup(v))) {
			xfail(s, SSTP_ERR_INTERNAL, "out of memory");
			break;
		}
		s->pkg->protocols |= sstp_pkg_proto_parse(v);
		break;
	case FLD_CA: {
		char msg[200];
		r = sstp_pkg_add_root_b64(s->pkg, v, msg, sizeof(msg));
		if (r)
			xfail(s, r, "%s: %s", s->cur_name, msg);
		break;
	}
	case FLD_ROUTES:
	case FLD_POOL:
		r = sstp_pkg_split(v, route_item, s);
		if (r < -1)
			xfail(s, SSTP_ERR_PROFILE, "%s: list too long or malformed", s->cur_name);
		break;
	case FLD_DNS:
		r = sstp_pkg_split(v, dns_item, s);
		if (r < -1)
			xfail(s, SSTP_ERR_PROFILE, "%s: list too long or malformed", s->cur_name);
		break;
	case FLD_AUTH:
		set_scalar(s, &s->pkg->auth, v);
		break;
	case FLD_VNET_NAME:
		set_scalar(s, &s->pkg->vnet_name, v);
		break;
	case FLD_VNET_ID:
		set_scalar(s, &s->pkg->vnet_id, v);
		break;
	case FLD_ROOT_CN:
	case FLD_ISSUER_CN: {
		struct sstp_strlist *l = s->cur == FLD_ROOT_CN ? &s->pkg->root_cns : &s->pkg->issuer_cns;
		if (l->n >= SSTP_PKG_MAX_LIST)
			xfail(s, SSTP_ERR_PROFILE, "%s: too many entries", s->cur_name);
		else if (sstp_strlist_add(l, v) != 0)
			xfail(s, SSTP_ERR_INTERNAL, "out of memory");
		break;
	}
	case FLD_NONE:
		break;
	}
out:
	free(v);
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	struct xml_state *s = ud;
	(void)attrs;
	if (s->rc)
		return;
	s->depth++;
	if (s->depth > SSTP_PKG_XML_MAX_DEPTH) {
		s->line = XML_GetCurrentLineNumber(s->xp);
		xfail(s, SSTP_ERR_PROFILE, "elements nested deeper than %u", SSTP_PKG_XML_MAX_DEPTH);
		return;
	}
	const char *ln = local_name(name);
	if (s->depth == 1) {
		s->line = XML_GetCurrentLineNumber(s->xp);
		if (strcmp(ln, "VpnProfile") != 0)
			xfail(s, SSTP_ERR_PROFILE, "root element is <%.60s>, expected <VpnProfile>", ln);
		return;
	}
	if (s->depth == 2) {
		s->cur = FLD_NONE;
		s->cur_name = NULL;
		s->items = 0;
		s->line = XML_GetCurrentLineNumber(s->xp);
		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			if (strcmp(ln, fields[i].name) == 0) {
				s->cur = fields[i].f;
				s->cur_name = fields[i].name;
			}
		}
		if (s->cur != FLD_NONE) {
			unsigned bit = 1u << s->cur;
			bool list = s->cur == FLD_CA || s->cur == FLD_ROUTES || s->cur == FLD_POOL ||
				    s->cur == FLD_DNS || s->cur == FLD_ROOT_CN || s->cur == FLD_ISSUER_CN;
			if ((s->seen & bit) && !list)
				xfail(s, SSTP_ERR_PROFILE, "%s given twice", s->cur_name);
			s->seen |= bit;
		}
		s->text_len = 0;
		return;
	}
	if (s->depth == 3 && s->cur != FLD_NONE) {
		/* a child value: whatever the parent's own text was, it was only whitespace */
		s->line = XML_GetCurrentLineNumber(s->xp);
		if (++s->items > SSTP_PKG_XML_MAX_ITEMS)
			xfail(s, SSTP_ERR_PROFILE, "%s: more than %u entries", s->cur_name,
			      SSTP_PKG_XML_MAX_ITEMS);
		s->text_len = 0;
	}
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	struct xml_state *s = ud;
	(void)name;
	if (s->rc)
		return;
	if (s->depth == 3 && s->cur != FLD_NONE) {
		take_value(s, s->text ? s->text : "", s->text_len);
		s->text_len = 0;
	} else if (s->depth == 2 && s->cur != FLD_NONE) {
		if (s->items == 0)
			take_value(s, s->text ? s->text : "", s->text_len);
		s->cur = FLD_NONE;
		s->text_len = 0;
	}
	s->depth--;
}

static void XMLCALL on_text(void *ud, const XML_Char *txt, int len)
{
	struct xml_state *s = ud;
	if (s->rc || len <= 0 || s->cur == FLD_NONE || (s->depth != 2 && s->depth != 3))
		return;
	if (s->depth == 2 && s->items > 0)
		return; /* whitespace between children */
	if (s->text_len + (size_t)len > SSTP_PKG_XML_MAX_TEXT) {
		xfail(s, SSTP_ERR_PROFILE, "%s: text longer than %u bytes", s->cur_name,
		      SSTP_PKG_XML_MAX_TEXT);
		return;
	}
	if (s->text_len + (size_t)len > s->text_cap) {
		size_t cap = s->text_cap ? s->text_cap : 4096;
		while (cap < s->text_len + (size_t)len)
			cap *= 2;
		if (cap > SSTP_PKG_XML_MAX_TEXT)
			cap = SSTP_PKG_XML_MAX_TEXT;
		char *t = realloc(s->text, cap + 1);
		if (!t) {
			xfail(s, SSTP_ERR_INTERNAL, "out of memory");
			return;
		}
		s->text = t;
		s->text_cap = cap;
	}
	memcpy(s->text + s->text_len, txt, (size_t)len);
	s->text_len += (size_t)len;
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
			       const XML_Char *pubid, int has_internal)
{
	struct xml_state *s = ud;
	(void)name, (void)sysid, (void)pubid, (void)has_internal;
	s->line = XML_GetCurrentLineNumber(s->xp);
	xfail(s, SSTP_ERR_PROFILE, "document type declarations are not allowed");
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param,
			      const XML_Char *value, int value_len, const XML_Char *base,
			      const XML_Char *sysid, const XML_Char *pubid, const XML_Char *notation)
{
	struct xml_state *s = ud;
	(void)name, (void)is_param, (void)value, (void)value_len, (void)base, (void)sysid;
	(void)pubid, (void)notation;
	s->line = XML_GetCurrentLineNumber(s->xp);
	xfail(s, SSTP_ERR_PROFILE, "entity declarations are not allowed");
}

int sstp_pkg_xml_parse(const char *xml, size_t len, struct sstp_package *out,
		       struct sstp_err *e)
{
	struct xml_state s;
	memset(&s, 0, sizeof(s));
	s.pkg = out;
	if (len > SSTP_PKG_XML_MAX)
		return sstp_err_set(e, SSTP_ERR_PROFILE, "VpnSettings.xml is larger than %u bytes",
				    SSTP_PKG_XML_MAX);
	s.xp = XML_ParserCreate(NULL);
	if (!s.xp)
		return sstp_err_set(e, SSTP_ERR_INTERNAL, "out of memory");
	XML_SetUserData(s.xp, &s);
	XML_SetElementHandler(s.xp, on_start, on_end);
	XML_SetCharacterDataHandler(s.xp, on_text);
	XML_SetStartDoctypeDeclHandler(s.xp, on_doctype);
	XML_SetEntityDeclHandler(s.xp, on_entity);
	XML_SetParamEntityParsing(s.xp, XML_PARAM_ENTITY_PARSING_NEVER);
	enum XML_Status st = XML_Parse(s.xp, xml ? xml : "", (int)len, XML_TRUE);
	if (st != XML_STATUS_OK && !s.rc) {
		s.line = XML_GetCurrentLineNumber(s.xp);
		xfail(&s, SSTP_ERR_PROFILE, "malformed XML: %s",
		      XML_ErrorString(XML_GetErrorCode(s.xp)));
	}
	if (!s.rc && s.depth != 0) {
		xfail(&s, SSTP_ERR_PROFILE, "document ends inside an element");
	}
	XML_ParserFree(s.xp);
	free(s.text);
	if (s.rc && e)
		*e = s.err;
	return s.rc;
}
