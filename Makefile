# Tandem. `make run` and `make test` are the two commands a new user needs;
# both start with `deps`, which installs every Debian package we use.

SHELL := /bin/bash
PKGS := gcc make pkg-config nginx-light libfcgi-dev libctpl-dev libsodium-dev liboath-dev libqrencode-dev \
        libsqlite3-dev libcmocka-dev libcrack2-dev cracklib-runtime wrk \
        chromium nodejs python3 sqlite3 curl tzdata libcurl4-openssl-dev \
        python3-aiosmtpd python3-icalendar libseccomp-dev default-jre-headless
FUZZ_PKGS := clang libclang-rt-14-dev

PC_LIBS := ctpl libsodium sqlite3 libcurl libseccomp liboath libqrencode
CPPFLAGS := -Iapp -D_GNU_SOURCE $(shell pkg-config --cflags $(PC_LIBS) 2>/dev/null)
WARN := -std=c17 -Wall -Wextra -Wformat=2 -Werror
HARDEN := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
LDHARDEN := -pie -Wl,-z,relro,-z,now
LDLIBS := $(shell pkg-config --libs $(PC_LIBS) 2>/dev/null) -lfcgi -lcrack -lm
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)

REL_CFLAGS := $(WARN) $(HARDEN) -O2 -DTANDEM_VERSION='"$(VERSION)"'
# The test build adds the sanitizers and the injectable clock.
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ASAN_CFLAGS := $(WARN) -O1 -g $(SAN) -fPIE -DTANDEM_TESTING -DTANDEM_VERSION='"$(VERSION)-test"'

SRCS := $(shell find app -name '*.c' | sort)
LIB_SRCS := $(filter-out app/main.c,$(SRCS))
HDRS := $(shell find app -name '*.h')
REL_OBJS := $(SRCS:app/%.c=build/obj/rel/%.o)
ASAN_OBJS := $(SRCS:app/%.c=build/obj/asan/%.o)
ASAN_LIB_OBJS := $(LIB_SRCS:app/%.c=build/obj/asan/%.o)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=build/unit/%)

export TANDEM_DATA ?= $(CURDIR)/var
export TANDEM_PORT ?= 8080

.PHONY: all deps run test unit http browser faults bench fuzz clean format lint node_modules install
all: build/tandem build/asan/tandem

