/* Survey suppression (core/sdc.c) and the comment scrubber (core/scrub.c),
 * attacked directly: each test performs an attack an admin with a
 * calculator made on the first design, then checks the figures shown no
 * longer give anyone away. */
#include "testutil.h"

#include "core/buf.h"
#include "core/scrub.h"
#include "core/sdc.h"

#define K 5

/* The attacker: every distribution of n answers over nb buckets that
 * agrees with the shown cells (and the shown mean, when there is one);
 * for each hidden cell, the values it can take. Returns how many
 * distributions fit. */
static long feasible(int n, int nb, const int *shown, const unsigned char *hid, double mean, int has_mean,
		     int lo[], int hi[])
{
	int v[8] = {0};
	long fits = 0;
	for (int b = 0; b < nb; b++) {
		lo[b] = n + 1;
		hi[b] = -1;
	}
	/* Odometer over the hidden cells, each 0..n. */
	for (;;) {
		int sum = 0;
		long wsum = 0;
		for (int b = 0; b < nb; b++) {
			int x = hid[b] ? v[b] : shown[b];
			sum += x;
			wsum += (long)x * (b + 1);
		}
		int ok = sum == n && (!has_mean || (n && (long)(mean * 100 + 0.5) ==
								 (long)((double)wsum / n * 100 + 0.5)));
		if (ok) {
			fits++;
			for (int b = 0; b < nb; b++) {
				int x = hid[b] ? v[b] : shown[b];
				lo[b] = x < lo[b] ? x : lo[b];
				hi[b] = x > hi[b] ? x : hi[b];
			}
		}
		int b = 0;
		while (b < nb && (!hid[b] || v[b] == n)) {
			if (hid[b])
				v[b] = 0;
			b++;
		}
		if (b == nb)
			break;
		v[b]++;
	}
	return fits;
}

/* n=12, mean 3.92, {1:2, 2:0, 3:0, 4:5, 5:5}: the first design showed
 * the mean, the zeros and 5:5, and the two hidden cells followed. */
static void mean_and_zeros_cannot_solve_hidden_cells(void **state)
{
	(void)state;
	int all[5] = {2, 0, 0, 5, 5}, lo[5], hi[5];
	unsigned char hid[5];
	sdc_protect(K, 12, 5, all, hid, NULL, 0);
	assert_true(hid[0]);
	assert_true(hid[1] && hid[2]);	     /* zeros are small cells too */
	assert_false(sdc_row_clear(hid, 5)); /* so no mean is shown */
	long fits = feasible(12, 5, all, hid, 0, 0, lo, hi);
	assert_true(fits > 1);
	for (int b = 0; b < 5; b++) {
		if (!hid[b])
			continue;
		/* No hidden cell is pinned to a value of 1..k-1. */
		assert_false(lo[b] == hi[b] && lo[b] > 0 && lo[b] < K);
		assert_true(hi[b] >= K);
	}
	/* What the first design showed, for contrast: the attack works. */
	unsigned char old[5] = {1, 0, 0, 1, 0};
	assert_int_equal(feasible(12, 5, all, old, 3.92, 1, lo, hi), 1);
	assert_int_equal(lo[0], 2);
}

/* Legal (1) and HR (1) hidden, Platform (5) shown: All minus Platform
 * gave both answers away. */
static void hidden_groups_never_add_up_to_fewer_than_k(void **state)
{
	(void)state;
	int all[5] = {1, 0, 0, 1, 5}, size[3] = {1, 1, 5};
	int cell[15] = {1, 0, 0, 0, 0, /* Legal */ 0, 0, 0, 1, 0, /* HR */ 0, 0, 0, 0, 5 /* Platform */};
	unsigned char all_hid[5], ghid[3], chid[15];
	struct sdc_dim d = {3, size, cell, ghid, chid};
	sdc_protect(K, 7, 5, all, all_hid, &d, 1);
	assert_true(ghid[0] && ghid[1]);
	int shown = 0;
	for (int g = 0; g < 3; g++)
		shown += ghid[g] ? 0 : size[g];
	int rem = 7 - shown;
	assert_true(rem == 0 || rem >= K);
}

