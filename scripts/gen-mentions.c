/*
 * gen-mentions - generate realistic carepipe records (NDJSON) on stdout.
 *
 *   gen-mentions [-n count] [-s seed] [-x extra-key-pct] [--start RFC3339]
 *
 * Customers write to ~12 brands on six platforms; brands answer after a
 * heavy-tailed delay; some customers write again.  Records come out in
 * created_at order, interleaved across threads, in bounded memory (only the
 * threads waiting for their next message are held, in a small heap).
 *
 * The output is a pure function of the arguments: an own PRNG
 * (xoshiro256** seeded by splitmix64) and integer-only arithmetic (no
 * floating point, no libm, no locale, no time zone), so the same arguments
 * give byte-identical output on any machine.  The output for -n N is a
 * prefix of the output for any larger -n with the same other options, and
 * -x only decides which records carry extra keys: the schema keys of every
 * record are the same whatever -x is.
 *
 * Build: cc -std=c11 -O2 -Wall -Wextra -o bin/gen-mentions scripts/gen-mentions.c -lm
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "gen-mentions"
#define VERSION "0.1.0"
#define USAGE "usage: gen-mentions [-n count] [-s seed] [-x extra-key-pct] [--start RFC3339]\n"

#define EX_USAGE 64
#define EX_IOERR 74
#define EX_OSERR 71

/* ------------------------------------------------------------------ */
/* PRNG: splitmix64 for seeding and hashing, xoshiro256** for streams   */
/* ------------------------------------------------------------------ */

typedef struct { uint64_t s[4]; } rng_t;

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static uint64_t mix64(uint64_t x)
{
	return splitmix64(&x);
}