deps:
	@missing=$$(for p in $(PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing: $$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  else \
	    echo "Tandem needs these Debian packages. Run:"; \
	    echo "  sudo apt-get install -y $$missing"; exit 1; \
	  fi; \
	fi
	@# As root, `serve` drops to $${TANDEM_USER:-tandem} once it has the socket and the key.
	@if [ "$$(id -u)" = 0 ] && ! id -u "$${TANDEM_USER:-tandem}" >/dev/null 2>&1; then \
	  echo "creating system user $${TANDEM_USER:-tandem}"; \
	  useradd --system --no-create-home --shell /usr/sbin/nologin "$${TANDEM_USER:-tandem}" || exit 1; \
	fi

build/obj/rel/%.o: app/%.c $(HDRS)
	@mkdir -p $(dir $@)
	@echo "cc $<"; $(CC) $(CPPFLAGS) $(REL_CFLAGS) -c $< -o $@

build/obj/asan/%.o: app/%.c $(HDRS)
	@mkdir -p $(dir $@)
	@echo "cc (asan) $<"; $(CC) $(CPPFLAGS) $(ASAN_CFLAGS) -c $< -o $@

build/tandem: $(REL_OBJS)
	$(CC) $(REL_CFLAGS) $(LDHARDEN) $^ $(LDLIBS) -o $@

build/asan/tandem: $(ASAN_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) -pie $^ $(LDLIBS) -o $@

build/unit/%: tests/unit/%.c tests/unit/testutil.h tests/unit/testdb.h tests/unit/testkey.h $(ASAN_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ASAN_CFLAGS) -pie $< $(ASAN_LIB_OBJS) $(LDLIBS) -lcmocka -o $@

# What an operator installs on a server (deploy/README.md): the binary and
# what it reads under PREFIX, the systemd units, the nginx site and its
# shared locations, logrotate. Files an operator edits (the site, the
# settings) are written only when absent. DESTDIR stages it elsewhere.
PREFIX ?= /opt/tandem
NGINX_DIR ?= /etc/nginx
SYSTEMD_DIR ?= /etc/systemd/system
SERVER_NAME ?= tandem.example.com
install: build/tandem
	@set -e; d="$(DESTDIR)"; \
	install -d "$$d$(PREFIX)" "$$d$(SYSTEMD_DIR)" "$$d$(NGINX_DIR)/sites-available" "$$d/etc/logrotate.d" "$$d/etc/tandem"; \
	install -m 0755 build/tandem deploy/tandem-backup.sh "$$d$(PREFIX)/"; \
	rm -rf "$$d$(PREFIX)/templates" "$$d$(PREFIX)/sql" "$$d$(PREFIX)/static" "$$d$(PREFIX)/deploy"; \
	cp -R templates sql static "$$d$(PREFIX)/"; install -d "$$d$(PREFIX)/deploy"; \
	install -m 0644 deploy/README.md "$$d$(PREFIX)/deploy/"; \
	chmod -R a+rX "$$d$(PREFIX)"; \
	for u in tandem.service tandem-backup.service tandem-backup.timer; do \
	  sed "s|/opt/tandem|$(PREFIX)|g" deploy/$$u > "$$d$(SYSTEMD_DIR)/$$u"; chmod 0644 "$$d$(SYSTEMD_DIR)/$$u"; done; \
	install -m 0644 deploy/tandem.logrotate "$$d/etc/logrotate.d/tandem"; \
	install -m 0644 deploy/fastcgi.conf.in "$$d$(NGINX_DIR)/tandem-fastcgi.conf"; \
	sed -e "s|@STATIC@|$(PREFIX)/static|g" -e "s|@FASTCGI@|$(NGINX_DIR)/tandem-fastcgi.conf|g" \
	    -e "s|@LOGIN_BURST@|20|" \
	    -e 's|@EXTRA_HEADERS@|add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;|' \
	    deploy/nginx-app.conf.in > "$$d$(NGINX_DIR)/tandem-app.conf"; \
	site="$$d$(NGINX_DIR)/sites-available/tandem"; \
	[ -e "$$site" ] || sed -e "s|@SERVER_NAME@|$(SERVER_NAME)|g" -e "s|/etc/nginx/|$(NGINX_DIR)/|g" \
	    -e "s|@CERT@|/etc/ssl/certs/tandem.pem|" -e "s|@CERT_KEY@|/etc/ssl/private/tandem.key|" \
	    deploy/nginx-site.conf.in > "$$site"; \
	[ -e "$$d/etc/tandem/tandem.env" ] || install -m 0640 deploy/tandem.env "$$d/etc/tandem/tandem.env"; \
	if [ -z "$$d" ] && [ "$$(id -u)" = 0 ]; then \
	  id -u tandem >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin tandem; \
	  usermod -a -G tandem www-data; \
	  chgrp tandem /etc/tandem/tandem.env; \
	  install -d -o tandem -g tandem -m 0700 /var/backups/tandem; \
	  systemctl daemon-reload 2>/dev/null || true; \
	fi; \
	echo "installed under $$d$(PREFIX); next: deploy/README.md"

# The build is a second make: its flags come from pkg-config, which can
# only answer once deps has installed the packages (a fresh machine).
run: deps
	@$(MAKE) --no-print-directory build/tandem
	@TANDEM_BIN=$(CURDIR)/build/tandem deploy/run.sh

tests/node_modules/.ok: tests/package.json tests/package-lock.json
	cd tests && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; TANDEM_ROOT=$(CURDIR) $$t; done

http: build/asan/tandem tests/node_modules/.ok
	cd tests && TANDEM_BIN=$(CURDIR)/build/asan/tandem node --test --test-concurrency=1 http/

browser: build/asan/tandem tests/node_modules/.ok
	cd tests && TANDEM_BIN=$(CURDIR)/build/asan/tandem node --test --test-concurrency=1 browser/

# Faults a server meets for real (tests/faults/): processes killed, the
# power cut, a full disk, a lost key. A few minutes at most.
faults: build/asan/tandem tests/node_modules/.ok
	cd tests && TANDEM_BIN=$(CURDIR)/build/asan/tandem node --test --test-concurrency=1 faults/

test: deps
	@$(MAKE) --no-print-directory all $(UNIT_BINS) tests/node_modules/.ok
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory http
	@$(MAKE) --no-print-directory faults
	@$(MAKE) --no-print-directory browser
	@echo "make test: all suites passed"

bench: deps
	@$(MAKE) --no-print-directory build/tandem build/bench/floor build/bench/hashtime tests/node_modules/.ok
	@deploy/bench.sh

build/bench/floor: tests/bench/floor.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(REL_CFLAGS) $(LDHARDEN) $< -lfcgi -o $@

build/bench/hashtime: tests/bench/hashtime.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(REL_CFLAGS) $(LDHARDEN) $< -lsodium -o $@

# issue 19: one survey send's transaction on a seeded database (README, Surveys).
build/bench/sendtime: tests/bench/sendtime.c $(filter-out build/obj/rel/main.o,$(REL_OBJS))
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(REL_CFLAGS) $(LDHARDEN) $^ $(LDLIBS) -o $@

# One harness per parser or writer: each gets FUZZ_SECONDS (default 60).
FUZZ_TARGETS := form:app/http/form.c scrub:app/core/scrub.c export:app/view/export.c \
                csv:app/core/csv.c multipart:app/http/multipart.c
fuzz:
	@$(MAKE) --no-print-directory deps PKGS="$(FUZZ_PKGS)"
	@set -e; for t in $(FUZZ_TARGETS); do name=$${t%%:*}; src=$${t#*:}; \
	  mkdir -p build/fuzz/corpus_$$name; \
	  clang $(CPPFLAGS) -std=c17 -g -O1 -fsanitize=fuzzer,address,undefined tests/fuzz/fuzz_$$name.c $$src app/core/buf.c $(shell pkg-config --libs glib-2.0) -o build/fuzz/fuzz_$$name; \
	  corpus=tests/fuzz/corpus_$$name; [ $$name = form ] && corpus=tests/fuzz/corpus; \
	  cp -n $$corpus/* build/fuzz/corpus_$$name/ 2>/dev/null || true; \
	  echo "== fuzz_$$name"; \
	  build/fuzz/fuzz_$$name -max_total_time=$${FUZZ_SECONDS:-60} -max_len=4096 build/fuzz/corpus_$$name; \
	done

format:
	clang-format -i $(SRCS) $(HDRS) $(UNIT_SRCS)

# cppcheck, then the layering rule (tests/lint/layers.sh): no file includes
# a header from a layer above its own.
lint:
	tests/lint/layers.sh app
	tests/lint/failures.sh app
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability --inline-suppr -Iapp $(SRCS)

clean:
	rm -rf build tests/node_modules