/* Every row, column and margin of random linked tables: what the hidden
 * figures add up to is 0 or at least k, so no difference of shown
 * figures isolates fewer than k people. */
static void random_tables_leave_no_small_remainder(void **state)
{
	(void)state;
	srand(12345);
	for (int round = 0; round < 3000; round++) {
		int nb = 2 + rand() % 4, ng[3], n = 0;
		int all[6] = {0}, sizes[3][12], cells[3][72];
		unsigned char all_hid[6], ghid[3][12], chid[3][72];
		int people = rand() % 40;
		int answer[40], group[3][40];
		for (int d = 0; d < 3; d++)
			ng[d] = 1 + rand() % 12;
		for (int p = 0; p < people; p++) {
			answer[p] = rand() % nb;
			for (int d = 0; d < 3; d++)
				group[d][p] = rand() % ng[d];
		}
		memset(sizes, 0, sizeof(sizes));
		memset(cells, 0, sizeof(cells));
		for (int p = 0; p < people; p++) {
			all[answer[p]]++;
			n++;
			for (int d = 0; d < 3; d++) {
				sizes[d][group[d][p]]++;
				cells[d][group[d][p] * nb + answer[p]]++;
			}
		}
		struct sdc_dim dims[3];
		for (int d = 0; d < 3; d++)
			dims[d] = (struct sdc_dim){ng[d], sizes[d], cells[d], ghid[d], chid[d]};
		sdc_protect(K, n, nb, all, all_hid, dims, 3);
		int rem = n;
		for (int b = 0; b < nb; b++)
			rem -= all_hid[b] ? 0 : all[b];
		assert_true(rem == 0 || rem >= K || n < K);
		for (int d = 0; d < 3 && n >= K; d++) {
			int mrem = n;
			for (int g = 0; g < ng[d]; g++) {
				mrem -= ghid[d][g] ? 0 : sizes[d][g];
				int rrem = sizes[d][g];
				for (int b = 0; b < nb; b++) {
					int c = cells[d][g * nb + b];
					if (!chid[d][g * nb + b]) {
						assert_true(c >= K); /* no small or zero cell shown */
						assert_false(ghid[d][g] || all_hid[b]);
						rrem -= c;
					}
				}
				if (!ghid[d][g])
					assert_true(rrem == 0 || rrem >= K);
			}
			assert_true(mrem == 0 || mrem >= K);
			for (int b = 0; b < nb; b++) {
				if (all_hid[b])
					continue;
				int crem = all[b];
				for (int g = 0; g < ng[d]; g++)
					crem -= chid[d][g * nb + b] ? 0 : cells[d][g * nb + b];
				assert_true(crem == 0 || crem >= K);
			}
		}
	}
}

/* The review's attack on one table: all {1:6, 2:16}, Alpha 12 (one 1),
 * Beta 10 (five 1s): the total's zeros pin Beta's hidden 1s to 5, and
 * then Alpha's to 1. Each line alone passes; the audit sees through. */
static void audit_catches_a_count_pinned_across_lines(void **state)
{
	(void)state;
	int all[5] = {6, 16, 0, 0, 0}, size[2] = {12, 10};
	int cell[10] = {1, 11, 0, 0, 0, /* Alpha */ 5, 5, 0, 0, 0 /* Beta */};
	unsigned char all_hid[5], ghid[2], chid[10];
	struct sdc_dim d = {2, size, cell, ghid, chid};
	sdc_protect(K, 22, 5, all, all_hid, &d, 1);
	assert_int_equal(sdc_audit(K, 22, 5, all, all_hid, &d), 0);
	/* A healthy table passes: Alpha {3:2, 4:5, 5:5}, Beta {4:5, 5:5}. */
	int all2[5] = {0, 0, 2, 10, 10}, size2[2] = {12, 10};
	int cell2[10] = {0, 0, 2, 5, 5, 0, 0, 0, 5, 5};
	struct sdc_dim d2 = {2, size2, cell2, ghid, chid};
	sdc_protect(K, 22, 5, all2, all_hid, &d2, 1);
	assert_int_equal(sdc_audit(K, 22, 5, all2, all_hid, &d2), 1);
	assert_false(ghid[0] || ghid[1]);
}

