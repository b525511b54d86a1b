#!/usr/bin/env bash
# Prepares one GPU-machine session (run here, from the repository root): builds the engine jar, the test classes
# and the JMH classes, and packs them with a jlinked JRE and the JUnit console launcher into the git-ignored .gpu/.
# Then, with the device tool: run `bash .gpu/cuda-check.sh` there with .gpu carried; results land in $OUT.
set -euo pipefail
top=$(git rev-parse --show-toplevel)
cd "$top"
mvn -q -B -DskipTests package
mvn -q -B -DskipTests -pl java test-compile
rm -rf .gpu-extra && mkdir -p .gpu-extra
grep -qx '/.gpu-extra/' .git/info/exclude 2>/dev/null || echo '/.gpu-extra/' >> .git/info/exclude
(cd java/target/test-classes && jar cf "$top/.gpu-extra/tests.jar" .)
console=$(find ~/.m2/repository/org/junit/platform/junit-platform-console-standalone -name '*.jar' | sort -V | tail -1)
[ -n "$console" ] || mvn -q -B dependency:get -Dartifact=org.junit.platform:junit-platform-console-standalone:1.14.1
console=$(find ~/.m2/repository/org/junit/platform/junit-platform-console-standalone -name '*.jar' | sort -V | tail -1)
cp "$console" .gpu-extra/junit-console.jar
# the JMH classes alone (the engine is app.jar): the shaded benchmarks.jar would repeat 10 MB
(cd benchmarks/target/classes && jar cf "$top/.gpu-extra/bench.jar" .)
for a in org/openjdk/jmh/jmh-core/1.37/jmh-core-1.37.jar net/sf/jopt-simple/jopt-simple/5.0.4/jopt-simple-5.0.4.jar \
         org/apache/commons/commons-math3/3.6.1/commons-math3-3.6.1.jar; do
    cp ~/.m2/repository/$a .gpu-extra/
done
cp benchmarks/gpu/*.sh .gpu-extra/
# GS_LEAN=1 (benchmark runs): no java.desktop (plots are skipped with a note), no JOCL/jline natives for other
# platforms, no cuBLAS-12 JNI variant; keeps .gpu plus the tree under the device's 64 MiB with room to spare
modules=jdk.incubator.vector,java.desktop,jdk.management,jdk.zipfs
[ "${GS_LEAN:-0}" = 1 ] && modules=jdk.incubator.vector,jdk.management,jdk.zipfs
../shared/gpu-kit/pack java/target/goldstone.jar "$modules"
strip --strip-unneeded .gpu/jre/lib/server/libjvm.so      # symbols are not needed there: 4 MB less to send
rm -f .gpu/jre/lib/libawt_xawt.so .gpu/jre/lib/libsplashscreen.so .gpu/jre/lib/libjsound.so  # headless: no X11
if [ "${GS_LEAN:-0}" = 1 ]; then
  zip -q -d .gpu/app.jar 'org/jline/nativ/Windows/*' 'org/jline/nativ/Mac/*' 'org/jline/nativ/FreeBSD/*' \
      'lib/libJCublas2-12.6.0-linux-x86_64.so' || true
  rm -f .gpu/jre/lib/libjsvml.so
fi
du -sh .gpu .gpu/* | sort -h | tail -8
