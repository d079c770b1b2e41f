package sbom

// The SPDX 2.3 JSON shapes written here. Fields are declared in
// alphabetical order of their JSON names, so the output's keys are sorted.

type document struct {
	SPDXID            string         `json:"SPDXID"`
	CreationInfo      creationInfo   `json:"creationInfo"`
	DataLicense       string         `json:"dataLicense"`
	DocumentNamespace string         `json:"documentNamespace"`
	Name              string         `json:"name"`
	Packages          []spdxPackage  `json:"packages"`
	Relationships     []relationship `json:"relationships"`
	SPDXVersion       string         `json:"spdxVersion"`
}

type creationInfo struct {
	Created  string   `json:"created"`
	Creators []string `json:"creators"`
}

type spdxPackage struct {
	SPDXID           string        `json:"SPDXID"`
	Checksums        []checksum    `json:"checksums,omitempty"`
	CopyrightText    string        `json:"copyrightText"`
	Description      string        `json:"description,omitempty"`
	DownloadLocation string        `json:"downloadLocation"`
	ExternalRefs     []externalRef `json:"externalRefs,omitempty"`
	FilesAnalyzed    bool          `json:"filesAnalyzed"`
	Homepage         string        `json:"homepage,omitempty"`
	LicenseComments  string        `json:"licenseComments,omitempty"`
	LicenseConcluded string        `json:"licenseConcluded"`
	LicenseDeclared  string        `json:"licenseDeclared"`
	Name             string        `json:"name"`
	PrimaryPurpose   string        `json:"primaryPackagePurpose,omitempty"`
	Supplier         string        `json:"supplier"`
	VersionInfo      string        `json:"versionInfo,omitempty"`
}

type checksum struct {
	Algorithm string `json:"algorithm"`
	Value     string `json:"checksumValue"`
}

type externalRef struct {
	Category string `json:"referenceCategory"`
	Locator  string `json:"referenceLocator"`
	Type     string `json:"referenceType"`
}

type relationship struct {
	Related string `json:"relatedSpdxElement"`
	Type    string `json:"relationshipType"`
	Element string `json:"spdxElementId"`
}