/* The first design compared at most 256 groups: the 257th was never
 * suppressed. */
static void no_cap_on_groups(void **state)
{
	(void)state;
	enum { G = 300 };
	int size[G + 1], cell[(G + 1) * 2] = {0}, all[2] = {G, 40};
	unsigned char ghid[G + 1], chid[(G + 1) * 2], all_hid[2];
	for (int g = 0; g < G; g++) {
		size[g] = 1;
		cell[g * 2] = 1;
	}
	size[G] = 40;
	cell[G * 2 + 1] = 40;
	struct sdc_dim d = {G + 1, size, cell, ghid, chid};
	sdc_protect(K, G + 40, 2, all, all_hid, &d, 1);
	for (int g = 0; g < G; g++)
		assert_true(ghid[g]);
	assert_false(ghid[G]);
}

static void fewer_than_k_hides_everything(void **state)
{
	(void)state;
	int all[5] = {0, 0, 0, 0, 4};
	unsigned char hid[5];
	sdc_protect(K, 4, 5, all, hid, NULL, 0);
	for (int b = 0; b < 5; b++)
		assert_true(hid[b]);
	assert_int_equal(sdc_batch_floor(9, 5), 5);
	assert_int_equal(sdc_batch_floor(10, 5), 10);
	assert_int_equal(sdc_batch_floor(4, 5), 0);
}

/* The review's heap overflow: five members named "removed" in any case
 * and an answer of "@ " x 500 wrote past the buffer on every view. */
static void scrubber_survives_the_overflow_input(void **state)
{
	(void)state;
	struct scrub_names *names = scrub_names_new();
	assert_non_null(names);
	const char *who[] = {"removed", "Removed", "REMOVED", "rEmOvEd", "removeD"};
	for (int i = 0; i < 5; i++)
		assert_int_equal(scrub_names_add(names, who[i]), 0);
	char in[1001];
	for (int i = 0; i < 500; i++)
		memcpy(in + 2 * i, "@ ", 2);
	in[1000] = '\0';
	struct buf out = {0};
	assert_int_equal(scrub_text(in, 1000, names, &out), 0);
	assert_true(out.len <= SCRUB_MAX_OUT);
	assert_non_null(strstr(buf_str(&out), "[removed] [removed]"));
	buf_reset(&out);
	/* "[removed]" is not scanned again: a name inside it stays put. */
	assert_int_equal(scrub_text("removed Removed x", 17, names, &out), 0);
	assert_string_equal(buf_str(&out), "[removed] [removed] x");
	buf_free(&out);
	scrub_names_free(names);
}

