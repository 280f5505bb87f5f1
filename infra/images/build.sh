#!/usr/bin/env bash
# Builds the Caracal container images (images.conf beside this file) with buildah, offline and FROM scratch: no base
# image is pulled. A Java runtime made by jlink from the build's own JDK, holding only the modules jdeps finds in the
# jars, goes into caracal/java-runtime:<tag> with the C library it needs, a non-root user (10001) and an empty /tmp;
# each image adds its jar to it. The images are OCI images in buildah's local storage; push them with `buildah push`.
#
# Usage: infra/images/build.sh [--tag TAG] [--no-package]
#   --tag TAG      image tag (default: the Helm chart's appVersion, the tag the chart deploys)
#   --no-package   use the jars already in <module>/target instead of running `mvn package` first
# Environment:
#   STORAGE_DRIVER        buildah's storage driver (default: buildah's own, overlay; vfs where overlay mounts fail)
#   CARACAL_BUILDAH_ROOT  a directory of its own for buildah's storage (default: buildah's system storage)
#   MAVEN_ARGS            extra arguments for mvn (for example -o)
#   JAVA_HOME             the JDK whose jlink, jdeps and jmods make the runtime (default: the one jlink on PATH is in)
# Requirements: buildah (Debian: apt-get install buildah), a JDK 17+ with its jmods (Debian: openjdk-17-jdk-headless),
# unzip, Maven, a static busybox for the CLI image (Debian: apt-get install busybox-static). See docs/deploy/images.md.
set -euo pipefail
export LC_ALL=C # comm needs sort's byte order
if ! [[ -x /bin/busybox ]] || ldd /bin/busybox >/dev/null 2>&1; then
  echo "the CLI image needs a static /bin/busybox (Debian: apt-get install busybox-static)" >&2
  exit 1
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/infra/images"
work="$root/target/images"
tag=""
package=true
while (($#)); do
  case "$1" in
    --tag) tag="$2"; shift 2 ;;
    --no-package) package=false; shift ;;
    *) echo "unknown argument: $1 (usage: $0 [--tag TAG] [--no-package])" >&2; exit 2 ;;
  esac
done
if [[ -z "$tag" ]]; then
  tag="$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1/p' "$root/infra/helm/caracal/Chart.yaml")"
fi
if [[ -z "${JAVA_HOME:-}" ]]; then
  JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v jlink)")")")"
fi
release="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$JAVA_HOME/release")"
buildah=(buildah)
if [[ -n "${CARACAL_BUILDAH_ROOT:-}" ]]; then
  buildah+=(--root "$CARACAL_BUILDAH_ROOT/storage" --runroot "$CARACAL_BUILDAH_ROOT/run")
fi
if [[ -n "${STORAGE_DRIVER:-}" ]]; then
  buildah+=(--storage-driver "$STORAGE_DRIVER")
fi

# name module jar main ports, from images.conf
mapfile -t images < <(grep -v -e '^#' -e '^[[:space:]]*$' "$here/images.conf")
jar_of() { # module jar -> the jar's path
  echo "$root/$1/target/$2"
}

step() {
  echo "[$(date +%T)] $*" >&2
}

if [[ "$package" == true ]]; then
  modules="$(for line in "${images[@]}"; do read -r _ module _ <<<"$line"; echo "$module"; done | sort -u | paste -sd,)"
  step "mvn package -pl $modules"
  # shellcheck disable=SC2086 # MAVEN_ARGS is a list of arguments
  mvn -B -q ${MAVEN_ARGS:-} -f "$root/pom.xml" -pl "$modules" -am -DskipTests package
fi
jars=()
for line in "${images[@]}"; do
  read -r _ module jar _ <<<"$line"
  path="$(jar_of "$module" "$jar")"
  [[ -f "$path" ]] || { echo "no $path: build it first (without --no-package this script does)" >&2; exit 1; }
  jars+=("$path")
