# The two commands a newcomer needs: `make run` and `make test`. See README.md.

JAVA_HOME := $(shell scripts/java-home.sh)
export JAVA_HOME
JAVA := $(JAVA_HOME)/bin/java
MVNW := ./mvnw -B

VERSION := 0.1.0-SNAPSHOT
JAR := standalone/target/modelyard-standalone-$(VERSION).jar
SOURCES := $(shell find workflows infra workers api standalone -path '*/src/main/*' -type f) \
           pom.xml $(wildcard */pom.xml)

# --enable-native-access: llama.cpp's JNI library; --sun-misc-unsafe-memory-access: protobuf and
# Netty still use sun.misc.Unsafe, which JDK 25 warns about at every start.
JAVA_OPTS ?= -XX:+UseZGC -Xmx2g
RUN_FLAGS := --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow

.PHONY: run test build clean services stop-services require-jdk

## Runs Modelyard on embedded defaults (building first if needed), on port 8000.
run: $(JAR)
	@JAVA_HOME=$(JAVA_HOME) scripts/java-home.sh --require >/dev/null
	exec $(JAVA) $(RUN_FLAGS) $(JAVA_OPTS) -jar $(JAR)

## Starts the real test services (PostgreSQL, Redis, Docker, registry, HF mirror, Temporal,
## Ollama) on loopback, then runs the whole test suite against them.
test: require-jdk services
	$(MVNW) verify

build: $(JAR)

# Without the formatter's check: a local edit not yet formatted must not stop `make run`
# (`make test` still checks it).
$(JAR): $(SOURCES)
	$(MVNW) -q install -DskipTests -Dspotless.check.skip

# Before the services: their test images are jlink'd from the JDK, and without one the first error
# would be a missing jlink, minutes in, rather than this.
require-jdk:
	@JAVA_HOME=$(JAVA_HOME) scripts/java-home.sh --require >/dev/null

services: require-jdk
	scripts/test-services.sh

stop-services:
	scripts/stop-services.sh

clean:
	$(MVNW) -q clean
