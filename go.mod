module github.com/musl-dynamic/musl-dynamic

go 1.19

require github.com/google/go-containerregistry v0.20.2
