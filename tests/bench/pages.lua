-- make bench: GET one page as many signed-in people in turn. The people
-- are the lines of BENCH_TOKENS (tandem seed-demo --bench-sessions) whose
-- role is BENCH_ROLE; BENCH_PATH may name {ms} (the person's active
-- mentorship) or {meeting} (one of its sessions): then only people who
-- have one take part. Each thread starts at its own place in the list.
local path, role = os.getenv("BENCH_PATH"), os.getenv("BENCH_ROLE")
-- issue 18: {ring} is BENCH_RING, opened by its members (BENCH_RING_MEMBERS,
-- user ids) only.
local ring, ring_members = os.getenv("BENCH_RING") or "0", {}
for id in (os.getenv("BENCH_RING_MEMBERS") or ""):gmatch("%d+") do ring_members[id] = true end
local people = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

-- issue 17: role "senior" is the members listed in BENCH_SENIORS (ids,
-- one a line: the seeded people with 200 pairings).
local function seniors()
  local set = {}
  if role == "senior" then
    for id in io.lines(os.getenv("BENCH_SENIORS")) do set[id] = true end
  end
  return set
end

function init(args)
  local needs_ms = path:find("{ms}") or path:find("{meeting}")
  local senior = seniors()
  for line in io.lines(os.getenv("BENCH_TOKENS")) do
    local r, tok, _, uid, ms, meets = line:match("^(%S+) (%S+) (%S+) (%S+) (%S+) (%S+) (%S+)$")
    if role == "senior" and r == "member" and senior[uid] then r = "senior" end
    if r == role and (not needs_ms or ms ~= "0") and (not path:find("{ring}") or ring_members[uid]) then
      local p = path:gsub("{ms}", ms):gsub("{meeting}", meets:match("^(%d+)") or "0"):gsub("{ring}", ring)
      people[#people + 1] = wrk.format("GET", p, { Cookie = "__Host-sid=" .. tok })
    end
  end
  if #people == 0 then error("no bench session fits " .. path) end
  i = (tid or 0) * 7919
end

function request()
  i = i + 1
  return people[i % #people + 1]
end
