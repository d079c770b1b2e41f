package apkindex

import "github.com/musl-dynamic/musl-dynamic/tools/internal/pkginfo"

// FromInfo is the record of a package from its .PKGINFO, its Q1 checksum and
// the size of its .apk file. Replaces and ReplacesPriority are filled too:
// the installed database carries them; index writers that leave them out of
// APKINDEX clear them.
func FromInfo(info *pkginfo.Info, checksum string, size int64) Record {
	return Record{
		Checksum:         checksum,
		Name:             info.Name,
		Version:          info.Version,
		Arch:             info.Arch,
		Size:             size,
		InstalledSize:    info.InstalledSize,
		Description:      info.Description,
		URL:              info.URL,
		License:          info.License,
		Origin:           info.Origin,
		Maintainer:       info.Maintainer,
		BuildTime:        info.BuildDate,
		Commit:           info.Commit,
		ProviderPriority: info.ProviderPriority,
		HasPriority:      info.HasPriority,
		Depends:          info.Depends,
		Provides:         info.Provides,
		InstallIf:        info.InstallIf,
		Replaces:         info.Replaces,
		ReplacesPriority: info.ReplacesPriority,
	}
}
