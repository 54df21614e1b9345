-- Read paths of the busiest pages (dashboard, directory), and no write to
-- show a one-time message.

-- A mentee's requests in the order the dashboard lists them, so the page
-- reads an index range instead of sorting through a temporary b-tree.
CREATE INDEX requests_mentee_time ON requests(mentee_id, created_at);

-- The directory carries each card's version, so a page of the directory
-- is read from one covering index: a worker that has the card rendered
-- for that version never opens mentor_cards.
ALTER TABLE directory ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
UPDATE directory SET version = coalesce((SELECT c.version FROM mentor_cards c WHERE c.user_id = directory.user_id), 0);
DROP INDEX directory_order;
CREATE INDEX directory_order ON directory(topic_id, has_room DESC, name_key, user_id, formats, focus_ids, version);

-- The one-time message after a form ("Session logged.") travels in a
-- cookie: showing it no longer writes to the database.
ALTER TABLE sessions DROP COLUMN flash;
