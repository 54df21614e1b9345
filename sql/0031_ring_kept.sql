-- Issues 15, 17, 18 (page speed): values the ring pages and the office
-- hours' list read, kept on their rows instead of looked up per request.

-- Every row of GET /rings and of "my rings"
-- showed its active mentors' names through a correlated subquery (a seek
-- into ring_mentors and one into users per mentor, per row): half of the
-- list's SQL at 100,000 members. The names are kept on the ring instead,
-- by the triggers below, in the transaction that changes a ring's mentors
-- or a mentor's name, so every write path keeps them and none written
-- later can forget. The value is exactly what the subquery gave ('' for
-- none, where the subquery gave NULL and the reader wrote ''): the same
-- statement, in the same order (ring_mentors' key: by user id).

ALTER TABLE rings ADD COLUMN mentor_names TEXT NOT NULL DEFAULT '';

UPDATE rings SET mentor_names = coalesce((SELECT group_concat(u.display_name, ' and ')
  FROM ring_mentors x JOIN users u ON u.id = x.user_id
  WHERE x.ring_id = rings.id AND x.state = 'active'), '');

CREATE TRIGGER ring_mentor_names_in AFTER INSERT ON ring_mentors WHEN NEW.state = 'active' BEGIN
  UPDATE rings SET mentor_names = coalesce((SELECT group_concat(u.display_name, ' and ')
    FROM ring_mentors x JOIN users u ON u.id = x.user_id
    WHERE x.ring_id = rings.id AND x.state = 'active'), '') WHERE id = NEW.ring_id;
END;

CREATE TRIGGER ring_mentor_names_out AFTER DELETE ON ring_mentors WHEN OLD.state = 'active' BEGIN
  UPDATE rings SET mentor_names = coalesce((SELECT group_concat(u.display_name, ' and ')
    FROM ring_mentors x JOIN users u ON u.id = x.user_id
    WHERE x.ring_id = rings.id AND x.state = 'active'), '') WHERE id = OLD.ring_id;
END;

CREATE TRIGGER ring_mentor_names_moved AFTER UPDATE ON ring_mentors BEGIN
  UPDATE rings SET mentor_names = coalesce((SELECT group_concat(u.display_name, ' and ')
    FROM ring_mentors x JOIN users u ON u.id = x.user_id
    WHERE x.ring_id = rings.id AND x.state = 'active'), '') WHERE id IN (OLD.ring_id, NEW.ring_id);
END;

CREATE TRIGGER ring_mentor_names_renamed AFTER UPDATE OF display_name ON users
  WHEN OLD.display_name IS NOT NEW.display_name BEGIN
  UPDATE rings SET mentor_names = coalesce((SELECT group_concat(u.display_name, ' and ')
    FROM ring_mentors x JOIN users u ON u.id = x.user_id
    WHERE x.ring_id = rings.id AND x.state = 'active'), '')
    WHERE id IN (SELECT ring_id FROM ring_mentors WHERE user_id = NEW.id AND state = 'active');
END;

-- A ring's page shows each session with how many came: a count over
-- ring_attendees per session shown (20 rows each in a full ring) was a
-- third of the page's session list. The count is kept on the session by
-- the triggers below, in the transaction that ticks or unticks someone.
ALTER TABLE ring_sessions ADD COLUMN attended INTEGER NOT NULL DEFAULT 0;

UPDATE ring_sessions SET attended = (SELECT count(*) FROM ring_attendees a
  WHERE a.session_id = ring_sessions.id);

CREATE TRIGGER ring_attended_in AFTER INSERT ON ring_attendees BEGIN
  UPDATE ring_sessions SET attended = attended + 1 WHERE id = NEW.session_id;
END;

CREATE TRIGGER ring_attended_out AFTER DELETE ON ring_attendees BEGIN
  UPDATE ring_sessions SET attended = attended - 1 WHERE id = OLD.session_id;
END;

CREATE TRIGGER ring_attended_moved AFTER UPDATE OF session_id ON ring_attendees
  WHEN OLD.session_id IS NOT NEW.session_id BEGIN
  UPDATE ring_sessions SET attended = attended - 1 WHERE id = OLD.session_id;
  UPDATE ring_sessions SET attended = attended + 1 WHERE id = NEW.session_id;
END;

-- GET /office-hours names each occurrence's host: a seek into users per
-- row of the list (a fifth of its statement at 100,000 members). The name
-- is kept on the occurrence, set when it is written or changes host, and
-- moved by a rename, in the same transaction.
ALTER TABLE oh_occurrences ADD COLUMN host_name TEXT NOT NULL DEFAULT '';

UPDATE oh_occurrences SET host_name = (SELECT u.display_name FROM users u
  WHERE u.id = oh_occurrences.host_id);

CREATE TRIGGER oh_host_name_in AFTER INSERT ON oh_occurrences BEGIN
  UPDATE oh_occurrences SET host_name = (SELECT u.display_name FROM users u WHERE u.id = NEW.host_id)
    WHERE id = NEW.id;
END;

CREATE TRIGGER oh_host_name_moved AFTER UPDATE OF host_id ON oh_occurrences
  WHEN OLD.host_id IS NOT NEW.host_id BEGIN
  UPDATE oh_occurrences SET host_name = (SELECT u.display_name FROM users u WHERE u.id = NEW.host_id)
    WHERE id = NEW.id;
END;

CREATE TRIGGER oh_host_name_renamed AFTER UPDATE OF display_name ON users
  WHEN OLD.display_name IS NOT NEW.display_name BEGIN
  UPDATE oh_occurrences SET host_name = NEW.display_name WHERE host_id = NEW.id;
END;
