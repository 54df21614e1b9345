#include "core/scrub.h"

#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define REMOVED "[removed]"

/* Open addressing over (offset, length) pairs into one arena of
 * lowercased words: a member list of 100,000 names is one allocation of
 * words and one of slots, not 200,000 strings. */
struct scrub_names {
	struct buf words;
	uint32_t *off, *len; /* len 0: empty slot */
	size_t cap, n;
	size_t part_max; /* characters of the longest name word of unspaced script (0: none) */
};

/* A name word of unspaced script is looked for inside a run of text
 * (scrub_text) at every character, from the longest such word (at most
 * UNSPACED_MAX characters) down to 2. */
#define UNSPACED_MAX 32
/* Chinese and Korean name words of at most this many characters (a full
 * name is two to four) also add each part of 2 or more (a given name
 * written alone); longer words are found whole. */
#define PART_WORD_MAX 4

static int is_word(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* p[0..n) composed (NFC), newly allocated (g_free), or NULL when it is
 * all ASCII, not UTF-8, or memory ran out (then it is used as it is).
 * The member list and every comment are composed first, so a name typed
 * decomposed ("Zoë" as Macs type it) is the same bytes; fold compares
 * words in compatibility form besides, while the comment keeps what it
 * says (its full-width punctuation) as written. */
static gchar *composed(const char *p, size_t n)
{
	size_t i = 0;
	while (i < n && (unsigned char)p[i] < 0x80)
		i++;
	if (i == n || !g_utf8_validate(p, (gssize)n, NULL))
		return NULL;
	return g_utf8_normalize(p, (gssize)n, G_NORMALIZE_DEFAULT_COMPOSE);
}

/* A word of at most 255 bytes case-folded: a character can grow (ß to
 * ss, two bytes to three); a longer fold is cut and matches nothing. */
#define FOLD_MAX 1024

/* Letters with a stroke or bar have no decomposition to drop a mark
 * from: the letter people type when they leave it out. */
static gunichar unstroked(gunichar u)
{
	switch (u) {
	case 0x0141: return 'L'; /* Ł */
	case 0x0142: return 'l';
	case 0x00D8: return 'O'; /* Ø */
	case 0x00F8: return 'o';
	case 0x0110: return 'D'; /* Đ */
	case 0x0111: return 'd';
	case 0x0131: return 'i'; /* dotless ı */
	case 0x0126: return 'H'; /* Ħ */
	case 0x0127: return 'h';
	default: return u;
	}
}

/* p[0..n) as names are compared, into out: in compatibility form
 * (full-width letters), without accents or other marks (NFKD, marks
 * dropped, unstroked) and case-folded in every script (Å, É, Ł, Ö; ZOË;
 * Greek's final sigma as any sigma), so that a name typed in another
 * case, form or without its accents is still found. Bytes that are not
 * UTF-8 are lowercased as ASCII. Returns the length. */
static size_t fold(const char *p, size_t n, char out[FOLD_MAX])
{
	size_t o = 0, i = 0;
	while (i < n && (unsigned char)p[i] < 0x80)
		i++;
	if (i < n && g_utf8_validate(p, (gssize)n, NULL)) {
		/* Compared without accents or other marks, as people type a
		 * name in a hurry ("Jose", "Zoe", "Алена", Greek capitals,
		 * "احمد"), and in compatibility form (full-width letters). */
		gchar *k = g_utf8_normalize(p, (gssize)n, G_NORMALIZE_ALL);
		if (!k)
			return 0;
		char bare[FOLD_MAX];
		size_t b = 0;
		for (const gchar *q = k; *q; q = g_utf8_next_char(q)) {
			gunichar u = g_utf8_get_char(q);
			if (g_unichar_ismark(u) || u == 0x0640) /* marks, Arabic tatweel */
				continue;
			char e[6];
			int el = g_unichar_to_utf8(unstroked(u), e);
			if (b + (size_t)el >= FOLD_MAX) {
				g_free(k);
				return 0; /* too long: matches nothing */
			}
			memcpy(bare + b, e, (size_t)el);
			b += (size_t)el;
		}
		g_free(k);
		gchar *f = g_utf8_casefold(bare, (gssize)b);
		if (f) {
			size_t fl = strlen(f);
			o = fl < FOLD_MAX ? fl : 0;
			memcpy(out, f, o);
			g_free(f);
			return o;
		}
		return 0;
	}
	for (i = 0; i < n && o < FOLD_MAX; i++) {
		unsigned char c = (unsigned char)p[i];
		out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	return o;
}

/* Bytes of the character at p[0..n): 1 for a byte that starts none. */
static size_t char_len(const char *p, size_t n)
{
	if ((unsigned char)p[0] < 0x80)
		return 1;
	gunichar u = g_utf8_get_char_validated(p, (gssize)n);
	if (u == (gunichar)-1 || u == (gunichar)-2)
		return 1;
	return (size_t)(g_utf8_next_char(p) - p);
}

/* Bytes of the character at p[0..n) when it is part of a word (a letter,
 * digit or combining mark, in any script), else 0: a typographic
 * apostrophe or a dash ends a name ("Åsa’s", "Émile—thanks") as "'"
 * does. A byte that starts no character counts as a letter. */
static size_t word_len(const char *p, size_t n)
{
	unsigned char c = (unsigned char)p[0];
	if (c < 0x80)
		return is_word(c);
	gunichar u = g_utf8_get_char_validated(p, (gssize)n);
	if (u == (gunichar)-1 || u == (gunichar)-2)
		return 1;
	return g_unichar_isalnum(u) || g_unichar_ismark(u) ? (size_t)(g_utf8_next_char(p) - p) : 0;
}

/* The script of the character at p[0..n), as far as names go: 2 for
 * Chinese characters and Korean syllables (a character is a syllable,
 * names are two to four of them, written without a space and with
 * Korean particles joined: "김민수가"); 1 for the other scripts written
 * without spaces between words (Japanese kana, Thai, Lao, Khmer,
 * Burmese); -1 for a character of no script of its own (a combining
 * mark, the prolonged sound mark ー), which belongs to the run it is in;
 * 0 for any other, digits of every script included (a number in
 * Chinese or Thai text is a word of its own, which the phone check
 * sees). */
static int script_class(const char *p, size_t n)
{
	unsigned char c = (unsigned char)p[0];
	if (c < 0x80)
		return 0;
	gunichar u = g_utf8_get_char_validated(p, (gssize)n);
	if (u == (gunichar)-1 || u == (gunichar)-2 || g_unichar_isdigit(u))
		return 0; /* a digit of any script: a number, as 0-9 */
	switch (g_unichar_get_script(u)) {
	case G_UNICODE_SCRIPT_HAN:
	case G_UNICODE_SCRIPT_HANGUL: return 2;
	case G_UNICODE_SCRIPT_HIRAGANA:
	case G_UNICODE_SCRIPT_KATAKANA:
	case G_UNICODE_SCRIPT_THAI:
	case G_UNICODE_SCRIPT_LAO:
	case G_UNICODE_SCRIPT_KHMER:
	case G_UNICODE_SCRIPT_MYANMAR: return 1;
	case G_UNICODE_SCRIPT_COMMON:
	case G_UNICODE_SCRIPT_INHERITED: return -1;
	default: return 0;
	}
}

/* Bytes of the run of word characters at p[0..n) (p[0] starts one): it
 * ends where a word ends, and where the script changes between unspaced
 * and any other ("Zoë说得对" is two runs, "打138…" too). *unspaced: the
 * run is of unspaced script; *syllabic: of Chinese or Korean alone. */
static size_t run_len(const char *p, size_t n, int *unspaced, int *syllabic)
{
	size_t j = 0, k;
	int cls = -1, syl = 1;
	while (j < n && (k = word_len(p + j, n - j)) > 0) {
		int c = script_class(p + j, n - j);
		int u = c < 0 ? -1 : c > 0;
		if (u >= 0 && cls >= 0 && u != cls)
			break;
		if (u >= 0)
			cls = u;
		if (c == 1)
			syl = 0;
		j += k;
	}
	*unspaced = cls == 1;
	*syllabic = cls == 1 && syl;
	return j;
}

/* Byte offsets of up to max characters from p[0..n) into at[0..]; the
 * count of characters, at[count] their end. */
static size_t char_offsets(const char *p, size_t n, size_t *at, size_t max)
{
	size_t c = 0, o = 0;
	while (c < max && o < n) {
		at[c++] = o;
		o += char_len(p + o, n - o);
	}
	at[c] = o;
	return c;
}

static uint32_t hash(const char *p, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 16777619u;
	return h;
}

/* p[0..n): a folded word. */
static int same(const struct scrub_names *s, size_t slot, const char *p, size_t n)
{
	return s->len[slot] == n && memcmp(s->words.data + s->off[slot], p, n) == 0;
}

struct scrub_names *scrub_names_new(void)
{
	struct scrub_names *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->cap = 1024;
	s->off = calloc(s->cap, sizeof(*s->off));
	s->len = calloc(s->cap, sizeof(*s->len));
	if (!s->off || !s->len) {
		scrub_names_free(s);
		return NULL;
	}
	return s;
}

void scrub_names_free(struct scrub_names *s)
{
	if (!s)
		return;
	buf_free(&s->words);
	free(s->off);
	free(s->len);
	free(s);
}

/* p[0..n): a folded word. */
static int has_folded(const struct scrub_names *s, const char *p, size_t n)
{
	for (size_t i = hash(p, n) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		if (!s->len[i])
			return 0;
		if (same(s, i, p, n))
			return 1;
	}
}

static int has(const struct scrub_names *s, const char *p, size_t n)
{
	char f[FOLD_MAX];
	size_t fn = fold(p, n, f);
	return has_folded(s, f, fn);
}

static int grow(struct scrub_names *s)
{
	size_t cap = s->cap * 2;
	uint32_t *off = calloc(cap, sizeof(*off)), *len = calloc(cap, sizeof(*len));
	if (!off || !len) {
		free(off);
		free(len);
		return -1;
	}
	for (size_t i = 0; i < s->cap; i++) {
		if (!s->len[i])
			continue;
		size_t j = hash(s->words.data + s->off[i], s->len[i]) & (cap - 1);
		while (len[j])
			j = (j + 1) & (cap - 1);
		off[j] = s->off[i];
		len[j] = s->len[i];
	}
	free(s->off);
	free(s->len);
	s->off = off;
	s->len = len;
	s->cap = cap;
	return 0;
}

/* p[0..n): a folded word, added unless it is there. */
static int add_folded(struct scrub_names *s, const char *p, size_t n)
{
	if (has_folded(s, p, n))
		return 0;
	if ((s->n + 1) * 2 > s->cap && grow(s) != 0)
		return -1;
	if (s->words.len + n > UINT32_MAX)
		return -1;
	uint32_t at = (uint32_t)s->words.len;
	if (buf_append(&s->words, p, n) != 0)
		return -1;
	size_t j = hash(p, n) & (s->cap - 1);
	while (s->len[j])
		j = (j + 1) & (s->cap - 1);
	s->off[j] = at;
	s->len[j] = (uint32_t)n;
	s->n++;
	return 0;
}

static int add_word(struct scrub_names *s, const char *word, size_t len)
{
	if (len < 3 || len > 255)
		return 0;
	/* A number is no name (phone numbers are found as such). */
	size_t d = 0;
	while (d < len && is_digit((unsigned char)word[d]))
		d++;
	if (d == len)
		return 0;
	char p[FOLD_MAX];
	return add_folded(s, p, fold(word, len, p));
}

/* A name word p[0..n) of unspaced script, looked for inside runs of
 * text (these scripts have no case: kept as written). Chinese and
 * Korean (syllabic) words of up to PART_WORD_MAX characters add each
 * part of 2 or more characters too ("小明" of "王小明"); other scripts'
 * code points are letters of a syllable, whose parts would be found in
 * most words, so only the whole word is looked for. */
static int add_unspaced(struct scrub_names *s, const char *p, size_t n, int syllabic)
{
	size_t at[UNSPACED_MAX + 1];
	size_t nc = char_offsets(p, n, at, UNSPACED_MAX);
	if (nc < 2 || at[nc] != n || n > 255)
		return 0; /* one character: a whole word only; longer: none */
	if (add_folded(s, p, n) != 0)
		return -1;
	if (nc > s->part_max)
		s->part_max = nc;
	if (!syllabic || nc > PART_WORD_MAX)
		return 0;
	for (size_t a = 0; a < nc; a++)
		for (size_t l = 2; a + l <= nc; l++)
			if (add_folded(s, p + at[a], at[a + l] - at[a]) != 0)
				return -1;
	return 0;
}

/* At most this many unspaced words of one name are joined. */
#define JOIN_MAX 4

static int names_add(struct scrub_names *s, const char *name, size_t n);

int scrub_names_add(struct scrub_names *s, const char *name)
{
	size_t n = name ? strlen(name) : 0;
	gchar *nf = composed(name, n);
	int rc = nf ? names_add(s, nf, strlen(nf)) : names_add(s, name, n);
	g_free(nf);
	return rc;
}

/* name[0..n): composed (NFC), or ASCII, or not UTF-8. */
static int names_add(struct scrub_names *s, const char *name, size_t n)
{
	/* The unspaced words of the name: written together in running text
	 * ("王 伟" as 王伟, "김 민수" as 김민수), in either order. */
	size_t jo[JOIN_MAX], jl[JOIN_MAX], nj = 0;
	int jsyl = 1;
	for (size_t i = 0; i < n;) {
		if (!word_len(name + i, n - i)) {
			i += char_len(name + i, n - i);
			continue;
		}
		int unspaced, syllabic;
		size_t j = i + run_len(name + i, n - i, &unspaced, &syllabic);
		if (add_word(s, name + i, j - i) != 0 ||
		    (unspaced && add_unspaced(s, name + i, j - i, syllabic) != 0))
			return -1;
		if (unspaced && nj < JOIN_MAX) {
			jo[nj] = i;
			jl[nj++] = j - i;
			jsyl = jsyl && syllabic;
		}
		i = j;
	}
	/* Chinese and Korean only (Thai and Japanese names keep their space
	 * in running text); the joined name whole, its parts are the words'. */
	if (nj < 2 || !jsyl)
		return 0;
	char joined[2][256];
	size_t len[2] = {0, 0};
	for (size_t k = 0; k < nj; k++) {
		size_t f = jo[k], r = jo[nj - 1 - k];
		if (len[0] + jl[k] > 255 || len[1] + jl[nj - 1 - k] > 255)
			return 0;
		memcpy(joined[0] + len[0], name + f, jl[k]);
		len[0] += jl[k];
		memcpy(joined[1] + len[1], name + r, jl[nj - 1 - k]);
		len[1] += jl[nj - 1 - k];
	}
	for (int w = 0; w < 2; w++)
		if (add_unspaced(s, joined[w], len[w], 0) != 0)
			return -1;
	return 0;
}

/* Append p[0..n), or as much as the cap leaves room for; 1 when it was
 * cut (the caller stops). */
static int put(struct buf *out, size_t start, const char *p, size_t n)
{
	size_t room = SCRUB_MAX_OUT - 4 - (out->len - start);
	buf_append(out, p, n < room ? n : room);
	return n > room;
}

/* Text between two names found in a run stands as a word of its own in
 * what is written: a whole name then ("伟" left of "王小明伟" by "王小明")
 * goes too. 1 when the output was cut. */
static int put_segment(struct buf *out, size_t start, const char *p, size_t n,
		       const struct scrub_names *names)
{
	if (n >= 3 && has(names, p, n))
		return put(out, start, REMOVED, strlen(REMOVED));
	return put(out, start, p, n);
}

/* Append the run p[0..n) of unspaced script with each name found in it
 * replaced, the longest at each character first. These scripts have no
 * case: the run is looked up as it is. 1 when the output was cut. */
static int put_unspaced(struct buf *out, size_t start, const char *p, size_t n,
			const struct scrub_names *names)
{
	size_t at[UNSPACED_MAX + 1];
	size_t seg = 0; /* where the text since the last name found begins */
	for (size_t i = 0; i < n;) {
		size_t nc = char_offsets(p + i, n - i, at, names->part_max);
		size_t l = nc;
		while (l >= 2 && !has_folded(names, p + i, at[l]))
			l--;
		if (l < 2) {
			i += at[1];
			continue;
		}
		if (put_segment(out, start, p + seg, i - seg, names) ||
		    put(out, start, REMOVED, strlen(REMOVED)))
			return 1;
		i += at[l];
		seg = i;
	}
	return put_segment(out, start, p + seg, n - seg, names);
}

/* The full-width ＠ of Chinese and Japanese keyboards. */
#define FW_AT "\xEF\xBC\xA0"

/* p[0..n) holds an @, ASCII or full-width: an e-mail address. */
static int has_at(const char *p, size_t n)
{
	return memchr(p, '@', n) || memmem(p, n, FW_AT, 3);
}

/* p[0..n) is an @ alone. */
static int only_at(const char *p, size_t n)
{
	return (n == 1 && p[0] == '@') || (n == 3 && memcmp(p, FW_AT, 3) == 0);
}

/* Bytes of the digit at in[i] in any script (0-9, full-width ０-９,
 * Arabic-Indic, Persian, Devanagari, Thai ...), 0 for anything else. */
static size_t digit_len(const char *in, size_t len, size_t i)
{
	unsigned char c = (unsigned char)in[i];
	if (c < 0x80)
		return is_digit(c);
	gunichar u = g_utf8_get_char_validated(in + i, (gssize)(len - i));
	if (u == (gunichar)-1 || u == (gunichar)-2 || !g_unichar_isdigit(u))
		return 0;
	return (size_t)(g_utf8_next_char(in + i) - (in + i));
}

/* Bytes of a character that may sit between a phone number's digits at
 * in[i]: space, - . ( ) + /, and what keyboards and pasted text put
 * there instead (no-break and thin spaces, the ideographic space, dashes
 * and the minus sign, full-width - ( ) + . /, and ー, which a Japanese
 * keyboard in kana mode types for -), 0 for anything else. */
static size_t sep_len(const char *in, size_t len, size_t i)
{
	unsigned char c = (unsigned char)in[i];
	if (c < 0x80)
		return c && strchr(" -.()+/", c) ? 1 : 0;
	gunichar u = g_utf8_get_char_validated(in + i, (gssize)(len - i));
	int sep = u == 0x00A0 || u == 0x2007 || u == 0x2009 || u == 0x202F || u == 0x3000 ||
		  (u >= 0x2010 && u <= 0x2015) || u == 0x2212 || u == 0x30FC || u == 0xFF08 || u == 0xFF09 ||
		  u == 0xFF0B || u == 0xFF0D || u == 0xFF0E || u == 0xFF0F;
	return sep ? (size_t)(g_utf8_next_char(in + i) - (in + i)) : 0;
}

/* Bytes of a phone-like run starting at in[i], or 0 when it is not one. */
static size_t phone_run(const char *in, size_t len, size_t i)
{
	unsigned char c = (unsigned char)in[i];
	size_t sl = sep_len(in, len, i);
	if (!digit_len(in, len, i) && c != '+' && c != '(' && !(sl == 3 && (unsigned char)in[i] == 0xEF))
		return 0; /* a digit, or + ( and their full-width forms */
	/* Not glued to a word ("x1234567"); after Chinese or Japanese, or
	 * their punctuation ("电话：138…"), it starts a number. */
	if (i > 0) {
		size_t k = i - 1;
		while (k > 0 && i - k < 4 && ((unsigned char)in[k] & 0xC0) == 0x80)
			k--;
		if (word_len(in + k, len - k) && script_class(in + k, len - k) <= 0)
			return 0;
	}
	/* Separators come one or two at a time in a number: a longer row
	 * ends it (and keeps a text of "((((…" from being scanned again
	 * from every one of them). */
	size_t d = i, digits = 0, last = i, dl, seps = 0;
	while (d < len && seps <= 3) {
		if ((dl = digit_len(in, len, d)) > 0) {
			digits++;
			seps = 0;
			last = d + dl;
			d += dl;
		} else if ((dl = sep_len(in, len, d)) > 0) {
			seps++;
			d += dl;
		} else {
			break;
		}
	}
	/* Stop after the last digit: a trailing space or dot stays text. */
	return digits >= 7 ? last - i : 0;
}

static int scrub(const char *in, size_t len, const struct scrub_names *names, struct buf *out);

int scrub_text(const char *in, size_t len, const struct scrub_names *names, struct buf *out)
{
	gchar *nf = composed(in, len);
	int rc = nf ? scrub(nf, strlen(nf), names, out) : scrub(in, len, names, out);
	g_free(nf);
	return rc;
}

/* in[0..len): composed (NFC), or ASCII, or not UTF-8. */
static int scrub(const char *in, size_t len, const struct scrub_names *names, struct buf *out)
{
	size_t start = out->len;
	int full = 0;
	size_t fresh = (size_t)-1; /* where a removed run ended: a word may start there */
	int prev_word = 0;	   /* the character before in[i] is part of a word */
	for (size_t i = 0; i < len && !full;) {
		unsigned char c = (unsigned char)in[i];
		if (!is_space(c) && (i == 0 || is_space((unsigned char)in[i - 1]))) {
			size_t j = i;
			while (j < len && !is_space((unsigned char)in[j]))
				j++;
			if (has_at(in + i, j - i)) {
				full = put(out, start, REMOVED, strlen(REMOVED));
				i = j;
				prev_word = 0;
				continue;
			}
			/* "a.schmidt84 @ gmail.com": an address written with
			 * spaces around its @ goes whole, not only the @. */
			size_t at = j, at_end, e, f;
			while (at < len && is_space((unsigned char)in[at]))
				at++;
			for (at_end = at; at_end < len && !is_space((unsigned char)in[at_end]);)
				at_end++;
			for (e = at_end; e < len && is_space((unsigned char)in[e]);)
				e++;
			for (f = e; f < len && !is_space((unsigned char)in[f]);)
				f++;
			if (at > j && f > e && only_at(in + at, at_end - at)) {
				full = put(out, start, REMOVED, strlen(REMOVED));
				i = f;
				prev_word = 0;
				continue;
			}
		}
		size_t ph = phone_run(in, len, i);
		if (ph) {
			full = put(out, start, REMOVED, strlen(REMOVED));
			i += ph;
			/* A run that spans spaces may end inside a word whose start
			 * it swallowed: that word's rest gets the '@' check too. */
			size_t j = i;
			while (j < len && !is_space((unsigned char)in[j]))
				j++;
			if (has_at(in + i, j - i)) {
				full = full || put(out, start, REMOVED, strlen(REMOVED));
				i = j;
			}
			fresh = i;
			prev_word = 0;
			continue;
		}
		size_t wl = word_len(in + i, len - i);
		if (wl && (i == 0 || i == fresh || !prev_word)) {
			int unspaced, syllabic;
			size_t j = i + run_len(in + i, len - i, &unspaced, &syllabic);
			if (names && j - i >= 3 && has(names, in + i, j - i))
				full = put(out, start, REMOVED, strlen(REMOVED));
			else if (names && unspaced && names->part_max)
				full = put_unspaced(out, start, in + i, j - i, names);
			else
				full = put(out, start, in + i, j - i);
			/* Ended by a change of script, not of word: the next run is
			 * a word of its own. */
			if (j < len && word_len(in + j, len - j))
				fresh = j;
			i = j;
			prev_word = 1;
			continue;
		}
		size_t cl = char_len(in + i, len - i);
		full = put(out, start, in + i, cl);
		prev_word = wl > 0;
		i += cl;
	}
	if (full) {
		/* Cut back to a character boundary, then mark the cut. */
		size_t n = out->len;
		while (n > start && ((unsigned char)out->data[n - 1] & 0xC0) == 0x80)
			n--;
		if (n > start && (unsigned char)out->data[n - 1] >= 0xC0)
			n--;
		buf_resize(out, n);
		buf_puts(out, "\xE2\x80\xA6");
	}
	return out->oom ? -1 : 0;
}