static void scrubber_takes_out_addresses_numbers_and_names(void **state)
{
	(void)state;
	struct scrub_names *names = scrub_names_new();
	scrub_names_add(names, "Lena Park");
	scrub_names_add(names, "Jo");		/* too short to be told from words */
	scrub_names_add(names, "Zoë Ångström"); /* UTF-8 words */
	for (int i = 0; i < 20000; i++) {	/* a large company */
		char nm[64];
		snprintf(nm, sizeof(nm), "Person%d Surname%d", i, i);
		assert_int_equal(scrub_names_add(names, nm), 0);
	}
	struct buf out = {0};
	const char *in =
		"Ask lena or PARK, mail a.b@example.com, call +44 20 7946 0958. Jo said: Zoë helped, "
		"so did person19999. In 2026 we met 3 times.";
	assert_int_equal(scrub_text(in, strlen(in), names, &out), 0);
	assert_string_equal(buf_str(&out),
			    "Ask [removed] or [removed], mail [removed] call [removed]. Jo said: "
			    "[removed] helped, so did [removed]. In 2026 we met 3 times.");
	/* Found by fuzzing: a phone run spanning spaces swallowed the start
	 * of the next word, whose rest then escaped both checks. */
	buf_reset(&out);
	in = "call 555 123 4567Lena or 5 55 5555 5;@x";
	assert_int_equal(scrub_text(in, strlen(in), names, &out), 0);
	assert_string_equal(buf_str(&out), "call [removed][removed] or [removed][removed]");
	/* Long input is cut at a character boundary, with a mark. */
	buf_reset(&out);
	char *big = malloc(20001);
	for (int i = 0; i < 20000; i += 2)
		memcpy(big + i, "\xC3\xA9", 2);
	big[20000] = '\0';
	assert_int_equal(scrub_text(big, 20000, NULL, &out), 0);
	assert_true(out.len <= SCRUB_MAX_OUT);
	assert_string_equal(buf_str(&out) + out.len - 3, "\xE2\x80\xA6");
	assert_int_equal(((unsigned char)out.data[out.len - 4] & 0xC0), 0x80); /* é ended whole */
	free(big);
	buf_free(&out);
	scrub_names_free(names);
}

/* scrub_text(in) against the member list names[0..n): what it writes. */
static void expect_scrubbed(const char *const *names, int n, const char *in, const char *want)
{
	struct scrub_names *s = scrub_names_new();
	assert_non_null(s);
	for (int i = 0; i < n; i++)
		assert_int_equal(scrub_names_add(s, names[i]), 0);
	struct buf out = {0};
	assert_int_equal(scrub_text(in, strlen(in), s, &out), 0);
	assert_string_equal(buf_str(&out), want);
	buf_free(&out);
	scrub_names_free(s);
}

/* Survey comments reach admins (and, published, every member) with
 * members' names taken out, because a comment naming its mentor points
 * at the few mentees who could have written it. Names were compared
 * "without case" for ASCII only: a name with an accented capital (Åsa,
 * Émile, Öberg, Łukasz) written in lower case, as people type in a
 * hurry, or in capitals ("THANK YOU ZOË"), was left in (review A). */
static void scrubber_removes_accented_names_in_any_case(void **state)
{
	(void)state;
	static const char *const names[] = {"Åsa Öberg", "Émile Łukasiewicz"};
	expect_scrubbed(names, 2, "åsa was great, and so was émile; thanks öberg and łukasiewicz",
			"[removed] was great, and so was [removed]; thanks [removed] and [removed]");
	static const char *const zoe[] = {"Zoë Ångström"};
	expect_scrubbed(zoe, 1, "THANK YOU ZOË ÅNGSTRÖM", "THANK YOU [removed] [removed]");
}

/* A Greek name ends in a final sigma (ς) in the member list; in capitals
 * ("ΝΊΚΟΣ") its Σ lowercases to σ, not ς: names are case-folded, not
 * lowercased (review C). */
static void scrubber_removes_greek_name_in_capitals(void **state)
{
	(void)state;
	static const char *const names[] = {"Νίκος Παπαδόπουλος"};
	expect_scrubbed(names, 1, "ΕΥΧΑΡΙΣΤΩ ΝΊΚΟΣ ΠΑΠΑΔΌΠΟΥΛΟΣ", "ΕΥΧΑΡΙΣΤΩ [removed] [removed]");
}

/* A name ends at punctuation outside ASCII as it does at "'": the
 * apostrophe phones and Macs type, a dash (review C). */
static void scrubber_removes_names_next_to_typographic_punctuation(void **state)
{
	(void)state;
	static const char *const names[] = {"Åsa Öberg", "Émile Zola"};
	expect_scrubbed(names, 2, "Åsa's advice", "[removed]'s advice");
	expect_scrubbed(names, 2, "Åsa’s advice was great. Émile—thanks!",
			"[removed]’s advice was great. [removed]—thanks!");
}

