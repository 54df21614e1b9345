-- The dashboard at 100,000 members (issue 15): its two request lists (a
-- mentor's requests waiting, a mentee's own open or lately answered) read
-- each request's row for the columns their index lacked (status and
-- answered_at, the other person, the topic). A request's row is wide (the
-- goal, the sealed message) and one person's requests lie on pages of
-- their own, so each was a page read from the file. These indexes hold
-- every column the two lists read (store/request_lists.c names them), so
-- the lists read the index only. Measured on a copy of the 100,000-member
-- bench database, 1,000 people: page reads a home page 5.9 -> 4.75, worker
-- CPU a home page 165 -> 157 us (medians of 5 alternating rounds).
-- Separate from requests_mentee_time and requests_mentor_time: those
-- keep the id as the tie-break of created_at that the keyset pages of
-- /requests read in order. (requests_mentor is now a prefix of
-- requests_mentor_dash and could go; left for a migration of its own,
-- with the plans of its other readers checked.)
CREATE INDEX requests_mentee_dash ON requests(mentee_id, created_at, status, answered_at, mentor_id, topic_id);
CREATE INDEX requests_mentor_dash ON requests(mentor_id, status, created_at, mentee_id, topic_id);
