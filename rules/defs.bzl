"""Public API of musl-dynamic: build minimal OCI images from Alpine apk packages."""

load("//rules/private:apk_lock.bzl", _apk_lock = "apk_lock")
load("//rules/private:apk_packages.bzl", _apk_packages = "apk_packages")
load("//rules/private:musl_base_image.bzl", _musl_base_image = "musl_base_image")
load("//rules/private:oci_index.bzl", _oci_index = "oci_index")
load("//rules/private:oci_push.bzl", _oci_push = "oci_push")
load("//rules/private:providers.bzl", _ApkPackagesInfo = "ApkPackagesInfo", _MuslImageInfo = "MuslImageInfo")

apk_lock = _apk_lock
apk_packages = _apk_packages
musl_base_image = _musl_base_image
oci_index = _oci_index
oci_push = _oci_push
ApkPackagesInfo = _ApkPackagesInfo
MuslImageInfo = _MuslImageInfo