static void rng_seed(rng_t *r, uint64_t seed)
{
	uint64_t x = seed;
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl64(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(rng_t *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl64(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl64(s[3], 45);
	return result;
}

/* uniform in [0, n) (multiply-shift; the bias is far below anything visible) */
static inline uint32_t rng_below(rng_t *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* true with probability pm / 1,000,000 */
static inline int rng_ppm(rng_t *r, uint32_t pm)
{
	return rng_below(r, 1000000) < pm;
}

/* uniform in [lo, hi] */
static inline int64_t rng_range(rng_t *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

/* ------------------------------------------------------------------ */
/* Integer-only distributions                                           */
/* ------------------------------------------------------------------ */

/* 2^(i/64) * 2^32 */
static const uint64_t POW2F[64] = {
	4294967296, 4341736423, 4389014833, 4436808071, 4485121744, 4533961517,
	4583333121, 4633242347, 4683695048, 4734697143, 4786254615, 4838373510,
	4891059943, 4944320094, 4998160210, 5052586606, 5107605667, 5163223846,
	5219447668, 5276283726, 5333738689, 5391819295, 5450532358, 5509884764,
	5569883475, 5630535530, 5691848042, 5753828203, 5816483285, 5879820635,
	5943847684, 6008571941, 6074001000, 6140142534, 6207004303, 6274594148,
	6342919999, 6411989869, 6481811861, 6552394164, 6623745059, 6695872913,
	6768786189, 6842493438, 6917003306, 6992324534, 7068465956, 7145436504,
	7223245206, 7301901189, 7381413680, 7461792005, 7543045592, 7625183973,
	7708216783, 7792153760, 7877004752, 7962779710, 8049488696, 8137141881,
	8225749546, 8315322086, 8405870007, 8497403930,
};

static int64_t floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* base * 2^(e/64), base < 2^30, saturating at 2^62 */
static uint64_t scale_pow2(uint64_t base, int64_t e)
{
	int64_t q = floordiv(e, 64);
	int r = (int)(e - q * 64);
	uint64_t v = (base * POW2F[r]) >> 32;
	if (q >= 0) {
		if (q > 30)
			return (uint64_t)1 << 62;
		v <<= q;
	} else {
		if (q <= -63)
			return 0;
		v >>= -q;
	}
	return v;
}

/* approximately standard normal, in units of 1/65536 (Irwin-Hall, 12 terms) */
static int64_t normal_fx(rng_t *r)
{
	int64_t s = 0;
	for (int i = 0; i < 3; i++) {
		uint64_t x = rng_next(r);
		s += (int64_t)(x & 0xFFFF) + (int64_t)((x >> 16) & 0xFFFF) +
		     (int64_t)((x >> 32) & 0xFFFF) + (int64_t)(x >> 48);
	}
	return s - 6 * 65536 + 6; /* 6: centre the 0..65535 terms */
}

/* log-normal with the given median and sigma (natural log units, x1000) */
static uint64_t lognormal(rng_t *r, uint64_t median, int sigma_milli)
{
	/* sigma in log2 units x1000 */
	int64_t s2 = (int64_t)sigma_milli * 1000000 / 693147;
	int64_t z = normal_fx(r);
	int64_t e = floordiv(z * s2 * 64, 65536LL * 1000);
	return scale_pow2(median, e);
}

/* exponential with the given mean: mean * -ln(U), via log2 with 1/64 steps */
static uint64_t expo(rng_t *r, uint64_t mean)
{
	uint64_t x = (rng_next(r) >> 32) + 1; /* 1 .. 2^32 */
	int k = 0;
	while ((x >> (k + 1)) != 0)
		k++;
	/* normalise the mantissa to [2^32, 2^33) */
	uint64_t m = (k <= 32) ? x << (32 - k) : x >> (k - 32);
	int lo = 0, hi = 63;
	while (lo < hi) {
		int mid = (lo + hi + 1) / 2;
		if (POW2F[mid] <= m)
			lo = mid;
		else
			hi = mid - 1;
	}
	/* -log2(U) in 1/64 units, U = x / 2^32 */
	int64_t nl = 32 * 64 - (k * 64 + lo);
	/* jitter inside the 1/64 step so values do not cluster */
	uint64_t v = (mean * 693147ULL / 1000000ULL) * (uint64_t)nl / 64;
	v += rng_below(r, (uint32_t)(mean / 90 + 1));
	return v;
}

/* ------------------------------------------------------------------ */
/* Output buffer                                                        */
/* ------------------------------------------------------------------ */

#define OBSZ (4u << 20)
static char *ob;
static size_t obn;

static void ob_flush(void)
{
	if (obn && fwrite(ob, 1, obn, stdout) != obn) {
		fprintf(stderr, PROG ": write error: %s\n", strerror(errno));
		exit(EX_IOERR);
	}
	obn = 0;
}

static inline void ob_need(size_t n)
{
	if (obn + n > OBSZ)
		ob_flush();
}

static inline void put(const char *s, size_t n)
{
	ob_need(n);
	memcpy(ob + obn, s, n);
	obn += n;
}

#define PUTL(lit) put(lit, sizeof(lit) - 1)

static inline void putch(char c)
{
	ob_need(1);
	ob[obn++] = c;
}

static inline void puts0(const char *s)
{
	put(s, strlen(s));
}

static int fmt_u64(char *buf, uint64_t v)
{
	char t[24];
	int n = 0;
	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (int i = 0; i < n; i++)
		buf[i] = t[n - 1 - i];
	return n;
}

static void put_u64(uint64_t v)
{
	char b[24];
	put(b, (size_t)fmt_u64(b, v));
}

static void put_i64(int64_t v)
{
	if (v < 0) {
		putch('-');
		put_u64((uint64_t)0 - (uint64_t)v);
	} else {
		put_u64((uint64_t)v);
	}
}

/* JSON string escaping */
static unsigned char esc_tab[256];
static const char HEX[] = "0123456789abcdef";

enum { ESC_PLAIN = 0, ESC_ASCII = 1, ESC_CRLF = 2 };

static void esc_init(void)
{
	for (int c = 0; c < 0x20; c++)
		esc_tab[c] = 1;
	esc_tab['"'] = 1;
	esc_tab['\\'] = 1;
}

static char *put_esc_ctl(char *o, unsigned char c, int mode)
{
	*o++ = '\\';
	switch (c) {
	case '"': *o++ = '"'; break;
	case '\\': *o++ = '\\'; break;
	case '\n':
		if (mode & ESC_CRLF) {
			*o++ = 'r';
			*o++ = '\\';
		}
		*o++ = 'n';
		break;
	case '\t': *o++ = 't'; break;
	case '\r': *o++ = 'r'; break;
	case '\b': *o++ = 'b'; break;
	case '\f': *o++ = 'f'; break;
	default:
		*o++ = 'u';
		*o++ = '0';
		*o++ = '0';
		*o++ = HEX[c >> 4];
		*o++ = HEX[c & 15];
	}
	return o;
}

static char *put_u4(char *o, unsigned cp)
{
	*o++ = '\\';
	*o++ = 'u';
	*o++ = HEX[(cp >> 12) & 15];
	*o++ = HEX[(cp >> 8) & 15];
	*o++ = HEX[(cp >> 4) & 15];
	*o++ = HEX[cp & 15];
	return o;
}

/*
 * Write s[0..n) as a JSON string.  ESC_ASCII escapes every non-ASCII
 * character as \uXXXX (surrogate pairs above the BMP) and '/' as '\/', the
 * way some platform APIs do; ESC_CRLF writes line ends as \r\n.
 */
static void put_jstr_mode(const char *s, size_t n, int mode)
{
	ob_need(n * 6 + 2);
	char *o = ob + obn;
	*o++ = '"';
	size_t i = 0;
	if (!(mode & ESC_ASCII)) {
		while (i < n) {
			size_t j = i;
			while (j < n && !esc_tab[(unsigned char)s[j]])
				j++;
			memcpy(o, s + i, j - i);
			o += j - i;
			if (j == n)
				break;
			o = put_esc_ctl(o, (unsigned char)s[j], mode);
			i = j + 1;
		}
	} else {
		while (i < n) {
			unsigned char c = (unsigned char)s[i];
			if (c < 0x80) {
				if (esc_tab[c])
					o = put_esc_ctl(o, c, mode);
				else if (c == '/') {
					*o++ = '\\';
					*o++ = '/';
				} else
					*o++ = (char)c;
				i++;
				continue;
			}
			unsigned cp;
			int len;
			if (c >= 0xF0) {
				cp = c & 0x07;
				len = 4;
			} else if (c >= 0xE0) {
				cp = c & 0x0F;
				len = 3;
			} else {
				cp = c & 0x1F;
				len = 2;
			}
			for (int k = 1; k < len && i + (size_t)k < n; k++)
				cp = (cp << 6) | ((unsigned char)s[i + (size_t)k] & 0x3F);
			i += (size_t)len;
			if (cp >= 0x10000) {
				cp -= 0x10000;
				o = put_u4(o, 0xD800 + (cp >> 10));
				o = put_u4(o, 0xDC00 + (cp & 0x3FF));
			} else {
				o = put_u4(o, cp);
			}
		}
	}
	*o++ = '"';
	obn = (size_t)(o - ob);
}

static inline void put_jstr(const char *s, size_t n)
{
	put_jstr_mode(s, n, ESC_PLAIN);
}

static inline void put_jstr0(const char *s)
{
	put_jstr(s, strlen(s));
}

/* ------------------------------------------------------------------ */
/* Small string builder (texts, ids, urls)                              */
/* ------------------------------------------------------------------ */

typedef struct {
	char b[16384];
	size_t n;
} sbuf;

static void sb_add(sbuf *s, const char *p, size_t n)
{
	if (n > sizeof s->b - s->n)
		n = sizeof s->b - s->n;
	memcpy(s->b + s->n, p, n);
	s->n += n;
}

static void sb_adds(sbuf *s, const char *p)
{
	sb_add(s, p, strlen(p));
}

static void sb_addc(sbuf *s, char c)
{
	if (s->n < sizeof s->b)
		s->b[s->n++] = c;
}

static void sb_addu(sbuf *s, uint64_t v)
{
	char t[24];
	sb_add(s, t, (size_t)fmt_u64(t, v));
}

/* fixed-width zero-padded decimal */
static void sb_addu_w(sbuf *s, uint64_t v, int w)
{
	char t[24];
	for (int i = w - 1; i >= 0; i--) {
		t[i] = (char)('0' + v % 10);
		v /= 10;
	}
	sb_add(s, t, (size_t)w);
}

static int fmt_base36(char *buf, uint64_t v)
{
	static const char D[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	char t[16];
	int n = 0;
	do {
		t[n++] = D[v % 36];
		v /= 36;
	} while (v);
	for (int i = 0; i < n; i++)
		buf[i] = t[n - 1 - i];
	return n;
}

static void sb_add36(sbuf *s, uint64_t v)
{
	char t[16];
	sb_add(s, t, (size_t)fmt_base36(t, v));
}

/* ------------------------------------------------------------------ */
/* Time                                                                 */
/* ------------------------------------------------------------------ */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* "YYYY-MM-DDTHH:MM:SSZ" (20 bytes) for ms since the epoch */
static void fmt_time(char *o, int64_t ms)
{
	int64_t secs = floordiv(ms, 1000);
	int64_t days = floordiv(secs, 86400);
	int64_t sod = secs - days * 86400;
	int64_t y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	unsigned hh = (unsigned)(sod / 3600), mm = (unsigned)(sod / 60 % 60), ss = (unsigned)(sod % 60);
	o[0] = (char)('0' + y / 1000 % 10);
	o[1] = (char)('0' + y / 100 % 10);
	o[2] = (char)('0' + y / 10 % 10);
	o[3] = (char)('0' + y % 10);
	o[4] = '-';
	o[5] = (char)('0' + m / 10);
	o[6] = (char)('0' + m % 10);
	o[7] = '-';
	o[8] = (char)('0' + d / 10);
	o[9] = (char)('0' + d % 10);
	o[10] = 'T';
	o[11] = (char)('0' + hh / 10);
	o[12] = (char)('0' + hh % 10);
	o[13] = ':';
	o[14] = (char)('0' + mm / 10);
	o[15] = (char)('0' + mm % 10);
	o[16] = ':';
	o[17] = (char)('0' + ss / 10);
	o[18] = (char)('0' + ss % 10);
	o[19] = 'Z';
}

static int digits(const char **pp, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		char c = (*pp)[i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*pp += n;
	*out = v;
	return 0;
}

/* RFC 3339: YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM) -> ms since epoch */
static int parse_rfc3339(const char *s, int64_t *ms)
{
	int Y, M, D, h, mi, sec, oh = 0, om = 0, sign = 0, frac = 0;
	const char *p = s;
	if (digits(&p, 4, &Y) || *p++ != '-' || digits(&p, 2, &M) || *p++ != '-' ||
	    digits(&p, 2, &D))
		return -1;
	if (*p != 'T' && *p != 't' && *p != ' ')
		return -1;
	p++;
	if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi) || *p++ != ':' ||
	    digits(&p, 2, &sec))
		return -1;
	if (*p == '.') {
		p++;
		int nd = 0;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9') {
			if (nd < 3)
				frac = frac * 10 + (*p - '0');
			nd++;
			p++;
		}
		for (; nd < 3; nd++)
			frac *= 10;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		p++;
		if (digits(&p, 2, &oh) || *p++ != ':' || digits(&p, 2, &om))
			return -1;
		if (oh > 23 || om > 59)
			return -1;
	} else {
		return -1;
	}
	if (*p)
		return -1;
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (Y < 1970 || M < 1 || M > 12 || D < 1 || D > mdays[M - 1] || h > 23 || mi > 59 || sec > 60)
		return -1;
	if (M == 2 && D == 29 && !((Y % 4 == 0 && Y % 100 != 0) || Y % 400 == 0))
		return -1;
	if (sec == 60)
		sec = 59;
	int64_t t = days_from_civil(Y, (unsigned)M, (unsigned)D) * 86400 + h * 3600 + mi * 60 + sec;
	t -= (int64_t)sign * (oh * 3600 + om * 60);
	*ms = t * 1000 + frac;
	return *ms < 0 ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* The world: platforms, brands, languages                              */
/* ------------------------------------------------------------------ */

enum { P_TW, P_MA, P_BS, P_RD, P_FB, P_FO, NPLAT };
static const char *const PLAT_NAME[NPLAT] = {"twitter", "mastodon", "bluesky", "reddit", "facebook", "forum"};
static const int PLAT_WEIGHT[NPLAT] = {34, 13, 13, 15, 16, 14};
/* percent of customer threads that are direct messages */
static const int PLAT_DM[NPLAT] = {22, 4, 6, 0, 30, 0};

#define B_TW (1 << P_TW)
#define B_MA (1 << P_MA)
#define B_BS (1 << P_BS)
#define B_RD (1 << P_RD)
#define B_FB (1 << P_FB)
#define B_FO (1 << P_FO)

typedef struct {
	const char *handle, *name, *product, *domain, *code, *sub;
	int plats;
	int weight;
	int median_min; /* median first response, minutes */
	int sign_pct;   /* percent of replies signed by the agent */
	uint32_t followers;
} brand_t;

static const brand_t BRANDS[] = {
	{"AcmeSupport", "Acme Support", "Acme", "acme.example", "AC", "acme", B_TW | B_FB | B_RD | B_FO, 16, 14, 70, 184000},
	{"NimbusHelp", "Nimbus Cloud Help", "Nimbus", "nimbuscloud.example", "NB", "NimbusCloud", B_TW | B_MA | B_BS | B_FO, 12, 25, 40, 52000},
	{"ZephyrCares", "Zephyr Air", "Zephyr", "zephyr-air.example", "ZA", "ZephyrAir", B_TW | B_FB, 14, 9, 85, 410000},
	{"OrbitBankHelp", "Orbit Bank", "Orbit", "orbitbank.example", "OB", "OrbitBank", B_TW | B_FB | B_RD, 10, 38, 30, 96000},
	{"VoltMobileCare", "Volt Mobile", "Volt", "voltmobile.example", "VM", "VoltMobile", B_TW | B_FB | B_RD, 12, 18, 60, 233000},
	{"KiteStreamHelp", "Kite Stream", "Kite", "kitestream.example", "KS", "KiteStream", B_TW | B_BS | B_RD | B_MA, 8, 30, 20, 71000},
	{"HarborGrocer", "Harbor Grocer", "Harbor", "harborgrocer.example", "HG", "HarborGrocer", B_TW | B_FB, 7, 45, 75, 18000},
	{"PixelPlaySupport", "PixelPlay Support", "PixelPlay", "pixelplay.example", "PP", "PixelPlay", B_TW | B_RD | B_FO | B_BS, 9, 60, 25, 145000},
	{"LumenEnergyHelp", "Lumen Energy", "Lumen", "lumenenergy.example", "LE", "LumenEnergy", B_TW | B_FB, 5, 95, 50, 9400},
	{"QuillBooks", "Quill Books", "Quill", "quillbooks.example", "QB", "QuillBooks", B_MA | B_BS | B_TW, 3, 35, 90, 6100},
	{"TandemBikesCare", "Tandem Bikes", "Tandem", "tandembikes.example", "TB", "TandemBikes", B_FO | B_FB | B_TW, 2, 120, 80, 3300},
	{"BrightBoxHelp", "BrightBox Help", "BrightBox", "brightbox.example", "BB", "BrightBox", B_TW | B_RD | B_FO | B_MA, 4, 20, 35, 27000},
};
#define NBRAND ((int)(sizeof BRANDS / sizeof BRANDS[0]))

enum { L_EN, L_FR, L_ES, L_DE, L_JA, L_PT, NLANG };
static const char *const LANG_CODE[NLANG] = {"en", "fr", "es", "de", "ja", "pt"};
static const int LANG_WEIGHT[NLANG] = {68, 8, 9, 6, 3, 6};

enum { T_ORDER, T_REFUND, T_BILLING, T_LOGIN, T_OUTAGE, T_SHIPPING, T_BUG, T_PRAISE, NTOPIC };
static const int TOPIC_WEIGHT[NTOPIC] = {16, 12, 12, 14, 11, 14, 10, 11};
static const char *const TOPIC_SLUG[NTOPIC] = {
	"order-stuck-in-processing", "refund-not-received", "charged-twice", "cant-log-in",
	"site-down", "parcel-not-delivered", "app-crashes", "thank-you"};
static const char *const TOPIC_TITLE[NTOPIC] = {
	"Order stuck in \"processing\"", "[Help] Refund still not received", "Charged twice this month?",
	"Can't log in since the update", "Is it down for everyone?", "Parcel never arrived",
	"App crashes on startup (bug report)", "Credit where it's due"};

typedef struct {
	const char *const *v;
	int n;
} tlist;

#define TL(...) {(const char *const[]){__VA_ARGS__}, \
	(int)(sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))}

/* names: {display, ascii for handles} */
typedef struct {
	const char *disp, *ascii;
} name_t;

typedef struct {
	const name_t *v;
	int n;
} nlist;

#define NL(...) {(const name_t[]){__VA_ARGS__}, \
	(int)(sizeof((const name_t[]){__VA_ARGS__}) / sizeof(name_t))}

static const nlist FIRST[NLANG] = {
	[L_EN] = NL({"James", "james"}, {"Mary", "mary"}, {"Robert", "robert"}, {"Patricia", "patricia"},
		    {"John", "john"}, {"Jennifer", "jen"}, {"Michael", "mike"}, {"Linda", "linda"},
		    {"David", "dave"}, {"Elizabeth", "liz"}, {"Chris", "chris"}, {"Sarah", "sarah"},
		    {"Jess", "jess"}, {"Tom", "tom"}, {"Priya", "priya"}, {"Mohammed", "mo"},
		    {"Wei", "wei"}, {"Aisha", "aisha"}, {"Liam", "liam"}, {"Olivia", "olivia"},
		    {"Noah", "noah"}, {"Emma", "emma"}, {"Kofi", "kofi"}, {"Siobhan", "siobhan"}),
	[L_FR] = NL({"Camille", "camille"}, {"Léa", "lea"}, {"Chloé", "chloe"}, {"Hugo", "hugo"},
		    {"Lucas", "lucas"}, {"Louis", "louis"}, {"Manon", "manon"}, {"Inès", "ines"},
		    {"Théo", "theo"}, {"Amélie", "amelie"}, {"François", "francois"}, {"Zoé", "zoe"}),
	[L_ES] = NL({"Lucía", "lucia"}, {"Sofía", "sofia"}, {"Martina", "martina"}, {"Mateo", "mateo"},
		    {"Hugo", "hugo"}, {"Alejandro", "alex"}, {"Pablo", "pablo"}, {"Valentina", "vale"},
		    {"José", "jose"}, {"María", "maria"}, {"Íñigo", "inigo"}, {"Ramón", "ramon"}),
	[L_DE] = NL({"Lukas", "lukas"}, {"Leon", "leon"}, {"Finn", "finn"}, {"Jonas", "jonas"},
		    {"Mia", "mia"}, {"Emma", "emma"}, {"Hannah", "hannah"}, {"Lena", "lena"},
		    {"Jürgen", "juergen"}, {"Sören", "soeren"}, {"Käthe", "kaethe"}, {"Uwe", "uwe"}),
	[L_JA] = NL({"陽翔", "haruto"}, {"蓮", "ren"}, {"湊", "minato"}, {"結衣", "yui"},
		    {"陽菜", "hina"}, {"さくら", "sakura"}, {"健太", "kenta"}, {"美咲", "misaki"},
		    {"翔太", "shota"}, {"愛", "ai"}),
	[L_PT] = NL({"João", "joao"}, {"Gabriel", "gabriel"}, {"Lucas", "lucas"}, {"Ana", "ana"},
		    {"Maria", "maria"}, {"Beatriz", "bia"}, {"Larissa", "larissa"}, {"Thiago", "thiago"},
		    {"Camila", "camila"}, {"Conceição", "conceicao"}, {"Vinícius", "vinicius"}),
};

static const nlist LAST[NLANG] = {
	[L_EN] = NL({"Smith", "smith"}, {"Johnson", "johnson"}, {"Williams", "williams"}, {"Brown", "brown"},
		    {"Jones", "jones"}, {"Garcia", "garcia"}, {"Miller", "miller"}, {"Davis", "davis"},
		    {"Wilson", "wilson"}, {"Taylor", "taylor"}, {"Anderson", "anderson"}, {"Thomas", "thomas"},
		    {"Patel", "patel"}, {"Nguyen", "nguyen"}, {"O'Brien", "obrien"}, {"Kim", "kim"},
		    {"Okafor", "okafor"}, {"MacLeod", "macleod"}),
	[L_FR] = NL({"Martin", "martin"}, {"Bernard", "bernard"}, {"Dubois", "dubois"}, {"Thomas", "thomas"},
		    {"Robert", "robert"}, {"Petit", "petit"}, {"Durand", "durand"}, {"Lefèvre", "lefevre"},
		    {"Moreau", "moreau"}, {"Girard", "girard"}, {"Benoît", "benoit"}),
	[L_ES] = NL({"García", "garcia"}, {"Rodríguez", "rodriguez"}, {"González", "gonzalez"},
		    {"Fernández", "fernandez"}, {"López", "lopez"}, {"Martínez", "martinez"},
		    {"Sánchez", "sanchez"}, {"Pérez", "perez"}, {"Núñez", "nunez"}, {"Romero", "romero"}),
	[L_DE] = NL({"Müller", "mueller"}, {"Schmidt", "schmidt"}, {"Schneider", "schneider"},
		    {"Fischer", "fischer"}, {"Weber", "weber"}, {"Meyer", "meyer"}, {"Wagner", "wagner"},
		    {"Becker", "becker"}, {"Schäfer", "schaefer"}, {"Groß", "gross"}),
	[L_JA] = NL({"佐藤", "sato"}, {"鈴木", "suzuki"}, {"高橋", "takahashi"}, {"田中", "tanaka"},
		    {"伊藤", "ito"}, {"渡辺", "watanabe"}, {"山本", "yamamoto"}, {"中村", "nakamura"},
		    {"小林", "kobayashi"}, {"加藤", "kato"}),
	[L_PT] = NL({"Silva", "silva"}, {"Santos", "santos"}, {"Oliveira", "oliveira"}, {"Souza", "souza"},
		    {"Pereira", "pereira"}, {"Costa", "costa"}, {"Rodrigues", "rodrigues"},
		    {"Almeida", "almeida"}, {"Gonçalves", "goncalves"}, {"Araújo", "araujo"}),
};

static const char *const NICK[] = {
	"coffeeaddict", "nightowl", "gamerdad", "plantmom", "techie", "sunnyday", "bookworm",
	"traveler", "mr_grumpy", "catlady", "the_real", "not_a_bot", "dogperson", "runner"};
static const char *const RD_ADJ[] = {"Happy", "Silly", "Tall", "Gloomy", "Brave", "Quiet", "Spicy", "Sleepy", "Lucky", "Grumpy"};
static const char *const RD_NOUN[] = {"Potato", "Otter", "Falcon", "Pancake", "Cactus", "Walrus", "Noodle", "Badger", "Pickle", "Moose"};
static const char *const NAME_EMOJI[] = {" 🌻", " ☕", " 🏳️‍🌈", " 🇫🇷", " ✨", " 🐶", " 🎮", " 🌊", " 💙", " 🇧🇷", " 🌸", " 🧶"};

static const char *const MA_INST[NLANG][3] = {
	[L_EN] = {"mastodon.social", "hachyderm.io", "fosstodon.org"},
	[L_FR] = {"piaille.fr", "mamot.fr", "mastodon.social"},
	[L_ES] = {"masto.es", "mastodon.social", "mastodon.uy"},
	[L_DE] = {"chaos.social", "troet.cafe", "mastodon.social"},
	[L_JA] = {"mstdn.jp", "pawoo.net", "mastodon.social"},
	[L_PT] = {"bolha.us", "masto.pt", "mastodon.social"},
};

/* emoji by mood */
enum { M_ANGRY, M_SAD, M_HAPPY, M_NEUTRAL, NMOOD };
static const tlist EMOJI[NMOOD] = {
	[M_ANGRY] = TL("😡", "🤬", "😤", "🙄", "😠", "💀", "🤦‍♂️", "🤦‍♀️", "😡😡😡", "👎", "🙄🙄"),
	[M_SAD] = TL("😢", "😭", "😞", "🥲", "😩", "😔"),
	[M_HAPPY] = TL("❤️", "🙏", "😍", "🎉", "👏", "✨", "🥰", "💯", "🙌🏽", "❤️❤️", "😊"),
	[M_NEUTRAL] = TL("🤔", "👀", "🙂", "🤷", "❓", "🤷‍♀️"),
};

/* ------------------------------------------------------------------ */
/* Texts                                                                */
/*                                                                      */
/* Placeholders: {b} brand mention, {o} order number, {a} amount,      */
/* {d} small number, {e} emoji, {n} customer's name, {c} error code,   */
/* {J} JSON/error snippet, {u} status URL, {p} product name,           */
/* {s} a Windows path (backslashes)                                  */
/* ------------------------------------------------------------------ */

static const tlist IN_OPEN[NLANG][NTOPIC] = {
	[L_EN] = {
		[T_ORDER] = TL(
			"{b} I ordered last week and order {o} still says \"processing\". What's going on? {e}",
			"{b} placed an order {d} days ago, no confirmation email, nothing. Was I charged or not?",
			"Hey {b}, can I still change the delivery address on order {o}? Put the wrong flat number 🤦‍♀️",
			"{b} you cancelled my order {o} without telling me why. Not cool {e}",
			"{b} wrong item in my order {o}. I ordered the blue one and got... a toaster?? {e}",
			"{b} order {o} shows as delivered but nothing arrived. Neighbours haven't seen it either. {e}"),
		[T_REFUND] = TL(
			"{b} still waiting on my refund of {a} for order {o}. It's been {d} days {e}",
			"{b} returned the item 3 weeks ago, tracking says delivered to your warehouse, where is my money??",
			"{b} how long do refunds usually take? I returned {o} on Monday.",
			"{b} your agent promised me a refund of {a} \"within 48 hours\". That was {d} days ago. {e}",
			"{b} I've been passed between 4 departments about a {a} refund.\nNobody can tell me anything. {e}"),
		[T_BILLING] = TL(
			"{b} why was I charged twice this month?? {a} x2 on my card {e}",
			"{b} I cancelled my subscription in March and you're still billing me {a}. Fix this please.",
			"{b} quick question: where do I download my invoices? Can't find it anywhere {e}",
			"{b} my bill went from {a} to double with no explanation {e}\nNobody told me about a price increase.",
			"{b} direct debit failed and now there's a late fee?? The failure was on YOUR side {e}"),
		[T_LOGIN] = TL(
			"{b} can't log in. Password reset email never arrives {e}",
			"{b} locked out of my account after the update. It keeps saying \"invalid credentials\" but I KNOW my password",
			"{b} 2FA codes aren't coming through by SMS, I've been stuck at the login screen for {d} hours {e}",
			"{b} the app logs me out every 5 minutes, is this a known issue?",
			"{b} login fails with:\n{J}\nwhat does that even mean {e}"),
		[T_OUTAGE] = TL(
			"{b} is the site down? Getting error {c} everywhere {e}",
			"{b} app not loading for anyone else?? #down #outage",
			"Is {b} down again? Third time this week. {e}",
			"{b} nothing works. Error {c}. Status page says all green lol {e}",
			"{b} {p} has been down for {d} hours and I have a deadline. Any ETA?? {e}"),
		[T_SHIPPING] = TL(
			"{b} my package has been \"out for delivery\" for {d} days {e}",
			"{b} tracking number for {o} doesn't work on the courier's site",
			"{b} courier left my parcel in the rain 🌧️ everything is soaked {e}",
			"{b} delivered to the wrong address, photo shows a door that isn't mine {e}",
			"{b} you charged me for express shipping and it took {d} days. Want my {a} back."),
		[T_BUG] = TL(
			"{b} the app crashes every time I open settings. iOS 18.2, latest version. {e}",
			"{b} found a bug: checkout button does nothing on Firefox. Console says:\n{J}",
			"{b} after the update I get this:\n\tError {c}: null reference in {s}",
			"{b} dark mode makes the text invisible on Android 😂 see screenshot",
			"{b} the \"Save\" button saves... nothing. Tried 3 times {e}",
			"{b} desktop app won't start, the log at {s} just says \"fatal: 0x80070005\" {e}"),
		[T_PRAISE] = TL(
			"Shoutout to {b} for sorting my issue in 5 minutes {e}",
			"{b} honestly the best customer service I've had in years, thank you Jess! {e}",
			"Big thanks {b}, refund came through today {e}",
			"{b} love the new update!! {e}",
			"Didn't expect much but {b} actually fixed it on the first try. Respect {e}"),
	},
	[L_FR] = {
		[T_ORDER] = TL("{b} ma commande {o} est toujours \"en préparation\" depuis {d} jours {e}",
			       "{b} bonjour, est-ce que je peux encore modifier l'adresse de livraison de la commande {o} ?"),
		[T_REFUND] = TL("{b} toujours pas de remboursement pour {o}, ça fait {d} jours {e}",
				"{b} combien de temps pour être remboursé ? J'ai renvoyé le colis lundi."),
		[T_BILLING] = TL("{b} j'ai été prélevé deux fois ce mois-ci ({a}) !! {e}",
				 "{b} pourquoi ma facture a augmenté sans prévenir ? {e}"),
		[T_LOGIN] = TL("{b} impossible de me connecter, le mail de réinitialisation n'arrive jamais {e}",
			       "{b} l'appli me déconnecte toutes les 5 minutes, c'est normal ?"),
		[T_OUTAGE] = TL("{b} le site est en panne ? Erreur {c} partout {e}",
				"{b} c'est encore en panne ?! Troisième fois cette semaine {e}"),
		[T_SHIPPING] = TL("{b} mon colis est \"en cours de livraison\" depuis {d} jours {e}",
				  "{b} le livreur a laissé mon colis sous la pluie 🌧️ {e}"),
		[T_BUG] = TL("{b} l'appli plante dès que j'ouvre les paramètres {e}",
			     "{b} bug sur la page de paiement :\n{J}"),
		[T_PRAISE] = TL("Merci {b} pour la réponse ultra rapide {e}",
				"{b} service client au top, merci ! {e}"),
	},
	[L_ES] = {
		[T_ORDER] = TL("{b} mi pedido {o} sigue \"en preparación\" desde hace {d} días {e}",
			       "{b} hola, ¿puedo cambiar la dirección de entrega del pedido {o}?"),
		[T_REFUND] = TL("{b} sigo esperando el reembolso de {a}, ya van {d} días {e}",
				"{b} ¿cuánto tarda un reembolso? Devolví el paquete el lunes."),
		[T_BILLING] = TL("{b} me habéis cobrado dos veces este mes ({a}) {e}",
				 "{b} ¿por qué ha subido mi factura sin avisar? {e}"),
		[T_LOGIN] = TL("{b} no puedo iniciar sesión, el correo para restablecer la contraseña nunca llega {e}",
			       "{b} la app me cierra la sesión cada 5 minutos, ¿es normal?"),
		[T_OUTAGE] = TL("{b} ¿está caída la web? Me sale el error {c} {e}",
				"{b} ¿otra vez caído? Tercera vez esta semana {e}"),
		[T_SHIPPING] = TL("{b} mi paquete lleva {d} días \"en reparto\" {e}",
				  "{b} el repartidor dejó mi paquete en la calle bajo la lluvia {e}"),
		[T_BUG] = TL("{b} la app se cierra cada vez que abro los ajustes {e}",
			     "{b} error en el pago:\n{J}"),
		[T_PRAISE] = TL("¡Gracias {b} por la ayuda tan rápida! {e}",
				"{b} el mejor servicio de atención al cliente, ¡gracias! {e}"),
	},
	[L_DE] = {
		[T_ORDER] = TL("{b} meine Bestellung {o} steht seit {d} Tagen auf \"in Bearbeitung\" {e}",
			       "{b} kann ich die Lieferadresse für Bestellung {o} noch ändern?"),
		[T_REFUND] = TL("{b} warte immer noch auf meine Erstattung von {a}, seit {d} Tagen {e}",
				"{b} wie lange dauert eine Rückerstattung? Paket ist seit Montag zurück."),
		[T_BILLING] = TL("{b} ihr habt diesen Monat doppelt abgebucht ({a})! {e}",
				 "{b} warum ist meine Rechnung ohne Ankündigung gestiegen? {e}"),
		[T_LOGIN] = TL("{b} ich kann mich nicht einloggen, die Mail zum Zurücksetzen kommt nie an {e}",
			       "{b} die App meldet mich alle 5 Minuten ab. Bekanntes Problem?"),
		[T_OUTAGE] = TL("{b} ist die Seite down? Überall Fehler {c} {e}",
				"{b} schon wieder Störung?! Dritte Mal diese Woche {e}"),
		[T_SHIPPING] = TL("{b} mein Paket ist seit {d} Tagen \"in Zustellung\" {e}",
				  "{b} Paket wurde beim falschen Nachbarn abgegeben, der ist im Urlaub {e}"),
		[T_BUG] = TL("{b} die App stürzt jedes Mal ab, wenn ich die Einstellungen öffne {e}",
			     "{b} Fehler beim Bezahlen:\n{J}"),
		[T_PRAISE] = TL("Danke {b} für die schnelle Hilfe! {e}",
				"{b} super Kundenservice, vielen Dank! {e}"),
	},
	[L_JA] = {
		[T_ORDER] = TL("{b} 注文{o}がまだ「準備中」のままです。もう{d}日経ちました{e}",
			       "{b} 注文した商品と違うものが届きました…{e}"),
		[T_REFUND] = TL("{b} 返金がまだです。{d}日待っています{e}",
				"{b} 返金にはどのくらいかかりますか？"),
		[T_BILLING] = TL("{b} 今月二重に請求されています！{a}×2 {e}",
				 "{b} 請求額が急に上がったのはなぜですか？{e}"),
		[T_LOGIN] = TL("{b} ログインできません。パスワード再設定のメールが届きません{e}",
			       "{b} アプリが5分ごとにログアウトされます{e}"),
		[T_OUTAGE] = TL("{b} サーバー落ちてますか？エラー{c}が出ます{e}",
				"{b} また障害ですか？今週3回目です{e}"),
		[T_SHIPPING] = TL("{b} 荷物が{d}日間「配達中」のままです{e}",
				  "{b} 追跡番号が無効と表示されます{e}"),
		[T_BUG] = TL("{b} 設定画面を開くたびにアプリが落ちます{e}",
			     "{b} 支払い画面でエラー:\n{J}"),
		[T_PRAISE] = TL("{b} 迅速な対応ありがとうございました！{e}",
				"{b} サポートの方がとても親切でした{e}"),
	},
	[L_PT] = {
		[T_ORDER] = TL("{b} meu pedido {o} está \"em processamento\" há {d} dias {e}",
			       "{b} oi, ainda dá pra mudar o endereço de entrega do pedido {o}?"),
		[T_REFUND] = TL("{b} cadê meu reembolso de {a}? Já são {d} dias {e}",
				"{b} quanto tempo demora o reembolso? Devolvi o produto segunda."),
		[T_BILLING] = TL("{b} fui cobrado duas vezes este mês ({a}) {e}",
				 "{b} por que minha fatura aumentou sem aviso? {e}"),
		[T_LOGIN] = TL("{b} não consigo entrar na conta, o e-mail de redefinição nunca chega {e}",
			       "{b} o app me desloga a cada 5 minutos, é normal?"),
		[T_OUTAGE] = TL("{b} o site caiu? Erro {c} em tudo {e}",
				"{b} fora do ar de novo?! Terceira vez na semana {e}"),
		[T_SHIPPING] = TL("{b} minha encomenda está \"saiu para entrega\" há {d} dias {e}",
				  "{b} o código de rastreio do pedido {o} não funciona"),
		[T_BUG] = TL("{b} o app fecha toda vez que abro as configurações {e}",
			     "{b} erro no pagamento:\n{J}"),
		[T_PRAISE] = TL("Obrigado {b} pelo atendimento rápido! {e}",
				"{b} melhor atendimento que já tive, valeu! {e}"),
	},
};

static const tlist OUT_FIRST[NLANG][NTOPIC] = {
	[L_EN] = {
		[T_ORDER] = TL(
			"Hi {n}, sorry for the wait! Could you send us a DM with your order number and email address so we can check on it?",
			"Hi {n}, thanks for flagging this. I've checked order {o} and it's being prepared - you should get a dispatch email within 24 hours.",
			"Sorry about the mix-up {n}! Please DM us a photo of what you received and we'll sort out a replacement right away."),
		[T_REFUND] = TL(
			"Hi {n}, I'm sorry your refund is taking so long. Refunds can take 5-10 business days to show on your statement. Could you DM us your order number so we can check?",
			"Hi {n}, I've looked into it and your refund of {a} was issued today. It should reach your account in 3-5 days."),
		[T_BILLING] = TL(
			"Hi {n}, sorry about that! A double charge is usually a temporary authorisation that drops off within a few days. If it's still there on Friday, please DM us and we'll dig in.",
			"Hi {n}, you can find all invoices under Account > Billing > Invoices. Let us know if you need anything else!",
			"Hi {n}, I'm sorry for the confusion. Please send us a DM with the email on your account and we'll review the charges with you."),
		[T_LOGIN] = TL(
			"Hi {n}, sorry you're locked out! Please check your spam folder for the reset email, and make sure the app is up to date. Still stuck? Send us a DM.",
			"Hi {n}, we're aware of an issue with SMS codes for some carriers. Our team is working on it - you can use the authenticator app option in the meantime."),
		[T_OUTAGE] = TL(
			"Hi {n}, we're aware some customers are seeing error {c} and our engineers are on it. Follow {u} for updates. Sorry for the disruption!",
			"Thanks for letting us know {n}. Things should be back to normal now - could you try again and let us know?"),
		[T_SHIPPING] = TL(
			"Hi {n}, I'm sorry your parcel hasn't arrived. I've opened an investigation with the courier and we'll update you within 48 hours.",
			"Oh no, sorry to hear that {n}! Please DM us your order number and a photo and we'll send a replacement."),
		[T_BUG] = TL(
			"Thanks for the report {n}! Could you tell us your device model and app version? You'll find it under Settings > About.",
			"Hi {n}, thanks for the details. Our developers found the cause and a fix is coming in the next update."),
		[T_PRAISE] = TL(
			"Thank you so much {n}, that means a lot to the team! {e}",
			"Aw, thanks {n}! We'll pass this on {e}"),
	},
	[L_FR] = {
		[T_ORDER] = TL("Bonjour {n}, désolés pour l'attente ! Pouvez-vous nous envoyer votre numéro de commande en message privé ?"),
		[T_REFUND] = TL("Bonjour {n}, votre remboursement de {a} a été effectué aujourd'hui. Comptez 3 à 5 jours ouvrés."),
		[T_BILLING] = TL("Bonjour {n}, désolés pour ce désagrément. Envoyez-nous l'adresse e-mail de votre compte en MP et nous vérifions les prélèvements."),
		[T_LOGIN] = TL("Bonjour {n}, pensez à vérifier vos spams et à mettre l'appli à jour. Toujours bloqué(e) ? Écrivez-nous en MP."),
		[T_OUTAGE] = TL("Bonjour {n}, nous avons identifié un incident (erreur {c}) et nos équipes sont dessus. Suivez {u} pour les mises à jour."),
		[T_SHIPPING] = TL("Bonjour {n}, désolés ! Nous avons ouvert une enquête auprès du transporteur, retour sous 48 h."),
		[T_BUG] = TL("Merci pour le signalement {n} ! Quel modèle de téléphone et quelle version de l'appli utilisez-vous ?"),
		[T_PRAISE] = TL("Merci beaucoup {n}, ça fait plaisir à toute l'équipe ! {e}"),
	},
	[L_ES] = {
		[T_ORDER] = TL("Hola {n}, ¡perdona la espera! ¿Nos envías por MD tu número de pedido para revisarlo?"),
		[T_REFUND] = TL("Hola {n}, tu reembolso de {a} se ha emitido hoy. Lo verás en tu cuenta en 3-5 días hábiles."),
		[T_BILLING] = TL("Hola {n}, sentimos las molestias. Escríbenos por MD con el correo de tu cuenta y revisamos los cargos."),
		[T_LOGIN] = TL("Hola {n}, revisa la carpeta de spam y actualiza la app. Si sigue sin funcionar, escríbenos por MD."),
		[T_OUTAGE] = TL("Hola {n}, estamos al tanto del error {c} y nuestro equipo ya está trabajando en ello. Novedades en {u}"),
		[T_SHIPPING] = TL("Hola {n}, lo sentimos. Hemos abierto una incidencia con la empresa de transporte y te diremos algo en 48 h."),
		[T_BUG] = TL("¡Gracias por avisar, {n}! ¿Qué modelo de móvil y versión de la app usas?"),
		[T_PRAISE] = TL("¡Muchas gracias {n}! Se lo diremos al equipo {e}"),
	},
	[L_DE] = {
		[T_ORDER] = TL("Hallo {n}, entschuldige die Wartezeit! Schick uns bitte deine Bestellnummer per DM, dann schauen wir nach."),
		[T_REFUND] = TL("Hallo {n}, deine Erstattung über {a} wurde heute veranlasst. Sie sollte in 3-5 Werktagen auf deinem Konto sein."),
		[T_BILLING] = TL("Hallo {n}, das tut uns leid. Schick uns per DM die E-Mail-Adresse deines Kontos, dann prüfen wir die Abbuchungen."),
		[T_LOGIN] = TL("Hallo {n}, bitte schau auch im Spam-Ordner nach und aktualisiere die App. Klappt es dann immer noch nicht, melde dich per DM."),
		[T_OUTAGE] = TL("Hallo {n}, uns ist eine Störung (Fehler {c}) bekannt, unser Team arbeitet daran. Updates unter {u}"),
		[T_SHIPPING] = TL("Hallo {n}, das ist ärgerlich! Wir haben einen Nachforschungsauftrag beim Paketdienst gestartet und melden uns in 48 Std."),
		[T_BUG] = TL("Danke für die Meldung, {n}! Welches Gerät und welche App-Version nutzt du?"),
		[T_PRAISE] = TL("Vielen Dank, {n}! Das geben wir gern ans Team weiter {e}"),
	},
	[L_JA] = {
		[T_ORDER] = TL("{n}様、お待たせして申し訳ございません。ご注文番号をDMにてお知らせいただけますでしょうか。"),
		[T_REFUND] = TL("{n}様、本日{a}の返金手続きが完了いたしました。反映まで3〜5営業日ほどかかります。"),
		[T_BILLING] = TL("{n}様、ご迷惑をおかけして申し訳ございません。ご登録のメールアドレスをDMにてお知らせください。"),
		[T_LOGIN] = TL("{n}様、迷惑メールフォルダもご確認いただき、アプリを最新版に更新してお試しください。"),
		[T_OUTAGE] = TL("{n}様、現在エラー{c}が発生しており、復旧作業中です。最新情報は{u}をご確認ください。"),
		[T_SHIPPING] = TL("{n}様、ご不便をおかけしております。配送業者に調査を依頼いたしました。"),
		[T_BUG] = TL("{n}様、ご報告ありがとうございます。ご利用の端末とアプリのバージョンを教えていただけますか。"),
		[T_PRAISE] = TL("{n}様、温かいお言葉ありがとうございます！{e}"),
	},
	[L_PT] = {
		[T_ORDER] = TL("Oi {n}, desculpe a demora! Pode mandar o número do pedido por DM pra gente verificar?"),
		[T_REFUND] = TL("Oi {n}, seu reembolso de {a} foi processado hoje. Deve cair na sua conta em 3 a 5 dias úteis."),
		[T_BILLING] = TL("Oi {n}, sentimos muito. Manda por DM o e-mail da sua conta que a gente revisa as cobranças."),
		[T_LOGIN] = TL("Oi {n}, confere a caixa de spam e atualiza o app. Se continuar, chama a gente na DM."),
		[T_OUTAGE] = TL("Oi {n}, já sabemos do erro {c} e o time está trabalhando nisso. Atualizações em {u}"),
		[T_SHIPPING] = TL("Oi {n}, que chato! Abrimos uma reclamação com a transportadora e voltamos em até 48 h."),
		[T_BUG] = TL("Valeu pelo aviso, {n}! Qual modelo de celular e versão do app você usa?"),
		[T_PRAISE] = TL("Muito obrigado, {n}! Vamos repassar pro time {e}"),
	},
};

/* customer follow-ups by mood: 0 negative, 1 information, 2 positive */
enum { F_NEG, F_INFO, F_POS, NFOLLOW };
static const tlist IN_FOLLOW[NLANG][NFOLLOW] = {
	[L_EN] = {
		[F_NEG] = TL("Still nothing. This is ridiculous {e}", "I already DMed you {d} days ago and nobody answered.",
			     "That didn't work. Same error {c}.", "You said that last week too. {e}",
			     "Can I speak to an actual human please?", "Tried that twice.\nStill broken.\nNow what? {e}"),
		[F_INFO] = TL("DM sent 👍", "Order number is {o}, email is in the DM.", "iPhone 15, app version 8.4.1",
			      "Tried that, still \"invalid credentials\"", "Sent. Ref {o}"),
		[F_POS] = TL("That worked, thanks!! {e}", "Got it, thank you {e}", "Refund is in my account, thanks for the help",
			     "Perfect, all sorted {e}"),
	},
	[L_FR] = {
		[F_NEG] = TL("Toujours rien. C'est n'importe quoi {e}", "Ça ne marche pas, toujours l'erreur {c}."),
		[F_INFO] = TL("MP envoyé 👍", "Le numéro de commande est {o}."),
		[F_POS] = TL("Ça marche, merci ! {e}", "Parfait, merci beaucoup {e}"),
	},
	[L_ES] = {
		[F_NEG] = TL("Sigo sin respuesta. Esto es una vergüenza {e}", "No funciona, sigue el error {c}."),
		[F_INFO] = TL("Enviado por MD 👍", "El número de pedido es {o}."),
		[F_POS] = TL("¡Solucionado, gracias! {e}", "Perfecto, muchas gracias {e}"),
	},
	[L_DE] = {
		[F_NEG] = TL("Immer noch nichts. Unglaublich {e}", "Hat nicht geklappt, wieder Fehler {c}."),
		[F_INFO] = TL("DM ist raus 👍", "Bestellnummer ist {o}."),
		[F_POS] = TL("Hat geklappt, danke! {e}", "Super, vielen Dank {e}"),
	},
	[L_JA] = {
		[F_NEG] = TL("まだ解決していません{e}", "同じエラー{c}が出ます。"),
		[F_INFO] = TL("DM送りました", "注文番号は{o}です。"),
		[F_POS] = TL("解決しました、ありがとうございます！{e}", "助かりました{e}"),
	},
	[L_PT] = {
		[F_NEG] = TL("Até agora nada. Que absurdo {e}", "Não funcionou, continua o erro {c}."),
		[F_INFO] = TL("Mandei na DM 👍", "O número do pedido é {o}."),
		[F_POS] = TL("Deu certo, obrigado! {e}", "Perfeito, valeu {e}"),
	},
};

static const tlist OUT_FOLLOW[NLANG][NFOLLOW] = {
	[L_EN] = {
		[F_NEG] = TL("I'm really sorry {n}. I've escalated this to our specialist team and they'll contact you by email within 24 hours.",
			     "Sorry to hear that {n}. Could you try clearing the app cache and reinstalling? If that doesn't help we'll call you."),
		[F_INFO] = TL("Thanks {n}, we've got your DM and we're on it.",
			      "Thanks for your patience {n}. We've processed a refund of {a} - you'll see it in 3-5 business days."),
		[F_POS] = TL("Glad we could help {n}! Have a great day {e}", "Happy to hear that, {n}! We're here if you need anything else."),
	},
	[L_FR] = {
		[F_NEG] = TL("Vraiment désolés {n}, nous transmettons votre dossier à l'équipe spécialisée."),
		[F_INFO] = TL("Merci {n}, bien reçu, on s'en occupe."),
		[F_POS] = TL("Ravis d'avoir pu aider, {n} ! Belle journée {e}"),
	},
	[L_ES] = {
		[F_NEG] = TL("Lo sentimos mucho {n}, hemos escalado tu caso al equipo especializado."),
		[F_INFO] = TL("Gracias {n}, lo hemos recibido y ya estamos en ello."),
		[F_POS] = TL("¡Nos alegra haberte ayudado, {n}! {e}"),
	},
	[L_DE] = {
		[F_NEG] = TL("Das tut uns wirklich leid, {n}. Wir haben den Fall an unser Fachteam weitergegeben."),
		[F_INFO] = TL("Danke {n}, ist angekommen, wir kümmern uns."),
		[F_POS] = TL("Freut uns, dass es geklappt hat, {n}! {e}"),
	},
	[L_JA] = {
		[F_NEG] = TL("{n}様、大変申し訳ございません。専門チームに引き継ぎいたしました。"),
		[F_INFO] = TL("{n}様、DMを確認いたしました。対応いたします。"),
		[F_POS] = TL("{n}様、解決してよかったです！{e}"),
	},
	[L_PT] = {
		[F_NEG] = TL("Sentimos muito, {n}. Encaminhamos seu caso para o time especializado."),
		[F_INFO] = TL("Valeu {n}, recebemos e já estamos verificando."),
		[F_POS] = TL("Que bom que deu certo, {n}! {e}"),
	},
};

/* second paragraphs of long-form posts (reddit, forum, facebook) */
static const tlist IN_DETAIL[NLANG] = {
	[L_EN] = TL("I've already tried reinstalling, clearing the cache and logging out and back in. Nothing.",
		    "Called the hotline twice, waited 40+ minutes each time, got disconnected both times {e}",
		    "Customer since 2019 and never had a problem like this before.",
		    "Their chat bot just keeps sending me the same FAQ link.\nIs there a real person I can talk to?",
		    "Edit: still no reply after {d} days. Edit 2: someone else in the comments has the same issue.",
		    "Details:\n- order {o}\n- paid {a} by card\n- ordered on the website, not the app",
		    "Has anyone else had this? What worked for you?",
		    "Not trying to rant, I just want this sorted. TIA"),
	[L_FR] = TL("J'ai déjà tout essayé : réinstaller l'appli, vider le cache... rien.",
		    "Client depuis 2018, jamais eu de souci comme ça. Quelqu'un a une solution ?"),
	[L_ES] = TL("Ya lo he intentado todo: reinstalar la app, borrar la caché... nada.",
		    "Llamé dos veces al teléfono de atención y nadie me dio solución. ¿A alguien más le pasa?"),
	[L_DE] = TL("Habe schon alles probiert: App neu installiert, Cache geleert... nichts.",
		    "Kunde seit 2017 und so etwas ist mir noch nie passiert. Hat jemand eine Lösung?"),
	[L_JA] = TL("アプリの再インストールもキャッシュ削除も試しましたがダメでした。",
		    "同じ症状の方いますか？"),
	[L_PT] = TL("Já tentei de tudo: reinstalar o app, limpar o cache... nada.",
		    "Cliente desde 2019 e nunca tive esse problema. Alguém sabe como resolver?"),
};

static const tlist IN_NUDGE[NLANG] = {
	[L_EN] = TL("{b} hello?? anyone there?", "{b} still waiting for a reply {e}", "It's been {d} hours {b}. Nothing. {e}",
		    "{b} ??? {e}"),
	[L_FR] = TL("{b} il y a quelqu'un ?? {e}", "{b} toujours pas de réponse..."),
	[L_ES] = TL("{b} ¿hola? ¿alguien? {e}", "{b} sigo esperando respuesta..."),
	[L_DE] = TL("{b} hallo?? Jemand da? {e}", "{b} warte immer noch auf eine Antwort..."),
	[L_JA] = TL("{b} 返信まだですか？{e}"),
	[L_PT] = TL("{b} alô?? tem alguém aí? {e}", "{b} ainda esperando resposta..."),
};

/* sensitive content, appended to inbound texts (escalation tests) */
static const tlist SENSITIVE[NLANG] = {
	[L_EN] = TL(" My number is +1 (415) 555-0{d}42, just call me.", " Email me at {n}.{d}@gmail.com ASAP",
		    " If this isn't fixed by Friday I'll sue. My lawyer is already involved.",
		    " I can see someone else's orders and home address in my account?! This is a data leak.",
		    " Card is 4929 1234 5678 9012 exp 08/28 if you need it",
		    " I'm reporting you to the FTC and the BBB."),
	[L_FR] = TL(" Mon numéro : 06 12 34 5{d} 78, appelez-moi.", " Je vais porter plainte, mon avocat est prévenu.",
		    " Je vois les commandes et l'adresse d'un autre client dans mon compte ! C'est une fuite de données."),
	[L_ES] = TL(" Mi teléfono es 612 345 6{d}8, llamadme.", " Os voy a denunciar, ya he hablado con mi abogado.",
		    " ¡Veo los datos de otro cliente en mi cuenta! Esto es una filtración de datos."),
	[L_DE] = TL(" Meine Nummer: 0151 2345 6{d}7, ruft mich an.", " Ich schalte meinen Anwalt ein.",
		    " Ich sehe die Bestellungen und Adresse eines anderen Kunden! Das ist ein Datenleck."),
	[L_JA] = TL(" 電話番号は090-1234-5{d}78です。", " 訴えます。弁護士に相談済みです。",
		    " 他人の住所が表示されています！情報漏洩では？"),
	[L_PT] = TL(" Meu celular é (11) 98765-4{d}21, me liga.", " Vou processar vocês, já falei com meu advogado.",
		    " Estou vendo os dados de outro cliente na minha conta! Isso é vazamento de dados."),
};

static const tlist ANNOUNCE[NLANG] = {
	[L_EN] = TL("We're aware some customers can't log in right now. Our team is investigating - updates to follow at {u}",
		    "Scheduled maintenance tonight from 01:00 to 03:00 UTC. {p} may be unavailable during this time.",
		    "Update: the issue affecting payments has been resolved. Thanks for your patience! {e}",
		    "Heads up: we're seeing delays with deliveries in some areas due to the weather 🌨️ We'll keep you posted."),
	[L_FR] = TL("Nous rencontrons actuellement un incident. Nos équipes sont mobilisées : {u}"),
	[L_ES] = TL("Estamos experimentando una incidencia. Nuestro equipo ya está trabajando en ello: {u}"),
	[L_DE] = TL("Aktuell kommt es zu einer Störung. Wir arbeiten mit Hochdruck daran: {u}"),
	[L_JA] = TL("現在、一部のサービスで障害が発生しております。詳細は{u}をご確認ください。"),
	[L_PT] = TL("Estamos com instabilidade no momento. Nosso time já está trabalhando nisso: {u}"),
};

static const char *const ERRCODES[] = {"E-4012", "E-503", "HTTP 503", "ERR_CONNECTION_RESET", "E-1107", "0x80070005", "502 Bad Gateway", "E-999"};
static const char *const JSNIPS[] = {
	"{\"error\":\"invalid_grant\",\"error_description\":\"Bad credentials\"}",
	"{\"status\":503,\"message\":\"Service Unavailable\",\"retry\":true}",
	"TypeError: Cannot read properties of undefined (reading 'total')",
	"{\"code\":\"PAYMENT_DECLINED\",\"detail\":\"3DS \\\"challenge\\\" failed\"}",
	"Uncaught (in promise) Error: [checkout] cart_id=null\n    at submit (app.js:1:2048)",
};
static const char *const BSNIPS[] = {
	"C:\\Program Files\\{p}\\app.exe", "C:\\Users\\me\\AppData\\Local\\{p}\\cache\\",
	"\\\\server\\share\\{p}\\sync.log", "%APPDATA%\\{p}\\settings.json",
};
static const char *const AGENTS[] = {"^JD", "^JD", "^MK", "^AL", "^SR", "^TB", "^LC", "-Sam", "- Priya", "/ Ben"};

/* rare odd bytes, appended to some inbound texts */
typedef struct {
	const char *s;
	size_t n;
} bytes_t;
#define BY(lit) {lit, sizeof(lit) - 1}
static const bytes_t ODD[] = {
	BY(" \x1b[31mERROR\x1b[0m"),                  /* ANSI colours: \u001b */
	BY(" line1\xe2\x80\xa8line2"),                /* U+2028 raw */
	BY("\xef\xbb\xbf"),                           /* BOM in the middle */
	BY(" cafe\xcc\x81"),                          /* combining acute */
	BY(" nul:\0:here"),                           /* \u0000 */
	BY(" del:\x7f"),                              /* DEL, legal raw */
	BY(" \xe2\x80\x8bzero\xe2\x80\x8bwidth"),     /* ZWSP */
	BY(" bell\x07"),                              /* \u0007 */
	BY(" \x01\x02\x1f"),                          /* assorted controls */
	BY(" \\u0041 is not an escape"),              /* literal backslash-u */
	BY(" 𝕳𝖊𝖑𝖕 𝖕𝖑𝖟"),                             /* mathematical letters (non-BMP) */
	BY(" \t\ttabbed\t"),
};
#define NODD ((int)(sizeof ODD / sizeof ODD[0]))

/* ------------------------------------------------------------------ */
/* Accounts                                                             */
/* ------------------------------------------------------------------ */

typedef struct {
	char id[48];
	char handle[80];
	char name[160];
	char user[48]; /* mastodon: local part of the handle */
	const char *inst;
	const char *first; /* for "Hi {n}" */
	uint64_t followers;
	int lang;
} person_t;

static uint64_t g_seed;
static person_t brand_acct[NBRAND][NPLAT];

static const char B32S[] = "234567abcdefghijklmnopqrstuvwxyz";

static void add_did(sbuf *s, uint32_t uniq20, rng_t *r)
{
	sb_adds(s, "did:plc:");
	for (int i = 0; i < 4; i++)
		sb_addc(s, B32S[(uniq20 >> (15 - 5 * i)) & 31]);
	for (int i = 0; i < 20; i++)
		sb_addc(s, B32S[rng_below(r, 32)]);
}

static void copy_sb(char *dst, size_t cap, sbuf *s)
{
	size_t n = s->n < cap - 1 ? s->n : cap - 1;
	memcpy(dst, s->b, n);
	dst[n] = 0;
}

static void init_brands(void)
{
	static const int PLAT_FOLLOW_PCT[NPLAT] = {100, 6, 9, 4, 140, 2};
	for (int b = 0; b < NBRAND; b++) {
		for (int p = 0; p < NPLAT; p++) {
			person_t *a = &brand_acct[b][p];
			rng_t r;
			rng_seed(&r, 0xB4A9D5u + (uint64_t)b * 131 + (uint64_t)p);
			sbuf s;
			s.n = 0;
			switch (p) {
			case P_TW: sb_addu(&s, 14000000 + rng_below(&r, 900000000)); break;
			case P_MA: sb_addu(&s, 109000000000000000ULL + rng_below(&r, 2000000000)); break;
			case P_BS: add_did(&s, (uint32_t)(0xF0000 + b), &r); break;
			case P_RD: sb_adds(&s, "t2_"); sb_add36(&s, 36ULL * 36 * 36 * 36 * 36 + rng_below(&r, 60000000)); break;
			case P_FB: sb_addu(&s, 100064000000000ULL + rng_below(&r, 900000000)); break;
			case P_FO: sb_addu(&s, 2 + (uint64_t)b); break;
			}
			copy_sb(a->id, sizeof a->id, &s);
			snprintf(a->handle, sizeof a->handle, "%s", BRANDS[b].handle);
			snprintf(a->name, sizeof a->name, "%s", BRANDS[b].name);
			snprintf(a->user, sizeof a->user, "%s", BRANDS[b].handle);
			a->inst = "mastodon.social";
			a->followers = (uint64_t)BRANDS[b].followers * (uint64_t)PLAT_FOLLOW_PCT[p] / 100 + rng_below(&r, 997);
			a->lang = L_EN;
			a->first = BRANDS[b].name;
		}
	}
}

/* customer pool per platform: 2^20 people, derived on demand from the index */
#define CUST_BITS 20
#define CUST_MASK ((1u << CUST_BITS) - 1)

static uint32_t perm20(uint32_t x)
{
	/* a bijection on 20 bits */
	x = (x * 0x9E3B5u) & CUST_MASK;
	x ^= x >> 10;
	x = (x * 0x5BD1Fu) & CUST_MASK;
	x ^= x >> 9;
	x = (x * 0x2C1B3u) & CUST_MASK;
	return x;
}

static int pick_w(rng_t *r, const int *w, int n)
{
	int tot = 0;
	for (int i = 0; i < n; i++)
		tot += w[i];
	int x = (int)rng_below(r, (uint32_t)tot);
	for (int i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

static void make_customer(int plat, uint32_t idx, person_t *c)
{
	rng_t r;
	rng_seed(&r, mix64(g_seed * 0x100000001B3ULL ^ ((uint64_t)plat << 40) ^ idx));
	uint32_t u = perm20(idx); /* unique per idx: makes ids and handles unique */
	int lang = pick_w(&r, LANG_WEIGHT, NLANG);
	c->lang = lang;
	const name_t *f = &FIRST[lang].v[rng_below(&r, (uint32_t)FIRST[lang].n)];
	const name_t *l = &LAST[lang].v[rng_below(&r, (uint32_t)LAST[lang].n)];
	c->first = f->disp;

	/* display name */
	sbuf s;
	s.n = 0;
	uint32_t ns = rng_below(&r, 100);
	if (lang == L_JA) {
		sb_adds(&s, l->disp);
		if (ns < 70)
			sb_addc(&s, ' ');
		sb_adds(&s, f->disp);
		c->first = l->disp; /* "佐藤様" */
	} else if (ns < 2) {
		/* a name that needs escaping */
		sb_adds(&s, f->disp);
		sb_adds(&s, " \"");
		sb_adds(&s, NICK[rng_below(&r, sizeof NICK / sizeof NICK[0])]);
		sb_adds(&s, "\" ");
		sb_adds(&s, l->disp);
	} else if (ns < 10) {
		sb_adds(&s, f->disp);
	} else if (ns < 14) {
		for (const char *p = f->ascii; *p; p++)
			sb_addc(&s, *p);
		sb_addc(&s, ' ');
		sb_adds(&s, l->ascii);
	} else {
		sb_adds(&s, f->disp);
		sb_addc(&s, ' ');
		sb_adds(&s, l->disp);
	}
	if (rng_below(&r, 100) < 9)
		sb_adds(&s, NAME_EMOJI[rng_below(&r, sizeof NAME_EMOJI / sizeof NAME_EMOJI[0])]);
	copy_sb(c->name, sizeof c->name, &s);

	/* handle base, then a number unique to the index */
	char base[48];
	uint32_t hs = rng_below(&r, 100);
	if (plat == P_RD && hs < 35) {
		/* one PRNG call per statement: argument order is unspecified */
		uint32_t adj = rng_below(&r, 10);
		uint32_t noun = rng_below(&r, 10);
		snprintf(base, sizeof base, "%s-%s-", RD_ADJ[adj], RD_NOUN[noun]);
	}
	else if (hs < 25)
		snprintf(base, sizeof base, "%s%s", f->ascii, l->ascii);
	else if (hs < 45)
		snprintf(base, sizeof base, "%s_%s", f->ascii, l->ascii);
	else if (hs < 70)
		snprintf(base, sizeof base, "%s", f->ascii);
	else if (hs < 82)
		snprintf(base, sizeof base, "%c%s", f->ascii[0], l->ascii);
	else
		snprintf(base, sizeof base, "%s", NICK[rng_below(&r, sizeof NICK / sizeof NICK[0])]);
	char num[16];
	int nn = fmt_u64(num, u);
	num[nn] = 0;
	if (plat == P_TW) {
		/* 15 characters at most */
		int room = 15 - nn;
		if ((int)strlen(base) > room)
			base[room] = 0;
	}
	if (plat == P_FB) {
		/* facebook has no handles on comments; use a vanity-style name */
		for (char *p = base; *p; p++)
			if (*p == '_' || *p == '-')
				*p = '.';
	}
	snprintf(c->user, sizeof c->user, "%s%s", base, num);
	c->inst = MA_INST[lang][rng_below(&r, 3)];
	switch (plat) {
	case P_MA: snprintf(c->handle, sizeof c->handle, "%s@%s", c->user, c->inst); break;
	case P_BS: snprintf(c->handle, sizeof c->handle, "%s.bsky.social", c->user); break;
	default: snprintf(c->handle, sizeof c->handle, "%s", c->user); break;
	}
	if (plat == P_BS) {
		for (char *p = c->handle; *p; p++) {
			if (*p == '_')
				*p = '-';
			else if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		}
	}

	/* id */
	s.n = 0;
	switch (plat) {
	case P_TW:
		if (rng_below(&r, 100) < 45) {
			uint64_t hi = 1100000ULL + rng_below(&r, 800000);
			uint64_t mid = rng_below(&r, 1u << 20);
			sb_addu(&s, (hi << 40) + (mid << 20) + u);
		} else
			sb_addu(&s, ((uint64_t)(1 + rng_below(&r, 1500)) << 20) + u);
		break;
	case P_MA: sb_addu(&s, 109000000000000000ULL + ((uint64_t)rng_below(&r, 1u << 30) << 20) + u); break;
	case P_BS: add_did(&s, u, &r); break;
	case P_RD: sb_adds(&s, "t2_"); sb_add36(&s, ((uint64_t)(40000 + rng_below(&r, 2000000)) << 20) + u); break;
	case P_FB: sb_addu(&s, 100000000000000ULL + ((uint64_t)rng_below(&r, 1u << 26) << 20) + u); break;
	case P_FO: sb_addu(&s, 1000 + (uint64_t)idx); break;
	}
	copy_sb(c->id, sizeof c->id, &s);

	/* followers: log-normal, median ~150, a few very large accounts */
	uint64_t fo = lognormal(&r, 150, 1900);
	if (rng_below(&r, 100) < 4)
		fo = rng_below(&r, 5);
	if (fo > 40000000)
		fo = 40000000;
	if (plat == P_FO)
		fo = fo / 30;
	c->followers = fo;
}

/* ------------------------------------------------------------------ */
/* Text expansion                                                       */
/* ------------------------------------------------------------------ */

typedef struct {
	rng_t *r;
	const brand_t *br;
	int plat, lang, mood, dm;
	int dropped; /* the text began with a mention that a DM leaves out */
	const char *first;
	uint64_t order; /* order number for this thread */
} tctx_t;

static void add_amount(sbuf *s, rng_t *r, int lang)
{
	uint32_t cents = 499 + rng_below(r, 30000);
	switch (lang) {
	case L_JA: {
		uint32_t yen = cents / 10 * 10;
		sb_adds(s, "¥");
		if (yen >= 1000) {
			sb_addu(s, yen / 1000);
			sb_addc(s, ',');
			sb_addu_w(s, yen % 1000, 3);
		} else {
			sb_addu(s, yen);
		}
		return;
	}
	case L_EN:
		sb_adds(s, rng_below(r, 4) ? "$" : "£");
		sb_addu(s, cents / 100);
		sb_addc(s, '.');
		sb_addu_w(s, cents % 100, 2);
		return;
	case L_PT:
		sb_adds(s, "R$ ");
		sb_addu(s, cents / 100);
		sb_addc(s, ',');
		sb_addu_w(s, cents % 100, 2);
		return;
	default:
		sb_addu(s, cents / 100);
		sb_addc(s, ',');
		sb_addu_w(s, cents % 100, 2);
		sb_adds(s, " €");
		return;
	}
}

static void expand(sbuf *s, const char *tpl, tctx_t *t);

static void add_mention(sbuf *s, tctx_t *t)
{
	if (t->dm) {
		/* no @mention in a DM: dropped at the start, the brand's name inside */
		if (s->n == 0)
			t->dropped = 1;
		else
			sb_adds(s, t->br->product);
		return;
	}
	if (t->plat == P_RD || t->plat == P_FB || t->plat == P_FO) {
		uint32_t x = rng_below(t->r, 100);
		if (x < 50) {
			sb_addc(s, '@');
			sb_adds(s, t->br->handle);
		} else if (t->plat == P_RD && x < 70) {
			sb_adds(s, "u/");
			sb_adds(s, t->br->handle);
		} else {
			sb_adds(s, t->br->product);
		}
		return;
	}
	sb_addc(s, '@');
	sb_adds(s, t->br->handle);
}

static void add_pick(sbuf *s, const tlist *l, tctx_t *t)
{
	expand(s, l->v[rng_below(t->r, (uint32_t)l->n)], t);
}

static void expand(sbuf *s, const char *tpl, tctx_t *t)
{
	const char *p = tpl;
	while (*p) {
		if (p[0] == '{' && p[1] >= 'A' && p[1] <= 'z' && p[2] == '}') {
			size_t before = s->n;
			switch (p[1]) {
			case 'b': add_mention(s, t); break;
			case 'o':
				sb_addc(s, '#');
				sb_adds(s, t->br->code);
				sb_addu(s, t->order);
				break;
			case 'a': add_amount(s, t->r, t->lang); break;
			case 'd': sb_addu(s, 2 + rng_below(t->r, 12)); break;
			case 'e': {
				/* not every message carries emoji */
				if (rng_below(t->r, 100) < 70)
					sb_adds(s, EMOJI[t->mood].v[rng_below(t->r, (uint32_t)EMOJI[t->mood].n)]);
				break;
			}
			case 'n': sb_adds(s, t->first); break;
			case 'c': sb_adds(s, ERRCODES[rng_below(t->r, sizeof ERRCODES / sizeof ERRCODES[0])]); break;
			case 'J': sb_adds(s, JSNIPS[rng_below(t->r, sizeof JSNIPS / sizeof JSNIPS[0])]); break;
			case 's': expand(s, BSNIPS[rng_below(t->r, sizeof BSNIPS / sizeof BSNIPS[0])], t); break;
			case 'p': sb_adds(s, t->br->product); break;
			case 'u':
				sb_adds(s, "https://status.");
				sb_adds(s, t->br->domain);
				break;
			default: sb_add(s, p, 3); break;
			}
			p += 3;
			/* an empty substitution leaves no double, leading or trailing space */
			if (s->n == before) {
				if (*p == ' ' && (s->n == 0 || s->b[s->n - 1] == ' ' || s->b[s->n - 1] == '\n'))
					p++;
				else if ((*p == 0 || *p == '\n' || *p == ',' || *p == '.' || *p == '!' || *p == '?') &&
					 s->n > 0 && s->b[s->n - 1] == ' ')
					s->n--;
			}
			continue;
		}
		const char *q = p + 1;
		while (*q && *q != '{')
			q++;
		sb_add(s, p, (size_t)(q - p));
		p = q;
	}
}

static void trim_end(sbuf *s)
{
	while (s->n > 0 && s->b[s->n - 1] == ' ')
		s->n--;
}

/* ------------------------------------------------------------------ */
/* Threads                                                              */
/* ------------------------------------------------------------------ */

enum { NX_BRAND, NX_CUST, NX_NUDGE };

typedef struct {
	int64_t t;       /* time of the next message, ms */
	uint64_t seq;    /* tie-break, insertion order */
	uint64_t order;  /* order number mentioned in the thread */
	uint64_t rootnum;/* reddit post / facebook post / forum topic number */
	uint32_t cust;
	uint8_t brand, plat, lang, topic, dm, n, next, fmood;
	char root[48];
	char last[48];
} thr_t;

static thr_t *heap;
static size_t heapn, heapcap;
static uint64_t heapseq;

static int thr_less(const thr_t *a, const thr_t *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void heap_push(const thr_t *x)
{
	if (heapn == heapcap) {
		heapcap = heapcap ? heapcap * 2 : 1024;
		thr_t *nh = realloc(heap, heapcap * sizeof *heap);
		if (!nh) {
			fprintf(stderr, PROG ": out of memory\n");
			exit(EX_OSERR);
		}
		heap = nh;
	}
	size_t i = heapn++;
	heap[i] = *x;
	heap[i].seq = heapseq++;
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!thr_less(&heap[i], &heap[p]))
			break;
		thr_t tmp = heap[i];
		heap[i] = heap[p];
		heap[p] = tmp;
		i = p;
	}
}

static void heap_pop(thr_t *out)
{
	*out = heap[0];
	heap[0] = heap[--heapn];
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < heapn && thr_less(&heap[l], &heap[m]))
			m = l;
		if (r < heapn && thr_less(&heap[r], &heap[m]))
			m = r;
		if (m == i)
			break;
		thr_t tmp = heap[i];
		heap[i] = heap[m];
		heap[m] = tmp;
		i = m;
	}
}

/* ------------------------------------------------------------------ */
/* Record writer                                                        */
/* ------------------------------------------------------------------ */

static rng_t R;  /* main stream */
static rng_t XR; /* extra keys: separate, so -x never changes the rest */
static uint32_t extra_pcm = 1000; /* per 100,000 */

#define TWEPOCH 1288834974657LL

static const char *kind_of(int plat, int dm, int is_root)
{
	if (dm)
		return "dm";
	if (is_root)
		return "post";
	return (plat == P_RD || plat == P_FB) ? "comment" : "reply";
}

/* native id for record number k (unique: every scheme includes k) */
static void make_native_id(sbuf *s, thr_t *th, int is_root, uint64_t k, int64_t t, uint64_t *num)
{
	*num = 0;
	switch (th->plat) {
	case P_TW:
		sb_adds(s, "twitter:");
		*num = ((uint64_t)(t - TWEPOCH) << 22) | (k & 0x3FFFFF);
		sb_addu(s, *num);
		break;
	case P_MA:
		sb_adds(s, "mastodon:");
		*num = ((uint64_t)t << 16) | (k & 0xFFFF);
		sb_addu(s, *num);
		break;
	case P_BS: {
		sb_adds(s, "bluesky:");
		uint64_t us = (uint64_t)t * 1000 + k % 1000;
		uint64_t v = (us << 10) | ((k / 1000) & 1023);
		char b[13];
		for (int i = 12; i >= 0; i--) {
			b[i] = B32S[v & 31];
			v >>= 5;
		}
		sb_add(s, b, 13);
		break;
	}
	case P_RD:
		if (is_root) {
			*num = 2900000000ULL + k;
			sb_adds(s, "reddit:t3_");
		} else {
			*num = 48000000000ULL + k;
			sb_adds(s, "reddit:t1_");
		}
		sb_add36(s, *num);
		break;
	case P_FB:
		sb_adds(s, "facebook:");
		if (th->dm) {
			sb_adds(s, "m_");
			*num = 2821109907456ULL + k * 7919; /* 36^8 + k * prime */
			sb_add36(s, *num);
		} else if (is_root) {
			*num = 1100000000000000ULL + k;
			sb_adds(s, brand_acct[th->brand][P_FB].id);
			sb_addc(s, '_');
			sb_addu(s, *num);
		} else {
			*num = 1200000000000000ULL + k;
			sb_addu(s, th->rootnum);
			sb_addc(s, '_');
			sb_addu(s, *num);
		}
		break;
	case P_FO:
		*num = 100000 + k;
		sb_adds(s, "forum:");
		sb_addu(s, *num);
		break;
	}
}

static void make_url(sbuf *s, thr_t *th, const person_t *author, const person_t *cust,
		     const char *nid, uint64_t num, int is_root)
{
	const brand_t *br = &BRANDS[th->brand];
	switch (th->plat) {
	case P_TW:
		if (th->dm) {
			sb_adds(s, "https://x.com/messages/");
			sb_adds(s, brand_acct[th->brand][P_TW].id);
			sb_addc(s, '-');
			sb_adds(s, cust->id);
		} else {
			sb_adds(s, "https://x.com/");
			sb_adds(s, author->handle);
			sb_adds(s, "/status/");
			sb_addu(s, num);
		}
		break;
	case P_MA:
		sb_adds(s, "https://");
		sb_adds(s, author->inst);
		sb_adds(s, "/@");
		sb_adds(s, author->user);
		sb_addc(s, '/');
		sb_addu(s, num);
		break;
	case P_BS:
		if (th->dm) {
			sb_adds(s, "https://bsky.app/messages/");
			sb_adds(s, th->root + 8);
		} else {
			sb_adds(s, "https://bsky.app/profile/");
			sb_adds(s, author->id);
			sb_adds(s, "/post/");
			sb_adds(s, nid + 8);
		}
		break;
	case P_RD:
		sb_adds(s, "https://www.reddit.com/r/");
		sb_adds(s, br->sub);
		sb_adds(s, "/comments/");
		sb_add36(s, th->rootnum);
		sb_addc(s, '/');
		sb_adds(s, TOPIC_SLUG[th->topic]);
		sb_addc(s, '/');
		if (!is_root) {
			sb_add36(s, num);
			sb_addc(s, '/');
		}
		break;
	case P_FB:
		if (th->dm) {
			sb_adds(s, "https://www.facebook.com/messages/t/");
			sb_adds(s, cust->id);
		} else {
			sb_adds(s, "https://www.facebook.com/");
			sb_adds(s, brand_acct[th->brand][P_FB].id);
			sb_adds(s, "/posts/");
			sb_addu(s, th->rootnum);
			if (!is_root) {
				sb_adds(s, "?comment_id=");
				sb_addu(s, num);
			}
		}
		break;
	case P_FO:
		sb_adds(s, "https://community.");
		sb_adds(s, br->domain);
		sb_adds(s, "/t/");
		sb_adds(s, TOPIC_SLUG[th->topic]);
		sb_addc(s, '/');
		sb_addu(s, th->rootnum);
		sb_addc(s, '/');
		sb_addu(s, (uint64_t)th->n + 1);
		break;
	}
}

static void put_person(const person_t *p)
{
	PUTL("{\"id\":");
	put_jstr0(p->id);
	PUTL(",\"handle\":");
	put_jstr0(p->handle);
	PUTL(",\"name\":");
	put_jstr0(p->name);
	PUTL(",\"followers\":");
	put_u64(p->followers);
	putch('}');
}

static void put_extra_value(rng_t *r, int depth);

static void put_extra_scalar(rng_t *r)
{
	static const char *const STR[] = {
		"value", "", "caf\xc3\xa9 \"quoted\" \\ back\\slash", "line\nbreak\ttab", "😀 日本語 ✓",
		"https://example.com/a/b?c=d&e=f", "\x1b[0m", "null", "true", "0", "-1e5", "{\"not\":\"json\"}",
		"x_0", "\xe2\x80\xa8", "a/b/c",
	};
	switch (rng_below(r, 13)) {
	case 0: put_i64(rng_range(r, -1000, 100000)); break;
	case 1: put_u64(rng_next(r)); break; /* beyond 2^53 */
	case 2:
		put_i64(rng_range(r, -999, 999));
		putch('.');
		put_u64(rng_below(r, 1000));
		break;
	case 3:
		put_i64(rng_range(r, -9, 9));
		putch('.');
		put_u64(rng_below(r, 100));
		putch(rng_below(r, 2) ? 'e' : 'E');
		if (rng_below(r, 2))
			putch(rng_below(r, 2) ? '-' : '+');
		put_u64(rng_below(r, 100) < 95 ? rng_below(r, 40) : rng_below(r, 300));
		break;
	case 4: put_jstr0(STR[rng_below(r, sizeof STR / sizeof STR[0])]); break;
	case 5: {
		char b[40];
		int n = snprintf(b, sizeof b, "s%u", (unsigned)rng_below(r, 1000000));
		put_jstr(b, (size_t)n);
		break;
	}
	case 6: PUTL("true"); break;
	case 7: PUTL("false"); break;
	case 8: PUTL("null"); break;
	case 9: PUTL("0"); break;
	case 10: PUTL("-0"); break;
	case 11: PUTL("0.0"); break;
	default: put_u64(rng_below(r, 10)); break;
	}
}

static void put_extra_value(rng_t *r, int depth)
{
	uint32_t k = rng_below(r, 100);
	if (depth > 6 || k < 78 + 4 * (uint32_t)depth) {
		put_extra_scalar(r);
	} else if (k < 86) {
		putch('[');
		uint32_t n = rng_below(r, 5);
		for (uint32_t i = 0; i < n; i++) {
			if (i)
				putch(',');
			put_extra_value(r, depth + 1);
		}
		putch(']');
	} else if (k < 92) {
		putch('{');
		uint32_t n = rng_below(r, 5);
		for (uint32_t i = 0; i < n; i++) {
			if (i)
				putch(',');
			char key[8] = {'"', (char)('a' + i), '"', ':', 0};
			put(key, 4);
			put_extra_value(r, depth + 1);
		}
		putch('}');
	} else if (k < 93) {
		/* deep nesting */
		uint32_t d = 8 + rng_below(r, 40);
		for (uint32_t i = 0; i < d; i++)
			put(i & 1 ? "{\"k\":" : "[", i & 1 ? 5 : 1);
		put_extra_scalar(r);
		for (uint32_t i = d; i-- > 0;)
			putch(i & 1 ? '}' : ']');
	} else {
		static const char *const E[] = {"{}", "[]", "[{}]", "{\" \":\"\"}", "[[],[[]]]"}; /* not {"":""}: Miller rejects empty keys */
		puts0(E[rng_below(r, 5)]);
	}
}

static void put_extras(void)
{
	uint32_t n = 200 + rng_below(&XR, 101);
	for (uint32_t i = 0; i < n; i++) {
		PUTL(",\"x_");
		put_u64(i);
		PUTL("\":");
		put_extra_value(&XR, 0);
	}
}

static void put_metrics(rng_t *r, const person_t *author, int dm, int is_root, int out)
{
	uint64_t likes = 0, reposts = 0, replies = 0, quotes = 0;
	if (!dm) {
		uint64_t reach = author->followers;
		if (out)
			reach = reach / 200;
		if (reach > 2000000)
			reach = 2000000;
		uint64_t m = 16 + reach / 20; /* x16 fixed point */
		uint64_t v = lognormal(r, m, 1500);
		likes = v / 16;
		if (rng_below(r, 100) < 45)
			likes = 0;
		reposts = likes / 6 + (rng_below(r, 100) < 8 ? rng_below(r, 4) : 0);
		quotes = reposts / 5;
		replies = is_root ? rng_below(r, 4) : (rng_below(r, 100) < 10 ? 1 : 0);
	}
	PUTL(",\"metrics\":{\"likes\":");
	put_u64(likes);
	PUTL(",\"reposts\":");
	put_u64(reposts);
	PUTL(",\"replies\":");
	put_u64(replies);
	PUTL(",\"quotes\":");
	put_u64(quotes);
	PUTL("}}");
}

/* which message of the thread this is */
enum { MSG_ROOT, MSG_BRAND_FIRST, MSG_CUST_FOLLOW, MSG_BRAND_FOLLOW, MSG_NUDGE, MSG_ANNOUNCE };

static void emit(uint64_t k, thr_t *th, int msg, int64_t t)
{
	static sbuf text, idb, urlb;
	const brand_t *br = &BRANDS[th->brand];
	int out = (msg == MSG_BRAND_FIRST || msg == MSG_BRAND_FOLLOW || msg == MSG_ANNOUNCE);
	int is_root = (msg == MSG_ROOT || msg == MSG_ANNOUNCE);
	person_t cust;
	const person_t *author;
	if (msg != MSG_ANNOUNCE)
		make_customer(th->plat, th->cust, &cust);
	else
		cust = brand_acct[th->brand][th->plat];
	author = out ? &brand_acct[th->brand][th->plat] : &cust;

	/* id */
	idb.n = 0;
	uint64_t num;
	make_native_id(&idb, th, is_root, k, t, &num);
	idb.b[idb.n] = 0;
	if (is_root) {
		th->rootnum = num;
		snprintf(th->root, sizeof th->root, "%s", idb.b);
	}

	/* text */
	tctx_t tc = {&R, br, th->plat, th->lang, M_ANGRY, th->dm, 0, cust.first, th->order};
	uint32_t mr = rng_below(&R, 100);
	tc.mood = th->topic == T_PRAISE ? M_HAPPY : mr < 60 ? M_ANGRY : mr < 85 ? M_SAD : M_NEUTRAL;
	text.n = 0;
	int escmode = ESC_PLAIN;
	switch (msg) {
	case MSG_ROOT:
		if (!th->dm && (th->plat == P_RD || th->plat == P_FO) && th->lang == L_EN) {
			sb_adds(&text, TOPIC_TITLE[th->topic]);
			sb_adds(&text, "\n\n");
		}
		add_pick(&text, &IN_OPEN[th->lang][th->topic], &tc);
		if (!th->dm && (th->plat == P_RD || th->plat == P_FO || th->plat == P_FB) && rng_below(&R, 100) < 50) {
			/* longer posts on long-form platforms */
			sb_adds(&text, "\n\n");
			add_pick(&text, &IN_DETAIL[th->lang], &tc);
			if (th->lang == L_EN && rng_below(&R, 100) < 40)
				sb_adds(&text, "\n\nAny help appreciated. Thanks in advance!");
		}
		break;
	case MSG_BRAND_FIRST:
		tc.mood = M_HAPPY;
		add_pick(&text, &OUT_FIRST[th->lang][th->topic], &tc);
		break;
	case MSG_CUST_FOLLOW:
		if (th->fmood == F_POS)
			tc.mood = M_HAPPY;
		add_pick(&text, &IN_FOLLOW[th->lang][th->fmood], &tc);
		break;
	case MSG_BRAND_FOLLOW:
		tc.mood = M_HAPPY;
		add_pick(&text, &OUT_FOLLOW[th->lang][th->fmood], &tc);
		break;
	case MSG_NUDGE:
		add_pick(&text, &IN_NUDGE[th->lang], &tc);
		break;
	case MSG_ANNOUNCE:
		tc.mood = M_HAPPY;
		add_pick(&text, &ANNOUNCE[th->lang], &tc);
		break;
	}
	trim_end(&text);
	if (tc.dropped && text.n && text.b[0] >= 'a' && text.b[0] <= 'z')
		text.b[0] = (char)(text.b[0] - 'a' + 'A');
	if (!out) {
		/* ~1% of all records: sensitive content for escalation tests */
		if (rng_ppm(&R, 19000))
			add_pick(&text, &SENSITIVE[th->lang], &tc);
		if (rng_ppm(&R, 25000))
			sb_adds(&text, " ¯\\_(ツ)_/¯");
		if (rng_ppm(&R, 6000)) {
			const bytes_t *o = &ODD[rng_below(&R, NODD)];
			sb_add(&text, o->s, o->n);
		}
		if (rng_ppm(&R, 4000))
			escmode |= ESC_CRLF;
	} else if (msg != MSG_ANNOUNCE && rng_below(&R, 100) < (uint32_t)br->sign_pct) {
		const char *ag = AGENTS[rng_below(&R, sizeof AGENTS / sizeof AGENTS[0])];
		sb_adds(&text, rng_below(&R, 3) ? " " : "\n");
		sb_adds(&text, ag);
	}
	if (rng_ppm(&R, 10000))
		escmode |= ESC_ASCII;

	/* reply prefix on conversational platforms */
	static sbuf pre;
	pre.n = 0;
	if (out && msg != MSG_ANNOUNCE && !th->dm &&
	    (th->plat == P_TW || th->plat == P_MA || th->plat == P_BS)) {
		sb_addc(&pre, '@');
		sb_adds(&pre, cust.handle);
		sb_addc(&pre, ' ');
	}

	/* url */
	urlb.n = 0;
	make_url(&urlb, th, author, &cust, idb.b, num, is_root);

	/* language: emoji-only or very short texts are sometimes "und" */
	const char *lang = LANG_CODE[th->lang];
	if (!out && rng_ppm(&R, 4000))
		lang = "und";

	char ts[20];
	fmt_time(ts, t);

	/* write */
	ob_need(64 * 1024);
	PUTL("{\"id\":");
	put_jstr(idb.b, idb.n);
	PUTL(",\"platform\":\"");
	puts0(PLAT_NAME[th->plat]);
	PUTL("\",\"account\":");
	put_jstr0(br->handle);
	if (out)
		PUTL(",\"direction\":\"out\",\"kind\":\"");
	else
		PUTL(",\"direction\":\"in\",\"kind\":\"");
	puts0(kind_of(th->plat, th->dm, is_root));
	PUTL("\",\"author\":");
	put_person(author);
	PUTL(",\"text\":");
	if (pre.n) {
		/* prefix + text as one string */
		size_t keep = pre.n;
		if (keep + text.n > sizeof pre.b)
			text.n = sizeof pre.b - keep;
		memcpy(pre.b + keep, text.b, text.n);
		put_jstr_mode(pre.b, keep + text.n, escmode);
	} else {
		put_jstr_mode(text.b, text.n, escmode);
	}
	PUTL(",\"created_at\":\"");
	put(ts, 20);
	PUTL("\",\"in_reply_to\":");
	if (is_root)
		PUTL("null");
	else
		put_jstr0(th->last);
	PUTL(",\"thread\":");
	put_jstr0(th->root);
	PUTL(",\"url\":");
	put_jstr(urlb.b, urlb.n);
	PUTL(",\"lang\":\"");
	puts0(lang);
	putch('"');
	put_metrics(&R, author, th->dm, is_root, out);
	/* drop the closing brace of the record if extras follow */
	if (rng_below(&XR, 100000) < extra_pcm) {
		obn--;
		put_extras();
		putch('}');
	}
	putch('\n');

	snprintf(th->last, sizeof th->last, "%s", idb.b);
}

/* ------------------------------------------------------------------ */
/* Arrivals and the thread state machine                               */
/* ------------------------------------------------------------------ */

/* relative arrival rate by UTC hour, percent */
static const int HOUR_RATE[24] = {
	70, 55, 45, 40, 40, 45, 60, 80, 100, 115, 125, 130,
	135, 140, 145, 150, 150, 145, 140, 130, 120, 110, 95, 80};
#define MEAN_GAP_MS 3600 /* between new threads, at 100% */

static int brand_w[NBRAND];

static void new_thread(thr_t *th, int64_t t)
{
	memset(th, 0, sizeof *th);
	th->brand = (uint8_t)pick_w(&R, brand_w, NBRAND);
	int pw[NPLAT];
	for (int p = 0; p < NPLAT; p++)
		pw[p] = (BRANDS[th->brand].plats & (1 << p)) ? PLAT_WEIGHT[p] : 0;
	th->plat = (uint8_t)pick_w(&R, pw, NPLAT);
	/* a fifth of threads come from a small set of frequent customers */
	th->cust = rng_below(&R, 100) < 20 ? rng_below(&R, 3000) : rng_below(&R, 1u << CUST_BITS);
	th->dm = rng_below(&R, 100) < (uint32_t)PLAT_DM[th->plat];
	th->topic = (uint8_t)pick_w(&R, TOPIC_WEIGHT, NTOPIC);
	th->order = 1000000 + rng_below(&R, 9000000);
	th->t = t;
	person_t c;
	make_customer(th->plat, th->cust, &c);
	th->lang = (uint8_t)c.lang;
}

static int64_t brand_delay(rng_t *r, const brand_t *br, int follow)
{
	uint64_t med = (uint64_t)br->median_min * 60000;
	if (follow)
		med = med * 6 / 10;
	uint64_t d = lognormal(r, med, 1700);
	if (d < 15000)
		d = 15000 + rng_below(r, 30000);
	if (d > 6ULL * 86400000)
		d = 6ULL * 86400000 - rng_below(r, 86400000);
	return (int64_t)d;
}

static int64_t cust_delay(rng_t *r)
{
	uint64_t d = lognormal(r, 11 * 60000, 1400);
	if (d < 20000)
		d = 20000 + rng_below(r, 20000);
	if (d > 3ULL * 86400000)
		d = 3ULL * 86400000;
	return (int64_t)d;
}

/* after emitting message `msg` of th at time t: schedule the next one, if any */
static void schedule_next(thr_t *th, int msg, int64_t t)
{
	const brand_t *br = &BRANDS[th->brand];
	th->n++;
	if (th->n >= 6)
		return;
	switch (msg) {
	case MSG_ROOT:
		/* ~15% of threads never get an answer (a quarter of those nudge) */
		if (rng_below(&R, 1000) < (th->topic == T_PRAISE ? 280u : 125u)) {
			if (rng_below(&R, 100) < 25) {
				th->next = NX_NUDGE;
				th->t = t + (int64_t)lognormal(&R, 3 * 3600000, 900) + 60000;
				heap_push(th);
			}
			return;
		}
		th->next = NX_BRAND;
		th->t = t + brand_delay(&R, br, 0);
		heap_push(th);
		return;
	case MSG_BRAND_FIRST:
	case MSG_BRAND_FOLLOW: {
		uint32_t cont = th->topic == T_PRAISE ? 5 : msg == MSG_BRAND_FIRST ? 36 : 24;
		if (rng_below(&R, 100) >= cont)
			return;
		uint32_t m = rng_below(&R, 100);
		th->fmood = (uint8_t)(m < 35 ? F_INFO : m < 65 ? F_NEG : F_POS);
		th->next = NX_CUST;
		th->t = t + cust_delay(&R);
		heap_push(th);
		return;
	}
	case MSG_CUST_FOLLOW:
		if (rng_below(&R, 100) >= (th->fmood == F_POS ? 55u : 88u))
			return;
		th->next = NX_BRAND;
		th->t = t + brand_delay(&R, br, 1);
		heap_push(th);
		return;
	default:
		return;
	}
}

/* ------------------------------------------------------------------ */
/* Main                                                                 */
/* ------------------------------------------------------------------ */

static void usage_err(const char *msg, const char *arg)
{
	if (msg)
		fprintf(stderr, PROG ": %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
	fputs(USAGE, stderr);
	exit(EX_USAGE);
}

static void help(void)
{
	fputs(USAGE
	      "\n"
	      "Generate realistic carepipe records (NDJSON, one mention per line) on stdout:\n"
	      "customer threads and brand replies across twitter, mastodon, bluesky, reddit,\n"
	      "facebook and forums, in created_at order.  Same arguments, same bytes.\n"
	      "\n"
	      "  -n, --count N        number of records (default 1000)\n"
	      "  -s, --seed N         PRNG seed, 0..2^64-1 (default 1)\n"
	      "  -x, --extra PCT      percent of records carrying a few hundred extra\n"
	      "                       unknown keys x_0, x_1, ... (default 1; 0..100, e.g. 0.5)\n"
	      "      --start TIME     earliest created_at, RFC 3339 (default 2026-01-05T00:00:00Z)\n"
	      "  -h, --help           show this help\n"
	      "      --version        show the version\n",
	      stdout);
	exit(0);
}

static int parse_u64(const char *s, uint64_t *v)
{
	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	char *end;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	*v = (uint64_t)x;
	return 0;
}

/* "1", "0.5", "100" -> per 100,000 */
static int parse_pct(const char *s, uint32_t *pcm)
{
	uint32_t ip = 0, fp = 0;
	int nd = 0, fd = 0;
	const char *p = s;
	while (*p >= '0' && *p <= '9') {
		ip = ip * 10 + (uint32_t)(*p - '0');
		if (ip > 100)
			return -1;
		p++;
		nd++;
	}
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9') {
			if (fd < 3) {
				fp = fp * 10 + (uint32_t)(*p - '0');
				fd++;
			}
			p++;
			nd++;
		}
	}
	if (*p == '%')
		p++;
	if (*p || nd == 0)
		return -1;
	for (; fd < 3; fd++)
		fp *= 10;
	uint32_t v = ip * 1000 + fp;
	if (v > 100000)
		return -1;
	*pcm = v;
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t n = 1000, seed = 1;
	int64_t start;
	parse_rfc3339("2026-01-05T00:00:00Z", &start);

	static const struct option lopts[] = {
		{"count", required_argument, 0, 'n'},
		{"seed", required_argument, 0, 's'},
		{"extra", required_argument, 0, 'x'},
		{"start", required_argument, 0, 'S'},
		{"help", no_argument, 0, 'h'},
		{"version", no_argument, 0, 'V'},
		{0, 0, 0, 0},
	};
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":n:s:x:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_u64(optarg, &n))
				usage_err("bad count", optarg);
			break;
		case 's':
			if (parse_u64(optarg, &seed))
				usage_err("bad seed", optarg);
			break;
		case 'x':
			if (parse_pct(optarg, &extra_pcm))
				usage_err("bad extra-key percentage (0..100)", optarg);
			break;
		case 'S':
			if (parse_rfc3339(optarg, &start))
				usage_err("bad --start time (RFC 3339, e.g. 2026-01-05T00:00:00Z)", optarg);
			break;
		case 'h': help(); break;
		case 'V':
			puts(PROG " (carepipe) " VERSION);
			return 0;
		case ':':
		default: {
			char opt[3] = {'-', (char)optopt, 0};
			const char *what = c == ':' ? "option needs an argument" : "unknown option";
			usage_err(what, optopt ? opt : argv[optind - 1]);
			break;
		}
		}
	}
	if (optind < argc)
		usage_err("unexpected argument", argv[optind]);

	ob = malloc(OBSZ);
	if (!ob) {
		fprintf(stderr, PROG ": out of memory\n");
		return EX_OSERR;
	}
	esc_init();
	g_seed = seed;
	rng_seed(&R, seed);
	rng_seed(&XR, seed ^ 0x5EED0E7A5EED0E7AULL);
	init_brands();
	for (int b = 0; b < NBRAND; b++)
		brand_w[b] = BRANDS[b].weight;

	int64_t next_root = start;
	for (uint64_t k = 0; k < n; k++) {
		if (heapn && heap[0].t <= next_root) {
			thr_t th;
			heap_pop(&th);
			int msg = th.next == NX_NUDGE ? MSG_NUDGE
				  : th.next == NX_CUST ? MSG_CUST_FOLLOW
				  : th.n == 1 ? MSG_BRAND_FIRST : MSG_BRAND_FOLLOW;
			int64_t t = th.t;
			emit(k, &th, msg, t);
			schedule_next(&th, msg, t);
		} else {
			thr_t th;
			new_thread(&th, next_root);
			int64_t t = next_root;
			/* a few brand announcements, not answers to anyone */
			if (rng_below(&R, 1000) < 4) {
				th.lang = (uint8_t)(rng_below(&R, 100) < 80 ? L_EN : rng_below(&R, NLANG));
				th.dm = 0;
				emit(k, &th, MSG_ANNOUNCE, t);
			} else {
				emit(k, &th, MSG_ROOT, t);
				schedule_next(&th, MSG_ROOT, t);
			}
			int64_t hour = floordiv(next_root, 3600000) % 24;
			int64_t gap = (int64_t)expo(&R, MEAN_GAP_MS) * 100 / HOUR_RATE[hour];
			next_root += gap + 1;
		}
		if (obn > OBSZ - 512 * 1024)
			ob_flush();
	}
	ob_flush();
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, PROG ": write error: %s\n", strerror(errno));
		return EX_IOERR;
	}
	free(heap);
	free(ob);
	return 0;
}
