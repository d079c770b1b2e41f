"""Providers shared by the musl-dynamic rules."""

ApkPackagesInfo = provider(
    doc = "The locked, downloaded apk files of one architecture, in install order.",
    fields = {
        "arch": "apk architecture: an `apk_arch` of PLATFORM_TABLE (e.g. x86_64).",
        "apks": "list of File: the .apk files in the lock's install order for `arch`.",
        "keys": "list of File: the trusted RSA public keys; each file is named like the key in the packages' signatures.",
        "lock": "File: the lock JSON the apks were downloaded from.",
    },
)

MuslImageInfo = provider(
    doc = "A single-platform OCI image built by musl_base_image.",
    fields = {
        "layout": "File (directory): the OCI image layout, one manifest in its index.json.",
        "manifest_digest_file": "File: holds the manifest digest, `sha256:<hex>`.",
        "config": "File: the image config JSON.",
        "layer": "File or None: the apk layer (tar+gzip) this image added, or with `max_layers` > 1 a directory of `layer-NN.tar.gz`; None when it added none.",
        "apk_layer": "File or None: the newest apk layer of the image's stack (this image's or its base's; a directory with `max_layers` > 1, whose last layer holds the database); its installed database lists every package of the stack.",
        "meta": "File or None: the META.json of `apk_layer` (its packages, each with the digest of the layer holding it).",
        "sbom": "File or None: SPDX 2.3 JSON of the image: its digest, its base's, its layers and the apk packages of the whole stack (a base from another tool: those of the apk database in its layers), each in the layer holding it; None only for an image without a base and without packages (which musl_base_image refuses).",
        "lock": "File or None: the lock file the apk packages were installed from (this image's or, without packages, the base's); None on a base from another tool without packages.",
        "base": "struct(label, layout) or None: the image this one is built on, its label (string) and OCI layout (File, a directory); provenance names it by its manifest digest.",
        "arch": "apk architecture of the image (e.g. armv7).",
        "os": "OCI os (always `linux`).",
        "architecture": "OCI architecture (e.g. arm).",
        "variant": "OCI variant (e.g. v7), or empty.",
    },
)

OciIndexInfo = provider(
    doc = "A multi-platform OCI index built by oci_index.",
    fields = {
        "layout": "File (directory): the OCI layout whose index.json lists the index.",
        "images": "list of MuslImageInfo: the platform images, sorted by platform.",
    },
)

MuslToolsInfo = provider(
    doc = "The Go tools of the rule set for one execution platform, from the tools toolchain.",
    fields = {
        "apkimage": "File: the `apkimage` executable (verify, layer, image, index, sbom, lock).",
        "apkpush": "File: the `apkpush` executable (registry upload).",
        "apkimage_runfiles": "runfiles of `apkimage` (empty for a prebuilt binary).",
        "apkpush_runfiles": "runfiles of `apkpush` (empty for a prebuilt binary).",
    },
)
