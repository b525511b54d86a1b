#!/usr/bin/env python3
"""Makes the CUDA 13 variant of JCublas2's JNI library from the Maven artifact (issue: CUDA backend, item 4).

JCublas2 12.6.0 links libcublas.so.12 and asks for its symbols at version "libcublas.so.12". A machine with only
CUDA 13 has libcublas.so.13, which exports the same C API (the v2 entry points JCublas2 calls) at version
"libcublas.so.13". This script, deterministic for a given input:
  1. patchelf --replace-needed libcublas.so.12 libcublas.so.13 (also renames the version-need file entry);
  2. patchelf --clear-symbol-version for every symbol bound to version libcublas.so.12, so they bind to the default
     version of whatever libcublas.so.13 provides;
  3. marks the remaining version need "libcublas.so.12" as weak (VER_FLG_WEAK) in .gnu.version_r, so the dynamic
     loader does not insist on a version that libcublas.so.13 does not define.
Usage: jcublas-cuda13.py INPUT.so OUTPUT.so   (needs patchelf >= 0.14 on PATH)
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

OLD, NEW = "libcublas.so.12", "libcublas.so.13"
VER_FLG_WEAK = 0x2


def versioned_symbols(path):
    out = subprocess.run(["nm", "-D", "--with-symbol-versions", path], check=True, capture_output=True, text=True)
    names = []
    for line in out.stdout.splitlines():
        token = line.split()[-1]
        if token.endswith("@" + OLD):
            names.append(token.split("@")[0])
    return sorted(set(names))


def section(data, name):
    """(offset, size, link) of the named section of a little-endian ELF64 file."""
    e_shoff, = struct.unpack_from("<Q", data, 0x28)
    e_shentsize, e_shnum, e_shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    def header(i):
        return struct.unpack_from("<IIQQQQIIQQ", data, e_shoff + i * e_shentsize)
    shstr = header(e_shstrndx)
    for i in range(e_shnum):
        h = header(i)
        start = shstr[4] + h[0]
        if data[start:data.index(b"\0", start)].decode() == name:
            return h[4], h[5], h[6], header(h[6])[4]     # offset, size, link, offset of the linked string table
    raise SystemExit("jcublas-cuda13: no section " + name)


def weaken_version_need(path):
    data = bytearray(open(path, "rb").read())
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise SystemExit("jcublas-cuda13: expected a little-endian ELF64 file: " + path)
    off, _size, _link, strtab = section(bytes(data), ".gnu.version_r")
    weakened = 0
    entry = off
    while True:
        vn_version, vn_cnt, vn_file, vn_aux, vn_next = struct.unpack_from("<HHIII", data, entry)
        aux = entry + vn_aux
        for _ in range(vn_cnt):
            vna_hash, vna_flags, vna_other, vna_name, vna_next = struct.unpack_from("<IHHII", data, aux)
            name = bytes(data[strtab + vna_name:data.index(b"\0", strtab + vna_name)]).decode()
            if name == OLD:
                struct.pack_into("<H", data, aux + 4, vna_flags | VER_FLG_WEAK)
                weakened += 1
            if vna_next == 0:
                break
            aux += vna_next
        if vn_next == 0:
            break
        entry += vn_next
    if weakened != 1:
        raise SystemExit("jcublas-cuda13: expected one version need named %s, found %d" % (OLD, weakened))
    open(path, "wb").write(data)


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    src, dst = sys.argv[1], sys.argv[2]
    if shutil.which("patchelf") is None:
        raise SystemExit("jcublas-cuda13: patchelf not found (apt-get install patchelf)")
    with tempfile.TemporaryDirectory() as tmp:
        work = os.path.join(tmp, os.path.basename(dst))
        shutil.copyfile(src, work)
        symbols = versioned_symbols(work)
        if not symbols:
            raise SystemExit("jcublas-cuda13: no symbol of %s bound to version %s" % (src, OLD))
        subprocess.run(["patchelf", "--replace-needed", OLD, NEW, work], check=True)
        args = ["patchelf"]
        for s in symbols:
            args += ["--clear-symbol-version", s]
        subprocess.run(args + [work], check=True)
        weaken_version_need(work)
        needed = subprocess.run(["readelf", "-d", work], check=True, capture_output=True, text=True).stdout
        if NEW not in needed or OLD in needed:
            raise SystemExit("jcublas-cuda13: NEEDED entries not rewritten:\n" + needed)
        os.makedirs(os.path.dirname(os.path.abspath(dst)), exist_ok=True)
        shutil.move(work, dst + ".tmp")
        os.replace(dst + ".tmp", dst)
    print("jcublas-cuda13: %s (%d symbols unversioned, %s -> %s, version need weak)" % (dst, len(symbols), OLD, NEW))


if __name__ == "__main__":
    main()
