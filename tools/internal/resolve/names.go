package resolve

import "hash/maphash"

// nameIndex finds the providers of a name: every record's own name and
// provides, each name's providers contiguous and in index order. It is an
// open-addressing table of int32 slots over flat arrays, built in two
// passes; an index of 5,000 packages has some 25,000 names, and a Go map
// of slices spent most of the solver's setup growing, allocating and
// clearing memory.
type nameIndex struct {
	seed  maphash.Seed
	mask  uint64
	slots []int32 // 1 + index into heads; 0 is empty
	heads []nameHead
	flat  []provider
}

type nameHead struct {
	name   string
	off, n int32
}

// buildNames indexes every provide of cands.
func buildNames(cands []cand, total int) *nameIndex {
	size := 16
	for size < 2*total {
		size *= 2
	}
	x := &nameIndex{seed: maphash.MakeSeed(), mask: uint64(size - 1), slots: make([]int32, size)}
	x.heads = make([]nameHead, 0, total/2)
	ids := make([]int32, 0, total)
	for i := range cands {
		for _, p := range cands[i].provides {
			h := x.insert(p.name)
			x.heads[h].n++
			ids = append(ids, h)
		}
	}
	var off int32
	for i := range x.heads {
		x.heads[i].off = off
		off += x.heads[i].n
		x.heads[i].n = 0
	}
	x.flat = make([]provider, off)
	k := 0
	for i := range cands {
		c := &cands[i]
		for _, p := range c.provides {
			h := &x.heads[ids[k]]
			k++
			x.flat[h.off+h.n] = provider{c, p.version}
			h.n++
		}
	}
	return x
}

// find returns the slot of name: its entry, or the empty slot to put it in.
func (x *nameIndex) find(name string) uint64 {
	i := maphash.String(x.seed, name) & x.mask
	for {
		s := x.slots[i]
		if s == 0 || x.heads[s-1].name == name {
			return i
		}
		i = (i + 1) & x.mask
	}
}

func (x *nameIndex) insert(name string) int32 {
	i := x.find(name)
	if s := x.slots[i]; s != 0 {
		return s - 1
	}
	x.heads = append(x.heads, nameHead{name: name})
	x.slots[i] = int32(len(x.heads))
	return int32(len(x.heads) - 1)
}

// get returns the providers of name in index order; nil if none.
func (x *nameIndex) get(name string) []provider {
	s := x.slots[x.find(name)]
	if s == 0 {
		return nil
	}
	h := x.heads[s-1]
	return x.flat[h.off : h.off+h.n : h.off+h.n]
}