done
mapfile -t jars < <(printf '%s\n' "${jars[@]}" | sort -u)

rm -rf "$work"
mkdir -p "$work"

# The modules the jars use. jdeps takes about a minute per 60 MB jar and the jars share most of their classes, so it
# reads the largest jar whole and, of the others (and of the jars in a module's lib/), only the classes that jar lacks:
# each consumer's own package, the CLI's and picocli.
step "jdeps"
largest="$(ls -S "${jars[@]}" | head -1)"
unzip -Z1 "$largest" | grep '\.class$' | sort -u >"$work/shared-classes"
mkdir "$work/other-classes"
others=()
for line in "${images[@]}"; do
  read -r _ module _ <<<"$line"
  if [[ -d "$root/$module/target/lib" ]]; then
    others+=("$root/$module/target/lib/"*.jar)
  fi
done
for jar in "${jars[@]}"; do
  [[ "$jar" == "$largest" ]] || others+=("$jar")
done
for jar in "${others[@]}"; do
  mapfile -t own < <(unzip -Z1 "$jar" | grep '\.class$' | grep -v -e '^META-INF/' -e 'module-info\.class$' | sort -u | comm -23 - "$work/shared-classes")
  if ((${#own[@]})); then
    unzip -qo "$jar" "${own[@]}" -d "$work/other-classes"
  fi
done
modules="$("$JAVA_HOME/bin/jdeps" --ignore-missing-deps --multi-release "$release" --print-module-deps "$largest" "$work/other-classes")"
# Loaded by name at run time, which jdeps cannot see: the elliptic-curve provider of TLS (PostgreSQL, Redis, Kafka
# and upstreams over TLS; part of java.base from JDK 22 on, where the module stays only as an empty name), and the
# zip file system through which Micronaut lists resources inside the jar.
for module in jdk.crypto.ec jdk.zipfs; do
  if "$JAVA_HOME/bin/java" --list-modules | grep -q "^$module@"; then
    modules="$modules,$module"
  fi
done
step "jlink --add-modules $modules"
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=2 \
  --output "$work/runtime"

# A JVM needs the C library and its loader, and FROM scratch has neither: the ones the runtime's own binaries are
# linked against are copied from this machine, at the paths the binaries name (so the image's architecture is this
# machine's). Only glibc, zlib and the C++ runtime (the last for the native libraries the jars unpack for Kafka's
# compression: snappy, zstd, lz4): the desktop half of java.desktop (AWT on X11, sound, fonts), which jdeps pulls in
# for java.beans and a server never loads, would need X11 and font libraries the images do without.
step "C libraries"
mapfile -t linked < <(find "$work/runtime/bin" "$work/runtime/lib" -type f \( -path '*/bin/*' -o -name '*.so' \) -print0 \
  | xargs -0 ldd 2>/dev/null | grep -o '[[:space:]]/[^ ]*' | sed 's/^[[:space:]]*//' | grep -v "^$work/" | sort -u)
native=()
for lib in "${linked[@]}"; do
  if [[ "$(basename "$lib")" =~ ^(ld-linux.*|libc|libm|libdl|libpthread|librt|libz|libgcc_s|libstdc\+\+)\.so ]]; then
    native+=("$lib")
  fi
done
libc="$(printf '%s\n' "${native[@]}" | grep '/libc\.so\.6$')" || { echo "the runtime is not linked against glibc" >&2; exit 1; }
native+=("$(dirname "$libc")/libgcc_s.so.1" "$(dirname "$libc")/libstdc++.so.6")
for lib in $(printf '%s\n' "${native[@]}" | sort -u); do
  install -D -m 0755 "$(readlink -f "$lib")" "$work/rootfs$lib"
done

labels() { # title description -> the label arguments of buildah config
  printf '%s\n' --label "org.opencontainers.image.title=$1" --label "org.opencontainers.image.description=$2" \
    --label "org.opencontainers.image.version=$tag" --label "org.opencontainers.image.vendor=Caracal"
}

# The runtime image: /opt/java, the C libraries, the user caracal (10001:10001) and an empty /tmp, the one directory a
# Caracal process writes to (the JVM's performance data, the native libraries the jars unpack, the CLI's state). Mount
# a volume there when the root filesystem is read-only.
step "caracal/java-runtime:$tag"
mkdir -p "$work/rootfs/etc" "$work/rootfs/tmp"
# Home /tmp: the CLI's local state (~/.caracal) lands in the writable directory.
echo 'caracal:x:10001:10001:caracal:/tmp:/sbin/nologin' >"$work/rootfs/etc/passwd"
echo 'caracal:x:10001:' >"$work/rootfs/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$work/rootfs/etc/nsswitch.conf"
chmod 1777 "$work/rootfs/tmp"
base="$("${buildah[@]}" from scratch)"
"${buildah[@]}" copy --quiet "$base" "$work/rootfs" / >/dev/null
"${buildah[@]}" copy --quiet "$base" "$work/runtime" /opt/java >/dev/null
mapfile -t label < <(labels caracal-java-runtime "The Java runtime of the Caracal images: $modules")
"${buildah[@]}" config --env JAVA_HOME=/opt/java --env PATH=/opt/java/bin --user 10001:10001 --workingdir /app "${label[@]}" "$base"
"${buildah[@]}" commit --quiet --rm "$base" "caracal/java-runtime:$tag" >/dev/null

for line in "${images[@]}"; do
  read -r name module jar main ports <<<"$line"
  step "caracal/$name:$tag"
  container="$("${buildah[@]}" from "caracal/java-runtime:$tag")"
  "${buildah[@]}" copy --quiet "$container" "$(jar_of "$module" "$jar")" "/app/$jar" >/dev/null
  if [[ -d "$root/$module/target/lib" ]]; then
    # A jar whose manifest names its dependencies in lib/ (the CLI).
    "${buildah[@]}" copy --quiet "$container" "$root/$module/target/lib" /app/lib >/dev/null
  fi
  if [[ "$main" == "-" ]]; then
    entrypoint="[\"/opt/java/bin/java\",\"-jar\",\"/app/$jar\"]"
  else
    entrypoint="[\"/opt/java/bin/java\",\"-cp\",\"/app/$jar\",\"$main\"]"
  fi
  config=(--entrypoint "$entrypoint")
  if [[ "$ports" != "-" ]]; then
    for port in ${ports//,/ }; do
      config+=(--port "$port/tcp")
    done
  fi
  if [[ "$name" == "cli" ]]; then
    # The seeds run the CLI as `docker-compose exec cli caracal ...` in a container that idles: the CLI image alone
    # gets a shell, sleep and a `caracal` command (a static busybox, no C library needed), so that works.
    mkdir -p "$work/cli-tools/bin" "$work/cli-tools/usr/local/bin"
    install -m 0755 /bin/busybox "$work/cli-tools/bin/busybox"
    ln -sf busybox "$work/cli-tools/bin/sh"
    ln -sf busybox "$work/cli-tools/bin/sleep"
    printf '#!/bin/sh\nexec /opt/java/bin/java -jar /app/%s "$@"\n' "$jar" >"$work/cli-tools/usr/local/bin/caracal"
    chmod 0755 "$work/cli-tools/usr/local/bin/caracal"
    "${buildah[@]}" copy --quiet "$container" "$work/cli-tools" / >/dev/null
    config+=(--env PATH=/usr/local/bin:/opt/java/bin:/bin)
  fi
  mapfile -t label < <(labels "caracal-$name" "Caracal $name")
  "${buildah[@]}" config "${config[@]}" "${label[@]}" "$container"
  "${buildah[@]}" commit --quiet --rm "$container" "caracal/$name:$tag" >/dev/null
done

step "done"
"${buildah[@]}" images --format '{{.Name}}:{{.Tag}} {{.Size}}' | grep "caracal/.*:$tag " || true
