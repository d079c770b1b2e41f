"""Public API of musl-dynamic: build minimal OCI images from Alpine apk packages."""

load("//rules/private:apk_packages.bzl", _apk_packages = "apk_packages")
load("//rules/private:musl_base_image.bzl", _musl_base_image = "musl_base_image")
load("//rules/private:oci_attest.bzl", _oci_attest = "oci_attest")
load("//rules/private:oci_index.bzl", _oci_index = "oci_index")
load("//rules/private:oci_push.bzl", _oci_push = "oci_push")
load("//rules/private:oci_sign.bzl", _oci_sign = "oci_sign")
load("//rules/private:paths_tar.bzl", _paths_tar = "paths_tar")
load("//rules/private:providers.bzl", _ApkPackagesInfo = "ApkPackagesInfo", _MuslImageInfo = "MuslImageInfo", _MuslToolsInfo = "MuslToolsInfo", _OciIndexInfo = "OciIndexInfo")
load("//rules/private:toolchain.bzl", _musl_tools_toolchain = "musl_tools_toolchain")

apk_packages = _apk_packages
musl_base_image = _musl_base_image
oci_index = _oci_index
oci_push = _oci_push
oci_sign = _oci_sign
oci_attest = _oci_attest
paths_tar = _paths_tar
ApkPackagesInfo = _ApkPackagesInfo
MuslImageInfo = _MuslImageInfo
OciIndexInfo = _OciIndexInfo
musl_tools_toolchain = _musl_tools_toolchain
MuslToolsInfo = _MuslToolsInfo
