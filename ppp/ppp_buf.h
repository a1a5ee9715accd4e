/* ppp_buf.h - bounded reader and writer cursors with a sticky error flag, used by every parser
 * and encoder in ppp/. A read past the end or a write past the capacity sets err, returns zeros
 * and never touches memory outside the buffer; callers check err once at the end. */
#ifndef SSTP_PPP_BUF_H
#define SSTP_PPP_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct ppp_rd {
	const uint8_t *p;
	size_t len;
	size_t off;
	bool err;
};

struct ppp_wr {
	uint8_t *p;
	size_t cap;
	size_t len;
	bool err;
};

static inline struct ppp_rd ppp_rd_init(const uint8_t *p, size_t len)
{
	struct ppp_rd r = {p, len, 0, false};
	return r;
}

static inline size_t ppp_rd_left(const struct ppp_rd *r)
{
	return r->err ? 0 : r->len - r->off;
}

static inline bool ppp_rd_need(struct ppp_rd *r, size_t n)
{
	if (r->err || r->len - r->off < n) {
		r->err = true;
		return false;
	}
	return true;
}

static inline uint8_t ppp_rd_u8(struct ppp_rd *r)
{
	if (!ppp_rd_need(r, 1))
		return 0;
	return r->p[r->off++];
}

static inline uint16_t ppp_rd_u16(struct ppp_rd *r)
{
	if (!ppp_rd_need(r, 2))
		return 0;
	uint16_t v = (uint16_t)((r->p[r->off] << 8) | r->p[r->off + 1]);
	r->off += 2;
	return v;
}

static inline uint32_t ppp_rd_u32(struct ppp_rd *r)
{
	if (!ppp_rd_need(r, 4))
		return 0;
	const uint8_t *b = r->p + r->off;
	r->off += 4;
	return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

/* Returns a pointer to the next n bytes and advances, or NULL (err set) when fewer remain. */
static inline const uint8_t *ppp_rd_bytes(struct ppp_rd *r, size_t n)
{
	if (!ppp_rd_need(r, n))
		return NULL;
	const uint8_t *b = r->p + r->off;
	r->off += n;
	return b;
}

/* A sub-reader over the next n bytes (advances r). On shortage both get err. */
static inline struct ppp_rd ppp_rd_sub(struct ppp_rd *r, size_t n)
{
	const uint8_t *b = ppp_rd_bytes(r, n);
	struct ppp_rd s = {b, b ? n : 0, 0, b == NULL};
	return s;
}

static inline struct ppp_wr ppp_wr_init(uint8_t *p, size_t cap)
{
	struct ppp_wr w = {p, cap, 0, false};
	return w;
}

static inline uint8_t *ppp_wr_reserve(struct ppp_wr *w, size_t n)
{
	if (w->err || w->cap - w->len < n) {
		w->err = true;
		return NULL;
	}
	uint8_t *b = w->p + w->len;
	w->len += n;
	return b;
}

static inline void ppp_wr_u8(struct ppp_wr *w, uint8_t v)
{
	uint8_t *b = ppp_wr_reserve(w, 1);
	if (b)
		b[0] = v;
}

static inline void ppp_wr_u16(struct ppp_wr *w, uint16_t v)
{
	uint8_t *b = ppp_wr_reserve(w, 2);
	if (b) {
		b[0] = (uint8_t)(v >> 8);
		b[1] = (uint8_t)v;
	}
}

static inline void ppp_wr_u32(struct ppp_wr *w, uint32_t v)
{
	uint8_t *b = ppp_wr_reserve(w, 4);
	if (b) {
		b[0] = (uint8_t)(v >> 24);
		b[1] = (uint8_t)(v >> 16);
		b[2] = (uint8_t)(v >> 8);
		b[3] = (uint8_t)v;
	}
}

static inline void ppp_wr_bytes(struct ppp_wr *w, const void *src, size_t n)
{
	if (n == 0)
		return;
	uint8_t *b = ppp_wr_reserve(w, n);
	if (b)
		memcpy(b, src, n);
}

/* Patch a big-endian u16 at an offset already written. */
static inline void ppp_wr_put16_at(struct ppp_wr *w, size_t at, uint16_t v)
{
	if (w->err || at > w->len || w->len - at < 2) {
		w->err = true;
		return;
	}
	w->p[at] = (uint8_t)(v >> 8);
	w->p[at + 1] = (uint8_t)v;
}

static inline uint16_t ppp_get16(const uint8_t *b)
{
	return (uint16_t)((b[0] << 8) | b[1]);
}

static inline uint32_t ppp_get32(const uint8_t *b)
{
	return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

#endif
