-- Search at 100,000 members (issue 15): a typed word is a prefix query,
-- and FTS5 reads a prefix query a page at a time only when a prefix index
-- of exactly that many characters exists. Without one it first merges the
-- whole doclist of every word the prefix begins: with indexes of 2 to 8
-- characters, "kubernetes" (10) read all 1,827 matching cards before the
-- first row (measured on the 100,000-member bench database, 500 runs in
-- the sqlite3 shell: 143 us a query against 73 us for "kubernet"), and
-- "k" (1) every word that begins with k (241 us). Indexes of 1 to 16
-- characters cover every topic name and almost any word typed; the index
-- grows from 13.9 to 16.8 MB there. A word of 17 or more characters still
-- merges, but only the cards holding such a word.
-- The table is made again with the new option (FTS5 cannot change it in
-- place) and filled from the cards, as directory_refresh fills it; the
-- cards themselves are unchanged.
DROP TABLE mentor_search;
CREATE VIRTUAL TABLE mentor_search USING fts5(
  name, focus_names, search_text,
  content = 'mentor_cards', content_rowid = 'search_key',
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16');
INSERT INTO mentor_search(rowid, name, focus_names, search_text)
  SELECT search_key, name, focus_names, search_text FROM mentor_cards WHERE search_key IS NOT NULL;
INSERT INTO mentor_search(mentor_search) VALUES ('optimize');
