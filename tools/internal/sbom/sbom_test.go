package sbom

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/stablejson"
)

var twoPackages = Doc{
	Name:    "//examples:base",
	Created: time.Unix(0, 0),
	Packages: []Package{
		{
			Name: "musl", Version: "1.2.5-r0", Arch: "x86_64", License: "MIT",
			Origin: "musl", Checksum: "Q1AAECAwQFBgcICQoLDA0ODxAREhM=",
			URL: "https://musl.libc.org/", Description: "the musl c library (libc) implementation",
		},
		{
			Name: "libstdc++", Version: "13.2.1_git20240309-r0", Arch: "x86_64",
			License: "GPL-3.0-or-later WITH GCC-exception-3.1", Origin: "gcc",
			Checksum: "Q1//////////////////////////8=",
		},
	},
}

const twoPackagesJSON = `{
  "SPDXID": "SPDXRef-DOCUMENT",
  "creationInfo": {
    "created": "1970-01-01T00:00:00Z",
    "creators": [
      "Tool: musl-dynamic-apkimage"
    ]
  },
  "dataLicense": "CC0-1.0",
  "documentNamespace": "https://github.com/musl-dynamic/musl-dynamic/spdx/examples-base-8a404f5fe77d93895fb529186c6a2d46797397bed1089cb0dda90cc6527f5151",
  "name": "//examples:base",
  "packages": [
    {
      "SPDXID": "SPDXRef-Image",
      "copyrightText": "NOASSERTION",
      "downloadLocation": "NOASSERTION",
      "filesAnalyzed": false,
      "licenseConcluded": "NOASSERTION",
      "licenseDeclared": "NOASSERTION",
      "name": "//examples:base",
      "primaryPackagePurpose": "CONTAINER",
      "supplier": "NOASSERTION"
    },
    {
      "SPDXID": "SPDXRef-Package-musl",
      "checksums": [
        {
          "algorithm": "SHA1",
          "checksumValue": "000102030405060708090a0b0c0d0e0f10111213"
        }
      ],
      "copyrightText": "NOASSERTION",
      "description": "the musl c library (libc) implementation",
      "downloadLocation": "NOASSERTION",
      "externalRefs": [
        {
          "referenceCategory": "PACKAGE-MANAGER",
          "referenceLocator": "pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&upstream=musl",
          "referenceType": "purl"
        }
      ],
      "filesAnalyzed": false,
      "homepage": "https://musl.libc.org/",
      "licenseConcluded": "NOASSERTION",
      "licenseDeclared": "MIT",
      "name": "musl",
      "supplier": "NOASSERTION",
      "versionInfo": "1.2.5-r0"
    },
    {
      "SPDXID": "SPDXRef-Package-libstdc--",
      "checksums": [
        {
          "algorithm": "SHA1",
          "checksumValue": "ffffffffffffffffffffffffffffffffffffffff"
        }
      ],
      "copyrightText": "NOASSERTION",
      "downloadLocation": "NOASSERTION",
      "externalRefs": [
        {
          "referenceCategory": "PACKAGE-MANAGER",
          "referenceLocator": "pkg:apk/alpine/libstdc%2B%2B@13.2.1_git20240309-r0?arch=x86_64&upstream=gcc",
          "referenceType": "purl"
        }
      ],
      "filesAnalyzed": false,
      "licenseConcluded": "NOASSERTION",
      "licenseDeclared": "GPL-3.0-or-later WITH GCC-exception-3.1",
      "name": "libstdc++",
      "supplier": "NOASSERTION",
      "versionInfo": "13.2.1_git20240309-r0"
    }
  ],
  "relationships": [
    {
      "relatedSpdxElement": "SPDXRef-Image",
      "relationshipType": "DESCRIBES",
      "spdxElementId": "SPDXRef-DOCUMENT"
    },
    {
      "relatedSpdxElement": "SPDXRef-Package-musl",
      "relationshipType": "CONTAINS",
      "spdxElementId": "SPDXRef-Image"
    },
    {
      "relatedSpdxElement": "SPDXRef-Package-libstdc--",
      "relationshipType": "CONTAINS",
      "spdxElementId": "SPDXRef-Image"
    }
  ],
  "spdxVersion": "SPDX-2.3"
}
`

func TestWriteExact(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, twoPackages); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != twoPackagesJSON {
		t.Errorf("Write =\n%s\nwant\n%s", got, twoPackagesJSON)
	}
	// Keys are sorted: decoding into maps and encoding again changes nothing.
	var v interface{}
	if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	again, err := stablejson.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != buf.String() {
		t.Error("output keys are not sorted")
	}
}