/* Chinese and Japanese put no space between words, and Korean joins its
 * particles to the name ("김민수가"): a name there is found inside the run
 * of text, not only as a whole word; a given name written alone too. A
 * Latin name joined to such text ends where the script changes. */
static void scrubber_removes_names_inside_unspaced_text(void **state)
{
	(void)state;
	static const char *const names[] = {"王小明", "山田 太郎", "김민수", "Zoë Ångström"};
	expect_scrubbed(names, 4, "王小明说他很好", "[removed]说他很好");
	expect_scrubbed(names, 4, "谢谢小明的帮助", "谢谢[removed]的帮助");
	expect_scrubbed(names, 4, "山田さんと太郎くん、ありがとう",
			"[removed]さんと[removed]くん、ありがとう");
	expect_scrubbed(names, 4, "김민수가 도와줬어요", "[removed]가 도와줬어요");
	expect_scrubbed(names, 4, "Zoë说得对", "[removed]说得对");
	/* Text without a name stays as it was. */
	expect_scrubbed(names, 4, "他很好，谢谢", "他很好，谢谢");
}

/* Review D of the above: a name kept in the member list with a space
 * between family and given name ("王 伟", "김 민수") is written together in
 * running text; a phone number inside Chinese text; Thai and kana names
 * are looked for whole (their letters' parts are in most words, and a
 * comment was shredded); a number in a name is no name. */
static void scrubber_unspaced_names_written_together_and_numbers(void **state)
{
	(void)state;
	static const char *const names[] = {"王 伟", "王小明", "김 민수", "สมชาย ใจดี", "さくら", "王2024"};
	expect_scrubbed(names, 6, "王伟帮了我很多", "[removed]帮了我很多");
	expect_scrubbed(names, 6, "伟王说得对", "[removed]说得对");
	/* What is left between two names is a word of its own (make fuzz). */
	expect_scrubbed(names, 6, "王小明伟", "[removed][removed]");
	expect_scrubbed(names, 6, "김민수가 도와줬어요", "[removed]가 도와줬어요");
	expect_scrubbed(NULL, 0, "电话：13812345678", "电话：[removed]");
	expect_scrubbed(NULL, 0, "请打13812345678联系我", "请打[removed]联系我");
	expect_scrubbed(names, 6, "ขอบคุณสมชายมาก", "ขอบคุณ[removed]มาก");
	expect_scrubbed(names, 6, "ฉันชอบดื่มชาเย็นมาก", "ฉันชอบดื่มชาเย็นมาก");
	expect_scrubbed(names, 6, "さくらさん、くらいの時間でした", "[removed]さん、くらいの時間でした");
	expect_scrubbed(names, 6, "We met in 2024", "We met in 2024");
}

/* The same name in another Unicode form: typed on a Mac (decomposed:
 * "Zoe" and a combining diaeresis), a member list written so while the
 * comment is composed, and digits typed full width by a Chinese or
 * Japanese keyboard (review D's suspicions). */
static void scrubber_sees_through_unicode_forms(void **state)
{
	(void)state;
	static const char *const names[] = {"Zoë Ångström", "Jose\xcc\x81 Nu\xcc\x81n\xcc\x83"
							    "ez"};
	expect_scrubbed(names, 2, "thanks Zoe\xcc\x88!", "thanks [removed]!");
	expect_scrubbed(names, 2, "José was great", "[removed] was great");
	expect_scrubbed(NULL, 0, "电话：１３８１２３４５６７８", "电话：[removed]");
}

/* Review E (a second helper's review of the scrubber; each case failed
 * as found). A name typed without its accents or other marks, as people
 * type in a hurry: Latin, Greek capitals (written without tonos by
 * rule), Russian ё as е, Arabic without its hamza, Vietnamese without
 * tones, Turkish İ and ı as I and i, Polish Ł as L; and an emoji's
 * variation selector (a combining mark) glued before a name. */
