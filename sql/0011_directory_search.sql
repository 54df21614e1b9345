-- The directory at 100,000 members (issue 15): words found through a
-- full-text index, and the topics page's figures kept instead of counted.
-- Both are kept in the transactions that change what they hold, on every
-- write path (a profile save, an accept, a deactivation, `tandem
-- seed-demo`).

-- Search: an external-content FTS5 index over the mentor cards (one copy
-- of the text). unicode61 with remove_diacritics 2 folds "Chloé" to
-- "chloe". The prefix indexes (2 to 8 characters) let a typed word's
-- matches be read a page at a time; without one, FTS5 first merges the
-- matches of every word it begins (measured at 100,000 members: "kube"
-- 200 us without, 50 us with; the index grows by 6 MB).
-- Its rowid is the card's search_key, not the user id: room left first,
-- then the name's first 8 letters, then the user id (directory.c), so
-- the index hands out its matches in the order the page shows them and a
-- page reads 20 of them, not every match.
-- Kept by directory_refresh() (app/store/directory.c), which every change
-- to a card already goes through, in the same transaction: not by a
-- trigger, because the connections run with trusted_schema=OFF, under
-- which a trigger may not write to a virtual table. Cards written before
-- this have no key and are not indexed; the rebuild that follows every
-- migration (tandem migrate) rewrites them with one.
ALTER TABLE mentor_cards ADD COLUMN search_key INTEGER;
CREATE VIRTUAL TABLE mentor_search USING fts5(
  name, focus_names, search_text,
  content = 'mentor_cards', content_rowid = 'search_key',
  tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4 5 6 7 8');

-- The topics page: how many active people want each topic and how many
-- mentor in it, kept by triggers where user_topics and users.active
-- change, so no write path can forget them. The name
-- is copied (a topic's name never changes) so the page reads one index.
CREATE TABLE topic_counts (
  topic_id INTEGER PRIMARY KEY REFERENCES topics(id),
  name     TEXT NOT NULL,
  wanted   INTEGER NOT NULL DEFAULT 0, -- active people with it as an interest
  offered  INTEGER NOT NULL DEFAULT 0  -- active mentors with it as a focus
) STRICT;
-- The page's order; topics nobody active holds stay out of the index.
CREATE INDEX topic_counts_need ON topic_counts(wanted - offered DESC, wanted DESC, name)
  WHERE wanted + offered > 0;
INSERT INTO topic_counts(topic_id, name, wanted, offered)
  SELECT t.id, t.name,
    (SELECT count(*) FROM user_topics ut JOIN users u ON u.id = ut.user_id
     WHERE ut.topic_id = t.id AND ut.kind = 'interest' AND u.active = 1),
    (SELECT count(*) FROM user_topics ut JOIN users u ON u.id = ut.user_id
     WHERE ut.topic_id = t.id AND ut.kind = 'focus' AND u.active = 1)
  FROM topics t;
CREATE TRIGGER topic_counts_topic AFTER INSERT ON topics BEGIN
  INSERT INTO topic_counts(topic_id, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER topic_counts_add AFTER INSERT ON user_topics
WHEN (SELECT active FROM users WHERE id = new.user_id) = 1 BEGIN
  UPDATE topic_counts SET wanted = wanted + (new.kind = 'interest'), offered = offered + (new.kind = 'focus')
  WHERE topic_id = new.topic_id;
END;
-- A user deleted outright cascades to user_topics after the users row is
-- gone: the BEFORE DELETE trigger on users has counted them out already.
CREATE TRIGGER topic_counts_remove AFTER DELETE ON user_topics
WHEN (SELECT active FROM users WHERE id = old.user_id) = 1 BEGIN
  UPDATE topic_counts SET wanted = wanted - (old.kind = 'interest'), offered = offered - (old.kind = 'focus')
  WHERE topic_id = old.topic_id;
END;
CREATE TRIGGER topic_counts_active AFTER UPDATE OF active ON users
WHEN old.active IS NOT new.active BEGIN
  UPDATE topic_counts SET
    wanted = wanted + (CASE WHEN new.active = 1 THEN 1 WHEN old.active = 1 THEN -1 ELSE 0 END) *
      (SELECT count(*) FROM user_topics ut WHERE ut.user_id = new.id AND ut.kind = 'interest' AND ut.topic_id = topic_counts.topic_id),
    offered = offered + (CASE WHEN new.active = 1 THEN 1 WHEN old.active = 1 THEN -1 ELSE 0 END) *
      (SELECT count(*) FROM user_topics ut WHERE ut.user_id = new.id AND ut.kind = 'focus' AND ut.topic_id = topic_counts.topic_id)
  WHERE topic_id IN (SELECT topic_id FROM user_topics WHERE user_id = new.id);
END;
CREATE TRIGGER topic_counts_user_gone BEFORE DELETE ON users WHEN old.active = 1 BEGIN
  UPDATE topic_counts SET
    wanted = wanted - (SELECT count(*) FROM user_topics ut WHERE ut.user_id = old.id AND ut.kind = 'interest' AND ut.topic_id = topic_counts.topic_id),
    offered = offered - (SELECT count(*) FROM user_topics ut WHERE ut.user_id = old.id AND ut.kind = 'focus' AND ut.topic_id = topic_counts.topic_id)
  WHERE topic_id IN (SELECT topic_id FROM user_topics WHERE user_id = old.id);
END;