static void scrubber_removes_names_typed_without_accents(void **state)
{
	(void)state;
	static const char *const names[] = {"Zoë Ångström",   "José Núñez",   "Νίκος Παπαδόπουλος",
					    "Алёна Петрова",  "أحمد علي",     "Nguyễn Thị Hương",
					    "İbrahim Yılmaz", "Łukasz Nowak", "Anna Schmidt"};
	const int n = 9;
	expect_scrubbed(names, n, "thanks Zoe and Jose", "thanks [removed] and [removed]");
	expect_scrubbed(names, n, "ΕΥΧΑΡΙΣΤΩ ΝΙΚΟΣ", "ΕΥΧΑΡΙΣΤΩ [removed]");
	expect_scrubbed(names, n, "Алена молодец", "[removed] молодец");
	expect_scrubbed(names, n, "شكرا احمد", "شكرا [removed]");
	expect_scrubbed(names, n, "cảm ơn Huong", "cảm ơn [removed]");
	expect_scrubbed(names, n, "Ibrahim Yilmaz helped", "[removed] [removed] helped");
	expect_scrubbed(names, n, "thanks Lukasz", "thanks [removed]");
	expect_scrubbed(names, n, "Thanks ❤️Anna!", "Thanks ❤[removed]!");
}

/* Phone numbers as keyboards and pasted text write them: ー typed for -
 * by a Japanese keyboard in kana mode, full-width hyphens, no-break
 * spaces, Arabic-Indic and Persian digits, a slash; and e-mail addresses
 * with a full-width ＠ or spaces around the @ (review E). A row of
 * separators is no number, and is not scanned again from each one. */
static void scrubber_removes_numbers_and_addresses_as_typed(void **state)
{
	(void)state;
	expect_scrubbed(NULL, 0, "電話は090ー1234ー5678です", "電話は[removed]です");
	expect_scrubbed(NULL, 0, "電話：０９０－１２３４－５６７８", "電話：[removed]");
	expect_scrubbed(NULL, 0,
			"appelle-moi au 06\xc2\xa0"
			"12\xc2\xa0"
			"34\xc2\xa0"
			"56\xc2\xa0"
			"78",
			"appelle-moi au [removed]");
	expect_scrubbed(NULL, 0, "رقمي ٠٥٠١٢٣٤٥٦٧", "رقمي [removed]");
	expect_scrubbed(NULL, 0, "شماره من ۰۹۱۲۳۴۵۶۷۸۹", "شماره من [removed]");
	expect_scrubbed(NULL, 0, "Tel. 030/123456", "Tel. [removed]");
	expect_scrubbed(NULL, 0, "メール taro＠example.jp", "メール [removed]");
	expect_scrubbed(NULL, 0, "mail a.schmidt84 @ gmail.com today", "mail [removed] today");
	expect_scrubbed(NULL, 0, "(((( 1 2 3", "(((( 1 2 3");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scrubber_removes_greek_name_in_capitals),
		cmocka_unit_test(scrubber_removes_names_inside_unspaced_text),
		cmocka_unit_test(scrubber_unspaced_names_written_together_and_numbers),
		cmocka_unit_test(scrubber_sees_through_unicode_forms),
		cmocka_unit_test(scrubber_removes_names_typed_without_accents),
		cmocka_unit_test(scrubber_removes_numbers_and_addresses_as_typed),
		cmocka_unit_test(scrubber_removes_names_next_to_typographic_punctuation),
		cmocka_unit_test(scrubber_removes_accented_names_in_any_case),
		cmocka_unit_test(mean_and_zeros_cannot_solve_hidden_cells),
		cmocka_unit_test(hidden_groups_never_add_up_to_fewer_than_k),
		cmocka_unit_test(random_tables_leave_no_small_remainder),
		cmocka_unit_test(no_cap_on_groups),
		cmocka_unit_test(audit_catches_a_count_pinned_across_lines),
		cmocka_unit_test(fewer_than_k_hides_everything),
		cmocka_unit_test(scrubber_survives_the_overflow_input),
		cmocka_unit_test(scrubber_takes_out_addresses_numbers_and_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
